"""System checks of this project's own rules: deployment (`manage.py check --deploy`) and
the front-end link templates (every start)."""

from __future__ import annotations

from string import Formatter
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

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


# Hosts that name the server to itself: a link built on them works only on that machine.
LOOPBACK_HOSTS = {"localhost", "::1"}


@checks.register(checks.Tags.security, deploy=True)
def check_site_url_is_public(app_configs, **kwargs) -> list[checks.CheckMessage]:
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if not (host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")):
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL}, the server's own address: links in mails, "
            "calendars and exports would lead members nowhere.",
            hint="Set SITE_URL to the API's public address (https://api.example.com).",
            id="core.W002",
        )
    ]


def _web_url_template_error(template: str) -> str | None:
    """Why a `FRONTEND_URL_<KIND>` template cannot work, or None."""
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in Formatter().parse(template)
            if name is not None
        ]
    except ValueError as error:
        return f"it is not a template ({error})"
    names = {name for name, _, _ in fields}
    if unknown := sorted(names - {"slug"}):
        return f"it names {', '.join('{' + n + '}' for n in unknown)}; only {{slug}} is known"
    if "slug" not in names:
        return "it has no {slug}, so every resource would link to one page"
    if any(spec or conversion for _, spec, conversion in fields):
        return "write {slug} plainly, without a conversion or format"
    link = urlsplit(template.format(slug="x"))
    if link.scheme not in {"http", "https"} or not link.netloc:
        return "it is not an absolute http(s) address"
    return None


@checks.register("links")
def check_web_url_templates(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A front-end link template that cannot work stops the start, rather than a 500
    on the first page that links there."""
    errors = []
    for kind, template in settings.WEB_URL_TEMPLATES.items():
        if reason := _web_url_template_error(template):
            errors.append(
                checks.Error(
                    f"FRONTEND_URL_{kind.upper()}={template!r}: {reason}.",
                    hint=f"For example FRONTEND_URL_{kind.upper()}=https://app.example/{kind}/{{slug}}",
                    id="core.E001",
                )
            )
    return errors


def raise_for_link_errors() -> None:
    """gunicorn runs no system checks: the WSGI module calls this instead."""
    if errors := checks.run_checks(tags=["links"]):
        raise ImproperlyConfigured("\n".join(str(error) for error in errors))
