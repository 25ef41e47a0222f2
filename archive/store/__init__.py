"""The data folder on disk: where things live in it, its one-writer lock, durable writes, and
the fault points the crash tests use. Imports nothing of Palimpsest's but `exceptions`."""
