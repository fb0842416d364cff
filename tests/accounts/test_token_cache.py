"""A checked token is kept in process memory for a few seconds (accounts/token_cache.py)
and revoked at once: every way a token ends refuses it on its next request, even when
that request would have been answered from the cache; expiry holds to the second; with
the shared cache down, nothing is accepted from memory."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import token_cache
from accounts.services import issue_token
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    token_cache.clear()
    yield
    token_cache.clear()


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _warm(client: APIClient) -> None:
    """Two requests: the first only learns the member's id, the second loads the entry."""
    for _ in range(2):
        assert client.get(ME).status_code == 200


def _queries(client: APIClient, path: str = ME) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return status, len(captured)


def test_a_token_used_again_is_checked_without_a_query(member):
    _, token = issue_token(user=member)
    client = _client(token)

    assert _queries(client) == (200, 1)  # first sighting: knox's lookup (token and member)
    assert _queries(client) == (200, 1)  # loaded under the member's generation
    assert _queries(client) == (200, 0)  # from memory, after one check in the shared cache


def test_no_raw_token_is_kept_in_memory(member):
    _, token = issue_token(user=member)
    _warm(_client(token))

    assert token not in repr(token_cache._entries)
    assert all(token not in digest for digest in token_cache._entries)


def _logout(client, member, token):
    assert client.post("/api/v1/auth/logout/").status_code == 204


def _logout_all(client, member, token):
    assert client.post("/api/v1/auth/logout-all/").status_code == 204


def _password_change_elsewhere(client, member, token):
    # Another device changes the password: this token is revoked, that one kept.
    _, other = issue_token(user=member)
    body = {"password": PASSWORD, "new_password": "an entirely new passphrase"}
    assert _client(other).post("/api/v1/me/password/", body, format="json").status_code == 200


def _account_deleted(client, member, token):
    response = client.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204


def _device_signed_out(client, member, token):
    _, other = issue_token(user=member)
    device = AuthToken.objects.get(token_key=token[:15]).device
    assert _client(other).delete(f"/api/v1/me/devices/{device.pk}/").status_code == 204


def _deactivated(client, member, token):
    member.is_active = False
    member.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    "revoke",
    [
        _logout,
        _logout_all,
        _password_change_elsewhere,
        _account_deleted,
        _device_signed_out,
        _deactivated,
    ],
)
def test_a_cached_token_is_refused_at_once_after_revocation(member, revoke):
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)

    revoke(client, member, token)

    response = client.get(ME)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_revocation_by_another_process_is_seen_at_once(member):
    """Another process deletes the row (its own signals, not ours) and the member's
    generation in the shared cache: this process's entry is void on the next request."""
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)
    with connection.cursor() as cursor:  # no signal in this process
        cursor.execute("DELETE FROM accounts_device")
        cursor.execute("DELETE FROM knox_authtoken WHERE user_id = %s", [member.pk])
    assert client.get(ME).status_code == 200, "nothing told this process yet"

    token_cache.cache.delete(token_cache.GENERATION_KEY.format(user_id=member.pk))

    assert client.get(ME).status_code == 401


def test_a_profile_edit_is_seen_on_the_next_request(member):
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)

    response = client.patch(ME, {"display_name": "Renamed"}, format="json")
    assert response.status_code == 200

    assert client.get(ME).json()["display_name"] == "Renamed"


def test_a_view_changing_request_user_does_not_change_the_cache(member):
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)
    (user, _), _ = token_cache.lookup(next(iter(token_cache._entries)))
    user.display_name = "Changed in memory only"

    assert client.get(ME).json()["display_name"] == member.display_name


def test_expiry_holds_to_the_second_from_the_cache(member, monkeypatch):
    instance, token = issue_token(user=member)
    client = _client(token)
    monkeypatch.setattr(token_cache, "clock", lambda: 0.0)  # entries stay fresh
    monkeypatch.setattr(token_cache, "GENERATION_TIMEOUT", None)  # and so do generations
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=5)

    with time_machine.travel(start, tick=False):
        _warm(client)  # renewed (knox's AUTO_REFRESH) to a full lifetime from now
    expiry = AuthToken.objects.get(pk=instance.pk).expiry
    assert expiry == start + settings.REST_KNOX["TOKEN_TTL"]

    with time_machine.travel(expiry, tick=False):
        assert _queries(client) == (200, 0), "at its expiry the token still works"
    with time_machine.travel(expiry + timedelta(microseconds=1), tick=False):
        assert client.get(ME).status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists(), "refused and deleted"


