"""Word-level diff of two short texts (a paragraph, a headline), cleaned up for people to read.

Tokens are whole words, whole numbers (``1,412`` and ``3.5`` are one token each), single
punctuation marks and runs of whitespace. Tokens are compared after folding typography the way
the text hash does (``archive.extract.normalize``), so curly versus straight quotes, dash styles and
spacing are never reported as edits. Matching is `difflib.SequenceMatcher`; the result is then
cleaned up so a rewritten sentence reads as one deletion and one insertion instead of a comb of
single words around the spaces and articles the two sentences happen to share.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from archive.extract.normalize import normalize_text

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

Op = tuple[str, str]

_TOKEN_RX = re.compile(
    r"\s+"                                   # whitespace (compares equal to any whitespace)
    r"|\d+(?:[.,\u00a0\u202f\u2009]\d+)*"    # a number with its separators: 1,412 / 3.5 / 19 000
    r"|\w+(?:['\u2019\-]\w+)*"               # a word, with inner apostrophes and hyphens
    r"|[^\w\s]"                              # one punctuation mark or symbol
)
_WORD_RX = re.compile(r"\w")


def tokenize(text: str) -> list[str]:
    """Split text into tokens that join back into exactly the same text.

    >>> tokenize("Most of the 1,412 injuries, it said.")
    ['Most', ' ', 'of', ' ', 'the', ' ', '1,412', ' ', 'injuries', ',', ' ', 'it', ' ', 'said', '.']
    """
    return _TOKEN_RX.findall(text)


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """What a token is compared by: typography folded, any whitespace the same.

    >>> token_key("\\u201c") == token_key('"'), token_key("  ") == token_key("\\n")
    (True, True)
    """
    return normalize_text(token) if not token.isspace() else " "


def count_words(text: str) -> int:
    """Words (tokens with a letter or digit) in a text.

    >>> count_words("Thirty-seven people, 1,412 injuries.")
    4
    """
    return sum(1 for token in tokenize(text) if _WORD_RX.match(token))


def word_ops(old: str, new: str) -> list[Op]:
    """The edits turning `old` into `new`, as ``(op, text)`` pairs.

    Joining the texts of the equal and delete ops gives `old`; of the equal and insert ops,
    `new` (equal text is taken from `new`, so they can differ from `old` in typography only).

    >>> word_ops("most of the 1,412 injuries", "most of the 1,438 injuries")
    [('equal', 'most of the '), ('delete', '1,412'), ('insert', '1,438'), ('equal', ' injuries')]
    >>> word_ops("the quick brown fox", "the slow red fox")
    [('equal', 'the '), ('delete', 'quick brown'), ('insert', 'slow red'), ('equal', ' fox')]
    """
    return ops_for_tokens(tokenize(old), tokenize(new))


def ops_for_tokens(old: list[str], new: list[str]) -> list[Op]:
    """`word_ops` on texts that are already tokenized."""
    # autojunk stays on: from 200 tokens up, tokens making up over 1% of the newer text (spaces,
    # "the") cannot anchor a match, though matches still extend across them. That keeps long
    # paragraphs near-linear, and a page of one phrase repeated cheap.
    matcher = SequenceMatcher(None, [token_key(t) for t in old], [token_key(t) for t in new])
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((EQUAL, "".join(new[j1:j2])))
            continue
        if i2 > i1:
            ops.append((DELETE, "".join(old[i1:i2])))
        if j2 > j1:
            ops.append((INSERT, "".join(new[j1:j2])))
    return cleanup(ops)


def coalesce(ops: list[Op]) -> list[Op]:
    """Merge neighbours of the same kind; within a run of edits, deletions come first.

    >>> coalesce([("insert", "a"), ("delete", "b"), ("insert", "c"), ("equal", "d"), ("equal", "")])
    [('delete', 'b'), ('insert', 'ac'), ('equal', 'd')]
    """
    merged: list[Op] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            merged.append((DELETE, "".join(deleted)))
        if inserted:
            merged.append((INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in ops:
        if not text:
            continue
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            flush()
            if merged and merged[-1][0] == EQUAL:
                merged[-1] = (EQUAL, merged[-1][1] + text)
            else:
                merged.append((EQUAL, text))
    flush()
    return merged


def cleanup(ops: list[Op]) -> list[Op]:
    """Fold short equalities that sit between edits into those edits.

    An equality is folded when it is no longer than the larger side of the edit before it and
    no longer than the larger side of the edit after it (the rule diff-match-patch calls
    semantic cleanup), and always when it is only spaces and punctuation. Repeats until stable.

    >>> cleanup([("delete", "A"), ("insert", "C"), ("equal", " "), ("delete", "B"),
    ...          ("insert", "D")])
    [('delete', 'A B'), ('insert', 'C D')]
    """
    ops = coalesce(ops)
    while True:
        folded = _fold_short_equalities(ops)
        if folded is None:
            return ops
        ops = coalesce(folded)


def _fold_short_equalities(ops: list[Op]) -> list[Op] | None:
    """One pass of `cleanup`; None when nothing was folded."""
    # The larger side of the run of edits just before, and just after, each position.
    before = [0] * len(ops)
    after = [0] * len(ops)
    deleted = inserted = 0
    for position, (op, text) in enumerate(ops):
        before[position] = max(deleted, inserted)
        if op == EQUAL:
            deleted = inserted = 0
        elif op == DELETE:
            deleted += len(text)
        else:
            inserted += len(text)
    deleted = inserted = 0
    for position in range(len(ops) - 1, -1, -1):
        op, text = ops[position]
        after[position] = max(deleted, inserted)
        if op == EQUAL:
            deleted = inserted = 0
        elif op == DELETE:
            deleted += len(text)
        else:
            inserted += len(text)
    result: list[Op] = []
    folded = False
    for position, (op, text) in enumerate(ops):
        inner = 0 < position < len(ops) - 1
        if op == EQUAL and inner and before[position] and after[position] and "\n" not in text \
                and (not _WORD_RX.search(text)
                     or len(text) <= min(before[position], after[position])):
            result += [(DELETE, text), (INSERT, text)]
            folded = True
        else:
            result.append((op, text))
    return result if folded else None


def old_text(ops: list[Op]) -> str:
    """The older text an op list was made from (up to typography)."""
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: list[Op]) -> str:
    """The newer text an op list leads to."""
    return "".join(text for op, text in ops if op != DELETE)


def changed_words(ops: list[Op]) -> tuple[int, int]:
    """(words inserted, words deleted) in an op list."""
    inserted = sum(count_words(text) for op, text in ops if op == INSERT)
    deleted = sum(count_words(text) for op, text in ops if op == DELETE)
    return inserted, deleted
