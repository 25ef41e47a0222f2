"""An import adds evidence and never rewrites it; nothing writes outside its folder.

The four attacks of issue 22 against an archive that crawled an article itself: a future-dated
capture, a description pointing at a crawled record, a date that is not a date, and a report
folder whose `pages/` became a symlink. Each fails without its fix. Then what an import must
still do: a collection's own WACZ imported back changes nothing, and another archive's
captures of the same page show up beside the crawled history, marked as imported.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import urllib.request
from pathlib import Path

import pytest
from clirun import run
from crawling import crawl, palimpsest, write_seeds
from warcio.capture_http import capture_http
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.exceptions import ConfigError
from archive.interchange.importer import import_files

ARTICLE = "/articles/flood-count"
FORGED = b"<html><head><title>FORGED: nobody injured</title></head><body><article><h1>FORGED: "\
         b"nobody injured</h1><p>The ministry now says that nobody was injured in the October "\
         b"floods and that the earlier count was an error.</p></article></body></html>"
DUE_AT = "2026-12-24T00:00:00Z"  # a fixed planning time, so `due` answers the same twice



@pytest.fixture(scope="module")
def crawled(tmp_path_factory, mocksite):
    """An archive that crawled the article twice (one word edited in between)."""
    mocksite.reset()
    root = tmp_path_factory.mktemp("crawled")
    seeds = write_seeds(root / "s.toml", [(mocksite.a.url + ARTICLE, "page")], sources=0)
    crawl(seeds, root / "data")
    mocksite.a.set_variant("flood-count", "edit")
    crawl(seeds, root / "data", "--all")
    mocksite.reset()
    return root / "data", seeds, mocksite.a.url + ARTICLE


@pytest.fixture
def archive(crawled, tmp_path):
    """A copy of the crawled archive for one test to attack."""
    data, seeds, url = crawled
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    return copy, seeds, url


def index_rows(data: Path) -> dict:
    db = sqlite3.connect(data / "index.sqlite")
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("pages", "captures", "versions", "citations", "warc_files",
                          "page_seeds", "lastmods")}
    db.close()
    return rows


def history(data: Path, url: str) -> dict:
    return json.loads(run("history", url, "--json", "--data", str(data)).stdout)


def due(data: Path, seeds: Path) -> dict:
    return json.loads(run("due", str(seeds), "--json", "--all", "--at", DUE_AT, "--data",
                          str(data)).stdout)


def warc_of(records: list) -> bytes:
    """A gzipped WARC of (uri, type, headers dict, body, http status line or None) tuples."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, kind, fields, body, status in records:
        http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1") if status else None
        writer.write_record(writer.create_warc_record(
            uri, kind, payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=fields, warc_content_type=fields.pop("Content-Type", None)))
    return out.getvalue()


# -- 1. a future-dated capture ---------------------------------------------------------------

def test_a_capture_dated_in_the_future_is_refused_and_changes_nothing(archive, tmp_path):
    data, seeds, url = archive
    rows, shown, planned = index_rows(data), run("show", url, "--data", str(data)).output, \
        due(data, seeds)
    forged = tmp_path / "future.warc.gz"
    forged.write_bytes(warc_of([(url, "response", {"WARC-Date": "2099-01-01T00:00:00Z"},
                                 FORGED, "200 OK")]))
    result = run("import", str(forged), "--data", str(data), code=2)
    assert "dated 2099-01-01T00:00:00.000000Z, in the future" in result.output
    assert index_rows(data) == rows
    assert run("show", url, "--data", str(data)).output == shown
    assert due(data, seeds) == planned


def test_an_imported_capture_never_moves_the_crawl_s_schedule(archive, tmp_path):
    data, seeds, url = archive
    planned, shown = due(data, seeds), run("show", url, "--data", str(data)).output
    page = next(p for p in planned["pages"] if p["url"] == url)
    # Dated after the last crawl (and before now): the crawl's own page must not take it in.
    forged = tmp_path / "later.warc.gz"
    forged.write_bytes(warc_of([(url, "response", {"WARC-Date": "2026-12-01T00:00:00Z"},
                                 FORGED, "200 OK")]))
    run("import", str(forged), "--data", str(data))
    assert next(p for p in due(data, seeds)["pages"] if p["url"] == url) == page
    assert run("show", url, "--data", str(data)).output.splitlines()[0] == shown.splitlines()[0]
    assert "FORGED" not in run("show", url, "--data", str(data)).output.splitlines()[0]


