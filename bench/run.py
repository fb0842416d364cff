"""`make bench`: requests/s and latency of the API's hot paths under wrk, each as a share
of a bare Django project served the same way, beside the goals of issue 16.

    python -m bench.run                      # seed if needed, measure, update README.md
    python -m bench.run --duration 30        # longer runs
    python -m bench.run --only guides_list guides_list_304   # a few rows (bare is always in)
    python -m bench.run --list               # the row names

Seeds `bt_bench` on the machine's PostgreSQL (see `bench.seed`), then starts two
gunicorns on 127.0.0.1 with the project's `gunicorn.conf.py` and the same worker class
and count: the project in the production configuration (DEBUG off, settings from the
environment, Redis as the cache when it answers, `/bench/ceiling` switched on), and the
bare project of `bench/bare/` (no apps, no database, `CommonMiddleware` only, one view
returning a constant 1 KB `JsonResponse`). wrk loads each path for `--duration` seconds
after a short warm-up; every row's throughput is divided by the bare project's, measured
first and last in the same run (the higher reading). Paths that do not exist yet are
skipped with a note.

Two rows are not wrk runs: the full `.ics` feed rebuilt after an edit (an event is saved
in this process, through the same database and cache, then the feed fetched once; the
median of several rounds against an absolute goal), and the same feed served again with
gzip asked (a share of the bare ceiling, and only met if the answer is compressed).

`--pool` adds the comparison of psycopg's pool with persistent connections (gunicorn
started again with `DATABASE_POOL=true`, `/healthz` and `/api/v1/me/` measured again);
it is left out by default to keep `make bench` under 10 minutes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import seed as seeding
from harness.server import (
    BASE_DIR,
    UNUSED_DATABASE,
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
PORTS = range(8140, 8160)
DEEP_ROWS = 5000
REBUILD_ROUNDS = 7
# The per-process public cache checks the content version at most this often
# (core/fast_cache.py): an edit is waited out this long before the feed is fetched.
STALENESS_BOUND = 1.0
ICS_PATH = "/api/v1/events/calendar.ics"
RESULTS_START = "<!-- bench-results:start -->"
RESULTS_END = "<!-- bench-results:end -->"
POOL_INTRO = (
    "Persistent connections (`DATABASE_POOL=false`, the default) against psycopg's pool "
    "(`DATABASE_POOL=true`), same run:"
)


@dataclass(frozen=True)
class Goal:
    """At least `ratio` of the bare ceiling, or (`ms`) a median of at most that."""

    ratio: float | None = None
    ms: float | None = None

    def text(self) -> str:
        return f"≥ {self.ratio:.2f}" if self.ratio is not None else f"≤ {self.ms:.0f} ms"


# Rows without a goal that `make bench` leaves out to stay under 10 minutes; `--all`
# or `--only` with their names measures them.
OPTIONAL_ROWS = frozenset(
    {"search_render", "strategies_q_render", "events_upcoming_render", "journal_changes_deep"}
)
# Issue 16's goals, by row name.
GOALS = {
    "guides_list": Goal(ratio=0.80),
    "guide_detail": Goal(ratio=0.80),
    "guides_list_304": Goal(ratio=0.85),
    "guide_detail_304": Goal(ratio=0.85),
    "guides_list_member": Goal(ratio=0.35),
    "guide_detail_member": Goal(ratio=0.35),
    "guides_list_render": Goal(ratio=0.15),
    "guide_detail_render": Goal(ratio=0.20),
    "journal_list": Goal(ratio=0.15),
    "journal_list_deep": Goal(ratio=0.15),
    "insights_30d": Goal(ratio=0.05),
    "insights_all": Goal(ratio=0.03),
    "me_home": Goal(ratio=0.05),
    "events_ics_rebuild": Goal(ms=150),
    "events_ics": Goal(ratio=0.30),
}


@dataclass
class Target:
    name: str
    label: str
    path: str | None  # None: not available in this build (see `note`)
    member: bool = False
    # A URL of its own for every request (bench/uncached.lua): never the shared cache.
    uncached: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    bare: bool = False  # served by the bare project
    note: str = ""
    # What the discovery found worth saying (the feed's encoding and size).
    probe_note: str = ""
    # Checked once more after the run (a 304 row: the ETag still current?); a note if not.
    recheck: Callable[[], str] | None = None

    @property
    def goal(self) -> Goal | None:
        return GOALS.get(self.name)


@dataclass
class Result:
    target: Target
    rps: float = 0.0
    cpu_us: float = 0.0  # the server's CPU per request (its processes only)
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
    parser.add_argument(
        "--bare-slice",
        type=int,
        default=1,
        help="Seconds of the bare ceiling measured before each slice of a row.",
    )
    parser.add_argument(
        "--slices", type=int, default=5, help="Slices of each row, each after the bare one."
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--only", nargs="*", help="Measure only these rows (by name).")
    parser.add_argument("--list", action="store_true", help="Print the row names and stop.")
    parser.add_argument(
        "--all", action="store_true", help="Also the optional rows (rendered search etc.)."
    )
    parser.add_argument("--pool", action="store_true", help="Add the pool comparison.")
    parser.add_argument("--no-readme", action="store_true", help="Leave README.md as it is.")
    seed_args = seeding.parse_args([])
    for name, value in vars(seed_args).items():
        if name != "fresh":
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    return parser.parse_args(argv)


def cache_env() -> dict[str, str]:
    """Redis, when it answers, under a key prefix of this run's own (other users of this
    Redis never see our keys, nor we theirs). Shared by the server and this process,
    which edits an event for the rebuild row."""
    if not port_answers(6379):
        return {}
    return {
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
    }


def server_env(args: argparse.Namespace, cache: dict[str, str], **extra: str) -> dict[str, str]:
    overrides = {
        "BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        # Measure the endpoints, not the throttles.
        **{
            f"THROTTLE_{scope}": "100000000/min"
            for scope in ("ANON", "USER", "LOGIN", "REGISTER", "PASSWORD_RESET")
        },
        **cache,
        **extra,
    }
    env = production_env(database=args.database_url, **overrides)
    # This process lifts the statement timeout for seeding (bench.seed); the server
    # keeps the production one.
    if os.environ.get("DATABASE_STATEMENT_TIMEOUT") == "0":
        env.pop("DATABASE_STATEMENT_TIMEOUT", None)
    return env


def bare_env() -> dict[str, str]:
    return production_env(
        database=UNUSED_DATABASE, DJANGO_SETTINGS_MODULE="bench.bare.settings", LOG_LEVEL="WARNING"
    )


# --- discovery: paths that need data from the running server ---------------------------


def _get(base: str, path: str, token: str | None = None, **headers: str) -> tuple[int, dict, Any]:
    if token:
        headers["Authorization"] = f"Token {token}"
    status, answer_headers, body = fetch(f"{base}{path}", headers=headers, timeout=60)
    try:
        return status, answer_headers, json.loads(body)
    except ValueError:
        return status, answer_headers, body


def _get_json(base: str, path: str, token: str | None = None) -> tuple[int, Any]:
    status, _, body = _get(base, path, token)
    return status, body


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


def _revalidation(base: str, target: Target) -> None:
    """Make `target` a conditional GET with the ETag its path answers with now, and
    check that it gets a 304."""
    if target.path is None:
        return
    status, headers, _ = _get(base, target.path)
    etag = headers.get("ETag")
    if status != 200 or not etag:
        target.note = f"not available: {target.path} answers {status} without an ETag"
        target.path = None
        return
    target.headers["If-None-Match"] = etag
    if (status := _get(base, target.path, **target.headers)[0]) != 304:
        target.note = f"not available: a revalidation of {target.path} answers {status}"
        target.path = None
        return
    path = target.path

    def recheck() -> str:
        if _get(base, path, **target.headers)[0] == 304:
            return ""
        return "the content version changed during the run: part of it measured 200s"

    target.recheck = recheck


def _compressed(base: str, target: Target) -> None:
    if target.path is None:
        return
    status, headers, body = _get(base, target.path, **target.headers)
    if status != 200:
        return
    encoding = headers.get("Content-Encoding", "")
    size = f"{len(body) / 1000:,.0f} kB" if isinstance(body, bytes) else "?"
    target.probe_note = f"{encoding}, {size}" if encoding else f"not compressed ({size})"


def targets(
    base: str, bare: str, token: str, names: set[str] | None, *, every: bool = False
) -> list[Target]:
    def wanted(name: str) -> bool:
        if names is not None:
            return name in names
        return every or name not in OPTIONAL_ROWS

    def answers(path: str, member: bool = False) -> int:
        return _get_json(base, path, token if member else None)[0]

    def exists(path: str, member: bool = False) -> bool:
        return answers(path, member) == 200

    status, guides = _get_json(base, "/api/v1/guides/?page_size=1")
    slug = guides["results"][0]["slug"] if status == 200 and guides.get("results") else None
    detail = f"/api/v1/guides/{slug}/" if slug else None
    deep_page = (
        deep_entries_page(base, token)
        if wanted("journal_list_deep") and exists("/api/v1/journal/entries/", True)
        else None
    )
    deep_token = (
        deep_change_token(base, token)
        if wanted("journal_changes_deep") and exists("/api/v1/journal/changes/", True)
        else None
    )
    chosen = [t for t in rows(detail, deep_page, deep_token) if t.name == "bare" or wanted(t.name)]
    for target in chosen:
        server = bare if target.bare else base
        if target.path is None:
            target.note = target.note or "not available: its route or its data is missing"
        elif not target.bare and (status := answers(target.path, target.member)) != 200:
            target.note = f"not available: {target.path} answers {status}"
            target.path = None
        elif target.name.endswith("_304"):
            _revalidation(server, target)
        elif target.name == "events_ics":
            _compressed(server, target)
    return chosen


def rows(detail: str | None, deep_page: str | None, deep_token: str | None) -> list[Target]:
    """Every row, in the table's order; a path of None is a row without its data."""
    gzip_asked = {"Accept-Encoding": "gzip"}
    return [
        Target("bare", "bare Django (`bench/bare/`): the ceiling", "/bench/ceiling", bare=True),
        Target("ceiling", "`/bench/ceiling`: the same view through the project's stack",
               "/bench/ceiling"),
        Target("healthz", "`/healthz`", "/healthz"),
        Target("guides_list", "`/api/v1/guides/` anonymous, cached", "/api/v1/guides/"),
        Target("guide_detail", "`/api/v1/guides/{slug}/` anonymous, cached", detail),
        Target("guides_list_304", "`/api/v1/guides/` 304 revalidation", "/api/v1/guides/"),
        Target("guide_detail_304", "`/api/v1/guides/{slug}/` 304 revalidation", detail),
        Target("guides_list_member", "`/api/v1/guides/` with a member's token, cached",
               "/api/v1/guides/", member=True),
        Target("guide_detail_member", "`/api/v1/guides/{slug}/` with a member's token, cached",
               detail, member=True),
        Target("guides_list_render", "`/api/v1/guides/` page of 20, rendered", "/api/v1/guides/",
               uncached=True),
        Target("guide_detail_render", "`/api/v1/guides/{slug}/` rendered", detail, uncached=True),
        Target("search", "`/api/v1/search/?q=joy` cached", "/api/v1/search/?q=joy"),
        Target("search_render", "`/api/v1/search/?q=joy` rendered", "/api/v1/search/?q=joy",
               uncached=True),
        Target("strategies_q_render", "`/api/v1/strategies/?q=joy` rendered",
               "/api/v1/strategies/?q=joy", uncached=True),
        Target("events_upcoming", "`/api/v1/events/upcoming/` cached", "/api/v1/events/upcoming/"),
        Target("events_upcoming_render", "`/api/v1/events/upcoming/` rendered",
               "/api/v1/events/upcoming/", uncached=True),
        Target("events_ics_rebuild", "`/api/v1/events/calendar.ics` (5,000 events) rebuilt "
               "after an edit", ICS_PATH, headers=dict(gzip_asked)),
        Target("events_ics", "`/api/v1/events/calendar.ics` served again, gzip asked", ICS_PATH,
               headers=dict(gzip_asked)),
        Target("me", "`/api/v1/me/` (token)", "/api/v1/me/", member=True),
        Target("me_home", "`/api/v1/me/home/` (token)", "/api/v1/me/home/", member=True),
        Target("journal_list", "`/api/v1/journal/entries/` first page", "/api/v1/journal/entries/",
               member=True),
        Target("journal_list_deep", f"`/api/v1/journal/entries/` {DEEP_ROWS:,} rows deep",
               deep_page, member=True),
        Target("journal_changes", "`/api/v1/journal/changes/?limit=100` from 0",
               "/api/v1/journal/changes/?limit=100", member=True),
        Target("journal_changes_deep", f"`/api/v1/journal/changes/?limit=100` after {DEEP_ROWS:,}",
               f"/api/v1/journal/changes/?{urlencode({'since': deep_token, 'limit': 100})}"
               if deep_token else None, member=True),
        Target("insights_30d", "`/api/v1/journal/insights/` 30 days (10,000 entries)",
               "/api/v1/journal/insights/", member=True),
        Target("insights_all", "`/api/v1/journal/insights/?period=all` (10,000 entries)",
               "/api/v1/journal/insights/?period=all", member=True),
    ]  # fmt: skip


