"""Finding the URL a person typed among the URLs the index knows, as the crawl wrote them.

People type `example.org/news/x`, paste a URL with or without its trailing slash, or the http
form of an https page. A read command (history, show, diff, search --trace) tries the forms the
crawl could have stored: as given, canonical, with https:// or http:// added when the scheme is
missing, and with the trailing slash added or taken away. When none is archived it suggests the
archived URLs nearest to what was typed.
"""

from __future__ import annotations

import difflib
from urllib.parse import urlsplit

from archive.exceptions import NothingArchivedError
from archive.index import Index
from archive.net.urls import UnsafeURLError, canonical_url

# How many near matches a miss suggests, and how alike they must be (difflib's ratio).
SUGGESTIONS = 3
CUTOFF = 0.6
CLOSE_SECOND = 0.03


def spellings(url: str) -> list[str]:
    """Every form of `url` the crawl may have stored, most likely first, without repeats.

    >>> spellings("example.org/news/x")  # doctest: +NORMALIZE_WHITESPACE
    ['example.org/news/x', 'https://example.org/news/x', 'https://example.org/news/x/',
     'http://example.org/news/x', 'http://example.org/news/x/']
    """
    typed = url.strip()
    bases = [typed]
    if "://" not in typed:
        bases += [f"https://{typed}", f"http://{typed}"]
    found: list[str] = []
    for base in bases:
        forms = [base]
        try:
            forms.append(canonical_url(base))
        except UnsafeURLError:
            pass
        for form in list(forms):
            path = urlsplit(form).path if "://" in form else ""
            if path not in ("", "/") and not urlsplit(form).query:
                forms.append(form[:-1] if form.endswith("/") else form + "/")
        for form in forms:
            if form not in found:
                found.append(form)
    return found


def lookup_url(index: Index, url: str) -> str:
    """The URL as the index knows it, or NothingArchivedError saying so, with the archived
    URLs most like it."""
    for form in spellings(url):
        if index.page(form) is not None:
            return form
    near = near_matches(index, url)
    hint = ("; did you mean " + " or ".join(near) + "?") if near else ""
    raise NothingArchivedError(f"nothing archived for {url}{hint}")


def near_matches(index: Index, url: str) -> list[str]:
    """The archived URLs most like `url`: on its host when the host has any, else anywhere."""
    forms = spellings(url)
    target = forms[1] if len(forms) > 1 else forms[0]
    host = urlsplit(target).hostname if "://" in target else None
    known = [page.url for page in index.pages()]
    same_host = [known_url for known_url in known if urlsplit(known_url).hostname == host]
    close = difflib.get_close_matches(target, same_host or known, n=SUGGESTIONS, cutoff=CUTOFF)
    if not close:
        return []
    # URLs of one site share a long prefix, so many look alike: only those about as near as
    # the nearest are worth reading.
    ratios = [difflib.SequenceMatcher(None, target, found).ratio() for found in close]
    return [found for found, ratio in zip(close, ratios) if ratio >= ratios[0] - CLOSE_SECOND]
