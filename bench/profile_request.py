"""Where one request's time goes, in process: SQL queries, cache round trips and a
cProfile of many identical requests through Django's WSGI handler (no gunicorn, no
network client), against the seeded benchmark database.

    python -m bench.profile_request /api/v1/guides/ --token
    python -m bench.profile_request /api/v1/journal/entries/ --token -n 500 --top 40

The environment is the benchmark server's (production settings, Redis as the cache
with a key prefix of its own when 6379 answers, throttles out of the way). `--token`
sends the first bench member's token (a new device, removed at the end).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

from bench import seed as seeding
from harness.server import port_answers, production_env


def _environ(path: str, token: str | None) -> dict:
    parts = urlsplit(path)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    return environ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--token", action="store_true", help="As the bench member.")
    parser.add_argument("-n", type=int, default=1000, help="Profiled requests.")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--database-url", default=seeding.parse_args([]).database_url)
    args = parser.parse_args(argv)

    overrides = {
        "BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
    }
    if port_answers(6379):
        overrides["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        overrides["CACHE_KEY_PREFIX"] = f"profile-{secrets.token_hex(4)}"
    os.environ.update(production_env(database=args.database_url, **overrides))

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from accounts.models import User
    from accounts.services import issue_token

    handler = WSGIHandler()
    instance = token = None
    if args.token:
        user = User.objects.get(email=seeding.MEMBER_EMAIL.format(n=0))
        instance, token = issue_token(user=user, device="bench.profile_request")

    def request() -> int:
        status = []
        body = handler(_environ(args.path, token), lambda s, h, *a: status.append(s))
        for _ in body:
            pass
        body.close()
        return int(status[0].split()[0])

    try:
        _report(request, args)
    finally:
        if instance is not None:
            instance.delete()
    return 0


def _report(request, args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        request()  # warm every cache the endpoint keeps
    calls = Counter()
    _count_cache_calls(calls)
    with CaptureQueriesContext(connection) as queries:
        status = request()
    print(f"{args.path}: {status}; {len(queries)} queries, cache commands {dict(calls)}")
    for query in queries.captured_queries:
        print(f"  {query['time']}s  {query['sql'][:160]}")

    # CPU time is what a busy machine leaves least disturbed: waits for the database
    # and Redis are not in it, and neither is time the process was not scheduled.
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        request()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{args.n} requests: {cpu / args.n * 1e6:.0f} us CPU and {wall / args.n * 1e6:.0f} us "
        f"wall per request (one process, no profiler; load {os.getloadavg()[0]:.1f})"
    )
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        request()
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def _count_cache_calls(calls: Counter) -> None:
    """Count the Redis commands each request sends (execute_command is one round trip,
    a pipeline's execute one more)."""
    try:
        from redis.client import Pipeline, Redis
    except ImportError:
        return
    send = Redis.execute_command
    flush = Pipeline.execute

    def counted(self, *args, **kwargs):
        calls[str(args[0])] += 1
        return send(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        calls["pipeline"] += 1
        return flush(self, *args, **kwargs)

    Redis.execute_command = counted
    Pipeline.execute = counted_pipeline


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
