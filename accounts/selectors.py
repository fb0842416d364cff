"""Reads of members' records."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Device, User


def device_list(*, owner: User, now: datetime | None = None) -> QuerySet[Device]:
    """The member's devices whose token still works, newest first."""
    now = now or timezone.now()
    live = Q(token__expiry__isnull=True) | Q(token__expiry__gt=now)
    return (
        Device.objects.filter(live, token__user=owner)
        .select_related("token")
        .order_by("-token__created", "-id")
    )
