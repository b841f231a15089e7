"""Referral packages: a case travels to another body as a ZIP that proves itself.

    manifest.json   the case, allegations, findings, measures, evidence with its custody entries,
                    and the SHA-256 of every other file in the package
    manifest.sig    Ed25519 signature of manifest.json's exact bytes (base64)
    signer.pub      the signer's raw Ed25519 public key (base64); its SHA-256 is the fingerprint
    summary.pdf     a readable summary
    evidence/...    the evidence files, as received

Every byte is covered: manifest.json by the signature, signer.pub by the signature check (a changed
key does not verify), every other member by its hash in the manifest."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.cases.models import PACKAGE_SOURCE_PREFIX, Case, CustodyEntry, EvidenceItem
from ombud.core import keys
from ombud.core.files import open_blob

FORMAT = "ombud-referral-package"
VERSION = 1
SIGNED = {"manifest.json", "manifest.sig"}
MAX_MEMBER_BYTES = 512 * 2**20


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)[:80]
    return cleaned or "file"


def manifest_for(case: Case) -> dict[str, Any]:
    """Everything about the case that travels, in plain JSON (ids are this instance's)."""
    allegations = list(case.allegations.select_related("officer__unit", "official", "category"))
    evidence = list(case.evidence.prefetch_related("custody"))
    measures = list(case.measures.select_related("officer").prefetch_related("steps"))
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "case": {
            "id": case.pk,
            "number": case.number,
            "title": case.title,
            "summary": case.summary,
            "status": case.status,
            "opened_at": _iso(case.opened_at),
            "closed_at": _iso(case.closed_at),
            "closing_reason": case.closing_reason,
            "body": {"code": case.body.code, "name": case.body.name, "level": case.body.level},
        },
        "allegations": [
            {
                "id": a.pk,
                "officer": (
                    {
                        "id": a.officer.pk,
                        "first_name": a.officer.first_name,
                        "last_name": a.officer.last_name,
                        "badge": a.officer.badge,
                        "rank": a.officer.rank,
                        "unit": a.officer.unit.name if a.officer.unit else "",
                    }
                    if a.officer
                    else None
                ),
                "official": (
                    {"id": a.official.pk, "first_name": a.official.first_name, "last_name": a.official.last_name}
                    if a.official
                    else None
                ),
                "category": {"code": a.category.code, "name": a.category.name},
                "particulars": a.particulars,
                "occurred_on": _iso(a.occurred_on),
                "finding": a.finding,
                "finding_reason": a.finding_reason,
                "decided_at": _iso(a.decided_at),
            }
            for a in allegations
        ],
        "measures": [
            {
                "id": m.pk,
                "officer": m.officer_id,
                "allegation": m.allegation_id,
                "kind": m.kind,
                "state": m.state,
                "reason": m.reason,
                "starts_on": _iso(m.starts_on),
                "ends_on": _iso(m.ends_on),
                "steps": [{"kind": s.kind, "at": _iso(s.at), "text": s.text} for s in m.steps.all()],
            }
            for m in measures
        ],
        "evidence": [
            {
                "id": e.pk,
                "sha256": e.sha256,
                "name": e.name,
                "content_type": e.content_type,
                "size": e.size,
                "description": e.description,
                "received_from": e.received_from,
                "added_at": _iso(e.added_at),
                "supersedes": e.supersedes_id,
                "path": f"evidence/{e.sha256}-{_safe_name(e.name)}",
                "custody": [
                    {
                        "action": c.action,
                        "at": _iso(c.at),
                        "actor": c.actor_id,
                        "from": c.from_party,
                        "to": c.to_party,
                        "note": c.note,
                    }
                    for c in e.custody.all()
                ],
            }
            for e in evidence
        ],
    }


