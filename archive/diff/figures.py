"""Changed figures: numbers, percentages, sums of money and dates revised between two versions.

A figure is found by pattern (``1,412``, ``3.5``, ``63 per cent``, ``€2.4 million``,
``14 November``, ``2026-11-14``...). A figure is *changed* when it overlaps an edit of the word
diff; a changed figure of the older text is paired with one of the newer text when both touch
the same stretch of edits (the unchanged words around them line up) and are of the same kind.
So "1,412 injured" -> "1,438 injured" is one pair, and "14 November" -> "21 November" is one
date, not two numbers. Only English month names are recognised; numbers written as words are
not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archive.diff.wordiff import EQUAL, INSERT, Op, new_text, old_text

_NUMBER = r"\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = "|".join((
    r"\d{4}-\d{2}-\d{2}",                                             # 2026-11-14
    r"\d{1,2}/\d{1,2}/\d{2,4}",                                       # 14/11/2026
    rf"\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?",    # 14 November (2026)
    rf"{_MONTH}\s+\d{{1,2}}{_ORDINAL}(?:,?\s+\d{{4}})?(?!\d)",        # November 14(, 2026)
    rf"{_MONTH}\s+\d{{4}}",                                           # November 2026
))
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|m|k)\b)"
_FIGURE_RX = re.compile(
    rf"(?<![\w.,])(?:"
    rf"(?P<date>{_DATE})"
    rf"|(?P<money>(?:US\$|[$€£¥]|(?:USD|EUR|GBP)\s?)(?:{_NUMBER}){_SCALE}?)"
    rf"|(?P<percent>(?:{_NUMBER})\s?(?:%|per\s?cent\b|percent\b))"
    rf"|(?P<number>(?:{_NUMBER})(?:\s(?:million|billion|trillion|thousand)\b)?)"
    rf")(?!\w)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[,\u00a0\u202f\u2009]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Figure:
    """A figure in a text: where it is, what it says, what kind it is."""

    start: int
    end: int
    text: str
    kind: str  # date | money | percent | number


@dataclass(frozen=True)
class FigureChange:
    """A figure revised from one value to another."""

    old: str
    new: str
    kind: str
    where: str = "body"          # body | title
    paragraph: int | None = None  # index of the paragraph in the newer text
    context: str = ""            # the newer text around the figure
    count: int = 1               # how many times this same revision was made
    delta: int | float | None = None  # new - old, for numbers, sums and percentages

    def to_json(self) -> dict:
        return {"from": self.old, "to": self.new, "kind": self.kind, "where": self.where,
                "paragraph": self.paragraph, "context": self.context, "count": self.count,
                "delta": self.delta}


def find_figures(text: str) -> list[Figure]:
    """Every figure in a text, in order.

    >>> [(f.text, f.kind) for f in find_figures("On 14 November, 63 per cent of 1,412 paid €2.5m.")]
    [('14 November', 'date'), ('63 per cent', 'percent'), ('1,412', 'number'), ('€2.5m', 'money')]
    """
    return [Figure(m.start(), m.end(), m.group(0), m.lastgroup or "number")
            for m in _FIGURE_RX.finditer(text)]


def figure_value(figure_text: str) -> float | None:
    """The numeric value of a number, sum or percentage (None for dates and scaled sums).

    >>> figure_value("1,438"), figure_value("71 per cent"), figure_value("2.5")
    (1438.0, 71.0, 2.5)
    """
    match = re.search(_NUMBER, figure_text)
    if match is None or re.search(r"\d\s?(?:million|billion|trillion|thousand|bn|m|k)\b",
                                  figure_text, re.IGNORECASE):
        return None
    return float(_SEPARATORS.sub("", match.group(0)))


def figure_changes(old: str, new: str, ops: list[Op], *, where: str = "body",
                   paragraph: int | None = None) -> list[FigureChange]:
    """Figures of `old` revised in `new`, paired through the word diff `ops` between them.

    >>> from archive.diff.wordiff import word_ops
    >>> a = "Of 1,412 injured, 37 died by 14 November."
    >>> b = "Of 1,438 injured, 37 died by 21 November."
    >>> [(c.old, c.new, c.delta) for c in figure_changes(a, b, word_ops(a, b))]
    [('1,412', '1,438', 26), ('14 November', '21 November', None)]
    """
    old = old_text(ops)  # the older text as the ops spell it, so offsets agree
    new = new_text(ops)
    hunks = _hunks(ops)
    old_figures = [(f, _touching(f, [(a0, a1) for a0, a1, _, _ in hunks])) for f in
                   find_figures(old)]
    new_figures = [(f, _touching(f, [(b0, b1) for _, _, b0, b1 in hunks])) for f in
                   find_figures(new)]
    group = _group_hunks(len(hunks), [t for _, t in old_figures + new_figures])
    changes = []
    for root in sorted(set(group)):
        olds = [f for f, touched in old_figures if touched and group[touched[0]] == root]
        news = [f for f, touched in new_figures if touched and group[touched[0]] == root]
        for before, after in _pair(olds, news, old, new):
            if before.text != after.text:
                changes.append(_change(before, after, new, where, paragraph))
    return changes


def merge_figure_changes(changes: list[FigureChange]) -> list[FigureChange]:
    """The same revision made in several places (a figure repeated in the text) counted once."""
    merged: dict[tuple[str, str, str, str], FigureChange] = {}
    for change in changes:
        key = (change.old, change.new, change.kind, change.where)
        if key in merged:
            merged[key] = replace(merged[key], count=merged[key].count + change.count)
        else:
            merged[key] = change
    return list(merged.values())


def _hunks(ops: list[Op]) -> list[tuple[int, int, int, int]]:
    """Each run of edits as (start, end) in the older text and (start, end) in the newer."""
    hunks = []
    a = b = 0
    start: tuple[int, int] | None = None
    for op, text in ops:
        if op == EQUAL:
            if start is not None:
                hunks.append((start[0], a, start[1], b))
                start = None
            a += len(text)
            b += len(text)
            continue
        if start is None:
            start = (a, b)
        if op == INSERT:
            b += len(text)
        else:
            a += len(text)
    if start is not None:
        hunks.append((start[0], a, start[1], b))
    return hunks


def _touching(figure: Figure, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of the edit spans a figure overlaps (an empty span: when strictly inside it)."""
    touched = []
    for number, (start, end) in enumerate(spans):
        if start == end:
            if figure.start < start < figure.end:
                touched.append(number)
        elif figure.start < end and start < figure.end:
            touched.append(number)
    return touched


