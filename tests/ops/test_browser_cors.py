"""A real browser on another origin uses the API: headless Chromium opens a page served
from one port, and the page's script calls gunicorn on another (list guides, log in,
read `me` with the token, show a guide's cover and its renditions), as a front end on
its own dev server would.

The page reports what it saw back to its own server (same origin, no CORS involved),
so the test reads the browser's verdict, not a guess from the server's logs. A
disallowed origin proves the other half: the browser itself refuses to hand the
answer to the page. Skipped when no Chromium is installed (`.ci/run` installs it).
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from harness.server import LOOPBACK, Gunicorn, free_port, post_json, production_env
from tests.accounts.factories import PASSWORD
from tests.images import upload
from tests.strategies.factories import GuideFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPORT_SECONDS = 60
EMAIL = "browser@example.com"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>front end</title></head><body>
<script>
const API = %(api)s;
const EMAIL = %(email)s;
const PASSWORD = %(password)s;
function loadImage(url) {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({width: image.naturalWidth, height: image.naturalHeight});
    image.onerror = () => resolve({failed: url});
    image.src = url;
  });
}
async function run() {
  const seen = {};
  try {
    const guides = await fetch(API + "/api/v1/guides/");
    const list = await guides.json();
    seen.guides = {status: guides.status, count: list.count,
                   first: list.results.length ? list.results[0].title : null,
                   etag: guides.headers.get("ETag")};
    const cover = list.results[0].cover_image;
    seen.cover = await Promise.all(
      [cover.url, ...cover.renditions.map((r) => r.url)].map(loadImage));
    const login = await fetch(API + "/api/v1/auth/login/", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({email: EMAIL, password: PASSWORD}),
    });
    const token = (await login.json()).token;
    seen.login = {status: login.status, token: Boolean(token)};
    const me = await fetch(API + "/api/v1/me/", {headers: {"Authorization": "Token " + token}});
    seen.me = {status: me.status, email: (await me.json()).email};
  } catch (error) {
    seen.error = String(error);
  }
  await fetch("/report", {method: "POST", body: JSON.stringify(seen)});
}
run();
</script></body></html>
"""


def _database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        return f"postgres://{credentials}@/{db['NAME']}?host={host}"
    return f"postgres://{credentials}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def front_end(page: str):
    """The page on a port of its own; yields (origin, queue of the page's reports)."""
    reports: queue.Queue[dict] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            reports.put(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}", reports
    finally:
        server.shutdown()
        server.server_close()


def browse(url: str, profile: Path, reports: queue.Queue[dict]) -> dict:
    """Open `url` in a fresh headless Chromium and return the page's report."""
    browser = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return reports.get(timeout=REPORT_SECONDS)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()


@pytest.fixture
def guide(transactional_db, settings, tmp_path):
    # Its cover is stored where the server started below serves media from.
    settings.MEDIA_ROOT = tmp_path / "media"
    return GuideFactory(title="Getting unstuck", cover_image=upload("cover.jpg"))


def register(api: str) -> None:
    # Through the server, so the password is hashed with production's hashers (the
    # tests' fast one is not among them).
    body = {"email": EMAIL, "password": PASSWORD, "display_name": "Browser"}
    status, _, payload = post_json(f"{api}/api/v1/auth/register/", body)
    assert status == 202, payload


def _run(tmp_path: Path, *, allowed: bool) -> dict:
    if CHROMIUM is None:
        pytest.skip("No Chromium installed (apt-get install chromium); .ci/run installs it.")
    with front_end_and_api(tmp_path, allowed=allowed) as (page_url, reports):
        return browse(page_url, tmp_path / "profile", reports)


@contextmanager
def front_end_and_api(tmp_path: Path, *, allowed: bool):
    # A range per test: under xdist the two may start at once.
    api_port = free_port(range(8150, 8155) if allowed else range(8155, 8160))
    api = f"http://{LOOPBACK}:{api_port}"
    page = PAGE % {
        "api": json.dumps(api),
        "email": json.dumps(EMAIL),
        "password": json.dumps(PASSWORD),
    }
    with front_end(page) as (origin, reports):
        env = production_env(
            database=_database_url(),
            CORS_ALLOWED_ORIGINS=origin if allowed else "",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        with Gunicorn(port=api_port, env=env, log_path=tmp_path / "gunicorn.log"):
            register(api)
            yield f"{origin}/", reports


def test_a_page_on_another_origin_lists_guides_logs_in_and_reads_me(tmp_path, guide):
    seen = _run(tmp_path, allowed=True)

    print("browser page reported:", json.dumps(seen))  # noqa: T201 - read with -s
    assert "error" not in seen, seen
    assert seen["guides"]["status"] == 200
    assert seen["guides"]["first"] == "Getting unstuck"
    # Exposed, so a front end can revalidate with If-None-Match.
    assert seen["guides"]["etag"]
    # The cover and its renditions load in the page, at the sizes the API gave.
    assert seen["cover"] == [
        {"width": 1600, "height": 900},
        {"width": 320, "height": 180},
        {"width": 640, "height": 360},
        {"width": 1280, "height": 720},
    ]
    assert seen["login"] == {"status": 200, "token": True}
    assert seen["me"] == {"status": 200, "email": EMAIL}


def test_a_page_on_an_origin_not_allowed_is_refused_by_the_browser(tmp_path, guide):
    seen = _run(tmp_path, allowed=False)

    assert seen.keys() == {"error"}
    assert "Failed to fetch" in seen["error"]
