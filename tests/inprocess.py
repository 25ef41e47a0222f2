"""The CLI run in this process, through Click's CliRunner: how read-only commands are tested.

A command that needs no reactor and no process of its own (history, show, diff, changes, due,
status, report, extract, verify, index status, and the rest that only read or rewrite files) is
called through `archive.cli.main` exactly as the `palimpsest` script calls it, without paying
for a fresh interpreter and its imports. Crawls, workers, replay and the demo stay subprocesses
(see crawling.py): Twisted's reactor starts once per process.

`main` configures logging (it is the CLI edge): it replaces the root logger's handlers with a
stream handler on the stderr CliRunner lends it for the call. :func:`cli` puts the logging state
back afterwards, so no handler writing to a closed stream, and no level, leaks into later tests.

A successful `export` runs in a subprocess too: py-wacz, on import, adds "warcinfo" to
cdxj-indexer's default record types for the whole process, which would change every CDXJ the
tests compute afterwards. :func:`cli` refuses to go on once py-wacz is loaded.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from click.testing import CliRunner, Result

from archive.cli import main

# py-wacz's indexer module appends "warcinfo" to CDXJIndexer.DEFAULT_RECORDS when imported.
_LOADS_PROCESS_STATE = "wacz.waczindexer"
# Loggers whose level the CLI sets besides the root's (archive.cli.common.configure_logging).
_LEVELLED = ("trafilatura",)


@contextmanager
def logging_restored() -> Iterator[None]:
    """Undo whatever the CLI did to the logging configuration inside the block."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in _LEVELLED}
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


def cli(*args: str, check: bool = True, env: Mapping[str, str] | None = None) -> Result:
    """Run `palimpsest ARGS` in this process; stdout and stderr come back apart.

    With `check`, a non-zero exit fails the test with both streams shown. An exception the CLI
    does not turn into a message and an exit code propagates, traceback and all.
    """
    runner = CliRunner()
    with logging_restored():
        result = runner.invoke(main, list(args), env=dict(env or {}), catch_exceptions=False,
                               prog_name="palimpsest")
    if _LOADS_PROCESS_STATE in sys.modules:
        raise AssertionError(f"palimpsest {' '.join(args)} loaded {_LOADS_PROCESS_STATE}, which "
                             "changes cdxj-indexer for the whole process: run it in a subprocess")
    if check and result.exit_code != 0:
        raise AssertionError(f"palimpsest {' '.join(args)} exited {result.exit_code}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def table_rows(text: str, title: str) -> list[list[str]]:
    """The body rows of the rich table printed under the line `title`, as a person reads them.

    A cell that rich wrapped over several lines is joined back with single spaces; a row starts
    on a line whose first cell is not empty.
    """
    lines = _after_title(text, title)
    rows: list[list[str]] = []
    in_body = False
    for line in lines:
        if line.startswith("┡"):
            in_body = True
        elif line.startswith("└"):
            return rows
        elif in_body and line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            if cells[0] or not rows:
                rows.append(cells)
            else:
                rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
    raise AssertionError(f"table {title!r} never ends in:\n{text}")


def records(text: str, title: str) -> list[dict[str, str]]:
    """The rows under the line `title` as {header: cell}, whether archive.report.terminal
    printed them as a table (it fit) or stacked, one `header  value` line per field (it did
    not fit the width). A stacked field left out (empty) is absent from its dict."""
    lines = _after_title(text, title)
    first = next(lines, "")
    if first.startswith("┏"):
        return _table_records(text, title)
    header, _, value = first.partition(" ")
    found: list[dict[str, str]] = [{header: value.strip()}]
    field = header
    for line in lines:
        if not line.strip():
            continue
        if line.startswith(f"{header} "):
            found.append({header: line[len(header):].strip()})
            field = header
        elif line.startswith("  ") and not line.startswith("   "):
            field, _, value = line.strip().partition("  ")
            found[-1][field] = value.strip()
        elif line.startswith("   "):
            found[-1][field] = f"{found[-1][field]} {line.strip()}".strip()
        else:
            break
    return found


def _table_records(text: str, title: str) -> list[dict[str, str]]:
    lines = _after_title(text, title)
    headers: list[str] = []
    for line in lines:
        if line.startswith("┃"):
            cells = [cell.strip() for cell in line.strip("┃").split("┃")]
            headers = [f"{old} {new}".strip() for old, new in zip(headers, cells)] \
                if headers else cells
        elif line.startswith("┡"):
            break
    return [dict(zip(headers, row)) for row in table_rows(text, title)]


def _after_title(text: str, title: str) -> Iterator[str]:
    lines = iter(text.splitlines())
    for line in lines:
        if line.strip() == title:
            return lines
    raise AssertionError(f"no table titled {title!r} in:\n{text}")
