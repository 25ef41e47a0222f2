-- Schema 1 -> 2: the notification channels and their delivery log (see schema.sql).
CREATE TABLE IF NOT EXISTS notify_channels (
    channel       TEXT PRIMARY KEY,
    since         TEXT NOT NULL,
    last_sent     TEXT,
    failing_since TEXT,
    last_error    TEXT
);
CREATE TABLE IF NOT EXISTS notify_deliveries (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    event_key   TEXT NOT NULL,
    event_at    TEXT NOT NULL,
    state       TEXT NOT NULL,
    claimed_by  TEXT NOT NULL,
    claimed_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (channel, event_key)
);
