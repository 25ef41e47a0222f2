"""The strict WARC reader and what trusts only it: `palimpsest verify`, the repair of files a
crash left `.open`, bringing the index in line after a crash, and `reindex` (the index rebuilt
from the WARC files alone). Imports `warc`, `index`, `store`, `limits` and `exceptions`.

`members` walks gzip members, `records` checks each WARC record, `fieldrules` WARC 1.1's field
table, `http` the HTTP message in it, `files` whole files (the one reader everything else
trusts), `data` a data folder and its index; `recovery` cuts an `.open` file
back to its last whole record, `consistency` brings the index in line with the files at every
crawl start, `reindex` rebuilds it; `wacz` checks a WACZ as a WACZ; `verdict` is what
`palimpsest verify` checks and finds.
This `__init__` imports nothing, so each module can be imported alone.
"""
