"""Rendering with jinja2: one environment, autoescape on for every template whatever its name.

Archived text (headlines, paragraphs, URLs) only ever reaches the output through autoescape.
The one place that writes markup around it is the `ops` filter, which escapes each piece of text
before wrapping it in <ins> or <del>. Links are written only for http(s) URLs (`href`), so a
`javascript:` or `data:` URL in an archived page is shown as text. No template marks archived
content safe.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from archive import __version__
from archive.diff.figures import FigureChange
from archive.diff.wordiff import DELETE, INSERT, Op
from archive.report.diffview import Gap, label, note, view
from archive.report.timeline import version_css
from archive.versions.headlines import HEADLINE_KINDS, KIND_LABELS
from archive.versions.headlines import describe as describe_headline

if TYPE_CHECKING:
    from archive.versions.changes import Change

# Characters XML 1.0 forbids (and HTML parsers replace): dropped from every value written out.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f]")


def ops_html(ops: list[Op]) -> Markup:
    """Word ops as HTML: each text escaped, deletions in <del>, insertions in <ins>.

    >>> str(ops_html([("equal", "a <b> "), ("delete", "1,412"), ("insert", "&1,438")]))
    'a &lt;b&gt; <del>1,412</del><ins>&amp;1,438</ins>'
    """
    parts = []
    for op, text in ops:
        if op == DELETE:
            parts.append(Markup("<del>{}</del>").format(text))
        elif op == INSERT:
            parts.append(Markup("<ins>{}</ins>").format(text))
        else:
            parts.append(escape(text))
    return Markup("").join(parts)


def safe_href(url: object) -> str | None:
    """The URL if it may be a link (absolute http or https, no spaces or controls), else None.

    >>> safe_href("https://example.org/a?b=1"), safe_href("javascript:alert(1)")
    ('https://example.org/a?b=1', None)
    >>> safe_href(" JaVa\\tScRiPt:alert(1)"), safe_href("data:text/html,x"), safe_href("//x.org")
    (None, None, None)
    """
    if not isinstance(url, str) or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def when(iso: str | None) -> str:
    """`2026-11-25T04:01:58.942989Z` as `2026-11-25 04:01:58 UTC`."""
    return f"{iso[:19].replace('T', ' ')} UTC" if iso else ""


def atom_time(iso: str) -> str:
    """An index time as an RFC 3339 date-time for Atom (seconds, Z)."""
    return iso[:19] + "Z"


def delta(figure: FigureChange) -> str:
    """A figure's change as text: `+26`, `+8 points`, `ambiguous: +7 or +0.007`, or empty
    for dates."""
    return figure.difference()


def entry_id(change: Change) -> str:
    """A stable Atom id for one event of one page."""
    event = change.event
    name = f"{event.url}\n{event.kind}\n{event.at}\n{event.old_hash}\n{event.new_hash}"
    if event.field:  # headline events: two fields may change in one capture
        name += f"\n{event.field}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _finalize(value: object) -> object:
    """Drop characters XML cannot carry from every value, keeping escaped markup escaped;
    print nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(_NOT_XML.sub("", str(value)))
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


ICON_NAME = "favicon.svg"
# The report's own icon (a browser asks for one; with images allowed, a missing one is a 404).
ICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" '
            'height="16" rx="3" fill="#1d1d1f"/><path d="M5 13V3h4a3 3 0 0 1 0 6H5" '
            'fill="none" stroke="#fff" stroke-width="2"/></svg>\n')


@cache
def stylesheet() -> str:
    """The report's CSS, inlined in every page (so a page is one self-contained file)."""
    return resources.files("archive.report").joinpath("templates/report.css").read_text("utf-8")


def content_security_policy(css: str, images: bool = False) -> str:
    """Nothing may run, nothing load from elsewhere: no scripts, no frames, no fetches; our own
    inline CSS, and with `images` the report's own pictures (its screenshots, its icon)."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    img = "'self'" if images else "'none'"
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src {img}; "
            "base-uri 'none'; form-action 'none'")


@cache
def environment() -> Environment:
    """The one jinja2 environment: templates from the package, autoescape always on."""
    env = Environment(
        loader=PackageLoader("archive.report", "templates"),
        autoescape=True,  # True, not select_autoescape: every template, whatever its extension
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(ops=ops_html, href=safe_href, when=when, atomtime=atom_time,
                       delta=delta, entry_id=entry_id)
    env.tests["gap"] = lambda value: isinstance(value, Gap)
    env.globals.update(view=view, label=label, note=note, version_css=version_css,
                       version=__version__, headline_kinds=HEADLINE_KINDS,
                       headline_label=KIND_LABELS, describe_headline=describe_headline)
    return env


def page_context(root: str, generated: str, since: str | None, feed: str | None,
                 site: bool = False) -> dict[str, Any]:
    """What base.html.j2 needs: the stylesheet, its CSP hash, and where the index is. A page
    of the report `site` may show the report's own images; a standalone page shows none."""
    css = stylesheet()
    return {"css": Markup(css), "csp": content_security_policy(css, images=site),
            "icon": f"{root}{ICON_NAME}" if site else None, "root": root,
            "generated": generated, "since": since, "feed": feed}


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
