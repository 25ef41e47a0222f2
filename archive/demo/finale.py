"""The end of `palimpsest demo`: what the crawls found, the way a reader wants it.

The diff of every edit, the figures that were revised, what was taken down and restored, and the
static report written into the data folder.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from archive.index import open_index
from archive.report.site import build_report, default_out
from archive.report.termdiff import render_diff
from archive.store.layout import DataLayout
from archive.versions.changes import list_changes
from archive.versions.edits import EditReader
from archive.versions.lifecycle import EDITED


def show_edits(data_dir: Path, console: Console) -> Path:
    """Print the edits, figures and takedowns found in `data_dir`; write the report; return its
    index page."""
    layout = DataLayout(data_dir)
    index = open_index(data_dir, readonly=True)
    try:
        changes = list(reversed(list_changes(EditReader(index, layout))))  # oldest first
        edits = [c for c in changes if c.event.kind == EDITED and c.diff is not None]
        for change in sorted(edits, key=lambda c: (c.role != "article", c.url)):
            console.print(Rule(f"palimpsest diff · {change.role}", style="dim"))
            console.print(render_diff(change.diff))
        console.print(Rule(style="dim"))
        figures = Table(title="Figures revised", title_justify="left", show_edge=False)
        for column in ("page", "was", "now"):
            figures.add_column(column, overflow="fold")
        for change in edits:
            for figure in change.diff.diff.figures:
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
