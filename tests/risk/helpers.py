"""Small datasets written as interchange CSV files, and a stand-in model whose scores are easy to
compute by hand."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from ombud.risk.features import FeatureSpec
from ombud.risk.model import TrainedModel
from ombud.world.importers import interchange

# Every column of the format: the required ones, then those the importer reads when present.
OFFICER_COLUMNS = ["officer_id", *interchange.OFFICER_COLUMNS]
COMPLAINT_COLUMNS = ["complaint_id", "received_on", *interchange.COMPLAINT_COLUMNS]
ALLEGATION_COLUMNS = ["complaint_id", "officer_id", *interchange.ALLEGATION_COLUMNS]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: ("" if value is None else str(value)) for key, value in row.items()})


def write_interchange(
    directory: Path,
    *,
    officers: list[dict[str, Any]],
    complaints: list[dict[str, Any]],
    allegations: list[dict[str, Any]],
    units: list[dict[str, Any]] | None = None,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(directory / "officers.csv", OFFICER_COLUMNS, officers)
    write_csv(directory / "complaints.csv", COMPLAINT_COLUMNS, complaints)
    write_csv(directory / "allegations.csv", ALLEGATION_COLUMNS, allegations)
    if units is not None:
        write_csv(directory / "units.csv", ["unit_id", "name", "parent_id", "kind"], units)
    return directory


class ByFeature:
    """A model stage that scores by one feature: value / (value + 1), so more is riskier."""

    def __init__(self, column: int) -> None:
        self.column = column

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        value = np.nan_to_num(matrix[:, self.column], nan=0.0)
        p = value / (value + 1.0)
        return np.column_stack([1 - p, p])


def stub_model(
    feature: str, *, as_of: dt.date, label: str = "sustained", categories: tuple[str, ...] = ()
) -> TrainedModel:
    spec = FeatureSpec(categories)
    model = TrainedModel(as_of=as_of, label=label, spec=spec, stages=[ByFeature(spec.names().index(feature))])
    import sklearn

    model.sklearn_version = sklearn.__version__
    model.training = {"as_of_dates": [], "rows": 0, "positives": 0, "features": len(spec.names()), "seconds": 0}
    return model


def score_with_gus_flagged(force: Any) -> Any:
    """Gus (of the shared test force) draws two more complaints and Frank one; a stand-in model that
    ranks by complaints is stored; the force's hand-made alerts are cleared; then the force is
    scored with a 40 % cut, which flags Gus (3 complaints) and Frank (2; the others have 1)."""
    from django.utils import timezone

    from ombud.risk import model as risk_model
    from ombud.risk.models import Alert
    from ombud.risk.services import risk_score
    from tests.factories import ComplaintFactory, ComplaintSubjectFactory, days_ago

    for who, days in (("gus", 10), ("gus", 70), ("frank", 30)):
        complaint = ComplaintFactory(routed_to=force.bodies["a"], received_at=days_ago(days))
        ComplaintSubjectFactory(complaint=complaint, officer=force.officers[who])
    risk_model.save(stub_model("complaints_all", as_of=timezone.localdate()))
    Alert.objects.all().delete()
    risk_score(percent=40)
    return force
