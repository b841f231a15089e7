"""Factors in plain words, with the officer's own figures."""

from __future__ import annotations

import math

from ombud.risk.explain import describe, families


def test_the_complaints_factor_compares_the_officer_with_his_unit() -> None:
    row = {"complaints_1y": 4.0, "complaints_5y": 9.0, "complaints_all": 11.0, "unit_ratio_1y": 3.0}
    assert describe("complaints", row, {}) == (
        "4 complaints in the last 12 months (9 in 5 years), 3.0 times the average at the same unit"
    )


def test_a_count_the_records_are_too_short_for_is_described_from_the_whole_record() -> None:
    row = {"complaints_1y": math.nan, "complaints_all": 2.0}
    assert describe("complaints", row, {}) == "2 complaints since the records began"


def test_a_category_family_is_named_by_its_category() -> None:
    row = {"category:use_of_force_5y": 3.0, "category:use_of_force_1y": 1.0}
    text = describe("category:use_of_force", row, {"use_of_force": "Excessive use of force"})
    assert text == "3 complaints under “Excessive use of force” in the last 5 years (1 in the last 12 months)"
    # A force's catch-all category reads as a name too.
    other = describe("category:other", {"category:other_5y": 1.0, "category:other_1y": 0.0}, {"other": "other"})
    assert other == "1 complaint under “other” in the last 5 years (0 in the last 12 months)"


def test_a_reason_leads_with_what_is_on_record_not_with_an_empty_year() -> None:
    quiet = {"complaints_1y": 0.0, "complaints_5y": 12.0, "allegations_1y": 0.0, "allegations_all": 1.0}
    assert describe("complaints", quiet, {}) == "12 complaints in the last 5 years (none in the last 12 months)"
    assert describe("allegations", quiet, {}) == "1 allegation on record (none in the last 12 months)"
    # Nothing in five years either: the record, not "0 complaints in the last 5 years".
    long_ago = {"complaints_1y": 0.0, "complaints_5y": 0.0, "complaints_all": 5.0}
    assert describe("complaints", long_ago, {}) == "5 complaints on record (none in the last 5 years)"
    # Filling an alert up to three factors, an officer with none says so, claiming no window.
    nothing = {"complaints_1y": 0.0, "complaints_5y": math.nan, "complaints_all": 0.0}
    assert describe("complaints", nothing, {}) == "No complaint on record"
    findings = {"not_sustained_all": 1.0, "unfounded_all": 0.0, "exonerated_all": 2.0}
    assert describe("other_findings", findings, {}) == (
        "Other findings on the allegations on record: 1 not sustained, 2 exonerated"
    )
    assert describe("tenure", {"tenure_days": 400.0}, {}) == "1 year of service"
    assert describe("tenure", {"tenure_days": 3000.0}, {}) == "8 years of service"
    assert describe("tenure", {"tenure_days": 100.0}, {}) == "Less than half a year of service"


def test_a_chinese_reader_gets_chinese_punctuation_between_the_parts() -> None:
    from django.utils import translation

    row = {"complaints_1y": 4.0, "complaints_5y": 11.0, "complaints_all": 11.0, "unit_ratio_1y": 3.0}
    with translation.override("zh-hans"):
        text = describe("complaints", row, {})
    assert "\uff0c" in text and ", " not in text  # the full-width comma


def test_sustained_findings_and_links_read_as_sentences() -> None:
    assert describe("sustained", {"sustained_all": 2.0, "days_since_last_sustained": 140.0}, {}) == (
        "2 sustained findings, the last for an incident about 5 months before the date scored"
    )
    # One finding is not "the last"; a year ago is "about 12 months", as the 12-month counts beside
    # it say, and long ago is told in years, not in hundreds of months.
    assert describe("sustained", {"sustained_all": 1.0, "days_since_last_sustained": 365.0}, {}) == (
        "1 sustained finding, for an incident about 12 months before the date scored"
    )
    assert describe("sustained", {"sustained_all": 3.0, "days_since_last_sustained": 4350.0}, {}) == (
        "3 sustained findings, the last for an incident about 12 years before the date scored"
    )
    assert describe("sustained", {"sustained_all": 0.0}, {}) == "No sustained finding so far"
    assert describe("co_subjects", {"co_subjects": 4.0, "co_subjects_sustained": 2.0}, {}) == (
        "Named with 4 other officers, 2 of them with a sustained finding"
    )