def package_build(*, actor: Any, case: Case) -> bytes:
    """The package's bytes. Packaging is itself a custody event for each item, recorded first so
    that the package carries it; if building fails, the events roll back with it."""
    from django.db import transaction

    from ombud.accounts.models import Role
    from ombud.cases.selectors import sees_evidence_sources
    from ombud.cases.services import _require_body_role, custody_record
    from ombud.cases.summary import case_summary_pdf

    if actor is not None:  # None: the instance itself (`ombud case package` on the server)
        _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
        # The package names who handed in each item: built only by those who may read that.
        if not sees_evidence_sources(actor, case):
            raise PermissionDenied(
                _(
                    "The package names who handed in each piece of evidence: it is built by the investigators "
                    "and heads of the case's body."
                )
            )
    with transaction.atomic():
        for item in EvidenceItem.objects.filter(case=case):
            custody_record(
                actor=actor, item=item, action=CustodyEntry.Action.PACKAGED, to_party=_("referral package")
            )
        manifest = manifest_for(case)
        members: dict[str, bytes] = {item["path"]: open_blob(item["sha256"]) for item in manifest["evidence"]}
        members["summary.pdf"] = case_summary_pdf(manifest, keys.fingerprint())
        members["signer.pub"] = base64.b64encode(keys.public_key_bytes())
        manifest["signer"] = keys.fingerprint()
        manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(members.items())}
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")
        signature = base64.b64encode(keys.sign(manifest_bytes))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", manifest_bytes)
            archive.writestr("manifest.sig", signature)
            for name, data in sorted(members.items()):
                archive.writestr(name, data)
        return out.getvalue()


@dataclass
class PackageCheck:
    ok: bool
    signer: str = ""
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    members: dict[str, bytes] = field(default_factory=dict)


