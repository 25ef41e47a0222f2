"""Downloader middlewares that enforce network containment on every request and response.

`RequestGuard` runs first of all downloader middlewares (priority 10), so nothing (not even a
robots.txt fetch) leaves for a refused URL. `ResponseGuard` sits above RedirectMiddleware and
HttpCompressionMiddleware (priority 950): it sees each response before a redirect is followed
or a body inflated, and each download error before RetryMiddleware would retry it.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from archive.net.policy import AddressPolicy
from archive.net.urls import ALLOWED_SCHEMES
from crawler.containment import REFUSED_NAMES, address_policy, count_refusal, url_refusal

logger = logging.getLogger(__name__)

_LOOKUP_FAILURES = {"DNSLookupError", "CannotResolveHostError"}


class RequestGuard:
    """Refuses requests for other schemes, ambiguous URLs and non-global IP literals."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = address_policy(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RequestGuard":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        refusal = url_refusal(request.url, self.policy)
        if refusal is not None:
            kind, reason = refusal
            count_refusal(self.crawler, request, kind, reason)
            raise IgnoreRequest(f"refused ({kind}): {reason}")


class ResponseGuard:
    """Refuses responses from non-global addresses, redirects to other schemes, and turns a
    DNS answer the resolver refused into a counted refusal."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = address_policy(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ResponseGuard":
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        reason = connected_address_refusal(request, response, self.policy)
        if reason is not None:
            self._refuse(request, "connected-address", reason)
        target = redirect_target(request, response)
        if target is not None:
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                # RedirectMiddleware would drop this silently and hand the 3xx on as a page.
                self._refuse(request, "scheme", f"redirects to {target[:200]!r}: scheme "
                                                f"{scheme or '(none)'!r} is never fetched")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if type(exception).__name__ not in _LOOKUP_FAILURES:
            return None
        host = urlsplit(request.url).hostname or ""
        reason = REFUSED_NAMES.reason(host)
        if reason is not None:
            self._refuse(request, "dns", f"{host} resolves to {reason}")
        return None

    def _refuse(self, request: Request, kind: str, reason: str) -> None:
        count_refusal(self.crawler, request, kind, reason)
        raise IgnoreRequest(f"refused ({kind}): {reason}")


def connected_address_refusal(request: Request, response: Response,
                              policy: AddressPolicy) -> str | None:
    """Why the address a response came from is refused (None if allowed or unknown).

    Through a proxy the address is the proxy's, which the operator chose: not judged here.
    """
    if request.meta.get("proxy") or response.ip_address is None:
        return None
    return policy.refusal(response.ip_address)


def redirect_target(request: Request, response: Response) -> str | None:
    """Where a 3xx response points, resolved the way RedirectMiddleware resolves it."""
    if response.status not in (301, 302, 303, 307, 308):
        return None
    location = response.headers.get(b"Location")
    if not location:
        return None
    return urljoin(request.url, safe_url_string(location))
