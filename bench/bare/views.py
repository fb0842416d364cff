"""The constant answer, served by the bare project and (as `/bench/ceiling`) by the
project itself through its whole middleware stack."""

from django.http import HttpRequest, JsonResponse

# About 1 KB of JSON, the size of a small API answer.
PAYLOAD = {
    "status": "ok",
    "service": "breakthrough",
    "items": [
        {"id": n, "slug": f"item-{n:02d}", "title": f"A constant item number {n}", "rank": n}
        for n in range(12)
    ],
}


def ceiling(request: HttpRequest) -> JsonResponse:
    return JsonResponse(PAYLOAD)
