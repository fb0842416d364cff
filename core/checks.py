"""System checks of this project's own deployment rules (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

# Backends that never deliver: a member would never get a password reset or a reminder,
# and the console one prints the reset links to the log.
UNDELIVERED_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every mail to the log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every mail to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every mail",
}


@checks.register(checks.Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs) -> list[checks.CheckMessage]:
    reason = UNDELIVERED_MAIL_BACKENDS.get(settings.EMAIL_BACKEND)
    if reason is None:
        return []
    return [
        checks.Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which {reason}: password-reset "
            "links and reminders never reach members.",
            hint="Set EMAIL_URL to your mail server (smtp+tls://user:pass@host:587).",
            id="core.W001",
        )
    ]
