"""The end of `palimpsest demo`: what the crawls found, the way a reader wants it.

What was archived, the diff of every edit, the figures that were revised, what was taken down
and restored, the static report written into the data folder, and how to replay a capture.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from archive.index import open_index
from archive.replay.urls import replay_url
from archive.report.site import build_report, default_out
from archive.report.termdiff import render_diff
from archive.report.terminal import Column, print_table, print_trimmed
from archive.store.layout import DataLayout
from archive.versions.changes import list_changes
from archive.versions.edits import EditReader
from archive.versions.lifecycle import EDITED, REMOVED, RESTORED, describe


def present(data_dir: Path, article_url: str, console: Console,
            command: str = "palimpsest") -> None:
    """Everything the demo shows once its crawls are done; `article_url`: the article whose
    history and first capture it points the reader to; `command`: how the reader runs
    palimpsest from here (`.venv/bin/palimpsest`), so the hints work as printed."""
    show_archived(data_dir, console)
    console.print(f"\nData folder: {data_dir}  (WARCs in {data_dir}/collections/demo/archive)",
                  soft_wrap=True)
    console.print(f"Try: {command} history {article_url} --data {data_dir}\n", soft_wrap=True,
                  markup=False)
    show_edits(data_dir, console)
    show_replay(data_dir, article_url, console, command)


def show_archived(data_dir: Path, console: Console) -> None:
    """A table of the articles and sources archived: captures, versions, state."""
    index = open_index(data_dir, readonly=True)
    try:
        console.print()
        print_table(console, "What was archived", (
            Column("role"), Column("url", copy=True), Column("captures", justify="right"),
            Column("versions", justify="right"), Column("state")),
            ([page.role, page.url, str(page.fetches), str(len(index.versions(page.url))),
              page.state] for page in index.pages("demo") if page.role in ("article", "source")))
    finally:
        index.close()


def show_replay(data_dir: Path, url: str, console: Console,
                command: str = "palimpsest") -> None:
    """The replay command, and the replay URL of the first capture of `url`."""
    index = open_index(data_dir, readonly=True)
    try:
        first = index.captures(url)[0]
    finally:
        index.close()
    console.print(f"Replay every capture as it was served: {command} replay --data {data_dir}",
                  soft_wrap=True, markup=False)
    console.print(f"  then open {replay_url(first.collection, first.fetched_at, url)}",
                  soft_wrap=True, markup=False)


def show_edits(data_dir: Path, console: Console) -> Path:
    """Print the edits, figures and takedowns found in `data_dir`; write the report; return its
    index page."""
    layout = DataLayout(data_dir)
    index = open_index(data_dir, readonly=True)
    try:
        changes = list(reversed(list_changes(EditReader(index, layout))))  # oldest first
        edits = [c for c in changes if c.event.kind == EDITED and c.diff is not None]
        for change in sorted(edits, key=lambda c: (c.role != "article", c.url)):
            if change.diff is None:  # not in edits: mypy does not see the filter above
                continue
            console.print(Rule(f"palimpsest diff · {change.role}", style="dim"))
            print_trimmed(console, render_diff(change.diff))
        console.print(Rule(style="dim"))
        print_table(console, "Figures revised", (Column("page"), Column("was"), Column("now")),
                    ([change.title or change.url, Text(figure.old, "red"),
                      Text(figure.new, "green")]
                     for change in edits if change.diff is not None
                     for figure in change.diff.diff.figures))
        console.print()
        print_table(console, "Taken down and restored", (
            Column("when", copy=True), Column("what"), Column("page")),
            ([change.event.at[:19].replace("T", " ") + " UTC",
              describe(change.event.kind, change.event.capture.status),
              Text(change.title or change.url)]
             for change in changes if change.event.kind in (REMOVED, RESTORED)))
        result = build_report(index, layout, default_out(layout))
    finally:
        index.close()
    console.print(f"\nReport: {result.index}  (Atom feed: {result.feed})", highlight=False,
                  markup=False, soft_wrap=True)
    return result.index
