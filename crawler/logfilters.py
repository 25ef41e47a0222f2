"""One cause, one count: Scrapy's own ERROR lines for downloads the spider counts itself.

When a host does not resolve, Scrapy logs the robots.txt fetch giving up, the robots
middleware's "Error downloading" for the page, and the page's own retries giving up: three
ERROR records with two tracebacks, each counted in `log_count/ERROR`, for one failure that the
spider already counts, with its reason, as a failed page (crawler/failures.py). Retries giving
up are logged at WARNING by a setting (RETRY_GIVE_UP_LOG_LEVEL); the robots middleware has no
such setting, so its record is downgraded to WARNING without its traceback before any handler
sees it. It stays in the log file, and the run's error count is left to real errors (README:
Running from cron).
"""

from __future__ import annotations

import logging

# The loggers, and the start of the messages, that report a download failure an errback of
# the spider (or the requisite capture) also receives.
_COUNTED_ELSEWHERE = {
    "scrapy.downloadermiddlewares.robotstxt": ("Error downloading",),
}


class DownloadFailureFilter(logging.Filter):
    """Turns the ERROR records named above into WARNINGs without a traceback."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith(self.prefixes):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def count_download_failures_once() -> None:
    """Install the filter on Scrapy's loggers (once per process; a second call changes
    nothing). Logger filters run before any handler, Scrapy's error counter included."""
    for name, prefixes in _COUNTED_ELSEWHERE.items():
        log = logging.getLogger(name)
        if not any(isinstance(existing, DownloadFailureFilter) for existing in log.filters):
            log.addFilter(DownloadFailureFilter(prefixes))
