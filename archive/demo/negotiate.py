"""How the demo servers read request headers: gzip negotiation and conditional requests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (explicitly or by ``*``) with q > 0.

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip("*")
    (True, False, True)
    >>> accepts_gzip(""), accepts_gzip("identity")
    (False, False)
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        weights[coding.strip().lower()] = quality
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def is_not_modified(etag: str, last_modified: datetime | None, headers: Mapping[str, str]) -> bool:
    """Whether a conditional GET may be answered 304 (RFC 9110 section 13.2.2).

    `headers` is looked up by lower-case name (a lower-cased dict, or an ``email.message.Message``,
    which ignores case). If-None-Match decides when present, else If-Modified-Since.
    """
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparseable date is ignored, as the RFC says
    return since.tzinfo is not None and last_modified <= since
