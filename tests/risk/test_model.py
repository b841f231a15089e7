"""The model as a signed, versioned artifact: written atomically, loaded back identical, refused
when altered or built by another scikit-learn; and trained on rolling as-of dates before the one
it scores."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from ombud.risk import model as risk_model
from ombud.risk.events import events_load
from ombud.risk.features import cohort, features, label_completeness, labels
from ombud.risk.model import MAGIC, ModelError, _sign, load, save, train, training_dates
from tests.risk.data import import_dir, synthetic_force
from tests.risk.helpers import stub_model, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    return save(stub_model("complaints_all", as_of=dt.date(2018, 12, 31)), tmp_path / "risk.model")


def rewrite_header(path: Path, **changes: object) -> None:
    head, _, payload = path.read_bytes()[len(MAGIC) :].partition(b"\n")
    header = {**json.loads(head), **changes}
    header["signature"] = _sign(header)
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)


def test_a_saved_model_loads_back_with_its_version(artifact: Path) -> None:
    loaded = load(artifact)
    assert loaded.version.startswith(f"{risk_model.FORMAT_VERSION}.")
    matrix = np.zeros((2, len(loaded.feature_names)))
    matrix[1, loaded.feature_names.index("complaints_all")] = 3
    assert loaded.predict(matrix).tolist() == [0.0, 0.75]
    # Written through a temporary file and a rename: nothing else is left in the directory.
    assert [p.name for p in artifact.parent.iterdir()] == ["risk.model"]


def test_the_version_names_the_payload_the_header_signs(artifact: Path) -> None:
    head, _, payload = artifact.read_bytes()[len(MAGIC) :].partition(b"\n")
    header = json.loads(head)
    digest = hashlib.sha256(payload).hexdigest()
    assert header["payload_sha256"] == digest
    assert header["version"] == load(artifact).version == f"{risk_model.FORMAT_VERSION}.{digest[:12]}"


def test_a_model_for_another_label_in_the_place_of_the_sustained_one_is_refused() -> None:
    placed = save(stub_model("complaints_all", as_of=dt.date(2018, 12, 31), label="any")).rename(
        risk_model.artifact_path("sustained")
    )
    try:
        with pytest.raises(ModelError, match="any") as refused:
            load()
        assert refused.value.tampered
    finally:
        placed.unlink()  # the data directory is the whole session's


def test_a_model_file_altered_by_one_byte_is_refused(artifact: Path) -> None:
    data = bytearray(artifact.read_bytes())
    data[-10] ^= 0x01
    artifact.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="altered"):
        load(artifact)


def test_a_model_file_whose_header_was_edited_without_the_key_is_refused(artifact: Path) -> None:
    text = artifact.read_bytes().replace(b'"label": "sustained"', b'"label": "any"')
    artifact.write_bytes(text)
    with pytest.raises(ModelError, match="altered or signed"):
        load(artifact)


def test_a_model_built_by_another_scikit_learn_is_refused(artifact: Path) -> None:
    rewrite_header(artifact, sklearn_version="0.24.2")
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2"):
        load(artifact)


def test_a_model_of_another_format_is_refused(artifact: Path) -> None:
    rewrite_header(artifact, format_version=99)
    with pytest.raises(ModelError, match="format 99"):
        load(artifact)


def test_a_missing_model_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no risk model at"):
        load(tmp_path / "none.model")
    # Scoring reads the "sustained" model: one trained for "any" alone is not it, and it says so.
    save(stub_model("complaints_all", as_of=dt.date(2018, 12, 31), label="any"))
    risk_model.artifact_path("sustained").unlink(missing_ok=True)
    with pytest.raises(ModelError, match=r"label “sustained”.*ombud risk train --label sustained"):
        load()


def test_training_uses_only_yearly_dates_whose_outcome_year_ends_by_the_as_of_date(tmp_path: Path) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2013, end=2017))
    ev = events_load()
    as_of = dt.date(2016, 12, 31)
    assert training_dates(ev, as_of) == [dt.date(2013, 12, 31), dt.date(2014, 12, 31), dt.date(2015, 12, 31)]
    trained = train(ev, as_of, label="sustained")
    assert trained.training["as_of_dates"] == ["2013-12-31", "2014-12-31", "2015-12-31"]
    assert len(trained.stages) == 3
    t = as_of.toordinal()
    score = trained.predict(features(ev, t, cohort(ev, t), trained.spec))
    assert len(score) and np.all((score >= 0) & (score <= 1))


@pytest.mark.parametrize(("closed_after", "last_year"), [(300, (0.1, 0.6)), (None, (0.95, 1.0))])
def test_the_last_training_years_findings_still_to_come_are_weighed_in(
    tmp_path: Path, closed_after: int | None, last_year: tuple[float, float]
) -> None:
    # Investigations closed 300 days after receipt: on 2016-12-31 the findings about incidents of
    # 2016 are mostly still to come (an officer counts once one of his is decided), and those of
    # 2015 all known. Without closing dates a finding is dated by the complaint's receipt, a few
    # days after the incident: next to nothing is missing.
    import_dir(synthetic_force(tmp_path / "force", officers=120, start=2012, end=2017, closed_after=closed_after))
    out = StringIO()
    call_command("risk", "train", "--as-of", "2016-12-31", stdout=out)
    trained = load()
    assert trained.training["as_of_dates"][-2:] == ["2014-12-31", "2015-12-31"]
    *earlier, last = trained.training["label_completeness"]
    assert all(share > 0.95 for share in earlier)
    assert last_year[0] <= last <= last_year[1]
    # The trainer is told when the last year is short of outcomes, and by how much.
    told = f"About {round(100 * last)}% of the last training year's outcomes were known by 2016-12-31"
    assert (told in out.getvalue()) == (last < 0.95)


def test_the_measured_share_of_the_last_years_outcomes_is_close_to_what_later_showed(tmp_path: Path) -> None:
    # Measured on 2016-12-31 from the settled years, against the count of the officers of 2015's
    # cohort who, as the whole record later showed, drew the label.
    import_dir(synthetic_force(tmp_path / "force", officers=400, start=2010, end=2017, closed_after=300))
    ev = events_load()
    horizon = dt.date(2016, 12, 31).toordinal()
    days = [d.toordinal() for d in training_dates(ev, dt.date(2016, 12, 31))]
    cohorts = [cohort(ev, t) for t in days]
    measured = label_completeness(ev, days, cohorts, horizon, kind="sustained")
    last, rows = days[-1], cohorts[-1]
    truth = (
        labels(ev, last, rows, kind="sustained", horizon=horizon).sum()
        / labels(ev, last, rows, kind="sustained").sum()
    )
    assert measured[:-1].tolist() == [1.0] * (len(days) - 1)
    assert truth < 0.6 and abs(measured[-1] - truth) < 0.1


def test_each_learner_weighs_the_last_years_positives_by_their_measured_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2012, end=2017, closed_after=300))
    ev = events_load()
    as_of = dt.date(2016, 12, 31)
    days = [d.toordinal() for d in training_dates(ev, as_of)]
    cohorts = [cohort(ev, t) for t in days]
    share = {
        kind: label_completeness(ev, days, cohorts, as_of.toordinal(), kind=kind)[-1]
        for kind in ("any", "sustained")
    }
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    fit, counts_fit = risk_model._fit, risk_model._Counts.fit

    def spy(
        x: np.ndarray, y: np.ndarray, groups: np.ndarray, constraints: object = None, weight: object = None
    ) -> object:
        seen.append((np.asarray(y).copy(), np.asarray(weight).copy()))
        return fit(x, y, groups, constraints, weight)  # type: ignore[arg-type]

    def spy_counts(self: object, x: np.ndarray, y: np.ndarray, weight: object = None) -> object:
        seen.append((np.asarray(y).copy(), np.asarray(weight).copy()))
        return counts_fit(self, x, y, weight)  # type: ignore[arg-type]

    monkeypatch.setattr(risk_model, "_fit", spy)
    monkeypatch.setattr(risk_model._Counts, "fit", spy_counts)
    train(ev, as_of)
    (drew, first), (held_given, second), (held, third) = seen
    last = np.zeros(len(drew), dtype=bool)
    last[-len(cohorts[-1]) :] = True
    assert share["sustained"] < 0.6 < share["any"]
    np.testing.assert_allclose(first, np.where(drew & last, 1 / share["any"], 1.0))
    given = min(1.0, share["sustained"] / share["any"])
    np.testing.assert_allclose(second, np.where(held_given & last[drew], 1 / given, 1.0))
    np.testing.assert_allclose(third, np.where(held & last, 1 / share["sustained"], 1.0))
    assert third.max() > 1.5


def test_the_learners_weigh_a_few_people_writing_again_less_than_as_many_people() -> None:
    from ombud.risk.features import WINDOWS, FeatureSpec
    from ombud.risk.model import COUNT_FEATURES, _Counts, as_voices

    spec = FeatureSpec(("bribery",))
    names = spec.names()
    # Two officers with three bribery complaints in every window: from three people, and from one.
    two = np.zeros((2, len(names)))
    for w, _days in WINDOWS:
        two[:, names.index(f"complaints_{w}")] = 3
        two[:, names.index(f"allegations_{w}")] = 3
        two[1, names.index(f"repeat_complaints_{w}")] = 2
    two[:, names.index("category:bribery_1y")] = 3
    voices = as_voices(two, spec)
    assert voices[:, names.index("complaints_1y")].tolist() == [3, 1]
    assert voices[:, names.index("allegations_2y")].tolist() == [3, 1]
    assert voices[:, names.index("category:bribery_1y")].tolist() == [3, 1]
    # The repeats stay for the learners to weigh; the features themselves keep the plain count.
    assert voices[1, names.index("repeat_complaints_1y")] == 2 and two[1, names.index("complaints_1y")] == 3
    # A history where officers more people complained about drew the label more often.
    counts = _Counts([names.index(n) for n in COUNT_FEATURES], 0.7)
    rng = np.random.default_rng(7)
    x = np.zeros((400, len(names)))
    people = rng.integers(0, 5, 400)
    for w, _days in WINDOWS:
        x[:, names.index(f"complaints_{w}")] = people
    counts.fit(x, rng.random(400) < 0.1 + 0.15 * people)
    many, few = counts.predict_proba(voices)[:, 1]
    assert many > few


def _rewrite(path: Path, change: dict[str, str], *, first_only: bool = False) -> None:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    for row in rows[:1] if first_only else rows:
        row.update(change)
    write_csv(path, columns + [c for c in change if c not in columns], rows)


def test_a_hiring_date_known_for_a_single_officer_does_not_stop_training(tmp_path: Path) -> None:
    # scikit-learn's binning fails on a column with nothing known in a fold; such a column is
    # left out of the boosted trees instead of stopping the nightly training.
    force = synthetic_force(tmp_path / "force", officers=160, start=2013, end=2017)
    _rewrite(force / "officers.csv", {"hired_on": "2005-03-01"}, first_only=True)
    import_dir(force)
    ev = events_load()
    trained = train(ev, dt.date(2016, 12, 31))
    t = dt.date(2016, 12, 31).toordinal()
    score = trained.predict(features(ev, t, cohort(ev, t), trained.spec))
    assert trained.training["positives"] > 0 and len(set(score.round(6))) > 10


def test_where_nobody_drew_the_label_only_the_threshold_rules_raise_alerts(tmp_path: Path) -> None:
    from ombud.risk.models import Alert
    from ombud.risk.services import risk_score

    force = synthetic_force(tmp_path / "force", officers=80, start=2013, end=2017)
    _rewrite(force / "allegations.csv", {"finding": "not_sustained"})
    import_dir(force)
    risk_model.artifact_path().unlink(missing_ok=True)  # another test's model, trained as of today
    as_of = dt.date(2017, 12, 31)
    report = risk_score(as_of=as_of, retrain=True)
    # The model scores everyone alike and alerts no one; the rules still flag the busiest officers.
    assert report.trained and report.flagged_by_rule["3_in_12_months"] > 0
    alerts = list(Alert.objects.all())
    assert alerts and all(a.rule is not None for a in alerts)
    assert all(len(a.reasons) >= 4 for a in alerts)  # the rule, then at least three factors


def test_a_record_whose_complaints_name_no_officer_says_so(tmp_path: Path) -> None:
    force = synthetic_force(tmp_path / "force", officers=20, start=2013, end=2017)
    (force / "allegations.csv").write_text("complaint_id,officer_id,category,finding\n")
    import_dir(force)
    with pytest.raises(ModelError, match="names no officer in any complaint"):
        train(events_load(), dt.date(2016, 12, 31))


def test_a_small_force_with_a_few_sustained_findings_still_trains() -> None:
    # 150 officers over three years: in some calibration folds a handful of officer-years drew the
    # label, too few for the boosted trees' early stopping (scikit-learn refused); the stage is then
    # the regression alone, and the model still ranks.
    from django.utils import timezone

    call_command("simulate", officers=150, years=3, seed=5, stdout=StringIO())
    ev = events_load()
    as_of = timezone.localdate() - dt.timedelta(days=366)
    trained = train(ev, as_of)
    t = as_of.toordinal()
    score = trained.predict(features(ev, t, cohort(ev, t), trained.spec))
    assert trained.training["positives"] > 0 and len(set(score.round(6))) > 10


def test_a_date_years_after_an_imported_record_ends_is_refused_by_train_and_score(tmp_path: Path) -> None:
    # The record ends in 2017: as of today every officer would have "no complaint in years", and
    # the training years after 2017 would have no outcome at all.
    from django.core.exceptions import ValidationError

    from ombud.risk.models import RiskScore
    from ombud.risk.services import risk_score, risk_train

    import_dir(synthetic_force(tmp_path / "force", officers=40, start=2013, end=2017))
    risk_model.artifact_path().unlink(missing_ok=True)
    for run in (risk_train, lambda: risk_score(retrain=True)):
        with pytest.raises(ValidationError, match=r"more than a year before .*--as-of 2017-"):
            run()
    assert not risk_model.artifact_path().exists() and not RiskScore.objects.exists()
    # A date the record covers trains as before.
    assert risk_train(as_of=dt.date(2017, 6, 30)).training["positives"] > 0


def test_the_trees_may_only_raise_the_risk_with_his_own_counts_and_lower_it_with_time() -> None:
    from ombud.risk.features import FeatureSpec
    from ombud.risk.model import monotonic

    names = FeatureSpec(("bribery",)).names()
    direction = dict(zip(names, monotonic(names), strict=True))
    rising = [
        "complaints_90d",
        "allegations_all",
        "sustained_5y",
        "category:bribery_1y",
        "complainants_all",
        "escalations_2y",
        "addressed_higher_all",
        "measures_all",
        "severe_measures_all",
        "unit_ratio_1y",
    ]
    assert {name: direction[name] for name in rising} == dict.fromkeys(rising, 1)
    assert direction["days_since_last_complaint"] == direction["days_since_last_sustained"] == -1
    free = ["tenure_days", "unit_peers", "sustained_share_all", "co_subjects_sustained", "repeat_complaints_1y"]
    assert {name: direction[name] for name in free} == dict.fromkeys(free, 0)


def test_scoring_that_leaves_nobody_says_why(tmp_path: Path) -> None:
    from ombud.org.models import Officer
    from ombud.risk.services import risk_score

    import_dir(synthetic_force(tmp_path / "force", officers=40, start=2013, end=2017))
    Officer.objects.update(status=Officer.Status.RETIRED)
    report = risk_score(as_of=dt.date(2017, 6, 30), retrain=True)
    assert report.scored == 0
    assert report.nobody_text().startswith(
        "Nobody was scored: of the 40 officers on the roster, 40 are not active (retired, dismissed, suspended "
        "or on standby) and 0 had left by 2017-06-30 or were hired after it."
    )
    err = StringIO()
    call_command("risk", "score", "--as-of", "2017-06-30", stdout=StringIO(), stderr=err)
    assert "Nobody was scored: of the 40 officers" in err.getvalue()
