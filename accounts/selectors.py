"""Reads of members' records."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import Device, User


def device_list(*, owner: User, now: datetime | None = None) -> QuerySet[Device]:
    """The member's devices whose token still works, newest first. The token's issue
    time is `created_at` here, the name cursor pages order by."""
    now = now or timezone.now()
    live = Q(token__expiry__isnull=True) | Q(token__expiry__gt=now)
    return (
        Device.objects.filter(live, token__user=owner)
        .select_related("token")
        .annotate(created_at=F("token__created"))
        .order_by("-created_at", "-id")
    )
