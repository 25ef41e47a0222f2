"""What a language writes around its figures, from CLDR (through Babel): the separators that
group thousands and mark decimals, percent and per-mille signs and words, scale words
(`million`, `млн`, `Mio.`), currencies (symbols, codes, names in every plural form) and month
names in every form CLDR has (format and stand-alone, wide and abbreviated: the genitive
`декабря` and the nominative `декабрь`).

A `Vocabulary` is built once per language. With no language (`None`), it is the union of the
languages Palimpsest is tested on (`KNOWN_LANGUAGES`), and the number conventions are left open:
a figure such as `2.783` is then ambiguous (archive.diff.numbers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TypedDict

from babel import Locale, UnknownLocaleError

# The languages whose conventions are tested (tests/test_figures_languages.py), whose month
# names and words also serve pages of unknown language.
KNOWN_LANGUAGES = ("en", "ru", "az", "tr", "hy", "fr", "de", "es", "ar")
# Currencies whose names are recognised in running text (symbols and ISO codes of these too).
# The list is short on purpose: a currency's name is matched as a word next to a number, and
# CLDR's 300 currencies in every language would turn ordinary words into money.
CURRENCIES = ("USD", "EUR", "GBP", "RUB", "AZN", "TRY", "AMD", "GEL", "UAH", "KZT", "CHF",
              "JPY", "CNY", "IRR", "SAR", "AED", "EGP", "CAD", "AUD")
NARROW_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "₼": "AZN",
                  "₺": "TRY", "֏": "AMD", "₾": "GEL", "₴": "UAH", "₸": "KZT", "¥": "JPY"}
# Grouping characters that are spaces of some width: people type any of them (or a plain space)
# where CLDR says a no-break space.
SPACES = "\u00a0\u202f\u2009 "
APOSTROPHES = "'\u2019"
# Arabic's own separators, the same in every Arabic-script locale's native digits.
ARABIC_GROUP, ARABIC_DECIMAL = "\u066c", "\u066b"
# Bidirectional marks CLDR puts around signs in right-to-left locales (ar: "\u200e%\u200e").
BIDI_MARKS = "\u200e\u200f\u061c"
_SIGN_NAME = re.compile(r"PERCENT|PER MILLE")
# Arabic names the months differently by region (ديسمبر, كانون الأول, دجنبر): all are read.
_REGIONAL_MONTHS = {"ar": ("ar_SY", "ar_LB", "ar_IQ", "ar_JO", "ar_MA", "ar_DZ", "ar_TN")}
class _Extra(TypedDict, total=False):
    percent_after: tuple[str, ...]
    scales: dict[str, int]
    months: dict[str, int]


# Extra English spellings of the press that CLDR does not list.
_EXTRA: dict[str, _Extra] = {
    "en": {"percent_after": ("per cent", "pc"), "scales": {"bn": 10 ** 9, "m": 10 ** 6,
                                                            "k": 10 ** 3, "mn": 10 ** 6,
                                                            "tn": 10 ** 12},
           "months": {"sept": 9}},
}


@dataclass
class Vocabulary:
    """Everything figure-finding needs to know about one language (or about unknown ones)."""

    language: str | None
    decimal: str | None            # the decimal separator, None when the language is unknown
    group: str | None              # the grouping separator (any space stands for a space one)
    percent_signs: set[str] = field(default_factory=set)
    permille_signs: set[str] = field(default_factory=set)
    percent_before: set[str] = field(default_factory=set)   # words: "yüzde" 12
    percent_after: set[str] = field(default_factory=set)    # words: 12 "процентов"
    permille_after: set[str] = field(default_factory=set)
    scales: dict[str, Decimal] = field(default_factory=dict)          # lower case word -> factor
    currency_symbols: dict[str, str] = field(default_factory=dict)    # "€" -> "EUR"
    currency_words: dict[str, str] = field(default_factory=dict)      # "долларов" -> "USD"
    months: dict[str, int] = field(default_factory=dict)              # lower case form -> 1..12
    month_stems: dict[str, int] = field(default_factory=dict)         # "декабр" -> 12

    @property
    def space_grouping(self) -> bool:
        """Whether a plain space may group thousands (ru, fr, hy; and unknown languages)."""
        return self.group is None or self.group in SPACES

    def month_pattern(self) -> str:
        """A regular expression (no groups) matching any month name of the vocabulary."""
        return _month_pattern(self)


def vocabulary(language: str | None) -> Vocabulary:
    """The vocabulary of a primary language subtag (`az`), or of unknown languages (None)."""
    return _vocabulary(language if language else None)


@lru_cache(maxsize=64)
def _vocabulary(language: str | None) -> Vocabulary:
    if language is None:
        merged = Vocabulary(None, None, None)
        for known in KNOWN_LANGUAGES:
            _merge(merged, _vocabulary(known))
        # Short scale words are safe only in their own language: Azerbaijani "5 min" is five
        # thousand, elsewhere five minutes. English's press abbreviations stay.
        merged.scales = {word: factor for word, factor in merged.scales.items()
                         if len(word) >= 4}
        merged.scales.update({k: Decimal(v) for k, v in _EXTRA["en"]["scales"].items()})
        return merged
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError, TypeError):
        unknown = Vocabulary(language, None, None)
        _merge(unknown, _vocabulary(None))
        return unknown
    symbols = locale._data["number_symbols"]["latn"]
    words = Vocabulary(language, symbols.get("decimal"), symbols.get("group"))
    for system in ("latn", "arab", "arabext"):
        numbers = locale._data["number_symbols"].get(system) or {}
        words.percent_signs |= _signs(numbers.get("percentSign"))
        words.permille_signs |= _signs(numbers.get("perMille"))
    words.percent_signs |= {"%", "\u066a", "\uff05"}
    words.permille_signs |= {"\u2030", "\u0609"}
    _unit_words(locale, "concentr-percent", words.percent_before, words.percent_after)
    _unit_words(locale, "concentr-permille", set(), words.permille_after)
    words.scales.update(_scales(locale))
    _currencies(locale, words)
    _months(locale, words)
    for regional in _REGIONAL_MONTHS.get(language, ()):
        _months(Locale.parse(regional), words)
    extra = _EXTRA.get(language, {})
    words.percent_after |= set(extra.get("percent_after", ()))
    words.scales.update({k: Decimal(v) for k, v in extra.get("scales", {}).items()})
    words.months.update(extra.get("months", {}))
    return words


def _merge(into: Vocabulary, other: Vocabulary) -> None:
    """Add another vocabulary's words; a scale or month word two languages read differently
    is dropped (a currency sign keeps its first language's reading)."""
    for name in ("percent_signs", "permille_signs", "percent_before", "percent_after",
                 "permille_after"):
        getattr(into, name).update(getattr(other, name))
    for name in ("currency_symbols", "currency_words"):  # the first language's reading wins
        for key, value in getattr(other, name).items():
            getattr(into, name).setdefault(key, value)
    for name in ("scales", "months", "month_stems"):
        mine, theirs = getattr(into, name), getattr(other, name)
        for key, value in theirs.items():
            if key in mine and mine[key] != value:
                mine[key] = None  # ambiguous: removed below
            else:
                mine.setdefault(key, value)
        for key in [k for k, v in mine.items() if v is None]:
            del mine[key]


def _signs(value: str | None) -> set[str]:
    """A sign as CLDR spells it and without its bidirectional marks; only percent and
    per-mille characters are signs (a locale's data for a numbering system it does not use
    can hold placeholders)."""
    if not value:
        return set()
    bare = value.strip(BIDI_MARKS)
    if not bare or not all(_SIGN_NAME.search(unicodedata.name(char, "")) for char in bare):
        return set()
    return {value, bare}


def _unit_words(locale: Locale, unit: str, before: set[str], after: set[str]) -> None:
    """The words of a unit's long patterns ("{0} процентов", "yüzde {0}"), by side."""
    patterns = locale._data["unit_patterns"].get(unit, {}).get("long", {})
    for pattern in dict(patterns).values():
        if "{0}" not in pattern:
            continue
        head, tail = (part.strip().strip(BIDI_MARKS).strip() for part in pattern.split("{0}", 1))
        if head and not _only_signs(head):
            before.add(head.lower())
        if tail and not _only_signs(tail):
            after.add(tail.lower())


def _only_signs(text: str) -> bool:
    return not any(char.isalpha() for char in text)


def _scales(locale: Locale) -> dict[str, Decimal]:
    """Scale words from CLDR's compact number formats: "0 млн" for 10^6 gives млн -> 10^6."""
    found: dict[str, Decimal] = {}
    for style in ("long", "short"):
        forms = locale._data["compact_decimal_formats"].get(style, {})
        for by_magnitude in dict(forms).values():
            for magnitude, pattern in dict(by_magnitude).items():
                text = getattr(pattern, "pattern", str(pattern))
                zeros = text.count("0")
                word = text.replace("0", "").replace("'", "").strip(SPACES + BIDI_MARKS)
                if not word or not zeros or not any(c.isalpha() for c in word):
                    continue
                factor = Decimal(magnitude) / Decimal(10) ** (zeros - 1)
                if factor >= 1000:
                    found.setdefault(word.lower(), factor)
    # A single letter ("M", "K", "B") stands for a scale only glued to its number or money;
    # archive.diff.figures decides that, so the letters stay here.
    return found


def _currency_forms(locale: Locale, code: str) -> set[str]:
    """A currency's names in a locale, every plural form, lower case."""
    forms = {locale.currencies.get(code) or ""}
    forms |= set(dict(locale._data["currency_names_plural"].get(code, {})).values())
    return {form.strip().lower() for form in forms if form and form.strip()}


def _currencies(locale: Locale, words: Vocabulary) -> None:
    symbols = locale.currency_symbols
    for code in CURRENCIES:
        words.currency_symbols[code] = code
        symbol = symbols.get(code)
        if symbol and symbol != code:
            words.currency_symbols[symbol] = code
        for form in _currency_forms(locale, code):
            words.currency_words[form] = code
    # Running text names a currency by its noun alone ("долларов", "manat", "euros"). CLDR
    # has no such field, but the noun is the word several currencies' names share (dollar:
    # US, Canadian, Australian...; рубль: Russian, Belarusian), unlike the adjectives
    # ("российский", "Azerbaijani") that would make ordinary words money. A shared noun reads
    # as the first currency of CURRENCIES that has it: a bare "dollar" is the US dollar.
    sharing: dict[str, set[str]] = {}
    for code, name in locale.currencies.items():
        if "(" in name or any(char.isdigit() for char in name):
            continue  # historical currencies repeat today's names: "Russian Ruble (1991–1998)"
        for form in _currency_forms(locale, code):
            for word in re.findall(r"[^\W\d_]{3,}", form):
                sharing.setdefault(word, set()).add(code)
    places = _place_words(locale)
    for code in CURRENCIES:
        for form in _currency_forms(locale, code):
            for word in re.findall(r"[^\W\d_]{4,}", form):
                if len(sharing.get(word, ())) >= 2 and word[:4] not in places:
                    words.currency_words.setdefault(word, code)
    # The narrow symbols CLDR gives these currencies (Babel exposes only the standard ones,
    # which in most locales are the ISO code): "₼ 5", "12 ₽".
    for symbol, code in NARROW_SYMBOLS.items():
        words.currency_symbols.setdefault(symbol, code)


def _place_words(locale: Locale) -> set[str]:
    """The first four letters of every word of the locale's names of countries and languages:
    a currency's name word that starts like one ("Georgian", "Türk", "США") is an adjective."""
    names = list(locale.territories.values()) + list(locale.languages.values())
    return {word[:4] for name in names for word in re.findall(r"[^\W\d_]{4,}", name.lower())}


def _months(locale: Locale, words: Vocabulary) -> None:
    forms_by_month: dict[int, set[str]] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in dict(locale.months[context][width]).items():
                name = name.strip().lower()
                if name:
                    forms_by_month.setdefault(number, set()).update({name, name.rstrip(".")})
    for number, forms in forms_by_month.items():
        for form in forms:
            if len(form) >= 3 or not form.isascii():
                words.months[form] = number
    # A stem common to a month's wide forms (декабр of декабрь/декабря) also takes the cases CLDR
    # does not list (в декабре, dekabrın), when no other month's form starts the same way.
    wide = {number: {n.lower() for n in (locale.months["format"]["wide"].get(number, ""),
                                         locale.months["stand-alone"]["wide"].get(number, ""))
                     if n} for number in range(1, 13)}
    for number, forms in wide.items():
        stem = _common_prefix(sorted(forms))
        others = [f for n, fs in wide.items() if n != number for f in fs]
        if len(stem) >= 4 and not any(other.startswith(stem) for other in others):
            words.month_stems[stem] = number


def _common_prefix(forms: list[str]) -> str:
    if not forms:
        return ""
    first, last = forms[0], forms[-1]
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    prefix = first[:size]
    # Keep the whole word when only one form exists: "dekabr" gives dekabr-ın, dekabr-da.
    return prefix


@lru_cache(maxsize=64)
def _month_pattern_cached(language: str | None) -> str:
    words = vocabulary(language)
    names = sorted(words.months, key=len, reverse=True)
    stems = sorted(words.month_stems, key=len, reverse=True)
    parts = [re.escape(stem) + r"[^\W\d_]*" for stem in stems]
    parts += [re.escape(name) + (r"\.?" if not name.endswith(".") else "") for name in names]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _month_pattern(words: Vocabulary) -> str:
    return _month_pattern_cached(words.language)


def month_number(words: Vocabulary, text: str) -> int | None:
    """The month (1..12) a matched month name stands for.

    >>> month_number(vocabulary("ru"), "декабре"), month_number(vocabulary("en"), "Sept.")
    (12, 9)
    """
    key = text.lower()
    if key in words.months:
        return words.months[key]
    if key.rstrip(".") in words.months:
        return words.months[key.rstrip(".")]
    for stem, number in words.month_stems.items():
        if key.startswith(stem):
            return number
    return None
