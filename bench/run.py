"""`make bench`: requests/s and latency of the API's hot endpoints under wrk.

    python -m bench.run                      # seed if needed, measure, update README.md
    python -m bench.run --duration 30        # longer runs
    python -m bench.run --only ceiling guides_list

Seeds `bt_bench` on the machine's PostgreSQL (see `bench.seed`), starts gunicorn on
127.0.0.1 in the production configuration (DEBUG off, settings from the environment,
Redis as the cache when it answers) with `/bench/ceiling` switched on, and runs wrk
against each endpoint for `--duration` seconds after a short warm-up. Every endpoint's
throughput is also given as a share of the ceiling: a plain Django view returning a
constant dict, measured in the same run, which is as fast as this stack can answer.
Endpoints that do not exist yet are skipped with a note.

The last part restarts gunicorn with `DATABASE_POOL=true` and measures `/healthz` and
`/api/v1/me/` again, to compare psycopg's pool with persistent connections.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import seed as seeding
from harness.server import (
    BASE_DIR,
    Gunicorn,
    fetch,
    free_port,
    port_answers,
    post_json,
    production_env,
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
LUA = BENCH_DIR / "report.lua"
UNCACHED_LUA = BENCH_DIR / "uncached.lua"
PORTS = range(8140, 8150)
DEEP_ROWS = 5000
RESULTS_START = "<!-- bench-results:start -->"
RESULTS_END = "<!-- bench-results:end -->"
POOL_INTRO = (
    "Persistent connections (`DATABASE_POOL=false`, the default) against psycopg's pool "
    "(`DATABASE_POOL=true`), same run:"
)


@dataclass
class Target:
    name: str
    label: str
    path: str | None  # None: not available in this build (see `note`)
    member: bool = False
    # A URL of its own for every request (bench/uncached.lua): never the shared cache.
    uncached: bool = False
    note: str = ""


@dataclass
class Result:
    target: Target
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the API with wrk.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per endpoint.")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up per endpoint.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--only", nargs="*", help="Measure only these targets (by name).")
    parser.add_argument("--no-pool", action="store_true", help="Skip the pool comparison.")
    parser.add_argument("--no-readme", action="store_true", help="Leave README.md as it is.")
    seed_args = seeding.parse_args([])
    for name, value in vars(seed_args).items():
        if name != "fresh":
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    return parser.parse_args(argv)


def server_env(args: argparse.Namespace, **extra: str) -> dict[str, str]:
    overrides = {
        "BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        # Measure the endpoints, not the throttles.
        **{
            f"THROTTLE_{scope}": "100000000/min"
            for scope in ("ANON", "USER", "LOGIN", "REGISTER", "PASSWORD_RESET")
        },
        **extra,
    }
    if port_answers(6379):
        overrides["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        # A prefix of our own: other users of this Redis never see our keys, nor we theirs.
        overrides["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    return production_env(database=args.database_url, **overrides)


# --- discovery: paths that need data from the running server ---------------------------


def _get_json(base: str, path: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    status, _, body = fetch(f"{base}{path}", headers=headers, timeout=60)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def login(base: str) -> str:
    credentials = {"email": seeding.MEMBER_EMAIL.format(n=0), "password": seeding.MEMBER_PASSWORD}
    status, _, payload = post_json(f"{base}/api/v1/auth/login/", credentials)
    if status != 200:
        raise RuntimeError(f"The bench member cannot log in: {status} {payload[:200]!r}")
    return json.loads(payload)["token"]


def _relative(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[1]


def deep_entries_page(base: str, token: str) -> str | None:
    """The list URL whose first row is entry number DEEP_ROWS + 1, by following `next`."""
    path = "/api/v1/journal/entries/?page_size=100"
    for _ in range(DEEP_ROWS // 100):
        status, body = _get_json(base, path, token)
        if status != 200 or not body.get("next"):
            return None
        path = _relative(body["next"])
    return path.replace("page_size=100", "page_size=20")


def deep_change_token(base: str, token: str) -> str | None:
    """The `since` token after the member's first DEEP_ROWS changes."""
    since, seen = "0", 0
    while seen < DEEP_ROWS:
        status, body = _get_json(base, f"/api/v1/journal/changes/?since={since}&limit=1000", token)
        if status != 200:
            return None
        since = str(body["next_token"])
        seen += 1000
    return since


