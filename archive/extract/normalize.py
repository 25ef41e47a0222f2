"""Normalise extracted text and hash it: the hash decides whether a capture is a new version.

Only differences a reader would call an edit may change the hash. Typography that sites rewrite
on their own (curly or straight quotes, dash styles, no-break and thin spaces, soft hyphens,
zero-width characters), spacing and per-seed ``ignore`` patterns do not. Paragraph breaks do: a
split or merged paragraph is a visible edit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from archive.extract.backtracking import nested_quantifier

# Stored next to every text hash; bump it whenever normalize_text's output can change for some
# input, so hashes made under different rules are never compared as if they were alike.
NORMALIZATION_VERSION = 1

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a"  # ‘ ’ ‚ ‛ ′ ‵ ‹ ›
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"  # “ ” „ ‟ ″ ‶ « »
# hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# no-break, en quad .. hair space, narrow no-break, medium mathematical, ideographic space
_SPACES = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# soft hyphen, zero-width space / non-joiner / joiner, word joiner, byte order mark
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_FOLD = str.maketrans(
    {
        **dict.fromkeys(map(ord, _SINGLE_QUOTES), "'"),
        **dict.fromkeys(map(ord, _DOUBLE_QUOTES), '"'),
        **dict.fromkeys(map(ord, _DASHES), "-"),
        **dict.fromkeys(map(ord, _SPACES), " "),
        **dict.fromkeys(map(ord, _INVISIBLE), None),
        ord("\u2034"): "'''",  # triple prime
    }
)


def compile_ignore(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Compile a seed's ``ignore`` regexes.

    They are matched against normalised text, one paragraph per line, so they are compiled with
    ``re.MULTILINE``: ``^`` and ``$`` anchor at the start and end of each paragraph.

    Raises:
        ValueError: naming the first pattern that does not compile.
        TypeError: given one string instead of a list of them.

    >>> [p.pattern for p in compile_ignore([r"Updated \\d+ minutes ago"])]
    ['Updated \\\\d+ minutes ago']
    >>> compile_ignore(["(unclosed"])
    Traceback (most recent call last):
    ...
    ValueError: invalid ignore pattern '(unclosed': missing ), unterminated subpattern at position 0
    """
    if isinstance(patterns, str):
        # A bare string is a sequence too; compiling it letter by letter would be silently wrong.
        raise TypeError(f"ignore must be a list of patterns, not the string {patterns!r}")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.MULTILINE))
        except (re.error, TypeError) as err:
            raise ValueError(f"invalid ignore pattern {pattern!r}: {err}") from None
        reason = nested_quantifier(pattern)
        if reason is not None:  # a stranger's page must not stall the crawl (ReDoS)
            raise ValueError(f"ignore pattern {pattern!r} refused: {reason}")
    return tuple(compiled)


def normalize_text(text: str, ignore: Sequence[re.Pattern[str]] = ()) -> str:
    """Fold typography, drop ignored spans and collapse whitespace.

    The result has one paragraph per line, separated by a single ``"\\n"``, with single spaces
    inside lines and nothing at either end. Ignore patterns see text that is already folded and
    collapsed, so a pattern written with plain spaces and quotes matches however the page spelled
    them. Without ignore patterns the function is idempotent.

    >>> normalize_text("\\u201cIt\\u2019s\\u00a0done,\\u201d she said \\u2014  twice.\\n\\n Next")
    '"It\\'s done," she said - twice.\\nNext'
    >>> normalize_text("co\\u00adop\\u200beration")
    'cooperation'
    >>> ignore = compile_ignore([r"Updated \\d+ minutes ago"])
    >>> normalize_text("Updated 5 minutes ago\\nBody", ignore)
    'Body'
    """
    folded = _collapse_whitespace(unicodedata.normalize("NFC", text).translate(_FOLD))
    if not ignore:
        return folded
    for pattern in ignore:
        folded = pattern.sub("", folded)
    return _collapse_whitespace(folded)


def text_hash(title: str | None, text: str, ignore: Sequence[re.Pattern[str]] = ()) -> str:
    """Hash the normalised headline and body: ``"sha256:"`` and 64 hex digits.

    The headline is flattened to one line, so neither part ever contains a blank line and the
    ``"\\n\\n"`` between them cannot be confused with content. A missing headline hashes as "".

    >>> text_hash("Title", "Body") == text_hash("Title", " Body\\u00a0")
    True
    >>> text_hash("Title", "Body") == text_hash(None, "Title\\n\\nBody")
    False
    >>> text_hash("Headline", "First paragraph.\\n Second.")
    'sha256:79e3cf31bd42e822ea34f86dd37ea972b99f71a3514b43f5439d2d6981ee3ae0'
    """
    headline = normalize_text(title or "", ignore).replace("\n", " ")
    body = normalize_text(text, ignore)
    digest = hashlib.sha256(f"{headline}\n\n{body}".encode()).hexdigest()
    return f"sha256:{digest}"


def _collapse_whitespace(text: str) -> str:
    """One line per paragraph, single spaces inside, no blank or edge whitespace.

    ``str.splitlines`` and ``str.split`` use Unicode's notions of line breaks and whitespace, so
    CR, LF, U+2028 and U+2029 all end a paragraph and tabs or stray spaces become one space.
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
