"""The evaluation on a dataset small enough to check by hand: the agreed JSON keys, precision at
k with ties shared out, the rules at their own flag count, fairness and ground-truth figures."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ombud.org.models import Officer
from ombud.risk.evaluation import (
    _group_figures,
    auc,
    evaluate,
    expected_hits,
    paired,
    precision_at,
    ranker_figures,
)
from ombud.risk.events import events_load
from ombud.risk.management.commands.risk import report_text
from ombud.risk.models import Evaluation
from ombud.risk.rules import rule_specs
from tests.risk.data import import_dir, synthetic_force
from tests.risk.helpers import stub_model, write_interchange

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2017, 12, 31)


def hand_force(directory: Path) -> Path:
    """O1: 3 complaints in the last half year, sustained next year. O2: 2 complaints, an unsustained
    one next year. O3: 1 complaint, sustained next year. O4, O5: one older complaint each. O6: a
    complaint too old for the cohort."""
    plan = {
        "O1": [
            ("2017-07-10", "not_sustained"),
            ("2017-09-01", "not_sustained"),
            ("2017-12-01", "unfounded"),
            ("2018-03-01", "sustained"),
        ],
        "O2": [("2017-02-01", "unfounded"), ("2017-05-01", "unfounded"), ("2018-04-01", "not_sustained")],
        "O3": [("2017-04-01", "exonerated"), ("2018-06-01", "sustained")],
        "O4": [("2016-05-01", "unfounded")],
        "O5": [("2015-02-01", "unfounded")],
        "O6": [("2014-06-01", "unfounded"), ("2018-02-01", "sustained")],
    }
    complaints, allegations = [], []
    for officer, events in plan.items():
        for n, (day, finding) in enumerate(events):
            complaint_id = f"{officer}-{n}"
            complaints.append(
                {"complaint_id": complaint_id, "received_on": day, "occurred_on": day, "closed_on": day}
            )
            allegations.append(
                {
                    "complaint_id": complaint_id,
                    "officer_id": officer,
                    "category": "Discourtesy",
                    "finding": finding,
                }
            )
    officers = [
        {
            "officer_id": o,
            "last_name": o,
            "unit": "North" if o in ("O1", "O2", "O3") else "South",
            "sex": "f" if o in ("O1", "O4") else "m",
        }
        for o in plan
    ]
    return write_interchange(directory, officers=officers, complaints=complaints, allegations=allegations)


def test_ties_are_shared_out_in_expectation() -> None:
    score = np.array([0.9, 0.5, 0.5, 0.5])
    y = np.array([False, True, False, False])
    assert expected_hits(score, y, 2) == pytest.approx(1 / 3)
    assert precision_at(score, y, 4) == pytest.approx(0.25)
    assert auc(score, y) == pytest.approx((0 + 0.5 + 0.5) / 3)


def test_two_rankings_are_told_apart_only_by_the_positives_one_of_them_picked_alone() -> None:
    y = np.array([True, True, True, True, False, False])
    # Both picked officer 0; the model alone 1 and 2, the other alone 3: a split of 2 to 1, which
    # equally good pickers give as often as not (exact sign test: p = 1).
    close = paired(y, np.array([1.0, 1, 1, 0, 0, 0]), np.array([1.0, 0, 0, 1, 1, 0]))
    assert close == {"model_only": 2.0, "other_only": 1.0, "p": 1.0}
    # Ten to none is another matter: 2 / 2**10.
    picks = np.r_[np.ones(10), np.zeros(10)]
    assert paired(picks > 0, picks, 1 - picks)["p"] == pytest.approx(2 / 1024, abs=1e-4)
    # A tie straddling the cut counts in expectation, as the precision does.
    half = paired(np.array([True, False]), np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    assert (half["model_only"], half["other_only"]) == (0.5, 0.0)
    # Halves count up, not to the nearest even: 2.5 to none is a split of 3 to 0 (p = 2 / 8).
    shared = paired(np.ones(6, dtype=bool), np.r_[1.0, 1, 0.5, 0, 0, 0], np.r_[0.0, 0, 0, 0, 0, 0])
    assert shared["p"] == pytest.approx(0.25)
    assert paired(np.array([False, False]), np.array([1.0, 0]), np.array([0.0, 1]))["p"] == 1.0


def test_the_evaluation_json_has_the_agreed_keys_and_hand_checked_figures(tmp_path: Path) -> None:
    import_dir(hand_force(tmp_path))
    result = evaluate(
        events_load(),
        AS_OF,
        label="sustained",
        rules=rule_specs(),
        model=stub_model("complaints_all", as_of=AS_OF),
    )
    assert (result["as_of"], result["label"], result["cohort"], result["positives"]) == (
        "2017-12-31",
        "sustained",
        5,
        2,
    )
    model, count = result["rankers"]["model"], result["rankers"]["count_12m"]
    assert set(model) == set(count) == {"p_at_1", "p_at_5", "p_at_10", "recall_at_5", "auc"}
    # One officer is the top 1 %, 5 % and 10 % of five: O1, who is positive.
    assert (model["p_at_1"], model["p_at_5"], model["p_at_10"], model["recall_at_5"]) == (1.0, 1.0, 1.0, 0.5)
    assert model["auc"] == pytest.approx(4 / 6, abs=1e-4)
    assert count["auc"] == pytest.approx(5 / 6, abs=1e-4)
    rule = result["rankers"]["rule:3_in_12_months"]
    assert (rule["flags"], rule["precision"], rule["recall"], rule["model_precision_at_same_flags"]) == (
        1,
        1.0,
        0.5,
        1.0,
    )
    assert result["rankers"]["rule:3_in_180_days"]["flags"] == 1
    # The rule and the model flag the same officer: nothing tells them apart.
    assert result["differences"]["rule:3_in_12_months"] == {"model_only": 0.0, "other_only": 0.0, "p": 1.0}
    assert "rule:sustained_bribery" not in result["differences"]  # it flags nobody
    assert set(result["differences"]["count_12m"]) == {"model_only", "other_only", "p"}
    # The rule as it read when measured, for the report to show after an edit.
    assert rule["description"] == "3 or more complaints in 12 months"
    bribery = result["rankers"]["rule:sustained_bribery"]
    assert (bribery["flags"], bribery["precision"], bribery["model_precision_at_same_flags"]) == (0, None, None)
    # It flags no one because this force calls nothing "bribery": the report says so, and what to do.
    assert (bribery["categories"], bribery["categories_in_record"]) == (["bribery"], False)
    assert "categories_in_record" not in rule  # a rule without categories
    told = "Rule sustained_bribery counts the category bribery, which no complaint in this record has"
    assert told in report_text(result)
    from django.test import Client

    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant, user_create

    Evaluation.objects.create(as_of=AS_OF, label="sustained", created_at=timezone.now(), result=result)
    ann = user_create(actor=None, username="ann", password=None, first_name="Ann", last_name="Ng")
    membership_grant(actor=None, user=ann, role=Role.ANALYST)
    analyst = Client()
    analyst.force_login(ann)
    page = analyst.get("/risk/report/").content.decode()
    assert told in page
    # One group by unit (both pooled): a table of one row compares nothing, and says so.
    alone = "Every officer of the cohort is in one group (other (small groups)"
    assert alone in page and alone in report_text(result)
    units = {g["group"]: g for g in result["fairness"]["unit"]}
    assert units.keys() == {"other (small groups)"}  # both units are under the minimum size
    assert {g["group"] for g in result["fairness"]["sex"]} == {"other (small groups)"}
    # Pooled, they are still five officers: their size is said, no figure about them is.
    pooled = units["other (small groups)"]
    assert pooled["officers"] == 5
    assert [pooled[k] for k in ("positives", "base_rate", "flags", "flag_rate", "precision")] == [None] * 5
    assert "ground_truth" not in result
    json.dumps(result)


def test_on_a_simulated_force_the_evaluation_counts_hidden_corrupt_officers_in_its_top(tmp_path: Path) -> None:
    import_dir(hand_force(tmp_path))
    pk = dict(Officer.objects.values_list("external_id", "pk"))
    truth = {
        "kind": {
            pk["O1"]: "vampire",
            pk["O2"]: "honest",
            pk["O3"]: "honest",
            pk["O4"]: "bribe_taker",
            pk["O5"]: "honest",
        },
        "corrupt_from": {},
        "retaliated": {pk["O3"]},
    }
    result = evaluate(events_load(), AS_OF, rules=[], truth=truth, model=stub_model("complaints_all", as_of=AS_OF))
    ground = result["ground_truth"]
    assert (ground["vampires"]["in_cohort"], ground["vampires"]["in_top_5"]) == (1, 1.0)
    assert (ground["corrupt"]["in_cohort"], ground["corrupt"]["in_top_5"]) == (2, 1.0)
    # O1's first sustained finding came in March 2018: flagged about 0.17 years before.
    assert ground["vampires"]["flagged_before_any_sustained_finding"] == 1.0
    assert ground["vampires"]["mean_years_before_first_sustained"] == pytest.approx(0.16, abs=0.01)
    assert (ground["honest_flag_rate"], ground["retaliated_honest_flag_rate"]) == (0.0, 0.0)
    text = report_text(result)
    assert "vampires: 1 of 1 in the top 5%; 1 of them before any sustained finding" in text
    assert "honest officers targeted by retaliation: 0 of 1" in text


def test_a_category_rule_is_found_in_a_record_that_names_its_category_in_its_own_spelling(tmp_path: Path) -> None:
    from ombud.risk.rules import categories_in_record

    officers = [{"officer_id": "B1", "last_name": "Bai"}]
    complaints = [{"complaint_id": "K1", "received_on": "2016-03-01"}]
    allegations = [{"complaint_id": "K1", "officer_id": "B1", "category": "Bribery", "finding": "pending"}]
    import_dir(write_interchange(tmp_path, officers=officers, complaints=complaints, allegations=allegations))
    rules = {rule.name: rule for rule in rule_specs()}
    assert categories_in_record(events_load(), rules["sustained_bribery"]) is True
    assert categories_in_record(events_load(), rules["3_in_12_months"]) is None


def test_risk_evaluate_prints_the_json_and_keeps_the_figures_for_the_report(tmp_path: Path) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2013, end=2017))
    out = StringIO()
    call_command("risk", "evaluate", "--as-of", "2016-12-31", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert {"as_of", "label", "cohort", "positives", "rankers", "fairness"} <= set(printed)
    assert {"model", "count_12m", "rule:3_in_12_months", "rule:3_in_180_days", "rule:sustained_bribery"} <= set(
        printed["rankers"]
    )
    assert set(printed["rankers"]["rule:3_in_12_months"]) >= {
        "flags",
        "precision",
        "recall",
        "model_precision_at_same_flags",
    }
    assert Evaluation.objects.get().result == printed
    text = StringIO()
    call_command("risk", "evaluate", "--as-of", "2016-12-31", "--label", "any", stdout=text)
    assert "count_12m" in text.getvalue() and "rule:3_in_12_months" in text.getvalue()
    assert "chance of a split at least this uneven" in text.getvalue()

    # The API gives analysts the same figures; anyone else sees no evaluation.
    from django.test import Client

    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant, user_create

    erin = user_create(actor=None, username="erin", password=None, first_name="Erin", last_name="Lam")
    membership_grant(actor=None, user=erin, role=Role.ANALYST)
    analyst, other = Client(), Client()
    analyst.force_login(erin)
    other.force_login(user_create(actor=None, username="gus", password=None, first_name="Gus", last_name="Chen"))
    listed = analyst.get("/api/v1/risk/evaluations/").json()
    assert [(e["label"], e["cohort"]) for e in listed["results"]] == [
        ("any", printed["cohort"]),
        ("sustained", printed["cohort"]),
    ]
    sustained = Evaluation.objects.get(label="sustained")
    detail = analyst.get(f"/api/v1/risk/evaluations/{sustained.pk}/").json()
    assert detail["result"] == printed and detail["as_of"] == "2016-12-31"
    assert other.get("/api/v1/risk/evaluations/").json()["count"] == 0
    assert other.get(f"/api/v1/risk/evaluations/{sustained.pk}/").status_code == 404


def test_an_evaluation_whose_outcome_year_runs_past_the_end_of_the_record_is_refused(tmp_path: Path) -> None:
    # Past an imported record's last day nobody draws an allegation: every figure would read zero.
    import_dir(synthetic_force(tmp_path / "force", officers=60, start=2013, end=2016))
    with pytest.raises(CommandError, match="The record ends on 201"):
        call_command("risk", "evaluate", "--as-of", "2016-12-31", stdout=StringIO())
    # A year that ends today is not over either: its last day's complaints are still coming in.
    for days in (200, 365):
        as_of = timezone.localdate() - dt.timedelta(days=days)
        with pytest.raises(CommandError, match="its outcomes are not known yet"):
            call_command("risk", "evaluate", "--as-of", str(as_of), stdout=StringIO())
    assert not Evaluation.objects.exists()


def test_the_printed_fairness_table_says_when_it_shows_only_the_largest_groups(tmp_path: Path) -> None:
    import_dir(hand_force(tmp_path))
    result = evaluate(events_load(), AS_OF, rules=[], model=stub_model("complaints_all", as_of=AS_OF))
    group = {"officers": 20, "positives": 1, "base_rate": 0.05, "flags": 1, "flag_rate": 0.05, "precision": 1.0}
    result["fairness"]["unit"] = [{"group": f"Station {i}", **group} for i in range(40)]
    text = report_text(result)
    assert "Station 14" in text and "Station 15" not in text
    assert "The 15 largest of 40 groups; --json gives every group." in text
    # Units named in Chinese or Korean keep their figures in line with the others' (each of their
    # characters takes two columns of a terminal).
    result["fairness"]["unit"] = [{"group": name, **group} for name in ("North", "第一派出所", "서울경찰서")]
    rows = [line for line in report_text(result).splitlines() if line.rstrip().endswith("0.050")][-3:]
    assert [sum(2 if "\u1100" <= c <= "\uffdc" else 1 for c in row) for row in rows] == [len(rows[0])] * 3


def test_a_ranking_of_nobody_has_no_precision_rather_than_none_found() -> None:
    figures = ranker_figures(np.zeros(0), np.zeros(0, dtype=bool))
    assert figures == {"p_at_1": None, "p_at_5": None, "p_at_10": None, "recall_at_5": None, "auc": None}


def test_a_lone_small_group_is_pooled_under_its_own_name_no_longer_and_its_figures_withheld() -> None:
    # 30 officers of one group, 25 of another and 3 of a third: "pooling" the three alone would only
    # rename them; and the next smallest group's figures would give theirs back by subtraction.
    keys = ["white"] * 30 + ["latino"] * 25 + ["black"] * 3
    y = np.array([i % 5 == 0 for i in range(58)])
    flagged = np.array([1.0] * 3 + [0.0] * 52 + [1.0, 0.0, 0.0])
    groups = {g["group"]: g for g in _group_figures(keys, SimpleNamespace(y=y), flagged)}  # type: ignore[arg-type]
    assert groups["white"]["officers"] == 30 and groups["white"]["flag_rate"] == 0.1
    small = groups["other (small groups)"]
    assert small["officers"] == 3 and small["flag_rate"] is None and small["precision"] is None
    assert groups["latino"]["officers"] == 25 and groups["latino"]["positives"] is None


def test_fairness_names_units_emptied_since_and_tells_apart_units_of_one_name(tmp_path: Path) -> None:
    from ombud.org.models import Unit
    from ombud.risk.evaluation import _unit_labels

    import_dir(hand_force(tmp_path))
    north, south = Unit.objects.get(name="North"), Unit.objects.get(name="South")
    Officer.objects.filter(unit=north).update(unit=south)  # North is emptied after the date
    assert events_load().unit_names[north.pk] == "North"
    twins = SimpleNamespace(unit_names={1: "1st District", 2: "1st District", 3: "Headquarters"})
    labels = _unit_labels(twins, np.array([1, 2, 3, -1]))  # type: ignore[arg-type]
    assert labels == ["1st District (#1)", "1st District (#2)", "Headquarters", ""]


def test_a_year_whose_findings_are_still_to_come_is_said_to_be_so_with_the_figures(tmp_path: Path) -> None:
    from ombud.cases.models import Allegation

    # Investigations close 300 days after receipt, and the record was exported at the end of 2018:
    # what was still under investigation then is pending in it.
    import_dir(synthetic_force(tmp_path / "force", officers=200, start=2010, end=2018, closed_after=300))
    Allegation.objects.filter(decided_at__gt=dt.datetime(2018, 12, 31, tzinfo=dt.UTC)).update(
        finding="", decided_at=None
    )
    ev = events_load()
    recent, settled = (
        evaluate(ev, dt.date(year, 12, 31), model=stub_model("complaints_all", as_of=dt.date(year, 12, 31)))
        for year in (2017, 2014)
    )
    assert recent["outcomes_known"] < 0.6 and settled["outcomes_known"] >= 0.95
    assert "Only about" in report_text(recent) and "of the outcomes of the year after 2017-12-31" in report_text(
        recent
    )
    assert "Only about" not in report_text(settled)


def test_a_record_without_findings_is_not_reported_as_a_model_that_finds_nothing(tmp_path: Path) -> None:
    from ombud.cases.models import Allegation

    import_dir(synthetic_force(tmp_path / "force", officers=200, start=2010, end=2018, closed_after=300))
    as_of = dt.date(2014, 12, 31)
    model = stub_model("complaints_all", as_of=as_of)
    Allegation.objects.update(finding="", decided_at=None)  # an export that gives no findings
    ev = events_load()
    held, anything = (evaluate(ev, as_of, label=label, model=model) for label in ("sustained", "any"))
    assert held["positives"] == 0 and held["cohort"] > 0
    assert "Nobody in the cohort drew a sustained allegation in the year after 2014-12-31" in report_text(held)
    assert "evaluate with the label “any”" in report_text(held)
    assert anything["positives"] > 0 and "Nobody" not in report_text(anything)


def test_a_record_too_short_for_any_date_says_so_instead_of_pointing_from_one_refusal_to_another(
    tmp_path: Path,
) -> None:
    from ombud.risk.model import first_trainable, training_dates

    import_dir(synthetic_force(tmp_path / "force", officers=60, start=2018, end=2019))
    for as_of in ("2018-12-31", "2019-03-31"):
        with pytest.raises(CommandError, match="too short to evaluate the model on any date") as refused:
            call_command("risk", "evaluate", "--as-of", as_of, stdout=StringIO())
    assert "The record runs from 2018-01-" in str(refused.value)
    # The first date training names is the first it can train on.
    ev = events_load()
    first = first_trainable(ev)
    assert first is not None and training_dates(ev, first) and not training_dates(ev, first - dt.timedelta(days=1))
    with pytest.raises(CommandError, match=f"the first date to train as of is {first}"):
        call_command("risk", "train", "--as-of", str(first - dt.timedelta(days=1)), stdout=StringIO())


def test_a_live_record_too_short_for_any_settled_year_says_so_too(tmp_path: Path) -> None:
    # Two years and four months up to last week: a date with history enough has its year still to come.
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in range(850, 6, -20)]
    import_dir(
        write_interchange(
            tmp_path / "live",
            officers=[{"officer_id": f"L{i}", "last_name": f"Lee {i}"} for i in range(6)],
            complaints=[{"complaint_id": f"C{i}", "received_on": str(day)} for i, day in enumerate(days)],
            allegations=[
                {"complaint_id": f"C{i}", "officer_id": f"L{i % 6}", "finding": "sustained" if i % 4 else ""}
                for i in range(len(days))
            ],
        )
    )
    for back in (100, 400, 500):
        with pytest.raises(CommandError, match="too short to evaluate the model on any date"):
            call_command("risk", "evaluate", "--as-of", str(today - dt.timedelta(days=back)), stdout=StringIO())


def _result(as_of: str, *, model_tp: int, rule_tp: int, model_only: float, other_only: float) -> dict:
    return {
        "as_of": as_of,
        "cohort": 200,  # the top 5 % is 10 officers
        "rankers": {
            "model": {"p_at_5": model_tp / 10},
            "count_12m": {"p_at_5": rule_tp / 10},
            "rule:3_in_180_days": {
                "description": "3 or more complaints in 180 days",
                "flags": 6,
                "true_positives": rule_tp,
                "model_true_positives_at_same_flags": model_tp,
            },
            "rule:sustained_bribery": {"flags": 0, "true_positives": 0, "model_true_positives_at_same_flags": 0},
        },
        "differences": {
            "count_12m": {"model_only": model_only, "other_only": other_only, "p": 1.0},
            "rule:3_in_180_days": {"model_only": model_only, "other_only": other_only, "p": 1.0},
        },
    }


def test_evaluations_pooled_over_dates_sum_what_one_year_cannot_tell() -> None:
    from ombud.risk.evaluation import pooled

    # Each year alone is a split of 2 to 0 or 3 to 1 (p = 0.5, 0.62); ten such years are not chance.
    years = [
        _result(f"{2009 + i}-12-31", model_tp=3, rule_tp=1, model_only=2.0 + (i % 2), other_only=float(i % 2))
        for i in range(10)
    ]
    old = {"as_of": "2008-12-31", "cohort": 200, "rankers": years[0]["rankers"]}  # kept before "differences"
    result = pooled([*reversed(years), old])
    assert result["as_of"] == [f"{y}-12-31" for y in range(2009, 2019)] and result["left_out"] == 1
    rule = result["comparisons"]["rule:3_in_180_days"]
    assert (rule["dates"], rule["picks"], rule["model_true_positives"], rule["other_true_positives"]) == (
        10,
        60,
        30,
        10,
    )
    assert (rule["model_only"], rule["other_only"]) == (25.0, 5.0)
    assert rule["p"] < 0.001 and rule["descriptions"] == ["3 or more complaints in 180 days"]
    assert (rule["model_mean_precision"], rule["other_mean_precision"]) == (0.5, pytest.approx(0.1667, abs=1e-4))
    count = result["comparisons"]["count_12m"]
    assert (count["dates"], count["picks"], count["model_true_positives"]) == (10, 100, 30)
    assert "rule:sustained_bribery" not in result["comparisons"]  # it never flagged anyone
    assert pooled([]) == {"as_of": [], "left_out": 0, "comparisons": {}}


def test_risk_pooled_from_the_command_line_the_api_and_the_report_page(tmp_path: Path) -> None:
    from django.test import Client

    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant, user_create

    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2012, end=2017))
    empty = StringIO()
    call_command("risk", "pooled", stdout=empty)
    assert "No evaluation with the label sustained to pool yet" in empty.getvalue()
    for as_of in ("2015-12-31", "2016-12-31", "2016-12-31"):  # the same date twice: its latest counts
        call_command("risk", "evaluate", "--as-of", as_of, "--json", stdout=StringIO())
    out = StringIO()
    call_command("risk", "pooled", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["label"], printed["as_of"], printed["left_out"]) == (
        "sustained",
        ["2015-12-31", "2016-12-31"],
        0,
    )
    latest = {e.as_of.isoformat(): e.result for e in Evaluation.objects.order_by("created_at", "id")}
    count = printed["comparisons"]["count_12m"]
    assert count["dates"] == 2
    assert count["model_only"] == pytest.approx(
        sum(r["differences"]["count_12m"]["model_only"] for r in latest.values()), abs=0.02
    )
    text = StringIO()
    call_command("risk", "pooled", stdout=text)
    assert "pooled over 2 as-of dates: 2015-12-31, 2016-12-31" in text.getvalue()

    erin = user_create(actor=None, username="erin", password=None, first_name="Erin", last_name="Lam")
    membership_grant(actor=None, user=erin, role=Role.ANALYST)
    analyst = Client()
    analyst.force_login(erin)
    assert analyst.get("/api/v1/risk/evaluations/pooled/").json() == printed
    assert analyst.get("/api/v1/risk/evaluations/pooled/?label=guilty").status_code == 400
    assert analyst.get("/api/v1/risk/evaluations/pooled/?label=any").json()["as_of"] == []
    page = analyst.get("/risk/report/").content.decode()
    assert 'id="pooled"' in page and "Over the 2 dates evaluated with this label" in page
    other = Client()
    other.force_login(user_create(actor=None, username="gus", password=None, first_name="Gus", last_name="Chen"))
    # Anyone else reads no evaluation, so nothing pooled (as the list of evaluations gives none).
    assert other.get("/api/v1/risk/evaluations/pooled/").json() == {
        "label": "sustained",
        "as_of": [],
        "left_out": 0,
        "comparisons": {},
    }
