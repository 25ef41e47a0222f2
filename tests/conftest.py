"""Shared fixtures: the loopback mock site (see mockserver.py) and a fresh data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from mockserver import MockSite

# Crawls in tests make no screenshots (each would start pywb and Chromium) unless a test asks
# for them with `-s PALIMPSEST_SCREENSHOTS=true`; subprocesses inherit this.
os.environ["PALIMPSEST_SCREENSHOTS"] = "false"


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
