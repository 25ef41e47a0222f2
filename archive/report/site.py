"""`palimpsest report`: write the static site (index, a page per article, Atom feed of edits).

The site is plain files that work from disk or from any web server: no script, every page
self-contained (inline CSS allowed by hash in its Content-Security-Policy). Files are written
atomically; page files of an earlier report in the same folder that this run did not write are
removed (only when the folder carries our marker file, so a wrong --out deletes nothing).
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.exceptions import ConfigError
from archive.index import Index
from archive.replay.urls import replay_url
from archive.report.model import PAGES_DIR, PageReport, ReportCollector, ReportData
from archive.report.render import ICON_NAME, ICON_SVG, page_context, render, safe_href
from archive.report.views import ReportViews
from archive.store.layout import DataLayout
from archive.timeutil import utcnow
from archive.versions.changes import Change
from archive.versions.edits import EditReader
from archive.versions.lifecycle import EDITED

logger = logging.getLogger(__name__)

MARKER = ".palimpsest-report"
FEED_NAME = "edits.atom"
FEED_ENTRIES = 200


@dataclass(frozen=True)
class ReportResult:
    """What was written."""

    out: Path
    index: Path
    feed: Path
    pages: int
    edits: int
    removed: int
    restored: int


def build_report(index: Index, layout: DataLayout, out: Path,
                 since: datetime | None = None, replay_base: str | None = None,
                 site_url: str | None = None, now: datetime | None = None) -> ReportResult:
    """Collect the report from the index and write it into `out`."""
    if site_url is not None and safe_href(site_url) is None:
        raise ConfigError(f"--site-url {site_url!r}: must be an absolute http(s) URL")
    now = now or utcnow()
    reader = EditReader(index, layout)
    data = ReportCollector(reader, since, replay_base, now).collect()
    writer = _SiteWriter(out, data, replay_base, site_url, str(layout.root.resolve()),
                         ReportViews(index, layout, out))
    return writer.write()


class _SiteWriter:
    def __init__(self, out: Path, data: ReportData, replay_base: str | None,
                 site_url: str | None, data_root: str, views: ReportViews | None = None) -> None:
        self.out = out
        self.views = views
        self.data = data
        self.replay_base = replay_base
        self.site_root = (site_url.rstrip("/") + "/") if site_url else ""
        self.feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url or data_root)}"

    def replay(self, capture) -> str:
        return replay_url(capture.collection, capture.fetched_at, capture.url, self.replay_base)

    def write(self) -> ReportResult:
        self._prepare()
        written = set()
        for page in self.data.pages.values():
            context = page_context("../", self.data.generated, self.data.since,
                                   f"../{FEED_NAME}", site=True)
            html = render("page.html.j2", p=page, pages=self.data.pages, replay=self.replay,
                          shots=self.views.of if self.views else None,
                          page_feed=page_feed_name(page.slug), **context)
            _write(self.out / page.href, html)
            _write(self.out / PAGES_DIR / page_feed_name(page.slug), self._page_feed(page))
            written.add(page.slug)
            written.add(page_feed_name(page.slug))
        index_path = self.out / "index.html"
        _write(index_path, render("index.html.j2", report=self.data,
                                  **page_context("", self.data.generated, self.data.since,
                                                 FEED_NAME, site=True)))
        _write(self.out / ICON_NAME, ICON_SVG)
        feed_path = self.out / FEED_NAME
        _write(feed_path, self._feed())
        self._remove_stale(written)
        if self.views is not None:
            self.views.remove_stale()
        lifecycle = self.data.lifecycle_changes()
        return ReportResult(
            self.out, index_path, feed_path, len(self.data.pages),
            sum(len(p.period_diffs) for p in self.data.pages.values()),
            sum(1 for c in lifecycle if c.event.kind == "removed"),
            sum(1 for c in lifecycle if c.event.kind == "restored"))

    def _feed(self) -> str:
        changes = self.data.feed_changes()[:FEED_ENTRIES]
        updated = changes[0].event.at if changes else self.data.generated
        self_url = self.site_root + FEED_NAME if self.site_root else None
        return render("feed.atom.j2", changes=changes, pages=self.data.pages,
                      since=self.data.since, updated=updated, feed_id=self.feed_id,
                      self_url=self_url, site_root=self.site_root)

    def _page_feed(self, page: PageReport) -> str:
        """One page's own feed: every edit, takedown and restoration of it, newest first (not
        only the report's period: a reader subscribes to the article's whole story)."""
        diffs = {diff.new.capture.id: diff for diff in page.diffs}
        changes = []
        for event in reversed(page.events[-FEED_ENTRIES:]):
            diff = diffs.get(event.capture.id) if event.kind == EDITED else None
            title = diff.new.version.title if diff is not None else page.title
            changes.append(Change(event, page.role, title, diff))
        updated = changes[0].event.at if changes else self.data.generated
        name = page_feed_name(page.slug)
        self_url = f"{self.site_root}{PAGES_DIR}/{name}" if self.site_root else None
        feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.feed_id + page.url)}"
        return render("feed.atom.j2", changes=changes, pages={page.url: page}, since=None,
                      updated=updated, feed_id=feed_id, self_url=self_url,
                      site_root=self.site_root or "../", feed_title=page.title or page.url)

    def _prepare(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out}: exists and is not a folder")
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise ConfigError(f"--out {self.out}: the folder is not empty and holds no earlier "
                              "report; choose an empty or new folder")
        (self.out / PAGES_DIR).mkdir(parents=True, exist_ok=True)
        (self.out / MARKER).write_text("A Palimpsest report: `palimpsest report` rewrites "
                                       "this folder.\n", encoding="utf-8")

    def _remove_stale(self, written: set[str]) -> None:
        stale = [*(self.out / PAGES_DIR).glob("*.html"), *(self.out / PAGES_DIR).glob("*.atom")]
        for path in stale:
            if path.name not in written:
                logger.info("removing %s, left by an earlier report", path)
                path.unlink()


def _write(path: Path, text: str) -> None:
    """Write a file atomically: a reader (or a web server) never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def page_feed_name(slug: str) -> str:
    """The file name of a page's own feed, beside its page: `<hash>-<slug>.atom`."""
    return slug.removesuffix(".html") + ".atom"


def default_out(layout: DataLayout) -> Path:
    """Where the report goes without --out: DATA/report."""
    return layout.root / "report"

