"""No page and no pattern can stall a crawl: nested quantifiers are refused at load, and the
work on each page runs under a time budget in a worker process that is replaced if stuck."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from crawling import crawl, warc_records, write_seeds
from inprocess import cli
from mockserver import MockSite

from archive.exceptions import ConfigError
from archive.schedule.seeds import parse_seeds
from crawler.pageworkers import PageTimeout, PageWorkers


def pageinfo_of(records: list, url: str) -> list[dict]:
    return [json.loads(r[2]) for r in records
            if r[0].get_header("WARC-Target-URI") == "urn:pageinfo:" + url]


def test_a_nested_quantifier_is_refused_when_the_seed_file_is_loaded(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path / "s.toml", [("http://news.example/", "page")],
                        ignore=["(a+)+$"])
    result = cli("crawl", str(seeds), "--data", str(tmp_path / "d"), check=False)
    assert result.exit_code == 2
    assert "[defaults]: ignore: regular expression '(a+)+$' refused: a repeat inside a " \
           "repeat" in result.stderr
    with pytest.raises(ConfigError, match="articles: regular expression"):
        parse_seeds({"seed": [{"url": "http://n.example/", "type": "feed",
                               "articles": r"(\w+-?)*\.html"}]}, tmp_path / "s.toml")
    # A repeat whose iterations a literal tells apart is fine.
    parse_seeds({"defaults": {"ignore": [r"[a-z]+(?:-[a-z]+)*", r"Updated \d+ minutes ago"]},
                 "seed": [{"url": "http://n.example/"}]}, tmp_path / "s.toml")


def test_a_page_over_the_budget_is_archived_failed_with_timeout_and_the_crawl_goes_on(
        tmp_path: Path, mocksite: MockSite) -> None:
    # `(a|aa)+$` has no nested quantifier, so it passes the load check, yet it backtracks
    # without end on the page's run of a's: only the budget stops it.
    hostile = mocksite.a.url + "/hostile/runs"
    article = mocksite.a.url + "/articles/flood-count"
    seeds = write_seeds(tmp_path / "s.toml", [(hostile, "page"), (article, "page")],
                        sources=0, ignore=["(a|aa)+$"])
    data = tmp_path / "d"
    started = time.monotonic()
    summary = crawl(seeds, data, "-s", "PALIMPSEST_EXTRACT_PROCESSES=1",
                    "-s", "PALIMPSEST_PAGE_BUDGET=3", check=False)
    assert time.monotonic() - started < 60
    records = warc_records(data)
    assert [r for r in records if r[0].get_header("WARC-Target-URI") == hostile
            and r[0].get_header("WARC-Type") == "response"]  # archived all the same
    [info] = pageinfo_of(records, hostile)
    assert info["status"] == "failed" and info["reason"].startswith("timeout")
    [other] = pageinfo_of(records, article)
    assert other["status"] == "ok"  # the replaced worker extracted it
    assert summary["new_versions"] == 1 and summary["extraction_failed"] == 1


def test_a_stuck_worker_is_replaced_and_the_next_job_runs() -> None:
    async def scenario() -> tuple[float, int, int]:
        workers = PageWorkers(1, budget=1.0)
        try:
            started = time.monotonic()
            with pytest.raises(PageTimeout):
                await workers.run(time.sleep, 30)
            waited = time.monotonic() - started
            return waited, await workers.run(abs, -7), workers.replaced
        finally:
            workers.close()

    waited, answer, replaced = asyncio.run(scenario())
    assert waited < 10 and answer == 7 and replaced == 1
