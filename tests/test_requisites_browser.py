"""Replay as the reader saw it, checked in headless Chromium with the live site gone.

The styled test site is crawled (with screenshots on), its live page is shot, then the site is
stopped: `palimpsest replay` must serve the page with every requisite from the archive, with
no request reaching the (stopped) site and no subresource failing, and the screenshot the
crawl made from the archive must match the live page to within a small pixel tolerance. The
`urn:view:` record replays as the picture itself. Few page loads: CI time is shared.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from crawling import FAST, palimpsest, write_seeds
from replaying import get, start_replay
from requisitesite import RequisiteSite

from archive.index import open_index
from archive.replay.urls import replay_url
from archive.screenshot.chromium import VIEWPORT

pytestmark = pytest.mark.browser

PIXEL_TOLERANCE = 24  # per channel: WebP's loss on flat colours and text edges
DIFFERING_SHARE = 0.01  # of pixels allowed past it


@pytest.fixture(scope="module")
def archived(browser, tmp_path_factory):
    """(data, page URL, the mock's origins, the live screenshot as PNG, the crawl summary)."""
    base = tmp_path_factory.mktemp("replay-requisites")
    data = base / "data"
    data.mkdir()
    site = RequisiteSite().__enter__()
    try:
        url = site.a.url + "/r/article-1"
        seeds = write_seeds(base / "seeds.toml", [(url, "page")], sources=0)
        result = palimpsest("crawl", str(seeds), "--data", str(data), "--allow-private",
                            "--json", *FAST, "-s", "PALIMPSEST_SCREENSHOTS=true")
        summary = json.loads(result.stdout)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url, wait_until="networkidle")
        height = page.evaluate("document.documentElement.scrollHeight")
        live = page.screenshot(full_page=True, clip={"x": 0, "y": 0,
                                                     "width": VIEWPORT["width"],
                                                     "height": max(height, 800)})
        page.close()
        origins = (site.a.url, site.b.url)
    finally:
        site.stop()  # from here on the live site is gone
    return data, url, origins, live, summary


@pytest.fixture(scope="module")
def replay(archived):
    running = start_replay(archived[0])
    try:
        yield running
    finally:
        running.stop()


def test_replay_serves_every_requisite_from_the_archive_and_nothing_else(browser, archived,
                                                                          replay):
    data, url, origins, _, _ = archived
    index = open_index(data, readonly=True)
    capture = index.captures(url)[0]
    index.close()
    context = browser.new_context(viewport=VIEWPORT)
    requests, failed = [], []
    context.on("request", lambda request: requests.append(request.url))
    context.on("requestfailed", lambda request: failed.append(request.url))
    context.on("response", lambda response: response.status >= 400
               and failed.append(f"{response.status} {response.url}"))
    page = context.new_page()
    page.goto(replay_url("test", capture.fetched_at, url, replay.url), wait_until="load")
    frame = page.frame_locator("iframe").first
    frame.locator("h2").wait_for()
    page.wait_for_load_state("networkidle")
    content = next(f for f in page.frames if f != page.main_frame)
    # The stylesheet, its @import, the font, the script and the lazy image all applied.
    assert content.evaluate("getComputedStyle(document.querySelector('h2')).color") == \
        "rgb(138, 28, 28)"
    assert content.evaluate("document.fonts.check('16px \"Courier Display\"')")
    assert content.evaluate("document.body.getAttribute('data-app')") == "ran"
    assert content.evaluate(
        "[...document.images].filter(i => i.src.startsWith('http')"
        " && i.loading !== 'lazy' && !(i.complete && i.naturalWidth > 0)).length") == 0
    assert content.evaluate("document.querySelector('img.lazy').naturalWidth") == 120
    web = [r for r in requests if r.startswith("http")]
    assert web and all(r.startswith(replay.url + "/") for r in web), web
    assert not [r for r in requests if r.startswith(origins)]
    assert [f for f in failed if "http" in f] == []
    context.close()


def test_the_screenshot_made_from_the_archive_matches_the_live_page(archived):
    from PIL import Image, ImageChops

    data, url, _, live, summary = archived
    assert summary["screenshots"]["enabled"] and summary["screenshots"]["made"] == 1
    index = open_index(data, readonly=True)
    try:
        view = index.view_of(index.captures(url)[0].id)
    finally:
        index.close()
    assert view.status == "ok" and view.mime == "image/webp"
    stored = _record_body(data, view.warc_file, view.warc_offset)
    archived_image = Image.open(io.BytesIO(stored)).convert("RGB")
    # The archive keeps the page at three quarters (archive/screenshot/image.py): so is the
    # live shot compared.
    live_image = Image.open(io.BytesIO(live)).convert("RGB")
    live_image = live_image.resize(archived_image.size, Image.LANCZOS)
    assert archived_image.width == round(VIEWPORT["width"] * 0.75)
    difference = ImageChops.difference(archived_image, live_image).convert("L")
    differing = sum(difference.point(lambda v: 255 if v > PIXEL_TOLERANCE else 0).histogram()[255:])
    assert differing / (live_image.width * live_image.height) < DIFFERING_SHARE


def test_the_view_record_replays_as_the_picture(archived, replay):
    data, url, _, _, _ = archived
    index = open_index(data, readonly=True)
    view = index.view_of(index.captures(url)[0].id)
    index.close()
    stored = _record_body(data, view.warc_file, view.warc_offset)
    status, headers, body = get(replay_url("test", view.made_at, "urn:view:" + url,
                                           replay.url, modifier="id_"))
    assert status == 200 and headers["content-type"] == "image/webp" and body == stored


def _record_body(data: Path, filename: str, offset: int) -> bytes:
    from warcio.archiveiterator import ArchiveIterator

    path = data / "collections" / "test" / "archive" / filename
    with path.open("rb") as stream:
        stream.seek(offset)
        return next(iter(ArchiveIterator(stream))).content_stream().read()
