"""Uploaded images: one object shape everywhere, renditions made once on upload and
never wider than the original, uploads checked by content, and the files served by the
service itself (no object storage configured) with safe paths and long caching."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from core.http_cache import content_version
from strategies.models import Person
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory
from tests.images import image_bytes, png_claiming, upload
from tests.strategies.factories import GuideFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _fetch(client, url: str):
    response = client.get(url.removeprefix("http://testserver"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _pixels(body: bytes) -> tuple[int, int]:
    with Image.open(BytesIO(body)) as image:
        return image.size


def test_a_cover_is_an_object_with_renditions_that_load(api_client):
    GuideFactory(slug="covered", cover_image=upload("My Cover.jpg"), cover_image_alt="A sunrise")

    cover = api_client.get("/api/v1/guides/covered/").json()["cover_image"]

    assert cover.keys() == {"url", "width", "height", "alt", "renditions"}
    assert (cover["width"], cover["height"], cover["alt"]) == (1600, 900, "A sunrise")
    assert cover["url"].startswith("http://testserver/media/guides/")
    assert cover["url"].endswith("-my-cover.jpg")
    assert [(r["width"], r["height"]) for r in cover["renditions"]] == [
        (320, 180),
        (640, 360),
        (1280, 720),
    ]
    response, body = _fetch(api_client, cover["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _pixels(body) == (1600, 900)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    for rendition in cover["renditions"]:
        response, body = _fetch(api_client, rendition["url"])
        assert response.status_code == 200, rendition
        assert response["Content-Type"] == "image/webp"
        assert _pixels(body) == (rendition["width"], rendition["height"])
        assert len(body) < 100_000


def test_the_list_shows_the_same_object(api_client):
    GuideFactory(slug="covered", cover_image=upload(), cover_image_alt="Hills")

    row = api_client.get("/api/v1/guides/").json()["results"][0]
    detail = api_client.get("/api/v1/guides/covered/").json()

    assert row["cover_image"] == detail["cover_image"]


@pytest.mark.parametrize(
    ("width", "widths"), [(1280, [320, 640]), (500, [320]), (320, []), (200, [])]
)
def test_renditions_are_never_wider_than_the_original(api_client, width, widths):
    GuideFactory(slug="small", cover_image=upload(width=width, height=100))

    cover = api_client.get("/api/v1/guides/small/").json()["cover_image"]

    assert cover["width"] == width
    assert [r["width"] for r in cover["renditions"]] == widths


def test_the_stored_name_says_what_the_file_is(api_client):
    # A PNG named .jpg is served as the PNG it is.
    GuideFactory(slug="png", cover_image=upload("photo.jpg", image_bytes(fmt="PNG")))

    cover = api_client.get("/api/v1/guides/png/").json()["cover_image"]

    assert cover["url"].endswith("-photo.png")
    assert _fetch(api_client, cover["url"])[0]["Content-Type"] == "image/png"


def test_a_photo_turned_by_its_camera_is_measured_upright(api_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: the picture stands upright
    data = image_bytes(width=800, height=400, exif=exif.tobytes())
    GuideFactory(slug="turned", cover_image=upload("turned.jpg", data))

    cover = api_client.get("/api/v1/guides/turned/").json()["cover_image"]

    assert (cover["width"], cover["height"]) == (400, 800)
    assert [(r["width"], r["height"]) for r in cover["renditions"]] == [(320, 640)]


def test_a_replaced_image_gets_new_renditions_and_a_removed_one_is_null(api_client):
    guide = GuideFactory(slug="changing", cover_image=upload(width=700, height=350))
    first = api_client.get("/api/v1/guides/changing/").json()["cover_image"]

    guide.cover_image = upload(width=1400, height=700)
    guide.save()
    second = api_client.get("/api/v1/guides/changing/").json()["cover_image"]
    guide.cover_image = None
    guide.save()
    third = api_client.get("/api/v1/guides/changing/").json()["cover_image"]

    assert [r["width"] for r in first["renditions"]] == [320, 640]
    assert [r["width"] for r in second["renditions"]] == [320, 640, 1280]
    assert second["url"] != first["url"]
    assert third is None


def test_an_image_set_in_a_partial_save_is_stored_with_its_renditions(api_client):
    guide = GuideFactory(slug="partial")

    guide.cover_image = upload(width=700, height=350)
    guide.save(update_fields=["title"])

    cover = api_client.get("/api/v1/guides/partial/").json()["cover_image"]
    assert [r["width"] for r in cover["renditions"]] == [320, 640]


def test_an_image_that_cannot_be_read_is_shown_as_none(api_client):
    guide = GuideFactory(slug="lost")

    guide.cover_image = "guides/never-uploaded.jpg"  # a name with no file behind it
    guide.save()

    assert api_client.get("/api/v1/guides/lost/").json()["cover_image"] is None


def test_a_person_has_one_shape_as_author_as_host_and_on_their_page(api_client):
    person = PersonFactory(
        slug="teacher", name="A Teacher", photo=upload("face.png", fmt="PNG"), photo_alt="Smiling"
    )
    GuideFactory(slug="by-teacher", author=person)
    EventFactory(slug="talk", hosts=[person], image=upload("stage.jpg"), image_alt="A stage")

    author = api_client.get("/api/v1/guides/by-teacher/").json()["author"]
    host = api_client.get("/api/v1/events/talk/").json()["hosts"][0]
    listed_host = api_client.get("/api/v1/events/").json()["results"][0]["hosts"][0]
    page = api_client.get("/api/v1/people/teacher/").json()

    assert author == host == listed_host
    assert author.keys() == {"slug", "name", "url", "web_url", "photo"}
    assert author["url"] == "http://testserver/api/v1/people/teacher/"
    assert author["photo"]["alt"] == "Smiling"
    assert page["photo"] == author["photo"]
    assert _fetch(api_client, author["photo"]["renditions"][0]["url"])[0].status_code == 200


def test_an_event_carries_its_image_in_the_list_and_the_detail(api_client):
    EventFactory(slug="talk", image=upload("stage.jpg"), image_alt="A stage")

    listed = api_client.get("/api/v1/events/").json()["results"][0]["image"]
    detail = api_client.get("/api/v1/events/talk/").json()["image"]

    assert listed == detail
    assert detail["alt"] == "A stage"
    assert [r["width"] for r in detail["renditions"]] == [320, 640, 1280]


def test_a_series_host_is_the_same_person_shape(api_client):
    from tests.events.factories import SeriesFactory

    host = PersonFactory(slug="host", photo=upload(width=400, height=400))
    SeriesFactory(slug="weekly", host=host)

    series_host = api_client.get("/api/v1/series/weekly/").json()["host"]

    assert series_host.keys() == {"slug", "name", "url", "web_url", "photo"}
    assert [r["width"] for r in series_host["photo"]["renditions"]] == [320]


def test_lists_with_images_keep_their_query_counts(api_client, django_assert_max_num_queries):
    for _ in range(3):
        author = PersonFactory(photo=upload(width=400, height=400))
        GuideFactory(author=author, cover_image=upload(width=700, height=400))
        EventFactory(hosts=[author], image=upload(width=700, height=400))

    content_version()  # issued once per change on a running server, not per request
    with django_assert_max_num_queries(3):  # count, guides + author, tags
        guides = api_client.get("/api/v1/guides/").json()["results"]
    content_version()
    with django_assert_max_num_queries(3):  # count, events + series, hosts
        events = api_client.get("/api/v1/events/").json()["results"]

    assert all(g["cover_image"] and g["author"]["photo"] for g in guides)
    assert all(e["image"] and e["hosts"][0]["photo"] for e in events)


# --- Uploads through the admin -------------------------------------------------------------


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    return client


def _add_person(admin_client, photo):
    return admin_client.post(
        "/admin/strategies/person/add/",
        {"name": "New Host", "slug": "new-host", "bio": "", "photo": photo, "photo_alt": "Them"},
    )


def _photo_errors(response) -> list[str]:
    assert response.status_code == 200, "the form was accepted"
    return response.context["adminform"].form.errors["photo"]


def test_the_admin_takes_an_image_and_makes_its_renditions(admin_client, api_client):
    response = _add_person(admin_client, upload("portrait.webp", fmt="WEBP"))

    assert response.status_code == 302
    photo = api_client.get("/api/v1/people/new-host/").json()["photo"]
    assert photo["url"].endswith("-portrait.webp")
    assert [r["width"] for r in photo["renditions"]] == [320, 640, 1280]


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (upload("notes.png", b"this is text, not a picture"), "not an image we can read"),
        (upload("scan.tif", image_bytes(fmt="TIFF")), "This is a TIFF image; upload a JPEG"),
        (upload("cut.png", image_bytes(fmt="PNG")[:-400]), "damaged or incomplete"),
        (upload("cut.jpg", image_bytes(fmt="JPEG")[:2000]), "damaged or incomplete"),
        (upload("bomb.png", png_claiming(30_000, 30_000)), "far more than 40 megapixels"),
    ],
    ids=["text", "tiff", "truncated-png", "truncated-jpeg", "bomb"],
)
def test_the_admin_refuses_what_is_not_a_usable_image(admin_client, photo, message):
    errors = _photo_errors(_add_person(admin_client, photo))

    assert any(message in error for error in errors), errors
    assert not Person.objects.filter(slug="new-host").exists()


def test_the_admin_refuses_too_many_pixels_with_the_numbers(admin_client, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000

    errors = _photo_errors(_add_person(admin_client, upload(width=2000, height=1000)))

    assert errors == [
        (
            "This image is 2000 x 1000 pixels (2 megapixels); the most we take is 1 "
            "megapixels. Scale it down and upload it again."
        )
    ]


def test_the_admin_refuses_a_file_over_the_size_cap(admin_client, settings):
    settings.IMAGE_MAX_BYTES = 1024 * 1024

    errors = _photo_errors(_add_person(admin_client, upload("big.png", b"\0" * 1_300_000)))

    assert errors == ["This file is 1.2 MB; an image may be at most 1.0 MB."]


def test_the_upload_field_asks_the_browser_for_images_only(admin_client):
    page = admin_client.get("/admin/strategies/person/add/").content.decode()

    assert 'accept="image/gif,image/jpeg,image/png,image/webp"' in page


# --- Serving media -------------------------------------------------------------------------


@pytest.fixture
def media_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    (root / "guides").mkdir(parents=True, exist_ok=True)
    (root / "guides" / "ok.png").write_bytes(image_bytes(width=50, height=50, fmt="PNG"))
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/media/guides/missing.png",
        "/media/guides/../../outside.png",
        "/media/guides/%2e%2e/%2e%2e/outside.png",
        "/media/.hidden/ok.png",
        "/media/guides/page.html",
        "/media/guides/ok.svg",
        "/media/guides/link.png",
    ],
)
def test_media_outside_the_images_is_not_found(client, media_root, path):
    outside = media_root.parent / "outside.png"
    outside.write_bytes(image_bytes(width=10, height=10, fmt="PNG"))
    (media_root / ".hidden").mkdir(exist_ok=True)
    (media_root / ".hidden" / "ok.png").write_bytes(outside.read_bytes())
    (media_root / "guides" / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "guides" / "ok.svg").write_text("<svg onload='alert(1)'/>")
    link = media_root / "guides" / "link.png"
    if not link.is_symlink():
        link.symlink_to(outside)
    try:
        response = client.get(path)
    finally:
        outside.unlink()

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_media_is_revalidated_and_read_only(client, media_root):
    first = client.get("/media/guides/ok.png")
    head = client.head("/media/guides/ok.png")
    by_etag = client.get("/media/guides/ok.png", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/media/guides/ok.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    post = client.post("/media/guides/ok.png")

    assert first.status_code == 200
    assert first["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert head.status_code == 200
    assert head["Content-Length"] == first["Content-Length"]
    assert head.content == b""
    assert by_etag.status_code == by_date.status_code == 304
    assert post.status_code == 405
    assert post.json()["errors"][0]["code"] == "method_not_allowed"
