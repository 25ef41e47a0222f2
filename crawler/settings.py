"""Scrapy settings for Palimpsest: every PALIMPSEST_* setting lives here with its default.

Polite by default: robots.txt obeyed, AutoThrottle on, two requests at a time per host, a user
agent that names the project. Anything that reaches local files or other schemes is off.
"""

from archive import __version__
from archive.limits import MAX_URL_LENGTH

BOT_NAME = "palimpsest"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- Palimpsest -------------------------------------------------------------------------------
PALIMPSEST_DATA = "data"                 # the data folder (the CLI sets it from --data)
PALIMPSEST_CONTACT_URL = ""               # how site owners reach you; goes in the user agent
PALIMPSEST_WARC_MAX_BYTES = 1024**3      # roll over to a new WARC file past this size
PALIMPSEST_WARC_GZIP_LEVEL = 5           # per-record gzip level (archive/warc/writer.py says why)
PALIMPSEST_WARC_SUFFIX = ""              # appended to WARC file names (worker name)
PALIMPSEST_EXTRACT_PROCESSES = None      # extraction processes; None: one per core, 0: inline
PALIMPSEST_PAGE_BUDGET = 60.0             # seconds of work per page in an extraction process
PALIMPSEST_ALLOW_PRIVATE = False         # allow non-global addresses (intranets, tests, the demo)
PALIMPSEST_ALLOWED_NETWORKS: list[str] = []  # allow just these networks, e.g. ["10.1.0.0/16"]
PALIMPSEST_FAIL_RATIO = 0.5              # the run fails when more than this share of fetches fail
# revisit effort (archive/schedule/policy.py); 2: ~2x the fetches
PALIMPSEST_EFFORT = 1.0
PALIMPSEST_HOST_BUDGET = 200             # most revisits of known pages per host per run (0: no cap)
PALIMPSEST_NOW = ""                      # plan as if it were this ISO time (tests); empty: now
PALIMPSEST_INDEX = ""                    # postgresql://…; empty: $PALIMPSEST_INDEX, else SQLite
PALIMPSEST_REDIS_PREFIX = "palimpsest"   # Redis key prefix of a shared crawl (--redis)
PALIMPSEST_LEASE_SECONDS = 60            # a shared crawl's URL leases and worker liveness

# Page requisites (README: "Page requisites"): what an article or cited source needs to render.
PALIMPSEST_REQUISITES_ENABLED = True
# robots.txt for requisites: "page" follows the decision made for the page that embeds them
# (a reader's browser loads them whatever robots.txt says of them); "own" asks each one's host.
PALIMPSEST_REQUISITES_ROBOTS = "page"
PALIMPSEST_REQUISITES_MAX_COUNT = 200            # requisites per page; the rest are counted
PALIMPSEST_REQUISITES_MAX_BYTES = 32 * 1024**2   # bytes per page, all requisites together
PALIMPSEST_REQUISITES_MAX_RESOURCE_BYTES = 8 * 1024**2  # bytes of one requisite
PALIMPSEST_REQUISITES_CSS_DEPTH = 3              # stylesheet -> @import -> @import
PALIMPSEST_REQUISITES_FRESH_MIN = 3600           # a capture is reused at least this long (s)
PALIMPSEST_REQUISITES_FRESH_MAX = 7 * 86400      # and at most this long, whatever it says

# Screenshots of new versions, rendered from the archive once the fetching is over (README:
# "Screenshots"): "auto" when /usr/bin/chromium is installed, true or false.
PALIMPSEST_SCREENSHOTS = "auto"
PALIMPSEST_SCREENSHOTS_BUDGET = 300.0            # seconds a crawl spends on them; rest: next run

# -- Politeness -------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
USER_AGENT = f"Palimpsest/{__version__} (news archive)"  # run.py appends the contact URL
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    # Brotli and zstd bodies are stored as received, and many WARC tools cannot read them.
    "Accept-Encoding": "gzip, deflate",
}

# -- Limits -----------------------------------------------------------------------------------
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024      # news pages are far smaller; also caps decompression
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
# A response cut short is archived with WARC-Truncated, then retried (RetryTruncated), and
# never extracted; with Scrapy's default (True) its bytes would be thrown away.
DOWNLOAD_FAIL_ON_DATALOSS = False
RETRY_TIMES = 2
# A fetch that gives up is counted as a failed page with its reason; one ERROR more per cause
# would count it twice (crawler/logfilters.py).
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
REDIRECT_MAX_TIMES = 10
# Scrapy drops longer URLs; seed files are checked against the same figure when loaded.
URLLENGTH_LIMIT = MAX_URL_LENGTH
METAREFRESH_ENABLED = False              # a meta refresh is archived as a page, not followed

# -- Safety (README "Safety"; crawler/containment.py) ----------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False           # runs code sent over HTTP; writes a job file in $HOME
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"  # checks every DNS answer
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.containment.RequestGuard": 10,     # before anything is sent
    "crawler.middlewares.truncation.RetryTruncated": 940,
    "crawler.middlewares.containment.ResponseGuard": 950,   # before redirects and inflation
}

# -- Components -------------------------------------------------------------------------------
# crawler/run.py adds ProgressReporter (20) when a progress bar is shown, and a shared crawl
# its own components (crawler/frontier/run.py).
EXTENSIONS = {
    "crawler.extensions.warc.WarcCaptureExtension": 0,
    "crawler.extensions.extraction.ExtractionPool": 10,
    "crawler.requisites.capture.RequisiteCapture": 30,
}
ITEM_PIPELINES = {
    "crawler.pipelines.versions.VersionPipeline": 300,
}

# Scrapy runs each callback's output through CONCURRENT_ITEMS asyncio workers, started afresh
# for every response (100 by default: 100 tasks per page). Our pipeline is synchronous, so
# only one of them ever works; the profile of a 2,000-page crawl showed the other 99 costing a
# fifth of the reactor thread's time (bench/RESULTS.md, "Crawl throughput").
CONCURRENT_ITEMS = 1

LOG_LEVEL = "INFO"
