"""The image's HEALTHCHECK against gunicorn configured as the README deploys it
(`DJANGO_ALLOWED_HOSTS=api.example.org`): healthy, although 127.0.0.1 is not an allowed
host name."""

from __future__ import annotations

import pytest

from config.healthcheck import host_header
from harness.server import UNUSED_DATABASE, Gunicorn, fetch, free_port, production_env, run_python


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(database=UNUSED_DATABASE, DJANGO_ALLOWED_HOSTS="api.example.org")
    port = free_port(range(8245, 8255))
    with Gunicorn(port=port, env=env, log_path=log, host_header="api.example.org") as gunicorn:
        yield gunicorn


def test_the_health_check_passes_with_the_readme_allowed_hosts(server):
    env = production_env(database=UNUSED_DATABASE, DJANGO_ALLOWED_HOSTS="api.example.org")
    env["PORT"] = str(server.port)

    result = run_python("-m", "config.healthcheck", env=env, timeout=10)

    assert result.returncode == 0, result.stderr


def test_the_old_check_was_refused(server):
    # What the HEALTHCHECK used to send: urlopen's own Host, 127.0.0.1, not an allowed name.
    status, _, _ = fetch(f"{server.url}/healthz")
    assert status == 400


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("api.example.org", "api.example.org"),
        (" api.example.org , www.example.org", "api.example.org"),
        (".example.org", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_host_header_is_one_django_accepts(allowed, host):
    assert host_header(allowed) == host
