"""Strict verification of WARC files and of the index against them (`palimpsest verify`).

`members` walks gzip members, `records` checks each WARC record, `http` the HTTP message in
it, `files` whole files, `data` a data folder and its index. Modules import one another
directly; this package imports nothing, so archive.recovery can use `files` without a cycle.
"""
