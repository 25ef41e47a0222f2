"""Who is told what: the `[notify]` table of a seed file and `$PALIMPSEST_NOTIFY`.

```toml
[notify]
events = ["figures", "headlines", "takedowns", "sources"]  # default: edits, takedowns, sources
every = "run"                     # run: one digest per run | event: one message per event
report_url = "https://example.org/edits/"   # where `palimpsest report` is published (links)

[[notify.channel]]
name = "desk"                     # optional; the delivery log knows the channel by it
url = "mailtos://archive:${SMTP_PASSWORD}@mail.example.org?to=desk@example.org"
events = ["figures"]              # optional: this channel's own filters and pace
```

A seed file sits in version control, so it never holds a secret: `${NAME}` in a URL is replaced,
when the message is sent, by the environment variable NAME, or by the contents of the file the
variable NAME_FILE names. A URL that holds a password or token in plain text (whatever Apprise
would mask when printing it) is refused. `$PALIMPSEST_NOTIFY` holds more Apprise URLs,
separated by spaces or new lines, for every seed list; it is the environment, so secrets may
stand in it as they are. Those channels take the seed file's `events` and `every`.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote

from archive.exceptions import ConfigError

NOTIFY_ENV = "PALIMPSEST_NOTIFY"
EVERY = ("run", "event")
DEFAULT_EVENTS = ("edits", "takedowns", "sources")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SENTINEL = "zpalimpsestsecretz"
_TABLE_KEYS = {"events", "every", "report_url", "channel"}
_CHANNEL_KEYS = {"name", "url", "events", "every"}
MAX_SECRET_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Channel:
    """One Apprise URL and what to send it."""

    name: str                 # unique within the collection; the delivery log's key with it
    url_template: str         # as written: `${NAME}` placeholders not yet filled in
    events: frozenset[str]
    every: str                # run | event
    origin: str               # where it was configured, for messages

    def key(self, collection: str) -> str:
        return f"{collection}/{self.name}"

    def secret_names(self) -> list[str]:
        return PLACEHOLDER.findall(self.url_template)


@dataclass(frozen=True)
class NotifyConfig:
    channels: tuple[Channel, ...] = ()
    report_url: str | None = None


class SecretMissing(Exception):
    """A `${NAME}` with neither NAME nor NAME_FILE in the environment (or an unreadable file)."""


def resolve_url(channel: Channel,
                environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """The channel's URL with its secrets filled in, and the secret values (to keep them out of
    any message)."""
    environ = os.environ if environ is None else environ
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        value = secret_value(match.group(1), environ)
        secrets.append(value)
        return _quote(value)

    return PLACEHOLDER.sub(fill, channel.url_template), secrets


def secret_value(name: str, environ: Mapping[str, str]) -> str:
    if environ.get(name):
        return environ[name]
    path = environ.get(f"{name}_FILE")
    if not path:
        raise SecretMissing(f"${{{name}}} is not set: put it in the environment as {name}, or "
                            f"the path of a file holding it as {name}_FILE")
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_SECRET_FILE_BYTES + 1)
    except OSError as exc:
        raise SecretMissing(f"{name}_FILE: cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_SECRET_FILE_BYTES:
        raise SecretMissing(f"{name}_FILE: {path} is over {MAX_SECRET_FILE_BYTES} bytes")
    return raw.decode("utf-8", errors="strict").strip("\r\n")


def _quote(value: str) -> str:
    """A secret made safe inside a URL (Apprise decodes it again)."""
    from urllib.parse import quote

    return quote(value, safe="")


def load_notify(table: Any, where: str, environ: Mapping[str, str] | None = None
                ) -> NotifyConfig:
    """The notification set-up of one seed list: its `[notify]` table (or None) and
    $PALIMPSEST_NOTIFY. Raises ConfigError naming the file, the channel and the problem."""
    environ = os.environ if environ is None else environ
    table = {} if table is None else table
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [notify] must be a table")
    _reject_unknown(table, _TABLE_KEYS, f"{where}: [notify]")
    events = _events(table.get("events", list(DEFAULT_EVENTS)), f"{where}: [notify] events")
    every = _every(table.get("every", "run"), f"{where}: [notify] every")
    report_url = table.get("report_url")
    if report_url is not None and (not isinstance(report_url, str)
                                   or not re.match(r"^https?://[^\s/]+", report_url)):
        raise ConfigError(f"{where}: [notify] report_url must be an absolute http(s) URL")
    channels: list[Channel] = []
    entries = table.get("channel", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"{where}: [notify] channel must be [[notify.channel]] tables")
    for number, entry in enumerate(entries, start=1):
        channels.append(_channel(entry, number, events, every, where))
    for number, url in enumerate((environ.get(NOTIFY_ENV) or "").split(), start=1):
        channels.append(Channel(f"env-{_digest(url)}", url, events, every,
                                f"${NOTIFY_ENV} URL #{number}"))
    names = [channel.name for channel in channels]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{where}: [notify] two channels are named {name!r}")
    for channel in channels:
        check_apprise_url(channel, literal_allowed=channel.origin.startswith("$"))
    if report_url is not None:
        report_url = report_url.rstrip("/") + "/"
    return NotifyConfig(tuple(channels), report_url)


def _channel(entry: dict[str, Any], number: int, events: frozenset[str], every: str,
             where: str) -> Channel:
    label = f"{where}: [[notify.channel]] #{number}"
    _reject_unknown(entry, _CHANNEL_KEYS, label)
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{label}: missing 'url' (an Apprise URL)")
    url = url.strip()
    name = entry.get("name", f"url-{_digest(PLACEHOLDER.sub('', url))}")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{label}: name must be 1-64 letters, digits, '.', '_' or '-'")
    label = f"{where}: notify channel {name!r}"
    own_events = _events(entry["events"], f"{label}: events") if "events" in entry else events
    own_every = _every(entry["every"], f"{label}: every") if "every" in entry else every
    return Channel(name, url, own_events, own_every, label)


def _events(value: Any, label: str) -> frozenset[str]:
    from archive.notify.sources import FILTERS

    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{label}: a list of one or more of {', '.join(FILTERS)}")
    unknown = [v for v in value if v not in FILTERS]
    if unknown:
        raise ConfigError(f"{label}: unknown {', '.join(map(repr, unknown))} (expected some of "
                          f"{', '.join(FILTERS)})")
    return frozenset(value)


def _every(value: Any, label: str) -> str:
    if value not in EVERY:
        raise ConfigError(f"{label}: must be \"run\" (a digest per run) or \"event\" (one "
                          "message per event)")
    return str(value)


def check_apprise_url(channel: Channel, literal_allowed: bool = False) -> None:
    """Refuse a URL Apprise cannot use, and (from a seed file) one holding a secret as it is."""
    import apprise

    probe = PLACEHOLDER.sub(_SENTINEL, channel.url_template)
    plugin = apprise.Apprise.instantiate(probe, suppress_exceptions=True)
    if plugin is None:
        raise ConfigError(f"{channel.origin}: Apprise does not understand this URL (see "
                          "https://github.com/caronc/apprise/wiki for the URL of each service)")
    if literal_allowed:
        return
    shown, hidden = plugin.url(privacy=False), plugin.url(privacy=True)
    secrets = set(_parts(shown)) - set(_parts(hidden))
    if any(part.replace(_SENTINEL, "") for part in secrets):
        raise ConfigError(
            f"{channel.origin}: the URL holds a password or token as it is, and a seed file "
            "belongs in version control: write ${NAME} in its place and set NAME (or "
            "NAME_FILE, a file holding it) in the environment the crawl runs in")


def _parts(url: str) -> list[str]:
    return [part for part in re.split(r"[/:@?&=#,]", unquote(url)) if part]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _reject_unknown(table: dict[str, Any], allowed: set[str], label: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ConfigError(f"{label}: unknown key{'s' if len(unknown) > 1 else ''} {names} "
                          f"(allowed: {', '.join(sorted(allowed))})")


def notify_config_of(seedfile: Any, environ: Mapping[str, str] | None = None) -> NotifyConfig:
    """The set-up for a loaded seed file (archive.schedule.seeds.SeedFile)."""
    return load_notify(getattr(seedfile, "notify", None), str(Path(seedfile.path)), environ)
