"""Publication: a decided outcome drafted by the body, reviewed and published by a head who did not
write it; texts that could lead to a complainant are refused; the public page hides small counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ombud.audit.models import AuditEntry
from ombud.cases.models import Case
from ombud.discipline.models import Measure, MeasureStep
from ombud.transparency.models import PublishedOutcome
from ombud.transparency.selectors import Shown, suppress
from ombud.transparency.services import CHECKLIST, outcome_draft, outcome_publish, outcome_text_problems
from tests.conftest import Force, Login
from tests.factories import CaseFactory, ComplaintFactory, MeasureFactory, MeasureStepFactory

pytestmark = pytest.mark.django_db

TEXT = "Two officers of the County A branch were suspended pending criminal proceedings."


@pytest.fixture(autouse=True)
def final_measure(force: Force) -> Measure:
    """The test force's reprimand, decided long enough ago that the time to appeal it has run out."""
    measure = force.measures["frank"]
    decided = timezone.now() - dt.timedelta(days=settings.OMBUD_APPEAL_DAYS + 1)
    Measure.objects.filter(pk=measure.pk).update(decided_at=decided)
    measure.refresh_from_db()
    return measure


def draft(force: Force, text: str = TEXT, case: Case | None = None) -> PublishedOutcome:
    return outcome_draft(
        actor=force.users["bob"], case=case or force.cases["a"], title="Two officers suspended", text=text
    )


def test_a_head_who_did_not_write_it_publishes_a_decided_outcome(force: Force) -> None:
    outcome = outcome_publish(actor=force.users["alice"], outcome=draft(force), checklist=list(CHECKLIST))
    assert (outcome.state, outcome.published_by) == ("published", force.users["alice"])
    assert outcome.checklist == sorted(CHECKLIST)


def test_the_writer_cannot_publish_his_own_text(force: Force) -> None:
    outcome = outcome_draft(actor=force.users["alice"], case=force.cases["a"], title="Suspended", text=TEXT)
    with pytest.raises(PermissionDenied):
        outcome_publish(actor=force.users["alice"], outcome=outcome, checklist=list(CHECKLIST))


def test_an_investigator_cannot_publish(force: Force) -> None:
    with pytest.raises(PermissionDenied):
        outcome_publish(actor=force.users["bob"], outcome=draft(force), checklist=list(CHECKLIST))


def test_publication_needs_every_item_of_the_checklist(force: Force) -> None:
    with pytest.raises(ValidationError):
        outcome_publish(actor=force.users["alice"], outcome=draft(force), checklist=["decided"])
    assert not PublishedOutcome.objects.filter(state="published").exists()


@pytest.mark.parametrize(
    "text",
    [
        "The complaint CA-0002 was upheld.",
        "Filed as C-2026-7KQ2-9XMD by a villager.",
        "Receipt 7KQ2-9XMD-4HTR-ZZ01-ABCD checked.",
        "Receipt 7KQ29XMD4HTRZZ01ABCD checked.",
        "Call the villager on +86 138 0013 8000.",
        "Write to wang.villager@example.org for details.",
    ],
)
def test_a_text_that_could_lead_to_a_complainant_is_refused(force: Force, text: str) -> None:
    assert outcome_text_problems(text)
    with pytest.raises(ValidationError):
        draft(force, text)


def test_a_text_naming_a_complainant_of_the_case_is_refused(force: Force) -> None:
    from ombud.intake.services import complaint_file
    from tests.intake.conftest import complaint_about

    filed = complaint_file(
        actor=None, data=complaint_about(force.officers["frank"], anonymous=False, name="Pak Sunhui", contact="")
    )
    force.cases["a"].complaints.add(filed.complaint)
    for text in (f"{TEXT} Pak Sunhui complained.", f"{TEXT} Thanks to SUNHUI of the village."):
        with pytest.raises(ValidationError, match="someone who complained"):
            draft(force, text)
    # A short part of a name alone is too common to refuse (and the officers are named "an officer").
    assert draft(force, f"{TEXT} Pak is a common name.").text.endswith("common name.")
    # Each refusal is a reading of who complained: audited, so names cannot be tried unseen.
    tried = AuditEntry.objects.filter(action="outcome.names_complainant", actor_id=force.users["bob"].pk)
    assert tried.count() == 2 and {entry.object_id for entry in tried} == {str(force.cases["a"].pk)}


