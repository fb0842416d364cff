"""Answers every app gives the same way."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response


def created_response(
    request: Request,
    data: Any,
    *,
    created: bool,
    url_name: str,
    pk: Any,
    headers: dict[str, str] | None = None,
) -> Response:
    """A create's answer: 201 with the new resource's `Location`, or 200 when the request
    repeated one that already succeeded (a retry after a lost answer creates nothing).
    Either way the body is the resource as it stands."""
    location = request.build_absolute_uri(reverse(url_name, kwargs={"pk": pk}))
    return Response(
        data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        headers={**(headers or {}), "Location": location},
    )
