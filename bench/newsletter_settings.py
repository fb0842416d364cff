"""Settings of the newsletter benchmark's workers: production's, with a mail backend
that renders every message to bytes (as a real one would) and then, instead of sending
it, writes one line per message to a log of its own process (see bench/newsletter.py)."""

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "bench.newsletter_mail.CountingBackend"
