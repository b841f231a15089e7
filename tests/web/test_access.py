"""The access matrix: every persona against every page, and the gates' conflict rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.cases.selectors import case_get_for_user, case_list_for_user
from ombud.core.access import NotFoundForUser
from ombud.intake.selectors import complaint_get_for_user, complaint_list_for_user
from ombud.org.services import officer_create
from tests.conftest import Force, Login, admin_officer_change
from tests.factories import (
    AllegationFactory,
    CaseFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    EvidenceItemFactory,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "home": lambda f: reverse("home"),
    "unit tree": lambda f: reverse("unit_tree"),
    "county A": lambda f: reverse("unit_detail", args=[f.units["county_a"].pk]),
    "station A1": lambda f: reverse("unit_detail", args=[f.units["a1"].pk]),
    "station B1": lambda f: reverse("unit_detail", args=[f.units["b1"].pk]),
    "frank's record": lambda f: reverse("officer_dossier", args=[f.officers["frank"].pk]),
    "gus's record": lambda f: reverse("officer_dossier", args=[f.officers["gus"].pk]),
    "ivan's record": lambda f: reverse("officer_dossier", args=[f.officers["ivan"].pk]),
    "admin site": lambda f: reverse("admin:index"),
}

# What each persona gets: 200, 404 (outside their reach), or 302 (to a login page).
MATRIX = {
    "alice": [200, 200, 200, 200, 404, 200, 200, 404, 302],
    "bob": [200, 200, 200, 200, 404, 200, 200, 404, 302],
    "charlie": [200, 200, 404, 404, 200, 404, 404, 200, 302],
    "dave": [200, 200, 404, 200, 404, 200, 200, 404, 302],
    "erin": [200, 200, 200, 200, 200, 200, 200, 200, 302],
    "frank": [200, 200, 404, 404, 404, 200, 404, 404, 302],
    "admin": [200, 200, 200, 200, 200, 200, 200, 200, 200],
    "anonymous": [302, 302, 302, 302, 302, 302, 302, 302, 302],
}
CASES = [
    pytest.param(persona, page, status, id=f"{persona}-{page}-{status}")
    for persona, statuses in MATRIX.items()
    for page, status in zip(PAGES, statuses, strict=True)
]


@pytest.mark.parametrize(("persona", "page", "status"), CASES)
def test_each_persona_gets_each_page_or_a_404(
    client: Client, force: Force, persona: str, page: str, status: int
) -> None:
    if persona != "anonymous":
        client.force_login(force.users[persona])
    response = client.get(PAGES[page](force))
    assert response.status_code == status
    if status == 302:
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["alice", "charlie", "dave", "frank", "admin"])
def test_the_dossier_api_answers_as_the_page_and_is_audited(client: Client, force: Force, persona: str) -> None:
    from ombud.audit.models import AuditEntry

    client.force_login(force.users[persona])
    for who in ("frank", "gus", "ivan"):
        officer = force.officers[who]
        page = client.get(reverse("officer_dossier", args=[officer.pk]))
        reads = AuditEntry.objects.filter(action="officer.dossier.view", object_id=str(officer.pk)).count()
        api = client.get(reverse("api-officer-dossier", args=[officer.pk]), {"years": 3})
        assert api.status_code == page.status_code, (persona, who)
        if api.status_code == 200:
            body = api.json()
            assert body["officer"]["id"] == officer.pk and body["years"] == 3
            assert body["all_time"]["complaints"] == page.context["dossier"].all_time.complaints
            if not body["shows_cases"]:
                assert body["complaints"] == [] and body["allegations"] == []
            assert (
                AuditEntry.objects.filter(action="officer.dossier.view", object_id=str(officer.pk)).count()
                == reads + 1
            )


def test_a_404_for_something_out_of_reach_looks_like_one_for_nothing(login: Login, force: Force) -> None:
    client = login("charlie")
    hidden = client.get(reverse("officer_dossier", args=[force.officers["frank"].pk]))
    missing = client.get(reverse("officer_dossier", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    # The pages differ only in their CSRF token (masked afresh for every response) and their own path.
    assert _neutral(hidden) == _neutral(missing)


def _neutral(response: Any) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(response.wsgi_request.path, "")


def test_charlie_sees_no_complaint_of_county_a(force: Force) -> None:
    visible = set(complaint_list_for_user(force.users["charlie"]).values_list("reference", flat=True))
    assert visible == {"CB-0001"}
    with pytest.raises(NotFoundForUser):
        complaint_get_for_user(force.users["charlie"], force.complaints["gus"].pk)


def test_charlie_cannot_open_a_case_of_county_a(force: Force) -> None:
    with pytest.raises(NotFoundForUser):
        case_get_for_user(force.users["charlie"], force.cases["a"].pk)
    assert case_get_for_user(force.users["charlie"], force.cases["b"].pk) == force.cases["b"]


def test_a_complaint_sent_over_the_countys_head_is_invisible_to_the_county(force: Force) -> None:
    for name in ("alice", "bob"):
        visible = set(complaint_list_for_user(force.users[name]).values_list("reference", flat=True))
        assert visible == {"CA-0001", "CA-0002"}


def test_a_supervisor_and_an_officer_see_no_complaint_and_no_case(force: Force) -> None:
    for name in ("dave", "frank"):
        assert not complaint_list_for_user(force.users[name]).exists()
        assert not case_list_for_user(force.users[name]).exists()


def _fresh(user: User) -> User:
    # The scope is cached on the user object; a new role needs a new object, as a new request has.
    return User.objects.get(pk=user.pk)


def test_a_complaint_naming_frank_is_invisible_to_frank_even_as_an_investigator(force: Force) -> None:
    membership_grant(actor=None, user=force.users["frank"], role=Role.INVESTIGATOR, body=force.bodies["a"])
    frank = _fresh(force.users["frank"])
    visible = set(complaint_list_for_user(frank).values_list("reference", flat=True))
    assert "CA-0002" not in visible
    with pytest.raises(NotFoundForUser):
        complaint_get_for_user(frank, force.complaints["frank"].pk)


def test_a_case_naming_frank_is_invisible_to_frank_even_as_an_investigator(force: Force) -> None:
    membership_grant(actor=None, user=force.users["frank"], role=Role.INVESTIGATOR, body=force.bodies["a"])
    frank = _fresh(force.users["frank"])
    assert force.cases["a"] not in case_list_for_user(frank)
    with pytest.raises(NotFoundForUser):
        case_get_for_user(frank, force.cases["a"].pk)


def test_a_complaint_naming_a_colleague_is_invisible_to_bob_when_he_serves_in_that_unit(force: Force) -> None:
    bob_the_officer = officer_create(
        actor=None, last_name="Kim", first_name="Bob", badge="A1-009", unit=force.units["a1"]
    )
    User.objects.filter(pk=force.users["bob"].pk).update(officer=bob_the_officer)
    bob = _fresh(force.users["bob"])
    visible = set(complaint_list_for_user(bob).values_list("reference", flat=True))
    # CA-0001 names gus, bob's colleague at A1; CA-0002 names frank, another colleague.
    assert visible == set()
    other_station = ComplaintFactory(reference="CA-0100", routed_to=force.bodies["a"])
    ComplaintSubjectFactory(complaint=other_station, officer=force.officers["hana"])
    assert set(complaint_list_for_user(_fresh(bob)).values_list("reference", flat=True)) == {"CA-0100"}


def test_a_case_about_a_colleague_is_invisible_to_bob_when_he_serves_in_that_unit(force: Force) -> None:
    bob_the_officer = officer_create(
        actor=None, last_name="Kim", first_name="Bob", badge="A1-009", unit=force.units["a1"]
    )
    User.objects.filter(pk=force.users["bob"].pk).update(officer=bob_the_officer)
    about_gus = CaseFactory(number="K-A-002", body=force.bodies["a"])
    AllegationFactory(case=about_gus, officer=force.officers["gus"])
    about_hana = CaseFactory(number="K-A-003", body=force.bodies["a"])
    AllegationFactory(case=about_hana, officer=force.officers["hana"])
    numbers = set(case_list_for_user(_fresh(force.users["bob"])).values_list("number", flat=True))
    assert numbers == {"K-A-003"}


def test_frank_cannot_open_another_officers_record(login: Login, force: Force) -> None:
    client = login("frank")
    assert client.get(reverse("officer_dossier", args=[force.officers["gus"].pk])).status_code == 404
    assert client.get(reverse("officer_dossier", args=[force.officers["frank"].pk])).status_code == 200


def test_frank_sees_an_empty_unit_tree(login: Login) -> None:
    response = login("frank").get(reverse("unit_tree"))
    assert response.context["tree"].roots == []
    assert "No unit is within your reach" in response.content.decode()


def test_a_deactivated_user_is_sent_back_to_login(login: Login, force: Force) -> None:
    client = login("alice")
    User.objects.filter(pk=force.users["alice"].pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302


# --- the admin site -----------------------------------------------------------------------------


def test_the_admin_site_lists_the_main_models(login: Login) -> None:
    page = login("admin").get(reverse("admin:index")).content.decode()
    for name in ("Units", "Officers", "Complaints", "Cases", "Measures", "Meetings", "Alerts", "Audit entries"):
        assert name in page


def test_evidence_items_are_read_only_in_the_admin(login: Login, force: Force) -> None:
    client = login("admin")
    item = EvidenceItemFactory(case=force.cases["a"])
    assert client.get(reverse("admin:cases_evidenceitem_add")).status_code == 403
    change = client.get(reverse("admin:cases_evidenceitem_change", args=[item.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert (
        client.post(reverse("admin:cases_evidenceitem_change", args=[item.pk]), {"name": "forged.jpg"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:cases_evidenceitem_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.name == "ledger.jpg"


def test_the_admin_filters_complaints_only_by_what_it_shows(login: Login, force: Force) -> None:
    client = login("admin")
    listing = reverse("admin:intake_complaint_changelist")
    assert client.get(listing + "?status__exact=received").status_code == 200
    # The account a complainant wrote, and whether a complaint has a complainant at all, are kept
    # out of the admin: a filter on them would read them a letter at a time.
    for hidden in ("description__icontains=grain", "complainant__isnull=False", "receipt_digest__startswith=a"):
        assert client.get(f"{listing}?{hidden}").status_code == 400, hidden


def test_an_administrator_who_is_an_officer_does_not_read_the_complaints_and_cases_about_him(
    client: Client, force: Force
) -> None:
    from ombud.intake.models import Complaint

    frank, admin = force.users["frank"], force.users["admin"]
    frank.officer = None
    frank.save()
    admin.officer = force.officers["frank"]
    admin.save()
    client.force_login(admin)
    about_him = Complaint.objects.get(reference="CA-0002")
    listing = client.get(reverse("admin:intake_complaint_changelist")).content.decode()
    # Nor those about his station's colleagues (CA-0001 names gus), as the site's own gate.
    assert "CA-0002" not in listing and "CA-0001" not in listing and "CB-0001" in listing
    measure = force.measures["frank"]
    assert client.get(reverse("admin:discipline_measure_change", args=[measure.pk])).status_code == 302
    assert client.get(reverse("admin:intake_complaint_change", args=[about_him.pk])).status_code == 302
    case = force.cases["a"]
    assert case.allegations.filter(officer=force.officers["frank"]).exists()
    assert case.number not in client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 302


def test_audit_entries_are_read_only_in_the_admin(login: Login, force: Force) -> None:
    from ombud.audit.models import AuditEntry

    client = login("admin")
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert (
        client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "x"}).status_code == 403
    )
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )


def test_a_change_in_the_admin_lands_in_the_audit_chain(login: Login, force: Force) -> None:
    from ombud.audit.models import AuditEntry
    from ombud.audit.selectors import audit_verify

    client = login("admin")
    category = force.categories["bribery"]
    response = client.post(
        reverse("admin:intake_category_change", args=[category.pk]),
        {"code": "bribery", "name": "Bribery and extortion", "description": "", "is_bribery": "on", "ordering": 1},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="admin.change", object_type="intake.category").exists()
    assert audit_verify().ok


def test_an_officer_account_cannot_reach_the_admin_site(client: Client, force: Force) -> None:
    user = user_create(actor=None, username="gus", password=None, officer=force.officers["gus"])
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_404_page_keeps_the_header_so_the_user_can_find_his_way_back(login: Login, force: Force) -> None:
    response = login("charlie").get(reverse("unit_detail", args=[force.units["a1"].pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Charlie Do" in page and reverse("home") in page
    assert "Station A1" not in page


# --- those who see everything -------------------------------------------------------------------


def test_the_administrator_sees_every_complaint_and_case(force: Force) -> None:
    assert complaint_list_for_user(force.users["admin"]).count() == 4
    assert case_list_for_user(force.users["admin"]).count() == 2


def test_a_force_wide_analyst_works_on_aggregates_not_on_complaints_or_cases(force: Force) -> None:
    assert complaint_list_for_user(force.users["erin"]).count() == 0
    assert case_list_for_user(force.users["erin"]).count() == 0


def test_an_administrator_who_is_also_an_officer_still_sees_every_officer(force: Force) -> None:
    from ombud.org.selectors import officer_list_for_user

    User.objects.filter(pk=force.users["admin"].pk).update(officer=force.officers["jin"])
    assert officer_list_for_user(_fresh(force.users["admin"])).count() == 5


def test_an_analyst_of_one_county_sees_its_figures_but_no_complaint(client: Client, force: Force) -> None:
    user = user_create(actor=None, username="county_analyst", password=None)
    membership_grant(actor=None, user=user, role=Role.ANALYST, unit=force.units["county_a"])
    client.force_login(user)
    response = client.get(reverse("home"))
    analyst = response.context["home"].analyst
    assert dict(analyst.figures)["officers"] == 3
    total = dict(analyst.figures)["complaints about officers here"]
    assert total > 0 and sum(n for _year, n in analyst.per_year) == total
    assert "CA-0001" not in response.content.decode()


# --- the admin site, continued ------------------------------------------------------------------


def test_every_admin_list_opens_for_the_administrator(login: Login) -> None:
    from django.contrib import admin

    client = login("admin")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_a_unit_added_in_the_admin_takes_its_place_in_the_tree(login: Login, force: Force) -> None:
    from ombud.org.models import Unit

    county = force.units["county_a"]
    response = login("admin").post(
        reverse("admin:org_unit_add"),
        {"code": "STN-A3", "name": "Station A3", "kind": force.units["a1"].kind_id, "parent": county.pk},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="STN-A3")
    assert unit.path == f"{county.path}{unit.pk}/"
    assert unit.depth == county.depth + 1


def test_dave_made_investigator_still_sees_nothing_of_the_station_he_supervises(force: Force) -> None:
    # His own chain of command: a supervisor of station A1 who also sits on county A's body.
    membership_grant(actor=None, user=force.users["dave"], role=Role.INVESTIGATOR, body=force.bodies["a"])
    dave = _fresh(force.users["dave"])
    assert set(complaint_list_for_user(dave).values_list("reference", flat=True)) == set()
    with pytest.raises(NotFoundForUser):
        complaint_get_for_user(dave, force.complaints["gus"].pk)
    assert force.cases["a"] not in case_list_for_user(dave)
    elsewhere = ComplaintFactory(reference="CA-0101", routed_to=force.bodies["a"])
    ComplaintSubjectFactory(complaint=elsewhere, officer=force.officers["hana"])
    assert set(complaint_list_for_user(_fresh(dave)).values_list("reference", flat=True)) == {"CA-0101"}


def test_a_force_wide_analyst_with_a_body_role_sees_only_that_bodys_complaints(force: Force) -> None:
    # Erin's reach over every unit is for aggregates; a clerk's seat on county B's body opens county B only.
    membership_grant(actor=None, user=force.users["erin"], role=Role.INTAKE_CLERK, body=force.bodies["b"])
    erin = _fresh(force.users["erin"])
    assert set(complaint_list_for_user(erin).values_list("reference", flat=True)) == {"CB-0001"}
    assert set(case_list_for_user(erin)) == {force.cases["b"]}
    with pytest.raises(NotFoundForUser):
        complaint_get_for_user(erin, force.complaints["gus"].pk)


def test_a_member_once_named_with_the_accused_cannot_read_the_complaint(force: Force) -> None:
    # Hana (station A2) was named with gus before; made investigator on county A's body, she must not
    # read the new complaint about gus, even when the complainant chose her body.
    hana = user_create(actor=None, username="hana", password=None, officer=force.officers["hana"])
    membership_grant(actor=None, user=hana, role=Role.INVESTIGATOR, body=force.bodies["a"])
    together = ComplaintFactory(reference="CB-0100", routed_to=force.bodies["b"])
    ComplaintSubjectFactory(complaint=together, officer=force.officers["gus"])
    ComplaintSubjectFactory(complaint=together, officer=force.officers["hana"])
    visible = set(complaint_list_for_user(_fresh(hana)).values_list("reference", flat=True))
    assert "CA-0001" not in visible
    with pytest.raises(NotFoundForUser):
        complaint_get_for_user(_fresh(hana), force.complaints["gus"].pk)


def test_a_complaint_naming_no_officer_at_a_village_of_daves_station_stays_out_of_his_reach(force: Force) -> None:
    # "The tall officer at the post", at a village of station A1: about his station all the same.
    membership_grant(actor=None, user=force.users["dave"], role=Role.INVESTIGATOR, body=force.bodies["a"])
    unnamed = ComplaintFactory(reference="CA-0102", routed_to=force.bodies["a"], place=force.places["a1_north"])
    ComplaintSubjectFactory(complaint=unnamed, officer=None, kind="unidentified", description="the tall officer")
    case = CaseFactory(body=force.bodies["a"])
    case.complaints.add(unnamed)
    dave = _fresh(force.users["dave"])
    assert "CA-0102" not in set(complaint_list_for_user(dave).values_list("reference", flat=True))
    assert case not in case_list_for_user(dave)
    # Bob, with no tie to station A1, reads both.
    assert "CA-0102" in set(
        complaint_list_for_user(_fresh(force.users["bob"])).values_list("reference", flat=True)
    )


def test_the_admin_records_a_retirement_but_never_sets_or_lifts_a_suspension(login: Login, force: Force) -> None:
    import json

    from ombud.audit.models import AuditEntry
    from ombud.org.models import Officer

    client = login("admin")
    officer = force.officers["gus"]
    refused = admin_officer_change(client, officer.pk, status="suspended")
    assert refused.status_code == 200 and "decided under due process on the case page" in refused.content.decode()
    assert Officer.objects.get(pk=officer.pk).status == "active"
    Officer.objects.filter(pk=officer.pk).update(status="suspended")  # as a measure in force would
    assert admin_officer_change(client, officer.pk, status="active").status_code == 200
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert not AuditEntry.objects.filter(action="admin.change", object_type="org.officer").exists()
    assert admin_officer_change(client, officer.pk, status="retired").status_code == 302
    assert Officer.objects.get(pk=officer.pk).status == "retired"
    [entry] = AuditEntry.objects.filter(action="admin.change", object_type="org.officer")
    assert json.loads(entry.payload) == {"changed": ["Status"]}
    # No measure holds him: he may come back from retirement.
    assert admin_officer_change(client, officer.pk, status="active").status_code == 302
    assert Officer.objects.get(pk=officer.pk).status == "active"
