"""Two instances (issue 17): two gunicorn instances, one worker each on ports of their
own, on one PostgreSQL and one Redis, with a job worker beside each, as two hosts behind
a load balancer would run. Nothing that matters may live in one process:

- an edit made through one instance is served by the other within a second (the shared
  content version in Redis, which each process looks at at most once a second before
  answering from its own memory); downstream caches may keep the old copy for at most
  the public `max-age` (60 s), the bounds the README documents;
- throttle counts are shared: the rate holds across both, not per instance;
- a token revoked through one is refused by both;
- two job workers send a newsletter edition to every subscriber exactly once;
- an image uploaded through one is linked and served by the other from the shared
  media folder (`MEDIA_ROOT` on a volume both mount; the service serves `/media/`
  itself when no object storage is set).

The Redis is one the test starts itself (as in test_redis_outage.py), flushed between
tests, so no count or cached page crosses from one test to the next.
"""

from __future__ import annotations

import contextlib
import email
import http.cookiejar
import io
import json
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from procrastinate.exceptions import AlreadyEnqueued

from harness.database import database_url
from harness.redis import RedisServer
from harness.server import BASE_DIR, PYTHON, Gunicorn, fetch, free_port, manage, production_env
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

GUNICORN_PORTS = range(8300, 8320)
REDIS_PORTS = range(8320, 8330)
LOGIN_RATE = 6
PUBLIC_MAX_AGE = 60  # core.http_cache.PUBLIC_MAX_AGE, the documented staleness bound


class Pair:
    """Two instances on one database, Redis and media folder."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        first = free_port(GUNICORN_PORTS)
        self.a = Gunicorn(port=first, env=env, workers=1, log_path=log_dir / "a.log")
        self.a.start()
        second = free_port(range(first + 1, GUNICORN_PORTS.stop))
        self.b = Gunicorn(port=second, env=env, workers=1, log_path=log_dir / "b.log")
        try:
            self.b.start()
        except Exception:
            self.a.stop()
            raise

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer(free_port(REDIS_PORTS))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared(django_db_setup, redis_server, tmp_path_factory):
    """The environment both hosts share, and the two instances serving it."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("two-instances")
    media = root / "media"
    media.mkdir()
    env = production_env(
        database=database_url(settings.DATABASES["default"]["NAME"]),
        REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        MEDIA_ROOT=str(media),
        THROTTLE_LOGIN=f"{LOGIN_RATE}/min",
        # The admin's session and CSRF cookies over plain http on 127.0.0.1.
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="false",
        NEWSLETTER_BATCH_SIZE="3",
        NEWSLETTER_SEND_LANES="4",
    )
    # The admin's pages need the collected static files of the production storage.
    manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
    pair = Pair(env, root)
    yield env, pair, media, root
    pair.stop()


@pytest.fixture
def pair(shared, redis_server):
    import redis

    redis.Redis(port=redis_server.port).flushdb()
    return shared[1]


def _call(server, method, path, *, token=None, body=None, headers=None):
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Token {token}"
    status, received, payload = fetch(
        f"{server.url}{path}",
        method=method,
        headers=sent,
        body=json.dumps(body).encode() if body is not None else None,
        timeout=15,
    )
    return status, received, json.loads(payload) if payload else None


