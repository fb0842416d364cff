"""Time the journal endpoints for one member, on a database filled by `generate_journal`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bt_journal_bench \\
    DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 THROTTLE_USER=1000000/min \\
        manage.py bench_journal --email bench-member@example.com --repeat 200

Without `--url`, requests go through Django's whole stack in this process (middleware,
token authentication, views, serialisation; no network). With `--url
http://127.0.0.1:8120` they go over HTTP to a running server (gunicorn), one at a time.
Each endpoint is called `--warmup` times unmeasured, then `--repeat` times; the report
gives p50, p95 and the mean in milliseconds. "Deep" pages start 5,000 entries (or
5,000 changes) into the member's journal: the cursor and the token for them are found
by walking the feed first. Insights are also timed as a bare function call, which is
the time PostgreSQL and the serialiser take without HTTP.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.test import Client

from accounts.services import issue_token
from journaling.insights import member_insights
from journaling.selectors import member_today

API = "/api/v1/journal"


class Command(BaseCommand):
    help = "Time the journal endpoints (p50/p95) for one member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="bench-member@example.com")
        parser.add_argument("--repeat", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=10)
        parser.add_argument("--depth", type=int, default=5000)
        parser.add_argument("--url", default="", help="Base URL of a running server.")

    def handle(self, *args: Any, **options: Any) -> None:
        member = get_user_model().objects.get(email=options["email"])
        _, token = issue_token(user=member)
        get = self._http_get(options["url"], token) if options["url"] else self._client_get(token)
        depth = options["depth"]
        repeat, warmup = options["repeat"], options["warmup"]

        deep_cursor = {size: self._cursor_at(get, depth, size) for size in (20, 100)}
        deep_token = self._token_at(get, depth)
        cases: list[tuple[str, str]] = [
            ("entries, first page (20)", f"{API}/entries/"),
            ("entries, first page (100)", f"{API}/entries/?page_size=100"),
            (f"entries, {depth:,} deep (20)", deep_cursor[20]),
            (f"entries, {depth:,} deep (100)", deep_cursor[100]),
            ("entries, ?q=garden (20)", f"{API}/entries/?q=garden"),
            ("entries, ?tag=sleep (20)", f"{API}/entries/?tag=sleep"),
            ("changes, from the start (limit 100)", f"{API}/changes/?limit=100"),
            ("changes, from the start (limit 500)", f"{API}/changes/?limit=500"),
            (
                f"changes, {depth:,} deep (limit 100)",
                f"{API}/changes/?since={deep_token}&limit=100",
            ),
            (
                f"changes, {depth:,} deep (limit 500)",
                f"{API}/changes/?since={deep_token}&limit=500",
            ),
            ("changes, nothing new", f"{API}/changes/?since=999999999999"),
            ("insights 30d", f"{API}/insights/?period=30d"),
            ("insights 365d", f"{API}/insights/?period=365d"),
            ("insights all", f"{API}/insights/?period=all"),
        ]
        self.stdout.write(f"{'what':<40} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}  n")
        for label, url in cases:
            self._report(label, lambda url=url: get(url), repeat, warmup)

        for period in ("30d", "365d", "all"):
            self._report(
                f"insights {period}, SQL only (no HTTP)",
                lambda period=period: member_insights(
                    owner=member, period=period, today=member_today(member)
                ),
                repeat,
                warmup,
            )
        self._report("export json, whole journal", lambda: get(f"{API}/export/"), 5, 1)
        self._report("export csv, whole journal", lambda: get(f"{API}/export/?format=csv"), 5, 1)

    def _report(self, label: str, call: Callable[[], Any], repeat: int, warmup: int) -> None:
        for _ in range(warmup):
            call()
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        self.stdout.write(
            f"{label:<40} {p50:8.1f} {p95:8.1f} {statistics.fmean(timings):8.1f}  {repeat}"
        )

    def _client_get(self, token: str) -> Callable[[str], bytes]:
        client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")

        def get(url: str) -> bytes:
            # Production settings redirect plain HTTP to HTTPS.
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code} {response.content[:200]!r}")
            if response.streaming:
                return b"".join(response.streaming_content)
            return response.content

        return get

    def _http_get(self, base: str, token: str) -> Callable[[str], bytes]:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https"):
            raise ValueError("--url must be an http(s) URL.")

        def get(url: str) -> bytes:
            # The scheme was checked above: http or https only.
            request = urllib.request.Request(  # noqa: S310
                base.rstrip("/") + url,
                # As from the TLS-terminating proxy that production settings expect.
                headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.read()

        return get

    def _cursor_at(self, get: Callable[[str], bytes], depth: int, page_size: int) -> str:
        """The path of the entries page that starts `depth` entries in."""
        path = f"{API}/entries/?page_size=100"
        for _ in range(depth // 100):
            link = urlsplit(orjson.loads(get(path))["next"])
            path = f"{link.path}?{link.query}"
        return path.replace("page_size=100", f"page_size={page_size}")

    def _token_at(self, get: Callable[[str], bytes], depth: int) -> str:
        token = "0"  # noqa: S105 (a change token, not a secret)
        for _ in range(depth // 1000):
            token = orjson.loads(get(f"{API}/changes/?since={token}&limit=1000"))["next_token"]
        return token
