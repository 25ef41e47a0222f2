"""The archiver without Scrapy: revisits, versions, returns, failures, reindex and catch-up."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.archiver import Archiver, pageinfo
from archive.index import open_index
from archive.index.versioning import FIRST_FAILED, NEW_VERSION, RETURNED, UNCHANGED
from archive.store.layout import DataLayout
from archive.verify.reindex import catch_up, rebuild
from archive.versions.history import history, version_at
from archive.warc.records import HttpExchange

URL = "http://127.0.0.1:9/news/a"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64


def fetch(archiver, body: bytes, minutes: int, status: int = 200, headers=None):
    ex = HttpExchange(url=URL, status=status, body=body, fetched_at=T0 + timedelta(minutes=minutes),
                      response_headers=headers or [("Content-Type", "text/html")])
    return archiver.capture(ex)


def describe(archiver, capture, text_hash, text="Body text", status="ok"):
    data = pageinfo(role="article", status=status, text_hash=text_hash,
                    extraction={"title": "Headline " + (text_hash or "none")[-1]},
                    links=["http://127.0.0.2:9/statement"])
    return archiver.describe(capture, data, text=text)


@pytest.fixture
def archiver(tmp_path):
    instance = Archiver(tmp_path, "test")
    yield instance
    instance.close()


def records_of(tmp_path):
    kinds = []
    for path in sorted((tmp_path / "collections/test/archive").glob("*.warc.gz")):
        with path.open("rb") as stream:
            kinds += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
                      for r in ArchiveIterator(stream, check_digests="raise")]
    return kinds


def test_versions_follow_text_not_bytes(tmp_path, archiver):
    first = fetch(archiver, b"<html>v1 ad=1</html>", 0)
    assert first.kind == "response"
    assert describe(archiver, first, HASH_A) == NEW_VERSION
    same_bytes = fetch(archiver, b"<html>v1 ad=1</html>", 10)
    assert same_bytes.kind == "revisit" and same_bytes.outcome == UNCHANGED
    assert same_bytes.refers_to.record_id == first.record_id
    churned = fetch(archiver, b"<html>v1 ad=2</html>", 20)  # boilerplate only: same text hash
    assert churned.kind == "response"
    assert describe(archiver, churned, HASH_A) == UNCHANGED
    edited = fetch(archiver, b"<html>v2</html>", 30)
    assert describe(archiver, edited, HASH_B) == NEW_VERSION
    failed = fetch(archiver, b"<html>shell</html>", 40)
    assert describe(archiver, failed, None, text="", status="failed") == FIRST_FAILED
    back = fetch(archiver, b"<html>v1 ad=3</html>", 50)
    assert describe(archiver, back, HASH_A) == RETURNED
    archiver.close()

    index = open_index(tmp_path)
    result = history(index, URL)
    assert [v["text_hash"] for v in result["versions"]] == [HASH_A, HASH_B]
    assert result["versions"][0]["last_seen"].startswith("2026-11-20T08:50")
    assert [c["kind"] for c in result["captures"]] == ["response", "revisit", "response",
                                                       "response", "response", "response"]
    assert [c["text_hash"] for c in result["captures"]] == [HASH_A, HASH_A, HASH_A, HASH_B,
                                                            None, HASH_A]
    assert index.page(URL).changes == 2  # A -> B, then B -> A; the failure is neither
    # The text is written once per version, never for churn, revisits or failures.
    conversions = [uri for kind, uri in records_of(tmp_path) if kind == "conversion"]
    assert conversions == [f"urn:text:{URL}"] * 2
    index.close()


def test_the_question_asked_before_writing_gets_the_answer_ingest_gives(archiver):
    # The spider asks before the page is described (to follow a changed article's sources);
    # ingest answers while it indexes: one rule (archive.index.versioning), the same answers.
    for minutes, (body, text_hash, expected) in enumerate([
            (b"v1", HASH_A, NEW_VERSION), (b"v1 ad", HASH_A, UNCHANGED),
            (b"v2", HASH_B, NEW_VERSION), (b"v1 again", HASH_A, RETURNED),
            (b"v1 once more", HASH_A, UNCHANGED)]):
        capture = fetch(archiver, body, minutes * 10)
        assert archiver.text_outcome(URL, text_hash) == expected
        assert describe(archiver, capture, text_hash) == expected


def test_show_reads_the_version_current_at_a_time(tmp_path, archiver):
    describe(archiver, fetch(archiver, b"one", 0), HASH_A, text="First text")
    describe(archiver, fetch(archiver, b"two", 60), HASH_B, text="Second text")
    archiver.close()
    index = open_index(tmp_path)
    layout = DataLayout(tmp_path)
    assert version_at(index, layout, URL).text == "Second text"
    assert version_at(index, layout, URL, T0 + timedelta(minutes=30)).text == "First text"
    index.close()


def test_not_modified_inherits_the_text(tmp_path, archiver):
    describe(archiver, fetch(archiver, b"one", 0), HASH_A)
    result = fetch(archiver, b"", 5, status=304, headers=[("ETag", '"x"')])
    assert result.kind == "not-modified" and result.outcome == UNCHANGED
    archiver.close()
    index = open_index(tmp_path)
    captures = index.captures(URL)
    assert captures[-1].text_hash == HASH_A and captures[-1].kind == "not-modified"
    assert index.version(URL, HASH_A).last_seen.startswith("2026-11-20T08:05")
    index.close()


def test_metadata_and_text_records_never_use_the_page_uri(tmp_path, archiver):
    describe(archiver, fetch(archiver, b"one", 0), HASH_A)
    archiver.close()
    side = [(kind, uri) for kind, uri in records_of(tmp_path) if kind in ("metadata",
                                                                           "conversion")]
    assert side == [("metadata", f"urn:pageinfo:{URL}"), ("conversion", f"urn:text:{URL}")]


def table_rows(path):
    db = sqlite3.connect(path)
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("pages", "captures", "versions", "citations", "warc_files")}
    db.close()
    return rows


def test_reindex_gives_back_the_same_index(tmp_path):
    for run in range(3):  # several crawls, several files
        archiver = Archiver(tmp_path, "test")
        capture = fetch(archiver, b"body %d" % (run % 2), run * 60)
        if capture.kind == "response":
            describe(archiver, capture, (HASH_A, HASH_B)[run % 2])
        archiver.close()
    live = table_rows(tmp_path / "index.sqlite")
    counts = rebuild(tmp_path)
    assert counts["captures"] == 3 and counts["versions"] == 2
    assert table_rows(tmp_path / "index.sqlite") == live


def test_catch_up_indexes_records_whose_rows_were_never_committed(tmp_path):
    archiver = Archiver(tmp_path, "test")
    describe(archiver, fetch(archiver, b"one", 0), HASH_A)
    archiver.commit()
    describe(archiver, fetch(archiver, b"two", 5), HASH_B)
    archiver.writer.sync()
    archiver.index.rollback()  # the crash: bytes on disk, rows never committed
    archiver.writer.close()
    archiver.index.db.close()
    index = open_index(tmp_path)
    assert len(index.captures(URL)) == 1
    assert catch_up(tmp_path, index) > 0
    assert [v.text_hash for v in index.versions(URL)] == [HASH_A, HASH_B]
    index.close()


def test_a_citation_links_the_source_capture_made_after_it_whatever_the_order(tmp_path):
    archiver = Archiver(tmp_path, "test")
    article = fetch(archiver, b"article", 0)
    source_url = "http://127.0.0.2:9/statement"
    # The source is fetched (and indexed) before the article's extraction is written down.
    source = archiver.capture(HttpExchange(url=source_url, status=200, body=b"statement",
                                           fetched_at=T0 + timedelta(seconds=1),
                                           response_headers=[]))
    describe(archiver, article, HASH_A)
    later = archiver.capture(HttpExchange(url=source_url, status=200, body=b"statement 2",
                                          fetched_at=T0 + timedelta(hours=1),
                                          response_headers=[]))
    archiver.close()
    index = open_index(tmp_path)
    [citation] = index.citations_from(URL)
    assert citation.source_capture == index.capture_by_record(source.record_id).id
    assert citation.source_capture != index.capture_by_record(later.record_id).id
    index.close()
