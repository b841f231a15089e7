"""The ``ombud`` command line meets a value no command can use, or a file it cannot read or write,
with one line that says which and why, never a traceback, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OMBUD = str(Path(sys.executable).with_name("ombud"))


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a new instance whose database is set up and empty."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "DJANGO_", "DATABASE_URL"))}
    environ["OMBUD_DATA_DIR"] = str(tmp_path_factory.mktemp("instance"))
    subprocess.run([OMBUD, "migrate", "-v0"], env=environ, check=True, timeout=300)
    return environ


def ombud(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OMBUD, *args], env=environ, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["escalate", "--as-of", "0001-01-01"], "give a date from 1900-01-01"),
        (["risk", "evaluate", "--as-of", "0001-01-01", "--json"], "give a date from 1900-01-01"),
        (["risk", "train", "--as-of", "2021-02-30"], "not a date (YYYY-MM-DD): 2021-02-30"),
        (
            ["simulate", "--officers", "10", "--years", "99999"],
            "--years: 99999: give a whole number from 1 to 100",
        ),
        (["simulate", "--officers", "10", "--seed", "-1"], "--seed: -1: give a whole number from 0"),
        (["demo", "--no-serve", "--officers", "0"], "--officers: 0: give a whole number from 1"),
        (["case", "list", "--limit", "-1"], "--limit: -1: give a whole number from 0"),
        (["case", "list", "--limit", str(2**70)], "give a whole number from 0"),
        (["serve", "--port", "70000"], "--port: 70000: give a whole number from 1 to 65535"),
        (["import", "interchange", ".", "--source", "Bad Source"], "--source: give 1 to 32 lowercase letters"),
        (
            ["report", "period", "--since", "0001-01-01", "--until", "2021-01-01", "--out", "r.csv"],
            "from 1900-01-01",
        ),
    ],
)
def test_a_value_no_command_can_use_is_refused_in_one_line(
    instance: dict[str, str], args: list[str], said: str
) -> None:
    result = ombud(instance, *args)
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert '"units": 0' in ombud(instance, "stats", "--json").stdout


def test_a_report_written_onto_a_folder_names_the_folder_and_leaves_nothing_beside_it(
    instance: dict[str, str], tmp_path: Path
) -> None:
    result = ombud(
        instance, "report", "period", "--since", "2021-01-01", "--until", "2021-12-31", "--out", str(tmp_path)
    )
    assert result.returncode == 1
    assert f"ombud: {tmp_path}: Is a directory" in result.stderr
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.*")) and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "args",
    [
        ["receipt", "verify", "@{missing}/proof.txt"],
        ["report", "period", "--since", "2021-01-01", "--until", "2021-12-31", "--out", "{missing}/report.csv"],
        ["import", "interchange", "{missing}"],
    ],
)
def test_a_file_that_cannot_be_read_or_written_is_named_with_the_reason(
    instance: dict[str, str], tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "no such folder"
    result = ombud(instance, *(arg.format(missing=missing) for arg in args))
    assert result.returncode == 1
    assert str(missing) in result.stderr and "No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly(instance: dict[str, str]) -> None:
    # `ombud stats --json | head -c 1`: the pipe closes before ombud writes.
    # Buffered, as outside this test runner: the last of the output meets the pipe at exit.
    environ = {k: v for k, v in instance.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [OMBUD, "stats", "--json"], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == ""