def _group_hunks(count: int, touches: list[list[int]]) -> list[int]:
    """Join edit runs that one figure spans, so its parts are judged together (union-find)."""
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for touched in touches:
        for other in touched[1:]:
            parent[root(other)] = root(touched[0])
    return [root(node) for node in range(count)]


def _pair(olds: list[Figure], news: list[Figure], old: str,
          new: str) -> list[tuple[Figure, Figure]]:
    """Pair the changed figures of one stretch of edits: same kind, in order, or by context."""
    pairs = []
    for kind in dict.fromkeys(f.kind for f in olds):
        before = [f for f in olds if f.kind == kind]
        after = [f for f in news if f.kind == kind]
        if len(before) == len(after):
            pairs += list(zip(before, after))
            continue
        # Unequal counts: pair only figures with the same word beside them.
        free = list(after)
        for figure in before:
            context = _neighbours(old, figure)
            match = next((f for f in free if set(_neighbours(new, f)) & set(context)), None)
            if match is not None:
                pairs.append((figure, match))
                free.remove(match)
    return sorted(pairs, key=lambda pair: pair[1].start)


def _neighbours(text: str, figure: Figure) -> tuple[str, str]:
    """The word just before and just after a figure (lower case, marked by side)."""
    before = _WORD.findall(text[max(0, figure.start - 40):figure.start])
    after = _WORD.findall(text[figure.end:figure.end + 40])
    return ("<" + before[-1].lower() if before else "<", ">" + after[0].lower() if after else ">")


def _change(before: Figure, after: Figure, new: str, where: str,
            paragraph: int | None) -> FigureChange:
    delta = None
    if before.kind == after.kind and before.kind != "date":
        old_value, new_value = figure_value(before.text), figure_value(after.text)
        if old_value is not None and new_value is not None:
            difference = round(new_value - old_value, 6)
            delta = int(difference) if difference == int(difference) else difference
    return FigureChange(before.text, after.text, after.kind, where, paragraph,
                        snippet(new, after.start, after.end), delta=delta)


def snippet(text: str, start: int, end: int, width: int = 60) -> str:
    """The text around [start, end), cut at word boundaries, with ellipses where cut.

    >>> snippet("one two three four five six", 8, 13, width=6)
    '… two three four …'
    """
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return ("… " if left > 0 else "") + text[left:right].strip() + (" …" if right < len(text)
                                                                     else "")
