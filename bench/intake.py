"""Benchmark: concurrent complainants filing over HTTP against `ombud serve` on SQLite.

    .venv/bin/python bench/intake.py [--data-dir DIR] [--per-level 600] [--levels 10,50,100]

Builds (or reuses) a data directory with a simulated force, starts `ombud serve` on a free port with
the public rate limits lifted (every client here comes from 127.0.0.1), files complaints from N
concurrent clients, prints complaints/s and p50/p99 latency per level, then checks that every
receipt opens its complaint and that the database holds exactly the complaints filed."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

OMBUD = str(Path(sys.executable).with_name("ombud"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(conn: http.client.HTTPConnection, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    conn.request(
        "POST", path, json.dumps(body), {"Content-Type": "application/json", "Accept": "application/json"}
    )
    response = conn.getresponse()
    raw = response.read()
    try:
        return response.status, json.loads(raw or b"{}")
    except ValueError:
        return response.status, {"raw": raw[:300].decode(errors="replace")}


def run_level(port: int, clients: int, total: int, officer_ids: list[int]) -> tuple[list[float], list[str], int]:
    latencies: list[float] = []
    receipts: list[str] = []
    errors = 0
    lock = threading.Lock()
    per_client = total // clients

    def client(n: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for i in range(per_client):
            body = {
                "description": f"Bench complaint {n}-{i}: he took grain to look away.",
                "subjects": [{"officer": officer_ids[(n * 7919 + i) % len(officer_ids)]}],
                "categories": ["bribery"],
            }
            start = time.perf_counter()
            try:
                code, made = post(conn, "/api/v1/public/complaints/", body)
            except (OSError, http.client.HTTPException):
                code, made = 0, {}
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                if code == 201:
                    latencies.append(elapsed)
                    receipts.append(str(made["receipt"]))
                else:
                    errors += 1
                    if errors <= 3:
                        print(f"  error {code}: {made}", file=sys.stderr)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, receipts, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", help="an existing data directory to copy (default: simulate 2,000 officers)")
    parser.add_argument("--per-level", type=int, default=600)
    parser.add_argument("--levels", default="10,50,100")
    parser.add_argument("--serve-args", default="", help="extra arguments for ombud serve, e.g. '--workers 2'")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ombud-bench-intake-"))
    data = work / "data"
    env = {**os.environ, "OMBUD_DATA_DIR": str(data)}
    if args.data_dir:
        shutil.copytree(args.data_dir, data)
    else:
        subprocess.run([OMBUD, "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL)
    officer_ids = json.loads(
        subprocess.run(
            [
                OMBUD,
                "shell",
                "-c",
                "import json; from ombud.org.models import Officer; "
                "print(json.dumps(list(Officer.objects.filter(status='active').values_list('id', flat=True)[:500])))",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    before = int(
        json.loads(
            subprocess.run([OMBUD, "stats", "--json"], env=env, check=True, capture_output=True, text=True).stdout
        )["complaints"]
    )
    port = free_port()
    server_env = {
        **env,
        "OMBUD_RATE_FILE": "1000000/min",
        "OMBUD_RATE_RECEIPT": "1000000/min",
        "OMBUD_RATE_RECEIPT_ALL": "1000000/min",
    }
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [OMBUD, "serve", "--port", str(port), *args.serve_args.split()],
        env={**server_env, "OMBUD_LOG_LEVEL": "ERROR"},
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/report/")
                break
            except OSError:
                time.sleep(0.5)
        all_receipts: list[str] = []
        print(f"{'clients':>8} {'filed':>6} {'errors':>6} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for clients in [int(x) for x in args.levels.split(",")]:
            start = time.perf_counter()
            latencies, receipts, errors = run_level(port, clients, args.per_level, officer_ids)
            wall = time.perf_counter() - start
            all_receipts += receipts
            lat = sorted(latencies)
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
            print(
                f"{clients:>8} {len(lat):>6} {errors:>6} {len(lat) / wall:>8.1f} "
                f"{statistics.median(lat) * 1000 if lat else float('nan'):>8.1f} {p99 * 1000:>8.1f}"
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        answers = [post(conn, "/api/v1/public/complaints/status/", {"receipt": r}) for r in all_receipts]
        opened = sum(code == 200 for code, _ in answers)
        for code, body in [a for a in answers if a[0] != 200][:3]:
            print(f"  status check answered {code}: {str(body)[:200]}", file=sys.stderr)
    finally:
        os.killpg(server.pid, 15)
        server.wait()
        server_log.close()
    after = int(
        json.loads(
            subprocess.run([OMBUD, "stats", "--json"], env=env, check=True, capture_output=True, text=True).stdout
        )["complaints"]
    )
    print(f"receipts that open their complaint: {opened} of {len(all_receipts)}")
    print(
        f"complaints in the database: {after - before} new, {len(all_receipts)} acknowledged to clients "
        f"({'none lost' if after - before == len(all_receipts) == opened else 'MISMATCH'})"
    )
    print(f"server log: {work / 'server.log'}")


if __name__ == "__main__":
    main()
