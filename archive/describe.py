"""The metadata fields that say how a page's text was extracted and hashed.

Shared by the crawl's extraction pipeline and by `palimpsest import`, so a page imported from
another tool's WARC is described exactly as a crawled one.
"""

from __future__ import annotations

from functools import lru_cache

from archive.extract import EXTRACTOR, EXTRACTOR_VERSION, Extraction
from archive.normalize import NORMALIZATION_VERSION, compile_ignore, text_hash


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]):
    return compile_ignore(patterns)


def describe_extraction(extraction: Extraction, ignore: tuple[str, ...]) -> tuple[str | None, dict]:
    """The text hash (None unless extraction succeeded) and the metadata fields it comes with."""
    digest = None
    if extraction.status == "ok":
        digest = text_hash(extraction.title, extraction.text, _compiled(ignore))
    fields = {
        "extractor": EXTRACTOR,
        "extractor_version": EXTRACTOR_VERSION,
        "normalization_version": NORMALIZATION_VERSION,
        "encoding": extraction.encoding,
        "encoding_source": extraction.encoding_source,
        "title": extraction.title,
        "byline": extraction.byline,
        "published": extraction.published,
        "modified": extraction.modified,
        "reason": extraction.reason,
        "text_length": len(extraction.text),
    }
    return digest, {key: value for key, value in fields.items() if value is not None}
