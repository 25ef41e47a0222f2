"""One page's requisite caps, and the list of what became of each requisite.

The caps (settings in crawler/settings.py) bound what one page can cost: how many requisites
it may list, how many bytes they may bring in all, how many one of them may bring. The byte
cap is kept strictly: each download is allowed only what is left once the downloads already
running have reserved theirs, and runs no more than that (Scrapy cancels it past its
`download_maxsize`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_LISTED = 1000  # skipped entries a pageinfo lists; past them only counts are kept


@dataclass(frozen=True)
class Caps:
    count: int = 200                        # requisites per page
    total_bytes: int = 32 * 1024 * 1024     # bytes per page, all requisites together
    resource_bytes: int = 8 * 1024 * 1024   # bytes of one requisite
    css_depth: int = 3                      # stylesheet -> @import -> @import ...

    @property
    def parallel(self) -> int:
        """Downloads one page runs at once: as many as its byte cap can reserve in full."""
        return max(1, min(8, self.total_bytes // max(1, self.resource_bytes)))


@dataclass
class PageBudget:
    """What one page has spent of its caps, and its requisites' entries."""

    caps: Caps
    listed: int = 0
    used_bytes: int = 0
    reserved: int = 0
    # at most the count cap, and what CSS adds
    served: list[dict[str, Any]] = field(default_factory=list)
    skipped_entries: list[dict[str, Any]] = field(default_factory=list)
    unlisted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def admit(self) -> str | None:
        """Count one more requisite; the cap that refuses it, if any."""
        if self.listed >= self.caps.count:
            return "count-cap"
        self.listed += 1
        return None

    def reserve(self) -> int:
        """Bytes the next download may bring (0: the page's byte cap is spent)."""
        allowed = min(self.caps.resource_bytes,
                      self.caps.total_bytes - self.used_bytes - self.reserved)
        if allowed <= 0:
            return 0
        self.reserved += allowed
        return allowed

    def settle(self, reserved: int, used: int) -> None:
        self.reserved -= reserved
        self.used_bytes += used

    def record(self, entry: dict[str, Any]) -> None:
        if entry.get("outcome") != "skipped":
            self.served.append(entry)
            return
        reason = entry.get("reason", "other")
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if len(self.skipped_entries) < MAX_LISTED:
            self.skipped_entries.append(entry)
        else:
            self.unlisted += 1

    @property
    def entries(self) -> list[dict[str, Any]]:
        """What the pageinfo lists: every requisite with a capture or a failure, then the
        skipped ones up to MAX_LISTED, in URL order."""
        return sorted(self.served, key=lambda e: e["url"]) + \
            sorted(self.skipped_entries, key=lambda e: e["url"])


def requisite_summary(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl summary's `requisites` object, from the crawl's stats (README: crawl --json)."""
    prefix = "palimpsest/requisites/"
    summary: dict[str, Any] = {name: int(stats.get(prefix + name, 0))
                     for name in ("pages", "fetched", "revisit", "not_modified", "fresh",
                                  "inline", "not-css", "bytes")}
    summary["not_css"] = summary.pop("not-css")
    for group in ("failed", "skipped"):
        summary[group] = {key[len(prefix) + len(group) + 1:]: int(value)
                          for key, value in sorted(stats.items())
                          if key.startswith(f"{prefix}{group}/")}
    return summary