# --- measuring ------------------------------------------------------------------------


# The gunicorn arbiter's pid behind each base URL (run_targets), for `server_cpu`.
ARBITERS: dict[str, int] = {}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_cpu(base: str) -> float:
    """CPU seconds the gunicorn behind `base` has used so far (its workers' and its
    own, from /proc): what a request costs whatever else runs on the machine."""
    pid = ARBITERS.get(base)
    if pid is None:
        return 0.0
    pids = [pid]
    with suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    ticks = 0
    for each in pids:
        with suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / CLOCK_TICKS


def wrk(base: str, target: Target, token: str, args: argparse.Namespace, seconds: int) -> dict:
    cpu_before = server_cpu(base)
    summary = _wrk(base, target, token, args, seconds)
    summary["cpu_s"] = server_cpu(base) - cpu_before
    return summary


def _wrk(base: str, target: Target, token: str, args: argparse.Namespace, seconds: int) -> dict:
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
    for name, value in _headers(target, token).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"{base}{target.path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no summary:\n{output}")


def _headers(target: Target, token: str) -> dict[str, str]:
    headers = dict(target.headers)
    if target.member:
        headers["Authorization"] = f"Token {token}"
    return headers


def drain(bases: list[str], workers: int, timeout: float = 120) -> None:
    """Wait until every worker is idle again. wrk hangs up when its time is out, but a
    worker finishes the request it holds first, so a slow endpoint would eat into the
    next endpoint's measurement."""
    deadline = time.monotonic() + timeout
    for base in bases:
        url = f"{base}/bench/ceiling"
        while time.monotonic() < deadline:
            with ThreadPoolExecutor(workers) as pool:
                durations = list(pool.map(lambda _, url=url: _timed_fetch(url), range(workers)))
            if max(durations) < 0.1:
                break
        else:
            raise RuntimeError("gunicorn stayed busy after the last run")


