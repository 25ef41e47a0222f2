"""Screenshots as stored and as shown: the encoding chosen by measurement, and thumbnails.

Chromium hands over PNG. A full-page PNG of a long article with its pictures runs to
megabytes, so the archive stores the top of the page (2,400 CSS px: headline, lead picture and
the first paragraphs), scaled to three quarters, as WebP at quality 50: about 135 KB on the
benchmark's newsroom pages, where the same area at full scale is 205 KB and a full-page PNG
1.6 MB, with body text still legible (bench/requisites.py measures every combination; figures
in bench/RESULTS.md, "Page requisites and screenshots"). The report shows a small thumbnail
that links to the stored picture.
"""

from __future__ import annotations

import io

from PIL import Image

FORMAT = "WEBP"
MIME = "image/webp"
QUALITY = 50
SCALE = 0.75
THUMB_WIDTH = 360
MAX_PIXELS = 1280 * 12000  # a decoded screenshot read back from a WARC (a bomb is refused)


def encode(png: bytes, quality: int = QUALITY, fmt: str = FORMAT, scale: float = SCALE,
           max_height: int | None = None) -> bytes:
    """The screenshot as stored: the top `max_height` px of it (all when None), scaled, in
    `fmt` (WebP by default)."""
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGB")
        if max_height is not None and picture.height > max_height:
            picture = picture.crop((0, 0, picture.width, max_height))
        if scale != 1.0:
            picture = picture.resize((max(1, round(picture.width * scale)),
                                      max(1, round(picture.height * scale))),
                                     Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        options = {"quality": quality, "method": 4} if fmt == "WEBP" else \
            ({"optimize": True} if fmt == "PNG" else {"quality": quality})
        picture.save(buffer, fmt, **options)
        return buffer.getvalue()


def thumbnail(data: bytes, width: int = THUMB_WIDTH) -> bytes:
    """A small WebP of a stored screenshot, `width` pixels wide, for the report."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        height = max(1, round(image.height * width / max(1, image.width)))
        small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        small.save(buffer, "WEBP", quality=70)
        return buffer.getvalue()
