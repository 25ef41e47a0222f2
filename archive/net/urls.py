"""URL syntax checks and the canonical form under which a page is tracked.

Only http and https are ever fetched. URLs that different parsers could read differently
(backslashes, credentials, control characters) are refused outright: the hostname one parser
sees must be the hostname the connection goes to.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.net.policy import HostSyntaxError, parse_ip_host

ALLOWED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only say where a click came from; an article is the same without them.
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|_ga|ref_src)$", re.I
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class UnsafeURLError(ValueError):
    """A URL Palimpsest will not fetch, with the reason in the message."""


# `example.org:8080/x`: a host (with a dot) and a port, no scheme; not `mailto:` or `tel:`.
_HOST_PORT = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+:\d+(/.*)?", re.I | re.S)


def check_url_syntax(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL, or raise UnsafeURLError.

    >>> check_url_syntax("HTTPS://Example.ORG:443/a b?x=1#top")
    'https://example.org/a%20b?x=1'
    >>> check_url_syntax("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    archive.net.urls.UnsafeURLError: scheme 'file' is not fetched (only http and https)
    """
    if "\\" in url:
        raise UnsafeURLError("backslash in URL (parsers disagree on where the host ends)")
    stripped = url.strip()
    if _CONTROL.search(stripped.replace(" ", "")):
        raise UnsafeURLError("control character in URL")
    stripped = stripped.replace(" ", "%20")
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if not scheme or _HOST_PORT.fullmatch(stripped):
        # `example.org/x`, or `example.org:8080/x`, which urlsplit reads as scheme
        # 'example.org': say what is missing rather than name a scheme nobody wrote.
        raise UnsafeURLError("no scheme: write the URL whole, starting with https:// or "
                             "http://")
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "(none)"
        raise UnsafeURLError(f"scheme {shown!r} is not fetched (only http and https)")
    if "@" in parts.netloc:
        raise UnsafeURLError("credentials in URL are refused (user@host)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURLError("URL has no host")
    netloc = _canonical_host(host)
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    path = remove_dot_segments(parts.path or "/")
    return urlunsplit((scheme, netloc.lower(), path, parts.query, ""))


def _canonical_host(host: str) -> str:
    """The host as browsers write it: an IPv4 address in any spelling (`2130706433`,
    `0x7f.1`) becomes dotted decimal, so every check sees the address really meant."""
    if ":" not in host and "%" in host:
        # Browsers decode it, socket libraries do not: parsers would disagree on the host.
        raise UnsafeURLError(f"percent-encoded host {host!r}")
    try:
        ip = parse_ip_host(host)
    except HostSyntaxError as exc:
        raise UnsafeURLError(f"malformed host: {exc}") from None
    if ip is None:
        return host
    return f"[{ip.compressed}]" if ip.version == 6 else str(ip)


_DOT = {".", "%2e"}
_DOTDOT = {"..", ".%2e", "%2e.", "%2e%2e"}


def remove_dot_segments(path: str) -> str:
    """Resolve `.` and `..` segments (also percent-encoded ones) as browsers do, so
    `/a/./b/../c` is tracked as the `/a/c` every browser requests; never above the root.

    >>> remove_dot_segments("/news/../%2e%2e/./2020/x")
    '/2020/x'
    >>> remove_dot_segments("/a/b/..")
    '/a/'
    """
    if not path.startswith("/"):
        path = "/" + path
    out: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        lowered = segment.lower()
        if lowered in _DOTDOT:
            if out:
                out.pop()
            if last:
                out.append("")
        elif lowered in _DOT:
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def canonical_url(url: str) -> str:
    """The URL a page is tracked under: canonical syntax without click-tracking parameters.

    >>> canonical_url("https://news.example/a?utm_source=rss&id=7#c")
    'https://news.example/a?id=7'
    """
    checked = check_url_syntax(url)
    parts = urlsplit(checked)
    if not parts.query:
        return checked
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)]
    query = urlencode(kept, doseq=True) if len(kept) != _count_params(parts.query) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def host_of(url: str) -> str:
    """The lower-case host name of a URL ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def _count_params(query: str) -> int:
    return len(parse_qsl(query, keep_blank_values=True))
