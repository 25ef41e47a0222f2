"""What a reader is shown of a body diff: the changed paragraphs, a little context around them,
and a count of the unchanged paragraphs left out. Shared by the terminal and HTML renderers."""

from __future__ import annotations

from dataclasses import dataclass

from archive.diff.engine import MOVED_AWAY, SAME, Paragraph, TextDiff

CONTEXT_PARAGRAPHS = 1


@dataclass(frozen=True)
class Gap:
    """Unchanged paragraphs left out of the view."""

    count: int


def view(body: TextDiff, context: int = CONTEXT_PARAGRAPHS) -> list[Paragraph | Gap]:
    """The paragraphs worth showing: every change, `context` unchanged paragraphs either side.

    A gap of a single paragraph is shown rather than summarised: "1 unchanged paragraph" takes
    as much room as the paragraph would.
    """
    paragraphs = body.paragraphs
    keep = [False] * len(paragraphs)
    for position, paragraph in enumerate(paragraphs):
        if paragraph.kind != SAME:
            for near in range(max(0, position - context),
                              min(len(paragraphs), position + context + 1)):
                keep[near] = True
    shown: list[Paragraph | Gap] = []
    position = 0
    while position < len(paragraphs):
        if keep[position]:
            shown.append(paragraphs[position])
            position += 1
            continue
        end = position
        while end < len(paragraphs) and not keep[end]:
            end += 1
        if end - position == 1:
            shown.append(paragraphs[position])
        else:
            shown.append(Gap(end - position))
        position = end
    return shown


def _number(index: int | None) -> str:
    """A paragraph's number counted from 1 (every kind has the index its label shows)."""
    return "?" if index is None else str(index + 1)


def label(paragraph: Paragraph) -> str:
    """A short gutter label: where the paragraph is (¶ numbers count from 1)."""
    if paragraph.kind == MOVED_AWAY:
        return f"¶{_number(paragraph.old_index)}→"
    if paragraph.new_index is None:
        return f"(¶{_number(paragraph.old_index)})"
    return f"¶{paragraph.new_index + 1}"


def note(paragraph: Paragraph) -> str:
    """A plain-words note for moved paragraphs (empty for the rest)."""
    if paragraph.kind == "moved":
        edited = ", and edited" if paragraph.edited else ""
        return f"moved here from paragraph {_number(paragraph.old_index)}{edited}"
    if paragraph.kind == MOVED_AWAY:
        return (f"paragraph {_number(paragraph.old_index)} moved to paragraph "
                f"{_number(paragraph.new_index)}")
    if paragraph.kind == "deleted":
        return "paragraph removed"
    if paragraph.kind == "inserted":
        return "paragraph added"
    return ""
