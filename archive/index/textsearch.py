"""Words of archived text, as both search backends see them: one tokenizer, one query syntax.

Both backends index the tokens this module makes, not their own: SQLite's FTS5 gets them
through its `ascii` tokenizer (which keeps every non-ASCII character inside a token) and
PostgreSQL as a tsvector built from them (never through its parser, whose idea of a letter
depends on the database's locale: under LC_CTYPE "C" it drops Cyrillic, Armenian and Arabic
words). So a query finds the same versions on either backend, in any script.

A token is a run of letters and digits (Unicode's), folded: NFKD, combining marks dropped
(accents, Arabic harakat), case-folded, Arabic tatweel removed, Armenian
"և" spelled as its capitals spell it.

>>> tokens("Ministry's FIGURE: 2,783 — Минобороны, Երևան, الدِّفاع")
['ministry', 's', 'figure', '2', '783', 'минобороны', 'երեվան', 'الدفاع']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

MAX_QUERY_TERMS = 32
MAX_TERM_CHARS = 100
_TOKEN = re.compile(r"[^\W_]+")
_TATWEEL = "\u0640"
# Armenian "և" is one letter in lower case and two in capitals ("ԵՎ"); Unicode decomposes it
# to "եւ" instead, which would keep "ԵՐԵՎԱՆ" from finding "Երևան".
_SPECIAL = {"\u0587": "\u0565\u057e"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and c != _TATWEEL)
    return unicodedata.normalize("NFC", kept.casefold())


def fold(text: str) -> str:
    """Text folded for matching, character by character (so offsets can be mapped back):
    compatibility forms, marks dropped, case folded."""
    return "".join(_fold_char(char) for char in text)


def tokens(text: str) -> list[str]:
    """The searchable words of `text`, in order."""
    return _TOKEN.findall(fold(text))


def token_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(token, start, end) for each word of `text`, the offsets into `text` itself."""
    folded, origin = [], []
    for position, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        origin.extend([position] * len(piece))
    origin.append(len(text))
    flat = "".join(folded)
    for match in _TOKEN.finditer(flat):
        start = origin[match.start()]
        end = origin[match.end() - 1] + 1
        yield match.group(), start, end


@dataclass(frozen=True)
class Term:
    """A word or a phrase of the query; the last word may be a prefix (`flood*`)."""

    words: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        text = " ".join(self.words) + ("*" if self.prefix else "")
        return f'"{text}"' if len(self.words) > 1 else text


@dataclass(frozen=True)
class Query:
    """Terms that must all occur in a version."""

    terms: tuple[Term, ...]

    def __str__(self) -> str:
        return " ".join(str(term) for term in self.terms)


class QueryError(ValueError):
    """A query with nothing to search for, or too much."""


_PART = re.compile(r'"([^"]*)"(\*?)|(\S+)')


def parse_query(text: str) -> Query:
    """Words (all must occur), "quoted phrases" and prefixes (`evacu*`).

    >>> str(parse_query('flood "injury count" evacu*'))
    'flood "injury count" evacu*'
    >>> parse_query('"2,783 injured"').terms[0].words
    ('2', '783', 'injured')
    """
    terms: list[Term] = []
    for match in _PART.finditer(text):
        quoted, quoted_star, bare = match.groups()
        raw = quoted if quoted is not None else bare
        star = bool(quoted_star) or (bare is not None and bare.endswith("*"))
        words = tokens(raw)
        if not words:
            continue
        if any(len(word) > MAX_TERM_CHARS for word in words):
            raise QueryError(f"a word of the query is over {MAX_TERM_CHARS} characters")
        # `flood-hit` or `2,783` unquoted is a phrase too: the words stand together
        terms.append(Term(tuple(words), star))
    if not terms:
        raise QueryError(f"nothing to search for in {text!r}: give a word, a \"phrase\" or a "
                         "prefix*")
    if sum(len(term.words) for term in terms) > MAX_QUERY_TERMS:
        raise QueryError(f"the query has more than {MAX_QUERY_TERMS} words")
    return Query(tuple(terms))


def fts5_match(query: Query) -> str:
    """The query in FTS5's MATCH syntax (every word quoted: no word is an operator).

    >>> fts5_match(parse_query('flood "injury count" evacu*'))
    '"flood" AND "injury" + "count" AND "evacu" *'
    """
    parts = []
    for term in query.terms:
        phrase = " + ".join(f'"{word}"' for word in term.words)
        parts.append(phrase + (" *" if term.prefix else ""))
    return " AND ".join(parts)


