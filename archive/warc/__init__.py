"""WARC 1.1 on disk: building records, writing files (one gzip member per record, `.open`
until closed), reading single records back, decoding stored bodies under a cap, header values
parsed at the door (`fields`), telling WARC, ARC and WACZ apart (`formats`) and reading the
WARC files out of a WACZ without trusting its names or sizes (`waczread`).
Imports `store`, `limits`, `timeutil` and `exceptions` only."""
