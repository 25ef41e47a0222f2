"""Edit diffs for the terminal, with rich.

Deletions are struck through in red and insertions underlined in green, and they are also
bracketed (``[-old-]``, ``{+new+}``, as wdiff writes them) so the diff reads the same without
colour: piped into a file, under NO_COLOR, or for a reader who cannot tell red from green.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from archive.diff.engine import MOVED_AWAY, FieldChange
from archive.diff.figures import FigureChange
from archive.diff.wordiff import DELETE, INSERT, Op
from archive.report.diffview import Gap, label, note, view
from archive.report.terminal import Cell, Column, print_table
from archive.versions.changes import Change
from archive.versions.edits import UrlDiff
from archive.versions.headlines import FIELD_NAMES, HEADLINE_KINDS, KIND_LABELS
from archive.versions.headlines import describe as describe_headline_event
from archive.versions.lifecycle import describe

DELETED_STYLE = "red strike"
INSERTED_STYLE = "green underline"


def ops_text(ops: list[Op]) -> Text:
    """Word ops as one rich Text: bracketed, coloured deletions and insertions."""
    text = Text()
    for op, chunk in ops:
        if op == DELETE:
            text.append("[-", "red")
            text.append(chunk, DELETED_STYLE)
            text.append("-]", "red")
        elif op == INSERT:
            text.append("{+", "green")
            text.append(chunk, INSERTED_STYLE)
            text.append("+}", "green")
        else:
            text.append(chunk)
    return text


def render_diff(result: UrlDiff) -> RenderableType:
    """A whole diff: header, headline and byline changes, body, figures, caps."""
    parts: list[RenderableType] = [_header(result)]
    diff = result.diff
    for name, change in (("Headline", diff.title), ("Byline", diff.byline)):
        if change is not None:
            parts.append(_field(name, change))
    for meta in result.metadata_headline_changes():
        line = Text(f"{FIELD_NAMES[str(meta['field'])].capitalize()}: ", "bold")
        line.append(f'"{meta["from"]}" -> "{meta["to"]}"')
        parts.append(line)
    if diff.body.changed:
        parts.append(_body(result))
    elif diff.title is None and diff.byline is None:
        parts.append(Text("No change between these versions.", "dim"))
    if diff.figures:
        parts.append(figures_table(diff.figures))
    for cap in diff.body.capped:
        parts.append(Text(f"Note: {cap}.", "yellow"))
    return Group(*parts)


def _header(result: UrlDiff) -> Group:
    inserted, deleted = result.diff.words_changed()
    # The URL is one line however long, to be copied whole into the next command (the
    # terminal may fold it on screen; print_trimmed does not crop it).
    url = Text(result.url, "bold", no_wrap=True, overflow="ignore")
    header = Text()
    header.append(f"from {_when(result.old.capture.fetched_at)} "
                  f"({result.old.version.text_hash[:19]}…)\n"
                  f"  to {_when(result.new.capture.fetched_at)} "
                  f"({result.new.version.text_hash[:19]}…)\n", "dim")
    header.append(f"{inserted} words added, {deleted} removed", "bold")
    if result.diff.figures:
        count = len(result.diff.figures)
        header.append(f"; {count} figure{'s' if count != 1 else ''} revised", "bold")
    header.append("\n")
    return Group(url, header)


def _field(name: str, change: FieldChange) -> Text:
    text = Text(f"{name}: ", "bold")
    text.append_text(ops_text(change.ops))
    return text


def _body(result: UrlDiff) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(ratio=1)
    for item in view(result.diff.body):
        if isinstance(item, Gap):
            plural = "s" if item.count != 1 else ""
            table.add_row("", Text(f"… {item.count} unchanged paragraph{plural} …", "dim"))
            continue
        words = note(item)
        if item.kind == MOVED_AWAY:
            table.add_row(label(item), Text(f"({words})", "dim italic"))
            continue
        body = ops_text(item.ops)
        if words:
            body = Text.assemble((f"({words}) ", "dim italic"), body)
        table.add_row(label(item), body)
        table.add_row("", "")
    return table


def figures_table(figures: list[FigureChange]) -> Table:
    """The revised figures: from, to, the difference, and the sentence they are in."""
    table = Table(title="Figures revised", title_justify="left", show_edge=False)
    for column in ("from", "to", "change", "in"):
        table.add_column(column, overflow="fold")
    for figure in figures:
        delta = figure.difference()
        where = "headline" if figure.where == "title" else figure.context
        if figure.count > 1:
            where += f" (×{figure.count})"
        table.add_row(Text(figure.old, "red"), Text(figure.new, "green"), delta, where)
    return table


def print_changes(console: Console, changes: list[Change]) -> None:
    """`palimpsest changes`: one row per edit, takedown or restoration, newest first; the time
    and the URL whole on one line each, to be copied into `diff`, `show` or `history`."""
    rows: list[list[Cell]] = []
    for change in changes:
        kind = change.event.kind
        what = Text(describe(kind, change.event.capture.status), _KIND_STYLE.get(kind, ""))
        if kind in HEADLINE_KINDS:
            what = Text(KIND_LABELS.get(kind, kind), _KIND_STYLE.get(kind, ""))
            what.append(f"\n{describe_headline_event(change.event)}")
        elif change.diff is not None:
            inserted, deleted = change.diff.diff.words_changed()
            what.append(f"\n+{inserted} −{deleted} words")
            if change.diff.diff.title is not None:
                what.append("\nheadline", "bold")
            for figure in change.diff.diff.figures:
                what.append(f"\n{figure.old} → {figure.new}")
        page = Text(change.title or "(no headline)")
        if change.role != "article":
            page.append(f" [{change.role}]", "dim")
        rows.append([_when(change.event.at), what, page, Text(change.url, "dim")])
    labels = max([len(describe(change.event.kind, change.event.capture.status))
                  for change in changes] or [0])
    print_table(console, None, (Column("when", copy=True), Column("what", min_width=labels),
                                Column("page"), Column("url", copy=True)), rows)


_KIND_STYLE = {"edited": "yellow", "removed": "red", "restored": "green",
               **{kind: "cyan" for kind in HEADLINE_KINDS}}


def _when(iso: str) -> str:
    """`2026-11-25T04:01:58.942989Z` as `2026-11-25 04:01:58 UTC`."""
    return iso[:19].replace("T", " ") + " UTC"
