"""The readable PDF summary that travels in a referral package."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ombud.cases.models import Case, Finding, choice_label, goods_label
from ombud.core.pdf import Document
from ombud.discipline.models import Measure


def _day(iso: str | None) -> str:
    return (iso or "")[:10]


def _particulars(particulars: dict[str, Any]) -> str:
    parts = []
    if particulars.get("goods"):
        parts.append(f"{_('What was given')}: {goods_label(particulars['goods'])}")
    if particulars.get("value") not in (None, ""):
        value = particulars["value"]
        shown = f"{value:g}" if isinstance(value, float | int) else str(value)
        parts.append(f"{_('Estimated value')}: {shown}")
    if particulars.get("details"):
        parts.append(str(particulars["details"]))
    return "; ".join(parts)


def case_summary_pdf(manifest: dict[str, Any], fingerprint: str) -> bytes:
    case = manifest["case"]
    doc = Document(f"{case['number']} {case['title']}")
    doc.heading(_("Referral package: case %(number)s") % {"number": case["number"]}, 16)
    doc.para(
        f"{case['title']}\n{_('Body')}: {case['body']['name']}\n{_('Opened')}: {_day(case['opened_at'])}"
        f"\n{_('Status')}: {choice_label(Case.Status, case['status'])}"
    )
    if case["summary"]:
        doc.para(case["summary"])
    if case.get("closing_reason"):  # packages made before it was kept have none
        doc.para(f"{_('Reason for closing')}: {case['closing_reason']}")
    doc.heading(_("Allegations and findings"), 12)
    doc.grid(
        [_("Subject"), _("Category"), _("Occurred"), _("Finding"), _("Particulars")],
        [
            [
                " ".join(
                    filter(
                        None,
                        [
                            (a["officer"] or a["official"])["first_name"],
                            (a["officer"] or a["official"])["last_name"],
                            (a["officer"] or {}).get("badge", ""),
                        ],
                    )
                ),
                a["category"]["name"],
                a["occurred_on"] or "",
                choice_label(Finding, a["finding"]) if a["finding"] else _("pending"),
                _particulars(a["particulars"]),
            ]
            for a in manifest["allegations"]
        ],
        [40, 40, 22, 25, 53],
    )
    if manifest["measures"]:
        doc.heading(_("Measures"), 12)
        doc.grid(
            [_("Kind"), _("State"), _("From"), _("Until"), _("Reason")],
            [
                [
                    choice_label(Measure.Kind, m["kind"]),
                    choice_label(Measure.State, m["state"]),
                    m["starts_on"] or "",
                    m["ends_on"] or "",
                    m["reason"][:200],
                ]
                for m in manifest["measures"]
            ],
            [35, 25, 22, 22, 76],
        )
    doc.heading(_("Evidence"), 12)
    doc.grid(
        [_("File"), _("Size"), _("SHA-256"), _("Custody entries")],
        [[e["name"], e["size"], e["sha256"], len(e["custody"])] for e in manifest["evidence"]],
        [45, 15, 100, 20],
    )
    doc.para(
        _(
            "Signed by the instance whose key fingerprint is %(fp)s. Check the package with "
            "`ombud case verify-package`; every file's SHA-256 is in the signed manifest."
        )
        % {"fp": fingerprint},
        8,
    )
    return doc.bytes()