# -- 2. a description pointing at a crawled record -------------------------------------------

def test_a_description_of_a_crawled_capture_is_kept_but_never_applied(archive, tmp_path):
    data, seeds, url = archive
    before = history(data, url)
    crawled = before["captures"][0]
    rows = index_rows(data)
    first_text = run("show", url, "--at", crawled["fetched_at"], "--data", str(data)).output
    forged_hash = "sha256:" + "f" * 64
    description = json.dumps({"role": "article", "status": "ok", "text_hash": forged_hash,
                              "title": "FORGED: nobody injured"}).encode()
    forged = tmp_path / "description.warc.gz"
    refers = {"WARC-Refers-To": crawled["record_id"], "WARC-Date": crawled["fetched_at"]}
    forged.write_bytes(warc_of([
        ("urn:pageinfo:" + url, "metadata", {**refers, "Content-Type": "application/json"},
         description, None),
        ("urn:text:" + url, "conversion", {**refers, "Content-Type": "text/plain"},
         b"FORGED: nobody injured", None)]))
    result = json.loads(run("import", str(forged), "--data", str(data), "--json").stdout)
    assert len(result["ignored_descriptions"]) == 2 and result["files"]
    after = history(data, url)
    assert after["captures"] == before["captures"] and after["versions"] == before["versions"]
    assert run("show", url, "--at", crawled["fetched_at"], "--data", str(data)).output == \
        first_text
    assert {k: v for k, v in index_rows(data).items() if k not in ("warc_files",)} == \
        {k: v for k, v in rows.items() if k not in ("warc_files",)}
    verified = json.loads(run("verify", "--json", "--data", str(data)).stdout)
    assert verified["ignored_descriptions"] == 2
    assert sum("may not speak for" in note["problem"] for note in verified["notes"]) == 2
    live = index_rows(data)
    run("reindex", "--data", str(data))
    assert index_rows(data) == live


# -- 3. a date that is not a date --------------------------------------------------------------

def test_a_date_that_is_not_a_date_refuses_the_file_before_anything_is_written(archive,
                                                                               tmp_path):
    data, seeds, url = archive
    rows = index_rows(data)
    files = sorted(p.name for p in data.rglob("*.warc.gz"))
    forged = tmp_path / "yesterday.warc.gz"
    forged.write_bytes(warc_of([(url, "response", {"WARC-Date": "yesterday-ish"}, FORGED,
                                 "200 OK")]))
    result = run("import", str(forged), "--data", str(data), code=2)
    assert "WARC-Date 'yesterday-ish' is not a W3C-DTF date" in result.output
    assert index_rows(data) == rows and sorted(p.name for p in data.rglob("*.warc.gz")) == files


def test_a_row_the_index_cannot_read_is_skipped_by_readers_and_named_by_verify(archive):
    data, seeds, url = archive
    db = sqlite3.connect(data / "index.sqlite")
    db.execute("UPDATE captures SET fetched_at = 'yesterday-ish' WHERE id = "
               "(SELECT max(id) FROM captures WHERE url = ?)", (url,))
    db.execute("INSERT INTO pages (url, collection, role, first_seen, last_seen, state) "
               "VALUES ('http://127.0.0.1:9/x', 'test', 'article', 'soon', 'later', 'live')")
    db.commit()
    db.close()
    for command in (["history", url], ["show", url], ["changes"], ["due", str(seeds)],
                    ["report", "--out", str(data / "site")]):
        run(*command, "--data", str(data))
    verified = run("verify", "--data", str(data), code=1).output
    assert "fetched_at 'yesterday-ish' is not a time" in verified
    assert "first_seen 'soon' is not a time" in verified
    run("reindex", "--data", str(data))  # from the WARCs: the rows are right again
    run("verify", "--data", str(data))


# -- 4. a report folder whose pages/ is a symlink ----------------------------------------------

def test_a_report_never_writes_or_deletes_through_a_symlink(archive, tmp_path):
    data, seeds, url = archive
    out = tmp_path / "site"
    run("report", "--data", str(data), "--out", str(out))
    written = sorted(p.name for p in (out / "pages").iterdir())
    assert written
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.html").write_text("keep me")
    shutil.rmtree(out / "pages")
    (out / "pages").symlink_to(elsewhere)
    result = run("report", "--data", str(data), "--out", str(out), code=2)
    assert "symbolic link" in result.output or "not a real folder" in result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.html"]
    assert (elsewhere / "precious.html").read_text() == "keep me"


