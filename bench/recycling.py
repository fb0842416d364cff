"""What worker recycling (`GUNICORN_MAX_REQUESTS`) costs in latency: the measurement
behind its default (README.md, "Worker recycling").

    python -m bench.recycling                          # 0, 2000, 20000, 100000; 60 s each
    python -m bench.recycling --values 0 2000 --duration 30

For each value, gunicorn starts in the production configuration (2 sync workers, the
default jitter) on the database of `DATABASE_URL` (migrated, sample content loaded),
and wrk asks for `/api/v1/guides/`, the hot public read (served from the shared cache,
Redis when `REDIS_URL` is set; `--uncached` gives every request a URL of its own, so each
one is rendered from the database). The table gives throughput, p50/p99/p99.9 and how many
workers gunicorn started again during the run (from its log).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from harness.database import prepare_database
from harness.server import BASE_DIR, Gunicorn, fetch, free_port, production_env

LUA = BASE_DIR / "bench" / "report.lua"
UNCACHED_LUA = BASE_DIR / "bench" / "uncached.lua"
PATH = "/api/v1/guides/"


def worker_rss_mib(server: Gunicorn) -> float:
    """The resident memory of the largest worker, in MiB (Linux /proc)."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    sizes = [
        int(line.split()[1]) / 1024
        for pid in children.read_text().split()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    ]
    return max(sizes, default=0.0)


def measure(value: int, args: argparse.Namespace, env: dict[str, str]) -> dict:
    log = Path(tempfile.mkstemp(suffix=".log")[1])
    server = Gunicorn(
        port=args.port,
        env={**env, "GUNICORN_MAX_REQUESTS": str(value)},
        workers=args.workers,
        log_path=log,
    )
    with server:
        for _ in range(50):  # warm both workers
            fetch(f"{server.url}{PATH}?warm={time.monotonic()}")
        booted_before = log.read_text().count("Booting worker")
        rss_before = worker_rss_mib(server)
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "30s",
                "-s",
                str(UNCACHED_LUA if args.uncached else LUA),
                f"{server.url}{PATH}",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=BASE_DIR,
        ).stdout
        recycled = log.read_text().count("Booting worker") - booted_before
        rss_after = worker_rss_mib(server)
    log.unlink()
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    summary = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = summary["duration_us"] / 1e6
    return {
        "max_requests": value,
        "rps": summary["requests"] / seconds,
        "p50_ms": summary["p50_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "p999_ms": summary["p999_us"] / 1000,
        "max_ms": summary["max_us"] / 1000,
        "errors": summary["non_2xx_3xx"] + summary["socket_errors"],
        "recycled": recycled,
        "rss": (rss_before, rss_after),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, nargs="+", default=[0, 2000, 20000, 100000])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--uncached", action="store_true", help="A URL of its own per request (no cache)."
    )
    parser.add_argument("--port", type=int, default=free_port(range(8140, 8150)))
    args = parser.parse_args()
    env = production_env(
        database=os.environ["DATABASE_URL"],
        THROTTLE_ANON="100000000/min",
        THROTTLE_USER="100000000/min",
    )
    prepare_database(env)
    print(
        "| GUNICORN_MAX_REQUESTS | req/s | p50 ms | p99 ms | p99.9 ms | max ms "
        "| workers restarted | largest worker RSS MiB, start → end | errors |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for value in args.values:
        row = measure(value, args, env)
        print(
            f"| {value} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['p999_ms']:.1f} | {row['max_ms']:.0f} | {row['recycled']} "
            f"| {row['rss'][0]:.0f} → {row['rss'][1]:.0f} | {row['errors']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
