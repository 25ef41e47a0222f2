"""Palimpsest's library: everything that is not crawling.

The packages are the stages of the data flow, in order: `schedule` (seed lists, what is due) ->
`net` (the network guard's rules) -> `archiver` (the capture door) -> `warc` (records on disk)
-> `extract` (text, headline, links, the text hash) -> `index` (rows, via `ingest`) ->
`versions` (a page over time) -> `diff` (two texts in, edits out) -> `report`, `replay`,
`interchange` (what readers and other tools get). Beside them: `verify` (the strict reader,
crash repair, reindex), `store` (the data folder), `frontier` (a shared crawl's Redis state),
`cli` and `demo`. Nothing here imports Scrapy at import time, so replay, diff and reindex run
without a crawl.
"""

import logging

__version__ = "0.1.0"

# Library code never configures logging; the CLI does (see archive.cli).
logging.getLogger(__name__).addHandler(logging.NullHandler())
