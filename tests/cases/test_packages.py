"""Referral packages verify, catch any changed byte, and import only from a trusted signer."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ombud.audit.models import AuditEntry
from ombud.cases.models import Case, CustodyEntry
from ombud.cases.packages import PackageRefused, package_build, package_import, package_verify
from ombud.cases.services import allegation_add, evidence_add, finding_decide, finding_propose
from ombud.core.keys import fingerprint
from ombud.discipline.models import Measure
from ombud.intake.models import Category
from tests.cases.conftest import Casework

OMBUD = str(Path(sys.executable).with_name("ombud"))
TODAY = timezone.localdate()


@pytest.fixture
def package(casework: Casework) -> bytes:
    allegation = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="bribery"),
        officer=casework.force.grain_officer,
        particulars={"goods": "liquor", "value": 40},
    )
    finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="Receipts.")
    finding_decide(actor=casework.head, allegation=allegation)
    evidence_add(
        actor=casework.investigator,
        case=casework.case,
        name="ledger.txt",
        data=b"2 sacks, 14 March",
        received_from="villager",
    )
    evidence_add(
        actor=casework.investigator, case=casework.case, name="photo.png", data=b"\x89PNG\r\n\x1a\nfake-but-kept"
    )
    return package_build(actor=casework.head, case=casework.case)


def _rewritten(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The package with one member's bytes passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == member else content)
    return out.getvalue()


def _flip(data: bytes, member: str) -> bytes:
    def flip(content: bytes) -> bytes:
        middle = len(content) // 2
        return content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1 :]

    return _rewritten(data, member, flip)


def test_a_fresh_package_verifies_and_names_its_signer(package: bytes) -> None:
    check = package_verify(package)
    assert check.ok, check.problems
    assert check.signer == fingerprint()
    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {"manifest.json", "manifest.sig", "signer.pub", "summary.pdf"} <= names
    assert sum(n.startswith("evidence/") for n in names) == 2


def test_a_changed_byte_in_any_member_is_caught(package: bytes) -> None:
    members = zipfile.ZipFile(io.BytesIO(package)).namelist()
    for member in members:
        check = package_verify(_flip(package, member))
        assert not check.ok, f"a changed byte in {member} went unnoticed"
        assert check.problems


def test_an_extra_or_missing_file_is_caught(package: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name != "summary.pdf":
                target.writestr(name, source.read(name))
        target.writestr("evidence/planted.txt", b"planted")
    problems = " ".join(package_verify(out.getvalue()).problems)
    assert "summary.pdf is listed but missing" in problems and "planted.txt is not listed" in problems


def test_the_manifest_carries_the_case_and_the_custody_chain(package: bytes, casework: Casework) -> None:
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package)).read("manifest.json"))
    assert manifest["case"]["number"] == casework.case.number
    assert manifest["allegations"][0]["finding"] == "sustained"
    assert [c["action"] for c in manifest["evidence"][0]["custody"]] == ["received", "packaged"]
    assert CustodyEntry.objects.filter(action="packaged").count() == 2


def test_an_untrusted_signer_is_refused_by_fingerprint(package: bytes) -> None:
    with pytest.raises(PackageRefused) as raised:
        package_import(actor=None, data=package, trusted=["ab12:cd34"])
    assert fingerprint() in str(raised.value)


def test_a_trusted_package_imports_continuing_the_custody_chain(package: bytes, casework: Casework) -> None:
    case = package_import(actor=None, data=package, trusted=[fingerprint()])
    assert case.evidence.count() == 2 and case.allegations.get().finding == "sustained"
    actions = list(case.evidence.order_by("pk").first().custody.values_list("action", flat=True))  # type: ignore[union-attr]
    assert actions == ["received", "packaged", "imported"]
    with pytest.raises(PackageRefused):
        package_import(actor=None, data=package, trusted=[fingerprint()])


def test_an_imported_measure_is_a_record_never_enforced_here(package: bytes, casework: Casework) -> None:
    from ombud.discipline.services import (
        measure_decide,
        measure_notify,
        measure_propose,
        measure_respond,
        measures_apply,
    )

    measure = measure_propose(
        actor=casework.investigator,
        case=casework.case,
        officer=casework.force.grain_officer,
        kind="standby",
        reason="Off duty while the prosecutor decides.",
        starts_on=TODAY + dt.timedelta(days=5),
        ends_on=TODAY + dt.timedelta(days=50),
    )
    measure_notify(actor=casework.investigator, measure=measure)
    measure_respond(actor=casework.officer_user, measure=measure, text="I await the prosecutor.")
    measure_decide(
        actor=casework.head, measure=measure, approve=True, text="The response does not explain the grain."
    )
    data = package_build(actor=casework.head, case=casework.case)
    imported = package_import(actor=None, data=data, trusted=[fingerprint()]).measures.get()
    assert imported.state == "decided"
    # The body that decided it brings it into force; its copy from the package never comes into force.
    assert measures_apply(on=TODAY + dt.timedelta(days=5)) == {"started": 1, "ended": 0}
    assert Measure.objects.get(pk=measure.pk).state == "in_force"
    assert Measure.objects.get(pk=imported.pk).state == "decided"


def _with_manifest(data: bytes, change: Callable[[dict[str, Any]], object]) -> bytes:
    """The package with its manifest changed by ``change`` (in place, on the parsed manifest)."""

    def rewrite(content: bytes) -> bytes:
        manifest = json.loads(content)
        change(manifest)
        return json.dumps(manifest).encode()

    return _rewritten(data, "manifest.json", rewrite)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.update(files=list(m["files"])),
        lambda m: m.update(evidence=["not an object"]),
        lambda m: m.update(case="no case"),
        lambda m: m["evidence"][0].update(path=["x"]),
    ],
    ids=["files-as-a-list", "evidence-not-objects", "case-not-an-object", "evidence-path-not-text"],
)
def test_a_manifest_of_the_wrong_shape_is_named_not_a_crash(
    package: bytes, change: Callable[[dict[str, Any]], object]
) -> None:
    check = package_verify(_with_manifest(package, change))
    assert not check.ok and "manifest.json is not an ombud referral manifest" in check.problems


def test_two_cases_whose_long_numbers_share_32_characters_both_import(casework: Casework) -> None:
    numbers = ["P01-C001-DC-2026-0000000000007", "P01-C001-DC-2026-0000000000008"]
    imported = []
    for number in numbers:
        Case.objects.filter(pk=casework.case.pk).update(number=number)
        casework.case.refresh_from_db()
        imported.append(
            package_import(
                actor=None, data=package_build(actor=casework.head, case=casework.case), trusted=[fingerprint()]
            )
        )
    assert len({case.number for case in imported}) == 2
    assert all(len(case.number) <= 32 for case in imported)
    assert [case.external_id for case in imported] == numbers


def test_a_tampered_package_is_refused_even_if_trusted(package: bytes) -> None:
    with pytest.raises(PackageRefused):
        package_import(actor=None, data=_flip(package, "manifest.json"), trusted=[fingerprint()])
    assert Case.objects.count() == 1


def test_the_command_line_round_trip_into_an_empty_second_instance(package: bytes, tmp_path: Path) -> None:
    path = tmp_path / "case.zip"
    path.write_bytes(package)
    out = io.StringIO()
    call_command("case", "verify-package", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"ok": True, "signer": fingerprint(), "problems": []}
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(_flip(package, "summary.pdf"))
    with pytest.raises(CommandError, match=r"summary\.pdf"):
        call_command("case", "verify-package", str(tampered))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "DATABASE_URL", "DJANGO_"))}
    env["OMBUD_DATA_DIR"] = str(tmp_path / "second")

    def ombud(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([OMBUD, *args], env=env, capture_output=True, text=True, timeout=300, check=False)

    # Another body checks a package on whatever instance it has, even one never set up.
    checked = ombud("case", "verify-package", str(path), "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"], checked.stderr
    assert ombud("migrate", "-v0").returncode == 0
    refused = ombud("case", "import-package", str(path))
    assert refused.returncode != 0 and fingerprint() in refused.stderr
    assert ombud("case", "import-package", str(path), "--trust", fingerprint()).returncode == 0
    listed = json.loads(ombud("case", "list", "--json").stdout)
    assert [c["evidence_count"] for c in listed] == [2]
    assert ombud("audit", "verify").returncode == 0


def test_a_package_that_cannot_be_written_leaves_no_custody_entry_of_being_made(
    package: bytes, casework: Casework, tmp_path: Path
) -> None:
    # The fixture's case holds evidence: packaging it is a custody event for each item.
    entries, custody = AuditEntry.objects.count(), CustodyEntry.objects.count()
    with pytest.raises(FileNotFoundError):
        call_command("case", "package", str(casework.case.pk), "--out", str(tmp_path / "gone" / "case.zip"))
    assert (AuditEntry.objects.count(), CustodyEntry.objects.count()) == (entries, custody)
    call_command(
        "case", "package", str(casework.case.pk), "--out", str(tmp_path / "case.zip"), stdout=io.StringIO()
    )
    assert CustodyEntry.objects.count() > custody and (tmp_path / "case.zip").stat().st_size > 0


def test_an_officer_with_only_the_same_badge_here_is_not_the_one_the_package_names(
    package: bytes, casework: Casework
) -> None:
    from ombud.org.models import Officer

    accused = casework.force.grain_officer
    # Here, another man holds the accused's badge number: the package's officer is not him.
    Officer.objects.filter(pk=accused.pk).update(first_name="Someone", last_name="Else")
    case = package_import(actor=None, data=package, trusted=[fingerprint()])
    officer = case.allegations.get().officer
    assert officer is not None and officer.pk != accused.pk
    assert (officer.first_name, officer.last_name) == (accused.first_name, accused.last_name)
    assert officer.badge == ""  # held here by someone else
