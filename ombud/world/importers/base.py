"""What every importer produces: plain rows in ombud's own terms (units, officers, complaints,
allegations), and the bad rows it skipped with their file and line. Adapters for each dataset
(``interchange``, ``ccrb``, ``philadelphia``) only read and translate; ``loader`` writes."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

FINDINGS = ("sustained", "not_sustained", "unfounded", "exonerated", "closed")
PENDING = "pending"
# A row longer than this many lines is a quote that never closed, not a narrative.
MAX_ROW_LINES = 50
# csv's default field limit (128 KiB) is too small for some narrative columns.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ImportError_(Exception):
    """The input cannot be imported at all (a required file or column is missing)."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    # The row was loaded without the bad value (an optional date left empty, a unit placed under
    # the root), not skipped.
    kept: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class UnitRow:
    key: str
    name: str
    parent_key: str = ""
    kind: str = ""


@dataclass(frozen=True)
class OfficerRow:
    external_id: str
    last_name: str = ""
    first_name: str = ""
    badge: str = ""
    rank: str = ""
    unit_key: str = ""
    race: str = ""
    sex: str = ""
    hired_on: dt.date | None = None
    left_on: dt.date | None = None
    status: str = "active"
    # The source gives a status (a ``status`` cell, a leaving date that has passed): a newer release
    # without one says nothing of it, and an officer imported earlier keeps his.
    status_given: bool = True
    # The release says he has no leaving date (9999-12-31): one known before no longer holds.
    no_end: bool = False


@dataclass(frozen=True)
class ComplaintRow:
    external_id: str
    received_on: dt.date
    occurred_on: dt.date | None = None
    place: str = ""
    closed_on: dt.date | None = None
    summary: str = ""
    origin: str = ""


@dataclass(frozen=True)
class AllegationRow:
    external_id: str
    complaint_id: str
    officer_id: str
    category: str  # a category code (slug); created as data when missing
    category_name: str
    finding: str  # one of FINDINGS, or "" while pending
    finding_raw: str = ""
    occurred_on: dt.date | None = None
    # The officer's unit when the complaint was made, where the source says.
    unit_key: str = ""
    particulars: dict[str, str] = field(default_factory=dict)


@dataclass
class Batch:
    """Everything one import run read, with the problems found while reading."""

    source: str
    body_name: str
    force_name: str
    units: list[UnitRow] = field(default_factory=list)
    officers: list[OfficerRow] = field(default_factory=list)
    complaints: list[ComplaintRow] = field(default_factory=list)
    allegations: list[AllegationRow] = field(default_factory=list)
    # (complaint id, description) for people a complaint names whom the source could not identify.
    unidentified: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The kind given to units the source names without one.
    default_unit_kind: str = "precinct"


Reporter = Callable[[Problem], object]


class Row(dict[str, str]):
    """One row's values by column name, stripped. ``overflow`` says why the row cannot be read when
    it has more values than the header has columns (an unquoted comma in a value, a quote closed
    rows later): which value belongs to which column cannot be told, and storing the row cut short
    would keep half a sentence. The reader names it and skips it, after counting it as any other
    row, so that the rows numbered by their order keep their numbers once it is fixed."""

    overflow: str = ""


def read_csv(
    path: Path, *, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, Row]]:
    """Rows of a CSV file with their line numbers (the header is line 1), values stripped. A file
    that is not UTF-8 text, has a column twice, or a row running over ``MAX_ROW_LINES`` lines (a
    quote that never closes: one stray quote swallows the rest of the file into one cell) stops the
    import; the rows read so far are not written. A row with more values than the header has
    columns comes with its ``overflow`` said (``Row``). Other quoting slips real exports make (a
    space after a closing quote, quotes inside a quoted value) are read as csv's lenient reader
    reads them."""
    if not path.exists():
        raise ImportError_(_("%(path)s does not exist") % {"path": path})
    if not path.is_file():
        raise ImportError_(_("%(path)s is not a file") % {"path": path})
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            yield from _rows(handle, path, required, optional)
        except UnicodeDecodeError:
            raise ImportError_(
                _("%(path)s:%(line)d: not UTF-8 text; save the file as UTF-8 and import again")
                % {"path": path, "line": _first_undecodable_line(path)}
            ) from None


