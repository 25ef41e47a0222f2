"""The patterns that find figures in one language's text, built from its CLDR vocabulary.

One regular expression per language finds every figure whole (a date, a sum of money with its
currency and scale, a percentage or per-mille rate with its sign or word, a number with its
scale word); the match is then taken apart into values (archive.diff.numbers) and a date.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable

from babel import Locale, UnknownLocaleError

from archive.diff.locales import SPACES, Vocabulary, month_number, vocabulary
from archive.diff.numbers import Reading, ascii_digits, readings

_GLUE = r"[\u00a0\u202f\u2009 ]?"          # a space, a no-break space or nothing
_GAP = r"[\u00a0\u202f\u2009 ]"            # some space
# Thousands grouped by spaces or apostrophes (strictly: groups of three), or by dots and commas
# (loosely: the readings decide), with an optional decimal part.
_SPACED = r"\d{{1,3}}(?:[{spaces}'\u2019\u066c]\d{{3}})+(?!\d)(?:[.,\u066b]\d+)?"
_MARKED = r"\d+(?:[.,\u066b\u066c]\d+)*"
# "1,2 million d'euros", "1,2 millones de euros", "2 million of dollars"
_OF = r"d['\u2019]|de[\u00a0 ]|of[\u00a0 ]"
_ORDINAL = r"(?:\.|-?[^\W\d_]{1,3})?"
_YEAR = r"\d{4}"
_DAY = r"\d{1,2}"


class FigurePatterns:
    """The compiled figure pattern of one language, and how to read what it matches."""

    def __init__(self, words: Vocabulary) -> None:
        self.words = words
        spaces = "\u00a0\u202f\u2009" + (" " if words.space_grouping else "")
        self.number = f"(?:{_SPACED.format(spaces=spaces)}|{_MARKED})"
        self.number_rx = re.compile(self.number)
        self.month_rx = re.compile(words.month_pattern(), re.IGNORECASE)
        self.day_first = _day_first(words.language)
        self.regex = re.compile(self._pattern(), re.IGNORECASE)

    def _pattern(self) -> str:
        words, number = self.words, self.number
        month = words.month_pattern()
        long_scales = [w for w in words.scales if len(w.replace(".", "")) >= 3
                       and not (w.isascii() and len(w) <= 2)]
        scale_any = _words(words.scales)
        scale_long = _words(long_scales)
        symbols = _words(words.currency_symbols, boundary=False)
        names = _currency_names(words.currency_words)
        signs = _words(words.percent_signs, boundary=False)
        permille = _words(words.permille_signs, boundary=False)
        pct_words = _words(words.percent_after)
        pct_before = _words(words.percent_before)
        permille_words = _words(words.permille_after)
        dates = "|".join((
            rf"{_YEAR}-\d{{2}}-\d{{2}}",
            rf"{_DAY}[./]{_DAY}[./](?:{_YEAR}|\d{{2}})(?![./]?\d)",
            rf"{_YEAR}(?:-?[^\W\d_]{{1,3}})?(?:{_GAP}[^\W\d_]{{1,3}}\.?)?{_GAP}+{month}{_GAP}+"
            rf"{_DAY}{_ORDINAL}",
            rf"{_DAY}{_ORDINAL}{_GAP}+(?:of{_GAP}+|de{_GAP}+)?{month}"
            rf"(?:,?{_GAP}+(?:de{_GAP}+)?{_YEAR})?",
            rf"{month}{_GAP}+{_DAY}{_ORDINAL}(?:,?{_GAP}+{_YEAR})?",
            rf"{month}{_GAP}+{_YEAR}",
        ))
        money = "|".join((
            rf"(?:{symbols}){_GLUE}{number}(?:{_GLUE}(?:{scale_any}))?",
            rf"{number}(?:{_GLUE}(?:{scale_any}))?{_GLUE}(?:{_OF})?(?:{symbols}|{names})",
        ))
        percent = "|".join((
            rf"(?:{signs}){number}",
            rf"(?:{pct_before}){_GAP}{number}",
            rf"{number}{_GLUE}(?:{signs})",
            rf"{number}{_GAP}(?:{pct_words})",
        ))
        permille_rx = "|".join((
            rf"{number}{_GLUE}(?:{permille})",
            rf"{number}{_GAP}(?:{permille_words})",
        ))
        plain = rf"{number}(?:{_GAP}(?:{scale_long}))?"
        return (rf"(?<![\w.,])(?:(?P<date>{dates})|(?P<money>{money})|(?P<percent>{percent})"
                rf"|(?P<permille>{permille_rx})|(?P<number>{plain}))(?![\w%\u2030])")

    def find(self, text: str, make: Callable[..., Any]) -> list[Any]:
        """Every figure in `text`, made by `make` (archive.diff.figures.Figure)."""
        found = []
        for match in self.regex.finditer(text):
            kind = match.lastgroup or "number"
            piece = match.group(0)
            if kind == "date":
                date = self._date(piece)
                found.append(make(match.start(), match.end(), piece, kind, date=date))
                continue
            values = self._values(piece)
            if not values:
                continue
            unit = {"percent": "%", "permille": "\u2030"}.get(kind)
            if kind == "money":
                unit = self._currency(piece)
            found.append(make(match.start(), match.end(), piece, kind, readings=values,
                              unit=unit))
        return found

    def _values(self, piece: str) -> tuple[Reading, ...]:
        """The readings of the number in a figure, times its scale word."""
        number = self.number_rx.search(piece)
        if number is None:
            return ()
        found = readings(number.group(0), self.words)
        rest = piece[number.end():].strip(SPACES).lower()
        factor = next((f for word, f in sorted(self.words.scales.items(),
                                               key=lambda item: -len(item[0]))
                       if rest.startswith(word)), Decimal(1))
        return tuple(Reading(r.value * factor, r.group, r.decimal) for r in found)

    def _currency(self, piece: str) -> str | None:
        lowered = piece.lower()
        for table in (self.words.currency_symbols, self.words.currency_words):
            for word in sorted(table, key=len, reverse=True):
                if word.lower() in lowered:
                    return table[word]
        for word in sorted(self.words.currency_words, key=len, reverse=True):
            stem = word[:max(4, len(word) - 2)]
            if re.search(rf"\b{re.escape(stem)}", lowered):
                return self.words.currency_words[word]
        return None

    def _date(self, piece: str) -> str | None:
        """The date as `YYYY-MM-DD`, `--MM-DD` (no year) or `YYYY-MM` (no day)."""
        text = ascii_digits(piece)
        year: int | None
        month: int | None
        day: int | None
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if iso:
            return text
        numeric = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2,4})", text)
        if numeric:
            first, second, year = (int(g) for g in numeric.groups())
            year = year + 2000 if year < 100 else year
            if first > 12 or (self.day_first is True and second <= 12):
                day, month = first, second
            elif second > 12 or self.day_first is False:
                day, month = second, first
            else:
                return None  # 03/04/2026 in a language not known: March or April
            return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 else None
        month_match = self.month_rx.search(text)
        month = month_number(self.words, month_match.group(0)) if month_match else None
        if month is None:
            return None
        numbers = [(m.group(0), m.start()) for m in re.finditer(r"\d+", text)]
        year = next((int(n) for n, _ in numbers if len(n) == 4), None)
        day = next((int(n) for n, _ in numbers if len(n) <= 2), None)
        if day is not None and not 1 <= day <= 31:
            return None
        if year is None:
            return f"--{month:02d}-{day:02d}" if day else None
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _words(items: Iterable[str], boundary: bool = True) -> str:
    """An alternation of literal words, longest first; never matches when empty."""
    escaped = [re.escape(w).replace(r"\ ", _GAP) for w in sorted(items, key=len, reverse=True)
               if w]
    if not escaped:
        return "(?!)"
    body = "|".join(escaped)
    return f"(?:{body})(?!\\w)" if boundary else f"(?:{body})"


def _currency_names(currency_words: dict[str, str]) -> str:
    """Currency names, each also with a short inflected ending (manat: manatı, dollar: dolları)."""
    parts = []
    for word in sorted(currency_words, key=len, reverse=True):
        escaped = re.escape(word).replace(r"\ ", _GAP)
        if " " not in word and len(word) >= 5:
            escaped = re.escape(word[:len(word) - 2]) + r"[^\W\d_]{0,4}"
        parts.append(escaped)
    return "(?:" + "|".join(parts) + ")(?!\\w)" if parts else "(?!)"


def _day_first(language: str | None) -> bool | None:
    """Whether the language's short dates put the day before the month (None: unknown)."""
    if language is None:
        return None
    try:
        pattern = Locale.parse(language).date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return None
    day, month = pattern.find("d"), pattern.find("M")
    if day < 0 or month < 0:
        return None
    return bool(day < month)


@lru_cache(maxsize=32)
def patterns(language: str | None) -> FigurePatterns:
    """The figure patterns of a language (None: unknown), compiled once."""
    return FigurePatterns(vocabulary(language))
