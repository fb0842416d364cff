"""The URL map. Paths here are a contract with clients: see README.md before changing one."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.throttling import throttled_admin_login
from core import errors, media, views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = "Breakthrough admin"
admin.site.index_title = "Content, events and members"

api_v1 = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("", include("accounts.api.urls")),
    path("", include("strategies.api.urls")),
    path("", include("journaling.api.urls")),
    path("", include("events.api.urls")),
    path("", include("newsletter.api.urls")),
    path("", include("comments.api.urls")),
    path("", include("profiles.api.urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/docs/", views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", views.RedocView.as_view(url_name="schema"), name="redoc"),
    # Matched before the admin's own login route (the same path): the login rate applies.
    path("admin/login/", throttled_admin_login),
    path("admin/", admin.site.urls),
    # Anything else under /api/ is a JSON 404 (or, for a known route without its final
    # slash, a redirect to it), in DEBUG as in production. Exempt from CSRF: it changes
    # nothing, and a DELETE with a session cookie to an unknown id must get this 404,
    # not Django's HTML "CSRF failed" page.
    re_path(r"^api/", csrf_exempt(errors.api_not_found)),
]

if settings.MEDIA_SERVED_BY_SERVICE:
    # Uploaded images, in production too (no object storage configured): core/media.py.
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", media.serve, name="media"))

if settings.BENCH_ENDPOINTS:
    # The bare project's own view (bench/bare/), here through the whole middleware stack.
    from bench.bare.views import ceiling

    urlpatterns.insert(0, path("bench/ceiling", ceiling, name="bench-ceiling"))

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