def package_verify(data: bytes | Path) -> PackageCheck:
    """Check signature and hashes; name every problem found."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        problems = [
            _("unsafe path in package: %(name)s") % {"name": i.filename}
            for i in infos
            if i.filename.startswith("/") or ".." in Path(i.filename).parts
        ]
        if any(i.file_size > MAX_MEMBER_BYTES for i in infos):
            return PackageCheck(False, problems=[_("a member is larger than any evidence may be")])
        members = {i.filename: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        return PackageCheck(False, problems=[_("not a readable ZIP file: %(error)s") % {"error": exc}])
    missing = [name for name in ("manifest.json", "manifest.sig", "signer.pub") if name not in members]
    if missing:
        return PackageCheck(
            False, problems=[_("missing %(name)s") % {"name": name} for name in missing], members=members
        )
    try:
        public = base64.b64decode(members["signer.pub"], validate=True)
        signature = base64.b64decode(members["manifest.sig"], validate=True)
    except (binascii.Error, ValueError):
        public, signature = b"", b""
    signer = keys.fingerprint(public) if public else ""
    if not public or not keys.verify_signature(public, signature, members["manifest.json"]):
        problems.append(_("the signature does not match manifest.json (altered manifest, signature or key)"))
    try:
        manifest = json.loads(members["manifest.json"])
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not _well_formed(manifest):
            raise ValueError
    except ValueError:
        return PackageCheck(
            False, signer, [*problems, _("manifest.json is not an ombud referral manifest")], members=members
        )
    listed: dict[str, str] = manifest.get("files") or {}
    if manifest.get("signer") != signer:
        problems.append(
            _("the manifest names signer %(named)s, but the key is %(key)s")
            % {"named": manifest.get("signer"), "key": signer}
        )
    for name, content in members.items():
        if name in SIGNED:
            continue
        if name not in listed:
            problems.append(_("%(name)s is not listed in the manifest") % {"name": name})
        elif hashlib.sha256(content).hexdigest() != listed[name]:
            problems.append(_("%(name)s does not match its SHA-256 in the manifest") % {"name": name})
    problems += [_("%(name)s is listed but missing") % {"name": name} for name in listed if name not in members]
    for item in manifest.get("evidence", []):
        evidence_file = members.get(item.get("path", ""))
        if evidence_file is not None and hashlib.sha256(evidence_file).hexdigest() != item.get("sha256"):
            problems.append(_("evidence %(name)s does not match its own SHA-256") % {"name": item.get("name")})
    return PackageCheck(not problems, signer, problems, manifest, members)


def _well_formed(manifest: dict[str, Any]) -> bool:
    """The manifest's parts have the shapes the checks and the import read (a manifest altered by
    hand may not)."""
    files, evidence = manifest.get("files") or {}, manifest.get("evidence", [])
    return (
        isinstance(files, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
        and isinstance(evidence, list)
        and all(
            isinstance(item, dict)
            and all(isinstance(item.get(key, ""), str) for key in ("path", "sha256", "name"))
            for item in evidence
        )
        and isinstance(manifest.get("case"), dict)
        and all(isinstance(manifest.get(key, []), list) for key in ("allegations", "measures"))
    )


class PackageRefused(Exception):
    pass


def _parse_dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def package_import(*, actor: Any, data: bytes, trusted: list[str], body_code: str | None = None) -> Case:
    """Create the case on this instance from a verified package whose signer is trusted, continuing
    each item's chain of custody. Nothing is written unless everything is."""
    from django.db import transaction

    from ombud.audit.services import audit_record
    from ombud.cases.models import Allegation
    from ombud.core.files import store_blob
    from ombud.discipline.models import Measure, MeasureStep
    from ombud.intake.models import Category
    from ombud.org.models import Officer, Official

    check = package_verify(data)
    if not check.ok:
        raise PackageRefused(
            _("The package does not verify: %(problems)s") % {"problems": "; ".join(check.problems)}
        )
    normalized = {t.replace(":", "").lower() for t in trusted}
    if check.signer.replace(":", "").lower() not in normalized:
        raise PackageRefused(
            _("The package is signed by %(fp)s, which is not trusted here; pass --trust %(fp)s if you trust it.")
            % {"fp": check.signer}
        )
    manifest = check.manifest
    source = f"{PACKAGE_SOURCE_PREFIX}{check.signer.replace(':', '')[:16]}"
    origin = manifest["case"]
    if Case.objects.filter(source=source, external_id=origin["number"]).exists():
        raise PackageRefused(
            _("Case %(number)s from this signer was already imported.") % {"number": origin["number"]}
        )
    now = timezone.now()
    with transaction.atomic():
        body = _receiving_body(actor, body_code)
        case = Case.objects.create(
            number=_imported_number(body.code, source, str(origin["number"])),
            body=body,
            title=origin["title"],
            summary=origin["summary"],
            status=Case.Status.OPEN,
            opened_at=now,
            source=source,
            external_id=origin["number"],
        )
        officers: dict[int, Officer] = {}
        allegations: dict[int, Allegation] = {}
        for item in manifest["allegations"]:
            officer = official = None
            if item["officer"]:
                o = item["officer"]
                officer = officers.get(o["id"]) or _officer_for(o, source)
                officers[o["id"]] = officer
            elif item["official"]:
                official = Official.objects.create(
                    first_name=item["official"]["first_name"], last_name=item["official"]["last_name"]
                )
            category, _created = Category.objects.get_or_create(
                code=item["category"]["code"], defaults={"name": item["category"]["name"]}
            )
            allegations[item["id"]] = Allegation.objects.create(
                case=case,
                officer=officer,
                official=official,
                category=category,
                particulars=item["particulars"],
                occurred_on=_parse_date(item["occurred_on"]),
                finding=item["finding"],
                finding_reason=item["finding_reason"],
                decided_at=_parse_dt(item["decided_at"]),
                external_id=str(item["id"]),
            )
        for item in manifest["measures"]:
            officer = officers.get(item["officer"])
            if officer is None:
                continue
            allegation = allegations.get(item["allegation"]) if item["allegation"] else None
            measure = Measure.objects.create(
                officer=officer,
                case=case,
                allegation=allegation,
                kind=item["kind"],
                state=item["state"],
                reason=item["reason"],
                starts_on=_parse_date(item["starts_on"]),
                ends_on=_parse_date(item["ends_on"]),
                proposed_at=now,
                source=source,
                external_id=str(item["id"]),
            )
            MeasureStep.objects.bulk_create(
                [
                    MeasureStep(measure=measure, kind=s["kind"], at=_parse_dt(s["at"]) or now, text=s["text"])
                    for s in item["steps"]
                ]
            )
        items: dict[int, EvidenceItem] = {}
        for item in manifest["evidence"]:
            digest = store_blob(check.members[item["path"]])
            evidence = EvidenceItem.objects.create(
                case=case,
                sha256=digest,
                name=item["name"],
                content_type=item["content_type"],
                size=item["size"],
                description=item["description"],
                received_from=item["received_from"],
                added_at=_parse_dt(item["added_at"]) or now,
                supersedes=items.get(item["supersedes"]),
            )
            items[item["id"]] = evidence
            CustodyEntry.objects.bulk_create(
                [
                    CustodyEntry(
                        item=evidence,
                        action=c["action"],
                        at=_parse_dt(c["at"]) or now,
                        from_party=c["from"],
                        to_party=c["to"],
                        note=f"{c['note']} [{_('recorded by')} {check.signer}]".strip(),
                    )
                    for c in item["custody"]
                ]
                + [
                    CustodyEntry(
                        item=evidence,
                        action=CustodyEntry.Action.IMPORTED,
                        at=now,
                        actor=actor if getattr(actor, "pk", None) else None,
                        from_party=origin["body"]["name"],
                        to_party=body.name,
                        note=_("package signed by %(fp)s") % {"fp": check.signer},
                    )
                ]
            )
        audit_record(
            actor=actor,
            action="case.import_package",
            obj=case,
            data={
                "signer": check.signer,
                "origin": origin["number"],
                "evidence": len(items),
                "allegations": len(allegations),
            },
        )
        return case


