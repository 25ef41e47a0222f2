"""The metadata fields that say how a page's text was extracted and hashed.

Shared by the crawl's extraction pool and by `palimpsest import`, so a page imported from
another tool's WARC is described exactly as a crawled one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from archive.extract.article import EXTRACTOR, EXTRACTOR_VERSION, Extraction, extract_parsed
from archive.extract.language import PageLanguage, page_language
from archive.extract.normalize import NORMALIZATION_VERSION, compile_ignore, text_hash
from archive.extract.requisites import Requisite, page_requisites


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return compile_ignore(patterns)


def describe_extraction(extraction: Extraction, ignore: tuple[str, ...],
                        language: PageLanguage | None = None) -> tuple[str | None, dict[str, Any]]:
    """The text hash (None unless extraction succeeded) and the metadata fields it comes with,
    the page's language among them when known (archive.extract.language)."""
    digest = body_digest = None
    if extraction.status == "ok":
        digest = text_hash(extraction.title, extraction.text, _compiled(ignore))
        # The body alone: tells a headline A/B test (same body) from an edit that also
        # rewrote the headline (archive/versions/headlines.py). Never decides a version.
        body_digest = text_hash(None, extraction.text, _compiled(ignore))
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
        "body_hash": body_digest,
    }
    if extraction.headlines is not None:
        # Recorded, never hashed: a change to one of them alone is its own kind of edit.
        fields.update(extraction.headlines.fields())
    if language is not None:
        fields.update(language.fields())
    return digest, {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class DescribedPage:
    """An extraction with its text hash and metadata fields, made in one go."""

    extraction: Extraction
    text_hash: str | None
    fields: dict[str, Any]
    # What the page needs to render, found on the extraction's own parse when asked for;
    # None when not asked for or when there was no parse (the caller looks for itself).
    requisites: tuple[Requisite, ...] | None = None


def extract_and_describe(body: bytes, url: str | None, content_type: str | None,
                         ignore: tuple[str, ...],
                         content_language: str | None = None,
                         requisites: bool = False) -> DescribedPage:
    """Extract a page and hash its text: the crawl runs this whole in an extraction worker,
    so normalising and hashing the text (and finding its language) costs the reactor thread
    nothing. `content_language` is the response's Content-Language header. `requisites`:
    also list what the page needs to render (archive.extract.requisites), from the same
    parse rather than a second one."""
    extraction, tree = extract_parsed(body, url, content_type)
    digest, fields = describe_extraction(extraction, ignore,
                                         language_of(extraction, body, content_language))
    found = None
    if requisites and tree is not None:
        found = tuple(page_requisites(tree, url or ""))
    return DescribedPage(extraction, digest, fields, found)


def describe_page(extraction: Extraction, ignore: tuple[str, ...]) -> DescribedPage:
    """The same for an extraction decided without running the extractor (a truncated page)."""
    digest, fields = describe_extraction(extraction, ignore)
    return DescribedPage(extraction, digest, fields)


def language_of(extraction: Extraction, body: bytes | None,
                content_language: str | None = None) -> PageLanguage | None:
    """The language of an extracted page (None for pages that are no article)."""
    if extraction.status != "ok":
        return None
    return page_language(body, f"{extraction.title or ''}\n{extraction.text}", content_language)
