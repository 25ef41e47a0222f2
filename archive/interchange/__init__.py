"""Archives in and out: WACZ export with its page lists, import of other tools' WARC and WACZ
files (staged, checked strictly, indexed like a crawl, kept apart from the crawl's history).
Imports `archiver`, `extract`, `verify`, `index`, `warc`, `replay.cdxj` and `store`."""
