"""Full-text search over case and complaint text, limited to what the user may see."""

from __future__ import annotations

from ombud.accounts.models import Role
from ombud.cases.search import text_search
from ombud.cases.services import case_open
from ombud.intake.services import complaint_file
from tests.cases.conftest import Casework
from tests.intake.conftest import complaint_about


def test_an_investigator_finds_complaints_and_cases_by_their_words(casework: Casework) -> None:
    complaint_file(
        actor=None, data=complaint_about(casework.force.grain_officer, description="Cigarettes at the mill gate.")
    )
    case_open(
        actor=casework.investigator,
        body=casework.force.body_a,
        title="Mill gate cigarettes",
        summary="Two cartons.",
    )
    hits = text_search(casework.investigator, "cigarettes mill")
    assert {h.kind for h in hits} == {"case", "complaint"}
    assert all("mill" in h.text.lower() for h in hits)


def test_words_match_by_prefix_and_all_words_must_match(casework: Casework) -> None:
    complaint_file(
        actor=None, data=complaint_about(casework.force.grain_officer, description="Liquor delivered nightly.")
    )
    assert [h.kind for h in text_search(casework.investigator, "liq")] == ["complaint"]
    assert text_search(casework.investigator, "liquor tractor") == []


def test_search_syntax_typed_by_a_user_is_only_text(casework: Casework) -> None:
    for q in ['"unbalanced', "grain OR *", "NEAR(a b)", "col:value", "\x00", "' OR 1=1 --"]:
        text_search(casework.investigator, q)


def test_search_never_shows_what_the_user_may_not_see(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    complaint_file(
        actor=None, data=complaint_about(casework.force.grain_officer, description="Hidden grain store.")
    )
    outsider = make_member(casework.force.body_b, Role.INVESTIGATOR)
    assert text_search(casework.investigator, "hidden grain")
    assert text_search(outsider, "hidden grain") == []
