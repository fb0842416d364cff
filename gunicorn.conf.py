"""gunicorn settings; every value can be overridden from the environment."""

from __future__ import annotations

import os

from gunicorn.glogging import Logger

from core.logs import JsonFormatter, loggable_path, loggable_query

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, so that a slow client (a body trickling in over a bad network) holds one
# thread, not a whole worker: with sync workers two such clients stalled the service
# until gunicorn's timeout. gthread also keeps idle keep-alive connections out of the
# threads. Throughput against sync: README.md, "Slow clients".
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage, but rarely: each
# restart stalls the requests queued on that worker for a boot (~2 s on 2 cores). At
# 2000, p99 went from 40 ms to 2.4 s; at 100000 a saturated worker restarts every ~8
# minutes and p99 is not moved (README.md, "Worker recycling"; `python -m bench.recycling`).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn answers a request line over this with its own HTML 414; at gunicorn's maximum,
# Django's JSON 414 (MAX_QUERY_STRING_LENGTH) comes first for any sensible length.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for `gunicornc`) defaults to one path per user,
# ~/.gunicorn/gunicorn.ctl, so a second instance on the machine takes it from the first.
# Off unless a path of this instance's own is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
LOG_JSON = os.environ.get("LOG_FORMAT", "text") == "json"


class AccessLogger(Logger):
    """One line per request: method, path, status, duration. With LOG_FORMAT=json every
    line gunicorn writes (its own and the access log) is a JSON object with a `time`.
    Paths and query strings go through `core.logs`, which drops what is secret."""

    def _set_handler(self, log, output, fmt, stream=None) -> None:
        if LOG_JSON:
            fmt = JsonFormatter()
        super()._set_handler(log, output, fmt, stream)

    def access(self, resp, req, environ, request_time) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        duration_ms = round(request_time.total_seconds() * 1000, 2)
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        path = loggable_path(req.path)
        if LOG_JSON:
            fields = {
                "type": "access",
                "method": req.method,
                "path": path,
                "query": loggable_query(req.path, req.query),
                "status": int(status),
                "duration_ms": duration_ms,
                "remote": environ.get("REMOTE_ADDR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
            }
            self.access_log.info(f"{req.method} {path} {status}", extra=fields)
        else:
            self.access_log.info(f"{req.method} {path} {status} {duration_ms}ms")


logger_class = AccessLogger


def on_starting(server) -> None:
    """Without DATABASE_URL, start the embedded PostgreSQL before any worker connects."""
    from config import embedded_db

    if embedded_db.wanted():
        embedded_db.start()


def worker_exit(server, worker) -> None:
    """A worker stopped during a database outage still logs the failures it counted."""
    from core.logs import DATABASE_OUTAGE

    DATABASE_OUTAGE.flush()
