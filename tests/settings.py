"""The one test settings module: ombud's settings, with the data directory in a fresh temporary
folder unless OMBUD_DATA_DIR is given, and the SQLite test database kept in a real file (WAL,
IMMEDIATE transactions) rather than in memory, as in production."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "OMBUD_DATA_DIR" not in os.environ:
    # A folder of our own: removed when the run ends, so test runs leave nothing behind in /tmp.
    # Processes started by the tests inherit the variable and leave the folder to this one.
    os.environ["OMBUD_DATA_DIR"] = tempfile.mkdtemp(prefix="ombud-test-")
    atexit.register(shutil.rmtree, os.environ["OMBUD_DATA_DIR"], ignore_errors=True)

from ombud.settings import *  # noqa: F403
from ombud.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"] == "ombud.core.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# Hashing passwords at full strength would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
