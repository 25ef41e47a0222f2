"""The crawl's DNS resolver: refuses a name when any address it resolves to is not global.

Installed through Scrapy's TWISTED_DNS_RESOLVER setting, it is the resolver the connection
itself uses (Twisted's HostnameEndpoint asks the reactor's name resolver for every connection,
IP literals included), so there is no window between the check and the connection: the
addresses checked are the addresses connected to, on every resolution. That closes DNS
rebinding, where a name answers a public address to a checker and a private one to the
connection. It resolves IPv4 and IPv6 (Scrapy's default resolver resolves IPv4 only).
"""

from __future__ import annotations

import logging
import socket
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit
from urllib.request import getproxies

from twisted.internet._resolver import GAIResolver
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

from archive.net.policy import AddressPolicy
from crawler.containment import REFUSED_NAMES, RefusedNames, address_policy

logger = logging.getLogger(__name__)


class CheckedLookup:
    """`getaddrinfo` that returns no addresses at all when any answer is refused.

    Returning nothing makes the connection fail with a lookup error, which ResponseGuard
    reports as a refusal through `refused`. Proxy hosts the operator configured are trusted.
    """

    def __init__(self, policy: AddressPolicy, refused: RefusedNames = REFUSED_NAMES,
                 lookup: Callable[..., list[Any]] = socket.getaddrinfo,
                 trusted_hosts: frozenset[str] = frozenset()) -> None:
        self.policy = policy
        self.refused = refused
        self.lookup = lookup
        self.trusted_hosts = trusted_hosts

    def __call__(self, host: Any, port: Any, family: int = 0, type: int = 0,  # noqa: A002
                 proto: int = 0, flags: int = 0) -> list[Any]:
        name = host.decode("idna") if isinstance(host, bytes) else str(host)
        answers = self.lookup(host, port, family, type, proto, flags)
        if name.lower() in self.trusted_hosts:
            return answers
        reason = self.policy.answers_refusal(sockaddr[0] for *_, sockaddr in answers)
        if reason is not None:
            self.refused.record(name, reason)
            logger.debug("DNS answer for %s refused: %s", name, reason)
            return []
        self.refused.forget(name)
        return answers


@implementer(IHostnameResolver)
class GuardedResolver:
    """Twisted's getaddrinfo resolver with every answer checked by the crawl's address rule."""

    def __init__(self, reactor: Any, lookup: CheckedLookup) -> None:
        self.reactor = reactor
        self.lookup = lookup
        self._resolver = GAIResolver(reactor, getaddrinfo=lookup)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "GuardedResolver":
        # Scrapy passes its CrawlerProcess here; only its settings are used.
        settings = crawler.settings
        trusted = _proxy_hosts() if settings.getbool("HTTPPROXY_ENABLED", True) else frozenset()
        if trusted:
            logger.warning("requests may go through a proxy (%s): it resolves names itself, so "
                           "only IP literals and schemes are checked for those requests",
                           ", ".join(sorted(trusted)))
        return cls(reactor, CheckedLookup(address_policy(settings), trusted_hosts=trusted))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802
                        portNumber: int = 0,  # noqa: N803 - Twisted's interface names
                        addressTypes: Sequence[type] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        return self._resolver.resolveHostName(resolutionReceiver, hostName, portNumber,
                                              addressTypes, transportSemantics)


def _proxy_hosts() -> frozenset[str]:
    """Hosts of the proxies Scrapy's HttpProxyMiddleware would take from the environment."""
    hosts = set()
    for scheme, url in getproxies().items():
        if scheme in ("http", "https") and url:
            host = urlsplit(url if "://" in url else f"http://{url}").hostname
            if host:
                hosts.add(host.lower())
    return frozenset(hosts)
