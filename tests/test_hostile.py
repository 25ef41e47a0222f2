"""Hostile and broken responses: cut-off bodies, hangs, bombs, oversized bodies, redirect
loops, pages no parser should choke on; and nothing written outside the data folder."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from crawling import crawl, palimpsest, warc_records, write_seeds
from inprocess import cli, records
from mockserver.fidelity import FIDELITY_PAGE
from mockserver.hostile import bomb_of

from archive.limits import MAX_DECOMPRESSED_BYTES
from archive.verify.data import verify_data
from archive.warc.inflate import DecompressionLimitError, decode_body


def rows(data: Path, sql: str, *params) -> list[tuple]:
    db = sqlite3.connect(data / "index.sqlite")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def pageinfo_of(records, url: str) -> list[dict]:
    return [json.loads(r[2]) for r in records
            if r[0].get_header("WARC-Target-URI") == "urn:pageinfo:" + url]


def test_case07_misbehaving_servers_never_give_a_complete_capture_or_a_version(tmp_path,
                                                                                mocksite):
    a = mocksite.a.url
    cut = [a + "/truncated", a + "/broken-chunked"]
    lost = [a + "/drop", a + "/hang-after-headers?seconds=6", a + "/slow?seconds=6"]
    whole = a + "/no-length"  # ends when the connection closes: complete, as far as HTTP says
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page") for url in cut + lost + [whole]])
    data = tmp_path / "data"
    summary = crawl(seeds, data, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1",
                    check=False)
    records = warc_records(data)
    for url in cut:
        stored = [r for r in records if r[0].get_header("WARC-Target-URI") == url
                  and r[0].get_header("WARC-Type") == "response"]
        assert len(stored) == 2  # the first try and the retry, both kept
        assert all(r[0].get_header("WARC-Truncated") == "length" for r in stored)
        # The retried one never reached extraction; the last one was refused extraction.
        assert rows(data, "SELECT truncated, extraction, text_hash FROM captures WHERE url = ? "
                    "ORDER BY id", url) == [("length", None, None), ("length", "failed", None)]
        assert all("truncated" in info["reason"] for info in pageinfo_of(records, url))
    for url in lost:  # nothing arrived whole: nothing stored, the failure counted
        assert not [r for r in records if r[0].get_header("WARC-Target-URI") == url]
    [(headers, _, body)] = [r for r in records if r[0].get_header("WARC-Type") == "response"
                            and r[0].get_header("WARC-Target-URI") == whole]
    assert headers.get_header("WARC-Truncated") is None and body == FIDELITY_PAGE
    assert summary["truncated"] == 2 and summary["new_versions"] == 0
    assert summary["failures"] == {"connection": 1, "timeout": 2}
    assert rows(data, "SELECT count(*) FROM versions") == [(0,)]
    assert verify_data(data).ok


def test_case12_a_truncated_fetch_after_a_version_is_no_edit_and_no_deletion(tmp_path,
                                                                             mocksite):
    url = mocksite.a.url + "/articles/dam-review"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    assert crawl(seeds, data)["new_versions"] == 1
    mocksite.a.set_variant("dam-review", "truncated")
    cut = crawl(seeds, data, "--all", check=False)
    assert cut["truncated"] == 1 and cut["new_versions"] == 0 and cut["extraction_failed"] == 1
    mocksite.a.set_variant("dam-review", "v1")
    back = crawl(seeds, data, "--all")
    assert back["new_versions"] == 0 and back["returned"] == 0
    history = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    assert len(history["versions"]) == 1
    assert [c["extraction"] for c in history["captures"]] == ["ok", "failed", "ok"]
    shown = cli("history", url, "--data", str(data)).stdout
    assert [row["version"] for row in records(shown, "Captures")] == ["1", "failed", "1"]
    assert rows(data, "SELECT changes FROM pages WHERE url = ?", url) == [(0,)]


def test_case14_bombs_in_every_coding_are_stopped_and_stored_as_received(tmp_path, mocksite):
    codings = ["gzip", "deflate", "br", "zstd"]
    seeds = write_seeds(tmp_path / "s.toml", [(f"{mocksite.a.url}/bomb/{coding}", "page")
                                              for coding in codings])
    data = tmp_path / "data"
    summary = crawl(seeds, data, check=False)
    assert summary["failures"] == {"too-large": 4} and summary["fetched"] == 0
    records = warc_records(data)
    for coding in codings:
        url = f"{mocksite.a.url}/bomb/{coding}"
        [(headers, http, stored)] = [r for r in records if r[0].get_header("WARC-Type") ==
                                     "response" and r[0].get_header("WARC-Target-URI") == url]
        assert stored == bomb_of(coding)  # the small body as received, never inflated
        assert not pageinfo_of(records, url)  # never extracted
        with pytest.raises(DecompressionLimitError):
            decode_body(stored, [coding])  # anyone decoding it later meets the same cap
    report = verify_data(data)
    assert report.ok
    assert sum("inflates past" in note.problem for note in report.notes) == 4
    assert MAX_DECOMPRESSED_BYTES < 50 * 1024 * 1024  # the bombs' size: the cap is what held


FRAMINGS = ["length", "chunked", "close"]


@pytest.fixture(scope="module")
def oversized_crawl(tmp_path_factory, mocksite):
    """One crawl of a 300 kB body in each framing, with DOWNLOAD_MAXSIZE at 100 kB."""
    mocksite.reset()
    base = tmp_path_factory.mktemp("oversized")
    urls = {framing: f"{mocksite.a.url}/big?bytes=300000&framing={framing}"
            for framing in FRAMINGS}
    summary = crawl(write_seeds(base / "s.toml", [(url, "page") for url in urls.values()]),
                    base / "data", "-s", "DOWNLOAD_MAXSIZE=100000", check=False)
    return urls, summary, warc_records(base / "data")


@pytest.mark.parametrize("framing", FRAMINGS)
def test_case15_a_body_over_download_maxsize_is_never_stored_as_complete(oversized_crawl,
                                                                         framing):
    urls, summary, records = oversized_crawl
    # Each of the three failed as too large, and nothing else failed.
    assert summary["failures"] == {"too-large": len(FRAMINGS)}
    stored = [r for r in records if r[0].get_header("WARC-Target-URI") == urls[framing]]
    assert stored == []


def test_case16_redirect_loops_and_long_chains_stop_archive_each_hop_once_make_no_version(
        tmp_path, mocksite):
    a = mocksite.a.url
    seeds = write_seeds(tmp_path / "s.toml", [(a + "/loop", "page"),
                                              (a + "/redirect-chain/12", "page")])
    data = tmp_path / "data"
    summary = crawl(seeds, data, "-s", "REDIRECT_MAX_TIMES=5", check=False)
    assert summary["failures"] == {"redirect-loop": 1, "too-many-redirects": 1}
    assert summary["failed"] == summary["failed_seeds"] == 2 and summary["fetched"] == 0
    responses = [r[0].get_header("WARC-Target-URI") for r in warc_records(data)
                 if r[0].get_header("WARC-Type") == "response" and "robots" not in
                 r[0].get_header("WARC-Target-URI")]
    hops = [a + f"/redirect-chain/{n}" for n in range(12, 6, -1)]  # first try + 5 redirects
    assert sorted(responses) == sorted([a + "/loop"] + hops)  # each hop exactly once
    assert rows(data, "SELECT count(*) FROM versions") == [(0,)]
    assert set(rows(data, "SELECT state FROM pages")) <= {("redirected",), ("live",)}


def test_hostile_html_is_archived_and_fails_extraction_with_a_reason(tmp_path, mocksite):
    kinds = ["binary", "deep", "huge", "misdeclared"]
    urls = {kind: f"{mocksite.a.url}/hostile/{kind}" for kind in kinds}
    data = tmp_path / "data"
    summary = crawl(write_seeds(tmp_path / "s.toml", [(u, "page") for u in urls.values()]),
                    data)
    assert summary["fetched"] == 4 and summary["problems"] == []
    records = warc_records(data)
    info = {kind: pageinfo_of(records, url)[0] for kind, url in urls.items()}
    assert info["binary"]["status"] == "failed"
    assert info["deep"]["status"] == "failed"
    assert info["huge"]["status"] == "failed" and "extraction cap" in info["huge"]["reason"]
    # Declared UTF-8 in the header, written in windows-1251: the header decides, as Scrapy's
    # and browsers' rules say, and the decision is on record.
    assert (info["misdeclared"]["encoding"], info["misdeclared"]["encoding_source"]) == \
        ("utf-8", "header")
    assert verify_data(data).ok


def test_nothing_is_written_outside_the_data_folder(tmp_path, mocksite):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {"HOME": str(home), "XDG_STATE_HOME": str(home / ".local/state"),
           "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_CONFIG_HOME": str(home / ".config"), "TMPDIR": str(tmp)}
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/articles/flood-count",
                                               "page")], sources=1)
    before = set(os.listdir(tmp_path))
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "--allow-private", env=env)
    assert result.returncode == 0
    assert list(home.rglob("*")) == [] and list(tmp.rglob("*")) == []
    assert set(os.listdir(tmp_path)) == before | {"data"}
