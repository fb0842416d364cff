"""What core plugs in at start-up, from `CoreConfig.ready()`: its deployment checks."""

from __future__ import annotations


def register() -> None:
    from core import checks  # noqa: F401  (registers the checks on import)
