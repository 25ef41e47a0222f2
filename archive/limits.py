"""The size caps every part of Palimpsest applies to input it did not write itself.

One place, so the crawler, extraction, diff, replay and verify agree, and so modules written
by different people coordinate through these names alone. Input over a cap is refused with a
reason (or, for a crawl response, stored with `WARC-Truncated` or not at all); it is never
silently cut, because a cut text would read as an edit.
"""

MIB = 1024 * 1024

# A response body as received, and as decoded from its Content-Encoding. The crawler's
# DOWNLOAD_MAXSIZE (crawler/settings.py) has this value; Scrapy applies it on the wire and
# again while HttpCompressionMiddleware inflates.
MAX_RESPONSE_BYTES = 32 * MIB

# Inflating a stored body (gzip, deflate, br, zstd) anywhere outside the crawl: verify,
# replay helpers, diff input. A decompression bomb stops here (archive.warc.inflate).
MAX_DECOMPRESSED_BYTES = MAX_RESPONSE_BYTES

# HTML handed to trafilatura (archive.extract.article); bigger pages fail extraction with a reason.
MAX_EXTRACT_BYTES = 5 * MIB

# Each side of a text diff, in characters of extracted text. An article is some kilobytes;
# a diff engine's cost grows faster than its input, so larger texts are refused, not cut.
MAX_DIFF_INPUT_CHARS = 1_000_000

# A conversion (extracted text) or metadata record read back from a WARC.
MAX_RECORD_TEXT_BYTES = 16 * MIB

# Header blocks read while verifying or indexing a WARC: the WARC header of one record and
# the HTTP header block inside it. Real ones are a few kilobytes.
MAX_WARC_HEADER_BYTES = 1 * MIB
MAX_HTTP_HEADER_BYTES = 1 * MIB

# A seed file (TOML). Lists of thousands of URLs are a few hundred kilobytes.
MAX_SEED_FILE_BYTES = 16 * MIB

# A URL's length in characters. Scrapy's URLLENGTH_LIMIT has this value (crawler/settings.py):
# the crawler drops a longer URL, so a seed file naming one is rejected when it is loaded.
MAX_URL_LENGTH = 2083

# Links (`<a ...>` tags) in one page handed to extraction or read as a listing. The extractor's
# work grows faster than the number of links in a paragraph (about 5 s for 4,000 in one, and
# hours for 100,000), and a news article cites tens; a page with more is archived, and fails
# extraction with a reason (archive.extract.linkcount).
MAX_PAGE_LINKS = 5_000
