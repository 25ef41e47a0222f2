"""What a stylesheet needs to render: the URLs of its `@import`s and `url()`s. Pure.

tinycss2 tokenizes the CSS as browsers do (comments, escapes, quoted and unquoted `url()`,
`@import "x"` without `url()`), so nothing here is a regular expression over CSS. Each URL is
returned as written, with the kind of thing it is (a font inside `@font-face`, a stylesheet
for `@import`, an image otherwise) and resolved against the stylesheet's own URL.

>>> [(r.url, r.kind) for r in css_references(
...     '@import "base.css"; @font-face { src: url(f.woff2) format("woff2") }'
...     ' h1 { background: url( "/img/bg.png" ) }', "https://e.org/css/site.css")]
[('https://e.org/css/base.css', 'stylesheet'), ('https://e.org/css/f.woff2', 'font'), \
('https://e.org/img/bg.png', 'image')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urljoin

import tinycss2

# A stylesheet is parsed whole, so its size is capped (real ones are under a megabyte).
MAX_CSS_CHARS = 4 * 1024 * 1024
# Tokens nest (blocks in blocks); past this depth the rest of a block is not searched.
MAX_NESTING = 32
MAX_REFERENCES = 2000  # one stylesheet's references; a hostile one cannot flood the caller
_IMAGE_SETS = {"image-set", "-webkit-image-set"}


@dataclass(frozen=True)
class CssReference:
    """One URL a stylesheet refers to, resolved, and what it is."""

    url: str
    kind: str  # stylesheet | font | image


def css_references(css: str, base_url: str, *, inline: bool = False) -> list[CssReference]:
    """Every URL in a stylesheet (or, with `inline`, a `style="..."` attribute), in order,
    each once. References that cannot be resolved are left out; schemes are not judged here."""
    if len(css) > MAX_CSS_CHARS:
        css = css[:MAX_CSS_CHARS]  # what lies past the cap is not searched, never misread
    lowered = css.lower()
    if "url(" not in lowered and "@import" not in lowered and "image-set(" not in lowered \
            and "\\" not in css:
        return []  # nothing can refer to a URL (an escape could spell one: then parse)
    found: dict[str, CssReference] = {}
    if inline:
        tokens = tinycss2.parse_component_value_list(css, skip_comments=True)
        _walk(tokens, base_url, "image", found, 0)
        return list(found.values())
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if len(found) >= MAX_REFERENCES:
            break
        if rule.type == "at-rule":
            name = rule.lower_at_keyword
            if name == "import":
                target = _import_target(rule.prelude)
                if target:
                    _add(found, target, base_url, "stylesheet")
                continue
            kind = "font" if name == "font-face" else "image"
            _walk(rule.prelude, base_url, kind, found, 0)
            if rule.content:
                # @media, @supports and @layer hold rules: parse them as a stylesheet.
                if name in ("media", "supports", "layer", "document", "container"):
                    nested = tinycss2.serialize(rule.content)
                    for reference in css_references(nested, base_url):
                        found.setdefault(reference.url, reference)
                else:
                    _walk(rule.content, base_url, kind, found, 0)
        elif rule.type == "qualified-rule":
            _walk(rule.content, base_url, "image", found, 0)
    return list(found.values())[:MAX_REFERENCES]


# tinycss2 has no annotations: its tokens are Any here.


def _import_target(prelude: Iterable[Any]) -> str | None:
    """The URL of `@import "x"`, `@import url(x)` or `@import url("x")`."""
    for token in prelude:
        if token.type in ("string", "url"):
            return str(token.value)
        if token.type == "function" and token.lower_name == "url":
            return _function_url(token)
        if token.type not in ("whitespace", "comment"):
            return None
    return None


def _function_url(token: Any) -> str | None:
    """`url("x")` is a function token holding a string (an unquoted one is a url token)."""
    for argument in token.arguments:
        if argument.type == "string":
            return str(argument.value)
        if argument.type not in ("whitespace", "comment"):
            return None
    return None


def _walk(tokens: Iterable[Any], base_url: str, kind: str, found: dict[str, Any],
          depth: int) -> None:
    if depth > MAX_NESTING:
        return
    for token in tokens or ():
        if len(found) >= MAX_REFERENCES:
            return
        if token.type == "url":
            _add(found, token.value, base_url, kind)
        elif token.type == "function":
            if token.lower_name == "url":
                value = _function_url(token)
                if value:
                    _add(found, value, base_url, kind)
            elif token.lower_name in _IMAGE_SETS:  # image-set("a.png" 1x, "b.png" 2x)
                for argument in token.arguments:
                    if argument.type == "string":
                        _add(found, argument.value, base_url, kind)
                _walk(token.arguments, base_url, kind, found, depth + 1)
            else:  # cross-fade(), var() fallbacks, ...
                _walk(token.arguments, base_url, kind, found, depth + 1)
        elif token.type in ("() block", "[] block", "{} block"):
            _walk(token.content, base_url, kind, found, depth + 1)


def _add(found: dict[str, Any], value: str, base_url: str, kind: str) -> None:
    value = value.strip()
    if not value or value.startswith("#"):
        return  # a fragment (an SVG filter id): nothing to fetch
    try:
        url = urljoin(base_url, value)
    except ValueError:
        return
    found.setdefault(url, CssReference(url, kind))