def _member(email_address: str, **fields):
    """A member the production servers can sign in (the tests' MD5 hasher is not one of
    production's)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    user = UserFactory(email=email_address, **fields)
    user.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())
    user.save(update_fields=["password"])
    return user


def _login(server, email_address):
    status, _, payload = _call(
        server,
        "POST",
        "/api/v1/auth/login/",
        body={"email": email_address, "password": PASSWORD},
    )
    assert status == 200, payload
    return payload["token"]


class AdminSession:
    """An editor signed in to the admin of one instance, with its cookies and CSRF."""

    def __init__(self, server, user) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        status, page = self.get("/admin/login/")
        assert status == 200, page[:2000]
        status, page = self.post(
            "/admin/login/?next=/admin/",
            {"username": user.email, "password": PASSWORD, "next": "/admin/"},
        )
        assert status == 200, page[:2000]
        assert "Log out" in page, re.findall(r"errornote.*?</p>", page, re.S)

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(f"{self.server.url}{path}"))  # noqa: S310

    def post(self, path: str, fields: dict[str, str], files=None) -> tuple[int, str]:
        fields = {"csrfmiddlewaretoken": self._csrf(), **fields}
        if not files:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = _multipart(fields, files)
        request = urllib.request.Request(  # noqa: S310 - a loopback URL we build
            f"{self.server.url}{path}",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Referer": f"{self.server.url}{path}"},
        )
        return self._open(request)


def _multipart(fields, files) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content, mime) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(transactional_db):
    return _member("editor@example.com", is_staff=True, is_superuser=True)


def test_an_edit_through_one_is_served_by_the_other_within_a_second(shared, pair, editor):
    """An editor renames a person and uploads their photo in the admin of A; B serves
    the new name once its process has looked at the content version again (at most a
    second later: `PUBLIC_FAST_CACHE_SECONDS`), and the photo that A wrote to the shared
    media folder.

    The only test here that writes through the admin: the admin keeps content type ids
    in memory, and the test database is emptied (its content types made again, under
    new ids) after each test, which a real database never does under a running server."""
    from django.conf import settings

    from tests.strategies.factories import PersonFactory

    media = shared[2]
    person = PersonFactory(name="Ada Before", slug="ada")
    path = "/api/v1/people/ada/"
    status, headers, before = _call(pair.b, "GET", path)
    assert (status, before["name"], before["photo"]) == (200, "Ada Before", None)
    # Served from the shared cache the second time; the public bound for other caches.
    assert _call(pair.b, "GET", path)[2]["name"] == "Ada Before"
    assert headers["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"

    image = _png()
    admin = AdminSession(pair.a, editor)
    status, page = admin.post(
        f"/admin/strategies/person/{person.pk}/change/",
        {
            "name": "Ada After",
            "slug": "ada",
            "bio": "Writes.",
            "photo_alt": "Ada, smiling.",
            "_save": "Save",
        },
        files={"photo": ("portrait.png", image, "image/png")},
    )
    assert status == 200, page[:2000]
    assert "errorlist" not in page, re.findall(r"errorlist.*?</ul>", page, re.S)

    # Past the bound B never gives the old answer (nor a 304 for the old copy).
    time.sleep(settings.PUBLIC_FAST_CACHE_SECONDS)
    status, after_headers, after = _call(pair.b, "GET", path)
    assert (status, after["name"]) == (200, "Ada After")
    assert after_headers["ETag"] != headers["ETag"]
    # A client (or CDN) revalidating its old copy with B gets the new one, not a 304.
    status, _, revalidated = _call(pair.b, "GET", path, headers={"If-None-Match": headers["ETag"]})
    assert (status, revalidated["name"]) == (200, "Ada After")

    # The photo: B links what A wrote to the shared folder, and serves it.
    link = urlsplit(after["photo"]["url"])
    assert link.path.startswith("/media/people/"), after["photo"]
    assert (media / link.path.removeprefix("/media/")).read_bytes() == image
    status, _, body = fetch(f"{pair.b.url}{link.path}")
    assert (status, body) == (200, image)
    # ...and the rendition A made (320 pixels wide; the photo is 400).
    assert [r["width"] for r in after["photo"]["renditions"]] == [320]
    for rendition in after["photo"]["renditions"]:
        assert fetch(f"{pair.b.url}{urlsplit(rendition['url']).path}")[0] == 200


def test_a_members_edit_through_one_is_read_through_the_other(pair, transactional_db):
    _member("both@example.com")
    token = _login(pair.a, "both@example.com")
    status, _, payload = _call(
        pair.a, "PATCH", "/api/v1/me/", token=token, body={"display_name": "Renamed"}
    )
    assert status == 200, payload
    status, headers, payload = _call(pair.b, "GET", "/api/v1/me/", token=token)
    assert (status, payload["display_name"]) == (200, "Renamed")
    assert headers["Cache-Control"] == "private, no-store"


def test_throttle_counts_are_shared(pair, transactional_db):
    wrong = {"email": "nobody@example.com", "password": "not the password"}
    statuses = [
        _call(server, "POST", "/api/v1/auth/login/", body=wrong)[0]
        for server in [pair.a, pair.b] * (LOGIN_RATE // 2)
    ]
    assert statuses == [400] * LOGIN_RATE, statuses
    # Each instance has seen only half the rate: only a shared count refuses these.
    assert _call(pair.a, "POST", "/api/v1/auth/login/", body=wrong)[0] == 429
    assert _call(pair.b, "POST", "/api/v1/auth/login/", body=wrong)[0] == 429


def test_a_token_revoked_through_one_is_refused_by_both(pair, transactional_db):
    _member("leaving@example.com")
    token = _login(pair.a, "leaving@example.com")
    other = _login(pair.b, "leaving@example.com")
    for server in (pair.a, pair.b):
        assert _call(server, "GET", "/api/v1/me/", token=token)[0] == 200
    assert _call(pair.b, "POST", "/api/v1/auth/logout/", token=token)[0] == 204

    for server in (pair.a, pair.b):
        status, _, payload = _call(server, "GET", "/api/v1/me/", token=token)
        assert status == 401, payload
        # The member's other device is still signed in, on both.
        assert _call(server, "GET", "/api/v1/me/", token=other)[0] == 200


@pytest.mark.parametrize(
    ("revoke", "path", "body"),
    [
        ("logout", "/api/v1/auth/logout/", None),
        ("logout-all", "/api/v1/auth/logout-all/", None),
        ("deletion", "/api/v1/me/delete/", {"password": PASSWORD}),
    ],
)
def test_a_cached_token_revoked_through_one_is_refused_by_the_other(
    pair, transactional_db, revoke, path, body
):
    """Each instance keeps a checked token in memory for a few seconds
    (accounts/token_cache.py): a revocation through the other ends it at once."""
    _member(f"cached-{revoke}@example.com")
    token = _login(pair.a, f"cached-{revoke}@example.com")
    for _ in range(3):  # seen, loaded, then served from memory
        assert _call(pair.a, "GET", "/api/v1/me/", token=token)[0] == 200

    assert _call(pair.b, "POST", path, token=token, body=body)[0] == 204

    status, _, payload = _call(pair.a, "GET", "/api/v1/me/", token=token)
    assert status == 401, payload


def test_a_password_changed_through_one_ends_the_cached_tokens_of_the_other(pair, transactional_db):
    _member("moving@example.com")
    kept = _login(pair.b, "moving@example.com")
    cached = _login(pair.a, "moving@example.com")
    for _ in range(3):
        assert _call(pair.a, "GET", "/api/v1/me/", token=cached)[0] == 200
    change = {"password": PASSWORD, "new_password": "an entirely new passphrase"}

    assert _call(pair.b, "POST", "/api/v1/me/password/", token=kept, body=change)[0] == 200

    assert _call(pair.a, "GET", "/api/v1/me/", token=cached)[0] == 401
    assert _call(pair.a, "GET", "/api/v1/me/", token=kept)[0] == 200


class Worker:
    """`manage.py procrastinate worker` in a process of its own: one host's worker."""

    def __init__(self, env: dict[str, str], outbox: Path, log: Path) -> None:
        outbox.mkdir()
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "procrastinate", "worker", "--name", outbox.name],
            cwd=BASE_DIR,
            env={**env, "EMAIL_URL": f"filemail:///{outbox}"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _workers_alive() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def _recipients(outbox: Path) -> Counter:
    """Who each message in a file-backend folder went to (one file per connection,
    messages separated by a line of dashes)."""
    got: Counter = Counter()
    for path in outbox.iterdir():
        for chunk in re.split(r"\n-{79}\n", path.read_text()):
            if chunk.strip():
                got[email.message_from_string(chunk.strip())["To"]] += 1
    return got


def test_two_hosts_workers_send_each_subscriber_an_edition_once(shared, queue):
    from newsletter import tasks
    from newsletter.models import Delivery, DeliveryStatus
    from tests.newsletter.factories import SubscriberFactory, due_edition
    from tests.strategies.factories import ExerciseFactory

    env, _, _, root = shared
    readers = SubscriberFactory.create_batch(30)
    edition = due_edition(subject="Soul Gym, twice hosted", exercises=[ExerciseFactory()])
    workers = [
        Worker(env, root / f"outbox-{host}-{secrets.token_hex(3)}", root / f"worker-{host}.log")
        for host in ("a", "b")
    ]
    try:
        deadline = time.monotonic() + 60
        while _workers_alive() < 2:
            assert time.monotonic() < deadline, "the two workers did not start"
            time.sleep(0.2)
        # The workers' own scheduler defers this job every minute: when its copy is
        # already waiting, that one sends the edition.
        with contextlib.suppress(AlreadyEnqueued):
            tasks.send_due_editions.defer(timestamp=0)
        deadline = time.monotonic() + 120
        while Delivery.objects.filter(edition=edition, status=DeliveryStatus.SENT).count() < 30:
            assert time.monotonic() < deadline, Counter(
                Delivery.objects.filter(edition=edition).values_list("status", flat=True)
            )
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.stop()

    outboxes = [p for p in root.iterdir() if p.name.startswith("outbox-")]
    sent = sum((_recipients(outbox) for outbox in outboxes), Counter())
    assert sent == Counter({reader.email: 1 for reader in readers}), sent
