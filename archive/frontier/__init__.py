"""The shared frontier of a crawl spread over several workers: state kept in Redis.

Scrapy-specific parts (scheduler, queue, middlewares) are in crawler/frontier/; this package is
plain Redis, so `palimpsest status` reads the frontier without importing Scrapy. Every value
read back from Redis is checked before use (`wire`, `status`). Imports `timeutil`,
`exceptions` and `store.provenance` (which worker names are reserved) only.
"""

from archive.frontier.keys import FrontierKeys
from archive.frontier.state import Frontier, connect

__all__ = ["Frontier", "FrontierKeys", "connect"]
