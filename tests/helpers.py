"""Helpers shared by test modules: import them from here, never from a conftest."""

from __future__ import annotations

from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    """An API client authenticated with a real token of `user`."""
    from accounts.services import issue_token

    _, token = issue_token(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client
