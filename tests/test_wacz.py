"""`palimpsest export`: WACZ files that py-wacz's own validator accepts, with their page lists."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile

import pytest
from crawling import crawl, palimpsest
from inprocess import cli


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, mocksite, listing_crawl):
    """A listing, its articles and their cited sources, crawled twice around an edit (the
    first crawl is the session's listing crawl, copied)."""
    mocksite.reset()
    base = tmp_path_factory.mktemp("wacz")
    data = listing_crawl.copy_to(base / "data")
    # The second crawl's captures start in a later second than the first crawl's.
    time.sleep(max(0.0, listing_crawl.ended + 1.1 - time.monotonic()))
    between = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    mocksite.a.set_variant("flood-count", "edit")
    crawl(listing_crawl.seeds, data, "--all")
    return base, data, between


def history(data, url):
    return json.loads(cli("history", url, "--json", "--data", str(data)).stdout)


def pages_of(wacz, name="pages/pages.jsonl"):
    with zipfile.ZipFile(wacz) as package:
        header, *entries = [json.loads(line) for line in package.read(name).splitlines()]
    return header, entries


def validate(wacz) -> subprocess.CompletedProcess:
    """py-wacz's own validator, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
                          capture_output=True, text=True, timeout=300)


def test_an_export_passes_wacz_validate(crawled):
    base, data, _ = crawled
    out = base / "all.wacz"
    result = json.loads(palimpsest("export", "test", "--wacz", str(out), "--data", str(data),
                                   "--json").stdout)
    check = validate(out)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout
    warcs = sorted(p.name for p in (data / "collections/test/archive").glob("*.warc.gz"))
    assert result["warc_files"] == warcs
    with zipfile.ZipFile(out) as package:
        names = set(package.namelist())
    assert {f"archive/{name}" for name in warcs} <= names
    assert {"datapackage.json", "indexes/index.cdx.gz", "pages/pages.jsonl"} <= names
    assert not list(base.glob("*.partial"))


def test_pages_list_each_article_version_with_its_title(crawled, mocksite):
    base, data, _ = crawled
    out = base / "pages.wacz"
    palimpsest("export", "test", "--wacz", str(out), "--data", str(data))
    header, entries = pages_of(out)
    assert header["format"] == "json-pages-1.0" and header["id"] == "pages"
    articles = {f"{mocksite.a.url}/articles/{name}"
                for name in ("flood-count", "dam-review", "winter-warning")}
    assert {entry["url"] for entry in entries} == articles
    edited = f"{mocksite.a.url}/articles/flood-count"
    expected = [(v["first_seen"][:19] + "Z", v["title"]) for v in history(data, edited)["versions"]]
    assert len(expected) == 2  # as published, and after the one-word edit
    assert [(e["ts"], e["title"]) for e in entries if e["url"] == edited] == expected
    _, sources = pages_of(out, "pages/extraPages.jsonl")
    assert sources and all(entry["url"].startswith(mocksite.b.url) for entry in sources)


def test_since_exports_only_what_was_captured_since(crawled, mocksite):
    base, data, between = crawled
    out = base / "since.wacz"
    result = json.loads(palimpsest("export", "test", "--wacz", str(out), "--since", between,
                                   "--data", str(data), "--json").stdout)
    assert validate(out).returncode == 0
    first, second = sorted(p.name for p in (data / "collections/test/archive").glob("*.warc.gz"))
    # The second crawl's file, and the first too: the second crawl's revisits point into it.
    assert result["warc_files"] == [first, second]
    # Each article once, as the window shows it: the edited article only in its new version.
    _, entries = pages_of(out)
    assert sorted(entry["url"] for entry in entries) == sorted(
        f"{mocksite.a.url}/articles/{name}" for name in ("flood-count", "dam-review",
                                                         "winter-warning"))
    assert all(entry["ts"] >= between for entry in entries)
    [edited] = [entry for entry in entries if entry["url"].endswith("flood-count")]
    assert edited["text_hash"] == history(data, edited["url"])["versions"][-1]["text_hash"]


def test_export_refuses_bad_requests_clearly(crawled):
    base, data, _ = crawled
    missing = cli("export", "nope", "--wacz", str(base / "x.wacz"), "--data", str(data),
                  check=False)
    # An unknown collection is nothing to work on (exit 2), and the message lists the real ones.
    assert missing.exit_code == 2 and "no collection 'nope'" in missing.stderr
    assert "(collections: test)" in missing.stderr
    wrong = cli("export", "test", "--wacz", str(base / "x.zip"), "--data", str(data),
                check=False)
    assert wrong.exit_code == 2 and "must end in .wacz" in wrong.stderr
    late = cli("export", "test", "--wacz", str(base / "x.wacz"), "--since", "2999-01-01",
               "--data", str(data), check=False)
    assert late.exit_code == 2 and "nothing captured" in late.stderr
    assert not (base / "x.wacz").exists() and not (base / "x.zip").exists()
