"""The shape of a queued request in Redis: versioned JSON that can only ever become data.

scrapy-redis serialises requests with pickle by default, and whoever can write one key of the
shared queue then runs code on every worker that pops it. Here a queued request is a small JSON
object with an explicit version and a closed set of fields, each checked for its type and size
when it is read back. Anything else (a pickle, garbage, an unknown field, a 10 MB entry) is
refused with a reason the scheduler counts; nothing in it reaches the downloader.

    {"v": 1, "url": "https://...", "callback": "page", "priority": 0, "dont_filter": false,
     "headers": {"If-None-Match": "..."},
     "meta": {"palimpsest": {"seed": 0, "role": "article", "hop": 0}, "depth": 1}}

Only plain meta survives the trip: what the spider itself puts there (seed position, role,
hop, the citing capture), Scrapy's redirect and depth bookkeeping, and the robots opt-out.
Everything else in a request's meta is per-process state (the capture just written, a lease,
a politeness slot, download timings) that the receiving worker sets afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

WIRE_VERSION = 1
# A real entry is a URL plus a few small fields: well under 16 KB even with a long redirect
# chain and a URL at the crawler's own length limit. Anything much bigger is not ours.
MAX_ENTRY_BYTES = 64 * 1024
MAX_URL_CHARS = 8192
MAX_LIST_ITEMS = 50

# Callback names on the wire, and the spider methods they stand for. Nothing else is callable.
CALLBACKS = {"page": "parse_page", "listing": "parse_listing", "feed": "parse_feed",
             "sitemap": "parse_sitemap"}
ROLES = frozenset({"article", "source", "listing", "feed", "sitemap"})
# The request headers a queued request carries: its conditional validators. Every other header
# (user agent, cookies, Accept...) is added by the receiving worker's own middlewares.
HEADERS = ("If-None-Match", "If-Modified-Since")

# Why an entry was refused (counted under these names by the scheduler and `status`).
PICKLE = "pickle"          # queued by an older Palimpsest (or an attacker): never unpickled
TOO_LARGE = "too-large"    # over MAX_ENTRY_BYTES (dropped inside Redis, never transferred)
NOT_JSON = "not-json"      # not UTF-8 JSON
VERSION = "version"        # a wire version this Palimpsest does not read
SHAPE = "shape"            # a missing, unknown or mistyped field
REFUSED_URL = "refused-url"  # a URL the network guard refuses (scheme, syntax, address)
REASONS = (PICKLE, TOO_LARGE, NOT_JSON, VERSION, SHAPE, REFUSED_URL)


class EntryRejected(ValueError):
    """A queue entry that is not a request this Palimpsest wrote."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class QueuedRequest:
    """A request as the shared queue holds it: plain, checked data."""

    url: str
    callback: str  # a key of CALLBACKS
    priority: int = 0
    dont_filter: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def dumps(entry: QueuedRequest) -> bytes:
    """The entry as compact JSON (keys sorted, so equal requests are equal bytes)."""
    document = {"v": WIRE_VERSION, "url": entry.url, "callback": entry.callback,
                "priority": entry.priority, "dont_filter": entry.dont_filter,
                "headers": dict(entry.headers), "meta": plain_meta(entry.meta)}
    return json.dumps(document, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def loads(payload: bytes) -> QueuedRequest:
    """Read an entry back, or raise EntryRejected saying why it is not one of ours."""
    if len(payload) > MAX_ENTRY_BYTES:
        raise EntryRejected(TOO_LARGE, f"{len(payload)} bytes (at most {MAX_ENTRY_BYTES})")
    if payload[:1] == b"\x80":  # pickle protocol 2 and later start with PROTO (0x80)
        raise EntryRejected(PICKLE, "a pickled request (written by Palimpsest before JSON "
                                    "queues, or by someone else); not loaded")
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EntryRejected(NOT_JSON, str(exc)[:200]) from None
    if not isinstance(document, dict):
        raise EntryRejected(SHAPE, f"a JSON {type(document).__name__}, not an object")
    if document.get("v") != WIRE_VERSION:
        raise EntryRejected(VERSION, f"wire version {str(document.get('v'))[:20]!r} "
                                     f"(this Palimpsest reads {WIRE_VERSION})")
    _only(document, {"v", "url", "callback", "priority", "dont_filter", "headers", "meta"},
          "entry")
    url = _text(document.get("url"), "url", MAX_URL_CHARS)
    callback = document.get("callback")
    if callback not in CALLBACKS:
        raise EntryRejected(SHAPE, f"callback {str(callback)[:40]!r} is not one of "
                                   f"{', '.join(CALLBACKS)}")
    return QueuedRequest(
        url=url, callback=callback,
        priority=_integer(document.get("priority", 0), "priority", -10**6, 10**6),
        dont_filter=_flag(document.get("dont_filter", False), "dont_filter"),
        headers=_headers(document.get("headers", {})),
        meta=_meta(document.get("meta", {})),
    )


def plain_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The part of a request's meta that travels with it (see the module's docstring)."""
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        if key == "palimpsest":
            kept[key] = {k: v for k, v in value.items() if k in _SPIDER_META}
        elif key in _SCRAPY_META:
            kept[key] = value
    return kept


# -- checking, field by field -------------------------------------------------------------------

def _meta(value: Any) -> dict[str, Any]:
    meta = _object(value, "meta")
    _only(meta, {"palimpsest", *_SCRAPY_META}, "meta")
    checked: dict[str, Any] = {}
    for key, item in meta.items():
        if key == "palimpsest":
            checked[key] = _spider_meta(item)
        else:
            checked[key] = _SCRAPY_META[key](item, f"meta.{key}")
    return checked


def _spider_meta(value: Any) -> dict[str, Any]:
    info = _object(value, "meta.palimpsest")
    _only(info, set(_SPIDER_META), "meta.palimpsest")
    if "seed" not in info or "role" not in info:
        raise EntryRejected(SHAPE, "meta.palimpsest needs 'seed' and 'role'")
    return {key: _SPIDER_META[key](item, f"meta.palimpsest.{key}") for key, item in info.items()}


def _headers(value: Any) -> dict[str, str]:
    headers = _object(value, "headers")
    _only(headers, set(HEADERS), "headers")
    return {name: _text(item, f"headers.{name}", 1024) for name, item in headers.items()}


def _only(document: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise EntryRejected(SHAPE, f"unknown field{'s' if len(unknown) > 1 else ''} in "
                                   f"{where}: {', '.join(k[:40] for k in unknown[:5])}")


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EntryRejected(SHAPE, f"{where} is not an object")
    return value


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise EntryRejected(SHAPE, f"{where} is not a string of 1-{limit} characters")
    return value


def _integer(value: Any, where: str, low: int = 0, high: int = 1000) -> int:
    # bool is an int in Python; a true/false where a number belongs is not ours.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EntryRejected(SHAPE, f"{where} is not a whole number from {low} to {high}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise EntryRejected(SHAPE, f"{where} is not true or false")
    return value


def _role(value: Any, where: str) -> str:
    if value not in ROLES:
        raise EntryRejected(SHAPE, f"{where} is not one of {', '.join(sorted(ROLES))}")
    return str(value)


def _urls(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise EntryRejected(SHAPE, f"{where} is not a list of at most {MAX_LIST_ITEMS}")
    return [_text(item, where, MAX_URL_CHARS) for item in value]


def _reasons(value: Any, where: str) -> list[int | str]:
    # Scrapy records each redirect's status code, or "meta refresh".
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise EntryRejected(SHAPE, f"{where} is not a list of at most {MAX_LIST_ITEMS}")
    return [_integer(item, where, 100, 599) if not isinstance(item, str)
            else _text(item, where, 40) for item in value]


def _cited_by(value: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise EntryRejected(SHAPE, f"{where} is not a list of at most {MAX_LIST_ITEMS}")
    cited = []
    for item in value:
        entry = _object(item, where)
        _only(entry, {"url", "record_id"}, where)
        cited.append({"url": _text(entry.get("url"), f"{where}.url", MAX_URL_CHARS),
                      "record_id": _text(entry.get("record_id"), f"{where}.record_id", 200)})
    return cited


# What the spider puts in meta["palimpsest"] (crawler/spiders/snapshot.py), with its checks.
_SPIDER_META = {
    "seed": lambda v, w: _integer(v, w, 0, 10**6),
    "role": _role,
    "hop": lambda v, w: _integer(v, w, 0, 10),
    "is_seed": _flag,
    "depth": lambda v, w: _integer(v, w, 0, 10),
    "cited_by": _cited_by,
}
# Scrapy's own plain meta that must survive a trip through the queue: the redirect chain (so
# loops and limits still hold), depth, and the robots.txt opt-out of a seed.
_SCRAPY_META = {
    "dont_obey_robotstxt": _flag,
    "depth": lambda v, w: _integer(v, w, 0, 1000),
    "redirect_urls": _urls,
    "redirect_times": lambda v, w: _integer(v, w, 0, 1000),
    "redirect_ttl": lambda v, w: _integer(v, w, -1000, 1000),
    "redirect_reasons": _reasons,
}
