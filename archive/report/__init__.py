"""What people read: the static HTML report of edits with its Atom feed, the terminal view of a
diff, and what a reader is shown of a body diff, with each edit's screenshots. Imports
`versions`, `diff`, `index`, `replay.urls`, `warc` (reading a screenshot back), `store`,
`timeutil`, and `screenshot.image` for thumbnails."""

from __future__ import annotations

from archive.index import Capture
from archive.replay.urls import replay_url
from archive.report.render import page_context, render
from archive.timeutil import to_iso, utcnow
from archive.versions.edits import UrlDiff


def diff_page(result: UrlDiff, replay_base: str | None = None) -> str:
    """One diff as a standalone HTML page (`palimpsest diff --format html`)."""

    def replay(capture: Capture) -> str:
        return replay_url(capture.collection, capture.fetched_at, capture.url, replay_base)

    return render("diff.html.j2", result=result, replay=replay,
                  **page_context("", to_iso(utcnow()), None, None))
