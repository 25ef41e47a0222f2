"""Screenshots in the report: each edit's before and after, as the archive rendered them.

A screenshot stored in the WARCs (a `urn:view:` record, archive/screenshot/) is copied once
into the report's `views/` folder, with a small thumbnail beside it; the page shows the
thumbnail linking to the full picture. The files are the report's own (`img-src 'self'` is all
its Content-Security-Policy allows), so a published report loads nothing from elsewhere.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.exceptions import PalimpsestError
from archive.store.confined import ConfinedDir
from archive.store.layout import DataLayout
from archive.warc.reader import read_record_content

if TYPE_CHECKING:
    from archive.index import Index
    from archive.versions.edits import Side

logger = logging.getLogger(__name__)

VIEWS_DIR = "views"
MAX_VIEW_BYTES = 16 * 1024 * 1024
_SUFFIXES = {"image/webp": ".webp", "image/png": ".png", "image/jpeg": ".jpg"}
_OURS = re.compile(r"[0-9a-f]{24}(-thumb)?\.(webp|png|jpg)")  # names this module writes


@dataclass(frozen=True)
class Shown:
    """A screenshot as the report links it (paths relative to the report's root)."""

    full: str
    thumb: str
    made_at: str


class ReportViews:
    """Finds the screenshot of a diff's side and writes its files (once) into the report."""

    def __init__(self, index: Index, layout: DataLayout) -> None:
        self.index = index
        self.layout = layout
        self.folder: ConfinedDir | None = None
        self.written: set[str] = set()
        self._cache: dict[int, Shown | None] = {}

    def start(self, folder: ConfinedDir) -> None:
        """Write into `folder` (the report's views/, confined like the rest of it)."""
        self.folder = folder

    def of(self, side: Side) -> Shown | None:
        """The screenshot of the capture where a version showed (or of its first capture)."""
        for capture_id in (side.capture.id, side.version.first_capture):
            if capture_id is None:
                continue
            if capture_id not in self._cache:
                self._cache[capture_id] = self._load(capture_id, side.capture.collection)
            if self._cache[capture_id] is not None:
                return self._cache[capture_id]
        return None

    def _load(self, capture_id: int, collection: str) -> Shown | None:
        view = self.index.view_of(capture_id)
        if self.folder is None or view is None or view.status != "ok" \
                or view.mime not in _SUFFIXES:
            return None
        name = hashlib.sha256((view.record_id or "").encode()).hexdigest()[:24]
        full = f"{name}{_SUFFIXES[view.mime]}"
        thumb = f"{name}-thumb.webp"
        try:
            if not (self.folder.is_file(full) and self.folder.is_file(thumb)):
                from archive.screenshot.image import thumbnail  # Pillow only when there are views

                image = read_record_content(
                    self.layout.archive_dir(collection) / view.warc_file, view.warc_offset,
                    MAX_VIEW_BYTES)
                self.folder.write_bytes(full, image)
                self.folder.write_bytes(thumb, thumbnail(image))
        except (PalimpsestError, OSError, ValueError) as exc:
            logger.warning("screenshot %s could not be read: %s", view.record_id, exc)
            return None
        self.written.update({full, thumb})
        return Shown(f"{VIEWS_DIR}/{full}", f"{VIEWS_DIR}/{thumb}", view.made_at)

    def remove_stale(self) -> None:
        """Pictures of an earlier report that this one no longer shows (only files named as
        this module names them: nothing else in the folder is touched)."""
        if self.folder is None:
            return
        for name in self.folder.names():
            if _OURS.fullmatch(name) and name not in self.written:
                self.folder.unlink(name)
