"""Short, stable names for why a download failed: what the crawl summary counts.

Shared by the spider (pages) and the requisite capture (resources), so both count a timeout,
an oversized body or a refused connection under the same name.
"""

from __future__ import annotations


def ignored_reason(message: str) -> str | None:
    """IgnoreRequests that are failures of the download, not refusals by a rule."""
    if "DOWNLOAD_MAXSIZE" in message or "download max size" in message:
        return "too-large"
    if "max redirections" in message:
        return "too-many-redirects"
    return None


def exception_reason(exc: BaseException) -> str:
    """A short, stable name for a download failure: timeout, too-large, connection, ..."""
    name = type(exc).__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if "Cancelled" in name:
        # Nothing in Palimpsest cancels a download but Scrapy's DOWNLOAD_MAXSIZE check (on the
        # Content-Length or while the body streams in; it logs which).
        return "too-large"
    if "Connection" in name or "Refused" in name or "NeverReceived" in name \
            or name == "DownloadFailedError":
        return "connection"
    if "Resolve" in name or "DNS" in name:
        return "dns"
    return name
