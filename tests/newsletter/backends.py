"""Mail backends for the sending tests: the locmem outbox, plus a hook that runs before
each message (to crash, or to unsubscribe someone, in the middle of a send)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.mail.backends.locmem import EmailBackend

_lock = threading.Lock()
before_each: Callable[[object], None] | None = None


class HookedBackend(EmailBackend):
    def send_messages(self, messages):
        sent = 0
        for message in messages:
            if before_each is not None:
                with _lock:
                    before_each(message)
            sent += super().send_messages([message])
        return sent