def targets(base: str, token: str) -> list[Target]:
    def exists(path: str, member: bool = False) -> bool:
        return _get_json(base, path, token if member else None)[0] == 200

    status, guides = _get_json(base, "/api/v1/guides/?page_size=1")
    slug = guides["results"][0]["slug"] if status == 200 and guides.get("results") else None
    deep_page = deep_entries_page(base, token) if exists("/api/v1/journal/entries/", True) else None
    deep_token = (
        deep_change_token(base, token) if exists("/api/v1/journal/changes/", True) else None
    )
    listed = [
        Target("ceiling", "`/bench/ceiling` (plain Django view)", "/bench/ceiling"),
        Target("healthz", "`/healthz`", "/healthz"),
        Target("guides_list", "`/api/v1/guides/` (anonymous, shared cache)", "/api/v1/guides/"),
        Target("guides_list_member", "`/api/v1/guides/` (token, shared cache)",
               "/api/v1/guides/", member=True),
        Target("guides_list_render", "`/api/v1/guides/` (rendered)", "/api/v1/guides/",
               uncached=True),
        Target("guide_detail", "`/api/v1/guides/{slug}/` (shared cache)",
               f"/api/v1/guides/{slug}/" if slug else None),
        Target("guide_detail_render", "`/api/v1/guides/{slug}/` (rendered)",
               f"/api/v1/guides/{slug}/" if slug else None, uncached=True),
        Target("search", "`/api/v1/search/?q=joy` (shared cache)", "/api/v1/search/?q=joy"),
        Target("search_render", "`/api/v1/search/?q=joy` (rendered)", "/api/v1/search/?q=joy",
               uncached=True),
        Target("strategies_q_render", "`/api/v1/strategies/?q=joy` (rendered)",
               "/api/v1/strategies/?q=joy", uncached=True),
        Target("events_upcoming", "`/api/v1/events/upcoming/` (shared cache)",
               "/api/v1/events/upcoming/"),
        Target("events_upcoming_render", "`/api/v1/events/upcoming/` (rendered)",
               "/api/v1/events/upcoming/", uncached=True),
        Target("events_ics", "`/api/v1/events/calendar.ics` (shared cache)",
               "/api/v1/events/calendar.ics"),
        Target("events_ics_render", "`/api/v1/events/calendar.ics` (rendered)",
               "/api/v1/events/calendar.ics", uncached=True),
        Target("me", "`/api/v1/me/` (token)", "/api/v1/me/", member=True),
        Target("journal_list", "`/api/v1/journal/entries/` first page", "/api/v1/journal/entries/",
               member=True),
        Target("journal_list_deep", f"`/api/v1/journal/entries/` {DEEP_ROWS:,} rows deep",
               deep_page, member=True),
        Target("journal_changes", "`/api/v1/journal/changes/?limit=100` from 0",
               "/api/v1/journal/changes/?limit=100", member=True),
        Target("journal_changes_deep", f"`/api/v1/journal/changes/?limit=100` after {DEEP_ROWS:,}",
               f"/api/v1/journal/changes/?{urlencode({'since': deep_token, 'limit': 100})}"
               if deep_token else None, member=True),
        Target("insights_30d", "`/api/v1/journal/insights/` (30 days)",
               "/api/v1/journal/insights/", member=True),
        Target("insights_all", "`/api/v1/journal/insights/?period=all`",
               "/api/v1/journal/insights/?period=all", member=True),
    ]  # fmt: skip
    for target in listed:
        if target.path is None:
            target.note = "not available: its route or its data is missing"
        elif not exists(target.path, target.member):
            target.note = f"not available: {target.path} does not answer 200"
            target.path = None
    return listed


# --- measuring ------------------------------------------------------------------------


def wrk(base: str, target: Target, token: str, args: argparse.Namespace, seconds: int) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(UNCACHED_LUA if target.uncached else LUA),
    ]
    if target.member:
        command += ["-H", f"Authorization: Token {token}"]
    command.append(f"{base}{target.path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no summary:\n{output}")