def test_an_entry_is_checked_in_the_database_again_after_its_lifetime(member, monkeypatch):
    _, token = issue_token(user=member)
    client = _client(token)
    now = [100.0]
    monkeypatch.setattr(token_cache, "clock", lambda: now[0])
    _warm(client)
    assert _queries(client) == (200, 0)

    now[0] += token_cache.LIFETIME

    assert _queries(client) == (200, 1)


def test_expired_tokens_are_swept_by_the_periodic_job(member):
    from accounts.tasks import remove_expired_tokens

    live, _ = issue_token(user=member)
    expired, _ = issue_token(user=member)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    assert remove_expired_tokens(timestamp=0) >= 1

    assert list(AuthToken.objects.filter(user=member)) == [live]


# --- the shared cache down --------------------------------------------------------------


@pytest.fixture
def redis_cache(monkeypatch):
    """The token cache on a Redis of its own, behind a proxy the test can cut."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    from core.cache import ResilientRedisCache
    from harness.redis import RedisServer
    from harness.server import free_port
    from tests.ops.proxy import SwitchableProxy

    with RedisServer(free_port(range(8170, 8180))) as server:
        proxy_port = free_port(range(8180, 8190))
        with SwitchableProxy(("127.0.0.1", server.port), proxy_port) as proxy:
            cache = ResilientRedisCache(
                f"redis://127.0.0.1:{proxy_port}/0",
                {"KEY_PREFIX": "token-cache-test", "OPTIONS": {"SOCKET_TIMEOUT": 0.5}},
            )
            monkeypatch.setattr(token_cache, "cache", cache)
            yield proxy


def test_with_redis_down_every_request_is_checked_in_the_database(member, redis_cache):
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)
    assert _queries(client) == (200, 0)

    redis_cache.cut()

    assert _queries(client) == (200, 1), "no acceptance from memory alone"
    with connection.cursor() as cursor:  # revoked by another process meanwhile
        cursor.execute("DELETE FROM accounts_device")
        cursor.execute("DELETE FROM knox_authtoken WHERE user_id = %s", [member.pk])
    assert client.get(ME).status_code == 401


def test_a_revocation_in_an_outage_reaches_redis_when_it_answers(member, redis_cache):
    """The process that revoked during the outage deletes the generation once Redis
    answers, so another process's entry, loaded before the outage, is void then."""
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)
    other_process = dict(token_cache._entries)
    redis_cache.cut()
    _logout_all(client, member, token)  # the generation is deleted in memory only
    redis_cache.restore()
    deadline = time.monotonic() + 10
    while not token_cache.cache.ping():  # Redis again: what changed is deleted there
        assert time.monotonic() < deadline, "Redis did not come back"
        token_cache.cache._next_attempt = 0
        time.sleep(0.1)

    token_cache._entries.update(other_process)

    assert token_cache.lookup(next(iter(other_process)))[0] is None
    assert client.get(ME).status_code == 401


def test_the_check_and_the_members_count_are_one_round_trip(member, redis_cache, monkeypatch):
    """On Redis, a cached token's check also counts the member's request for the
    view's `UserRateThrottle` (core.throttling.read_and_count): counted once, not twice,
    and the rate and `Retry-After` hold as before."""
    from rest_framework.throttling import SimpleRateThrottle

    from core.throttling import CountingRateThrottle, read_and_count

    read_and_count("unrelated", "unrelated-count", 60, cache=token_cache.cache)  # script loaded
    monkeypatch.setattr(CountingRateThrottle, "cache", token_cache.cache)
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "4/min")
    _, token = issue_token(user=member)
    client = _client(token)
    _warm(client)  # two requests counted
    sent = []
    client_class = type(token_cache.cache.client.get_client(write=True))
    execute = client_class.execute_command
    monkeypatch.setattr(
        client_class,
        "execute_command",
        lambda self, *args, **kwargs: sent.append(args[0]) or execute(self, *args, **kwargs),
    )

    statuses = [client.get(ME).status_code for _ in range(3)]

    assert statuses == [200, 200, 429], "4 a minute: the fifth request is refused"
    assert sent == ["EVALSHA"] * 3, "one script per request: the check and the count"
    refused = client.get(ME)
    assert 0 < int(refused["Retry-After"]) <= 60
