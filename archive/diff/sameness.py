"""When a figure in one text is *the same figure* as one in another: the rule stale-figure
findings rest on (README: "Stale figures"), written for precision before recall.

Two figures are the same when all of these hold:

1. **Same kind and value.** Both numbers, both percentages, both sums (of one currency when both
   name it) or both dates, and some reading of one equals some reading of the other, across
   notations and languages: English `2,783`, Azerbaijani `2.783`, Russian `2 783`, `٢٧٨٣`.
2. **Same sense**, judged by the words around each figure: up to three content words on each side
   (stop words of its language left out, each word cut to its first five letters so `injured`
   meets `injuries` and `пострадали` meets `пострадавших`; other figures nearby count as words).
   - A *distinctive* value (three significant digits or more, and not a year: `2,783`, `12.5%`)
     needs the word right beside it shared (the nearest content word on either side: `2,783
     residents` and `2,783 residents`) or two shared words anywhere in the window; none when
     the texts are in two different known languages (their words cannot meet; the value alone
     carries it).
   - A *common* value (`94`, `1,400`, `2026`, `50%`) needs both: a word beside it shared and two
     shared words in all; it is never matched across languages.
   - A date needs two shared words, in one language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from archive.diff.figures import Figure, find_figures
from archive.diff.locales import KNOWN_LANGUAGES
from archive.diff.numbers import ascii_digits

CONTEXT_WORDS = 3      # content words taken on each side of a figure
STEM = 5               # letters a word is cut to
_TOKEN = re.compile(r"[^\W\d_]+|\d[\d.,\u00a0\u202f\u2009\u066b\u066c]*\d|\d")


@dataclass(frozen=True)
class Occurrence:
    """A figure in its text: the figure, the text's language, the words around it."""

    figure: Figure
    language: str | None
    words: frozenset[str]   # up to CONTEXT_WORDS content words on each side
    near: frozenset[str]    # the nearest content word on each side
    context: str


def occurrences(text: str, language: str | None) -> list[Occurrence]:
    """Every figure of a text with the words that give it its sense."""
    from archive.diff.figures import snippet

    stop = stop_words(language)
    found = []
    for figure in find_figures(text, language):
        before = _content(text[max(0, figure.start - 200):figure.start], stop)[-CONTEXT_WORDS:]
        after = _content(text[figure.end:figure.end + 200], stop)[:CONTEXT_WORDS]
        line_start = text.rfind("\n", 0, figure.start) + 1
        line_end = text.find("\n", figure.end)
        line = text[line_start:line_end if line_end != -1 else len(text)]
        context = snippet(line, figure.start - line_start, figure.end - line_start)
        found.append(Occurrence(figure, language, frozenset(before + after),
                                frozenset(before[-1:] + after[:1]), context))
    return found


def same_figure(one: Occurrence, other: Occurrence) -> bool:
    """Whether two figures are the same figure (see the module docstring).

    >>> a = occurrences("The ministry said 2,783 people were injured.", "en")[0]
    >>> b = occurrences("Hospitals counted 2,783 injured people by Monday.", "en")[0]
    >>> c = occurrences("The ward has 2,783 beds.", "en")[0]
    >>> d = occurrences("Nazirlik 2.783 nəfərin yaralandığını bildirib.", "az")[0]
    >>> same_figure(a, b), same_figure(a, c), same_figure(a, d)
    (True, False, True)
    """
    if not same_value(one.figure, other.figure):
        return False
    shared = len(one.words & other.words)
    beside = bool(one.near & other.near)
    other_languages = (one.language is not None and other.language is not None
                       and one.language != other.language)
    if one.figure.kind == "date":
        return not other_languages and shared >= 2
    if distinctive(one.figure) and distinctive(other.figure):
        return other_languages or beside or shared >= 2
    return not other_languages and beside and shared >= 2


def same_value(one: Figure, other: Figure) -> bool:
    """Same kind, and a reading of one equals a reading of the other (dates: same day)."""
    if one.kind != other.kind:
        return False
    if one.kind == "date":
        return _same_date(one.date, other.date)
    if one.kind == "money" and one.unit and other.unit and one.unit != other.unit:
        return False
    return bool({r.value for r in one.readings} & {r.value for r in other.readings})


def distinctive(figure: Figure) -> bool:
    """A value unlikely to recur by chance: three significant digits or more, not a year.

    >>> [distinctive(f) for f in find_figures("2,783 and 1,400 and 94 and 2026 and 12.5%", "en")]
    [True, False, False, False, True]
    """
    if figure.kind == "date" or not figure.readings:
        return False
    return all(_distinctive_value(r.value, r.group is None and r.decimal is None)
               for r in figure.readings)


def _distinctive_value(value: Decimal, bare: bool) -> bool:
    if bare and value == value.to_integral_value() and 1800 <= value <= 2100:
        return False  # a year, written as years are
    digits = format(abs(value).normalize(), "f").replace(".", "").lstrip("0").rstrip("0")
    return len(digits) >= 3


def _same_date(one: str | None, other: str | None) -> bool:
    if not one or not other:
        return False
    if one == other:
        return True
    # "--12-03" (no year) matches "2020-12-03"; "2020-12" matches neither with a day.
    return len(one) >= 7 and len(other) >= 7 and (one.endswith(other.lstrip("-"))
                                                   or other.endswith(one.lstrip("-"))) \
        and (one.startswith("--") or other.startswith("--"))


def _content(text: str, stop: frozenset[str]) -> list[str]:
    words = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            words.append("#" + re.sub(r"\D", "", ascii_digits(token)))
            continue
        lowered = token.casefold()
        if len(lowered) >= 3 and lowered not in stop:
            words.append(lowered[:STEM])
    return words


@lru_cache(maxsize=32)
def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of a language (jusText's lists), all known languages' when unknown."""
    import justext
    from babel import Locale, UnknownLocaleError

    languages = (language,) if language else KNOWN_LANGUAGES
    words: set[str] = set()
    available = set(justext.get_stoplists())
    for code in languages:
        try:
            name = Locale("en").languages.get(code) or Locale.parse(code).english_name
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        if name in available:
            words |= {word.casefold() for word in justext.get_stoplist(name)}
    return frozenset(words)
