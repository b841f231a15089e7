"""Benchmark ``ombud import ccrb`` on the real NYC CCRB data (175,505 allegations, 83,029 officers)
into a fresh SQLite database in a temporary data directory, then a second run (which must add
nothing). Prints both wall times and the counts.

    .venv/bin/python bench/import_ccrb.py [--data ../shared/data/nyc-ccrb-mos-2021] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nyc-ccrb-mos-2021"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--keep", type=Path, default=None, help="import into this data directory and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ombud-bench-") as scratch:
        data = str(args.keep or scratch)
        Path(data).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "OMBUD_DATA_DIR": data}
        env.pop("DATABASE_URL", None)
        ombud = [sys.executable, "-m", "ombud"]
        subprocess.run([*ombud, "migrate", "--verbosity", "0"], env=env, check=True)
        times = []
        for _ in range(2):
            started = time.perf_counter()
            run = subprocess.run(
                [*ombud, "import", "ccrb", str(args.data), "--quiet"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - started)
            print(run.stdout.rstrip())
        stats = json.loads(
            subprocess.run([*ombud, "stats", "--json"], env=env, check=True, capture_output=True, text=True).stdout
        )
    print(f"first import: {times[0]:.1f} s (wall, including start-up)")
    print(f"second import: {times[1]:.1f} s")
    print(f"officers={stats['officers']} allegations={stats['allegations']} complaints={stats['complaints']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
