"""Shared fixtures: the loopback mock site (the mockserver package), a fresh data folder, and
the crawls that several modules only read, made once per session.

A shared crawl is a subprocess like any other (crawling.py); what the tests read of it (its
summary, what the site sent, its WARC records) is taken the moment it ends, before any other
test can touch the mock site, and its data folder is never written again: a test that goes on
crawling copies it first.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from crawling import crawl, palimpsest, warc_records, write_seeds
from mockserver import Exchange, MockSite
from mockserver.fidelity import FIDELITY_PATHS
from services import require_services

# Crawls in tests make no screenshots (each would start pywb and Chromium) unless a test asks
# for them with `-s PALIMPSEST_SCREENSHOTS=true`; subprocesses inherit this.
os.environ["PALIMPSEST_SCREENSHOTS"] = "false"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `services` needs PostgreSQL and Redis (tests/services.py)."""
    if item.get_closest_marker("services"):
        require_services()


@pytest.fixture(scope="session")
def mocksite() -> Iterator[MockSite]:
    """The mock site for the whole session: ``.a`` on 127.0.0.1, ``.b`` on 127.0.0.2."""
    with MockSite() as site:
        yield site


@pytest.fixture(autouse=True)
def _fresh_mocksite(request: pytest.FixtureRequest) -> None:
    """Give each test that uses the mock site empty logs and every article at "v1"."""
    if "mocksite" in request.fixturenames:
        request.getfixturevalue("mocksite").reset()


@pytest.fixture
def tmp_data(tmp_path: Path) -> Path:
    """An empty data folder (the CLI's ``--data``) of this test's own."""
    data = tmp_path / "data"
    data.mkdir()
    return data


@dataclass(frozen=True)
class FinishedCrawl:
    """A crawl that has ended: its summary, what each host sent, and what it archived."""

    seeds: Path
    data: Path
    summary: dict
    sent_a: tuple[Exchange, ...]
    sent_b: tuple[Exchange, ...]
    records: list
    ended: float  # time.monotonic() when it ended

    def copy_to(self, data: Path) -> Path:
        """A copy of the data folder, for a test that goes on crawling into it."""
        shutil.copytree(self.data, data)
        return data


def _crawl_once(base: Path, site: MockSite, seeds: Path) -> FinishedCrawl:
    site.reset()
    summary = crawl(seeds, base / "data")
    return FinishedCrawl(seeds, base / "data", summary, tuple(site.a.sent), tuple(site.b.sent),
                         warc_records(base / "data"), time.monotonic())


@pytest.fixture(scope="session")
def fidelity_crawl(tmp_path_factory, mocksite) -> FinishedCrawl:
    """Every page of the fidelity matrix (mockserver.fidelity), crawled once as pages."""
    base = tmp_path_factory.mktemp("fidelity")
    seeds = write_seeds(base / "seeds.toml", [(mocksite.a.url + path, "page")
                                             for path in FIDELITY_PATHS], sources=0)
    return _crawl_once(base, mocksite, seeds)


@pytest.fixture(scope="session")
def listing_crawl(tmp_path_factory, mocksite) -> FinishedCrawl:
    """The news site's listing, its articles and the notices they cite on the other host."""
    base = tmp_path_factory.mktemp("listing")
    seeds = write_seeds(base / "seeds.toml", [(mocksite.a.url + "/listing", "listing")],
                        sources=1, source_hosts=["127.0.0.2"])
    return _crawl_once(base, mocksite, seeds)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """`palimpsest demo` run once, as a person runs it on a wide terminal without colour: its
    data folder and what it printed. Its own process: the demo crawls three times."""
    from archive.screenshot.chromium import CHROMIUM

    data = tmp_path_factory.mktemp("demo") / "demo-data"
    # The demo makes screenshots where Chromium is installed, as `make demo` does.
    shots = "true" if CHROMIUM.exists() else "false"
    printed = palimpsest("demo", "--port", "0", "--data", str(data), timeout=600,
                         env={"COLUMNS": "200", "NO_COLOR": "1",
                              "PALIMPSEST_SCREENSHOTS": shots}).stdout
    return data, printed


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright, launched as `palimpsest screenshots`
    launches it; the browser tests skip only where /usr/bin/chromium is missing."""
    from archive.screenshot.chromium import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (CI installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
