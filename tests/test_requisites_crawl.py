"""Page requisites in real crawls of the styled test site (tests/requisitesite.py).

One crawl of two articles serves most tests: every kind of requisite is archived, the second
article fetches none of what the first fetched, requisites never become pages or versions,
and the index of them is rebuilt from the WARCs alone. Later runs show reuse while fresh,
then conditional requests; the hostile pages each get a bounded, counted outcome.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from crawling import FAST, crawl, palimpsest, warc_records, write_seeds
from requisitesite import ARTICLES, MANY_IMAGES, RequisiteSite

from archive.index import open_index

# Loopback is allowed, 10/8 and 192.168/16 are not (unlike --allow-private).
LOCAL = ["-s", 'PALIMPSEST_ALLOWED_NETWORKS=["127.0.0.0/8"]']
SHARED = {"site.css", "imported.css", "print.css", "app.js", "module.js", "icon.png", "touch.png",
          "stripe.png", "masthead.png", "hero-640.png", "hero-1280.png", "pic-1x.png",
          "pic-2x.png", "placeholder.png", "lazy.png", "lazy2.png", "lazy3.png", "noscript.png",
          "poster.png", "clip.webm", "sound.ogg", "go.png", "paper.png", "deep.png"}


@pytest.fixture(scope="module")
def site():
    with RequisiteSite() as running:
        yield running


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    base = tmp_path_factory.mktemp("requisites")
    data = base / "data"
    data.mkdir()
    seeds = write_seeds(base / "seeds.toml", [(site.a.url + path, "page") for path in ARTICLES],
                        sources=0)
    site.clear_logs()
    summary = crawl(seeds, data)
    return data, seeds, summary, list(site.a.log), list(site.b.log)


def _paths(log) -> list[str]:
    return [path for path, _ in log]


def _pageinfo(data: Path, url: str) -> dict:
    for headers, _, body in warc_records(data):
        if headers.get_header("WARC-Target-URI") == "urn:pageinfo:" + url:
            return json.loads(body)
    raise KeyError(url)


def test_every_kind_of_requisite_is_fetched_once_and_archived(crawled, site):
    data, _, summary, a_log, b_log = crawled
    assets = [path.rsplit("/", 1)[1] for path in _paths(a_log) if path.startswith("/r/assets/")]
    # Each shared requisite once for both articles, and each article's own image once.
    assert sorted(assets) == sorted(SHARED | {"unique-1.png", "unique-2.png"})
    assert sorted(_paths(b_log)) == ["/cdn/display.ttf", "/cdn/native-lazy.png"]  # the "CDN"
    archived = {h.get_header("WARC-Target-URI") for h, _, _ in warc_records(data)
                if h.get_header("WARC-Type") == "response"}
    for name in SHARED:
        assert f"{site.a.url}/r/assets/{name}" in archived
    assert f"{site.b.url}/cdn/display.ttf" in archived
    counts = summary["requisites"]
    assert counts["fetched"] == len(SHARED) + 4  # + two unique images, the font, the CDN image
    assert counts["fresh"] == len(SHARED) + 2  # the other article reused them
    assert counts["inline"] == 2 and counts["skipped"] == {"scheme": 2}  # data:, javascript:
    assert counts["failed"] == {} and summary["problems"] == []


def test_the_pageinfo_lists_each_requisite_with_its_type_and_status(crawled, site):
    data = crawled[0]
    url = site.a.url + "/r/article-1"
    info = _pageinfo(data, url)
    entries = {entry["url"]: entry for entry in info["requisites"]}
    css = entries[f"{site.a.url}/r/assets/site.css"]
    assert css["type"] == "stylesheet" and css["status"] == 200
    assert css["outcome"] in ("fetched", "fresh")
    font = entries[f"{site.b.url}/cdn/display.ttf"]
    assert font["type"] == "font" and font["status"] == 200
    assert entries[f"{site.a.url}/r/assets/deep.png"]["via"] == \
        f"{site.a.url}/r/assets/imported.css"
    assert entries[f"{site.a.url}/r/assets/app.js"]["type"] == "script"
    assert entries["javascript:void(0)"] == {"url": "javascript:void(0)", "type": "image",
                                             "outcome": "skipped", "reason": "scheme"}
    assert info["requisites_skipped"] == {"scheme": 1}


def test_requisites_are_resources_never_pages_or_versions(crawled, site):
    data = crawled[0]
    index = open_index(data, readonly=True)
    try:
        css = f"{site.a.url}/r/assets/site.css"
        assert index.versions(css) == [] and index.page(css).role == "other"
        assert [c.kind for c in index.captures(css)] == ["response"]
        assert index.captures(css)[0].extraction is None
        article = site.a.url + "/r/article-1"
        rows = index.requisites_of(index.captures(article)[0].id)
        assert {row["url"] for row in rows} >= {css, f"{site.b.url}/cdn/display.ttf"}
    finally:
        index.close()
    due = palimpsest("due", str(crawled[1]), "--data", str(data), "--all", "--json")
    assert "/r/assets/" not in due.stdout and "/cdn/" not in due.stdout


def test_reindex_rebuilds_the_requisites_from_the_warcs(crawled, tmp_path):
    data = crawled[0]

    def rows(path: Path) -> list[tuple]:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT r.url, r.kind, r.outcome, r.status, r.via, c.record_id "
                              "FROM requisites r JOIN captures c ON c.id = r.page_capture "
                              "ORDER BY 6, 1").fetchall()

    before = rows(data / "index.sqlite")
    assert len(before) > 50
    palimpsest("reindex", "--data", str(data))
    assert rows(data / "index.sqlite") == before


def test_later_runs_reuse_fresh_requisites_then_revalidate_them(site, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    url = site.a.url + "/r/article-1"
    seeds = write_seeds(tmp_path / "seeds.toml", [(url, "page")], sources=0)
    original = site.a.routes["/r/article-1"]
    try:
        crawl(seeds, data)
        site.clear_logs()
        _edit(site, "/r/article-1", "forty", "fifty")  # a new payload: its requisites again
        second = crawl(seeds, data, "--all")
        assert [path for path, _ in site.a.log if "/assets/" in path] == []
        assert site.b.log == [] and second["requisites"]["fresh"] > 20
        site.clear_logs()
        _edit(site, "/r/article-1", "fifty", "sixty")
        third = crawl(seeds, data, "--all", "-s", "PALIMPSEST_REQUISITES_FRESH_MIN=0",
                      "-s", "PALIMPSEST_REQUISITES_FRESH_MAX=0")
        asked = [headers for path, headers in site.a.log if path == "/r/assets/site.css"]
        assert len(asked) == 1 and asked[0].get("If-None-Match")  # a conditional request
        counts = third["requisites"]
        assert counts["not_modified"] >= 20  # 304s, stored as server-not-modified revisits
        assert counts["revisit"] == 1  # module.js ignores validators: same bytes, a revisit
        assert counts["fresh"] == 0 and counts["fetched"] == 0
    finally:
        site.a.routes["/r/article-1"] = original


def _edit(site, path: str, old: str, new: str) -> None:
    resource = site.a.routes[path]
    site.a.routes[path] = type(resource)(resource.body.replace(old.encode(), new.encode()))


def test_hostile_requisites_each_get_a_bounded_counted_outcome(site, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    pages = ["/h/many-images", "/h/huge-font", "/h/private", "/h/not-css", "/h/css-loop"]
    seeds = write_seeds(tmp_path / "seeds.toml", [(site.a.url + p, "page") for p in pages],
                        sources=0)
    site.clear_logs()
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--json", *FAST, *LOCAL)
    summary = json.loads(result.stdout)
    counts = summary["requisites"]
    assert summary["fetched"] == len(pages) and summary["problems"] == []
    # 10,000 images: the count cap fetches 200 and counts the rest.
    images = [path for path, _ in site.a.log if path.startswith("/h/img/")]
    assert len(images) == 200 and counts["skipped"]["count-cap"] == MANY_IMAGES - 200
    # A 30 MB "font": refused on its Content-Length, nothing of it stored.
    assert counts["failed"]["too-large"] == 1
    assert sum(len(body) for _, _, body in warc_records(data)) < 5 * 1024 * 1024
    # Private addresses, directly and through a redirect; data: inline; javascript: never.
    assert counts["failed"]["refused-address"] == 3
    assert counts["inline"] == 1 and counts["skipped"]["scheme"] == 1
    # A stylesheet that is HTML is archived but never read as CSS.
    assert counts["not_css"] == 1 and site.a.requested("/h/never.png") == 0
    # An @import loop fetches each sheet once; a chain stops at the depth cap.
    assert site.a.requested("/h/loop-a.css") == 1 and site.a.requested("/h/loop-b.css") == 1
    assert [site.a.requested(f"/h/chain-{n}.css") for n in range(1, 6)] == [1, 1, 1, 0, 0]
    assert counts["skipped"]["css-depth"] == 1
    index = open_index(data, readonly=True)
    try:
        assert index.versions(site.a.url + "/h/sheet.html") == []
    finally:
        index.close()
    assert "requisites" in result.stdout and result.returncode == 0
    # verify names the pages whose requisites are missing, as notes: the archive is sound.
    checked = palimpsest("verify", "--data", str(data), "--json")
    notes = [note["problem"] for note in json.loads(checked.stdout)["notes"]]
    many = [note for note in notes if "/h/many-images" in note]
    assert len(many) == 1 and "1000 of the 1200 requisites it lists missing (skipped 1000)" \
        in many[0]  # 200 fetched; of the 9,800 skipped, the first 1,000 are listed
    assert any("/h/private" in note and "failed 3" in note for note in notes)
    assert not any("/h/css-loop" in note and "failed" in note for note in notes)


def test_an_export_since_a_time_carries_the_older_requisites_its_pages_need(site, tmp_path):
    import gzip
    import time
    import zipfile

    data = tmp_path / "data"
    data.mkdir()
    url = site.a.url + "/r/article-2"
    seeds = write_seeds(tmp_path / "seeds.toml", [(url, "page")], sources=0)
    original = site.a.routes["/r/article-2"]
    try:
        crawl(seeds, data)
        time.sleep(1.1)
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        _edit(site, "/r/article-2", "two years", "three years")
        crawl(seeds, data, "--all")  # its requisites are fresh: not fetched again
    finally:
        site.a.routes["/r/article-2"] = original
    wacz = tmp_path / "since.wacz"
    palimpsest("export", "test", "--wacz", str(wacz), "--since", since, "--data", str(data))
    with zipfile.ZipFile(wacz) as package:
        blobs = [package.read(n) for n in package.namelist() if n.startswith("indexes/")]
    text = "".join((gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode()
                   for raw in blobs)
    assert "/r/assets/site.css" in text and "/cdn/display.ttf" in text
