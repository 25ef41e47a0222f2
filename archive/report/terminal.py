"""Tables for the terminal that stay readable at 80 columns and never break what a user copies.

A column marked `copy` (a URL, a time) is printed whole on one line: never wrapped, never cut
with an ellipsis, so it can be selected and pasted into the next command. The other columns
wrap. When the copy columns and the narrowest the others can be do not fit the console's width
(an 80-column terminal, output piped, a phone), the rows are printed stacked instead, one field
a line under the row's first cell, as the report does on a narrow screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

Cell = str | Text
# Spaces at the end of a line, before any closing colour codes: rich pads a grid's cells.
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.M)
# A wrapping column is never made narrower than this many characters (or its widest word):
# narrower, a headline reads one syllable a line.
READABLE = 16


@dataclass(frozen=True)
class Column:
    """A column's header; `copy`: its values are copied by users, so never wrapped or cut."""

    header: str
    copy: bool = False
    justify: JustifyMethod = "left"
    min_width: int = 0  # a wrapping column's narrowest (default: its header, words, READABLE)


def print_table(console: Console, title: str | None, columns: Sequence[Column],
                rows: Iterable[Sequence[Cell]]) -> None:
    """Print `rows` under `title` (its own line, never wrapped to the table's width): as a
    table when it fits the console whole, else one stacked block per row."""
    texts = [[_text(cell) for cell in row] for row in rows]
    if title:
        console.print(Text(title, style="bold"), soft_wrap=True)
    table = _table(columns, texts)
    if _narrowest(columns, texts) <= console.width and _fits(console, table):
        console.print(table)
    else:
        _print_stacked(console, columns, texts)


def _fits(console: Console, table: Table) -> bool:
    """Whether rich lays `table` out within the console: it can shrink a column below its
    min_width to fit and then widen it back, and the table would overrun the console (its
    right edge cut off), so the widths it settles on are checked, borders included."""
    # As Table.__rich_console__ calls it (rich is pinned in pyproject.toml).
    borders = table._extra_width  # noqa: SLF001
    widths = table._calculate_column_widths(  # noqa: SLF001
        console, console.options.update_width(console.width - borders))
    return sum(widths) + borders <= console.width


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _readable_width(header: str, cells: list[Text]) -> int:
    """The narrowest a wrapping column may get and still read: its header and words of up to
    READABLE cells, or its widest line if that is narrower."""
    longest_word = max([cell_len(word) for cell in cells for word in cell.plain.split()] or [0])
    return min(_widest(header, cells), max(len(header), min(longest_word, READABLE), 8))


def _narrowest(columns: Sequence[Column], rows: list[list[Text]]) -> int:
    """The width of the table with every copy column whole and the others at their readable
    width: cells plus one space of padding each side and a rule between and around them."""
    widths = []
    for number, column in enumerate(columns):
        cells = [row[number] for row in rows]
        widths.append(_widest(column.header, cells) if column.copy
                      else max(column.min_width, _readable_width(column.header, cells)))
    return sum(widths) + 3 * len(columns) + 1


def _widest(header: str, cells: list[Text]) -> int:
    return max([len(header)] + [cell_len(line) for cell in cells
                                for line in cell.plain.splitlines()])


def _table(columns: Sequence[Column], rows: list[list[Text]]) -> Table:
    table = Table()
    for number, column in enumerate(columns):
        if column.copy:
            table.add_column(column.header, no_wrap=True, overflow="ignore",
                             justify=column.justify)
        else:
            cells = [row[number] for row in rows]
            width = max(column.min_width, _readable_width(column.header, cells))
            # A column whose narrowest is all of it is not wrapped at all: rich would shrink
            # it past its min_width to fit, then widen it back, and the table would overrun
            # the console (its right edge cut off).
            table.add_column(column.header, overflow="fold", justify=column.justify,
                             min_width=width, no_wrap=width >= _widest(column.header, cells))
    for row in rows:
        table.add_row(*row)
    return table


def _print_stacked(console: Console, columns: Sequence[Column], rows: list[list[Text]]) -> None:
    """Each row as a block: the first cell, then `header  value` lines, indented; a copy value
    soft-wrapped (the terminal may fold it on screen, but it is one line when copied or piped)."""
    width = max(len(column.header) for column in columns[1:]) if len(columns) > 1 else 0
    for row in rows:
        first = Text.assemble((f"{columns[0].header} ", "dim"), row[0])
        console.print(first, soft_wrap=columns[0].copy)
        for column, cell in zip(columns[1:], row[1:]):
            if not cell.plain:
                continue
            label = Text(f"  {column.header:<{width}}  ", "dim")
            if column.copy:
                console.print(Text.assemble(label, cell), soft_wrap=True)
                continue
            # Wrapped here rather than in a grid, which would pad every line with spaces.
            lines = cell.wrap(console, max(console.width - len(label), READABLE),
                              overflow="fold")
            for place, line in enumerate(lines):
                line.rstrip()
                lead = label if place == 0 else Text(" " * len(label))
                console.print(Text.assemble(lead, line), soft_wrap=True)
        console.print()  # a blank line ends each block, the last one too


def print_trimmed(console: Console, renderable: RenderableType) -> None:
    """Print `renderable` without the spaces rich pads a grid's lines with to the full width:
    piped into a file or a mail, a diff should not end every line in blanks. Not cropped: a
    line that is wider than the console on purpose (a URL never wrapped) is printed whole."""
    with console.capture() as captured:
        console.print(renderable, crop=False)
    console.file.write(_TRAILING.sub(r"\1", captured.get()))
