"""Screenshots as stored and as shown: the encoding chosen by measurement, and thumbnails.

Chromium hands over PNG. A full-page PNG of a long article runs to megabytes, so the archive
stores WebP (bench/RESULTS.md, "Screenshots": the sizes and the legibility of each choice);
the report shows a small thumbnail that links to the stored picture.
"""

from __future__ import annotations

import io

from PIL import Image

FORMAT = "WEBP"
MIME = "image/webp"
QUALITY = 60  # chosen in bench/screenshots.py: text stays legible at 1x, pages stay small
THUMB_WIDTH = 360
MAX_PIXELS = 1280 * 12000  # a decoded screenshot read back from a WARC (a bomb is refused)


def encode(png: bytes, quality: int = QUALITY, fmt: str = FORMAT) -> bytes:
    """The screenshot as stored (WebP by default)."""
    with Image.open(io.BytesIO(png)) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, fmt, quality=quality, method=4)
        return buffer.getvalue()


def thumbnail(data: bytes, width: int = THUMB_WIDTH) -> bytes:
    """A small WebP of a stored screenshot, `width` pixels wide, for the report."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        height = max(1, round(image.height * width / max(1, image.width)))
        small = image.convert("RGB").resize((width, height), Image.LANCZOS)
        buffer = io.BytesIO()
        small.save(buffer, "WEBP", quality=70)
        return buffer.getvalue()
