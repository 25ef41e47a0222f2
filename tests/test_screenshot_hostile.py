"""Screenshots of pages that fight back: a script that never yields, a page whose network
never goes quiet. Each gets a bounded outcome and a reason, and the run goes on. The limits
are shortened so the test stays fast; the logic is the one a crawl uses."""

from __future__ import annotations

import json

import pytest
from crawling import crawl, warc_records, write_seeds
from requisitesite import RequisiteSite

from archive.screenshot.chromium import CHROMIUM, Limits
from archive.screenshot.run import take_screenshots

pytestmark = pytest.mark.browser


def test_a_looping_script_and_a_chatty_page_get_bounded_outcomes(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (CI installs it: apt-get install chromium)")
    data = tmp_path / "data"
    data.mkdir()
    with RequisiteSite() as site:
        urls = [site.a.url + "/h/busy", site.a.url + "/h/chatty"]
        crawl(write_seeds(tmp_path / "seeds.toml", [(u, "page") for u in urls], sources=0),
              data)
    # Short waits for the page, generous ones for the work: a loaded machine must not turn
    # the chatty page's shot into a timeout.
    limits = Limits(load_seconds=3, idle_seconds=1, shot_seconds=8, margin_seconds=20)
    run = take_screenshots(data, limits=limits)
    assert run.made == 1 and run.failed == {"timeout": 1} and run.left == 0
    infos = {h.get_header("WARC-Target-URI"): json.loads(body)
             for h, _, body in warc_records(data)
             if (h.get_header("WARC-Target-URI") or "").startswith("urn:viewinfo:")}
    busy, chatty = infos["urn:viewinfo:" + urls[0]], infos["urn:viewinfo:" + urls[1]]
    assert busy["status"] == "failed" and busy["reason"] == "timeout"
    assert chatty["status"] == "ok" and "the network never went quiet" in chatty["notes"]
    assert run.seconds < 90  # the looping page cost its deadline, not the run's
