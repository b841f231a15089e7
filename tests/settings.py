"""The one test settings module: ombud's settings, with the data directory in a fresh temporary
folder unless OMBUD_DATA_DIR is given, and the SQLite test database kept in a real file (WAL,
IMMEDIATE transactions) rather than in memory, as in production."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("OMBUD_DATA_DIR", tempfile.mkdtemp(prefix="ombud-test-"))

from ombud.settings import *  # noqa: F403
from ombud.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"] == "ombud.core.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# Hashing passwords at full strength would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
