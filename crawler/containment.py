"""Network containment for the crawl: what may be fetched, and the bookkeeping of refusals.

The rule itself lives in `archive.net.policy` (pure and property-tested). This module reads it
from the crawl settings, judges URLs with it, and remembers which host names the resolver
refused, so the downloader middleware can report a refused DNS answer as a refusal rather
than as an ordinary lookup failure. Three layers apply it, each where it cannot be bypassed:

1. `RequestGuard` (a downloader middleware) checks every request before it is sent: the seed,
   every cited link, robots.txt, and every redirect hop (RedirectMiddleware's new requests
   pass through the downloader middlewares again);
2. `GuardedResolver` checks every DNS answer the connection is made to;
3. `ResponseGuard` and the WARC extension check the address the response came from, so a
   refused response is never archived nor parsed.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlsplit

from archive.limits import MAX_URL_LENGTH
from archive.net.policy import AddressPolicy, HostSyntaxError, parse_networks
from archive.net.urls import ALLOWED_SCHEMES, UnsafeURLError, check_url_syntax

logger = logging.getLogger(__name__)

REFUSED_META = "palimpsest_refused"  # request.meta: the kind of refusal already counted


def address_policy(settings: Any) -> AddressPolicy:
    """The crawl's address rule from PALIMPSEST_ALLOW_PRIVATE and PALIMPSEST_ALLOWED_NETWORKS."""
    networks = settings.get("PALIMPSEST_ALLOWED_NETWORKS") or ()
    return AddressPolicy(allow_all=settings.getbool("PALIMPSEST_ALLOW_PRIVATE"),
                         allowed=parse_networks(networks))


def url_refusal(url: str, policy: AddressPolicy) -> tuple[str, str] | None:
    """(kind, reason) when `url` must not be fetched, else None.

    Kinds: `scheme` (not http/https; no setting lifts it), `url` (a URL parsers could read
    differently, or a malformed host), `address` (an IP-literal host that is not global).
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return "scheme", f"scheme {scheme or '(none)'!r} is never fetched (only http and https)"
    if len(url) > MAX_URL_LENGTH:  # a redirect can lead anywhere; keep WARC headers bounded
        return "url", f"URL of {len(url)} characters is over {MAX_URL_LENGTH}"
    try:
        check_url_syntax(url)
    except UnsafeURLError as exc:
        return "url", str(exc)
    for host in _hosts_as_parsed(url):
        try:
            reason = policy.host_refusal(host)
        except HostSyntaxError as exc:
            return "url", str(exc)
        if reason is not None:
            return "address", reason
    return None


def _hosts_as_parsed(url: str) -> set[str]:
    """The host as Python reads the URL and as Twisted (which makes the connection) reads it;
    checking both closes the gap a parser differential would open (GHSA-rph4-96w6-q594)."""
    from twisted.web.client import URI

    hosts = {urlsplit(url).hostname or ""}
    try:
        hosts.add(URI.fromBytes(url.encode("ascii", "surrogateescape")).host.decode("latin-1"))
    except Exception:  # Twisted cannot read it: then it cannot connect with it either
        pass
    return {host for host in hosts if host}


def host_key(host: str) -> str:
    """One spelling of a host name for both the resolver's and the URL's view of it."""
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


class RefusedNames:
    """Host names whose DNS answers the resolver refused, with the reason (thread-safe: the
    resolver runs in the reactor's thread pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reasons: dict[str, str] = {}

    def record(self, host: str, reason: str) -> None:
        with self._lock:
            self._reasons[host_key(host)] = reason

    def forget(self, host: str) -> None:
        with self._lock:
            self._reasons.pop(host_key(host), None)

    def reason(self, host: str) -> str | None:
        with self._lock:
            return self._reasons.get(host_key(host))


# One crawl per process (Twisted's reactor starts once), so one book per process.
REFUSED_NAMES = RefusedNames()


def is_robots_request(request: Any) -> bool:
    """Scrapy's own robots.txt fetches: refused quietly, since the page itself is counted."""
    from scrapy.http.request import NO_CALLBACK

    return request.callback is NO_CALLBACK and urlsplit(request.url).path == "/robots.txt"


def count_refusal(crawler: Any, request: Any, kind: str, reason: str) -> None:
    """Log and count one refused request (robots.txt fetches are only logged)."""
    if is_robots_request(request):
        logger.debug("refused %s (%s): %s", request.url, kind, reason)
        return
    request.meta[REFUSED_META] = kind
    if request.meta.get("palimpsest_requisite"):
        # A page's requisite: counted with the requisites (crawler/requisites/fetch.py).
        logger.info("refused requisite %s (%s): %s", request.url, kind, reason)
        return
    if crawler.stats is not None:
        crawler.stats.inc_value(f"palimpsest/refused/{kind}")
    logger.warning("refused %s (%s): %s", request.url, kind, reason)
