"""Archives in and out: WACZ export with its page lists, and import of other tools' WARC and
WACZ files (staged, checked strictly, indexed like a crawl). Imports `archiver`, `extract`,
`verify`, `index`, `warc`, `replay.cdxj` and `store`."""
