"""Schema version 2 (page requisites and screenshots): an index of version 1 is upgraded in
place, on SQLite and on PostgreSQL, and the new queries answer the same on both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from crawling import palimpsest
from services import drop_pg_schema, new_pg_url

from archive.index import open_index
from archive.index.resources import View
from archive.index.versions import SCHEMA_VERSION

V1 = Path(__file__).parent / "data" / "index-v1.sql"  # a version-1 index (test_index_upgrade)


def test_a_version_1_sqlite_index_is_upgraded_in_place(tmp_path):
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.executescript(V1.read_text())
    db.close()
    refused = palimpsest("history", "http://x.example/", "--data", str(tmp_path), check=False)
    assert refused.returncode == 2 and "palimpsest index upgrade" in refused.stderr
    palimpsest("index", "upgrade", "--data", str(tmp_path))
    index = open_index(tmp_path)
    try:
        assert index.schema_version() == SCHEMA_VERSION == 3
        _exercise(index)
    finally:
        index.close()


@pytest.mark.services
def test_a_version_1_postgresql_index_is_upgraded_in_place(tmp_path):
    from archive.index.postgres import PostgresIndex, pg_schema

    url = new_pg_url()
    try:
        made = PostgresIndex(url, check=False)
        made.db.execute(f"CREATE SCHEMA {made.schema}")
        made.db.execute(pg_schema(V1.read_text()))
        for table in ("captures", "versions"):  # as the rows' own inserts would have
            made.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
        made.db.commit()
        made.close()
        palimpsest("index", "upgrade", "--index", url)
        index = open_index(tmp_path, url=url)
        try:
            _exercise(index)
        finally:
            index.close()
    finally:
        drop_pg_schema(url)


def _exercise(index) -> None:
    index.begin()
    index.add_requisites(7, [
        {"url": "https://cdn.example/site.css", "kind": "stylesheet", "outcome": "fetched",
         "status": 200, "fresh_until": "2026-11-04T00:00:00.000000Z"},
        {"url": "https://cdn.example/font.woff2", "kind": "font", "outcome": "fetched",
         "status": 200, "via": "https://cdn.example/site.css",
         "fresh_until": "2026-11-10T00:00:00.000000Z"}])
    index.add_requisites(9, [
        {"url": "https://cdn.example/site.css", "kind": "stylesheet", "outcome": "fresh",
         "status": 200, "fresh_until": "2026-11-05T00:00:00.000000Z"},
        {"url": "https://cdn.example/big.png", "kind": "image", "outcome": "skipped"}])
    index.add_view(View(url="https://news.example/a", made_at="2026-11-03T10:00:00.000000Z",
                        status=None, record_id="<urn:uuid:v1>", mime="image/webp",
                        warc_file="x.warc.gz", warc_offset=10, warc_length=20))
    assert index.link_view("<urn:uuid:v1>", 7, "ok")
    index.commit()
    assert index.requisite_fresh_until("https://cdn.example/site.css") == \
        "2026-11-05T00:00:00.000000Z"
    assert index.requisite_fresh_until("https://cdn.example/big.png") is None
    assert index.requisite_children("https://cdn.example/site.css") == [
        ("https://cdn.example/font.woff2", "font")]
    assert [row["url"] for row in index.requisites_of(9)] == [
        "https://cdn.example/big.png", "https://cdn.example/site.css"]
    view = index.view_of(7)
    assert view.status == "ok" and view.warc_offset == 10 and index.view_of(9) is None