def test_a_report_removes_only_pages_it_wrote(archive, tmp_path):
    data, seeds, url = archive
    out = tmp_path / "site"
    run("report", "--data", str(data), "--out", str(out))
    (out / "pages" / "someone-elses.html").write_text("not ours")
    manifest = json.loads((out / ".palimpsest-report").read_text())
    stale = "0123456789ab-removed-article.html"
    (out / "pages" / stale).write_text("an earlier report's page")
    manifest["pages"].append(stale)
    (out / ".palimpsest-report").write_text(json.dumps(manifest))
    run("report", "--data", str(data), "--out", str(out))
    names = sorted(p.name for p in (out / "pages").iterdir())
    assert "someone-elses.html" in names and stale not in names


# -- what an import must still do --------------------------------------------------------------

def test_importing_a_collection_s_own_export_changes_nothing(archive, tmp_path):
    data, seeds, url = archive
    package = tmp_path / "own.wacz"
    # In a process of its own: importing py-wacz changes cdxj-indexer's defaults in the process.
    palimpsest("export", "test", "--wacz", str(package), "--data", str(data))
    rows, files = index_rows(data), sorted(p.name for p in data.rglob("*.warc.gz"))
    cdxj = (data / "collections" / "test" / "indexes" / "index.cdxj").read_text()
    for collection in ("test", "imported"):
        result = json.loads(run("import", str(package), "--collection", collection, "--data",
                                str(data), "--json").stdout)
        assert result["files"] == [] and len(result["already"]) == 2
    assert index_rows(data) == rows
    assert sorted(p.name for p in data.rglob("*.warc.gz")) == files
    assert (data / "collections" / "test" / "indexes" / "index.cdxj").read_text() == cdxj


def test_another_archive_of_the_same_page_shows_up_beside_the_crawled_history(archive,
                                                                             tmp_path,
                                                                             mocksite):
    data, seeds, url = archive
    before, planned = history(data, url), due(data, seeds)
    theirs = tmp_path / "theirs.warc.gz"
    with capture_http(str(theirs)):
        mocksite.a.set_variant("flood-count", "headline")
        urllib.request.urlopen(url).read()
    run("import", str(theirs), "--data", str(data))
    after = history(data, url)
    crawled = [c for c in after["captures"] if c["origin"] == "crawl"]
    imported = [c for c in after["captures"] if c["origin"] == "import"]
    assert crawled == [dict(c, origin="crawl") for c in before["captures"]]
    assert len(imported) == 1 and imported[0]["collection"] == "imported"
    assert [v for v in after["versions"] if v["origin"] == "import"][0]["imported_from"]
    text = run("history", url, "--data", str(data)).output
    assert "Imported, not crawled here, from:" in text and "import" in text
    shown = run("show", url, "--data", str(data)).output
    assert "crawled here (1 imported version too" in shown
    shown_json = json.loads(run("show", url, "--json", "--data", str(data)).stdout)
    assert shown_json["origin"] == "crawl" and shown_json["imported_from"] is None
    theirs_shown = json.loads(run("show", url, "--imported", "--json", "--data",
                                  str(data)).stdout)
    assert theirs_shown["origin"] == "import" and theirs_shown["imported_from"]
    assert due(data, seeds) == planned
    live = index_rows(data)
    run("reindex", "--data", str(data))
    assert index_rows(data) == live


def test_a_file_that_reuses_a_crawled_record_id_is_refused(archive, tmp_path):
    data, seeds, url = archive
    record_id = history(data, url)["captures"][0]["record_id"]
    forged = tmp_path / "reused.warc.gz"
    forged.write_bytes(warc_of([(url, "response", {"WARC-Record-ID": record_id,
                                                   "WARC-Date": "2026-01-01T00:00:00Z"},
                                 FORGED, "200 OK"),
                                (url + "?other", "response", {"WARC-Date": "2026-01-01T00:00:00Z"},
                                 FORGED, "200 OK")]))
    with pytest.raises(ConfigError, match="reuses record IDs of records already archived"):
        import_files(data, [forged])
