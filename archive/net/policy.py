"""Which network addresses a crawl may connect to: only global ones, unless told otherwise.

A news archive follows whatever links an article cites, so without this rule any page could
point the crawler at the machine's own services, the LAN or a cloud metadata endpoint. This
module is pure (no I/O, no Scrapy): the crawler applies it to IP-literal hosts before a request
is sent, to every DNS answer at the resolver that makes the connection, and to the address the
response actually came from.

Hosts are read the way browsers (the WHATWG URL standard) and `inet_aton` read them, so
`2130706433`, `0177.0.0.1`, `0x7f.1` and `127.1` are all 127.0.0.1. IPv6 forms that carry an
IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo) are
judged by the IPv4 addresses inside them.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Every IPv4 range that is not the public internet (IANA special-purpose registry, plus
# 100.64/10 and multicast, which Python's `is_private` does not flag).
IPV4_BLOCKED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/8"), "'this network' 0.0.0.0/8 (0.0.0.0 reaches the local machine)"),
    (_V4("10.0.0.0/8"), "private network 10.0.0.0/8"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT 100.64.0.0/10"),
    (_V4("127.0.0.0/8"), "loopback 127.0.0.0/8"),
    (_V4("169.254.169.254/32"), "cloud metadata endpoint 169.254.169.254"),
    (_V4("169.254.0.0/16"), "link-local 169.254.0.0/16"),
    (_V4("172.16.0.0/12"), "private network 172.16.0.0/12"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments 192.0.0.0/24"),
    (_V4("192.0.2.0/24"), "documentation 192.0.2.0/24"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast 192.88.99.0/24"),
    (_V4("192.168.0.0/16"), "private network 192.168.0.0/16"),
    (_V4("198.18.0.0/15"), "benchmarking 198.18.0.0/15"),
    (_V4("198.51.100.0/24"), "documentation 198.51.100.0/24"),
    (_V4("203.0.113.0/24"), "documentation 203.0.113.0/24"),
    (_V4("224.0.0.0/4"), "multicast 224.0.0.0/4"),
    (_V4("240.0.0.0/4"), "reserved 240.0.0.0/4 (and broadcast)"),
)

# IPv6 ranges refused outright. Anything outside 2000::/3 is refused too (below).
IPV6_BLOCKED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified address ::"),
    (_V6("::1/128"), "loopback ::1"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64 64:ff9b:1::/48"),
    (_V6("100::/64"), "discard-only 100::/64"),
    (_V6("2001:db8::/32"), "documentation 2001:db8::/32"),
    (_V6("2001::/23"), "IETF protocol assignments 2001::/23"),
    (_V6("3fff::/20"), "documentation 3fff::/20"),
    (_V6("5f00::/16"), "segment routing 5f00::/16"),
    (_V6("fc00::/7"), "unique-local fc00::/7"),
    (_V6("fe80::/10"), "link-local fe80::/10"),
    (_V6("fec0::/10"), "site-local fec0::/10"),
    (_V6("ff00::/8"), "multicast ff00::/8"),
)
_GLOBAL_UNICAST = _V6("2000::/3")
_NAT64 = _V6("64:ff9b::/96")
_TEREDO = _V6("2001::/32")

_HEX_PART = re.compile(r"0[xX][0-9A-Fa-f]*")
_OCT_PART = re.compile(r"0[0-7]+")
_DEC_PART = re.compile(r"[0-9]+")


class HostSyntaxError(ValueError):
    """A host that looks like an IP address but is not a valid one (e.g. `1.2.3.999`)."""


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, in any spelling; None when the host is a name.

    >>> str(parse_ip_host("2130706433"))
    '127.0.0.1'
    >>> str(parse_ip_host("0177.0.0.01")), str(parse_ip_host("0x7f.1"))
    ('127.0.0.1', '127.0.0.1')
    >>> str(parse_ip_host("[::ffff:127.0.0.1]"))
    '::ffff:7f00:1'
    >>> parse_ip_host("news.example") is None
    True
    """
    text = host.strip().lower()
    if text.startswith("[") or ":" in text:
        return _parse_ipv6(text.strip("[]"))
    return parse_ipv4_host(text)


