"""`palimpsest import`: WARC and WACZ files made by other tools join a collection's history."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import subprocess
import sys
import urllib.request
import zipfile
import zlib

import brotli
import pytest
from crawling import crawl, palimpsest, write_seeds
from inprocess import cli
from warcio.capture_http import capture_http
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLE = "/articles/flood-count"


def index_rows(data) -> dict:
    db = sqlite3.connect(data / "index.sqlite")
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("pages", "captures", "versions", "citations", "warc_files")}
    db.close()
    return rows


def history(data, url) -> dict:
    return json.loads(cli("history", url, "--json", "--data", str(data)).stdout)


def archive_files(data, collection="imported") -> list[str]:
    folder = data / "collections" / collection / "archive"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def foreign_warc(tmp_path, mocksite):
    """An article fetched twice by warcio's capture_http, with a one-word edit in between."""
    url = mocksite.a.url + ARTICLE
    warc = tmp_path / "elsewhere.warc.gz"
    with capture_http(str(warc)):
        urllib.request.urlopen(url).read()
        mocksite.a.set_variant("flood-count", "edit")
        urllib.request.urlopen(url).read()
    return url, warc


def test_an_imported_warc_shows_up_in_history_and_reindexes_the_same(foreign_warc, tmp_data):
    url, warc = foreign_warc
    before = warc.read_bytes()
    result = json.loads(cli("import", str(warc), "--data", str(tmp_data), "--json").stdout)
    assert result["new_versions"] == 2 and result["problems"] == []
    assert warc.read_bytes() == before  # the source is never touched
    files = archive_files(tmp_data)
    assert len(files) == 2 and files[0].endswith("-00000-elsewhere.warc.gz")
    assert files[1].endswith("-import.warc.gz")  # Palimpsest's records, sorted after it
    found = history(tmp_data, url)
    assert [c["kind"] for c in found["captures"]] == ["response", "response"]
    assert [c["version"] for c in found["captures"]] == [1, 2]
    assert "triple" in cli("show", url, "--data", str(tmp_data)).stdout  # the edit
    live, cdxj = index_rows(tmp_data), _cdxj(tmp_data)
    cli("reindex", "--data", str(tmp_data))
    assert index_rows(tmp_data) == live
    assert _cdxj(tmp_data) == cdxj


def _cdxj(data, collection="imported") -> str:
    return (data / "collections" / collection / "indexes" / "index.cdxj").read_text()


def test_importing_the_same_file_again_adds_nothing(foreign_warc, tmp_data):
    _, warc = foreign_warc
    cli("import", str(warc), "--data", str(tmp_data))
    files, rows = archive_files(tmp_data), index_rows(tmp_data)
    again = cli("import", str(warc), "--data", str(tmp_data))
    assert f"already archived: {warc}" in again.stdout
    assert archive_files(tmp_data) == files and index_rows(tmp_data) == rows


def test_a_file_already_archived_makes_no_empty_collection(foreign_warc, tmp_data):
    _, warc = foreign_warc
    cli("import", str(warc), "--data", str(tmp_data))
    again = cli("import", str(warc), "--collection", "elsewhere", "--data", str(tmp_data))
    assert f"already archived: {warc}" in again.stdout
    assert not (tmp_data / "collections" / "elsewhere").exists()


def test_a_wacz_from_another_palimpsest_brings_its_versions(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + ARTICLE, "page")], sources=0)
    crawl(seeds, tmp_path / "there")
    mocksite.a.set_variant("flood-count", "headline")
    crawl(seeds, tmp_path / "there", "--all")
    package = tmp_path / "there.wacz"
    palimpsest("export", "test", "--wacz", str(package), "--data", str(tmp_path / "there"))
    here = tmp_path / "here"
    result = json.loads(cli("import", str(package), "--collection", "news", "--data",
                            str(here), "--json").stdout)
    assert len(result["files"]) == 2
    # Its WARCs carry Palimpsest's own metadata: nothing to extract, no file of ours added.
    assert result["pages"] == 0 and not any("-import" in name
                                            for name in archive_files(here, "news"))
    assert result["described_in_files"] == 2  # the two crawls' captures of the article
    theirs = history(tmp_path / "there", mocksite.a.url + ARTICLE)
    ours = history(here, mocksite.a.url + ARTICLE)
    assert [v["text_hash"] for v in ours["versions"]] == \
        [v["text_hash"] for v in theirs["versions"]]
    assert len(ours["versions"]) == 2


def _warc(records) -> bytes:
    """A gzipped WARC, one member per record, of (uri, kind, headers, body) tuples."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, kind, headers, body in records:
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1") if headers else None
        writer.write_record(writer.create_warc_record(uri, kind, payload=io.BytesIO(body),
                                                      http_headers=http, length=len(body)))
    return out.getvalue()


def test_brotli_pages_are_read_and_non_web_records_skipped(tmp_path, tmp_data, mocksite):
    with urllib.request.urlopen(mocksite.a.url + ARTICLE) as answer:
        html = answer.read()
    url = "http://news.example/2026/brotli-article"
    warc = tmp_path / "mixed.warc.gz"
    warc.write_bytes(_warc([
        ("dns:news.example", "resource", None, b"news.example. 300 IN A 192.0.2.1\n"),
        (url, "response", [("Content-Type", "text/html; charset=utf-8"),
                           ("Content-Encoding", "br")], brotli.compress(html)),
    ]))
    result = json.loads(cli("import", str(warc), "--data", str(tmp_data),
                            "--json").stdout)
    assert result["new_versions"] == 1
    assert [c["extraction"] for c in history(tmp_data, url)["captures"]] == ["ok"]
    pages = [row[0] for row in index_rows(tmp_data)["pages"]]
    assert pages == [url]
    # py-wacz reads every record's content: a br body must not stop an export.
    package = tmp_path / "mixed.wacz"
    palimpsest("export", "imported", "--wacz", str(package), "--data", str(tmp_data))
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(package)],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as package:
        for name, body in members.items():
            package.writestr(name, body)
    return path


def _plain(blob: bytes) -> bytes:
    """A gzipped WARC's records, uncompressed."""
    plain, rest = b"", blob
    while rest:
        member = zlib.decompressobj(31)
        plain += member.decompress(rest)
        rest = member.unused_data
    return plain


