"""`palimpsest index upgrade` and `index status` on SQLite, in-process, as a person reads them.

(Both backends, through subprocesses, are in test_index_contract.py.)"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.index import versions
from archive.index.admin import index_status, upgrade_index
from archive.index.versions import SCHEMA_VERSION


@pytest.fixture(autouse=True)
def _sqlite(monkeypatch):
    monkeypatch.delenv("PALIMPSEST_INDEX", raising=False)


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_upgrade_creates_the_index_and_status_then_counts_its_rows(tmp_path):
    where = f"sqlite:{tmp_path / 'index.sqlite'}"
    code, shown = run("index", "status", "--data", str(tmp_path))
    assert code == 0
    assert shown.splitlines() == [
        f"index: {where} (sqlite)", f"schema version: none (this Palimpsest: {SCHEMA_VERSION})",
        "problem: no index yet (a crawl or `palimpsest index upgrade` makes it)"]
    assert run("index", "upgrade", "--data", str(tmp_path)) == (
        0, f"{where}: created schema version {SCHEMA_VERSION}\n")
    assert run("index", "upgrade", "--data", str(tmp_path)) == (
        0, f"{where}: schema version {SCHEMA_VERSION}, up to date\n")
    code, shown = run("index", "status", "--data", str(tmp_path))
    assert shown.splitlines()[-1] == "rows: 0 pages, 0 captures, 0 versions, 0 citations"


def test_upgrade_applies_each_missing_migration_and_records_the_version(tmp_path, monkeypatch):
    upgrade_index(tmp_path, None)
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION - 1,))
    db.commit()
    db.close()
    assert index_status(tmp_path, None)["problem"].startswith(
        f"the index at sqlite:{tmp_path / 'index.sqlite'} has schema version "
        f"{SCHEMA_VERSION - 1}, older")
    # schema.sql runs again harmlessly (CREATE ... IF NOT EXISTS): a stand-in migration.
    monkeypatch.setattr(versions, "MIGRATIONS", {SCHEMA_VERSION: ("schema.sql",)})
    done = upgrade_index(tmp_path, None)
    assert (done.before, done.after) == (SCHEMA_VERSION - 1, SCHEMA_VERSION)
    assert index_status(tmp_path, None)["schema_version"] == SCHEMA_VERSION
