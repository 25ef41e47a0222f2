"""A discovery seed that stops discovering is a problem line (and in `palimpsest status`); it
fails the run only when nothing else was crawled."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import FAST, crawl, palimpsest, write_seeds
from inprocess import cli
from mockserver import MockSite


def test_a_feed_that_answers_a_web_page_is_a_problem_line_not_a_failed_run(
        tmp_path: Path, mocksite: MockSite) -> None:
    feed = mocksite.a.url + "/plain"  # an ordinary HTML page, given as a feed
    seeds = write_seeds(tmp_path / "s.toml", [(feed, "feed"),
                                              (mocksite.a.url + "/articles/flood-count",
                                               "page")], sources=0)
    data = tmp_path / "d"
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--allow-private",
                        "--quiet", *FAST, check=False)
    assert result.returncode == 0, result.stderr
    assert "seeds 2 (fetched 1, unreadable 1)" in result.stdout  # quiet, yet it says why
    problem = (f"problem: feed seed {feed} could not be read as a feed (the log says why): "
               "check its url, and that its type is right")
    assert result.stderr.splitlines()[0] == problem
    status = cli("status", "--data", str(data)).stdout
    assert f"test: {problem}" in status
    as_json = json.loads(cli("status", "--data", str(data), "--json").stdout)
    assert as_json["seed_problems"]["test"]["problems"] == [problem.removeprefix("problem: ")]


def test_an_unreadable_feed_that_is_the_only_seed_fails_the_run(
        tmp_path: Path, mocksite: MockSite) -> None:
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/plain", "feed")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "d"), "--allow-private",
                        "--quiet", *FAST, check=False)
    assert result.returncode == 1
    [line] = [row for row in result.stderr.splitlines() if row.startswith("problem:")]
    assert line.startswith("problem: no seed was crawled: every due seed was refused or "
                           "unreadable (unreadable 1); check that")


def test_a_sitemap_that_suddenly_lists_nothing_is_a_problem_until_it_lists_again(
        tmp_path: Path, mocksite: MockSite) -> None:
    sitemap = mocksite.a.url + "/sitemap.xml"
    seeds = write_seeds(tmp_path / "s.toml", [(sitemap, "sitemap"),
                                              (mocksite.a.url + "/plain", "page")], sources=0)
    data = tmp_path / "d"
    first = crawl(seeds, data)
    assert first["seed_problems"] == [] and first["seed_counts"] == {"fetched": 2}
    mocksite.a.empty_feeds()
    emptied = crawl(seeds, data, "--all", check=False)
    [entry] = [e for e in emptied["seed_outcomes"] if e["url"] == sitemap]
    assert (entry["outcome"], entry["reason"]) == ("unreadable", "empty-after-3")
    assert emptied["seed_problems"] == [
        f"sitemap seed {sitemap} listed nothing, though 3 articles were found through it "
        "before: has it moved? Check its url"]
    assert emptied["problems"] == []  # the page seed was crawled: the run itself is fine
    assert "listed nothing" in cli("status", "--data", str(data)).stdout
    mocksite.a.empty_feeds(False)
    again = crawl(seeds, data, "--all")
    assert again["seed_problems"] == []
    assert "listed nothing" not in cli("status", "--data", str(data)).stdout