def test_the_last_complaint_is_told_in_months_not_days() -> None:
    # The chain of command reads it: the day of the last complaint could point to who made it.
    recent = describe("recency", {"days_since_last_complaint": 3.0, "days_since_first_complaint": 800.0}, {})
    assert recent == "Last complaint within the month before the date scored, the first 2.2 years before"
    older = describe("recency", {"days_since_last_complaint": 95.0, "days_since_first_complaint": 800.0}, {})
    assert older == "Last complaint about 3 months before the date scored, the first 2.2 years before"
    old = describe("recency", {"days_since_last_complaint": 1100.0, "days_since_first_complaint": 3000.0}, {})
    assert old == "Last complaint 3.0 years before the date scored, the first 8.2 years before"
    # In the same tenths as the first: one complaint long ago is both the last and the first.
    once = describe("recency", {"days_since_last_complaint": 1000.0, "days_since_first_complaint": 1000.0}, {})
    assert once == "Last complaint 2.7 years before the date scored, the first 2.7 years before"


def test_every_feature_belongs_to_a_family() -> None:
    from ombud.risk.features import FeatureSpec

    names = FeatureSpec(("bribery",)).names()
    covered = sorted(i for family in families(names) for i in family.columns)
    assert covered == list(range(len(names)))
    assert "other" not in {family.key for family in families(names)}


def test_a_force_with_one_category_is_told_its_complaints_not_the_category() -> None:
    from ombud.risk.features import FeatureSpec

    # A force that names no categories has all its complaints under "Other": "6 complaints under
    # “Other”" would only repeat the complaint count, so the category is part of the complaints.
    lone = families(FeatureSpec(("other",)).names())
    assert not any(family.key.startswith("category:") for family in lone)
    complaints = next(family for family in lone if family.key == "complaints")
    names = FeatureSpec(("other",)).names()
    assert {names[i] for i in complaints.columns} >= {"category:other_5y", "complaints_1y"}
    # Two categories tell something the count does not: each keeps its own factor.
    two = {family.key for family in families(FeatureSpec(("bribery", "other")).names())}
    assert {"category:bribery", "category:other"} <= two


def test_the_factors_never_say_that_complaints_came_from_the_same_people() -> None:
    import datetime as dt

    import numpy as np

    from ombud.risk.explain import factors_for
    from tests.risk.helpers import stub_model

    # A model driven by repeat complaints alone: they weigh in the complaints' factor, whose sentence
    # never says that some came from the same people (the officer's chain of command reads it).
    model = stub_model("repeat_complaints_all", as_of=dt.date(2020, 1, 1))
    names = model.feature_names
    matrix = np.zeros((3, len(names)))
    matrix[:, names.index("repeat_complaints_all")] = [0, 1, 4]
    matrix[:, names.index("complaints_all")] = [1, 3, 6]
    factors = factors_for(model, matrix, model.predict(matrix), {})
    assert all(f["family"] != "repeat_complainants" for row in factors for f in row)
    assert factors[2][0]["family"] == "complaints"
    assert not any(
        word in f["text"].lower() for row in factors for f in row for word in ("repeat", "again", "same")
    )
    assert len(factors[2]) >= 3


def test_unit_peers_links_and_short_records_are_told_as_they_are() -> None:
    # The unit's mean beside his own count: alone, it says nothing of him.
    assert describe("unit", {"unit_peer_mean_1y": 0.5, "complaints_1y": 3.0}, {}) == (
        "3 complaints in the last 12 months where the officers of his unit average 0.5"
    )
    # Named with others, none of whom has a finding: who he is named with, not "0 of them".
    assert describe("co_subjects", {"co_subjects": 1.0, "co_subjects_sustained": 0.0}, {}) == (
        "Named in complaints with 1 other officer"
    )
    # A record four years long has no "5 years".
    short = {"complaints_1y": 2.0, "complaints_5y": math.nan, "complaints_all": 6.0}
    assert describe("complaints", short, {}) == "2 complaints in the last 12 months (6 since the records began)"
    quiet = {"complaints_1y": 0.0, "complaints_5y": math.nan, "complaints_all": 6.0}
    assert describe("complaints", quiet, {}) == "6 complaints since the records began (none in the last 12 months)"


def test_the_fairness_chart_rounds_its_shares_as_the_table_beside_it_does() -> None:
    from ombud.core.templatetags.numbers import percent
    from ombud.risk.charts import paired_bar_chart

    # 0.0305 is 3.05 %: the table reads 3.1 %, and so must the bar (it read 3.0 % before).
    chart = paired_bar_chart([("South Station 5", 0.0305, 0.0125)], names=("flagged", "base rate"), title="t")
    assert percent(0.0305) == "3.1\u00a0%" and "3.1\u00a0%" in chart and "1.3\u00a0%" in chart