def _first_undecodable_line(path: Path) -> int:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _rows(
    handle: TextIO, path: Path, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(handle)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ImportError_(_("%(path)s is empty") % {"path": path}) from None
    except csv.Error as exc:
        raise ImportError_(_("%(path)s:1: %(error)s") % {"path": path, "error": exc}) from None
    # A column read twice is ambiguous (which officer_id?); other columns are not read at all.
    twice = sorted({name for name in header if name in required + optional and header.count(name) > 1})
    if twice:
        raise ImportError_(
            _("%(path)s has the column(s) %(columns)s more than once")
            % {"path": path, "columns": ", ".join(twice)}
        )
    missing = [name for name in required if name not in header]
    if missing:
        message = _("%(path)s lacks the column(s) %(columns)s") % {"path": path, "columns": ", ".join(missing)}
        # A spreadsheet saved with semicolons or tabs gives a header of one or two columns (a
        # quoted cell may hold a comma) in which the missing names are all there.
        line = ",".join(header)
        separator = next(
            (sep for sep in (";", "\t", "|") if sep in line and all(name in line for name in missing)), None
        )
        if separator:
            message += " " + _(
                "(its header is one column, %(header)r: the file is separated by %(separator)r; save it with commas)"
            ) % {"header": line[:80], "separator": separator}
        raise ImportError_(message)
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportError_(
                _("%(path)s:%(line)d: %(error)s") % {"path": path, "line": start, "error": exc}
            ) from None
        if reader.line_num - start >= MAX_ROW_LINES:
            raise ImportError_(
                _(
                    "%(path)s:%(line)d: this row runs to line %(end)d: a quote opened in it is never closed where "
                    "it should be"
                )
                % {"path": path, "line": start, "end": reader.line_num}
            )
        if not any(value.strip() for value in values):
            continue
        row = Row({name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)})
        # Empty cells past the header are a spreadsheet's trailing commas, not values.
        if any(value.strip() for value in values[len(header) :]):
            row.overflow = _(
                "%(found)d values where the header has %(columns)d columns (a value holding a comma must be quoted)"
            ) % {"found": len(values), "columns": len(header)}
        # The line the row starts on (reader.line_num counts physical lines, so a quoted value with
        # line breaks keeps the count true for the rows after it).
        yield start, row


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def parse_date(text: str) -> dt.date | None:
    """An ISO date (a datetime's date part is taken); None for an empty cell. ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    # fromisoformat also takes 20100101 and 2011-W01-1: a column of those is more likely another
    # format misread than ISO, and the message promises YYYY-MM-DD.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def slug(text: str, *, max_length: int = 40, ascii_only: bool = False, digest: bool = True) -> str:
    """A category or kind code from free text: "Abuse of Authority" -> "abuse_of_authority",
    "Détention arbitraire" -> "detention_arbitraire", "受贿" -> "受贿" (letters of every script are
    kept; only accents are dropped). A longer text is cut and given a short digest of the whole, so
    two names that share their beginning stay two codes. ``ascii_only`` keeps a-z and digits only,
    and without ``digest`` a long code is simply cut (a source name: the same directory must give the
    same source as it always has)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if ascii_only:
        plain = plain.encode("ascii", "ignore").decode()
    code = re.sub(r"[\W_]+", "_", plain.lower()).strip("_")
    if len(code) > max_length and not digest:
        code = code[:max_length].strip("_")
    elif len(code) > max_length:
        mark = hashlib.sha256(code.encode()).hexdigest()[:6]
        code = f"{code[: max_length - len(mark) - 1].strip('_')}_{mark}"
    return code or "other"


def normal_finding(text: str) -> str | None:
    """An interchange finding as stored ("" for pending); None if it is none of the agreed values."""
    value = slug(text) if text.strip() else PENDING
    if value == PENDING:
        return ""
    return value if value in FINDINGS else None


STATUS_WORDS = {
    "active": "active",
    "serving": "active",
    # Still on the force, whatever their duties today: early warning is for them too.
    "on_leave": "active",
    "leave": "active",
    "probation": "active",
    "probationary": "active",
    "suspended": "suspended",
    "standby": "standby",
    "dismissed": "dismissed",
    "terminated": "dismissed",
    "fired": "dismissed",
}


def normal_status(text: str, left_on: dt.date | None, *, left: bool = False) -> str:
    """An officer's status: the agreed words, anything else that means gone (inactive, retired,
    resigned, deceased...) as retired; empty means active unless he has left (a leaving date not
    after today, or ``left``: one was written but could not be read). A leaving date ahead means he
    serves until then."""
    word = slug(text) if text.strip() else ""
    if not word:
        return "retired" if left or has_left(left_on) else "active"
    return STATUS_WORDS.get(word, "retired")


def has_left(left_on: dt.date | None) -> bool:
    return left_on is not None and left_on <= timezone.localdate()
