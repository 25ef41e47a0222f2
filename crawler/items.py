"""What the spider hands the pipeline: pages to extract and discovery pages to describe."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.archiver import CaptureResult
from archive.extract.describe import DescribedPage


@dataclass
class PageItem:
    """An article or a cited source, captured and ready for extraction."""

    url: str
    role: str  # article | source
    capture: CaptureResult
    extraction: DescribedPage | None  # None for a revisit: its text is the original's
    ignore: tuple[str, ...] = ()
    links: list[str] = field(default_factory=list)  # cited links found in the article region
    cited_by: list[dict[str, Any]] = field(default_factory=list)  # [{"url", "record_id"}]
    seed: str | None = None  # the seed URL this page was crawled under
    # the pageinfo fields listing its requisites
    requisites: dict[str, Any] = field(default_factory=dict)


@dataclass
class DiscoveryItem:
    """A listing, feed or sitemap: archived, and noted with the links it led to."""

    url: str
    role: str  # listing | feed | sitemap
    capture: CaptureResult
    discovered: list[str] = field(default_factory=list)
    error: str | None = None
    seed: str | None = None
    lastmods: dict[str, str] = field(default_factory=dict)  # publisher's date per listed URL
