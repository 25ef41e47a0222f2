"""Palimpsest's library: everything that is not crawling.

WARC writing and reading, extraction and hashing, the index, diffs, reports, replay and the CLI.
Nothing here imports Scrapy at import time, so replay, diff and reindex run without a crawl.
"""

import logging

__version__ = "0.1.0"

# Library code never configures logging; the CLI does (see archive.cli).
logging.getLogger(__name__).addHandler(logging.NullHandler())
