"""Scrapy's side of a shared crawl: scrapy-redis's scheduler, queue and dupefilter, adapted so
each popped request is leased, finished requests are marked, dead workers' requests return,
and hosts are limited across all workers (state and scripts: archive/frontier/)."""
