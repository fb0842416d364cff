"""Uploaded images: validated on upload, measured once, and served in a few widths.

Every image field of the domain models is a `core.images.ImageField` with two twins on
the same row: `<name>_alt` (what the image shows, for people who cannot see it) and
`<name>_meta` (its size and its renditions, written by the model's `save()`). A model
that has image fields subclasses `ImageRenditionsModel` and names them in
`image_fields`; the API shows each as one object (`core.serializers.ImageObjectField`).

On upload the image is checked by its content, not its name: a size cap
(`IMAGE_MAX_BYTES`), a pixel cap (`IMAGE_MAX_PIXELS`, against decompression bombs:
a small file that decodes to gigabytes), one of the formats browsers show, and
Pillow's own integrity check. Then, once, in the save that stores it, the image gets
WebP renditions in `IMAGE_RENDITION_WIDTHS` narrower than the original (never wider),
so a phone downloads 30 KB rather than the editor's 5 MB photo. The original is kept as
uploaded (its extension follows its content) and served too.

Stored names carry a random part (`UploadTo`), so a name is never reused for other
bytes and the media can be cached for a year (`MEDIA_CACHE_SECONDS`).
"""

from __future__ import annotations

import logging
import secrets
import warnings
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# What browsers show, by Pillow's name for the format: (extension, content type).
FORMATS = {
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "WEBP": (".webp", "image/webp"),
    "GIF": (".gif", "image/gif"),
}
CONTENT_TYPES = dict(FORMATS.values())
CONTENT_TYPES[".jpeg"] = "image/jpeg"
ACCEPT = ",".join(sorted({content_type for _, content_type in FORMATS.values()}))
FORMAT_NAMES = "JPEG, PNG, WebP or GIF"
RENDITION_QUALITY = 80
RENDITION_SUFFIX = ".webp"
NAME_STEM_LENGTH = 60
# EXIF orientations that turn the picture a quarter turn (its width is its height).
ORIENTATION_TAG = 0x0112
QUARTER_TURNS = {5, 6, 7, 8}


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


@deconstructible
class UploadTo:
    """`guides/3f9c2a1b-my-cover.jpg`: the folder, a random part, the name made safe."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: models.Model, filename: str) -> str:
        path = PurePosixPath(filename)
        stem = slugify(path.stem)[:NAME_STEM_LENGTH] or "image"
        return f"{self.folder}/{secrets.token_hex(4)}-{stem}{path.suffix.lower()}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def _open(file: Any) -> Image.Image:
    """The image in `file`, header read, pixels not decoded; `ValidationError` when it
    is none that we take. Pillow's own bomb guard is turned into an error here too."""
    if hasattr(file, "seek"):
        file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ValidationError(
                f"This image has far more than {_megapixels(settings.IMAGE_MAX_PIXELS)} "
                "megapixels, the most we take. Scale it down and upload it again.",
                code="image_too_many_pixels",
            ) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise ValidationError(
                f"This file is not an image we can read. Upload a {FORMAT_NAMES} image.",
                code="invalid_image",
            ) from exc
    return image


def validate_image(file: Any) -> None:
    """Size, format (by content), pixel count and integrity of an uploaded image."""
    if isinstance(file, FieldFile) and file._committed:
        return  # stored already: it was checked when it was uploaded
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            f"This file is {_megabytes(size)} MB; an image may be at most "
            f"{_megabytes(settings.IMAGE_MAX_BYTES)} MB.",
            code="image_too_large",
        )
    # Pillow closes what it opens; it gets a copy (at most IMAGE_MAX_BYTES, checked above).
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    image = _open(BytesIO(data))
    try:
        if image.format not in FORMATS:
            raise ValidationError(
                f"This is a {image.format} image; upload a {FORMAT_NAMES} image instead.",
                code="image_format",
            )
        width, height = image.size
        if width * height > settings.IMAGE_MAX_PIXELS:
            raise ValidationError(
                f"This image is {width} x {height} pixels ({_megapixels(width * height)} "
                f"megapixels); the most we take is "
                f"{_megapixels(settings.IMAGE_MAX_PIXELS)} megapixels. Scale it down and "
                "upload it again.",
                code="image_too_many_pixels",
            )
        try:
            image.verify()
            # verify() checks only some formats (PNG's checksums); decoding finds the
            # rest, a cut-off JPEG included. A JPEG decodes at a fraction of its size.
            with _open(BytesIO(data)) as decoded:
                widest = max(settings.IMAGE_RENDITION_WIDTHS, default=0)
                decoded.draft("RGB", (widest, widest))
                decoded.load()
        except ValidationError:
            raise
        except Exception as exc:  # Pillow raises many kinds for a damaged file.
            raise ValidationError(
                "This image is damaged or incomplete. Export it again and upload the new file.",
                code="invalid_image",
            ) from exc
    finally:
        image.close()


