"""The notification delivery log (tables notify_channels and notify_deliveries), for both
backends: each event goes to each channel once, even with runs that overlap or crash.

An event is *claimed* for a channel before it is sent (a row, unique per channel and event, in
a committed transaction), then marked *sent*. A second run finds the claim and leaves the event
alone; a claim older than `stale_before` is a run that died between claiming and marking, and is
taken over: so a crash can repeat a message, never lose one. A failed send deletes its claims,
so the next run retries the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from archive.index.base import Index

CLAIMED, SENT = "claimed", "sent"


@dataclass
class ChannelState:
    channel: str
    since: str
    last_sent: str | None = None
    failing_since: str | None = None
    last_error: str | None = None


class DeliveryLog:
    """Mixed into SqlIndex (both backends). Callers wrap each step in begin/commit."""

    _x: Any

    def channel_state(self, channel: str, first_since: str) -> ChannelState:
        """The channel's state, creating it (receiving events from `first_since` on) when new."""
        self._x("INSERT OR IGNORE INTO notify_channels (channel, since) VALUES (?, ?)",
                (channel, first_since))
        row = self._x("SELECT * FROM notify_channels WHERE channel = ?", (channel,)).fetchone()
        return ChannelState(**dict(row))

    def channel_states(self) -> list[ChannelState]:
        return [ChannelState(**dict(row)) for row in
                self._x("SELECT * FROM notify_channels ORDER BY channel")]

    def undelivered(self, channel: str, keys: Iterable[str], stale_before: str) -> set[str]:
        """Those of `keys` neither sent to the channel nor claimed by a live run."""
        wanted = set(keys)
        if not wanted:
            return set()
        taken = {row[0] for row in self._x(
            "SELECT event_key FROM notify_deliveries WHERE channel = ? AND (state = ? OR "
            "claimed_at >= ?)", (channel, SENT, stale_before))}
        return wanted - taken

    def claim(self, channel: str, events: Iterable[tuple[str, str]], claimer: str, now: str,
              stale_before: str) -> list[str]:
        """Claim (event key, event time) pairs for `claimer`; the keys it now holds."""
        held = []
        for key, at in events:
            self._x("INSERT OR IGNORE INTO notify_deliveries (channel, event_key, event_at, "
                    "state, claimed_by, claimed_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (channel, key, at, CLAIMED, claimer, now))
            # A stale claim (its run died) is taken over; a fresh one or a sent row is not.
            self._x("UPDATE notify_deliveries SET claimed_by = ?, claimed_at = ? "
                    "WHERE channel = ? AND event_key = ? AND state = ? AND claimed_at < ?",
                    (claimer, now, channel, key, CLAIMED, stale_before))
            row = self._x("SELECT claimed_by, state FROM notify_deliveries WHERE channel = ? "
                          "AND event_key = ?", (channel, key)).fetchone()
            if row is not None and row[0] == claimer and row[1] == CLAIMED:
                held.append(key)
        return held

    def mark_sent(self, channel: str, keys: Iterable[str], claimer: str, at: str) -> None:
        for key in keys:
            self._x("UPDATE notify_deliveries SET state = ?, sent_at = ? WHERE channel = ? "
                    "AND event_key = ? AND claimed_by = ?", (SENT, at, channel, key, claimer))

    def release(self, channel: str, keys: Iterable[str], claimer: str) -> None:
        """Give claims back after a failed send: the next run retries those events."""
        for key in keys:
            self._x("DELETE FROM notify_deliveries WHERE channel = ? AND event_key = ? "
                    "AND claimed_by = ? AND state = ?", (channel, key, claimer, CLAIMED))

    def note_delivery(self, channel: str, at: str, error: str | None,
                      advance_since: str | None = None) -> None:
        """Record a run's outcome for a channel; after a clean run its window may move on
        (`advance_since`), and log rows of events before the window are dropped."""
        if error is None:
            self._x("UPDATE notify_channels SET last_sent = ?, failing_since = NULL, "
                    "last_error = NULL WHERE channel = ?", (at, channel))
        else:
            self._x("UPDATE notify_channels SET failing_since = coalesce(failing_since, ?), "
                    "last_error = ? WHERE channel = ?", (at, error[:500], channel))
        if advance_since is not None:
            # Never past an event another run still holds a claim on: if that run died, its
            # events must stay in the window to be taken over.
            self._x("UPDATE notify_channels SET since = max(since, min(?, coalesce(("
                    "SELECT min(event_at) FROM notify_deliveries WHERE channel = ? "
                    "AND state = ?), ?))) WHERE channel = ?",
                    (advance_since, channel, CLAIMED, advance_since, channel))
            self._x("DELETE FROM notify_deliveries WHERE channel = ? AND event_at < ? "
                    "AND state = ?", (channel, advance_since, SENT))

    def delivery_rows(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The delivery log (tests, and carrying it over a rebuild)."""
        sql = "SELECT * FROM notify_deliveries"
        params: tuple[str, ...] = ()
        if channel is not None:
            sql, params = sql + " WHERE channel = ?", (channel,)
        return [dict(row) for row in self._x(sql + " ORDER BY id", params)]

    def copy_notify_state(self, other: Index) -> int:
        """Copy the channels and delivery log of `other` into this index (a rebuild keeps
        them: they are not in the WARCs). Returns the number of log rows copied."""
        for state in other.channel_states():
            self._x("INSERT OR IGNORE INTO notify_channels (channel, since, last_sent, "
                    "failing_since, last_error) VALUES (?, ?, ?, ?, ?)",
                    (state.channel, state.since, state.last_sent, state.failing_since,
                     state.last_error))
        rows = other.delivery_rows()
        for row in rows:
            self._x("INSERT OR IGNORE INTO notify_deliveries (channel, event_key, event_at, "
                    "state, claimed_by, claimed_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row["channel"], row["event_key"], row["event_at"], row["state"],
                     row["claimed_by"], row["claimed_at"], row["sent_at"]))
        return len(rows)
