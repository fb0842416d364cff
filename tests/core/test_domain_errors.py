"""A service's `DomainError` reaches the client in the one error format, with the
status and code its class names, as if the view had raised DRF's own exception."""

from __future__ import annotations

import pytest
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.errors import DomainError, RecordNotFoundError, StaleVersionError


class TooEarlyError(DomainError):
    default_code = "too_early"
    default_detail = "Not before nine."


def answer_to(error: DomainError):
    class RaisingView(APIView):
        permission_classes = [AllowAny]
        authentication_classes = []

        def get(self, request) -> Response:
            raise error

    return RaisingView.as_view()(APIRequestFactory().get("/"))


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            TooEarlyError(field="starts_at"),
            400,
            {
                "type": "validation_error",
                "errors": [
                    {"code": "too_early", "detail": "Not before nine.", "attr": "starts_at"}
                ],
            },
        ),
        (
            TooEarlyError("Wait a little.", code="wait"),
            400,
            {
                "type": "validation_error",
                "errors": [{"code": "wait", "detail": "Wait a little.", "attr": None}],
            },
        ),
        (
            RecordNotFoundError(),
            404,
            {
                "type": "client_error",
                "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
            },
        ),
        (
            StaleVersionError(),
            412,
            {
                "type": "client_error",
                "errors": [
                    {
                        "code": "precondition_failed",
                        "detail": StaleVersionError.default_detail,
                        "attr": None,
                    }
                ],
            },
        ),
    ],
)
def test_a_domain_error_is_answered_with_its_status_and_code(error, status, body):
    response = answer_to(error)
    assert response.status_code == status
    assert response.data == body
