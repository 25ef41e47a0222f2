"""The in-process CLI runner (inprocess.py) leaves the logging configuration as it found it."""

from __future__ import annotations

import logging

from inprocess import cli, table_rows


def test_a_command_run_in_process_leaks_no_handler_and_no_level(tmp_path, caplog):
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("trafilatura").level)
    # -vv sets the root to DEBUG and adds a handler on the runner's stderr; the error path
    # logs nothing but still configures logging first.
    result = cli("-vv", "history", "http://news.example/a", "--data", str(tmp_path),
                 check=False)
    assert result.exit_code == 2 and "nothing archived yet" in result.stderr
    assert (list(root.handlers), root.level, logging.getLogger("trafilatura").level) == before
    # pytest's own capture still works, and nothing writes to the runner's closed stream.
    logging.getLogger("archive.test").warning("after the command")
    assert "after the command" in caplog.text


def test_table_rows_joins_wrapped_cells():
    printed = "\n".join([
        "Versions",
        "┏━━━┳━━━━━━━━┓",
        "┃ # ┃ title  ┃",
        "┡━━━╇━━━━━━━━┩",
        "│ 1 │ Flood  │",
        "│   │ count  │",
        "│ 2 │ Edited │",
        "└───┴────────┘",
    ])
    assert table_rows(printed, "Versions") == [["1", "Flood count"], ["2", "Edited"]]
