"""One sign-in rate for every door. The API login (`ScopedRateThrottle` with scope
`login`) and the admin's sign-in form count against the same bucket per client
address, so an attacker gains nothing by switching between them."""

from __future__ import annotations

import math

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from core.throttling import CountingRateThrottle


class LoginRateThrottle(CountingRateThrottle):
    """`THROTTLE_LOGIN` per client address; the key is the one `ScopedRateThrottle`
    builds for an anonymous request with `throttle_scope = "login"`."""

    scope = "login"

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled_admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login view, behind the login rate. Showing the form is free; each
    submitted password counts, right or wrong, as on the API."""
    if request.method == "POST":
        throttle = LoginRateThrottle()
        if not throttle.allow_request(request, None):
            wait = math.ceil(throttle.wait() or 1)
            response = HttpResponse(
                f"Too many sign-in attempts. Try again in {wait} seconds.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, extra_context)
