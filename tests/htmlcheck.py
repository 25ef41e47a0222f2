"""Checks that rendered report HTML is inert: only our own tags, no handlers, no unsafe links."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

import lxml.html

# Every element the report's templates write. Archived text can add none: it is escaped.
REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "link", "body", "header", "main", "footer",
    "section", "div", "span", "p", "a", "b", "br", "h1", "h2", "h3", "ul", "li", "table",
    "thead", "tbody", "tr", "th", "td", "ins", "del", "time", "svg", "line", "rect", "circle",
    "text", "figure", "figcaption", "img",
}
# The only pictures a report shows: its own screenshots, thumbnails in its views/ folder.
OWN_PICTURE = re.compile(r"(\.\./)?views/[0-9a-f]{24}-thumb\.webp")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcset"}


def element_tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower()


def assert_inert(html: str, fragment: bool = False) -> lxml.html.HtmlElement:
    """Fail unless the HTML has only report tags, no on* attributes and only safe URLs."""
    assert not re.search(r"<\s*(script|iframe|object|embed|form|base)\b", html, re.I), \
        "a dangerous tag was written out"
    tree = lxml.html.fragment_fromstring(html, create_parent="div") if fragment else \
        lxml.html.document_fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = element_tag(element)
        assert tag in REPORT_TAGS | ({"div"} if fragment else set()), f"unexpected <{tag}>"
        if tag == "img":
            assert set(element.attrib) <= {"src", "alt", "loading"}, element.attrib
            assert OWN_PICTURE.fullmatch(element.get("src", "")), element.get("src")
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"<{tag} {name}=...>"
            if name.lower() in URL_ATTRIBUTES:
                assert_safe_url(value, f"<{tag} {name}>")
    return tree


def assert_safe_url(value: str, where: str) -> None:
    """An absolute http(s) URL, or a relative one without a scheme."""
    parts = urlsplit(value.strip())
    assert parts.scheme in ("", "http", "https"), f"{where}: {value!r}"
    if not parts.scheme:
        assert ":" not in value.split("/", 1)[0], f"{where}: {value!r}"


def assert_csp(tree: lxml.html.HtmlElement) -> None:
    """A restrictive Content-Security-Policy whose style hash matches the page's own CSS."""
    policies = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert len(policies) == 1
    policy = policies[0]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy
    styles = tree.xpath("//style")
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].text.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert not tree.xpath("//*[@style]"), "inline style attributes would need 'unsafe-inline'"
