"""The end of `palimpsest demo`: what the crawls found, the way a reader wants it.

What was archived, the diff of every edit, the figures that were revised, what was taken down
and restored, the static report written into the data folder, and how to replay a capture.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from archive.index import open_index
from archive.replay.urls import replay_url
from archive.report.site import build_report, default_out
from archive.report.termdiff import render_diff
from archive.store.layout import DataLayout
from archive.versions.changes import list_changes
from archive.versions.edits import EditReader
from archive.versions.lifecycle import EDITED


def present(data_dir: Path, article_url: str, console: Console) -> None:
    """Everything the demo shows once its crawls are done; `article_url`: the article whose
    history and first capture it points the reader to."""
    show_archived(data_dir, console)
    console.print(f"\nData folder: {data_dir}  (WARCs in {data_dir}/collections/demo/archive)")
    console.print(f"Try: palimpsest history {article_url} --data {data_dir}\n")
    show_edits(data_dir, console)
    show_replay(data_dir, article_url, console)


def show_archived(data_dir: Path, console: Console) -> None:
    """A table of the articles and sources archived: captures, versions, state."""
    index = open_index(data_dir, readonly=True)
    try:
        table = Table(title="\nWhat was archived", title_justify="left")
        for column in ("role", "url", "captures", "versions", "state"):
            table.add_column(column, overflow="fold")
        for page in index.pages("demo"):
            if page.role in ("article", "source"):
                table.add_row(page.role, page.url, str(page.fetches),
                              str(len(index.versions(page.url))), page.state)
        console.print(table)
    finally:
        index.close()


def show_replay(data_dir: Path, url: str, console: Console) -> None:
    """The replay command, and the replay URL of the first capture of `url`."""
    index = open_index(data_dir, readonly=True)
    try:
        first = index.captures(url)[0]
    finally:
        index.close()
    console.print(f"Replay every capture as it was served: palimpsest replay --data {data_dir}",
                  soft_wrap=True)
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
            console.print(render_diff(change.diff))
        console.print(Rule(style="dim"))
        figures = Table(title="Figures revised", title_justify="left", show_edge=False)
        for column in ("page", "was", "now"):
            figures.add_column(column, overflow="fold")
        for change in edits:
            for figure in change.diff.diff.figures if change.diff is not None else ():
                figures.add_row(change.title or change.url, Text(figure.old, "red"),
                                Text(figure.new, "green"))
        console.print(figures)
        lifecycle = Table(title="\nTaken down and restored", title_justify="left",
                          show_edge=False)
        for column in ("when", "what", "page"):
            lifecycle.add_column(column, overflow="fold")
        for change in changes:
            if change.event.kind != EDITED:
                verb = "taken down" if change.event.kind == "removed" else "restored"
                lifecycle.add_row(change.event.at[:19].replace("T", " ") + " UTC",
                                  f"{verb} (HTTP {change.event.capture.status})",
                                  Text(change.title or change.url))
        console.print(lifecycle)
        result = build_report(index, layout, default_out(layout))
    finally:
        index.close()
    console.print(f"\nReport: {result.index}  (Atom feed: {result.feed})", highlight=False,
                  markup=False, soft_wrap=True)
    return result.index
