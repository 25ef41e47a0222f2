"""Screenshots of new versions, made from the archive: pywb replays, Chromium renders.

For each version's first capture that has no screenshot yet, the capture is replayed by the
project's own pywb over the data folder (offline: nothing but pywb is reachable from the
browser) and rendered in Chromium (archive/screenshot/chromium.py); the picture is stored as
a `urn:view:` resource record with a viewinfo record tying it to the capture it shows, or the
viewinfo alone says why there is none. A run stops starting pages once its time budget is
spent; what it left is picked up by the next run. The caller holds the data folder's lock.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from archive.archiver import Archiver
from archive.index import open_index
from archive.replay.cdxj import update_cdxj
from archive.replay.server import ReplayServer
from archive.replay.urls import replay_url
from archive.screenshot.chromium import CHROMIUM, Limits, Render, Renderer, chromium_status
from archive.screenshot.image import MIME, SCALE, encode
from archive.store.layout import DataLayout

logger = logging.getLogger(__name__)

DEFAULT_BUDGET_SECONDS = 600.0


@dataclass
class ScreenshotRun:
    """What a run of screenshots did (the `screenshots` part of a crawl's summary)."""

    enabled: bool
    line: str  # "screenshots: on (...)" / "screenshots: off (...)"
    made: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    left: int = 0  # captures still without a screenshot when the budget ran out
    bytes: int = 0
    seconds: float = 0.0
    peak_memory: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "made": self.made, "failed": dict(self.failed),
                "left": self.left, "bytes": self.bytes, "seconds": round(self.seconds, 2),
                "peak_memory": self.peak_memory}


def take_screenshots(data_dir: str | Path, *, since: str | None = None,
                     budget_seconds: float = DEFAULT_BUDGET_SECONDS, limit: int = 1000,
                     index_url: str | None = None, chromium: Path = CHROMIUM,
                     limits: Limits = Limits(), quality: int | None = None) -> ScreenshotRun:
    """Render and store screenshots of the versions that lack one."""
    enabled, line = chromium_status(chromium)
    run = ScreenshotRun(enabled, line)
    if not enabled:
        return run
    started = time.monotonic()
    layout = DataLayout(data_dir)
    index = open_index(layout.root, url=index_url)
    try:
        todo = index.captures_without_view(since, limit=limit)
    finally:
        index.close()
    if not todo:
        return run
    archivers: dict[str, Archiver] = {}
    log = _quiet_log(layout)
    try:
        with ReplayServer(layout.root, port=0, log=log, framed=False) as replay, \
                Renderer(replay.url, limits, chromium) as renderer:
            for number, item in enumerate(todo):
                if time.monotonic() - started > budget_seconds:
                    run.left = len(todo) - number
                    break
                target = replay_url(item["collection"], item["fetched_at"], item["url"],
                                    replay.url)
                shot = renderer.render(target)
                _store(archivers, layout, index_url, item, shot, run, quality)
            run.peak_memory = renderer.peak_memory
    finally:
        log.close()
        for archiver in archivers.values():
            archiver.close()
        for collection in archivers:
            run.problems += update_cdxj(layout.root, collection).problems
    run.seconds = time.monotonic() - started
    return run


def _store(archivers: dict[str, Any], layout: DataLayout, index_url: str | None,
           item: dict[str, Any],
           shot: Render, run: ScreenshotRun, quality: int | None) -> None:
    collection = item["collection"]
    archiver = archivers.get(collection)
    if archiver is None:
        archiver = Archiver(layout.root, collection,
                            index=open_index(layout.root, url=index_url),
                            warcinfo={"description": "screenshots of captures, rendered "
                                      "from this archive by pywb and headless Chromium"})
        archivers[collection] = archiver
    data = {"url": item["url"], "capture_date": item["fetched_at"],
            "renderer": "chromium (headless, Playwright)", "replay": "pywb",
            "viewport": {"width": 1280, "height": 800}, "seconds": shot.seconds,
            "blocked_requests": len(shot.blocked), "failed_requests": len(shot.failed)}
    if shot.notes:
        data["notes"] = shot.notes
    image = None
    if shot.png is not None:
        image = encode(shot.png) if quality is None else encode(shot.png, quality)
        data.update(width=shot.width, height=shot.height, scale=SCALE)
        run.made += 1
        run.bytes += len(image)
    else:
        data["reason"] = shot.reason
        reason = (shot.reason or "unknown").split(":")[0]
        run.failed[reason] = run.failed.get(reason, 0) + 1
        logger.warning("no screenshot of %s: %s", item["url"], shot.reason)
    archiver.add_view(item["url"], item["record_id"], image, MIME if image else None, data)
    archiver.commit()


def _quiet_log(layout: DataLayout) -> TextIO:
    """pywb's request log goes to a file in DATA/logs, not to the terminal."""
    layout.logs_dir.mkdir(parents=True, exist_ok=True)
    return (layout.logs_dir / "screenshots-pywb.log").open("a", encoding="utf-8")
