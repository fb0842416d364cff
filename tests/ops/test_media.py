"""Images load from a real deployment: gunicorn with production settings serves the
uploads under MEDIA_ROOT itself, and with AWS_STORAGE_BUCKET_NAME they go to object
storage, here a real S3 API served on a local port by moto (its server mode: HTTP and
signatures as a client sees them, not a mocked client).

Each test follows the links the API hands out, the original and every rendition, and
checks that they answer 200 with the content type of an image.
"""

from __future__ import annotations

import json
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image

from harness.database import database_url
from harness.server import LOOPBACK, Gunicorn, fetch, free_port, manage, production_env
from tests.images import upload
from tests.strategies.factories import GuideFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

GUNICORN_PORTS = range(8172, 8178)
MOTO_PORTS = range(8178, 8182)
BUCKET = "breakthrough-media"
# moto accepts any key pair; boto3 needs one to sign with.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _env(**overrides: str) -> dict[str, str]:
    return production_env(database=database_url(settings.DATABASES["default"]["NAME"]), **overrides)


def _json(url: str) -> dict:
    status, _, body = fetch(url)
    assert status == 200, body[:500]
    return json.loads(body)


def _follow(image: dict) -> list[tuple[str, int, str, tuple[int, int]]]:
    """(url, status, content type, pixel size) of the original and each rendition."""
    seen = []
    for url in [image["url"], *(r["url"] for r in image["renditions"])]:
        status, headers, body = fetch(url)
        with Image.open(BytesIO(body)) as decoded:
            size = decoded.size
        kind = {name.lower(): value for name, value in headers.items()}.get("content-type")
        seen.append((url, status, kind, size))
    return seen


def test_the_service_serves_uploaded_images_and_their_renditions(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    author = PersonFactory(slug="host", photo=upload("host.png", fmt="PNG", width=700, height=700))
    GuideFactory(slug="covered", author=author, cover_image=upload("cover.jpg"))

    env = _env(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    with Gunicorn(port=free_port(GUNICORN_PORTS), env=env, log_path=tmp_path / "g.log") as api:
        guide = _json(f"{api.url}/api/v1/guides/covered/")
        cover = _follow(guide["cover_image"])
        photo = _follow(guide["author"]["photo"])
        _, headers, _ = fetch(guide["cover_image"]["renditions"][0]["url"])
        refused, _, _ = fetch(f"{api.url}/media/../config/settings.py")

    print("checked:", *(f"{url} {code} {kind}" for url, code, kind, _ in cover + photo))  # noqa: T201
    assert [(code, kind, size) for _, code, kind, size in cover] == [
        (200, "image/jpeg", (1600, 900)),
        (200, "image/webp", (320, 180)),
        (200, "image/webp", (640, 360)),
        (200, "image/webp", (1280, 720)),
    ]
    assert [(code, kind, size) for _, code, kind, size in photo] == [
        (200, "image/png", (700, 700)),
        (200, "image/webp", (320, 320)),
        (200, "image/webp", (640, 640)),
    ]
    assert all(url.startswith(f"{api.url}/media/") for url, *_ in cover)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert refused == 404


@pytest.fixture
def s3():
    """A real S3 API on a local port (moto's server), with one empty bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port(MOTO_PORTS)
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
    server.start()
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.stop()


def test_with_a_bucket_media_goes_to_object_storage(tmp_path, s3):
    endpoint, client = s3
    env = _env(
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        MEDIA_ROOT=str(tmp_path / "unused-media"),
        # Readable by anyone, as the README asks of the bucket (moto refuses otherwise).
        AWS_DEFAULT_ACL="public-read",
        **FAKE_CREDENTIALS,
    )
    # The sample content uploads its covers and the host's photo, as `make run` does.
    manage("load_sample_content", env=env)

    with Gunicorn(port=free_port(GUNICORN_PORTS), env=env, log_path=tmp_path / "g.log") as api:
        guides = _json(f"{api.url}/api/v1/guides/?page_size=100")["results"]
        events = _json(f"{api.url}/api/v1/events/?page_size=100")["results"]
        not_served_here, _, _ = fetch(f"{api.url}/media/guides/anything.png")

    cover = guides[0]["cover_image"]
    host_photo = next(e["hosts"][0]["photo"] for e in events if e["hosts"])
    seen = _follow(cover) + _follow(host_photo)
    print("checked:", *(f"{url} {code} {kind}" for url, code, kind, _ in seen))  # noqa: T201
    assert all(g["cover_image"] for g in guides)
    assert all(urlsplit(url).netloc == urlsplit(endpoint).netloc for url, *_ in seen)
    assert {(code, kind.split("/")[0]) for _, code, kind, _ in seen} == {(200, "image")}
    assert [kind for _, _, kind, _ in seen[1:]].count("image/webp") >= 3
    stored = client.list_objects_v2(Bucket=BUCKET)["Contents"]
    head = client.head_object(Bucket=BUCKET, Key=stored[0]["Key"])
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert not (tmp_path / "unused-media").exists()
    assert not_served_here == 404
