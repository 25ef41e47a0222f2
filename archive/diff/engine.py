"""Edit diffs between two versions of an article: pure, texts in and a result out.

The body is compared paragraph by paragraph first (one paragraph per line, as extraction
stores it, lined up by `archive.diff.align`), then word by word inside the paragraphs that changed
(`archive.diff.wordiff`):

- paragraphs equal after typography folding are equal;
- a paragraph that reappears elsewhere is *moved* (and word-diffed if it was also edited),
  never a deletion plus an insertion of the same text;
- within a run of changed paragraphs, similar ones are paired and word-diffed; the rest are
  whole insertions or deletions.

The headline and byline are compared separately; changed figures come from `archive.diff.figures`.
Inputs are capped (`DiffLimits`) so a pathological page cannot stall a run; every cap that was
hit is named in `TextDiff.capped`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.diff.align import (  # noqa: F401 - the paragraph kinds are part of this module's API
    CHANGED,
    DEFAULT_LIMITS,
    DELETED,
    INSERTED,
    MOVED,
    MOVED_AWAY,
    SAME,
    DiffLimits,
    Paragraph,
    align,
)
from archive.diff.figures import FigureChange, figure_changes, merge_figure_changes
from archive.diff.wordiff import DELETE, EQUAL, INSERT, Op, changed_words, coalesce, word_ops
from archive.extract.normalize import normalize_text

# What other stages may import from here (the paragraph kinds and limits are align's).
__all__ = [
    "CHANGED", "DEFAULT_LIMITS", "DELETED", "INSERTED", "MOVED", "MOVED_AWAY", "SAME",
    "DiffLimits", "EditDiff", "FieldChange", "Paragraph", "TextDiff", "VersionText",
    "diff_texts", "diff_versions", "field_change",
]


@dataclass
class TextDiff:
    """The body diff: paragraphs in reading order, and the caps that were hit."""

    paragraphs: list[Paragraph]
    capped: list[str] = field(default_factory=list)

    @property
    def ops(self) -> list[Op]:
        """One flat op list; each paragraph's text ends with a newline.

        Equal and insert texts, joined, give the newer text one paragraph per line. Equal and
        delete texts give the older one, except that moved paragraphs stand where they are now.
        """
        flat: list[Op] = []
        for paragraph in self.paragraphs:
            if paragraph.kind == MOVED_AWAY:
                continue
            if paragraph.kind == INSERTED:
                flat.append((INSERT, paragraph.new + "\n"))
            elif paragraph.kind == DELETED:
                flat.append((DELETE, paragraph.old + "\n"))
            else:
                flat += paragraph.ops
                flat.append((EQUAL, "\n"))
        return coalesce(flat)

    @property
    def changed(self) -> bool:
        """True when anything differs, a paragraph moved included."""
        return any(p.kind != SAME for p in self.paragraphs)

    def word_counts(self) -> tuple[int, int]:
        """(words inserted, words deleted) in the body."""
        return changed_words(self.ops)


@dataclass(frozen=True)
class VersionText:
    """What is compared of one version: headline, byline and body text, and its language
    (a primary subtag; None when unknown), which decides how its figures read."""

    title: str | None
    byline: str | None
    text: str
    language: str | None = None


@dataclass(frozen=True)
class FieldChange:
    """A headline or byline that changed."""

    old: str | None
    new: str | None
    ops: list[Op]

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "to": self.new, "ops": [list(op) for op in self.ops]}


@dataclass
class EditDiff:
    """Everything that changed between two versions."""

    title: FieldChange | None
    byline: FieldChange | None
    body: TextDiff
    figures: list[FigureChange]

    @property
    def changed(self) -> bool:
        return self.title is not None or self.byline is not None or self.body.changed

    def words_changed(self) -> tuple[int, int]:
        """(words inserted, words deleted), headline included."""
        inserted, deleted = self.body.word_counts()
        if self.title is not None:
            title_inserted, title_deleted = changed_words(self.title.ops)
            inserted, deleted = inserted + title_inserted, deleted + title_deleted
        return inserted, deleted


def diff_versions(old: VersionText, new: VersionText,
                  limits: DiffLimits = DEFAULT_LIMITS) -> EditDiff:
    """Compare two versions: headline, byline, body and the figures that were revised."""
    title = field_change(old.title, new.title)
    byline = field_change(old.byline, new.byline)
    body = diff_texts(old.text, new.text, limits)
    figures = []
    languages = (old.language, new.language)
    if title is not None and title.old and title.new:
        figures += figure_changes(title.old, title.new, title.ops, where="title",
                                  languages=languages)
    for paragraph in body.paragraphs:
        if paragraph.kind in (CHANGED, MOVED) and paragraph.edited:
            figures += figure_changes(paragraph.old, paragraph.new, paragraph.ops,
                                      where="body", paragraph=paragraph.new_index,
                                      languages=languages)
    return EditDiff(title, byline, body, merge_figure_changes(figures))


def field_change(old: str | None, new: str | None) -> FieldChange | None:
    """A headline or byline change, or None when the two read the same.

    >>> field_change("Flood count", "Flood  count") is None
    True
    >>> field_change("Old head", "New head").ops
    [('delete', 'Old'), ('insert', 'New'), ('equal', ' head')]
    """
    if normalize_text(old or "") == normalize_text(new or ""):
        return None
    return FieldChange(old, new, word_ops(old or "", new or ""))


def diff_texts(old: str, new: str, limits: DiffLimits = DEFAULT_LIMITS) -> TextDiff:
    """Paragraph-aware word diff of two texts with one paragraph per line."""
    capped: list[str] = []
    old_paragraphs = _paragraphs(old, "older", limits, capped)
    new_paragraphs = _paragraphs(new, "newer", limits, capped)
    return TextDiff(align(old_paragraphs, new_paragraphs, limits, capped), capped)


def _paragraphs(text: str, side: str, limits: DiffLimits, capped: list[str]) -> list[str]:
    """The non-blank lines of a text, cut to the limits (with a note when cut)."""
    if len(text) > limits.max_chars:
        capped.append(f"the {side} text has {len(text):,} characters; only the first "
                      f"{limits.max_chars:,} were compared")
        cut = text[:limits.max_chars]
        text = cut[:cut.rfind("\n")] if "\n" in cut else cut
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    if len(paragraphs) > limits.max_paragraphs:
        capped.append(f"the {side} text has {len(paragraphs):,} paragraphs; only the first "
                      f"{limits.max_paragraphs:,} were compared")
        paragraphs = paragraphs[:limits.max_paragraphs]
    return paragraphs
