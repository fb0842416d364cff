"""A null mail backend that leaves proof: each message is rendered to MIME bytes (the
work a real backend does before the network), and its recipient and Message-ID are
appended to `$BENCH_MAIL_LOG/<pid>.log`, one line each, flushed per line so that a
worker killed mid-send loses nothing it reported."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_log = None


def _log_file():
    global _log  # noqa: PLW0603 (one append handle per process)
    if _log is None:
        directory = Path(os.environ["BENCH_MAIL_LOG"])
        _log = (directory / f"{os.getpid()}.log").open("a", buffering=1, encoding="utf-8")
    return _log


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        log = _log_file()
        for message in email_messages:
            mime = message.message()
            mime.as_bytes()
            log.write(f"{message.to[0]}\t{mime['Message-ID']}\n")
        return len(email_messages)
