"""Security headers on every kind of response, and cookies a script cannot read.

JSON answers load nothing, so their policy is `default-src 'none'`; the docs pages get
the policy in `core.views.DOCS_CSP`, which still allows no inline script and no host
but ours. HSTS is sent on secure requests with production's values.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from core.views import DOCS_CSP
from tests.accounts.factories import PASSWORD, UserFactory
from tests.security.routes import operations

pytestmark = pytest.mark.django_db

ONE_YEAR = 31_536_000
PUBLIC_GETS = [
    op.path
    for op in operations()
    if op.method == "GET" and op.anonymous_allowed and not op.path_parameters
]
JSON_PATHS = [
    "/healthz",
    "/readyz",
    "/api/schema/",
    "/api/v1/me/",  # 401
    "/api/v1/no-such-thing/",  # 404
    "/api/v1/?" + "q" * 5000,  # 414
    *PUBLIC_GETS,
]
DOCS_PATHS = ["/api/docs/", "/api/redoc/"]


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name] = values
    return policy


def _assert_common_headers(response) -> dict[str, list[str]]:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = parse_csp(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


@pytest.mark.parametrize("path", JSON_PATHS, ids=lambda p: p[:40])
def test_json_responses_carry_the_strict_headers(api_client, path):
    response = api_client.get(path)

    assert response.status_code < 500
    _assert_common_headers(response)
    assert "Strict-Transport-Security" not in response, "no HSTS over plain HTTP"


@pytest.mark.parametrize("path", DOCS_PATHS)
def test_docs_pages_get_the_docs_policy_and_no_more(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _assert_common_headers(response)
    assert policy == DOCS_CSP
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    for values in policy.values():
        assert not [v for v in values if v.startswith(("http:", "https:", "*"))], policy


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and not found.get("src"):
            self.inline_scripts += 1
        for name in ("src", "href", "spec-url"):
            if found.get(name):
                self.assets.append(found[name])


@pytest.mark.parametrize("path", DOCS_PATHS)
def test_docs_pages_load_only_local_assets(client, path):
    collector = _AssetCollector()
    collector.feed(client.get(path).content.decode())

    assert collector.inline_scripts == 0, "the policy would block an inline script"
    assert collector.assets
    for asset in collector.assets:
        assert asset.startswith("/"), f"{asset} is not served by us"
        assert not asset.startswith("//")
        local = asset.split("?", 1)[0]
        if local.startswith("/static/"):
            assert finders.find(local.removeprefix("/static/")), f"{asset} is missing"
        else:
            assert client.get(asset).status_code == 200, asset


def test_the_swagger_start_up_script_names_no_other_host(client):
    html = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)

    response = client.get(script_url)

    assert response.status_code == 200
    assert not re.findall(r"https?://", response.content.decode())


def test_hsts_on_secure_requests_in_production(api_client, settings):
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = api_client.get("/api/v1/", secure=True)

    assert response["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    )


def test_behind_the_proxy_https_is_recognised(api_client, settings):
    settings.SECURE_HSTS_SECONDS = ONE_YEAR

    response = api_client.get("/api/v1/", HTTP_X_FORWARDED_PROTO="https")

    assert "Strict-Transport-Security" in response


def test_cookies_are_secure_and_out_of_scripts_reach(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    UserFactory(email="editor@example.com", is_staff=True)
    client = Client()

    client.get("/admin/login/", secure=True)
    response = client.post(
        "/admin/login/",
        {"username": "editor@example.com", "password": PASSWORD, "next": "/admin/"},
        secure=True,
    )

    assert response.status_code == 302, "the editor signed in"
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
