"""Changed figures: numbers, percentages, per-mille rates, sums of money and dates revised
between two versions, read in each version's language.

A figure is found by pattern, with the language's conventions from CLDR (archive.diff.locales):
`1,412` and `2 783` and `2.783` (Azerbaijani) and `٢٧٨٣`, `63 per cent`, `12,5 %`, `%12,5`,
`1,2 Mio. Euro`, `14 November`, `3 декабря`, `3. Dezember`, `2026-11-14`. A figure is *changed*
when it overlaps an edit of the word diff; a changed figure of the older text is paired with one
of the newer text when both touch the same stretch of edits (the unchanged words around them
line up) and are of the same kind. So "1,412 injured" -> "1,438 injured" is one pair, and
"14 November" -> "21 November" is one date, not two numbers.

A number whose language is unknown and whose form two conventions read differently (`2.783`:
2783 or 2.783) is read the way its counterpart's form allows; when both forms allow both, the
change is reported as ambiguous, with every reading, and no delta is guessed. Numbers written
as words are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from archive.diff.figurepatterns import patterns
from archive.diff.numbers import Reading, as_json_number, readings_agree
from archive.diff.wordiff import EQUAL, INSERT, Op, new_text, old_text

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Figure:
    """A figure in a text: where it is, what it says, what kind it is, what it is worth."""

    start: int
    end: int
    text: str
    kind: str  # date | money | percent | permille | number
    readings: tuple[Reading, ...] = ()  # the values it can stand for (two: ambiguous)
    unit: str | None = None  # ISO code (or symbol) of money; "%" or "‰"
    date: str | None = None  # "2020-12-03", "--12-03" (no year), "2020-12" (no day)

    @property
    def value(self) -> Decimal | None:
        """Its value, when only one reading fits."""
        return self.readings[0].value if len(self.readings) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1


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
    old_value: int | float | str | None = None  # the values (a date as 2020-12-03)
    new_value: int | float | str | None = None
    unit: str | None = None
    ambiguous: bool = False      # the language is unknown and both readings fit
    # for an ambiguous change: each reading's values and delta
    readings: tuple[dict[str, Any], ...] = ()
    old_context: str = ""        # the older text around the older figure
    languages: tuple[str | None, str | None] = (None, None)

    def difference(self) -> str:
        """The change in words: `+26`, `+8 points`, `ambiguous: +7 or +0.007`, or empty.

        >>> FigureChange("63%", "71%", "percent", delta=8).difference()
        '+8 points'
        """
        points = " points" if self.kind in ("percent", "permille") else ""
        if self.delta is not None:
            return f"{self.delta:+,}{points}"
        deltas = [r["delta"] for r in self.readings if r.get("delta") is not None]
        if self.ambiguous and deltas:
            return "ambiguous: " + " or ".join(f"{d:+,}{points}" for d in deltas)
        return ""

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "to": self.new, "kind": self.kind, "where": self.where,
                "paragraph": self.paragraph, "context": self.context, "count": self.count,
                "delta": self.delta, "from_value": self.old_value, "to_value": self.new_value,
                "unit": self.unit, "ambiguous": self.ambiguous,
                "readings": [dict(r) for r in self.readings],
                "from_context": self.old_context,
                "languages": {"from": self.languages[0], "to": self.languages[1]}}


def find_figures(text: str, language: str | None = None) -> list[Figure]:
    """Every figure in a text written in `language` (a primary subtag; None: unknown), in order.

    >>> [(f.text, f.kind) for f in find_figures("On 14 November, 63 per cent of 1,412 paid €2.5m.")]
    [('14 November', 'date'), ('63 per cent', 'percent'), ('1,412', 'number'), ('€2.5m', 'money')]
    >>> [(f.text, f.kind, str(f.value)) for f in find_figures("3 декабря 2 783 человека", "ru")]
    [('3 декабря', 'date', 'None'), ('2 783', 'number', '2783')]
    """
    return patterns(language).find(text, Figure)


def figure_value(figure_text: str, language: str | None = None) -> float | None:
    """The numeric value of a number, sum or percentage (None for dates and ambiguous forms).

    >>> figure_value("1,438", "en"), figure_value("71 per cent"), figure_value("2.5")
    (1438.0, 71.0, 2.5)
    >>> figure_value("2.783", "az"), figure_value("2.783")
    (2783.0, None)
    """
    found = find_figures(figure_text, language)
    if not found or found[0].value is None:
        return None
    return float(found[0].value)


def figure_changes(old: str, new: str, ops: list[Op], *, where: str = "body",
                   paragraph: int | None = None,
                   languages: tuple[str | None, str | None] = (None, None)
                   ) -> list[FigureChange]:
    """Figures of `old` revised in `new`, paired through the word diff `ops` between them;
    `languages` are the two versions' languages.

    >>> from archive.diff.wordiff import word_ops
    >>> a = "Of 1,412 injured, 37 died by 14 November."
    >>> b = "Of 1,438 injured, 37 died by 21 November."
    >>> [(c.old, c.new, c.delta) for c in figure_changes(a, b, word_ops(a, b),
    ...                                                  languages=("en", "en"))]
    [('1,412', '1,438', 26), ('14 November', '21 November', None)]
    >>> a, b = "Yaralıların sayı 2.783 oldu.", "Yaralıların sayı 2.790 oldu."
    >>> [(c.delta, c.ambiguous) for c in figure_changes(a, b, word_ops(a, b))]
    [(None, True)]
    >>> [(c.delta, c.ambiguous) for c in figure_changes(a, b, word_ops(a, b),
    ...                                                 languages=("az", "az"))]
    [(7, False)]
    """
    old = old_text(ops)  # the older text as the ops spell it, so offsets agree
    new = new_text(ops)
    hunks = _hunks(ops)
    old_figures = [(f, _touching(f, [(a0, a1) for a0, a1, _, _ in hunks])) for f in
                   find_figures(old, languages[0])]
    new_figures = [(f, _touching(f, [(b0, b1) for _, _, b0, b1 in hunks])) for f in
                   find_figures(new, languages[1])]
    group = _group_hunks(len(hunks), [t for _, t in old_figures + new_figures])
    changes = []
    for root in sorted(set(group)):
        olds = [f for f, touched in old_figures if touched and group[touched[0]] == root]
        news = [f for f, touched in new_figures if touched and group[touched[0]] == root]
        for before, after in _pair(olds, news, old, new):
            if before.text != after.text:
                changes.append(_change(before, after, old, new, where, paragraph, languages))
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


def _change(before: Figure, after: Figure, old: str, new: str, where: str,
            paragraph: int | None, languages: tuple[str | None, str | None]) -> FigureChange:
    change = FigureChange(before.text, after.text, after.kind, where, paragraph,
                          snippet(new, after.start, after.end),
                          old_context=snippet(old, before.start, before.end),
                          unit=after.unit or before.unit, languages=languages)
    if before.kind == "date":
        return replace(change, old_value=before.date, new_value=after.date)
    if before.unit != after.unit and before.unit and after.unit:
        return change  # a sum moved to another currency: no difference to state
    pairs = [(a, b) for a in before.readings for b in after.readings if readings_agree(a, b)]
    if not pairs:  # forms no one convention reads: each read its own way
        pairs = [(a, b) for a in before.readings for b in after.readings]
    distinct = list(dict.fromkeys(pairs))
    if not distinct:
        return change
    if len({(a.value, b.value) for a, b in distinct}) == 1:
        a, b = distinct[0]
        return replace(change, old_value=as_json_number(a.value),
                       new_value=as_json_number(b.value), delta=as_json_number(b.value - a.value))
    readings = tuple({"from_value": as_json_number(a.value), "to_value": as_json_number(b.value),
                      "delta": as_json_number(b.value - a.value),
                      "reading": _describe(a, b)} for a, b in distinct)
    return replace(change, ambiguous=True, readings=readings)


def _describe(first: Reading, second: Reading) -> str:
    """How a pair of readings read the separators, in words."""
    marks = {r.decimal for r in (first, second) if r.decimal}
    groups = {r.group for r in (first, second) if r.group}
    parts = [f"'{g}' groups thousands" for g in sorted(groups)]
    parts += [f"'{m}' marks decimals" for m in sorted(marks)]
    return ", ".join(parts) or "plain"


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
