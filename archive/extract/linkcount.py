"""Count a page's links before extracting it: a page with too many is refused, not parsed.

The count is a scan of the raw bytes for `<a` tags (case-insensitive, followed by a space or
`>`, so `<abbr>` and `<article>` do not count), which costs a few milliseconds for the largest
page extraction accepts, against minutes or hours of the extractor's time and hundreds of
megabytes for a page citing 100,000 pages (bench/page_memory.py).
"""

from __future__ import annotations

import re

from archive.limits import MAX_PAGE_LINKS

_ANCHOR = re.compile(rb"<a[\s>/]", re.IGNORECASE)


def too_many_links(body: bytes, limit: int = MAX_PAGE_LINKS) -> str | None:
    """Why `body` is not extracted (more than `limit` links), or None.

    >>> too_many_links(b'<p><a href="/a">a</a> <abbr>x</abbr> <A HREF="/b">b</A></p>', 2)
    >>> too_many_links(b'<a href=1>1</a><a href=2>2</a><a href=3>3</a>', 2)
    'page has more than 2 links; not extracted'
    """
    count = 0
    for _ in _ANCHOR.finditer(body):
        count += 1
        if count > limit:
            return f"page has more than {limit} links; not extracted"
    return None