@pytest.mark.parametrize("case", ["text", "truncated", "truncated-plain", "whole-gzip",
                                  "zip-slip", "no-warcs", "too-big", "missing"])
def test_broken_input_is_refused_whole_with_a_clear_error(case, tmp_path, tmp_data,
                                                          foreign_warc):
    _, good = foreign_warc
    blob = good.read_bytes()
    if case == "text":
        source = tmp_path / "notes.txt"
        source.write_text("just some notes\n")
        expected = "neither a WARC"
    elif case == "truncated":
        source = tmp_path / "cut.warc.gz"
        source.write_bytes(blob[: len(blob) * 2 // 3])
        expected = "truncated"
    elif case == "truncated-plain":
        source = tmp_path / "cut.warc"
        source.write_bytes(_plain(blob)[:-200])
        expected = "record 4 (byte"
    elif case == "whole-gzip":
        source = tmp_path / "whole.warc.gz"
        source.write_bytes(gzip.compress(_plain(blob)))
        expected = "warcio recompress"
    elif case == "zip-slip":
        source = _zip(tmp_path / "evil.wacz", {"archive/ok.warc.gz": blob,
                                               "../../evil.warc.gz": blob})
        expected = "unsafe path"
    elif case == "no-warcs":
        source = _zip(tmp_path / "empty.wacz", {"datapackage.json": b"{}"})
        expected = "no WARC files in its archive/ folder"
    elif case == "too-big":
        source = _zip(tmp_path / "big.wacz", {"archive/a.warc.gz": blob,
                                              "archive/b.warc.gz": blob})
        expected = f"over the {len(blob)}-byte import limit"
    else:
        source = tmp_path / "nowhere.warc.gz"
        expected = "no such file"
    extra = ["--max-bytes", str(len(blob))] if case == "too-big" else []  # one file fits
    # A good file first: a bad one anywhere in the list stops the whole import.
    result = cli("import", str(good), str(source), "--data", str(tmp_data), *extra,
                 check=False)
    assert result.exit_code == 2, result.stderr
    assert expected in result.stderr and str(source) in result.stderr
    assert archive_files(tmp_data) == []
    assert not [path for path in tmp_data.iterdir() if path.name.startswith(".import-")]
    assert not (tmp_path.parent / "evil.warc.gz").exists()


def test_a_foreign_revisit_shares_the_version_of_its_original(tmp_path, tmp_data, mocksite):
    with urllib.request.urlopen(mocksite.a.url + ARTICLE) as answer:
        html = answer.read()
    url = "http://news.example/2026/revisited"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    original = writer.create_warc_record(
        url, "response", payload=io.BytesIO(html), length=len(html),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2026-01-05T10:00:00Z"})
    writer.write_record(original)
    revisit = writer.create_revisit_record(
        url, original.rec_headers.get_header("WARC-Payload-Digest"), url,
        "2026-01-05T10:00:00Z", http_headers=StatusAndHeaders("200 OK", headers, "HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2026-01-06T10:00:00Z"})
    revisit.rec_headers.add_header("WARC-Refers-To",
                                   original.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(revisit)
    warc = tmp_path / "revisits.warc.gz"
    warc.write_bytes(out.getvalue())
    cli("import", str(warc), "--data", str(tmp_data))
    captures = history(tmp_data, url)["captures"]
    assert [(c["kind"], c["version"]) for c in captures] == [("response", 1), ("revisit", 1)]
    rows = index_rows(tmp_data)
    cli("reindex", "--data", str(tmp_data))
    assert index_rows(tmp_data) == rows


def test_importing_again_completes_an_interrupted_import(foreign_warc, tmp_data, monkeypatch):
    from archive.interchange import importer

    url, warc = foreign_warc

    def crash(*args):
        raise RuntimeError("killed after the copy, before the metadata")

    monkeypatch.setattr(importer, "_describe_file", crash)
    with pytest.raises(RuntimeError):
        importer.import_files(tmp_data, [warc])
    monkeypatch.undo()
    assert [c["version"] for c in history(tmp_data, url)["captures"]] == [None, None]
    (tmp_data / ".import-killed").mkdir()  # what a kill -9 would leave behind
    (tmp_data / ".import-killed" / importer.STAGING_MARKER).write_bytes(b"")
    result = json.loads(cli("import", str(warc), "--data", str(tmp_data),
                            "--json").stdout)
    assert result["already"] == [str(warc)] and result["files"] == []
    assert result["new_versions"] == 2
    assert [c["version"] for c in history(tmp_data, url)["captures"]] == [1, 2]
    assert not (tmp_data / ".import-killed").exists()