def test_names_cannot_be_tried_against_a_case_by_those_who_may_not_read_them(force: Force) -> None:
    from ombud.intake.services import complaint_file
    from tests.intake.conftest import complaint_about

    filed = complaint_file(
        actor=None, data=complaint_about(force.officers["frank"], anonymous=False, name="Pak Sunhui", contact="")
    )
    force.cases["a"].complaints.add(filed.complaint)
    # The administrator may not read the complainants' names: he does not write outcomes.
    with pytest.raises(PermissionDenied):
        outcome_draft(actor=force.users["admin"], case=force.cases["a"], title="T", text=f"{TEXT} Pak Sunhui.")
    # A case with nothing decided answers that, whatever the text says.
    undecided = CaseFactory(body=force.bodies["a"])
    undecided.complaints.add(filed.complaint)
    with pytest.raises(ValidationError) as refused:
        draft(force, f"{TEXT} Pak Sunhui complained.", case=undecided)
    assert "someone who complained" not in str(refused.value) and "Nothing in this case" in str(refused.value)
    assert not AuditEntry.objects.filter(action="outcome.names_complainant").exists()


def test_dates_case_numbers_and_plain_words_pass(force: Force) -> None:
    assert outcome_text_problems(f"{TEXT} Decided on 2026-11-02 in case K-A-001, after 90 days.") == []


def test_no_outcome_is_published_while_a_measure_of_its_case_can_still_change(
    force: Force, final_measure: Measure
) -> None:
    outcome = draft(force)
    Measure.objects.filter(pk=final_measure.pk).update(decided_at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="open to appeal"):
        outcome_publish(actor=force.users["alice"], outcome=outcome, checklist=list(CHECKLIST))
    Measure.objects.filter(pk=final_measure.pk).update(state=Measure.State.APPEALED)
    MeasureStepFactory(measure=final_measure, kind=MeasureStep.Kind.APPEAL)
    with pytest.raises(ValidationError, match="open to appeal"):
        outcome_publish(actor=force.users["alice"], outcome=outcome, checklist=list(CHECKLIST))
    assert PublishedOutcome.objects.get(pk=outcome.pk).state == "draft"
    # The appeal decided: the measure is final, and the outcome may go out.
    Measure.objects.filter(pk=final_measure.pk).update(state=Measure.State.IN_FORCE)
    assert (
        outcome_publish(actor=force.users["alice"], outcome=outcome, checklist=list(CHECKLIST)).state
        == "published"
    )


def test_an_undecided_case_has_no_outcome_to_publish(force: Force) -> None:
    with pytest.raises(ValidationError):
        draft(force, case=CaseFactory(body=force.bodies["a"]))


def test_the_public_page_shows_published_outcomes_only_and_needs_no_account(force: Force) -> None:
    published = outcome_publish(actor=force.users["alice"], outcome=draft(force), checklist=list(CHECKLIST))
    outcome_draft(actor=force.users["bob"], case=force.cases["a"], title="Still a draft", text="Not yet reviewed.")
    page = Client().get(reverse("public_outcomes")).content.decode()
    assert published.text in page and "Still a draft" not in page


def test_the_public_page_shows_complete_years_and_hides_small_counts(force: Force) -> None:
    # The test force's four complaints, all this year, and three more two years ago, and forty last year.
    ComplaintFactory.create_batch(3, received_at=timezone.now() - dt.timedelta(days=800))
    last_year = timezone.localdate().year - 1
    ComplaintFactory.create_batch(40, received_at=dt.datetime(last_year, 6, 1, tzinfo=dt.UTC))
    page = Client().get(reverse("public_outcomes")).content.decode()
    figures = page.split('id="figures"')[1]
    this_year = str(timezone.localdate().year)
    assert f">{last_year}<" in figures and f">{this_year}<" not in figures
    # The lone small year hides the smallest other year with it: no total gives it away.
    assert figures.count("fewer than 5") >= 2 and ">3<" not in figures and ">40<" not in figures


def test_the_public_figures_are_computed_once_until_the_records_change(force: Force) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ombud.transparency.selectors import public_figures_cached

    last_year = timezone.localdate().year - 1
    ComplaintFactory.create_batch(12, received_at=dt.datetime(last_year, 6, 1, tzinfo=dt.UTC))
    first = public_figures_cached()
    with CaptureQueriesContext(connection) as again:
        assert public_figures_cached() == first
    assert len(again) <= 3
    ComplaintFactory(received_at=dt.datetime(last_year, 7, 1, tzinfo=dt.UTC))
    counts = {row.year: str(row.complaints) for row in public_figures_cached().years}
    assert counts[last_year] == "13"


