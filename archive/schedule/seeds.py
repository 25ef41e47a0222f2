"""Seed lists in TOML: parsing and validation.

A seed file names what to crawl and how. Every problem is reported with the file, the entry and
what is wrong, and a file with any problem is rejected as a whole, so nothing is crawled from a
half-understood list.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.exceptions import ConfigError
from archive.extract.backtracking import check_pattern
from archive.limits import MAX_SEED_FILE_BYTES, MAX_URL_LENGTH
from archive.net.urls import UnsafeURLError, check_url_syntax
from archive.timeutil import parse_duration

SEED_TYPES = ("page", "listing", "feed", "sitemap")
ROBOTS_POLICIES = ("obey", "ignore")
MAX_SOURCE_HOPS = 5
# Collection names become directory names; keep them to a safe alphabet.
COLLECTION_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

_POLICY_KEYS = {"every", "sources", "source_hosts", "ignore", "robots"}
_TOP_KEYS = {"collection", "defaults", "seed", "notify"}
_SEED_KEYS = {"url", "type", "articles"} | _POLICY_KEYS


@dataclass(frozen=True)
class SeedPolicy:
    """How a seed (and what is found from it) is crawled."""

    every: timedelta = timedelta(hours=1)
    sources: int = 1
    source_hosts: tuple[str, ...] = ("*",)
    ignore: tuple[str, ...] = ()
    robots: str = "obey"

    def allows_source_host(self, host: str) -> bool:
        """Whether a cited link on `host` may be followed."""
        return host_matches(host, self.source_hosts)


@dataclass(frozen=True)
class Seed:
    """One `[[seed]]` entry, with the defaults applied."""

    url: str
    type: str = "page"
    policy: SeedPolicy = field(default_factory=SeedPolicy)
    articles: str | None = None  # optional regex: which listing/feed links are articles
    position: int = 0  # 1-based place in the file, for messages


@dataclass(frozen=True)
class SeedFile:
    """A whole validated seed file."""

    path: Path
    collection: str
    seeds: tuple[Seed, ...]
    defaults: SeedPolicy = field(default_factory=SeedPolicy)
    # The `[notify]` table as written; archive.notify.config reads and checks it.
    notify: dict[str, Any] | None = field(default=None, compare=False, hash=False)


def host_matches(host: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Whether `host` is covered by `patterns`.

    `*` matches any host; `example.org` matches it and its subdomains; `*.example.org` matches
    only subdomains.

    >>> host_matches("www.mod.gov.az", ("mod.gov.az",))
    True
    >>> host_matches("evilmod.gov.az", ("mod.gov.az",))
    False
    >>> host_matches("example.org", ("*.example.org",))
    False
    """
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().rstrip(".")
        if pattern == "*":
            return True
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern or host.endswith("." + pattern):
            return True
    return False


