from django.urls import path

from bench.bare.views import ceiling

# `healthz` only for the harness' readiness probe (harness.server.Gunicorn).
urlpatterns = [path("bench/ceiling", ceiling), path("healthz", ceiling)]
