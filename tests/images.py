"""Image files for tests, drawn with Pillow (no binary fixtures in the repository)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw


def image_bytes(width: int = 1600, height: int = 900, fmt: str = "JPEG", **save: object) -> bytes:
    """A picture with some detail (a gradient and a circle), so encoders have work."""
    image = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(1, width // 16)):
        draw.line([(x, 0), (x, height)], fill=(200, 120 + x % 100, 60), width=3)
    radius = min(width, height) // 3
    draw.ellipse(
        [width // 2 - radius, height // 2 - radius, width // 2 + radius, height // 2 + radius],
        fill=(250, 220, 120),
    )
    buffer = BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(name: str = "cover.jpg", data: bytes | None = None, **kwargs: object):
    """An uploaded file as a form (or a model field) receives it."""
    return SimpleUploadedFile(name, data if data is not None else image_bytes(**kwargs))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's
    shape (a few bytes that would decode to gigabytes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
