"""Every seed of a run is accounted for, and a run that crawled nothing says what to change."""

from __future__ import annotations

import json
from pathlib import Path

from crawling import FAST, crawl, palimpsest, write_seeds
from inprocess import cli
from mockserver import MockSite

from archive.limits import MAX_URL_LENGTH
from archive.schedule.outcomes import outcome_problems, seed_outcomes
from archive.schedule.seeds import parse_seeds


def test_a_run_whose_every_seed_is_refused_fails_and_says_allow_private(
        tmp_path: Path, mocksite: MockSite) -> None:
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/plain", "page"),
                                              (mocksite.b.url + "/listing", "listing")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "d"), "--json", *FAST,
                        check=False)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert [entry["outcome"] for entry in summary["seed_outcomes"]] == ["refused", "refused"]
    assert {entry["reason"] for entry in summary["seed_outcomes"]} == {"address"}
    assert summary["seed_counts"] == {"refused": 2}
    [line] = [row for row in result.stderr.splitlines()
              if row.startswith("problem: no seed was crawled")]
    assert "refused" in line and "--allow-private" in line
    assert mocksite.a.sent_for("/plain") == []


def test_each_seed_ends_one_way_and_the_summary_line_counts_them(
        tmp_path: Path, mocksite: MockSite) -> None:
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/private/page", "page"),
                                              (mocksite.a.url + "/plain", "page"),
                                              (mocksite.a.url + "/status/404", "page")])
    summary = crawl(seeds, tmp_path / "d", check=False)
    outcomes = [(entry["outcome"], entry.get("reason")) for entry in summary["seed_outcomes"]]
    assert outcomes == [("refused", "robots"), ("fetched", None), ("failed", "http-404")]
    # Not every seed was refused: no "no seed was crawled" problem.
    assert not [p for p in summary["problems"] if p.startswith("no seed was crawled")]
    again = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "d"), "--allow-private",
                       *FAST, check=False)
    # The pages fetched a moment ago are not due; the one still due is refused again, and
    # a run whose every due seed is refused fails, saying what to change.
    assert "seeds 3 (not due 2, refused 1)" in again.stdout, again.stdout
    assert again.returncode == 1
    assert "problem: no seed was crawled: every due seed was refused or unreadable (robots 1)" \
        in again.stderr and 'robots = "ignore"' in again.stderr


def test_a_seed_longer_than_the_crawler_fetches_is_rejected_at_load(tmp_path: Path) -> None:
    long_url = "http://news.example/" + "a" * MAX_URL_LENGTH
    seeds = write_seeds(tmp_path / "s.toml", [("http://news.example/", "page"),
                                              (long_url, "page")])
    result = cli("crawl", str(seeds), "--data", str(tmp_path / "d"), check=False)
    assert result.exit_code == 2
    assert "seed #2" in result.stderr and f"at most {MAX_URL_LENGTH}" in result.stderr
    assert not (tmp_path / "d").exists()  # nothing ran
    # One character under the limit is fine.
    ok = parse_seeds({"seed": [{"url": "http://n.example/" + "a" * (MAX_URL_LENGTH - 17)}]},
                     tmp_path / "ok.toml")
    assert len(ok.seeds[0].url) == MAX_URL_LENGTH


def test_a_seed_no_request_came_back_for_is_failed_dropped_not_forgotten(tmp_path: Path) -> None:
    seedfile = parse_seeds({"seed": [{"url": "http://a.example/"}, {"url": "http://b.example/"},
                                     {"url": "http://c.example/", "type": "feed"}]},
                           tmp_path / "s.toml")
    stats = {"finish_reason": "finished", "palimpsest/seed/1": "fetched",
             "palimpsest/seed/3": "unreadable:parse"}
    entries = seed_outcomes(seedfile, None, stats)
    assert [(e["outcome"], e.get("reason")) for e in entries] == [
        ("fetched", None), ("failed", "dropped"), ("unreadable", "parse")]
    stopped = seed_outcomes(seedfile, {"http://b.example/"},
                            {"finish_reason": "closespider_pagecount"})
    assert [(e["outcome"], e.get("reason")) for e in stopped] == [
        ("not-due", None), ("skipped", "closespider_pagecount"), ("not-due", None)]
    only_unreadable = seed_outcomes(seedfile, {"http://c.example/"}, stats)
    [problem] = outcome_problems(only_unreadable)
    assert "unreadable 1" in problem and "http://c.example/ is a feed" in problem
