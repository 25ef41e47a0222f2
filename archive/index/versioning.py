"""Is this text a new version? The one place Palimpsest answers it.

A capture's text (its hash) is compared with what the index knows of its URL: whether the URL
ever had that text, and which text its capture just before had. The crawl asks before it
writes (the spider, to follow a changed article's sources; the archiver, to write the text
record only once per version) and ingest asks while it indexes, each through `text_outcome`,
so the three can never disagree. The outcomes are also what the crawl counts and `import`
reports.
"""

from __future__ import annotations

# How a capture relates to its URL's earlier captures.
NEW_VERSION = "new"          # a text this URL never had
RETURNED = "returned"        # a text this URL had before, but not just before (A -> B -> A)
UNCHANGED = "unchanged"      # the same text as the previous capture
FIRST_FAILED = "failed"      # extraction failed: never a version, never a deletion
NOT_ARTICLE = "not-article"  # a listing, feed or sitemap: described, never a version


def text_outcome(text_hash: str, previous_hash: str | None, known: bool) -> str:
    """NEW_VERSION, RETURNED or UNCHANGED for a successfully extracted text.

    `known`: the URL had this text before (the index holds the version); `previous_hash`: the
    text of the URL's capture just before this one (None: this is its first text).

    >>> text_outcome("sha256:b", None, known=False)
    'new'
    >>> text_outcome("sha256:b", "sha256:a", known=False)
    'new'
    >>> text_outcome("sha256:a", "sha256:b", known=True)
    'returned'
    >>> text_outcome("sha256:a", "sha256:a", known=True)
    'unchanged'
    """
    if not known:
        return NEW_VERSION
    if previous_hash is not None and previous_hash != text_hash:
        return RETURNED
    return UNCHANGED


def is_change(outcome: str, previous_hash: str | None) -> bool:
    """Whether the page's text changed with this capture (the page's `changes` count): a new
    or returned text after an earlier one; a URL's first text is not a change.

    >>> is_change("new", None), is_change("new", "sha256:a"), is_change("unchanged", "sha256:a")
    (False, True, False)
    """
    return previous_hash is not None and outcome in (NEW_VERSION, RETURNED)
