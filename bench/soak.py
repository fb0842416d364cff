"""`make soak`: mixed traffic against gunicorn in the production configuration for a
bounded time (default 10 minutes), then the figures that say whether it held.

    make soak                                  # 600 s
    SOAK_SECONDS=60 make soak                  # shorter
    .venv/bin/python -m bench.soak --seconds 120 --clients 8

It creates a database of its own (`bt_soak`, dropped afterwards) on the server the
project uses (`DATABASE_URL`, or the embedded PostgreSQL), migrates it and loads the
sample content, starts a `redis-server` of its own when one is installed (else the
cache is the database, as without `REDIS_URL`), and serves with gunicorn in the
production configuration: 2 gthread workers with 4 threads, worker recycling on, as
shipped. Only the throttles are raised: the traffic comes from one address.

`--clients` threads (default 8), each with one keep-alive connection, loop over a mix:
public reads (guides, strategies, events, search, a guide's page, conditional GETs),
a member's reads (profile, home, journal list), writes (a journal entry created, then
edited with `If-Match`) and sync (the change feed from the last token each client
saw). Each member's writes are their client's own, so no 409 or 412 is expected.

At the end it reports every unexpected status or failed connection (an error), the
latency percentiles (p50, p99, p99.9) per kind and overall, journal rows in the
database against the 201s the clients received, and each gunicorn worker's RSS at the
start (after a warm-up) and at the end. Exit status 0 only when there was no error and
every 201 is a row.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from harness.database import create_database, database_url, drop_database, prepare_database
from harness.redis import RedisServer
from harness.redis import available as redis_available
from harness.server import LOOPBACK, Gunicorn, free_port, production_env

PORTS = range(8340, 8350)
REDIS_PORTS = range(8350, 8360)
# The share of each kind of request in the mix (the rest of a loop's choice).
MIX = {"public": 55, "member": 20, "write": 15, "sync": 10}
THROTTLES = {
    f"THROTTLE_{scope}": "100000000/min"
    for scope in ("ANON", "USER", "LOGIN", "REGISTER", "VERIFICATION_MAIL")
}
PUBLIC_PATHS = [
    "/api/v1/guides/",
    "/api/v1/strategies/",
    "/api/v1/exercises/",
    "/api/v1/events/",
    "/api/v1/events/upcoming/",
    "/api/v1/tags/",
    "/api/v1/search/?q=breathe",
    "/api/v1/search/?q=anxious&type=guide",
    "/api/v1/guides/?page_size=5&ordering=-published_at",
    "/api/v1/help/",
]


@dataclass
class Tally:
    """What the clients saw, merged under a lock."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    created: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int, ok: bool, label: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1
            if not ok:
                self.errors[f"{label} -> {status}"] += 1


class Client:
    """One member's keep-alive connection and their state (token, entries, sync token)."""

    def __init__(self, port: int, token: str, tally: Tally, seed: int) -> None:
        self.port = port
        self.token = token
        self.tally = tally
        self.random = random.Random(seed)
        self.connection = self._connect()
        self.entries: list[tuple[str, str]] = []  # (id, etag)
        self.since = "0"
        self.etags: dict[str, str] = {}

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        body: object = None,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        expected: tuple[int, ...] = (200,),
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Accept": "application/json", **(headers or {})}
        if auth:
            sent["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        label = f"{method} {path.split('?', maxsplit=1)[0]}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=sent)
            response = self.connection.getresponse()
            data = response.read()
            status, received = response.status, dict(response.getheaders())
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = self._connect()
        except (OSError, http.client.HTTPException) as error:
            self.tally.add(kind, time.perf_counter() - started, 0, False, f"{label} {error!r}")
            self.connection.close()
            self.connection = self._connect()
            return 0, {}, b""
        self.tally.add(kind, time.perf_counter() - started, status, status in expected, label)
        return status, received, data

    # --- the mix ----------------------------------------------------------------------
    def public(self) -> None:
        path = self.random.choice(PUBLIC_PATHS)
        etag = self.etags.get(path) if self.random.random() < 0.3 else None
        headers = {"If-None-Match": etag} if etag else {}
        status, received, _ = self.request(
            "public", "GET", path, auth=False, headers=headers, expected=(200, 304)
        )
        if status == 200 and "ETag" in received:
            self.etags[path] = received["ETag"]

    def member(self) -> None:
        path = self.random.choice(
            ["/api/v1/me/", "/api/v1/me/home/", "/api/v1/journal/entries/?page_size=10"]
        )
        self.request("member", "GET", path)

    def write(self) -> None:
        if self.entries and self.random.random() < 0.4:
            index = self.random.randrange(len(self.entries))
            entry_id, etag = self.entries[index]
            status, received, _ = self.request(
                "write",
                "PATCH",
                f"/api/v1/journal/entries/{entry_id}/",
                body={"mood_after": self.random.randint(0, 10)},
                headers={"If-Match": etag},
            )
            if status == 200:
                self.entries[index] = (entry_id, received.get("ETag", etag))
            return
        body = {
            "body": f"Soak entry {secrets.token_hex(6)}: what helped today.",
            "mood_before": self.random.randint(0, 10),
        }
        status, received, data = self.request(
            "write", "POST", "/api/v1/journal/entries/", body=body, expected=(201,)
        )
        if status == 201:
            with self.tally.lock:
                self.tally.created += 1
            self.entries.append((json.loads(data)["id"], received.get("ETag", "")))
            del self.entries[:-50]

    def sync(self) -> None:
        status, _, data = self.request(
            "sync", "GET", f"/api/v1/journal/changes/?since={self.since}"
        )
        if status == 200:
            self.since = json.loads(data)["next_token"]

    def run(self, until: float) -> None:
        kinds, weights = zip(*MIX.items(), strict=True)
        while time.monotonic() < until:
            getattr(self, self.random.choices(kinds, weights)[0])()
        self.connection.close()


