# syntax=docker/dockerfile:1
# Build: docker build -t breakthrough .
# Run:   see docker-compose.yml and README.md ("Deploy with Docker").
# The base image is pinned to an exact release (and the Python the locks are solved for);
# move it on purpose, with the lock.

FROM python:3.11.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Dependencies only, exactly as locked, in one layer: it changes when the lock does, not
# when the code does. The project itself is not installed: it runs from /app.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /venv && /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.11.13-slim-bookworm AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    HOST=0.0.0.0 \
    PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /venv /venv
# The source, once. It stays owned by root: the service reads its code, never rewrites it.
COPY . .
# Static files are collected at build time; the values below exist only for this step.
# Only the media folder (uploads) belongs to the runtime user.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://unused@localhost/unused EMAIL_URL=dummymail:// \
    python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/media && chown app:app /app/media
USER app
EXPOSE 8000
# Sends a Host header that DJANGO_ALLOWED_HOSTS accepts (config/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-m", "config.healthcheck"]
ENTRYPOINT ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]
