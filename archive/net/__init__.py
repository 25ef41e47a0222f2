"""The network guard's rules: which URLs are well-formed and which addresses a crawl may reach.
Pure (no I/O, no Scrapy); imports nothing of Palimpsest's."""
