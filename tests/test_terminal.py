"""What the read commands print at 80 columns, piped and without colour, as an operator reads
it: tables wrap headlines, never the times and URLs a user copies into the next command."""

from __future__ import annotations

import json

import pytest
from editarchive import ARTICLE, GONE, HOSTILE, NOW, build_archive
from inprocess import cli, records
from rich.console import Console

from archive.report.terminal import Column, print_table
from archive.timeutil import to_iso

NARROW = {"COLUMNS": "80", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("terminal") / "data")


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_history_shows_whole_times_at_80_columns(archive):
    shown = cli("history", ARTICLE, "--data", str(archive), env=NARROW).stdout
    full = json.loads(cli("history", ARTICLE, "--data", str(archive), "--json").stdout)
    lines = lines_of(shown)
    for version in full["versions"]:
        assert any(version["first_seen"] in line for line in lines), shown
        assert any(version["last_seen"] in line for line in lines), shown
    for capture in full["captures"]:
        assert any(capture["fetched_at"] in line for line in lines), shown
        assert any(line.endswith(capture["replay_url"]) for line in lines), shown
    # Versions do not fit as a table with whole times: stacked, one field a line.
    versions = records(shown, "Versions")
    assert [v["first seen"] for v in versions] == [v["first_seen"] for v in full["versions"]]
    assert versions[0]["title"] == full["versions"][0]["title"]
    assert "…" not in shown


def test_changes_keeps_every_url_whole_at_80_columns(archive):
    shown = cli("changes", "--data", str(archive), env=NARROW).stdout
    lines = lines_of(shown)
    for url in (ARTICLE, GONE, HOSTILE):  # HOSTILE's URL is longer than the terminal
        assert any(line.split()[-1] == url for line in lines if line.strip()), shown
    # Stacked newest first, each row under its whole time.
    assert [line for line in lines if line.startswith("when ")][:2] == [
        "when 2026-11-05 09:00:02 UTC", "when 2026-11-04 09:00:05 UTC"]
    assert "taken down (HTTP 404)" in shown and "restored (HTTP 200)" in shown
    assert all(len(line) <= 80 for line in lines if not any(
        u in line for u in (ARTICLE, GONE, HOSTILE))), shown


