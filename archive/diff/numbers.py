"""The values a written number can stand for, in a language's conventions or in none.

`2.783` is 2783 in Azerbaijani, German or Turkish (`.` groups thousands) and 2.783 in English
(`.` marks decimals). With the language known, CLDR's separators (archive.diff.locales) decide;
without it, such a number has two *readings*, and the caller pairs it with its counterpart's
form (`readings_agree`) or says it is ambiguous. A form that only one reading fits (`2.783,5`,
`1,234,567`, `0.783`, `2,78`) is read that way in any language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from archive.diff.locales import (
    APOSTROPHES,
    ARABIC_DECIMAL,
    ARABIC_GROUP,
    SPACES,
    Vocabulary,
)

# Separators that can only group (a space of any width, an apostrophe, Arabic's own group
# sign) and the one that can only mark decimals (Arabic's own decimal sign).
GROUP_ONLY = SPACES + APOSTROPHES + ARABIC_GROUP
DECIMAL_ONLY = ARABIC_DECIMAL


@dataclass(frozen=True)
class Reading:
    """One way to read a written number: its value and the roles its separators played."""

    value: Decimal
    group: str | None = None    # the character read as grouping thousands
    decimal: str | None = None  # the character read as the decimal mark


def ascii_digits(text: str) -> str:
    """Any script's decimal digits as ASCII ones (Eastern Arabic ٢٧٨٣ -> 2783)."""
    return "".join(str(unicodedata.decimal(char)) if char.isdigit() and not char.isascii()
                   else char for char in text)


def readings(token: str, words: Vocabulary) -> tuple[Reading, ...]:
    """The readings of a number token (digits and separators) in a language's conventions.

    >>> from archive.diff.locales import vocabulary
    >>> [str(r.value) for r in readings("2.783", vocabulary(None))]
    ['2783', '2.783']
    >>> [str(r.value) for r in readings("2.783", vocabulary("az"))]
    ['2783']
    >>> [str(r.value) for r in readings("2.783,5", vocabulary("en"))]
    ['2783.5']
    >>> [str(r.value) for r in readings("٢٧٨٣", vocabulary("ar"))]
    ['2783']
    """
    found = _all_readings(ascii_digits(token))
    if words.decimal is None or len(found) < 2:
        return found
    fitting = tuple(r for r in found if _fits(r, words))
    return fitting or found


def _all_readings(token: str) -> tuple[Reading, ...]:
    digits, separators = _split(token)
    if not separators:
        return (Reading(Decimal(token)),) if token.isdigit() else ()
    if len(set(separators)) > 2:
        return ()
    found = []
    # Every separator groups thousands.
    if len(set(separators)) == 1 and separators[0] not in DECIMAL_ONLY \
            and _grouped(digits):
        found.append(Reading(Decimal("".join(digits)), group=separators[0]))
    # The last separator marks decimals; any before it group thousands.
    mark, groups = separators[-1], separators[:-1]
    if mark not in GROUP_ONLY and all(g == groups[0] for g in groups) \
            and (not groups or (groups[0] != mark and groups[0] not in DECIMAL_ONLY
                                and _grouped(digits[:-1]))):
        whole = "".join(digits[:-1])
        found.append(Reading(Decimal(f"{whole}.{digits[-1]}"), group=groups[0] if groups
                             else None, decimal=mark))
    return tuple(found)


def _split(token: str) -> tuple[list[str], list[str]]:
    digits, separators, current = [], [], ""
    for char in token:
        if char.isdigit():
            current += char
        else:
            digits.append(current)
            separators.append(char)
            current = ""
    digits.append(current)
    return digits, separators


def _grouped(digits: list[str]) -> bool:
    """Whether digit runs are thousands groups: 1-3 digits (not starting with 0), then 3s."""
    first, rest = digits[0], digits[1:]
    return (1 <= len(first) <= 3 and not (first.startswith("0"))
            and all(len(part) == 3 for part in rest))


def _fits(reading: Reading, words: Vocabulary) -> bool:
    """Whether a reading uses the separators the way the language does."""
    if reading.decimal is not None and reading.decimal not in (words.decimal, DECIMAL_ONLY):
        return False
    if reading.group is None:
        return True
    if reading.group in GROUP_ONLY:
        return True  # spaces, apostrophes: never a decimal mark anywhere
    return reading.group == words.group


def readings_agree(first: Reading, second: Reading) -> bool:
    """Whether two numbers of one text can be read in one convention: a character does not
    group in one and mark decimals in the other, and one text has one mark of each kind.

    >>> readings_agree(Reading(Decimal(2783), group="."), Reading(Decimal("2790.5"), ".", ","))
    True
    >>> readings_agree(Reading(Decimal("2.783"), decimal="."), Reading(Decimal("2790.5"), ".", ","))
    False
    """
    roles: dict[str, str] = {}
    for reading in (first, second):
        for char, role in ((reading.group, "group"), (reading.decimal, "decimal")):
            if char is None or char in SPACES + APOSTROPHES:
                continue
            if roles.setdefault(char, role) != role:
                return False
    marks = {r.decimal for r in (first, second) if r.decimal}
    groups = {r.group for r in (first, second) if r.group and r.group not in GROUP_ONLY}
    return len(marks) <= 1 and len(groups) <= 1


def as_json_number(value: Decimal | None) -> int | float | None:
    """A value for JSON: an int when whole, else a float (exact to the digits written)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