def test_no_hidden_year_of_measures_can_be_worked_out_from_the_kinds(force: Force, final_measure: Measure) -> None:
    from ombud.transparency.selectors import public_figures

    Measure.objects.filter(pk=final_measure.pk).update(decided_at=timezone.now())
    this_year = timezone.localdate().year
    for back, count, kind in ((3, 5, "warning"), (2, 5, "reprimand"), (1, 2, "warning")):
        at = dt.datetime(this_year - back, 6, 1, tzinfo=dt.UTC)
        MeasureFactory.create_batch(count, kind=kind, state="ended", proposed_at=at, decided_at=at)
    figures = public_figures()
    shown = [row.measures.value for row in figures.years if row.measures.value is not None]
    assert sum(1 for row in figures.years if row.measures.hidden) >= 2
    kinds = [count.value or 0 for _kind, count in figures.measures_by_kind]
    assert sum(kinds) == sum(shown)


def test_the_kinds_of_measures_add_up_to_the_years_shown_only(force: Force, final_measure: Measure) -> None:
    from ombud.transparency.selectors import public_figures

    Measure.objects.filter(pk=final_measure.pk).update(decided_at=timezone.now())
    figures = public_figures()
    shown_years = {row.year for row in figures.years}
    assert all(year < timezone.localdate().year for year in shown_years)
    # The test force's only measure was decided this year: it counts in no year shown, nor by kind.
    assert all(count.value in (0, None) for _kind, count in figures.measures_by_kind)


def test_a_lone_small_count_takes_the_next_smallest_with_it() -> None:
    assert suppress([120, 3, 40, 0]) == [Shown(120), Shown(None), Shown(None, small=False), Shown(0)]
    assert suppress([120, 3, 2, 40]) == [Shown(120), Shown(None), Shown(None), Shown(40)]
    # The one hidden beside a small count may be any size: never called "fewer than 5".
    assert [str(shown) for shown in suppress([120, 3, 40])] == ["120", "fewer than 5", "withheld"]


def test_the_api_drafts_publishes_and_shows_the_public_what_the_page_shows(force: Force) -> None:
    bob, alice, charlie = Client(), Client(), Client()
    for client, name in ((bob, "bob"), (alice, "alice"), (charlie, "charlie")):
        client.force_login(force.users[name])
    url = reverse("api-outcomes")
    refused = bob.post(
        url,
        {"case": force.cases["a"].pk, "title": "Suspended", "text": "Call +86 138 0013 8000."},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "text" in refused.json()
    drafted = bob.post(
        url, {"case": force.cases["a"].pk, "title": "Suspended", "text": TEXT}, content_type="application/json"
    )
    assert drafted.status_code == 201 and drafted.json()["state"] == "draft"
    publish = reverse("api-outcome-publish", args=[drafted.json()["id"]])
    assert bob.post(publish, {"checklist": list(CHECKLIST)}, content_type="application/json").status_code == 403
    assert alice.post(publish, {"checklist": ["decided"]}, content_type="application/json").status_code == 400
    assert (
        charlie.post(publish, {"checklist": list(CHECKLIST)}, content_type="application/json").status_code == 404
    )
    published = alice.post(publish, {"checklist": list(CHECKLIST)}, content_type="application/json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert [o["id"] for o in bob.get(url).json()["results"]] == [drafted.json()["id"]]
    public = Client().get(reverse("api-public-outcomes")).json()
    assert [o["text"] for o in public["outcomes"]] == [TEXT]
    assert all(row["year"] < timezone.localdate().year for row in public["figures"]["years"])


def test_the_staff_page_drafts_and_publishes(login: Login, force: Force) -> None:
    response = login("bob").post(
        reverse("outcomes"), {"draft-case": force.cases["a"].pk, "draft-title": "Suspended", "draft-text": TEXT}
    )
    assert response.status_code == 302
    outcome = PublishedOutcome.objects.get()
    refused = login("bob").post(
        reverse("outcomes"),
        {"draft-case": force.cases["a"].pk, "draft-title": "Leak", "draft-text": "See CA-0002."},
    )
    assert refused.status_code == 400 and "complaint reference" in refused.content.decode()
    client = login("alice")
    assert "Reviewer" in client.get(reverse("outcomes")).content.decode()
    publish = client.post(
        reverse("outcome_publish", args=[outcome.pk]), {f"publish-{outcome.pk}-checklist": list(CHECKLIST)}
    )
    assert publish.status_code == 302
    outcome.refresh_from_db()
    assert outcome.state == "published"


def test_another_countys_staff_cannot_reach_the_draft(login: Login, force: Force) -> None:
    outcome = draft(force)
    response = login("charlie").post(
        reverse("outcome_publish", args=[outcome.pk]), {f"publish-{outcome.pk}-checklist": list(CHECKLIST)}
    )
    assert response.status_code == 404