def load_seeds(path: str | Path) -> SeedFile:
    """Read and validate a seed file; raise ConfigError naming the file, entry and problem."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_SEED_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read seed file: {exc.strerror or exc}") from None
    if len(raw) > MAX_SEED_FILE_BYTES:
        raise ConfigError(f"{path}: seed file is over {MAX_SEED_FILE_BYTES} bytes")
    try:
        # A byte order mark is how some editors save UTF-8; TOML itself does not allow one.
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError(f"{path}: not a seed file: arrays or tables nested too deeply") \
            from None
    return parse_seeds(data, path)


def parse_seeds(data: dict[str, Any], path: Path) -> SeedFile:
    """Validate already-parsed TOML. Separate from load_seeds so tests can feed dicts."""
    where = str(path)
    _reject_unknown(data, _TOP_KEYS, where, "at top level")
    collection = data.get("collection", path.stem)
    if not isinstance(collection, str) or not COLLECTION_RX.match(collection):
        raise ConfigError(
            f"{where}: collection {collection!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise ConfigError(f"{where}: [defaults] must be a table")
    _reject_unknown(defaults_table, _POLICY_KEYS, where, "in [defaults]")
    defaults = _policy(defaults_table, SeedPolicy(), f"{where}: [defaults]")

    entries = data.get("seed")
    if entries is None:
        raise ConfigError(f"{where}: no seeds: add at least one [[seed]] with a url")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{where}: 'seed' must be an array of tables ([[seed]] entries)")
    if not entries:
        raise ConfigError(f"{where}: no seeds: add at least one [[seed]] with a url")

    seeds: list[Seed] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries, start=1):
        seed = _seed(entry, defaults, where, position)
        if seed.url in seen:
            raise ConfigError(
                f"{where}: seed #{position} ({seed.url}): same url as seed #{seen[seed.url]}"
            )
        seen[seed.url] = position
        seeds.append(seed)
    notify = data.get("notify")
    if notify is not None and not isinstance(notify, dict):
        raise ConfigError(f"{where}: [notify] must be a table")
    return SeedFile(path=path, collection=collection, seeds=tuple(seeds), defaults=defaults,
                    notify=notify)


def _seed(entry: dict[str, Any], defaults: SeedPolicy, where: str, position: int) -> Seed:
    url = entry.get("url")
    label = f"{where}: seed #{position}" + (f" ({url})" if isinstance(url, str) else "")
    _reject_unknown(entry, _SEED_KEYS, label, "")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{label}: missing 'url'")
    try:
        url = check_url_syntax(url.strip())
    except UnsafeURLError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    if len(url) > MAX_URL_LENGTH:  # the crawler's URL length filter would drop it unseen
        raise ConfigError(f"{where}: seed #{position} ({url[:80]}...): url is {len(url)} "
                          f"characters long; "
                          f"the crawler fetches URLs of at most {MAX_URL_LENGTH}")
    seed_type = entry.get("type", "page")
    if seed_type not in SEED_TYPES:
        raise ConfigError(
            f"{label}: unknown type {seed_type!r} (expected one of {', '.join(SEED_TYPES)})"
        )
    articles = entry.get("articles")
    if articles is not None:
        articles = _regex(articles, f"{label}: articles")
    policy = _policy(entry, defaults, label)
    return Seed(url=url, type=seed_type, policy=policy, articles=articles, position=position)


def _policy(table: dict[str, Any], base: SeedPolicy, label: str) -> SeedPolicy:
    every = base.every
    if "every" in table:
        value = table["every"]
        if not isinstance(value, str):
            raise ConfigError(f"{label}: every must be a string such as \"10m\" or \"1h\"")
        try:
            every = parse_duration(value)
        except ValueError as exc:
            raise ConfigError(f"{label}: every: {exc}") from None
        if every < timedelta(minutes=1):
            raise ConfigError(f"{label}: every {value!r} is under one minute; be polite")
    sources = table.get("sources", base.sources)
    if isinstance(sources, bool) or not isinstance(sources, int):
        raise ConfigError(f"{label}: sources must be a whole number of hops (0-{MAX_SOURCE_HOPS})")
    if not 0 <= sources <= MAX_SOURCE_HOPS:
        raise ConfigError(f"{label}: sources = {sources} is outside 0-{MAX_SOURCE_HOPS}")
    hosts = table.get("source_hosts", list(base.source_hosts))
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        raise ConfigError(f"{label}: source_hosts must be a list of host names, e.g. [\"*\"]")
    ignore = table.get("ignore", list(base.ignore))
    if not isinstance(ignore, list):
        raise ConfigError(f"{label}: ignore must be a list of regular expressions")
    ignore = [_regex(pattern, f"{label}: ignore") for pattern in ignore]
    robots = table.get("robots", base.robots)
    if robots not in ROBOTS_POLICIES:
        raise ConfigError(f"{label}: robots must be one of {', '.join(ROBOTS_POLICIES)}")
    return SeedPolicy(
        every=every,
        sources=sources,
        source_hosts=tuple(h.strip() for h in hosts),
        ignore=tuple(ignore),
        robots=robots,
    )


def _regex(pattern: Any, label: str) -> str:
    if not isinstance(pattern, str):
        raise ConfigError(f"{label}: {pattern!r} is not a string")
    try:
        check_pattern(pattern)  # compiles, and refuses nested quantifiers (ReDoS)
    except ValueError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    return pattern


def _reject_unknown(table: dict[str, Any], allowed: set[str], label: str, place: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        suffix = f" {place}" if place else ""
        raise ConfigError(
            f"{label}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            f"{suffix} (allowed: {', '.join(sorted(allowed))})"
        )
