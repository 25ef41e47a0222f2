"""The Scrapy project: settings, the spider, WARC capture wiring and pipelines."""
