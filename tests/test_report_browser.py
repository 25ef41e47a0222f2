"""The report in a real browser: headless Debian Chromium driven by Playwright.

It reads the report over loopback HTTP, as a newsroom's web server would serve it, checks that
inserted and deleted words are visible and styled (so the CSP let the inline stylesheet apply),
that hostile archived text runs nothing, and that no page loads anything from elsewhere. It
saves screenshots; one goes to docs/report-screenshot.png for the README.
"""

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from editarchive import ARTICLE, ARTICLE_STORY, HOSTILE, HOSTILE_HEADLINE, NOW, build_archive

from archive.index import open_index
from archive.report.model import slug_for
from archive.report.site import build_report
from archive.store.layout import DataLayout

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "report-screenshot.png"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def served_report(tmp_path_factory):
    """The report of the known-edits archive, served on 127.0.0.1 from a thread."""
    base = tmp_path_factory.mktemp("browser")
    data = build_archive(base / "data")
    index = open_index(data, readonly=True)
    try:
        result = build_report(index, DataLayout(data), base / "site", now=NOW,
                              replay_base="http://127.0.0.1:8080")
    finally:
        index.close()
    handler = functools.partial(_QuietHandler, directory=str(result.out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A browser page that records dialogs, console errors and every request it makes."""

    def __init__(self, browser, base: str, width: int = 1100, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.dialogs, self.errors, self.requests = [], [], []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.base = base

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_quiet(self) -> None:
        assert self.dialogs == [] and self.errors == []
        assert all(url.startswith(self.base + "/") for url in self.requests), self.requests


def style(locator, name: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{name}')")


def test_inserted_and_deleted_words_are_visible_and_marked(browser, served_report, tmp_path):
    watched = Watched(browser, served_report)
    page = watched.page
    page.goto(served_report + "/index.html")
    assert page.locator("h1").inner_text() == "What changed in the archive"
    figure = page.locator("table.edited .figure").first
    assert figure.locator("del").inner_text() == "1,412"
    assert figure.locator("ins").inner_text() == "1,438"
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)

    page.locator("table.edited a.headline", has_text=ARTICLE_STORY.headline).click()
    page.wait_for_url("**/pages/" + slug_for(ARTICLE))
    deleted = page.locator("div.diff del", has_text="1,412").first
    inserted = page.locator("div.diff ins", has_text="1,438").first
    assert deleted.is_visible() and inserted.is_visible()
    # Marked so it reads without colour: struck through and underlined (the CSS applied).
    assert "line-through" in style(deleted, "text-decoration-line")
    assert "underline" in style(inserted, "text-decoration-line")
    assert style(deleted, "background-color") != style(inserted, "background-color")
    assert page.locator("svg.timeline rect").count() == 2
    assert page.locator("table.cited .flag", has_text="changed after it was cited").is_visible()
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    watched.assert_quiet()
    if os.environ.get("PALIMPSEST_REFRESH_DOCS"):  # only on request: tests leave the tree alone
        shutil.copyfile(tmp_path / "article.png", DOCS_SCREENSHOT)


def test_hostile_archived_text_runs_nothing_in_the_browser(browser, served_report, tmp_path):
    watched = Watched(browser, served_report)
    page = watched.page
    page.goto(served_report + "/pages/" + slug_for(HOSTILE))
    assert page.locator("h1").inner_text() == HOSTILE_HEADLINE
    assert page.title().startswith(HOSTILE_HEADLINE)
    assert page.evaluate("document.querySelectorAll('script, img, iframe, [onerror], [onload]')"
                         ".length") == 0
    assert page.locator("div.diff ins", has_text="svg onload").is_visible()
    assert page.locator("div.diff del", has_text="javascript:alert(3)").is_visible()
    assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    watched.assert_quiet()


# What overflows a phone's screen: the page's own width, and any element whose box reaches past
# the right edge (a badge cut at the edge, a table column pushed off it).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const past = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5;
  }).map(e => e.tagName.toLowerCase() + (e.className.baseVal === undefined && e.className
                                          ? '.' + e.className : '') + ': ' +
          (e.textContent || '').trim().slice(0, 40));
  return {scroll: document.scrollingElement.scrollWidth, width, past};
}"""


@pytest.mark.parametrize("where", ["index.html", "pages/" + slug_for(ARTICLE),
                                   "pages/" + slug_for(HOSTILE)])
def test_the_report_fits_a_phone_without_scrolling_sideways(browser, served_report, tmp_path,
                                                            where):
    """390 px wide, as editors read it: tables become stacked rows, long URLs and headlines
    wrap, badges stay whole; nothing reaches past the screen's right edge."""
    watched = Watched(browser, served_report, width=390, height=844)
    page = watched.page
    page.goto(f"{served_report}/{where}")
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"] == 390, measured
    assert measured["past"] == [], measured["past"]
    for badge in page.locator(".flag").all():  # e.g. CITED SOURCE CHANGED, whole on screen
        box = badge.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    rows = page.locator("table tbody tr")
    if rows.count():  # stacked: a cell sits under the one before it, labelled
        first = rows.first.locator("td")
        assert first.nth(1).bounding_box()["y"] > first.nth(0).bounding_box()["y"]
        label = first.first.evaluate(
            "e => getComputedStyle(e, '::before').getPropertyValue('content')")
        assert label.strip('"') == first.first.get_attribute("data-label")
    watched.assert_quiet()
