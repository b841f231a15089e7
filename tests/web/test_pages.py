"""What each persona sees on the pages: login, home per role, the unit tree and a unit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant
from ombud.org.services import unit_create
from ombud.org.views import UnitNode
from tests.conftest import ALICE_PASSWORD, Force, Login
from tests.factories import ComplaintFactory, ComplaintSubjectFactory, days_ago

pytestmark = pytest.mark.django_db


def html(response: Any) -> str:
    return response.content.decode()


# --- login and the root -------------------------------------------------------------------------


def test_the_login_page_has_a_password_field(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'type="password"' in html(response)


def test_the_root_sends_an_anonymous_visitor_to_a_page_with_a_password_field(client: Client) -> None:
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert 'type="password"' in html(response)


def test_the_root_sends_a_logged_in_user_home(login: Login) -> None:
    response = login("alice").get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_alice_logs_in_with_her_password_and_lands_on_her_home(client: Client, force: Force) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": ALICE_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "County A discipline committee" in html(response)


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(client: Client, force: Force) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong-password-here"})
    assert response.status_code == 200
    assert 'type="password"' in html(response)
    assert "_auth_user_id" not in client.session


def test_logging_out_takes_a_post_and_ends_the_session(login: Login) -> None:
    client = login("bob")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_every_page_says_its_language_and_shows_who_is_logged_in(login: Login) -> None:
    page = html(login("alice").get(reverse("home")))
    assert re.search(r'<html lang="en', page)
    assert "Alice Ng" in page
    assert '<span class="badge">body head</span>' in page
    assert 'action="/accounts/logout/"' in page


def test_the_navigation_offers_what_the_role_can_use(login: Login) -> None:
    alice_page = html(login("alice").get(reverse("home")))
    assert reverse("unit_tree") in alice_page
    assert reverse("admin:index") not in alice_page
    frank_page = html(login("frank").get(reverse("home")))
    assert f'href="{reverse("unit_tree")}"' not in frank_page


# --- home per role ------------------------------------------------------------------------------


def test_the_administrator_home_counts_the_force_and_links_to_the_admin_site(login: Login, force: Force) -> None:
    response = login("admin").get(reverse("home"))
    page = html(response)
    assert response.status_code == 200
    counts = dict(response.context["home"].admin.counts)
    assert counts["units"] == 8
    assert counts["officers"] == 5
    assert counts["complaints"] == 4
    assert counts["cases"] == 2
    assert counts["users"] == 7
    assert reverse("admin:index") in page
    assert reverse("unit_tree") in page


def test_alice_home_lists_her_body_and_the_complaints_routed_to_it(login: Login) -> None:
    page = html(login("alice").get(reverse("home")))
    assert "County A discipline committee" in page
    assert "CA-0001" in page
    assert "CA-0002" in page
    assert "CB-0001" not in page


def test_alice_home_counts_complaints_past_their_deadline(login: Login) -> None:
    body = login("alice").get(reverse("home")).context["home"].body
    assert body.complaint_count == 2
    assert body.action_overdue == 2
    assert body.ack_overdue == 2


def test_bob_home_lists_the_open_cases_of_his_body(login: Login) -> None:
    page = html(login("bob").get(reverse("home")))
    assert "K-A-001" in page
    assert "K-B-001" not in page


def test_charlie_home_shows_county_b_and_nothing_of_county_a(login: Login) -> None:
    page = html(login("charlie").get(reverse("home")))
    assert "CB-0001" in page
    assert "K-B-001" in page
    assert "CA-0001" not in page
    assert "K-A-001" not in page
    assert "County A discipline committee" not in page


def test_dave_home_shows_his_station_its_officers_and_their_open_alerts(login: Login) -> None:
    response = login("dave").get(reverse("home"))
    page = html(response)
    assert "Your unit: Station A1" in page
    assert "Gus Chen" in page and "Frank Li" in page
    assert "Hana Park" not in page
    (section,) = response.context["home"].supervised
    assert {alert.officer.last_name for alert in section.alerts} == {"Chen", "Li"}
    assert "complaints routed" not in page


def test_erin_home_shows_complaints_per_year_as_a_table_and_a_chart(login: Login) -> None:
    response = login("erin").get(reverse("home"))
    page = html(response)
    analyst = response.context["home"].analyst
    assert sum(count for _, count in analyst.per_year) == 4
    assert "<svg" in page and "Complaints per year" in page
    assert '<table class="per-year">' in page
    assert "<script" not in page


def test_frank_home_shows_his_status_and_links_to_his_own_record(login: Login, force: Force) -> None:
    page = html(login("frank").get(reverse("home")))
    assert reverse("officer_dossier", args=[force.officers["frank"].pk]) in page
    assert "active" in page
    assert "CA-0002" not in page


def test_a_user_with_several_roles_sees_a_section_for_each(login: Login, force: Force) -> None:
    membership_grant(actor=None, user=force.users["bob"], role=Role.SUPERVISOR, unit=force.units["a2"])
    membership_grant(actor=None, user=force.users["bob"], role=Role.ANALYST, unit=force.units["county_a"])
    home = login("bob").get(reverse("home")).context["home"]
    assert home.body is not None
    assert [section.unit.name for section in home.supervised] == ["Station A2"]
    assert home.analyst is not None


def test_a_user_without_a_role_is_told_to_ask_for_one(client: Client, force: Force) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="newcomer"))
    page = html(client.get(reverse("home")))
    assert "You hold no role yet" in page


# --- the unit tree ------------------------------------------------------------------------------


def _node(nodes: list[UnitNode], name: str) -> UnitNode | None:
    for node in nodes:
        if node.unit.name == name:
            return node
        found = _node(node.children, name)
        if found is not None:
            return found
    return None


def test_the_unit_tree_nests_units_and_counts_over_each_subtree(login: Login) -> None:
    tree = login("admin").get(reverse("unit_tree")).context["tree"]
    assert [node.unit.name for node in tree.roots] == ["Ministry of Public Security"]
    county_a = _node(tree.roots, "County A branch")
    assert [child.unit.name for child in county_a.children] == ["Station A1", "Station A2"]
    assert (county_a.officers, county_a.places) == (3, 4)
    assert (_node(tree.roots, "Station A1").officers, _node(tree.roots, "Station A1").places) == (2, 2)
    assert _node(tree.roots, "Ministry of Public Security").officers == 5


def test_the_unit_tree_counts_a_complaint_once_for_a_county_even_if_it_names_two_stations(
    login: Login, force: Force
) -> None:
    both = ComplaintFactory(reference="CA-0009", routed_to=force.bodies["a"], received_at=days_ago(3))
    ComplaintSubjectFactory(complaint=both, officer=force.officers["gus"])
    ComplaintSubjectFactory(complaint=both, officer=force.officers["hana"])
    tree = login("alice").get(reverse("unit_tree")).context["tree"]
    assert _node(tree.roots, "Station A1").complaints == 3
    assert _node(tree.roots, "Station A2").complaints == 1
    # CA-0001, CA-0002 and CA-0009; the complaint sent to the province is not alice's to count.
    assert _node(tree.roots, "County A branch").complaints == 3


def test_the_unit_tree_leaves_out_complaints_older_than_twelve_months(login: Login, force: Force) -> None:
    old = ComplaintFactory(reference="CA-OLD", routed_to=force.bodies["a"], received_at=days_ago(500))
    ComplaintSubjectFactory(complaint=old, officer=force.officers["gus"])
    tree = login("alice").get(reverse("unit_tree")).context["tree"]
    assert _node(tree.roots, "Station A1").complaints == 2


def test_the_unit_tree_is_collapsible_without_javascript(login: Login) -> None:
    page = html(login("admin").get(reverse("unit_tree")))
    assert "<details" in page and "<summary>" in page
    assert "<script" not in page


def test_alice_sees_the_tree_from_her_county_down(login: Login) -> None:
    tree = login("alice").get(reverse("unit_tree")).context["tree"]
    assert [node.unit.name for node in tree.roots] == ["County A branch"]
    assert _node(tree.roots, "County B branch") is None


def test_the_api_lists_the_units_of_the_tree_with_its_counts(login: Login, force: Force) -> None:
    units = login("alice").get(reverse("api-units")).json()
    assert [(u["name"], u["parent_id"]) for u in units["results"]] == [
        ("County A branch", force.units["province"].pk),
        ("Station A1", force.units["county_a"].pk),
        ("Station A2", force.units["county_a"].pk),
    ]
    county = units["results"][0]
    assert (county["officers"], county["places"], county["complaints"], county["kind"]) == (3, 4, 2, "county")
    # A supervisor reads his station, without complaint counts; an officer's account no unit.
    [station] = login("dave").get(reverse("api-units")).json()["results"]
    assert (station["name"], station["complaints"]) == ("Station A1", None)
    assert login("frank").get(reverse("api-units")).json()["count"] == 0


def test_a_supervisor_sees_no_complaint_counts_in_the_tree(login: Login) -> None:
    response = login("dave").get(reverse("unit_tree"))
    assert [node.unit.name for node in response.context["tree"].roots] == ["Station A1"]
    assert "complaint" not in html(response).split("<main>")[1].split("</main>")[0].lower()


def test_the_unit_tree_reads_the_same_number_of_queries_for_a_bigger_tree(login: Login, force: Force) -> None:
    client = login("admin")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("unit_tree"))
    kind = force.units["a1"].kind
    for n in range(12):
        unit_create(
            actor=None, code=f"EXTRA-{n}", name=f"Extra station {n}", kind=kind, parent=force.units["county_b"]
        )
    with CaptureQueriesContext(connection) as big:
        client.get(reverse("unit_tree"))
    assert len(big.captured_queries) == len(small.captured_queries)


# --- one unit -----------------------------------------------------------------------------------


def test_the_unit_page_shows_breadcrumbs_officers_places_and_bodies(login: Login, force: Force) -> None:
    page = html(login("alice").get(reverse("unit_detail", args=[force.units["a1"].pk])))
    crumbs = page.split('class="crumbs"')[1].split("</nav>")[0]
    assert "River Province" in crumbs and "County A branch" in crumbs
    # Above her county alice may not go: the province is named, not linked.
    assert reverse("unit_detail", args=[force.units["province"].pk]) not in crumbs
    assert reverse("unit_detail", args=[force.units["county_a"].pk]) in crumbs
    assert "Frank Li" in page and "Gus Chen" in page and "A1-001" in page
    assert "North A1 village" in page
    assert "County A discipline committee" in page and "Province inspectorate" in page
    assert "County B discipline committee" not in page


def test_the_unit_page_names_who_answers_for_each_village(login: Login, force: Force) -> None:
    page = login("alice").get(reverse("unit_detail", args=[force.units["a1"].pk])).context["page"]
    responsible = {row.place.name: [o.last_name for o in row.officers] for row in page.places}
    assert responsible == {"North A1 village": ["Li"], "South A1 village": ["Chen"]}


def test_a_county_page_lists_its_stations(login: Login, force: Force) -> None:
    page = login("bob").get(reverse("unit_detail", args=[force.units["county_a"].pk])).context["page"]
    assert [child.name for child in page.children] == ["Station A1", "Station A2"]


def test_the_unit_page_counts_complaints_per_year_for_a_body_member(login: Login, force: Force) -> None:
    response = login("alice").get(reverse("unit_detail", args=[force.units["a1"].pk]))
    assert sum(count for _, count in response.context["page"].per_year) == 2
    assert "<svg" in html(response)


def test_the_unit_page_shows_a_supervisor_no_complaint_figures(login: Login, force: Force) -> None:
    response = login("dave").get(reverse("unit_detail", args=[force.units["a1"].pk]))
    assert response.status_code == 200
    assert response.context["page"].per_year is None
    assert "Complaints per year" not in html(response)


def test_a_chart_of_forty_years_keeps_its_labels_apart() -> None:
    from ombud.core.charts import bar_chart

    svg = bar_chart([(str(year), year % 7) for year in range(1985, 2025)], title="Complaints per year")
    assert svg.count("<rect") == 40
    assert 0 < svg.count('class="label"') <= 15
    assert "<title>1990: 2</title>" in svg


def test_every_page_tells_the_browser_to_run_and_load_only_what_comes_from_the_site(client: Client) -> None:
    # The complaint portal first: a page a complainant opens must not run or fetch anything from elsewhere.
    for path in ("/report/", "/report/status/", "/accounts/login/"):
        response = client.get(path)
        policy = dict(
            directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
        page = html(response)
        assert "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_a_form_sent_after_its_session_ended_gets_the_site_s_own_page_in_the_reader_s_language(
    force: Force,
) -> None:
    # A complainant whose browser dropped its cookies while the follow-up page was open: no token, no
    # cookie. (The complaint form itself comes back filled in: tests/intake/test_pages.py.)
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ko")
    response = browser.post("/report/status/", {"receipt": "..."}, HTTP_REFERER="http://testserver/report/status/")
    assert response.status_code == 403
    page = html(response)
    assert '<html lang="ko"' in page and "<style" not in page
    assert 'href="http://testserver/report/status/"' in page
    with translation.override("ko"):
        assert (
            gettext("The form has expired") in page and gettext("The form has expired") != "The form has expired"
        )
    # A referrer elsewhere is not linked to.
    elsewhere = browser.post("/accounts/login/", {}, HTTP_REFERER="https://example.org/phish")
    assert elsewhere.status_code == 403 and "example.org" not in html(elsewhere)
