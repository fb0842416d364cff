"""Pictures for the sample content, drawn here with Pillow (no image files in the
repository, nothing fetched): a landscape cover per guide and an illustrated portrait
for the host, each the same for the same name, so `make run` shows working images at
once and a reload draws what it drew before."""

from __future__ import annotations

import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter

# Calm, warm palettes: (sky top, sky bottom, hills, sun).
PALETTES = [
    ((34, 62, 110), (236, 164, 120), (46, 84, 96), (255, 214, 150)),
    ((58, 42, 96), (232, 140, 130), (70, 60, 110), (255, 226, 170)),
    ((20, 84, 110), (160, 214, 210), (30, 110, 100), (255, 244, 200)),
    ((96, 52, 70), (244, 186, 140), (110, 70, 80), (255, 230, 160)),
    ((30, 70, 60), (214, 220, 160), (50, 100, 70), (255, 240, 190)),
]
COVER_SIZE = (1600, 900)
PORTRAIT_SIZE = (900, 900)


def _rng(name: str) -> random.Random:
    return random.Random(name)  # noqa: S311 - pictures, not secrets


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


def _jpeg(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def cover(name: str) -> bytes:
    """A sunrise over layered hills, as a JPEG, COVER_SIZE."""
    rng = _rng(name)
    top, bottom, hills, sun = rng.choice(PALETTES)
    width, height = COVER_SIZE
    image = _gradient(COVER_SIZE, top, bottom)
    cx, cy, r = rng.randint(300, 1300), rng.randint(330, 520), rng.randint(90, 150)
    # The halo is blurred at a tenth of the size (blurring the full picture takes seconds).
    small = Image.new("RGBA", (width // 10, height // 10), (0, 0, 0, 0))
    ImageDraw.Draw(small).ellipse(
        [(cx - r * 2) // 10, (cy - r * 2) // 10, (cx + r * 2) // 10, (cy + r * 2) // 10],
        fill=(*sun, 70),
    )
    glow = small.filter(ImageFilter.GaussianBlur(6)).resize(COVER_SIZE, Image.Resampling.BICUBIC)
    ImageDraw.Draw(glow).ellipse([cx - r, cy - r, cx + r, cy + r], fill=(*sun, 255))
    image = Image.alpha_composite(image.convert("RGBA"), glow)
    for layer in range(4):
        shade = tuple(min(255, c + 28 * (3 - layer)) for c in hills)
        base = 520 + layer * 110
        ridge = [(x, base + rng.randint(-70, 50)) for x in range(0, width + 100, 100)]
        points = [(0, height), *ridge, (width, height)]
        ImageDraw.Draw(image).polygon(points, fill=(*shade, 255))
    return _jpeg(image.convert("RGB"))


def portrait(name: str) -> bytes:
    """A head-and-shoulders illustration on a soft background, as a JPEG, PORTRAIT_SIZE."""
    rng = _rng(name)
    top, bottom, clothes, _ = rng.choice(PALETTES)
    image = _gradient(PORTRAIT_SIZE, bottom, top)
    draw = ImageDraw.Draw(image)
    skin = rng.choice([(224, 184, 150), (198, 150, 112), (150, 104, 76), (240, 204, 176)])
    hair = rng.choice([(40, 32, 30), (90, 64, 44), (150, 150, 150), (60, 50, 60)])
    draw.ellipse([150, 620, 750, 1220], fill=clothes)  # shoulders
    draw.rectangle([400, 500, 500, 660], fill=skin)  # neck
    draw.ellipse([300, 190, 600, 560], fill=hair)  # hair behind
    draw.ellipse([315, 230, 585, 570], fill=skin)  # face
    draw.chord([300, 180, 600, 420], 180, 360, fill=hair)  # hair on top
    # A beard or not, and a kind expression.
    if rng.random() < 0.5:
        draw.chord([320, 330, 580, 600], 0, 180, fill=hair)
    for eye_x in (395, 505):
        draw.ellipse([eye_x - 12, 380, eye_x + 12, 400], fill=(40, 40, 50))
    draw.arc([405, 430, 495, 500], 20, 160, fill=(120, 60, 60), width=6)
    return _jpeg(image)
