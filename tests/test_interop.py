"""Other tools' WARC, WACZ and ARC files in (tests/data/interop/, built by interop_fixtures.py):
`verify FILE`, `import`, `history`, `verify` of the data folder, `reindex`, `history` again and
replay through pywb all agree on every file. One reader, one verdict."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clirun import run
from interop_fixtures import CASES, build
from replaying import get, start_replay

from archive.verify.files import check_file

FIXTURES = Path(__file__).parent / "data" / "interop"
TABLES = ("pages", "captures", "versions", "citations", "warc_files", "page_seeds", "lastmods")
ACCEPTED = sorted(name for name, case in CASES.items() if case.imported)
REFUSED = sorted(name for name, case in CASES.items() if not case.imported)



def collection_of(name: str) -> str:
    return name.split(".", 1)[0]


def index_rows(data: Path) -> dict:
    db = sqlite3.connect(data / "index.sqlite")
    rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in TABLES}
    db.close()
    return rows


def findings(output: str, label: str) -> list[tuple]:
    """(offset, kind, problem) of every defect and note `verify --json` reports for a file."""
    report = json.loads(output)
    return sorted((item["offset"], item["kind"], item["problem"])
                  for item in report["defects"] + report["notes"]
                  if item["file"].endswith(label) and item["kind"] != "index")


def test_the_fixtures_are_rebuilt_by_their_script(tmp_path):
    rebuilt = build(tmp_path)
    assert sorted(rebuilt) == sorted(CASES) == sorted(p.name for p in FIXTURES.iterdir())
    for name in CASES:
        if name.endswith(".wacz"):  # py-wacz dates its packages: compare what verify finds
            fresh = run("verify", "--json", str(tmp_path / name),
                        code=1 if CASES[name].verify_fails else 0)
            kept = run("verify", "--json", str(FIXTURES / name),
                       code=1 if CASES[name].verify_fails else 0)
            assert findings(fresh.stdout, name) == findings(kept.stdout, name)
        else:
            assert (FIXTURES / name).read_bytes() == rebuilt[name], name


@pytest.mark.parametrize("name", sorted(CASES))
def test_verify_says_what_each_tool_s_file_holds(name):
    case = CASES[name]
    result = run("verify", str(FIXTURES / name), code=1 if case.verify_fails else 0)
    if case.verify:
        assert case.verify in result.output, result.output
    else:
        assert "no defects" in result.output and "note:" not in result.output


@pytest.mark.parametrize("name", REFUSED)
def test_what_verify_rejects_import_refuses_whole(name, tmp_data):
    result = run("import", str(FIXTURES / name), "--data", str(tmp_data), code=2)
    assert CASES[name].refusal in result.output and str(FIXTURES / name) in result.output
    assert not list(tmp_data.rglob("*.warc*"))
    assert not [path for path in tmp_data.iterdir() if path.name.startswith(".import-")]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    """Each accepted file imported into a data folder of its own: its history and index just
    after the import, what verify says of the folder, then the same after `reindex`."""
    found = {}
    for name in ACCEPTED:
        data = tmp_path_factory.mktemp(collection_of(name))
        case = CASES[name]
        run("import", str(FIXTURES / name), "--data", str(data), "--collection", "theirs")
        entry = {"data": data, "rows": index_rows(data),
                 "verify": run("verify", "--json", "--data", str(data),
                               code=1 if case.verify_fails else 0).stdout}
        if case.url and not case.stamp:
            entry["history"] = json.loads(run("history", case.url, "--json", "--data",
                                              str(data)).stdout)
        run("reindex", "--data", str(data))
        entry["rows_after"] = index_rows(data)
        entry["verify_after"] = run("verify", "--json", "--data", str(data),
                                    code=1 if case.verify_fails else 0).stdout
        if case.url and not case.stamp:
            entry["history_after"] = json.loads(run("history", case.url, "--json", "--data",
                                                    str(data)).stdout)
        found[name] = entry
    return found


@pytest.mark.parametrize("name", ACCEPTED)
def test_reindex_gives_the_index_and_the_history_the_import_gave(imported, name):
    entry = imported[name]
    assert entry["rows_after"] == entry["rows"]
    assert entry.get("history_after") == entry.get("history")
    if "history" in entry:
        versions = entry["history"]["versions"]
        assert len(versions) == CASES[name].versions
        assert all(v["origin"] == "import" for v in versions)
        assert {c["origin"] for c in entry["history"]["captures"]} == {"import"}


@pytest.mark.parametrize("name", ACCEPTED)
def test_verify_of_the_data_folder_says_what_verify_file_says(imported, name):
    entry = imported[name]
    archived = [path for path in (entry["data"] / "collections" / "theirs" / "archive").iterdir()
                if "-00000-" in path.name]
    direct = run("verify", "--json", str(FIXTURES / name),
                 code=1 if CASES[name].verify_fails else 0).stdout
    expected = [finding for finding in findings(direct, "") if "datapackage" not in finding[2]]
    in_folder = []
    for path in archived:
        in_folder += findings(entry["verify"], path.name)
    assert sorted(in_folder) == sorted(expected)
    assert findings(entry["verify_after"], "") == findings(entry["verify"], "")
    # No index row disagrees with its record: the rows are the records the reader found whole.
    assert not [d for d in json.loads(entry["verify"])["defects"] if d["kind"] == "index"]


def test_an_index_row_is_exactly_its_record(imported):
    """An uncompressed WARC's rows are as long as its records, to the closing CRLF CRLF."""
    data = imported["warcio-plain.warc"]["data"]
    db = sqlite3.connect(data / "index.sqlite")
    rows = db.execute("SELECT warc_file, warc_offset, warc_length FROM captures").fetchall()
    db.close()
    path = data / "collections" / "theirs" / "archive" / rows[0][0]
    whole = {(record.offset, record.length) for record in check_file(path).records}
    assert rows and all((offset, length) in whole for _, offset, length in rows)


