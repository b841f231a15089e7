"""Start-up refuses a bad OMBUD_* value with a message that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ombud.conf import env_bool, env_int, env_list, env_str

OMBUD = str(Path(sys.executable).with_name("ombud"))


def _ombud(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "DJANGO_", "DATABASE_URL"))}
    environ.update({"OMBUD_DATA_DIR": str(tmp_path), **env})
    return subprocess.run([OMBUD, *args], capture_output=True, text=True, env=environ, timeout=120, check=False)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OMBUD_PORT", "eighty"),
        ("OMBUD_PORT", "70000"),
        ("OMBUD_DEBUG", "maybe"),
        ("OMBUD_DOSSIER_YEARS", "0"),
        ("OMBUD_PDF_FONT", "/no/such/font.ttf"),
        ("OMBUD_RISK_ALERT_PERCENT", "lots"),
        ("OMBUD_RISK_ALERT_PERCENT", "0"),
        ("OMBUD_PROXIES", "-1"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    result = _ombud(tmp_path, "check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _ombud(tmp_path, "check", OMBUD_PRODUCTION="1")
    assert result.returncode != 0
    assert "OMBUD_SECRET_KEY" in result.stderr


def test_a_bad_database_url_is_named(tmp_path: Path) -> None:
    result = _ombud(tmp_path, "check", DATABASE_URL="nonsense://")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = _ombud(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OMBUD_PRODUCTION="1",
        OMBUD_SECRET_KEY="k" * 20 + "-a-long-and-random-enough-secret-for-tests-9f3",
        OMBUD_ALLOWED_HOSTS="ombud.example.org",
    )
    assert result.returncode == 0, result.stderr


def test_the_data_directory_holds_the_database_and_a_private_key_file(tmp_path: Path) -> None:
    result = _ombud(tmp_path, "migrate", "-v0")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ombud.sqlite3").exists()
    key = tmp_path / "secret_key"
    assert key.stat().st_mode & 0o077 == 0


def test_a_secret_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("OMBUD_THING_FILE", str(secret))
    assert env_str("OMBUD_THING", "default") == "from-a-file"


def test_a_value_and_its_file_together_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUD_THING", "a")
    monkeypatch.setenv("OMBUD_THING_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="OMBUD_THING"):
        env_str("OMBUD_THING", "default")


def test_typed_readers_parse_good_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUD_A", "Yes")
    monkeypatch.setenv("OMBUD_B", " 42 ")
    monkeypatch.setenv("OMBUD_C", "a, b,,c")
    assert env_bool("OMBUD_A", False) is True
    assert env_int("OMBUD_B", 0, minimum=1) == 42
    assert env_list("OMBUD_C", []) == ["a", "b", "c"]
    assert env_int("OMBUD_UNSET", 7) == 7


def test_processes_starting_together_agree_on_the_keys_they_create(tmp_path: Path) -> None:
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ombud.settings'; import django; django.setup(); "
        "from django.conf import settings; from ombud.core import keys; "
        "print(keys.keyed_digest('x', 'y'), keys.fingerprint(), settings.SECRET_KEY[:12], keys.field_keys().current_id)"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "DJANGO_", "DATABASE_URL"))}
    environ["OMBUD_DATA_DIR"] = str(tmp_path)
    processes = [
        subprocess.Popen([sys.executable, "-c", code], env=environ, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    outputs = {p.communicate(timeout=120)[0].strip() for p in processes}
    assert len(outputs) == 1, outputs
    assert not [f for f in (tmp_path / "keys").iterdir() if f.name.startswith(".")]


def test_a_command_on_a_database_not_yet_set_up_says_to_run_migrate_first(tmp_path: Path) -> None:
    source = tmp_path / "force"
    source.mkdir()
    (source / "officers.csv").write_text("officer_id\n1\n")
    result = _ombud(tmp_path, "import", "interchange", str(source))
    assert result.returncode == 2
    assert "ombud migrate" in result.stderr
    assert "Traceback" not in result.stderr
    # The help of the same command, and the command that sets the database up, still work.
    assert _ombud(tmp_path, "import", "--help").returncode == 0
    assert _ombud(tmp_path, "migrate").returncode == 0
    result = _ombud(tmp_path, "import", "interchange", str(source))
    assert "ombud migrate" not in result.stderr
