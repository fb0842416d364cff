"""The container's HEALTHCHECK (see Dockerfile): GET /healthz on this container's
gunicorn, exit 0 when it answers 200.

Django answers 400 to a Host header outside DJANGO_ALLOWED_HOSTS, and in production
that list names the public host (`api.example.org`), not 127.0.0.1; so the request names
the first allowed host, as a client through the proxy would.

    python -m config.healthcheck
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_header(allowed_hosts: str) -> str:
    """A Host value that Django's ALLOWED_HOSTS check accepts."""
    for host in (h.strip() for h in allowed_hosts.split(",")):
        if not host:
            continue
        if host == "*":
            return "localhost"
        # ".example.org" allows example.org and every subdomain of it.
        return host.removeprefix(".")
    return "localhost"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host_header(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)  # noqa: T201
        return 1


if __name__ == "__main__":
    sys.exit(main())
