"""Refuse user regexes whose quantifiers nest: the shape that backtracks catastrophically.

A seed's `ignore` and `articles` patterns run over text a stranger wrote. With Python's
backtracking engine, a repeat inside a repeat (`(a+)+$`, `(\\w*\\s?)*x`) tries exponentially many
ways to split a long run of matching characters before it gives up, and one page stalls the
crawl. Such a pattern is refused when the seed file is loaded, naming the repeat to rewrite.
The check reads the pattern's parse tree (the `re` module's own parser), so it sees through
groups, alternatives and escapes. Possessive repeats and atomic groups never backtrack into
themselves and pass. Other slow shapes (overlapping alternatives under a repeat) are not all
caught here; the per-page time budget of the crawl's workers bounds them (README: Safety).
"""

from __future__ import annotations

import re

# Python 3.11 (the oldest Palimpsest runs on) keeps the regex parser here; private, but stable.
from re import _constants as sre_constants  # type: ignore[attr-defined]  # not in typeshed
from re import _parser as sre_parser  # type: ignore[attr-defined]  # not in typeshed
from typing import Any

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_SAFE = {getattr(sre_constants, name) for name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP")
         if hasattr(sre_constants, name)}


def nested_quantifier(pattern: str) -> str | None:
    """Why `pattern` can backtrack catastrophically (a variable repeat inside a repeat), or
    None. The pattern must compile.

    >>> nested_quantifier(r"Updated \\d+ minutes ago") is None
    True
    >>> nested_quantifier(r"(a+)+$").startswith("a repeat inside a repeat (such as (a+)+")
    True
    >>> nested_quantifier(r"(?:\\d{2}-)+|(?:ab)?c*") is None
    True
    """
    if not _nests(list(sre_parser.parse(pattern))):
        return None
    return ("a repeat inside a repeat (such as (a+)+ or (.*,)*) can take exponential time "
            "on a long run of matching text; rewrite it with a single repeat")


def _nests(items: list[tuple[Any, Any]]) -> bool:
    """Whether some repeat that can run more than once holds a repeat of variable count, with
    nothing in between that tells the iterations apart (a literal the inner repeat cannot
    match, as the '-' of `[a-z]+(?:-[a-z]+)*`)."""
    for op, value in items:
        if op in _SAFE:
            continue  # possessive or atomic: never backtracks into itself
        if op in _REPEATS:
            _, high, body = value
            if high > 1:
                inner = _variable_repeats(list(body))
                separators = _mandatory_literals(list(body))
                if inner and not any(all(not _may_match(atom, char) for atom in inner)
                                     for char in separators):
                    return True
            if _nests(list(body)):
                return True
            continue
        if any(_nests(list(tree)) for tree in _subpatterns(value)):
            return True
    return False


def _variable_repeats(items: list[tuple[Any, Any]]) -> list[list[tuple[Any, Any]]]:
    """The bodies of every repeat of variable count within `items`, however deep."""
    found = []
    for op, value in items:
        if op in _SAFE:
            continue
        if op in _REPEATS:
            low, high, body = value
            if low != high:
                found.append(list(body))
            found += _variable_repeats(list(body))
            continue
        for tree in _subpatterns(value):
            found += _variable_repeats(list(tree))
    return found


def _mandatory_literals(items: list[tuple[Any, Any]]) -> list[str]:
    """Characters every match of `items` contains: its literals, in groups included."""
    chars = []
    for op, value in items:
        if op == sre_constants.LITERAL:
            chars.append(chr(value))
        elif op == sre_constants.SUBPATTERN:
            chars += _mandatory_literals(list(value[-1]))
    return chars


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_WORD": r"\w",
               "CATEGORY_NOT_WORD": r"\W", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S"}


def _may_match(body: list[tuple[Any, Any]], char: str) -> bool:
    """Whether a repeat's body can match `char`; True when unsure (anything but one atom)."""
    if len(body) != 1:
        return True
    op, value = body[0]
    if op == sre_constants.LITERAL:
        return chr(value) == char
    if op == sre_constants.NOT_LITERAL:
        return chr(value) != char
    if op == sre_constants.ANY:
        return char != "\n"
    if op != sre_constants.IN:
        return True
    negate, hit = False, False
    for kind, item in value:
        if kind == sre_constants.NEGATE:
            negate = True
        elif kind == sre_constants.LITERAL:
            hit = hit or chr(item) == char
        elif kind == sre_constants.RANGE:
            hit = hit or item[0] <= ord(char) <= item[1]
        elif kind == sre_constants.CATEGORY and str(item) in _CATEGORIES:
            hit = hit or re.fullmatch(_CATEGORIES[str(item)], char) is not None
        else:
            return True
    return hit != negate


def _subpatterns(value: Any) -> list[Any]:
    """The parse trees held in one node's argument (groups, branches, lookarounds)."""
    if isinstance(value, sre_parser.SubPattern):
        return [value]
    if isinstance(value, (list, tuple)):
        return [tree for item in value for tree in _subpatterns(item)]
    return []


def check_pattern(pattern: str) -> None:
    """Raise ValueError when `pattern` does not compile or nests quantifiers."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    reason = nested_quantifier(pattern)
    if reason is not None:
        raise ValueError(f"regular expression {pattern!r} refused: {reason}")
