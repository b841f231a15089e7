"""Benchmark ``ombud simulate`` at the scale of a national force: 100,000 officers, 12 years, into a
fresh SQLite database in a temporary data directory. Prints wall time and peak memory.

    .venv/bin/python bench/simulate.py [--officers N] [--years Y] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ombud-bench-") as data:
        env = {**os.environ, "OMBUD_DATA_DIR": data}
        # The embedded database is what is measured, whatever the caller's environment points at.
        env.pop("DATABASE_URL", None)
        ombud = [sys.executable, "-m", "ombud"]
        subprocess.run([*ombud, "migrate", "--verbosity", "0"], env=env, check=True)
        command = [
            *ombud,
            "simulate",
            "--officers",
            str(args.officers),
            "--years",
            str(args.years),
            "--seed",
            str(args.seed),
            "--quiet",
        ]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        # The largest resident set of any child so far: the simulate run dwarfs the migration.
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = sum(p.stat().st_size for p in Path(data).glob("ombud.sqlite3*"))
    print(result.stdout.rstrip())
    print(f"officers={args.officers} years={args.years} seed={args.seed}")
    print(f"wall time: {wall:.1f} s")
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")
    print(f"database: {size / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
