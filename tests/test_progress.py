"""Progress of the jobs over a whole archive: the library reports through a callback, and the
CLI draws a bar only for a person at a terminal, never under cron (no terminal) or --json."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from editarchive import build_archive
from inprocess import cli
from rich.console import Console

from archive.cli.bars import StageBars
from archive.progress import Done, tracked, tracked_files
from archive.verify.reindex import rebuild
from archive.verify.verdict import verify_folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("progress") / "data")


def warc_bytes(data: Path) -> int:
    return sum(path.stat().st_size for path in data.glob("collections/*/archive/*.warc.gz"))


def test_tracked_reports_before_the_first_item_and_after_each():
    heard: list[Done] = []
    assert list(tracked("stage", ["a", "b"], heard.append, [3, 4])) == ["a", "b"]
    assert heard == [Done("stage", 0, 2, 0, 7), Done("stage", 1, 2, 3, 7),
                     Done("stage", 2, 2, 7, 7)]
    assert list(tracked_files("quiet", [Path("/nonexistent")], None)) == [Path("/nonexistent")]


def test_reindex_and_verify_report_every_file_and_byte(archive, tmp_path):
    data = shutil.copytree(archive, tmp_path / "data")  # the module's archive is only read
    heard: list[Done] = []
    rebuild(data, progress=heard.append)
    indexing = [done for done in heard if done.stage == "indexing"]
    files = len(list(data.glob("collections/*/archive/*.warc.gz")))
    assert indexing[0] == Done("indexing", 0, files, 0, warc_bytes(data))
    assert indexing[-1] == Done("indexing", files, files, warc_bytes(data), warc_bytes(data))
    heard.clear()
    verify_folder(data, progress=heard.append)
    assert heard[-1].stage == "checking" and heard[-1].items == heard[-1].total_items >= files


def on_a_terminal(*args: str) -> tuple[str, str]:
    """Run palimpsest with stderr on a pseudo-terminal, as a person would: (stdout, what the
    terminal showed)."""
    terminal, their_end = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "archive.cli", *args], stdin=their_end,
                               stdout=subprocess.PIPE, stderr=their_end,
                               env={**os.environ, "COLUMNS": "100"})
    os.close(their_end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    out = process.stdout.read().decode()
    assert process.wait(timeout=60) == 0, shown
    os.close(terminal)
    return out, shown.decode("utf-8", "replace")


def test_a_bar_on_a_terminal_and_none_under_cron_or_json(archive):
    _, shown = on_a_terminal("verify", "--data", str(archive))
    files = len(list(archive.glob("collections/*/archive/*")))
    assert "checking" in shown and f"{files}/{files} files" in shown
    assert "verified" in shown
    as_json, shown = on_a_terminal("verify", "--json", "--data", str(archive))
    assert "checking" not in shown and as_json.startswith("{")
    piped = cli("verify", "--data", str(archive))  # stderr not a terminal: cron
    # The verdict line alone: no bar, no control characters.
    assert piped.stderr.startswith("verified ") and piped.stderr.count("\n") == 1
    assert "\x1b" not in piped.stderr and "\r" not in piped.stderr


def test_a_bar_line_fits_an_80_column_terminal_the_bar_giving_way():
    bars = StageBars(Console(file=io.StringIO(), width=80))
    bars.report(Done("replay index of demo", 2, 5, 446_200_000, 751_500_000_000))
    shown = Console(width=80, file=io.StringIO(), record=True, no_color=True)
    shown.print(bars.progress.make_tasks_table(bars.progress.tasks))
    lines = shown.export_text().splitlines()
    assert len(lines) == 1 and "2/5 files, 446.2 MB/751.5 GB" in lines[0], lines