def test_changes_is_a_table_when_it_fits(archive):
    shown = cli("changes", "--data", str(archive), env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert shown.stdout.startswith("┏") and f"│ {HOSTILE} │" in shown.stdout


def test_a_table_wraps_other_columns_and_falls_back_to_stacked_rows():
    def printed(width: int) -> str:
        console = Console(width=width, no_color=True, record=True, file=open("/dev/null", "w"))
        print_table(console, "Pages", (Column("when", copy=True), Column("title"),
                                       Column("url", copy=True)),
                    [["2026-11-03 09:00:00 UTC", "A headline long enough to need wrapping "
                      "at this width", "http://example.org/a"]])
        return console.export_text()

    wide = printed(100)
    assert "│ 2026-11-03 09:00:00 UTC │" in wide and "│ http://example.org/a │" in wide
    narrow = printed(80)  # still a table: the headline wraps, times and URL stay whole
    assert "│ 2026-11-03 09:00:00 UTC │" in narrow and "│ http://example.org/a │" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 80
    phone = printed(40)
    assert records(phone, "Pages") == [{
        "when": "2026-11-03 09:00:00 UTC", "url": "http://example.org/a",
        "title": "A headline long enough to need wrapping at this width"}]
    assert max(len(line) for line in phone.splitlines()) <= 40


def test_a_column_kept_whole_by_its_min_width_never_pushes_the_table_past_the_edge():
    console = Console(width=80, no_color=True, record=True, file=open("/dev/null", "w"))
    labels = ["social headline changed\nsocial headline (og:title)",
              "search title changed\nsearch title (<title>)"]
    print_table(console, None, (Column("when", copy=True), Column("what", min_width=26),
                                Column("headlines")),
                [["2026-11-10T09:00:00.000000Z", label,
                  '"Sea wall to be mended | Harbour Gazette"\n-> "Sea wall saved, board says"']
                 for label in labels])
    shown = console.export_text()
    assert max(len(line) for line in shown.splitlines()) <= 80, shown
    assert all(line.endswith(("┓", "┃", "┩", "│", "┘")) for line in shown.splitlines()), shown
    assert "│ social headline changed    │" in shown and "│ search title (<title>)     │" in shown


def test_a_table_never_overruns_the_console_at_any_width():
    # A headline change's long 'what' line beside a label column held at its min_width: at
    # some widths rich squeezed that column and widened it back, cutting the right edge off.
    what = ('social headline changed\nsocial headline (og:title): "Displaced families face '
            'weeks of waiting" -> "Government promises temporary homes"')
    rows = [["2026-12-05 20:42:48 UTC", what, "Government promises temporary homes for 3,000",
             "http://127.0.0.1:8421/news/2026/11/05/displaced-families-wait-for-temporary"],
            ["2026-12-05 20:42:48 UTC", "taken down (HTTP 404)", "Velsk", "http://x.example/"]]
    for width in range(60, 240):
        console = Console(width=width, no_color=True, record=True, file=open("/dev/null", "w"))
        print_table(console, None, (Column("when", copy=True), Column("what", min_width=21),
                                    Column("page"), Column("url", copy=True)), rows)
        shown = console.export_text()
        if shown.startswith("┏"):
            assert all(line.endswith(("┓", "┃", "┩", "│", "┘"))
                       for line in shown.splitlines()), (width, shown)


def test_due_with_nothing_due_says_so_in_a_sentence(archive, tmp_path):
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'collection = "test"\n[[seed]]\nurl = "{ARTICLE}"\nevery = "30d"\n',
                     encoding="utf-8")
    shown = cli("due", str(seeds), "--at", to_iso(NOW), "--data", str(archive),
                env=NARROW).stdout
    assert " ".join(shown.split()).startswith(
        "Nothing is due in test at 2026-11-05 10:00Z: the next crawl would fetch nothing "
        "(--all lists the pages that are not due).")
    assert "┏" not in shown
    listed = cli("due", str(seeds), "--all", "--at", to_iso(NOW), "--data", str(archive),
                 env=NARROW).stdout
    assert ARTICLE in [row["url"] for row in records(listed, "test at 2026-11-05 10:00Z")]


def test_a_diff_piped_at_80_columns_reads_without_colour_or_trailing_blanks(archive):
    shown = cli("diff", ARTICLE, "--data", str(archive), env=NARROW).stdout
    lines = shown.splitlines()
    assert lines[0] == ARTICLE
    assert lines[1].startswith("from 2026-11-03 09:00:00 UTC") and "\x1b" not in shown
    assert "[-1,412-]{+1,438+}" in shown  # marked without colour, as wdiff writes it
    assert [line for line in lines if line != line.rstrip()] == []
    assert all(len(line) <= 80 for line in lines)


def test_a_diff_keeps_a_url_longer_than_the_terminal_on_one_line(archive):
    shown = cli("diff", HOSTILE, "--data", str(archive), env=NARROW).stdout
    assert len(HOSTILE) > 80 and shown.splitlines()[0] == HOSTILE, shown[:400]
    assert shown.splitlines()[1].startswith("from ")


def test_status_of_a_folder_with_no_index_yet_says_so_plainly(tmp_path):
    shown = cli("status", "--data", str(tmp_path), env=NARROW).stdout
    assert shown.splitlines() == [
        f"index: sqlite:{tmp_path}/index.sqlite (no schema yet)",
        "  problem: no index yet (a crawl or `palimpsest index upgrade` makes it)"]


def test_status_of_a_folder_that_does_not_exist_is_exit_2_naming_it(tmp_path):
    missing = tmp_path / "typo"
    for command in (("status",), ("index", "status")):
        shown = cli(*command, "--data", str(missing), check=False)
        assert shown.exit_code == 2, shown.stdout
        assert f"data folder {missing} does not exist (--data)" in shown.stderr
    assert not missing.exists()


def test_hints_name_the_command_as_it_can_be_typed_from_here(tmp_path, monkeypatch):
    from archive.cli.common import command_as_typed

    script = tmp_path / ".venv" / "bin" / "palimpsest"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no venv activated
    assert command_as_typed() == ".venv/bin/palimpsest"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")  # `. .venv/bin/activate`
    assert command_as_typed() == "palimpsest"
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_as_typed() == str(script)