class ImageFormField(forms.FileField):
    """The admin's upload field: `validate_image`'s messages, not Django's one generic
    "Upload a valid image" for every problem (a bomb included)."""

    default_validators = [validate_image]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs


class ImageField(models.ImageField):
    """An uploaded image, validated by `validate_image`. Its size is kept in the
    `<name>_meta` twin (by `ImageRenditionsModel`), never read back from the file."""

    default_validators = [validate_image]

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": ImageFormField, **kwargs})


def image_meta_field() -> models.JSONField:
    return models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Size and renditions of the image, made when it was uploaded.",
    )


def image_alt_field() -> models.CharField:
    return models.CharField(
        max_length=300,
        blank=True,
        help_text="What the image shows, for people who cannot see it. Leave it empty "
        "only for a purely decorative image.",
    )


def describe(storage: Storage, name: str, source: Any = None) -> dict[str, Any]:
    """Measure the stored image `name` and make its renditions next to it; the meta to
    keep: `{"name", "width", "height", "renditions": [{"width", "height", "name"}]}`.
    `source` holds the image's bytes when at hand (just uploaded); else they are read
    back from the storage."""
    opened = source if source is not None else storage.open(name, "rb")
    widest = max(settings.IMAGE_RENDITION_WIDTHS, default=0)
    try:
        if hasattr(opened, "seek"):
            opened.seek(0)
        with Image.open(opened) as original:
            width, height = original.size
            if original.getexif().get(ORIENTATION_TAG) in QUARTER_TURNS:
                width, height = height, width
            # A JPEG decodes at a fraction of its size when that is still wide enough:
            # a 24-megapixel photo then costs a few megabytes of memory, not 100.
            original.draft("RGB", (widest, widest))
            original.load()
            image = ImageOps.exif_transpose(original)
    finally:
        if source is None:
            opened.close()
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    stem = PurePosixPath(name).with_suffix("").as_posix()
    renditions = []
    for target in sorted(set(settings.IMAGE_RENDITION_WIDTHS), reverse=True):
        if target >= width:
            continue  # never upscaled
        target_height = max(1, round(height * target / width))
        if image.width < target:
            continue  # the decoded draft is narrower: never upscaled
        image = image.resize((target, target_height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        image.save(buffer, "WEBP", quality=RENDITION_QUALITY)
        stored = storage.save(f"{stem}-{target}w{RENDITION_SUFFIX}", ContentFile(buffer.getvalue()))
        renditions.append({"width": target, "height": target_height, "name": stored})
    renditions.reverse()
    return {"name": name, "width": width, "height": height, "renditions": renditions}


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _format_of(data: bytes) -> str | None:
    try:
        with Image.open(BytesIO(data)) as image:
            return image.format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def meta_is_current(file: FieldFile | None, meta: dict | None) -> bool:
    """Whether `meta` describes the image stored now (a replaced image has stale meta)."""
    return bool(file) and bool(meta) and meta.get("name") == file.name and "width" in meta


class ImageRenditionsModel(models.Model):
    """Keeps `<name>_meta` up to date for each field named in `image_fields`: a newly
    uploaded image is stored (under an extension that says what it is), measured and
    given its renditions in the same save, so the API never shows one half made."""

    image_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        deferred = self.get_deferred_fields()
        touched = []
        for name in self.image_fields:
            if name in deferred or f"{name}_meta" in deferred:
                continue
            if self._refresh_image_meta(name):
                touched += [name, f"{name}_meta"]
        if touched and (update_fields := kwargs.get("update_fields")):
            kwargs["update_fields"] = {*update_fields, *touched}
        super().save(*args, **kwargs)

    def _refresh_image_meta(self, name: str) -> bool:
        file: FieldFile = getattr(self, name)
        meta_attr = f"{name}_meta"
        meta = getattr(self, meta_attr) or {}
        if not file:
            if meta:
                setattr(self, meta_attr, {})
                return True
            return False
        if file._committed and meta.get("name") == file.name:
            return False
        source = None
        if not file._committed:
            file.open("rb")
            data = file.read()
            found = _format_of(data)
            suffix = FORMATS[found][0] if found in FORMATS else PurePosixPath(file.name).suffix
            file.save(PurePosixPath(file.name).stem + suffix, ContentFile(data), save=False)
            file = getattr(self, name)
            source = BytesIO(data)
        try:
            new_meta = describe(file.storage, file.name, source)
        except Exception:
            # Validation keeps unreadable files out; one that got in another way shows
            # as no image (the API lists only what exists) rather than failing the save.
            logger.warning("Could not make renditions of %s", file.name, exc_info=True)
            new_meta = {"name": file.name, "failed": True}
        setattr(self, meta_attr, new_meta)
        return True