def parse_ipv4_host(host: str) -> ipaddress.IPv4Address | None:
    """Read a host as the WHATWG URL parser does: 1 to 4 dot-separated decimal, octal
    (leading 0) or hex (0x) numbers, the last one filling the remaining bytes.

    A host whose last label is a number must be an IPv4 address; one that is not valid as
    such raises HostSyntaxError (browsers refuse it, resolvers disagree about it).
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot is allowed, as in a fully qualified name
    if not _is_number(parts[-1]):
        return None
    if len(parts) > 4:
        raise HostSyntaxError(f"{host!r} has more than four numeric parts")
    try:
        numbers = [_number(part) for part in parts]
    except ValueError:
        raise HostSyntaxError(f"{host!r} is not a valid IPv4 address") from None
    if any(number > 255 for number in numbers[:-1]):
        raise HostSyntaxError(f"{host!r} has a part over 255")
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        raise HostSyntaxError(f"{host!r} is out of range for an IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _is_number(part: str) -> bool:
    return bool(_DEC_PART.fullmatch(part) or _HEX_PART.fullmatch(part))


def _number(part: str) -> int:
    if part == "":
        raise ValueError("empty part")
    if _HEX_PART.fullmatch(part):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        if not _OCT_PART.fullmatch(part):
            raise ValueError(f"not an octal number: {part!r}")
        return int(part, 8)
    if _DEC_PART.fullmatch(part):
        return int(part, 10)
    raise ValueError(f"not a number: {part!r}")


def _parse_ipv6(text: str) -> ipaddress.IPv6Address:
    address = text.split("%", 1)[0]  # a zone (%eth0, %25eth0) does not change the address
    try:
        return ipaddress.IPv6Address(address)
    except ValueError:
        raise HostSyntaxError(f"{text!r} is not a valid IPv6 address") from None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip in _NAT64:
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo  # (server, client)
    return ()


def non_global_reason(ip: IPAddress) -> str | None:
    """Why `ip` is not a public internet address, or None when it is one.

    >>> non_global_reason(ipaddress.ip_address("100.64.1.1"))
    'carrier-grade NAT 100.64.0.0/10'
    >>> non_global_reason(ipaddress.ip_address("2002:7f00:1::"))
    '6to4 address wrapping 127.0.0.1: loopback 127.0.0.0/8'
    >>> non_global_reason(ipaddress.ip_address("93.184.216.34")) is None
    True
    """
    if isinstance(ip, ipaddress.IPv4Address):
        for network, label in IPV4_BLOCKED:
            if ip in network:
                return label
        return None
    inner = embedded_ipv4(ip)
    if inner:
        kind = _wrapper_kind(ip)
        for address in inner:
            reason = non_global_reason(address)
            if reason is not None:
                return f"{kind} wrapping {address}: {reason}"
        return None  # the connection really goes to the public IPv4 address inside
    for block, label in IPV6_BLOCKED:
        if ip in block:
            return label
    if ip not in _GLOBAL_UNICAST:
        return "not a global unicast IPv6 address (outside 2000::/3)"
    return None


def _wrapper_kind(ip: ipaddress.IPv6Address) -> str:
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped address"
    if ip in _NAT64:
        return "NAT64 address"
    if ip.sixtofour is not None:
        return "6to4 address"
    return "Teredo address"


def parse_networks(values: Iterable[str] | str | None) -> tuple[IPNetwork, ...]:
    """Networks from a list (or a comma-separated string) of CIDRs or single addresses.

    >>> [str(n) for n in parse_networks("10.1.0.0/16, 127.0.0.1")]
    ['10.1.0.0/16', '127.0.0.1/32']
    """
    if values is None:
        return ()
    if isinstance(values, str):
        values = [value for value in values.split(",") if value.strip()]
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not a network (e.g. 10.1.0.0/16) "
                             "or an address") from None
    return tuple(networks)


@dataclass(frozen=True)
class AddressPolicy:
    """The address rule of one crawl: global addresses only, plus any networks allowed.

    `allow_all` (what `--allow-private` sets) lifts the rule entirely; `allowed` lifts it for
    some networks only (an intranet, or one loopback address in tests).
    """

    allow_all: bool = False
    allowed: tuple[IPNetwork, ...] = ()

    def refusal(self, ip: IPAddress | str) -> str | None:
        """Why a connection to `ip` is refused, or None when it is allowed."""
        if self.allow_all:
            return None
        if isinstance(ip, str):
            parsed = parse_ip_host(ip)
            if parsed is None:
                return f"{ip!r} is not an IP address"
            ip = parsed
        reason = non_global_reason(ip)
        if reason is None or self._explicitly_allowed(ip):
            return None
        return f"{ip} is {reason}"

    def host_refusal(self, host: str) -> str | None:
        """Why a URL host that is an IP literal is refused (None for names and allowed IPs).

        Raises HostSyntaxError for hosts that are neither a valid IP address nor a name.
        """
        ip = parse_ip_host(host)
        if ip is None:
            return None
        return self.refusal(ip)

    def answers_refusal(self, addresses: Iterable[str]) -> str | None:
        """Why a DNS answer is refused: any one non-global address refuses the whole answer,
        since the connection may go to any of them."""
        for address in addresses:
            try:
                reason = self.refusal(_parse_ipv6(address) if ":" in address
                                      else ipaddress.IPv4Address(address))
            except (HostSyntaxError, ValueError):
                return f"unreadable address {address!r} in the answer"
            if reason is not None:
                return reason
        return None

    def _explicitly_allowed(self, ip: IPAddress) -> bool:
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address):
            candidates.extend(embedded_ipv4(ip))
        return any(candidate.version == network.version and candidate in network
                   for candidate in candidates for network in self.allowed)