def tsquery(query: Query) -> str:
    """The query as a PostgreSQL tsquery literal, lexemes quoted (never parsed by a locale).

    >>> tsquery(parse_query('flood "injury count" evacu*'))
    "'flood' & ('injury' <-> 'count') & 'evacu':*"
    """
    def lexeme(word: str, prefix: bool) -> str:
        quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if prefix else "")

    parts = []
    for term in query.terms:
        last = len(term.words) - 1
        words = [lexeme(word, term.prefix and n == last) for n, word in enumerate(term.words)]
        parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def tsvector(text: str) -> str:
    """`text`'s tokens as a PostgreSQL tsvector literal with positions (phrases need them).

    >>> tsvector("Flood, flood; d'Arc")
    "'arc':4 'd':3 'flood':1,2"
    """
    positions: dict[str, list[int]] = {}
    for number, word in enumerate(tokens(text), start=1):
        positions.setdefault(word[:MAX_TERM_CHARS * 2], []).append(min(number, 16383))
    return " ".join("'" + word.replace("\\", "\\\\").replace("'", "''") + "':"
                    + ",".join(str(p) for p in places[:256])
                    for word, places in sorted(positions.items()))


def search_tokens(title: str | None, body: str) -> str:
    """What FTS5 indexes for a version: its folded words, space-separated."""
    return " ".join(tokens(f"{title or ''}\n{body}"))


# -- where a query matched ----------------------------------------------------------------


def matches(query: Query, text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of every occurrence of any term, in order."""
    spans = list(token_spans(text))
    words = [word for word, _, _ in spans]
    found = []
    for term in query.terms:
        size = len(term.words)
        for start in range(len(words) - size + 1):
            if _term_at(term, words, start):
                found.append((spans[start][1], spans[start + size - 1][2]))
    return sorted(set(found))


def contains(query: Query, text: str) -> bool:
    """Whether every term of the query occurs in `text`."""
    words = tokens(text)
    return all(any(_term_at(term, words, start)
                   for start in range(len(words) - len(term.words) + 1))
               for term in query.terms)


def _term_at(term: Term, words: list[str], start: int) -> bool:
    last = len(term.words) - 1
    for offset, word in enumerate(term.words):
        have = words[start + offset]
        if offset == last and term.prefix:
            if not have.startswith(word):
                return False
        elif have != word:
            return False
    return True


@dataclass(frozen=True)
class Snippet:
    """A short extract around the first match, with the matched words' offsets in it."""

    text: str
    marks: tuple[tuple[int, int], ...]

    def bracketed(self, left: str = "[", right: str = "]") -> str:
        """The extract with every match wrapped in `left` .. `right`."""
        out, position = [], 0
        for start, end in self.marks:
            out += [self.text[position:start], left, self.text[start:end], right]
            position = end
        out.append(self.text[position:])
        return "".join(out)


def snippet(query: Query, text: str, width: int = 200) -> Snippet:
    """About `width` characters of `text` around the first place the query matched.

    >>> s = snippet(parse_query("figure"), "The ministry revised the figure to 2,790 today.", 30)
    >>> s.bracketed()
    '… the [figure] to 2,790 …'
    """
    flat = " ".join(text.split())
    found = matches(query, flat)
    if not found:
        cut = flat[:width]
        return Snippet(cut + ("…" if len(flat) > width else ""), ())
    first_start, first_end = found[0]
    start = max(0, first_start - (width - (first_end - first_start)) // 2)
    end = min(len(flat), start + width)
    start = max(0, min(start, end - width))
    if start > 0:  # whole words at the edges
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < first_start else start
    if end < len(flat):
        space = flat.rfind(" ", first_end, end)
        end = space if space > first_end else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(flat) else ""
    marks: list[tuple[int, int]] = []
    for a, b in found:
        if a < start or b > end:
            continue
        if marks and not flat[marks[-1][1]:a].strip():  # "2" and "790": one mark, "2 790"
            marks[-1] = (marks[-1][0], max(b, marks[-1][1]))
        else:
            marks.append((a, b))
    shift = len(prefix) - start
    return Snippet(prefix + flat[start:end] + suffix,
                   tuple((a + shift, b + shift) for a, b in marks))
