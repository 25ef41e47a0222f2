"""`palimpsest index upgrade` takes a version-1 index (SQLite or PostgreSQL) to the current
version: every row gets its lineage, as far as the old rows tell it (a copied file's name has
serial 00000), and versions are unique per lineage from then on. A version-2 index gains the
captures' metadata headlines (schema 3)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clirun import run
from services import drop_pg_schema, new_pg_url

from archive.index import open_index
from archive.index.base import ANY_ORIGIN, MetadataHeadlines
from archive.index.versions import SCHEMA_VERSION

V1 = Path(__file__).parent / "data" / "index-v1.sql"
V2 = Path(__file__).parent / "data" / "index-v2.sql"
C = "http://harbour.example/c"
A, B = "http://harbour.example/a", "http://harbour.example/b"


def check_upgraded(index) -> None:
    assert index.schema_version() == SCHEMA_VERSION == 3
    assert [(c.id, c.origin) for c in index.captures(A, ANY_ORIGIN)] == [(1, "crawl"),
                                                                          (2, "import")]
    assert index.page(A).origin == "crawl" and index.page(B).origin == "import"
    assert [(v.text_hash, v.origin) for v in index.versions(A, ANY_ORIGIN)] == \
        [("sha256:aa", "crawl")]
    assert [v.origin for v in index.versions(B)] == ["import"]
    # Versions are per lineage now: the imported capture of A may have a version of its own.
    index.begin()
    assert index.observe_version(A, "sha256:aa", "2026-11-04T09:30:00.000000Z", 2,
                                 origin="import")
    index.commit()
    assert len(index.versions(A, ANY_ORIGIN)) == 2
    # Each version's language (schema 2): none for the old rows, kept for new ones.
    assert all(v.language is None for v in index.versions(A, ANY_ORIGIN))
    index.begin()
    assert index.observe_version(B, "sha256:az", "2026-11-05T09:00:00.000000Z", 2,
                                 origin="import", language="az")
    index.commit()
    assert index.version(B, "sha256:az", "import").language == "az"
    check_headline_columns(index, A, capture_id=1)


def check_headline_columns(index, url: str, capture_id: int) -> None:
    """Schema 3: old captures have no metadata headlines; new ones are kept."""
    assert all(c.social_title is None and c.search_title is None
               and c.structured_headline is None and c.body_hash is None
               for c in index.captures(url, ANY_ORIGIN))
    index.begin()
    index.set_capture_headlines(capture_id, MetadataHeadlines(
        social="Fares frozen, says ferry firm", search="Ferry fares | Harbour Gazette",
        structured=None), body_hash="sha256:b0")
    index.commit()
    upgraded = index.capture_by_id(capture_id)
    assert (upgraded.social_title, upgraded.search_title, upgraded.structured_headline,
            upgraded.body_hash) == \
        ("Fares frozen, says ferry firm", "Ferry fares | Harbour Gazette", None, "sha256:b0")


def test_a_version_1_sqlite_index_is_refused_until_upgraded_then_reads(tmp_path):
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.executescript(V1.read_text())
    db.close()
    refused = run("history", A, "--data", str(tmp_path), code=2)
    assert "older than this Palimpsest needs (3)" in refused.output
    assert "upgraded schema version 1 -> 3" in run("index", "upgrade", "--data",
                                                   str(tmp_path)).output
    assert "up to date" in run("index", "upgrade", "--data", str(tmp_path)).output
    index = open_index(tmp_path)
    try:
        check_upgraded(index)
    finally:
        index.close()
    assert "import" in run("history", A, "--data", str(tmp_path)).output


def test_a_version_2_sqlite_index_gains_the_metadata_headline_columns(tmp_path):
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.executescript(V2.read_text())
    db.close()
    refused = run("history", C, "--data", str(tmp_path), code=2)
    assert "has schema version 2, older than this Palimpsest needs (3)" in refused.output
    assert "upgraded schema version 2 -> 3" in run("index", "upgrade", "--data",
                                                   str(tmp_path)).output
    index = open_index(tmp_path)
    try:
        assert index.schema_version() == 3
        assert [v.title for v in index.versions(C)] == ["Ferry fares frozen",
                                                        "Ferry fares frozen until spring"]
        check_headline_columns(index, C, capture_id=2)
    finally:
        index.close()
    history = json.loads(run("history", C, "--json", "--data", str(tmp_path)).output)
    assert [v["title"] for v in history["versions"]] == ["Ferry fares frozen",
                                                         "Ferry fares frozen until spring"]


@pytest.mark.services
def test_a_version_1_postgresql_index_upgrades_to_the_current_version(tmp_path):
    from archive.index.postgres import PostgresIndex, pg_schema

    url = new_pg_url()
    index = PostgresIndex(url, check=False)
    try:
        index.db.execute(f"CREATE SCHEMA {index.schema}")
        index.db.execute(pg_schema(V1.read_text()))
        # The version-1 rows were inserted with their ids: move the identity sequences on,
        # as the rows' own inserts would have.
        for table in ("captures", "versions"):
            index.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
        assert index.upgrade() == (1, 3)
        check_upgraded(index)
    finally:
        index.close()
        drop_pg_schema(url)