def drain(base: str, workers: int, timeout: float = 120) -> None:
    """Wait until every worker is idle again. wrk hangs up when its time is out, but a
    sync worker finishes the request it holds first, so a slow endpoint would eat
    into the next endpoint's measurement."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(workers) as pool:
            durations = list(
                pool.map(lambda _: _timed_fetch(f"{base}/bench/ceiling"), range(workers))
            )
        if max(durations) < 0.1:
            return
    raise RuntimeError("gunicorn stayed busy after the last run")


def _timed_fetch(url: str, headers: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    fetch(url, headers=headers, timeout=120)
    return time.monotonic() - started


def measure(
    base: str, target: Target, token: str, args: argparse.Namespace, workers: int
) -> Result:
    drain(base, workers)
    headers = {"Authorization": f"Token {token}"} if target.member else {}
    for _ in range(3):  # fill whatever cache the endpoint keeps, one request at a time
        _timed_fetch(f"{base}{target.path}", headers)
    wrk(base, target, token, args, args.warmup)
    drain(base, workers)
    summary = wrk(base, target, token, args, args.duration)
    seconds = summary["duration_us"] / 1e6
    return Result(
        target=target,
        rps=summary["requests"] / seconds,
        p50_ms=summary["p50_us"] / 1000,
        p95_ms=summary["p95_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        requests=summary["requests"],
        errors=summary["non_2xx_3xx"] + summary["socket_errors"],
    )


def run_targets(
    args: argparse.Namespace, env: dict[str, str], names: set[str] | None, log: Path
) -> tuple[list[Result], list[Target]]:
    results: list[Result] = []
    skipped: list[Target] = []
    with Gunicorn(port=free_port(PORTS), env=env, workers=args.workers, log_path=log) as server:
        token = login(server.url)
        for target in targets(server.url, token):
            if names and target.name not in names and target.name != "ceiling":
                continue
            if target.path is None:
                skipped.append(target)
                print(f"  {target.name:<24} skipped: {target.note}", flush=True)
                continue
            result = measure(server.url, target, token, args, args.workers)
            results.append(result)
            _print(result)
        # The ceiling once more, last: on a shared machine the first reading can be low.
        ceiling = next((r for r in results if r.target.name == "ceiling"), None)
        if ceiling is not None:
            again = measure(server.url, ceiling.target, token, args, args.workers)
            _print(again)
            ceiling.extra["readings"] = [round(ceiling.rps), round(again.rps)]
            if again.rps > ceiling.rps:
                again.extra = ceiling.extra
                results[results.index(ceiling)] = again
    return results, skipped


def _print(result: Result) -> None:
    print(
        f"  {result.target.name:<24} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms"
        f"  p95 {result.p95_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
        f"  n {result.requests:6d}  errors {result.errors}",
        flush=True,
    )


# --- reporting ------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}"


def data_sizes(database_url: str) -> dict[str, int]:
    import psycopg

    tables = {
        "guides": "strategies_guide",
        "strategies": "strategies_strategy",
        "exercises": "strategies_exercise",
        "events": "events_event",
        "members": "accounts_user",
        "journal entries": "journaling_journalentry",
        "commitments": "journaling_commitment",
    }
    sizes = {}
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        for label, table in tables.items():
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            sizes[label] = row[0]
        sizes["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
    return sizes


def table(results: list[Result], skipped: list[Target]) -> str:
    ceiling = next((r.rps for r in results if r.target.name == "ceiling"), 0.0)
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | vs ceiling | requests | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        share = f"{r.rps / ceiling:.3f}" if ceiling else "n/a"
        rps = f"{r.rps:,.0f}" if r.rps >= 100 else f"{r.rps:.1f}"
        lines.append(
            f"| {r.target.label} | {rps} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.p99_ms:.1f} | {share} | {r.requests:,} | {r.errors} |"
        )
    lines.extend(f"| {t.label} | skipped | | | | | | {t.note} |" for t in skipped)
    return "\n".join(lines)


def pool_table(persistent: list[Result], pooled: list[Result]) -> str:
    by_name = {r.target.name: r for r in persistent}
    lines = [
        "| endpoint | persistent connections req/s (p95 ms) | psycopg pool req/s (p95 ms) |",
        "| --- | ---: | ---: |",
    ]
    for r in pooled:
        base = by_name.get(r.target.name)
        left = f"{base.rps:,.0f} ({base.p95_ms:.1f})" if base else "n/a"
        lines.append(f"| {r.target.label} | {left} | {r.rps:,.0f} ({r.p95_ms:.1f}) |")
    return "\n".join(lines)


def render_report(
    args: argparse.Namespace,
    results: list[Result],
    skipped: list[Target],
    pooled: list[Result],
    command: str,
) -> str:
    sizes = data_sizes(args.database_url)
    size_text = ", ".join(f"{v:,} {k}" for k, v in sizes.items() if k != "PostgreSQL")
    cache = "Redis" if port_answers(6379) else "the database cache table"
    server = (
        f"gunicorn, {args.workers} sync workers, DEBUG off; wrk with {args.threads} threads "
        f"and {args.connections} connections, {args.duration} s per endpoint after "
        f"{args.warmup} s of warm-up, on the same machine"
    )
    data = f"{size_text} (the measured member has {args.entries_per_member:,} of the entries)"
    parts = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        f"- Machine: {machine()}; PostgreSQL {sizes['PostgreSQL']} on 127.0.0.1; cache: {cache}.",
        f"- Data: {data}.",
        f"- Server: {server}.",
        "",
        table(results, skipped),
    ]
    ceiling = next((r for r in results if r.target.name == "ceiling"), None)
    if ceiling is not None and "readings" in ceiling.extra:
        first, last = ceiling.extra["readings"]
        note = f"The ceiling was measured first and last ({first:,} and {last:,} req/s); "
        parts += ["", note + "the ratios use the higher reading."]
    if pooled:
        parts += [
            "",
            POOL_INTRO,
            "",
            pool_table(results, pooled),
        ]
    return "\n".join(parts)


def update_readme(report: str) -> None:
    text = README.read_text()
    start, end = text.index(RESULTS_START), text.index(RESULTS_END)
    README.write_text(text[: start + len(RESULTS_START)] + "\n" + report + "\n" + text[end:])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    seed_argv = [
        "--database-url", args.database_url, "--guides", str(args.guides),
        "--events", str(args.events), "--members", str(args.members),
        "--entries-per-member", str(args.entries_per_member),
        "--commitments-per-member", str(args.commitments_per_member),
        "--seed", str(args.seed), *(["--fresh"] if args.fresh else []),
    ]  # fmt: skip
    seeding.seed(seeding.parse_args(seed_argv))
    RESULTS_DIR.mkdir(exist_ok=True)
    # As the image does at build time; otherwise whitenoise warns on every worker start.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=server_env(args),
        check=True,
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    names = set(args.only) if args.only else None

    print("Persistent connections (DATABASE_POOL=false):", flush=True)
    results, skipped = run_targets(
        args, server_env(args), names, RESULTS_DIR / f"{stamp}-gunicorn.log"
    )
    pooled: list[Result] = []
    if not args.no_pool:
        print("psycopg pool (DATABASE_POOL=true):", flush=True)
        pooled, _ = run_targets(
            args,
            server_env(args, DATABASE_POOL="true"),
            {"ceiling", "healthz", "me"},
            RESULTS_DIR / f"{stamp}-gunicorn-pool.log",
        )
        pooled = [r for r in pooled if r.target.name in {"healthz", "me"}]

    command = "make bench" if not argv else "python -m bench.run " + " ".join(argv)
    report = render_report(args, results, skipped, pooled, command)
    (RESULTS_DIR / f"{stamp}.md").write_text(report + "\n")
    (RESULTS_DIR / f"{stamp}.json").write_text(
        json.dumps(
            [
                {"name": r.target.name, "rps": r.rps, "p50_ms": r.p50_ms, "p95_ms": r.p95_ms,
                 "p99_ms": r.p99_ms, "errors": r.errors, "pool": r in pooled}
                for r in results + pooled
            ],
            indent=2,
        )
    )  # fmt: skip
    if not args.no_readme and not names:
        update_readme(report)
    print()
    print(report)
    print(f"\nDone in {time.monotonic() - started:.0f}s; results in {RESULTS_DIR}")
    return 0


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    sys.exit(main(sys.argv[1:]))
