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


def operation_parameters(openapi: dict, operation: dict) -> list[dict]:
    """An operation's parameters with the shared ones (`$ref`s into
    `components/parameters`, core.schema.share_parameters_and_responses) written out."""
    shared = openapi.get("components", {}).get("parameters", {})
    return [
        shared[parameter["$ref"].rsplit("/", 1)[-1]] if "$ref" in parameter else parameter
        for parameter in operation.get("parameters", [])
    ]
