"""Checked tokens kept in process memory for a few seconds, revoked at once everywhere.

knox looks a token up in PostgreSQL on every request (the token and its member). Here
each process keeps what it found, by the token's digest (never the token itself), for
`LIFETIME` seconds, and accepts it again only after one cheap check in the shared
cache: the member's *generation*, a random value under `auth-generation:<member id>`
that every revocation deletes. An entry is good only while the generation it was
loaded under is still the one in Redis; an absent generation matches nothing.
For a view throttled per member, the same Redis script also counts the request for
`UserRateThrottle` (`core.throttling.read_and_count`), so a cached token and its rate
cost one round trip together.

What deletes a member's generation (signals, `register()`): any token of theirs
deleted (logout, logout-all, a password change, a device signed out, the oldest device
pushed out, account deletion, the admin) or saved other than knox's own renewal, and
any save or deletion of the account itself (deactivation, a new password, a profile
edit: `request.user` is never older than the row). It is deleted when the change
happens and again once its transaction commits, so a process that loaded the row
before the commit cannot keep it.

Loading follows one order: the generation is read (or created) first, then the row;
a revocation committed after that read deletes the generation and voids the entry, one
committed before it is already in the row. A token seen for the first time is checked
in the database as before and only remembered (its member's id); it is cached from its
second request on.

Expiry stays exact: an entry past its token's `expiry` is not used, and the database
path then refuses and deletes the token (knox's own rule, `expiry < now`). Renewal
(knox's `AUTO_REFRESH`, written at most once a minute) happens on the loads, every
`LIFETIME` seconds per process at most.

Fail safe: while Redis does not answer (or with a cache that is not shared), no entry
is used and every request is checked in the database, as without this module. One
case is bounded rather than closed: a revocation made *during* a Redis outage cannot
delete the generation, and the process that made it deletes it only when it talks to
Redis again (`core.cache`). A process that did not notice the outage may accept that
token for at most `LIFETIME` seconds after it was loaded.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import signals
from django.utils import timezone

from core.cache import SharedCacheUnavailable
from core.throttling import read_and_count

LIFETIME = 5.0
MAX_ENTRIES = 10_000
GENERATION_KEY = "auth-generation:{user_id}"
GENERATION_TIMEOUT = 24 * 60 * 60

clock = time.monotonic  # tests move it
Counter = Callable[[int], tuple[str, int]]


@dataclass(frozen=True)
class Entry:
    user_id: int
    user: Any = None  # None: only the member's id is known (first sighting)
    token: Any = None
    generation: bytes | str | None = None
    expiry: datetime | None = None
    loaded_at: float = 0.0


_entries: dict[str, Entry] = {}
_lock = threading.Lock()


def _key(user_id: int) -> str:
    return GENERATION_KEY.format(user_id=user_id)


def _shared_get(key: str) -> Any:
    """The generation in the shared cache (None: absent); `SharedCacheUnavailable`
    when that cache cannot be asked."""
    if hasattr(cache, "on_redis"):
        return cache.on_redis(lambda client: client.get(cache.make_key(key)))
    return cache.get(key)


def _shared_get_or_create(key: str) -> Any:
    if hasattr(cache, "on_redis"):

        def work(client: Any) -> Any:
            raw = cache.make_key(key)
            pipe = client.pipeline(transaction=False)
            pipe.set(raw, secrets.token_hex(8), nx=True, ex=GENERATION_TIMEOUT)
            pipe.get(raw)
            return pipe.execute()[1]

        return cache.on_redis(work)
    cache.add(key, secrets.token_hex(8), timeout=GENERATION_TIMEOUT)
    return cache.get(key)


def lookup(digest: str, counter: Counter | None = None) -> tuple[tuple[Any, Any] | None, dict]:
    """(user, token) for a digest checked less than `LIFETIME` seconds ago and not
    revoked since, else None; each caller gets its own copies of the rows. With a
    `counter` (the member's id -> a throttle's key and window), the member's request is
    counted in the same round trip: the counts made, {key: (count, seconds left)}."""
    entry = _entries.get(digest)
    if entry is None or entry.generation is None:
        return None, {}
    if clock() - entry.loaded_at >= LIFETIME:
        return None, {}
    if entry.expiry is not None and entry.expiry < timezone.now():
        return None, {}
    counted: dict = {}
    try:
        if counter is not None and hasattr(cache, "on_redis"):
            counter_key, window = counter(entry.user_id)
            current, count, left = read_and_count(
                _key(entry.user_id), counter_key, window, cache=cache
            )
            counted[counter_key] = (count, left)
        else:
            current = _shared_get(_key(entry.user_id))
    except SharedCacheUnavailable:
        return None, counted
    if current is None or current != entry.generation:
        return None, counted
    user = copy.copy(entry.user)
    token = copy.copy(entry.token)
    token._state.fields_cache["user"] = user
    return (user, token), counted


def generation_before_load(digest: str) -> Any:
    """For a digest whose member is known: the generation to load under, read before
    the database is. None: load without caching."""
    entry = _entries.get(digest)
    if entry is None:
        return None
    try:
        return _shared_get_or_create(_key(entry.user_id))
    except SharedCacheUnavailable:
        return None


def store(digest: str, user: Any, token: Any, generation: Any) -> None:
    """What the database said about a digest, loaded under `generation` (None: keep
    only the member's id)."""
    if generation is None:
        entry = Entry(user_id=user.pk)
    else:
        pristine_user = copy.copy(user)
        pristine_token = copy.copy(token)
        pristine_token._state.fields_cache["user"] = pristine_user
        entry = Entry(
            user_id=user.pk,
            user=pristine_user,
            token=pristine_token,
            generation=generation,
            expiry=token.expiry,
            loaded_at=clock(),
        )
    with _lock:
        if len(_entries) >= MAX_ENTRIES and digest not in _entries:
            _entries.clear()
        _entries[digest] = entry


def forget(digest: str) -> None:
    _entries.pop(digest, None)


def clear() -> None:
    """Forget every entry of this process (tests)."""
    with _lock:
        _entries.clear()


# --- revocation -----------------------------------------------------------------------


def revoke(user_id: int | None) -> None:
    """Void every cached check of this member's tokens, in every process."""
    if user_id is None:
        return
    key = _key(user_id)
    cache.delete(key)
    if transaction.get_connection().in_atomic_block:
        # Again after the commit: a process may have loaded the old row meanwhile.
        transaction.on_commit(lambda: cache.delete(key))


def _token_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(instance.digest)
    revoke(instance.user_id)


def _token_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and set(update_fields) == {"expiry"}):
        return  # a new token is in no cache; knox's renewal only moves expiry later
    revoke(instance.user_id)


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    revoke(instance.pk)


def register() -> None:
    from django.contrib.auth import get_user_model
    from knox.models import get_token_model

    token_model, user_model = get_token_model(), get_user_model()
    uid = "accounts.token_cache"
    signals.post_delete.connect(_token_deleted, sender=token_model, dispatch_uid=f"{uid}.td")
    signals.post_save.connect(_token_saved, sender=token_model, dispatch_uid=f"{uid}.ts")
    signals.post_save.connect(_user_changed, sender=user_model, dispatch_uid=f"{uid}.us")
    signals.post_delete.connect(_user_changed, sender=user_model, dispatch_uid=f"{uid}.ud")
