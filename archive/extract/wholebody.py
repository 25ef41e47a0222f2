"""Put back what trafilatura drops from inside the article's body, and nothing from around it.

trafilatura decides where the body is; within that stretch of the page it still loses blocks a
reader sees as part of the article: subheadings and block quotes it judges by link density,
lists and tables after its fallback extractors win, and text after a WordPress "read
more" marker (an empty ``<span id="more-123">``, which it deletes with the text that follows
it). An edit there is an edit to the article, so it must reach the text hash.

The body's stretch is trafilatura's own decision, read back on the page: the blocks of the
article's region (``archive.extract.region``) from the first to the last whose text trafilatura
kept. Inside it, a lost subheading, list item, block quote or table row is put back
after the kept block it follows, and a paragraph that holds a "read more" marker is taken whole.
Nothing before the first or after the last kept block is added (a view counter or a share bar
right after the body stays out), nor any block whose text is mostly links (teasers, "Related"),
nor a heading that no kept text follows (the title of a "Read also" box).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from archive.extract.region import Region

_BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "tr",
               "dt", "dd", "pre")
# What a lost block may be, by its nearest enclosing block: a paragraph only with a marker.
_BLOCK_SET = frozenset(_BLOCK_TAGS)
_KINDS = {"h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
          "li": "list", "dt": "list", "dd": "list", "blockquote": "quote", "figcaption": "caption",
          "tr": "table", "td": "table", "th": "table", "pre": "code", "p": "paragraph"}
# Not captions: trafilatura's evaluation corpus counts captions and photo credits as
# boilerplate, and putting them back cost 0.007 of precision there (bench/EXTRACTION.md).
_RECOVERABLE = frozenset({"heading", "list", "quote", "table", "code"})
# WordPress writes <!--more--> out as <span id="more-123"></span>.
_MARKER_ID = re.compile(r"more-\d+")
# Shorter blocks with a digit in them are counters and timestamps, not prose.
_COUNTER_MAX_WORDS = 8
_DIGIT = re.compile(r"\d")
# A block's text found inside a longer line counts as kept from this length on.
_MIN_FOUND_INSIDE = 30
# A block with this share of its text in links is a teaser or a link list, not prose.
_MAX_LINK_SHARE = 0.5


@dataclass(frozen=True)
class _Block:
    element: HtmlElement
    kind: str
    text: str  # whitespace collapsed
    marked: bool  # holds a "read more" marker
    plain: bool  # known to hold no links (the text after a marker)


def whole_body(text: str, region: Region) -> str:
    """trafilatura's body ``text`` with the blocks it lost inside the body put back in place.

    >>> from lxml.html import document_fromstring
    >>> from archive.extract.region import article_region
    >>> page = document_fromstring("<article><h1>T</h1><p>One long paragraph.</p>"
    ...     "<h2>A subheading</h2><p>Two long paragraphs.</p></article><p>Views: 9</p>")
    >>> print(whole_body("One long paragraph.\\nTwo long paragraphs.", article_region(page)))
    One long paragraph.
    A subheading
    Two long paragraphs.
    """
    lines = text.split("\n")
    if not text.strip():
        return text
    finder = _LineFinder(lines)
    blocks = list(_blocks(region))
    placed = [finder.find(block.text) for block in blocks]
    kept = [index for index, line in enumerate(placed) if line is not None]
    if len(kept) < 2:
        return text  # no stretch to read the body's extent from
    after: dict[int, list[str]] = {}  # line index -> recovered texts that follow it
    replaced: dict[int, str] = {}
    anchor = placed[kept[0]]
    for position in range(kept[0], kept[-1] + 1):
        block, line = blocks[position], placed[position]
        if line is not None:
            anchor = line
            continue
        assert anchor is not None  # the stretch starts at a placed block
        partial = finder.contained_line(block.text) if block.marked else None
        if partial is not None:
            replaced[partial] = block.text  # the paragraph whole, past its marker
        elif _recoverable(block) and not _heads_no_kept_text(blocks, placed, position):
            after.setdefault(anchor, []).append(block.text)
    if not after and not replaced:
        return text
    out: list[str] = []
    for index, original in enumerate(lines):
        out.append(replaced.get(index, original))
        out.extend(after.get(index, ()))
    return "\n".join(out)


def _recoverable(block: _Block) -> bool:
    if not (block.kind in _RECOVERABLE or block.marked):
        return False
    if not block.plain and _link_share(block.element) >= _MAX_LINK_SHARE:
        return False
    # A few words with a number ("1,284 views", "Updated 21/04/2022") is a counter or a
    # timestamp that churns on its own: trafilatura was right to leave it. A table row is data.
    return block.kind == "table" or not (
        len(block.text.split()) < _COUNTER_MAX_WORDS and _DIGIT.search(block.text)
    )


def _heads_no_kept_text(blocks: list[_Block], placed: list[int | None], position: int) -> bool:
    """Whether a lost heading heads something other than the article's text: a subheading is
    followed by paragraphs trafilatura kept, while a "Read also" or "More on" box (in
    whatever language) is followed by teasers and links it dropped with the heading."""
    if blocks[position].kind != "heading":
        return False
    return position + 1 >= len(blocks) or placed[position + 1] is None


def _link_share(element: HtmlElement) -> float:
    total = len(" ".join(element.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return 1.0 if total == 0 else linked / total


def _blocks(region: Region) -> Iterator[_Block]:
    """The region's innermost blocks in document order, furniture skipped, with their text;
    and the text right after a marker that sits between blocks."""
    markers = {
        el for el in region.element.xpath(".//*[starts-with(@id, 'more-')]")
        if _is_marker(el) and el not in region.hidden
    }
    for element in region.iter():
        tag = element.tag
        if tag in _BLOCK_SET:
            if any(True for _ in element.iterdescendants(*_BLOCK_TAGS)):
                continue  # its inner blocks speak for it
            text = _block_text(element, region)
            if text:
                marked = bool(markers) and any(m in markers for m in element.iterdescendants())
                yield _Block(element, _kind(element), text, marked, False)
        elif element in markers and element.tail and element.tail.strip():
            if not any(a.tag in _BLOCK_SET for a in element.iterancestors()):
                yield _Block(element, "paragraph", " ".join(element.tail.split()), True, True)


def _block_text(element: HtmlElement, region: Region) -> str:
    if element.tag == "tr":
        cells = (" ".join(region.text(cell).split()) for cell in element.iter("td", "th"))
        return " | ".join(cell for cell in cells if cell)
    return " ".join(region.text(element).split())


def _kind(element: HtmlElement) -> str:
    for candidate in (element, *element.iterancestors()):
        kind = _KINDS.get(candidate.tag) if isinstance(candidate.tag, str) else None
        if kind is not None and kind != "paragraph":
            return kind
    return "paragraph"


def _is_marker(element: HtmlElement) -> bool:
    return (
        isinstance(element.tag, str)
        and not len(element)
        and not (element.text or "").strip()
        and bool(_MARKER_ID.fullmatch(element.get("id") or ""))
    )


class _LineFinder:
    """Finds which line of the extracted text holds a block's text (whitespace collapsed)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [" ".join(line.split()) for line in lines]
        self.joined = "\n".join(self.lines)
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.exact: dict[str, int] = {}
        for index in reversed(range(len(self.lines))):
            self.exact[self.lines[index]] = index
            self.exact[_unmarked(self.lines[index])] = index

    def find(self, block: str) -> int | None:
        """The line holding the block's text, or None when trafilatura did not keep it."""
        if block in self.exact:
            return self.exact[block]
        if len(block) < _MIN_FOUND_INSIDE:
            return None  # a short text found inside a line could be anything
        found = self.joined.find(block)
        return None if found < 0 else bisect.bisect_right(self.starts, found) - 1

    def contained_line(self, block: str) -> int | None:
        """A line that is a shorter part of the block's text: the block was cut short."""
        parts = [
            (len(line), index)
            for index, line in enumerate(self.lines)
            if len(line) >= _MIN_FOUND_INSIDE and line in block
        ]
        return max(parts)[1] if parts else None


def _unmarked(line: str) -> str:
    """A line without the list dash or table bars trafilatura writes around it.

    >>> _unmarked("- Bicycles: free"), _unmarked("| Adult | 5.20 | 6.00 |")
    ('Bicycles: free', 'Adult | 5.20 | 6.00')
    """
    if line.startswith("- "):
        return line[2:]
    if line.startswith("|") and line.endswith("|"):
        return line.strip("| ")
    return line
