"""Line up the paragraphs of two texts: equal, edited in place, moved, inserted, deleted.

Paragraphs equal after typography folding are matched first (`difflib.SequenceMatcher` over the
paragraph list). Then, in order: paragraphs that reappear unchanged in another run of changes
are *moved*; within each run, similar paragraphs are paired as edited in place; what is left is
searched for moved-and-edited paragraphs; the rest are whole insertions and deletions. Paired
and moved paragraphs are word-diffed (`archive.diff.wordiff`) within the caps of `DiffLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from archive.diff.wordiff import DELETE, EQUAL, INSERT, Op, ops_for_tokens, token_key, tokenize
from archive.extract.normalize import normalize_text

# Paragraph kinds.
SAME, CHANGED, INSERTED, DELETED, MOVED, MOVED_AWAY = (
    "equal", "changed", "inserted", "deleted", "moved", "moved-away")

# Two paragraphs in the same run of changes are the same paragraph edited when at least this
# share of their words line up; a paragraph found elsewhere must be closer still to be "moved".
PAIR_SIMILARITY = 0.5
MOVE_SIMILARITY = 0.75
# How far ahead, among the inserted paragraphs of a run, a deleted paragraph looks for its pair.
PAIR_WINDOW = 8
SIMILARITY_CHARS = 5_000


@dataclass(frozen=True)
class DiffLimits:
    """Input caps. Beyond them the diff is still made, more coarsely, and says so."""

    max_chars: int = 400_000           # per text; the rest is not compared
    max_paragraphs: int = 4_000        # per text; the rest is not compared
    max_paragraph_tokens: int = 12_000  # a changed paragraph pair above this is replaced whole
    max_total_tokens: int = 300_000     # word-diffed tokens in all; later pairs replaced whole
    max_move_comparisons: int = 20_000  # fuzzy comparisons to find moved-and-edited paragraphs


DEFAULT_LIMITS = DiffLimits()


@dataclass
class Paragraph:
    """One paragraph of the diff, in reading order of the newer text.

    `old_index`/`new_index` count paragraphs from 0 in each text. A moved paragraph appears
    twice: as MOVED where it is now (with its ops) and as MOVED_AWAY where it was (no ops).
    """

    kind: str
    old_index: int | None
    new_index: int | None
    ops: list[Op] = field(default_factory=list)
    old: str = ""
    new: str = ""

    @property
    def edited(self) -> bool:
        return any(op != EQUAL for op, _ in self.ops)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "from_index": self.old_index, "to_index": self.new_index,
                "edited": self.edited, "ops": [list(op) for op in self.ops]}


def align(old: list[str], new: list[str], limits: DiffLimits,
          capped: list[str]) -> list[Paragraph]:
    """The paragraphs of both texts in reading order of the newer one; caps hit are appended
    to `capped` as sentences."""
    return _Aligner(old, new, limits, capped).run()


class _Aligner:
    """Lines up the paragraphs of two texts: equal, paired (edited), moved, inserted, deleted."""

    def __init__(self, old: list[str], new: list[str], limits: DiffLimits,
                 capped: list[str]) -> None:
        self.old, self.new = old, new
        self.limits = limits
        self.capped = capped
        self.old_keys = [normalize_text(p) for p in old]
        self.new_keys = [normalize_text(p) for p in new]
        self._words: dict[tuple[str, int], list[str]] = {}
        self._tokens_left = limits.max_total_tokens

    def run(self) -> list[Paragraph]:
        opcodes = SequenceMatcher(None, self.old_keys, self.new_keys,
                                  autojunk=False).get_opcodes()
        hunks = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
        # Order matters: unchanged moves first (certain), then edits in place (a paragraph
        # edited where it stands is not "moved" because a similar one exists elsewhere), then
        # moved-and-edited paragraphs among what is left.
        moves = self._exact_moves(hunks)
        pairs = {hunk: self._pairs([i for i in range(hunk[0], hunk[1]) if i not in moves],
                                   [j for j in range(hunk[2], hunk[3])
                                    if j not in moves.values()])
                 for hunk in hunks}
        moves.update(self._edited_moves(hunks, moves, pairs))
        moved_to = {new: old for old, new in moves.items()}
        result: list[Paragraph] = []
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                result += [Paragraph(SAME, i, j, [(EQUAL, self.new[j])], self.old[i], self.new[j])
                           for i, j in zip(range(i1, i2), range(j1, j2))]
            else:
                result += self._hunk((i1, i2, j1, j2), pairs[(i1, i2, j1, j2)], moves,
                                     moved_to)
        return result

    # -- moves --------------------------------------------------------------------------------

    def _exact_moves(self, hunks: list[tuple[int, int, int, int]]) -> dict[int, int]:
        """Paragraphs deleted in one run of changes and inserted unchanged in another."""
        by_key: dict[str, list[tuple[int, int]]] = {}
        for number, (_, _, j1, j2) in enumerate(hunks):
            for j in range(j1, j2):
                by_key.setdefault(self.new_keys[j], []).append((j, number))
        moves: dict[int, int] = {}
        taken: set[int] = set()
        for number, (i1, i2, _, _) in enumerate(hunks):
            for i in range(i1, i2):
                for j, other in by_key.get(self.old_keys[i], ()):
                    if other != number and j not in taken:
                        moves[i] = j
                        taken.add(j)
                        break
        return moves

    def _edited_moves(self, hunks: list[tuple[int, int, int, int]], moves: dict[int, int],
                      pairs: dict[tuple[int, int, int, int], list[tuple[int, int]]]
                      ) -> dict[int, int]:
        """Paragraphs left unpaired in one run of changes that reappear, edited, in another."""
        paired_old = {i for found in pairs.values() for i, _ in found}
        paired_new = {j for found in pairs.values() for _, j in found}
        taken = set(moves.values()) | paired_new
        left_old = [(i, number) for number, (i1, i2, _, _) in enumerate(hunks)
                    for i in range(i1, i2) if i not in moves and i not in paired_old]
        left_new = [(j, number) for number, (_, _, j1, j2) in enumerate(hunks)
                    for j in range(j1, j2) if j not in taken]
        if len(left_old) * len(left_new) > self.limits.max_move_comparisons:
            self.capped.append(
                f"{len(left_old)} removed and {len(left_new)} added paragraphs were too many to "
                "search for moved-and-edited ones; only unchanged moved paragraphs were found")
            return {}
        found: dict[int, int] = {}
        for i, hunk in left_old:
            best, best_j = MOVE_SIMILARITY, None
            for j, other in left_new:
                if other == hunk or j in taken:
                    continue
                score = self._similarity(i, j, best)
                if score >= best:
                    best, best_j = score, j
            if best_j is not None:
                found[i] = best_j
                taken.add(best_j)
        return found

    # -- one run of changed paragraphs --------------------------------------------------------

    def _hunk(self, hunk: tuple[int, int, int, int], pairs: list[tuple[int, int]],
              moves: dict[int, int], moved_to: dict[int, int]) -> list[Paragraph]:
        i1, i2, j1, j2 = hunk
        out: list[Paragraph] = []
        i, j = i1, j1
        for pair_old, pair_new in [*pairs, (i2, j2)]:
            for old_index in range(i, pair_old):
                if old_index in moves:
                    out.append(Paragraph(MOVED_AWAY, old_index, moves[old_index],
                                         old=self.old[old_index]))
                else:
                    out.append(Paragraph(DELETED, old_index, None,
                                         [(DELETE, self.old[old_index])], old=self.old[old_index]))
            for new_index in range(j, pair_new):
                if new_index in moved_to:
                    out.append(self._edited(MOVED, moved_to[new_index], new_index))
                else:
                    out.append(Paragraph(INSERTED, None, new_index,
                                         [(INSERT, self.new[new_index])], new=self.new[new_index]))
            if pair_old < i2:
                out.append(self._edited(CHANGED, pair_old, pair_new))
            i, j = pair_old + 1, pair_new + 1
        return out

    def _pairs(self, old: list[int], new: list[int]) -> list[tuple[int, int]]:
        """Similar paragraphs of one run, paired in order (a pair never crosses another)."""
        pairs = []
        start = 0
        for i in old:
            best, best_at = PAIR_SIMILARITY, None
            for at in range(start, min(start + PAIR_WINDOW, len(new))):
                score = self._similarity(i, new[at], best)
                if score >= best:
                    best, best_at = score, at
            if best_at is not None:
                pairs.append((i, new[best_at]))
                start = best_at + 1
        return pairs

    def _edited(self, kind: str, i: int, j: int) -> Paragraph:
        """A paragraph present in both texts, word-diffed (or replaced whole past the cap)."""
        old_tokens, new_tokens = tokenize(self.old[i]), tokenize(self.new[j])
        size = len(old_tokens) + len(new_tokens)
        if size > self.limits.max_paragraph_tokens:
            self.capped.append(
                f"paragraph {j + 1} has {size:,} tokens in the two versions (limit "
                f"{self.limits.max_paragraph_tokens:,}); shown replaced whole")
            ops = [(DELETE, self.old[i]), (INSERT, self.new[j])]
        elif size > self._tokens_left:
            if self._tokens_left >= 0:
                self.capped.append(
                    f"the edited paragraphs have over {self.limits.max_total_tokens:,} tokens "
                    f"in all; from paragraph {j + 1} on they are shown replaced whole")
                self._tokens_left = -1
            ops = [(DELETE, self.old[i]), (INSERT, self.new[j])]
        else:
            self._tokens_left -= size
            ops = ops_for_tokens(old_tokens, new_tokens)
        return Paragraph(kind, i, j, ops, self.old[i], self.new[j])

    # -- similarity ---------------------------------------------------------------------------

    def _similarity(self, i: int, j: int, floor: float) -> float:
        """Share of words two paragraphs have in common, in order (0 when surely below floor)."""
        a, b = self._word_keys("old", i), self._word_keys("new", j)
        if not a or not b:
            return 0.0
        matcher = SequenceMatcher(None, a, b)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            return 0.0
        return matcher.ratio()

    def _word_keys(self, side: str, index: int) -> list[str]:
        key = (side, index)
        if key not in self._words:
            text = self.old[index] if side == "old" else self.new[index]
            # The first words are enough to judge likeness, and keep the cost bounded.
            tokens = tokenize(text[:SIMILARITY_CHARS])
            self._words[key] = [token_key(t) for t in tokens if not t.isspace()]
        return self._words[key]