def test_a_file_with_no_capture_is_not_copied_twice(imported):
    data = imported["resources-only.warc.gz"]["data"]
    rows = index_rows(data)
    files = sorted((data / "collections" / "theirs" / "archive").iterdir())
    again = run("import", str(FIXTURES / "resources-only.warc.gz"), "--data", str(data),
                "--collection", "theirs")
    assert f"already archived: {FIXTURES / 'resources-only.warc.gz'}" in again.output
    assert sorted((data / "collections" / "theirs" / "archive").iterdir()) == files
    assert index_rows(data) == rows
    run("verify", "--data", str(data))  # no record ID twice


def test_revisits_that_name_no_original_share_its_version(imported):
    history = imported["liveweb-revisits.warc.gz"]["history"]
    assert [(c["kind"], c["version"]) for c in history["captures"]] == \
        [("response", 1), ("revisit", 1)]


def test_every_accepted_file_replays_through_pywb(tmp_path):
    data = tmp_path / "data"
    for name in ACCEPTED:
        run("import", str(FIXTURES / name), "--data", str(data), "--collection",
            collection_of(name))
    replay = start_replay(data)
    try:
        for name in ACCEPTED:
            case = CASES[name]
            prefix = f"{replay.url}/{collection_of(name)}/"
            if case.stamp:  # a resource: in the replay index, not in history
                stamp, rest = case.stamp, case.url
            else:
                history = json.loads(run("history", case.url, "--json", "--data", str(data),
                                         "--replay-base", replay.url).stdout)
                ours = [c for c in history["captures"]
                        if c["collection"] == collection_of(name)]
                stamp, _, rest = ours[-1]["replay_url"][len(prefix):].partition("/")
            status, _, body = get(f"{prefix}{stamp}id_/{rest}")
            assert status == 200 and case.phrase in body, (name, status, body[:200])
    finally:
        replay.stop()
