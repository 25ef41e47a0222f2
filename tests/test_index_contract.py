"""One contract, two backends: every index method behaves the same on SQLite and PostgreSQL,
a rebuilt index equals the live one on each, and both refuse a schema they do not know."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from inprocess import cli
from services import drop_pg_schema, new_pg_url, pg_url  # noqa: F401 - fixtures

from archive.archiver import Archiver, pageinfo
from archive.index import Capture, open_index
from archive.index.versions import SCHEMA_VERSION, SchemaVersionError
from archive.verify.reindex import catch_up, rebuild
from archive.warc.records import HttpExchange

pytestmark = pytest.mark.services

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
ARTICLE = "http://127.0.0.1:9/news/a"
OTHER = "http://127.0.0.1:9/news/b"
SOURCE = "http://127.0.0.2:9/statement"
FEED = "http://127.0.0.1:9/feed.xml"
TABLES = ("pages", "captures", "versions", "citations", "warc_files", "page_seeds", "lastmods",
          "version_texts", "requisites", "views")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """(data folder, index URL or None for SQLite) for each backend."""
    if request.param == "sqlite":
        return tmp_path, None
    return tmp_path, request.getfixturevalue("pg_url")


def dump(index) -> dict[str, list[tuple]]:
    """Every row of every table, in key order, through the shared query layer."""
    return {table: [tuple(dict(row).values()) for row in index._x(
        f"SELECT * FROM {table} ORDER BY 1, 2")] for table in TABLES}


def fetch(archiver, url, body, minutes, status=200, headers=None):
    ex = HttpExchange(url=url, status=status, body=body, fetched_at=T0 + timedelta(minutes=minutes),
                      response_headers=headers or [("Content-Type", "text/html")])
    return archiver.capture(ex)


def describe(archiver, capture, text_hash, links=(), text="Body", status="ok", **extra):
    requisites = extra.pop("requisites", None)
    data = pageinfo(role=extra.pop("role", "article"), status=status, text_hash=text_hash,
                    extraction={"title": f"Title {text_hash}"}, links=links, **extra)
    if requisites:
        data["requisites"] = requisites
    return archiver.describe(capture, data, text=text)


def crawl_history(data, url):
    """Three runs (three WARC files) of articles, a source, a feed, revisits and a 304."""
    hashes = ["sha256:" + c * 64 for c in "abc"]
    for run in range(3):
        archiver = Archiver(data, "test", index=open_index(data, url=url))
        feed = fetch(archiver, FEED, b"<rss>%d</rss>" % run, run * 60)
        describe(archiver, feed, None, status="not-article", role="feed",
                 seed=FEED, lastmod={ARTICLE: f"2026-11-20T0{7 + run}:30:00Z",
                                     OTHER: "2026-11-20T07:00:00Z"},
                 discovered=[ARTICLE, OTHER])
        page = fetch(archiver, ARTICLE, b"<p>%d</p>" % (run % 2), run * 60 + 1,
                     headers=[("Content-Type", "text/html"), ("ETag", f'"e{run}"')])
        if page.kind == "response":
            describe(archiver, page, hashes[run % 2], links=[SOURCE, SOURCE + "?x"],
                     seed=FEED, requisites=[
                         {"url": FEED + ".css", "type": "stylesheet", "outcome": "fetched",
                          "status": 200, "fresh_until": "2026-11-21T00:00:00.000000Z"},
                         {"url": FEED + ".png", "type": "image", "outcome": "skipped",
                          "via": FEED + ".css", "reason": "count-cap"}])
            archiver.add_view(ARTICLE, page.record_id, b"RIFF-a-picture", "image/webp",
                              {"seconds": 1.5})
        if run == 1:
            fetch(archiver, SOURCE, b"statement", 62)
            describe(archiver, fetch(archiver, OTHER, b"other", 63), hashes[2], links=[SOURCE])
            archiver.add_view(OTHER, page.record_id, None, None, {"reason": "timeout"})
        if run == 2:
            fetch(archiver, OTHER, b"", 125, status=304)
            fetch(archiver, SOURCE, b"gone", 126, status=404)
        archiver.close()


def test_the_index_contract(backend):
    data, url = backend
    index = open_index(data, url=url)
    index.begin()
    first = Capture(url=ARTICLE, collection="c", fetched_at="2026-11-20T08:00:00.000000Z",
                    kind="response", record_id="<urn:uuid:1>", warc_file="f.warc.gz",
                    warc_offset=10, warc_length=20, status=200, payload_digest="sha1:X")
    first_id = index.add_capture(first)
    assert index.add_capture(first) == first_id  # idempotent on record_id
    later = Capture(url=ARTICLE, collection="c", fetched_at="2026-11-20T09:00:00.000000Z",
                    kind="response", record_id="<urn:uuid:2>", warc_file="f.warc.gz",
                    warc_offset=30, warc_length=20, status=200, payload_digest="sha1:Y")
    later_id = index.add_capture(later)
    assert later_id != first_id
    index.set_capture_text(first_id, "h1", "ok", "One")
    index.set_capture_text(later_id, "h2", "ok", "Two")
    assert index.capture_by_record("<urn:uuid:1>").id == first_id
    assert index.capture_by_id(later_id).title == "Two"
    assert index.find_payload(ARTICLE, "sha1:Y").record_id == "<urn:uuid:2>"
    assert index.find_payload(ARTICLE, "sha1:Z") is None
    assert index.latest_text_capture(ARTICLE).id == later_id
    assert index.latest_text_capture(ARTICLE, before="2026-11-20T08:30:00Z").id == first_id
    assert index.latest_response(ARTICLE).id == later_id
    assert [c.id for c in index.captures(ARTICLE)] == [first_id, later_id]
    assert [c.id for c in index.iter_captures(since="2026-11-20T08:30")] == [later_id]

    assert index.observe_version(ARTICLE, "h1", first.fetched_at, first_id, title="One")
    assert not index.observe_version(ARTICLE, "h1", "2026-11-20T07:00:00.000000Z", first_id)
    assert index.version(ARTICLE, "h1").first_seen == "2026-11-20T07:00:00.000000Z"
    assert index.has_version(ARTICLE, "h1") and not index.has_version(ARTICLE, "h9")
    index.set_version_text(ARTICLE, "h1", "t.warc.gz", 5, 6)
    index.set_version_text(ARTICLE, "h1", "other.warc.gz", 7, 8)  # the first text stays
    assert index.version(ARTICLE, "h1").text_file == "t.warc.gz"
    assert [v.text_hash for v in index.versions_since("2026-11-20T06:00")] == ["h1"]
    assert index.version(ARTICLE, "h1").language is None

    index.touch_page(ARTICLE, "c", "2026-11-20T09:00:00Z", 200, "live", etag='"b"')
    index.touch_page(ARTICLE, "c", "2026-11-20T08:00:00Z", 404, "gone", etag='"a"')
    page = index.page(ARTICLE)  # an older fetch indexed later moves nothing but first_seen
    assert (page.state, page.etag, page.fetches, page.last_seen) == \
        ("live", '"b"', 2, "2026-11-20T09:00:00Z")
    assert page.first_seen == "2026-11-20T08:00:00Z"
    index.set_page_role(ARTICLE, "source")
    index.set_page_role(ARTICLE, "article")
    index.set_page_role(ARTICLE, "listing")  # article outranks the rest
    index.note_change(ARTICLE, "2026-11-20T09:00:00Z")
    index.note_change(ARTICLE, "2026-11-20T08:30:00Z")
    page = index.page(ARTICLE)
    assert (page.role, page.changes, page.last_change) == ("article", 2, "2026-11-20T09:00:00Z")
    index.touch_page("http://127.0.0.1:9/Z", "c", "2026-11-20T09:00:00Z", None, "error")
    index.touch_page("http://127.0.0.1:9/a", "d", "2026-11-20T09:00:00Z", 200, "live")
    # Byte order, as in SQLite, whatever the database's collation.
    assert [p.url for p in index.pages()] == ["http://127.0.0.1:9/Z", "http://127.0.0.1:9/a",
                                              ARTICLE]
    assert [p.url for p in index.pages("d")] == ["http://127.0.0.1:9/a"]
    index.set_next_due(ARTICLE, "2026-11-21T00:00:00Z")

    index.note_seed(ARTICLE, FEED, "2026-11-20T09:00:00Z")
    index.note_seed(ARTICLE, "older-seed", "2026-11-20T08:00:00Z")
    index.note_lastmod(ARTICLE, "2026-11-20T08:10:00Z", "2026-11-20T09:00:00Z", FEED)
    index.note_lastmod(ARTICLE, "2026-11-20T08:05:00Z", "2026-11-20T09:05:00Z", FEED)
    rows = {row["url"]: row for row in index.schedule_rows("c")}
    assert rows[ARTICLE]["seed"] == FEED and rows[ARTICLE]["lastmod"] == "2026-11-20T08:10:00Z"
    assert rows["http://127.0.0.1:9/Z"]["seed"] is None

    index.add_citation(ARTICLE, first_id, "h1", SOURCE, first.fetched_at)
    index.add_citation(ARTICLE, first_id, "h1", SOURCE, first.fetched_at)  # once only
    assert [c.source_capture for c in index.citations_from(ARTICLE)] == [None]
    source = Capture(url=SOURCE, collection="c", fetched_at="2026-11-20T08:01:00.000000Z",
                     kind="response", record_id="<urn:uuid:3>", warc_file="f.warc.gz",
                     warc_offset=50, warc_length=5, status=200)
    source_id = index.add_capture(source)
    index.link_pending_citations(SOURCE, source_id, source.fetched_at)
    assert [c.source_capture for c in index.citations_of(SOURCE)] == [source_id]
    index.add_citation(ARTICLE, later_id, "h2", SOURCE, "2026-11-20T07:59:00.000000Z")
    assert index.citations_from(ARTICLE)[0].source_capture == source_id  # linked on insert
    assert index.cited_links("<urn:uuid:1>") == [SOURCE]
    assert index.cited_urls() == [SOURCE]

    index.set_indexed_to("f.warc.gz", "c", 100)
    index.set_indexed_to("f.warc.gz", "c", 50)  # never backwards
    assert index.indexed_to("f.warc.gz") == 100 and index.indexed_to("none") == 0
    assert index.warc_files() == {"f.warc.gz": 100}
    assert index.counts() == {"pages": 3, "captures": 3, "versions": 1, "citations": 2}
    assert index.observe_version(OTHER, "h3", first.fetched_at, first_id, language="az")
    assert index.version(OTHER, "h3").language == "az"
    index.rollback()
    assert index.counts()["captures"] == 0  # nothing was committed
    index.close()


def test_reindex_gives_back_the_same_index_on_each_backend(backend):
    data, url = backend
    crawl_history(data, url)
    index = open_index(data, url=url)
    live = dump(index)
    index.close()
    assert len(live["captures"]) == 10 and len(live["citations"]) >= 3
    assert live["lastmods"] and live["page_seeds"]
    assert len(live["requisites"]) == 4 and len(live["views"]) == 3
    counts = rebuild(data, url)
    assert counts["captures"] == 10
    index = open_index(data, url=url)
    assert dump(index) == live
    index.close()


def test_both_backends_build_the_same_rows(tmp_path, pg_url):  # noqa: F811 - fixture
    crawl_history(tmp_path / "sqlite", None)
    crawl_history(tmp_path / "pg", pg_url)
    on_sqlite = open_index(tmp_path / "sqlite")
    on_pg = open_index(tmp_path / "pg", url=pg_url)
    rows_sqlite, rows_pg = dump(on_sqlite), dump(on_pg)
    on_sqlite.close()
    on_pg.close()
    # Record IDs, file names and offsets differ between the two runs; nothing else may.
    for table in TABLES:
        assert len(rows_sqlite[table]) == len(rows_pg[table]), table
    assert [row[:9] for row in rows_sqlite["versions"]] == \
        [row[:9] for row in rows_pg["versions"]]
    # text_hash, extraction, title, origin (info_file names a file, which differs)
    captures = lambda rows: [row[:5] + row[14:18] for row in rows]  # noqa: E731
    assert captures(rows_sqlite["captures"]) == captures(rows_pg["captures"])
    assert rows_sqlite["pages"] == rows_pg["pages"]
    assert [row[:5] + row[6:] for row in rows_sqlite["citations"]] == \
        [row[:5] + row[6:] for row in rows_pg["citations"]]
    assert rows_sqlite["lastmods"] == rows_pg["lastmods"]


def test_catch_up_on_postgresql_indexes_what_was_not_committed(tmp_path, pg_url):  # noqa: F811
    archiver = Archiver(tmp_path, "test", index=open_index(tmp_path, url=pg_url))
    describe(archiver, fetch(archiver, ARTICLE, b"one", 0), "sha256:" + "a" * 64)
    archiver.writer.close()  # the process dies: rows of the last group never committed
    archiver.index.rollback()
    archiver.index.close()
    assert catch_up(tmp_path, url=pg_url) >= 0
    index = open_index(tmp_path, url=pg_url)
    assert [c.kind for c in index.captures(ARTICLE)] == ["response"]
    assert index.versions(ARTICLE)
    index.close()


def test_a_missing_postgresql_schema_is_refused_not_created(tmp_path):
    url = new_pg_url()
    try:
        with pytest.raises(SchemaVersionError, match="palimpsest index upgrade"):
            open_index(tmp_path, url=url)
        status = cli("index", "status", "--index", url, "--json")
        assert '"schema_version": null' in status.stdout
        made = cli("index", "upgrade", "--index", url)
        assert f"created schema version {SCHEMA_VERSION}" in made.stdout
        again = cli("index", "upgrade", "--index", url)
        assert "up to date" in again.stdout
        open_index(tmp_path, url=url).close()
    finally:
        drop_pg_schema(url)


def test_a_newer_schema_is_refused_with_a_clear_message(backend):
    data, url = backend
    index = open_index(data, url=url)
    index.begin()
    index._x("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    index.commit()
    index.close()
    with pytest.raises(SchemaVersionError, match="schema version 99, newer than"):
        open_index(data, url=url)
    args = ["--data", str(data)] + (["--index", url] if url else [])
    result = cli("history", ARTICLE, *args, check=False)
    assert result.exit_code == 2 and "newer than this Palimpsest" in result.stderr
    status = cli("index", "status", *args)
    assert "schema version: 99" in status.stdout and "problem" in status.stdout
    upgrade = cli("index", "upgrade", *args, check=False)
    assert upgrade.exit_code == 2 and "newer than this Palimpsest" in upgrade.stderr


def test_a_bad_index_url_is_a_usage_error(tmp_path):
    result = cli("history", ARTICLE, "--data", str(tmp_path), "--index", "mysql://x",
                 check=False)
    assert result.exit_code == 2 and "expected a postgresql:// URL" in result.stderr
    result = cli("index", "status", "--index",
                 "postgresql://root@127.0.0.1:1/test", check=False)
    assert result.exit_code == 2 and "cannot connect" in result.stderr
