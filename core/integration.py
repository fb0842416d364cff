"""What core plugs in at start-up, from `CoreConfig.ready()`: its deployment checks, and
the end of a database outage in the logs (the first connection that succeeds)."""

from __future__ import annotations

from django.db.backends.signals import connection_created


def register() -> None:
    from core import checks  # noqa: F401  (registers the checks on import)
    from core.logs import DATABASE_OUTAGE

    connection_created.connect(DATABASE_OUTAGE.end, dispatch_uid="core.database_outage_end")
