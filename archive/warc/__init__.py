"""WARC 1.1 on disk: building records, writing files (one gzip member per record, `.open`
until closed), reading single records back, and decoding stored bodies under a cap.
Imports `store`, `limits`, `timeutil` and `exceptions` only."""