def _imported_number(body_code: str, source: str, origin: str) -> str:
    """``<body>-IMP-<origin number>`` where that fits the 32 characters of a case number and is free;
    else a number made from a digest of the signer and the origin number (kept in ``external_id``),
    so two long numbers of one series never collide."""
    from ombud.cases.models import Case

    number = f"{body_code}-IMP-{origin}"
    if len(number) <= 32 and not Case.objects.filter(number=number).exists():
        return number
    digest = hashlib.sha256(f"{source}|{origin}".encode()).hexdigest()[:12]
    return f"{body_code[:15]}-IMP-{digest}"


def _officer_for(data: dict[str, Any], source: str) -> Any:
    """The officer here the package names: the one an earlier package from this signer created, else
    the one with the same badge *and* name (a badge alone may be another force's numbering), else a
    new officer with the package's name, rank and badge (the badge kept only if free here)."""
    from ombud.org.models import Officer

    earlier = Officer.objects.filter(source=source, external_id=str(data["id"])).first()
    if earlier is not None:
        return earlier
    badge = str(data.get("badge") or "")
    if badge:
        same = Officer.objects.filter(
            badge=badge, first_name=data["first_name"], last_name=data["last_name"]
        ).first()
        if same is not None:
            return same
        if Officer.objects.filter(badge=badge).exists():
            badge = ""
    return Officer.objects.create(
        source=source,
        external_id=str(data["id"]),
        first_name=data["first_name"],
        last_name=data["last_name"],
        rank=data.get("rank", ""),
        badge=badge,
    )


def _receiving_body(actor: Any, body_code: str | None) -> Any:
    """The body named, else the top body; an instance with no bodies yet gets one for referrals."""
    from ombud.org.models import OversightBody, Unit, UnitKind
    from ombud.org.services import body_create, unit_create

    if body_code:
        body = OversightBody.objects.filter(code=body_code).first()
        if body is None:
            raise PackageRefused(_("No body with code %(code)s here.") % {"code": body_code})
        return body
    body = OversightBody.objects.order_by("level", "pk").first()
    if body is not None:
        return body
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first() or unit_create(
        actor=actor,
        code="REFERRALS",
        name=_("Referred from other instances"),
        kind=UnitKind.objects.order_by("level").first()
        or UnitKind.objects.create(code="root", name="Root", level=0),
        parent=None,
    )
    return body_create(actor=actor, code="REFERRALS", name=_("Referrals received"), seat=root)
