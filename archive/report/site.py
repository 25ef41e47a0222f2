"""`palimpsest report`: write the static site (index, a page per article, Atom feed of edits).

The site is plain files that work from disk or from any web server: no script, every page
self-contained (inline CSS allowed by hash in its Content-Security-Policy). Files are written
atomically. The folder is often a shared web root, so every write stays inside it: `--out` is
resolved once, then the folder and its `pages/` are opened without following links and every
file is written, and removed, through them (archive.store.confined): a symlink planted in place
of `pages/` is refused, never written or deleted through. A run removes only pages the
previous run listed in its manifest (the marker file) and this one did not write again, so a
wrong --out, or a folder shared with other files, loses nothing.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.exceptions import ConfigError
from archive.index import Capture, Index
from archive.progress import Report, tracked
from archive.replay.urls import replay_url
from archive.report.model import PAGES_DIR, PageReport, ReportCollector, ReportData
from archive.report.render import ICON_NAME, ICON_SVG, page_context, render, safe_href
from archive.report.views import VIEWS_DIR, ReportViews
from archive.store.confined import ConfinedDir
from archive.store.layout import DataLayout
from archive.timeutil import utcnow
from archive.versions.changes import Change
from archive.versions.edits import EditReader
from archive.versions.lifecycle import EDITED

logger = logging.getLogger(__name__)

MARKER = ".palimpsest-report"  # the manifest: which pages this report wrote
FEED_NAME = "edits.atom"
FEED_ENTRIES = 200
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_PAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(html|atom)$")


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
                 site_url: str | None = None, now: datetime | None = None,
                 progress: Report | None = None) -> ReportResult:
    """Collect the report from the index and write it into `out`; `progress` hears how many
    pages were read, then written."""
    if site_url is not None and safe_href(site_url) is None:
        raise ConfigError(f"--site-url {site_url!r}: must be an absolute http(s) URL")
    now = now or utcnow()
    reader = EditReader(index, layout)
    data = ReportCollector(reader, since, replay_base, now, progress).collect()
    writer = _SiteWriter(out, data, replay_base, site_url, str(layout.root.resolve()),
                         ReportViews(index, layout), progress)
    return writer.write()


class _SiteWriter:
    def __init__(self, out: Path, data: ReportData, replay_base: str | None,
                 site_url: str | None, data_root: str, views: ReportViews | None = None,
                 progress: Report | None = None) -> None:
        self.out = Path(out).resolve()  # the user's folder, wherever links lead it
        self.progress = progress
        self.views = views  # each edit's screenshots, copied into views/
        self.data = data
        self.replay_base = replay_base
        self.site_root = (site_url.rstrip("/") + "/") if site_url else ""
        self.feed_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url or data_root)}"

    def replay(self, capture: Capture) -> str:
        return replay_url(capture.collection, capture.fetched_at, capture.url, self.replay_base)

    def write(self) -> ReportResult:
        if self.out.exists() and not self.out.is_dir():
            raise ConfigError(f"--out {self.out}: exists and is not a folder")
        with ConfinedDir.open(self.out) as folder:
            previous = _previous_pages(folder, self.out)
            with folder.subdir(PAGES_DIR) as pages, folder.subdir(VIEWS_DIR) as views:
                if self.views is not None:
                    self.views.start(views)
                written = self._write_pages(pages)
                # Listed first, so a run that dies from here on still knows every page.
                _write_manifest(folder, previous | written)
                self._remove_stale(pages, previous - written)
                if self.views is not None:
                    self.views.remove_stale()
            folder.write_bytes("index.html", render("index.html.j2", report=self.data,
                                                    replay=self.replay,
                                                    **page_context("", self.data.generated,
                                                                   self.data.since, FEED_NAME,
                                                                   site=True)).encode())
            folder.write_bytes(ICON_NAME, ICON_SVG.encode())
            folder.write_bytes(FEED_NAME, self._feed().encode())
            _write_manifest(folder, written)
        lifecycle = self.data.lifecycle_changes()
        return ReportResult(
            self.out, self.out / "index.html", self.out / FEED_NAME, len(self.data.pages),
            sum(len(p.period_diffs) for p in self.data.pages.values()),
            sum(1 for c in lifecycle if c.event.kind == "removed"),
            sum(1 for c in lifecycle if c.event.kind == "restored"))

    def _write_pages(self, pages: ConfinedDir) -> set[str]:
        written = set()
        for page in tracked("writing pages", list(self.data.pages.values()), self.progress):
            context = page_context("../", self.data.generated, self.data.since,
                                   f"../{FEED_NAME}", site=True)
            html = render("page.html.j2", p=page, pages=self.data.pages, replay=self.replay,
                          shots=self.views.of if self.views else None,
                          page_feed=page_feed_name(page.slug), **context)
            pages.write_bytes(page.slug, html.encode("utf-8"))
            pages.write_bytes(page_feed_name(page.slug), self._page_feed(page).encode("utf-8"))
            written |= {page.slug, page_feed_name(page.slug)}
        return written

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

    def _remove_stale(self, pages: ConfinedDir, stale: set[str]) -> None:
        """Remove pages an earlier run wrote and this one did not: only those."""
        for name in sorted(stale):
            if pages.is_file(name):
                logger.info("removing %s, left by an earlier report", pages.path / name)
                pages.unlink(name)


def _previous_pages(folder: ConfinedDir, out: Path) -> set[str]:
    """The pages the previous report wrote here (its manifest). A folder that is not empty
    and holds no earlier report is refused: a mistyped --out must cost nothing."""
    raw = folder.read_bytes(MARKER, MAX_MANIFEST_BYTES)
    if raw is None:
        if folder.names():
            raise ConfigError(f"--out {out}: the folder is not empty and holds no earlier "
                              "report; choose an empty or new folder")
        return set()
    try:
        listed = json.loads(raw)["pages"]
    except (ValueError, KeyError, TypeError):
        # A marker from before manifests (or one someone edited): a report folder, whose
        # pages this run cannot show it wrote, so it removes none of them.
        logger.warning("%s lists no pages; no earlier page is removed this time", out / MARKER)
        return set()
    return {name for name in listed if isinstance(name, str) and _PAGE_NAME.match(name)}


def _write_manifest(folder: ConfinedDir, pages: set[str]) -> None:
    manifest = {"about": "A Palimpsest report: `palimpsest report` rewrites this folder and "
                         "removes only the pages listed here.", "pages": sorted(pages)}
    folder.write_bytes(MARKER, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))


def page_feed_name(slug: str) -> str:
    """The file name of a page's own feed, beside its page: `<hash>-<slug>.atom`."""
    return slug.removesuffix(".html") + ".atom"


def default_out(layout: DataLayout) -> Path:
    """Where the report goes without --out: DATA/report."""
    return layout.root / "report"

