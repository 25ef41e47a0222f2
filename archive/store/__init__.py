"""The data folder on disk: where things live in it, who wrote each WARC file (`provenance`),
writes that stay inside their folder (`confined`), its one-writer lock, durable writes, and the
fault points the crash tests use. Imports nothing of Palimpsest's but `exceptions`."""
