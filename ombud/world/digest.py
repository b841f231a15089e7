"""A content digest of the force and its history as stored: the same world gives the same digest
in any database, whatever ids it got and whenever it was loaded.

Each row is reduced to its content, with every reference to another row replaced by that row's
natural key (a unit's code, an officer's badge, a complaint's reference...) and only simulated
dates kept (never a "now" such as WorldRun.created_at or the audit log's). Each row is hashed;
a table's row hashes are sorted, which orders the rows deterministically without sorting
millions of rows by text in the database (whose collation differs between SQLite and
PostgreSQL); the digest is SHA-256 over every table's name, row count and sorted row hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, models

from ombud.cases.models import Allegation, Case
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complainant, Complaint, ComplaintEvent, ComplaintSubject
from ombud.org.models import (
    Jurisdiction,
    Officer,
    OfficialPost,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
)
from ombud.world.models import BodyTruth, ComplaintTruth, Retaliation, RingMember, Truth

VERSION = "ombud-world-digest-1"
FETCH = 10_000


@dataclass(frozen=True)
class _Table:
    label: str
    model: type[models.Model]
    lookups: tuple[str, ...]
    json_columns: tuple[int, ...] = ()
    official_columns: tuple[int, ...] = ()
    # Keys read out of a JSON column: SQLite gives their value, PostgreSQL their JSON text.
    key_columns: tuple[int, ...] = ()


_ALLEGATION = (
    "allegation__case__number",
    "allegation__officer__badge",
    "allegation__official_id",
    "allegation__category__code",
)

TABLES: tuple[_Table, ...] = (
    _Table("unit", Unit, ("code", "name", "kind__code", "parent__code", "depth")),
    _Table("place", Place, ("code", "name", "kind", "unit__code")),
    _Table(
        "officer",
        Officer,
        (
            "badge",
            "first_name",
            "last_name",
            "rank",
            "status",
            "sex",
            "race",
            "hired_on",
            "left_on",
            "unit__code",
            "source",
            "external_id",
        ),
    ),
    _Table("station_assignment", StationAssignment, ("officer__badge", "unit__code", "start_on", "end_on")),
    _Table("place_assignment", PlaceAssignment, ("officer__badge", "place__code", "start_on", "end_on")),
    _Table(
        "official_post",
        OfficialPost,
        (
            "official_id",
            "official__first_name",
            "official__last_name",
            "role__code",
            "place__code",
            "start_on",
            "end_on",
        ),
        official_columns=(0,),
    ),
    _Table("body", OversightBody, ("code", "name", "level", "seat__code", "ack_days", "action_days")),
    _Table("jurisdiction", Jurisdiction, ("body__code", "unit__code")),
    _Table("complainant", Complainant, ("anonymous", "identity_digest")),
    _Table(
        "complaint",
        Complaint,
        (
            "reference",
            "received_at",
            "occurred_on",
            "place__code",
            "place_text",
            "description",
            "channel",
            "status",
            "complainant__identity_digest",
            "addressee__code",
            "routed_to__code",
            # The rest of the routing reason names database ids.
            "routing_reason__rule",
            "routing_reason__why",
            "ack_due_at",
            "action_due_at",
            "acknowledged_at",
            "closed_at",
            "escalations",
            "source",
            "external_id",
        ),
        key_columns=(11, 12),
    ),
    _Table("complaint_category", Complaint.categories.through, ("complaint__reference", "category__code")),
    _Table(
        "complaint_subject",
        ComplaintSubject,
        ("complaint__reference", "kind", "officer__badge", "official_id", "description", "unit__code"),
        official_columns=(3,),
    ),
    _Table("complaint_event", ComplaintEvent, ("complaint__reference", "kind", "at", "body__code", "note")),
    _Table(
        "case",
        Case,
        ("number", "body__code", "title", "summary", "status", "opened_at", "closed_at", "source", "external_id"),
    ),
    _Table("case_complaint", Case.complaints.through, ("case__number", "complaint__reference")),
    _Table(
        "allegation",
        Allegation,
        (
            "case__number",
            "officer__badge",
            "official_id",
            "category__code",
            "particulars",
            "occurred_on",
            "proposed_finding",
            "proposed_reason",
            "proposed_at",
            "finding",
            "finding_reason",
            "decided_at",
            "finding_raw",
            "external_id",
        ),
        json_columns=(4,),
        official_columns=(2,),
    ),
    _Table(
        "measure",
        Measure,
        (
            "officer__badge",
            "case__number",
            *_ALLEGATION,
            "kind",
            "state",
            "reason",
            "starts_on",
            "ends_on",
            "proposed_at",
            "notified_at",
            "response_due_on",
            "decided_at",
            "source",
            "external_id",
        ),
        official_columns=(4,),
    ),
    _Table(
        "measure_step",
        MeasureStep,
        (
            "measure__officer__badge",
            "measure__case__number",
            "measure__kind",
            "measure__proposed_at",
            "kind",
            "at",
            "text",
        ),
    ),
    _Table("truth", Truth, ("officer__badge", "kind", "ring", "retaliated", "corrupt_from")),
    _Table("ring_member", RingMember, ("ring", "official_id"), official_columns=(1,)),
    _Table("body_truth", BodyTruth, ("body__code", "captured")),
    _Table("complaint_truth", ComplaintTruth, ("complaint__reference", "motive", "founded")),
    _Table("retaliation", Retaliation, ("officer__badge", "official_id", "refused_on"), official_columns=(1,)),
)


def _official_keys() -> dict[int, str]:
    """A local official has no code: he is known by his name and his first post."""
    first: dict[int, tuple[str, ...]] = {}
    rows = _raw(
        OfficialPost.objects.values_list(
            "official_id", "start_on", "role__code", "place__code", "official__last_name", "official__first_name"
        )
    )
    for official_id, start_on, role, place, last, first_name in rows:
        key = (str(start_on), str(role), str(place), str(last), str(first_name))
        if official_id not in first or key < first[official_id]:
            first[official_id] = key
    return {k: hashlib.sha256("\x1f".join(v).encode()).hexdigest()[:32] for k, v in first.items()}


def _raw(qs: models.QuerySet[Any, Any]) -> Any:
    """The rows of a values_list query as the driver returns them: Django's per-value converters
    (parsing every date) would cost more than the hashing."""
    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(FETCH)
            if not chunk:
                return
            yield from chunk


def _plain(value: Any) -> Any:
    """A value as Django's SQLite driver returns it (dates, naive UTC datetimes, booleans, text,
    numbers, None), so that the digest does not depend on the backend."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _canonical_json(value: Any) -> str:
    data = json.loads(value) if isinstance(value, str | bytes) else value
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _table_digest(
    table: _Table, officials: dict[int, str], progress: Callable[[str, int], object] | None
) -> tuple[int, bytes]:
    hashes = bytearray()
    count = 0
    sqlite = connection.vendor == "sqlite"
    special = set(table.json_columns) | set(table.official_columns) | (set() if sqlite else set(table.key_columns))
    rows = _raw(table.model._default_manager.values_list(*table.lookups))
    for row in rows:
        if special or not sqlite:
            values = list(row) if sqlite else [_plain(x) for x in row]
            for i in table.official_columns:
                values[i] = officials.get(values[i], "") if values[i] is not None else None
            for i in table.json_columns:
                values[i] = _canonical_json(values[i])
            if not sqlite:
                for i in table.key_columns:
                    values[i] = json.loads(values[i]) if isinstance(values[i], str) else values[i]
            row = tuple(values)
        # Text, numbers, dates, booleans and None: their repr is canonical.
        text = repr(row)
        hashes += hashlib.sha256(text.encode()).digest()
        count += 1
        if progress is not None and count % FETCH == 0:
            progress(f"digest {table.label}", FETCH)
    if progress is not None:
        progress(f"digest {table.label}", count % FETCH)
    ordered = np.sort(np.frombuffer(bytes(hashes), dtype="S32")) if count else np.zeros(0, dtype="S32")
    return count, ordered.tobytes()


def digest_rows() -> int:
    """How many rows ``world_digest`` reads (for a progress bar)."""
    return sum(table.model._default_manager.count() for table in TABLES)


def world_digest(*, progress: Callable[[str, int], object] | None = None) -> str:
    """SHA-256 over the force, its history, its complaints and casework, and the ground truth."""
    officials = _official_keys()
    total = hashlib.sha256(VERSION.encode())
    for table in TABLES:
        count, ordered = _table_digest(table, officials, progress)
        total.update(f"\x1e{table.label}\x1f{count}\x1f".encode())
        total.update(ordered)
    return total.hexdigest()
