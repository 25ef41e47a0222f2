"""Parts of an article that trafilatura leaves out but an edit tracker must keep.

trafilatura follows `articleBody` markup and drops what sits beside it: the standfirst (the
lede under the headline, often the one sentence that states the news and links its source)
and the text inside `<time>` elements, which it deletes with their content. A revised date in
a sentence ("ends on <time>21 November</time>") or a rewritten standfirst is an edit, so the
standfirst is put back in front of the body and dates inside sentences are kept as text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archive.extract.normalize import normalize_text
from archive.extract.region import Region

# Whole class/id/itemprop tokens that name a standfirst.
_STANDFIRST_TOKENS = frozenset({
    "standfirst", "lede", "lead", "deck", "dek", "summary", "subtitle", "subheadline",
    "subhead", "intro", "excerpt", "abstract", "description", "alternativeheadline", "teaser",
})
# Containers where a <time> is metadata (when the page was published), not a sentence's date.
_META_TOKENS = frozenset({
    "byline", "dateline", "date", "meta", "timestamp", "published", "updated", "posted",
    "author", "kicker",
})
_SENTENCE_PARENTS = frozenset({"p", "li", "td", "dd", "blockquote", "figcaption", "span", "em",
                               "strong", "b", "i"})
_RELATIVE_TIME = re.compile(r"\b(ago|just now|yesterday|today)\b", re.IGNORECASE)
_MAX_STANDFIRST_CHARS = 1500


def _tokens(element: HtmlElement) -> set[str]:
    names = " ".join(element.get(name, "") for name in ("class", "id", "itemprop"))
    return {word for word in re.split(r"[^a-z0-9]+", names.lower()) if word}


def standfirst(region: Region) -> str | None:
    """The article's standfirst text, when the page marks one up in the article's region."""
    for element in region.iter("p", "div", "h2"):
        if _tokens(element) & _STANDFIRST_TOKENS and not any(
            inner not in region.hidden for inner in element.iter("p", "div") if inner is not element
        ):
            text = " ".join(region.text(element).split())
            if 0 < len(text) <= _MAX_STANDFIRST_CHARS:
                return text
    return None


def with_standfirst(text: str, lede: str | None) -> str:
    """`text` with the standfirst as its first paragraph, unless the text already holds it.

    >>> with_standfirst("Body.", "Lede.")
    'Lede.\\nBody.'
    >>> with_standfirst("Lede.\\nBody.", "Lede.")
    'Lede.\\nBody.'
    """
    if not lede or normalize_text(lede) in normalize_text(text):
        return text
    return f"{lede}\n{text}" if text else lede


def keep_sentence_dates(doc: HtmlElement) -> bool:
    """Replace each `<time>` inside a sentence by its text (in place), so the date survives;
    True when something was replaced.

    Times in bylines, datelines and other metadata, and relative times ("5 minutes ago"), are
    left alone: trafilatura drops them, and they must not reach the text hash.
    """
    changed = False
    for element in list(doc.iter("time")):
        parent = element.getparent()
        if parent is None or parent.tag not in _SENTENCE_PARENTS:
            continue
        if _RELATIVE_TIME.search(element.text_content()):
            continue
        if any(_tokens(ancestor) & _META_TOKENS for ancestor in element.iterancestors()):
            continue
        element.drop_tag()
        changed = True
    return changed