def _members(port: int, count: int) -> list[str]:
    tokens = []
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    for number in range(count):
        credentials = {
            "email": f"soak-{number}-{secrets.token_hex(3)}@example.com",
            "password": secrets.token_urlsafe(16),
        }
        for path, expected in (("register", 202), ("login", 200)):
            connection.request(
                "POST",
                f"/api/v1/auth/{path}/",
                body=json.dumps(credentials),
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            data = response.read()
            if response.status != expected:
                raise RuntimeError(f"{path} failed: {response.status} {data[:300]!r}")
        tokens.append(json.loads(data)["token"])
    connection.close()
    return tokens


def worker_rss(arbiter_pid: int) -> dict[int, int]:
    """RSS in KiB of each child of gunicorn's arbiter (its workers)."""
    result = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(arbiter_pid) and "VmRSS" in fields:
            result[int(status.parent.name)] = int(fields["VmRSS"].split()[0])
    return result


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def _journal_rows(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM journaling_journalentry").fetchone()[0]


def report(args, tally: Tally, seconds: float, rows: int, *, rss_start, rss_end) -> list[str]:
    cache = "Redis" if args.redis else "database"
    lines = [
        f"Soak: {seconds:.0f} s, {args.clients} clients, 2 gthread workers x 4, cache: {cache}",
        "",
        "| kind | requests | p50 ms | p99 ms | p99.9 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    everything: list[float] = []
    for kind in [*MIX, "all"]:
        values = sorted(everything) if kind == "all" else sorted(tally.latencies[kind])
        everything.extend(tally.latencies.get(kind, []))
        ms = [1000 * percentile(values, share) for share in (0.5, 0.99, 0.999, 1.0)]
        lines.append(f"| {kind} | {len(values):,} | " + " | ".join(f"{v:.1f}" for v in ms) + " |")
    total = sum(tally.statuses.values())
    lines += [
        "",
        f"Requests: {total:,} ({total / seconds:.0f}/s); statuses: "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(tally.statuses.items())),
        f"Errors: {sum(tally.errors.values())}"
        + "".join(f"\n  {count} x {label}" for label, count in tally.errors.most_common(20)),
        f"Journal rows written: {rows:,}; 201s received: {tally.created:,}",
        "Worker RSS (MiB), start -> end: "
        + (
            ", ".join(
                f"{rss_start.get(pid, 0) / 1024:.0f} -> {rss_end[pid] / 1024:.0f}"
                for pid in sorted(rss_end)
            )
            or "none"
        )
        + (
            f" (workers replaced: {len(set(rss_start) - set(rss_end))})"
            if set(rss_start) != set(rss_end)
            else ""
        ),
    ]
    return lines


def _run_all(clients: list[Client], until: float) -> None:
    threads = [threading.Thread(target=client.run, args=(until,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _start_redis() -> RedisServer:
    redis = RedisServer.on_free_port(REDIS_PORTS)
    redis.start()
    return redis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "600")))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)
    args.redis = redis_available()

    url = database_url(os.environ.get("SOAK_DATABASE", "bt_soak"))
    create_database(url, fresh=True)
    log_dir = Path(tempfile.mkdtemp(prefix="soak-"))
    redis = _start_redis() if args.redis else None
    overrides = {**THROTTLES, "LOG_LEVEL": "WARNING"}
    if redis:
        overrides["REDIS_URL"] = redis.url
    env = production_env(database=url, **overrides)
    env.pop("GUNICORN_MAX_REQUESTS", None)  # recycling as shipped
    try:
        prepare_database(env)
        server = Gunicorn(port=free_port(PORTS), env=env, workers=2, threads=4)
        server.env.pop("GUNICORN_MAX_REQUESTS")
        server.log_path = log_dir / "gunicorn.log"
        with server:
            tokens = _members(server.port, args.clients)
            tally = Tally()
            clients = [
                Client(server.port, token, tally, seed)
                for seed, token in enumerate(tokens, start=1)
            ]
            _run_all(clients, time.monotonic() + args.warmup)
            rss_start = worker_rss(server.process.pid)
            rows_before = _journal_rows(url)
            created_in_warmup, tally = tally.created, Tally()
            for client in clients:
                client.tally = tally
                client.connection = client._connect()
            print(
                f"== soak: {args.clients} clients for {args.seconds} s on {server.url}", flush=True
            )
            started = time.monotonic()
            _run_all(clients, started + args.seconds)
            elapsed = time.monotonic() - started
            rss_end = worker_rss(server.process.pid)
            rows = _journal_rows(url) - rows_before
        tracebacks = server.log_tail(1_000_000).count("Traceback")
    finally:
        if redis:
            redis.stop()
        if not os.environ.get("SOAK_KEEP_DATABASE"):
            drop_database(url)
    lines = report(args, tally, elapsed, rows, rss_start=rss_start, rss_end=rss_end)
    lines.append(f"Warm-up: {args.warmup} s, {created_in_warmup} entries (not counted above)")
    lines.append(f"Tracebacks in gunicorn's log: {tracebacks} ({server.log_path})")
    print("\n".join(lines))
    ok = not tally.errors and rows == tally.created and not tracebacks
    print("== soak: " + ("clean" if ok else "NOT clean"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
