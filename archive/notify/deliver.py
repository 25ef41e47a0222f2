"""One notification run: what each channel has not been sent yet, sent once, logged.

Run after a crawl's captures are committed (the CLI calls it when the crawl returns), or by
`palimpsest notify`. Events come from the index, never from the crawl in memory, so what was
committed is what is told, whichever process committed it. The delivery log (archive/index/
deliveries.py) makes each event go to each channel once: claimed before sending, marked after;
a failed channel gives its claims back and gets the same events, and any newer, next run.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archive.index import Index, open_index
from archive.notify.channel import send
from archive.notify.config import Channel, NotifyConfig, SecretMissing, resolve_url
from archive.notify.message import Message, compose
from archive.notify.sources import Notice, SourceContext, collect
from archive.store.layout import DataLayout
from archive.timeutil import to_iso, utcnow
from archive.versions.edits import EditReader

logger = logging.getLogger(__name__)

# A claim this old belongs to a run that died between claiming and marking: taken over.
CLAIM_TIMEOUT = timedelta(minutes=15)
# After a clean delivery a channel's window starts this long before the run, so events that
# are committed late (a worker's captures, a crash's catch-up) are still told, and older ones
# (an import of last year's WARCs) are not news.
LOOKBACK = timedelta(days=1)


@dataclass
class ChannelOutcome:
    name: str
    messages: int = 0
    events: int = 0
    pending: int = 0            # events left for the next run (the channel failed)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"channel": self.name, "messages": self.messages, "events": self.events,
                "pending": self.pending, "error": self.error}


@dataclass
class NotifyOutcome:
    channels: list[ChannelOutcome] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"notify {c.name}: {c.error}; {c.pending} event"
                f"{'s' if c.pending != 1 else ''} will be sent next run"
                for c in self.channels if c.error]

    def to_json(self) -> dict[str, Any]:
        return {"sent": sum(c.events for c in self.channels),
                "messages": sum(c.messages for c in self.channels),
                "channels": [c.to_json() for c in self.channels], "problems": self.problems}


def claimer_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _wanted(notices: list[Notice], channel: Channel, since: str) -> list[Notice]:
    return [n for n in notices if n.at >= since and n.tags & channel.events]


def deliver(index: Index, layout: DataLayout, config: NotifyConfig, collection: str, *,
            started: datetime, now: datetime | None = None,
            environ: dict[str, str] | None = None) -> NotifyOutcome:
    """Send every channel what it has not been sent. `started`: when the run began (a channel
    seen for the first time receives the events from then on)."""
    outcome = NotifyOutcome()
    if not config.channels:
        return outcome
    now = now or utcnow()
    claimer, stale = claimer_id(), to_iso(now - CLAIM_TIMEOUT)
    index.begin()
    states = {channel: index.channel_state(channel.key(collection), to_iso(started))
              for channel in config.channels}
    index.commit()
    context = SourceContext(index, EditReader(index, layout), collection, config.report_url)
    notices = collect(context, min(state.since for state in states.values()))
    for channel, state in states.items():
        result = ChannelOutcome(channel.name)
        outcome.channels.append(result)
        key = channel.key(collection)
        wanted = _wanted(notices, channel, state.since)
        open_keys = index.undelivered(key, [n.key for n in wanted], stale)
        wanted = [n for n in wanted if n.key in open_keys]
        try:
            url, secrets = resolve_url(channel, environ)
        except SecretMissing as exc:
            result.error, result.pending = str(exc), len(wanted)
            _note(index, key, now, result.error)
            continue
        if wanted:
            index.begin()
            held = set(index.claim(key, [(n.key, n.at) for n in wanted], claimer,
                                   to_iso(now), stale))
            index.commit()
            wanted = [n for n in wanted if n.key in held]
        _send_all(index, key, compose(wanted, collection, channel.every), url, secrets,
                  claimer, result)
        _note(index, key, now, result.error)
    return outcome


def _send_all(index: Index, key: str, messages: list[Message], url: str, secrets: list[str],
              claimer: str, result: ChannelOutcome) -> None:
    for number, message in enumerate(messages):
        sent = send(url, message, secrets)
        index.begin()
        if sent.ok:
            index.mark_sent(key, message.keys, claimer, to_iso(utcnow()))
            result.messages += 1
            result.events += len(message.keys)
        else:
            unsent = [k for later in messages[number:] for k in later.keys]
            index.release(key, unsent, claimer)
            result.error, result.pending = sent.reason, len(unsent)
        index.commit()
        if not sent.ok:
            logger.warning("notify %s: %s", key, sent.reason)
            return


def _note(index: Index, key: str, now: datetime, error: str | None) -> None:
    index.begin()
    index.note_delivery(key, to_iso(now), error,
                        advance_since=None if error else to_iso(now - LOOKBACK))
    index.commit()


@dataclass
class Preview:
    channel: Channel
    since: str
    messages: list[Message]
    secret_problem: str | None = None


def deliver_to_data(data_dir: Path, index_url: str | None, config: NotifyConfig,
                    collection: str, *, started: datetime) -> NotifyOutcome | None:
    """A run's last step, once its captures are committed: tell every channel what it has not
    been told, from the index of `data_dir` (or `index_url`). None when there is no channel.
    A channel's failure never raises: it is in the outcome's problems."""
    if not config.channels:
        return None
    layout = DataLayout(data_dir)
    index = open_index(layout.root, url=index_url)
    try:
        return deliver(index, layout, config, collection, started=started)
    finally:
        index.close()


def preview(index: Index, layout: DataLayout, config: NotifyConfig, collection: str, *,
            since: datetime | None = None, now: datetime | None = None,
            environ: dict[str, str] | None = None) -> list[Preview]:
    """What `deliver` would send now, without sending or writing anything (the index may be
    read-only). A channel never run before starts from now, unless `since` is given."""
    now = now or utcnow()
    known = {state.channel: state for state in index.channel_states()}
    starts = {}
    for channel in config.channels:
        state = known.get(channel.key(collection))
        starts[channel] = to_iso(since) if since else (state.since if state else to_iso(now))
    if not starts:
        return []
    context = SourceContext(index, EditReader(index, layout), collection, config.report_url)
    notices = collect(context, min(starts.values()))
    previews = []
    for channel, start in starts.items():
        wanted = _wanted(notices, channel, start)
        # Claimed events count as taken: another run is sending them.
        open_keys = index.undelivered(channel.key(collection), [n.key for n in wanted],
                                      to_iso(now - CLAIM_TIMEOUT))
        wanted = [n for n in wanted if n.key in open_keys]
        problem = None
        try:
            resolve_url(channel, environ)
        except SecretMissing as exc:
            problem = str(exc)
        previews.append(Preview(channel, start, compose(wanted, collection, channel.every),
                                problem))
    return previews