def _timed_fetch(url: str, headers: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    fetch(url, headers=headers, timeout=120)
    return time.perf_counter() - started


def measure(
    bases: dict[str, str],
    target: Target,
    token: str,
    args: argparse.Namespace,
    paired: Target | None = None,
) -> Result:
    """wrk on `target` after a warm-up; with `paired` (the bare ceiling), in slices
    alternating with short runs of it, so the row's ratio is to the ceiling of the same
    moments."""
    base = bases["bare" if target.bare else "app"]
    if target.name == "events_ics_rebuild":
        return measure_rebuild(bases, base, target, args)
    drain(list(bases.values()), args.workers)
    headers = _headers(target, token)
    for _ in range(3):  # fill whatever cache the endpoint keeps, one request at a time
        _timed_fetch(f"{base}{target.path}", headers)
    wrk(base, target, token, args, args.warmup)
    # In slices, each after a slice of the bare ceiling: the load of the machine moves
    # within seconds, and so weighs on both sides of the ratio alike.
    slices = args.slices if paired is not None else 1
    runs, bare_runs = [], []
    for _ in range(slices):
        if paired is not None:
            drain(list(bases.values()), args.workers)
            bare_runs.append(wrk(bases["bare"], paired, token, args, args.bare_slice))
        drain(list(bases.values()), args.workers)
        runs.append(wrk(base, target, token, args, max(1, args.duration // slices)))
    result = _combined(target, runs)
    if bare_runs:
        bare = _combined(paired, bare_runs)
        result.extra["bare_rps"] = bare.rps
        result.extra["bare_cpu_us"] = bare.cpu_us
    if target.recheck is not None and (note := target.recheck()):
        result.extra["note"] = note
    if target.probe_note:
        result.extra["note"] = target.probe_note
        result.extra["compressed"] = not target.probe_note.startswith("not compressed")
    return result


def _combined(target: Target, runs: list[dict]) -> Result:
    """One result of several wrk runs: their throughput, and latency percentiles
    averaged over the runs by their number of requests."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["duration_us"] for run in runs) / 1e6

    def percentile(name: str) -> float:
        weighted = sum(run[name] * run["requests"] for run in runs)
        return weighted / max(1, requests) / 1000

    cpu = sum(run.get("cpu_s", 0.0) for run in runs)
    return Result(
        target=target,
        rps=requests / seconds,
        cpu_us=cpu / max(1, requests) * 1e6,
        p50_ms=percentile("p50_us"),
        p95_ms=percentile("p95_us"),
        p99_ms=percentile("p99_us"),
        requests=requests,
        errors=sum(run["non_2xx_3xx"] + run["socket_errors"] for run in runs),
    )


def measure_rebuild(
    bases: dict[str, str], base: str, target: Target, args: argparse.Namespace
) -> Result:
    """Edit one event of the feed (a saved title, as in the admin), wait out the
    per-process cache's bound, fetch the feed once; REBUILD_ROUNDS times. The title must
    be in the answer: a stale feed would not count."""
    from django.utils import timezone

    from events import selectors

    drain(list(bases.values()), args.workers)
    event = selectors.feed_event_list(timezone.now()).order_by("starts_at", "pk").first()
    if event is None:
        target.note = "not available: no event in the feed"
        return Result(target=target)
    title = event.title
    samples: list[float] = []
    stale = 0
    try:
        for round_ in range(REBUILD_ROUNDS):
            event.title = f"{title} (bench edit {round_})"
            event.save()
            time.sleep(STALENESS_BOUND + 0.1)
            started = time.perf_counter()
            url = f"{base}{target.path}"
            status, headers, body = fetch(url, headers=target.headers, timeout=60)
            samples.append((time.perf_counter() - started) * 1000)
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if status != 200 or f"(bench edit {round_})".encode() not in body:
                stale += 1
    finally:
        event.title = title
        event.save()
    ordered = sorted(samples)
    result = Result(
        target=target,
        p50_ms=statistics.median(ordered),
        p95_ms=ordered[-1],
        p99_ms=ordered[-1],
        requests=len(ordered),
        errors=stale,
    )
    result.extra["rounds"] = [round(s, 1) for s in samples]
    if stale:
        result.extra["note"] = f"{stale} of {len(ordered)} answers did not show the edit"
    return result


def run_targets(
    args: argparse.Namespace, env: dict[str, str], names: set[str] | None, log: Path
) -> tuple[list[Result], list[Target]]:
    results: list[Result] = []
    skipped: list[Target] = []
    with ExitStack() as stack:
        app = stack.enter_context(
            Gunicorn(port=free_port(PORTS), env=env, workers=args.workers, log_path=log)
        )
        bare = stack.enter_context(
            Gunicorn(
                port=free_port(PORTS),
                env=bare_env(),
                workers=args.workers,
                log_path=log.with_name(log.stem + "-bare.log"),
                app="bench.bare.wsgi:application",
            )
        )
        bases = {"app": app.url, "bare": bare.url}
        ARBITERS.update({app.url: app.process.pid, bare.url: bare.process.pid})
        token = login(app.url)
        chosen = targets(app.url, bare.url, token, names, every=args.all)
        ceiling_target = next(t for t in chosen if t.name == "bare")
        for target in chosen:
            if target.path is None:
                skipped.append(target)
                print(f"  {target.name:<24} skipped: {target.note}", flush=True)
                continue
            paired = None if target.bare else ceiling_target
            result = measure(bases, target, token, args, paired)
            results.append(result)
            _print(result)
    return results, skipped


def _print(result: Result) -> None:
    print(
        f"  {result.target.name:<24} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms"
        f"  p95 {result.p95_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
        f"  n {result.requests:6d}  errors {result.errors}"
        + (f"  ({result.extra['note']})" if "note" in result.extra else ""),
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


def ratio(result: Result, ceiling: float) -> float | None:
    """The row's share of the bare ceiling measured between its slices (else of the
    first row's reading)."""
    if result.target.name == "bare":
        return 1.0
    bare = result.extra.get("bare_rps") or ceiling
    return result.rps / bare if bare else None


def _met(result: Result, share: float | None) -> str:
    goal = result.target.goal
    if goal is None:
        return ""
    if goal.ms is not None:
        return "met" if result.errors == 0 and result.p50_ms <= goal.ms else "**not met**"
    if share is None or result.extra.get("compressed") is False:
        return "**not met**"
    return "met" if share >= goal.ratio else "**not met**"


def _rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(results: list[Result], skipped: list[Target]) -> str:
    ceiling = next((r.rps for r in results if r.target.name == "bare"), 0.0)
    lines = [
        (
            "| path | req/s | p50 ms | p99 ms | bare req/s | vs bare | goal | met | CPU µs/req "
            "| CPU vs bare | errors | note |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        goal = r.target.goal
        share = ratio(r, ceiling)
        cpu, cpu_share = "", ""
        if goal is not None and goal.ms is not None:
            rps, bare, shown = "", "", ""
            p99 = f"{r.p99_ms:.1f} (max of {r.requests})"
        else:
            rps = _rps(r.rps)
            bare = _rps(r.extra.get("bare_rps") or ceiling)
            shown = f"{share:.3f}" if share is not None else "n/a"
            p99 = f"{r.p99_ms:.1f}"
            if r.cpu_us:
                cpu = f"{r.cpu_us:,.0f}"
                bare_cpu = r.extra.get("bare_cpu_us") or (r.cpu_us if r.target.bare else 0)
                cpu_share = f"{bare_cpu / r.cpu_us:.3f}" if bare_cpu else ""
        lines.append(
            f"| {r.target.label} | {rps} | {r.p50_ms:.1f} | {p99} | {bare} | {shown} | "
            f"{goal.text() if goal else ''} | {_met(r, share)} | {cpu} | {cpu_share} | "
            f"{r.errors} | {r.extra.get('note', '')} |"
        )
    for t in skipped:
        goal = t.goal
        met = "**not met**" if goal else ""
        lines.append(
            f"| {t.label} | skipped | | | | | {goal.text() if goal else ''} | {met} | | | | "
            f"{t.note} |"
        )
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
    *,
    results: list[Result],
    skipped: list[Target],
    pooled: list[Result],
    command: str,
    load: tuple[tuple[float, ...], tuple[float, ...]],
    seconds: float,
) -> str:
    sizes = data_sizes(args.database_url)
    size_text = ", ".join(f"{v:,} {k}" for k, v in sizes.items() if k != "PostgreSQL")
    cache = "Redis" if port_answers(6379) else "the database cache table"
    server = (
        f"`gunicorn.conf.py` ({args.workers} gthread workers of 1 thread), DEBUG off, for "
        f"the project and for the bare project alike; wrk with {args.threads} threads and "
        f"{args.connections} connections, {args.duration} s per row after {args.warmup} s "
        "of warm-up, on the same machine"
    )
    data = f"{size_text} (the measured member has {args.entries_per_member:,} of the entries)"
    before, after = (", ".join(f"{x:.1f}" for x in averages) for averages in load)
    parts = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}` in {seconds:.0f} s.",
        "",
        f"- Machine: {machine()}; PostgreSQL {sizes['PostgreSQL']} on 127.0.0.1; cache: {cache}.",
        f"- Load average (1, 5, 15 min) at the start: {before}; at the end: {after}.",
        f"- Data: {data}.",
        f"- Servers: {server}.",
        "",
        table(results, skipped),
    ]
    note = (
        f"Each row ran in {args.slices} slices, each right after {args.bare_slice} s of the "
        "bare ceiling; `bare req/s` is the ceiling over those slices, and the row's ratio "
        "is to it, so the load of the moment (other work on the machine) weighs on both "
        "sides alike. The first row is the ceiling on its own. `CPU µs/req` is the CPU "
        "the serving gunicorn's processes used per request (from /proc; PostgreSQL's and "
        "Redis' own CPU not counted), and `CPU vs bare` the bare ceiling's over the row's: "
        "the share of the ceiling the row would reach on a machine of its own, where the "
        "workers' CPU is what limits it."
    )
    parts += ["", note]
    if pooled:
        parts += ["", POOL_INTRO, "", pool_table(results, pooled)]
    return "\n".join(parts)


def update_readme(report: str) -> None:
    text = README.read_text()
    start, end = text.index(RESULTS_START), text.index(RESULTS_END)
    README.write_text(text[: start + len(RESULTS_START)] + "\n" + report + "\n" + text[end:])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for target in rows(None, None, None):
            optional = " (optional: --all)" if target.name in OPTIONAL_ROWS else ""
            print(target.name + optional)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    load_before = os.getloadavg()
    cache = cache_env()
    # This process edits an event for the rebuild row: same database, same cache keys.
    os.environ.update(cache)
    seed_argv = [
        "--database-url", args.database_url, "--guides", str(args.guides),
        "--events", str(args.events), "--members", str(args.members),
        "--entries-per-member", str(args.entries_per_member),
        "--commitments-per-member", str(args.commitments_per_member),
        "--seed", str(args.seed), *(["--fresh"] if args.fresh else []),
    ]  # fmt: skip
    seeding.seed(seeding.parse_args(seed_argv))
    seeding.setup_django(args.database_url)
    # A database seeded before the last migrations landed gets them (a new table, a
    # backfill) before it is measured; nothing to do is quick.
    from django.core.management import call_command

    started_migrate = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrate: {time.monotonic() - started_migrate:.1f}s", flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    env = server_env(args, cache)
    # As the image does at build time; otherwise whitenoise warns on every worker start.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    names = set(args.only) if args.only else None

    results, skipped = run_targets(args, env, names, RESULTS_DIR / f"{stamp}-gunicorn.log")
    pooled: list[Result] = []
    if args.pool:
        print("psycopg pool (DATABASE_POOL=true):", flush=True)
        pooled, _ = run_targets(
            args,
            server_env(args, cache, DATABASE_POOL="true"),
            {"healthz", "me"},
            RESULTS_DIR / f"{stamp}-gunicorn-pool.log",
        )
        pooled = [r for r in pooled if r.target.name in {"healthz", "me"}]

    command = "make bench" if not argv else "python -m bench.run " + " ".join(argv)
    seconds = time.monotonic() - started
    report = render_report(
        args,
        results=results,
        skipped=skipped,
        pooled=pooled,
        command=command,
        load=(load_before, os.getloadavg()),
        seconds=seconds,
    )
    (RESULTS_DIR / f"{stamp}.md").write_text(report + "\n")
    (RESULTS_DIR / f"{stamp}.json").write_text(
        json.dumps(
            [
                {"name": r.target.name, "rps": r.rps, "cpu_us": r.cpu_us, "p50_ms": r.p50_ms,
                 "p95_ms": r.p95_ms, "p99_ms": r.p99_ms, "errors": r.errors,
                 "pool": r in pooled, **r.extra}
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
