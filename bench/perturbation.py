"""Perturbation benchmark: phantom versions from churn, missed versions from real edits.

Usage::

    PYTHONPATH=. .venv/bin/python bench/perturbation.py [--corpus DIR] [--limit N] [--jobs 2]

The pages are trafilatura's evaluation corpus (``evaldata.json``, ``eval/*.html``,
``cache/*.html``): given with ``--corpus DIR`` (the ``tests`` folder of a trafilatura
checkout), else downloaded once as the GitHub archive of a pinned commit into a cache folder
outside the repository (``--cache``, default ``~/.cache/palimpsest-bench``). Nothing of it is
committed.

Each page that our extraction reads as an article (status ``ok``) is perturbed the way live
pages change, and every variant goes through the project's own extraction and the text hash
that decides versions (``archive.extract.describe.describe_extraction``):

* churn outside the article, as two captures of an unedited page would differ (a rotating
  "Most read" rail, "Updated N minutes ago", a view counter in the header, a sponsored block,
  attribute churn, a view counter inserted right after the body). A *phantom* is a pair of
  captures whose hashes differ: a new version for no edit;
* edits inside the article (a figure, a word, a sentence removed, a sentence added, the visible
  headline only with ``<title>``/``og:title``/JSON-LD untouched, a word of a subheading, a
  sentence added after an empty WordPress "read more" marker). A *missed* edit is a variant
  whose hash equals its base's.

A variant kind a page cannot take (no ``<h1>``, no subheading inside the body, no figure) is
not applicable and left out of that kind's count; a variant whose extraction fails is counted
as failed, neither phantom nor missed (a failure is never a version).

To measure another checkout's extraction (e.g. main before a change), put it first on
``PYTHONPATH``: the script only calls ``extract_page`` and ``describe_extraction``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tarfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from archive.extract.article import extract_page
from archive.extract.describe import describe_extraction
from archive.extract.normalize import normalize_text

PINNED_COMMIT = "623b0ef8ea2b351b1363e46d6adbe76329bc9b11"
ARCHIVE_URL = f"https://github.com/adbar/trafilatura/archive/{PINNED_COMMIT}.tar.gz"

CHURN_KINDS = ("rail", "updated", "views", "sponsored", "attributes", "counter-after-body")
EDIT_KINDS = ("figure", "word", "sentence-removed", "sentence-added", "headline-only",
              "subheading-word", "after-read-more")

# Each churn kind: the two captures' values.
_RAILS = (("Ferry timetable changes for summer", "Harbour wall repairs finish early"),
          ("Library opening hours to be cut", "Farmers market moves indoors for winter"))
_UPDATED = ("Updated 3 minutes ago", "Updated 17 minutes ago")
_VIEWS = ("12,345 views", "12,902 views")
_SPONSORED = (("Five gadgets every kitchen needs", "This retirement trick surprised experts"),
              ("Why doctors recommend this mattress", "Travel deals you will not believe"))
_COUNTER = ("1,204 views", "1,388 views")
_ADDED = "The council said it would publish the full figures next week."
_MIN_PARAGRAPH = 60
_WORD = re.compile(r"[^\W\d_]{5,}")
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def corpus_dir(given: str | None, cache: Path) -> Path:
    """The corpus folder: as given, else the pinned archive, downloaded once into `cache`."""
    if given:
        return Path(given)
    target = cache / f"trafilatura-{PINNED_COMMIT}" / "tests"
    if not (target / "evaldata.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"downloading {ARCHIVE_URL} into {cache}", file=sys.stderr)
        with urllib.request.urlopen(ARCHIVE_URL, timeout=120) as response:  # noqa: S310
            data = response.read()
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            members = [m for m in archive.getmembers()
                       if "/tests/" in m.name and (m.isfile() or m.isdir())
                       and ".." not in m.name]
            archive.extractall(cache, members=members, filter="data")
    return target


def corpus_pages(folder: Path) -> list[tuple[str, Path]]:
    """(url, file) of each annotated page, in evaldata order."""
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in data.items():
        for sub in ("eval", "cache"):
            path = folder / sub / entry["file"]
            if path.exists():
                pages.append((url, path))
                break
    return pages


def _digest(html: str | bytes, url: str) -> tuple[str, str | None]:
    body = html.encode("utf-8") if isinstance(html, str) else html
    extraction = extract_page(body, url, "text/html; charset=utf-8")
    digest, _fields = describe_extraction(extraction, ())
    return extraction.status, digest


def _serialize(tree: HtmlElement) -> str:
    return str(lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>"))


class Page:
    """One corpus page parsed, with the paragraphs our extraction keeps as its body."""

    def __init__(self, html: str, lines: set[str]) -> None:
        self.html = html
        self.lines = lines

    def tree(self) -> HtmlElement:
        return lxml.html.document_fromstring(self.html)

    def body_paragraphs(self, tree: HtmlElement) -> list[HtmlElement]:
        """<p> elements whose whole text is a line of the extracted body, and whose text the
        page holds only once (editing one copy of a duplicated paragraph, e.g. a teaser that
        repeats the lede, says nothing about the extraction)."""
        texts = [(element, normalize_text(element.text_content())) for element in tree.iter("p")]
        seen = Counter(text for _element, text in texts)
        return [element for element, text in texts
                if len(text) >= _MIN_PARAGRAPH and text in self.lines and seen[text] == 1]


def _container(paragraphs: list[HtmlElement]) -> HtmlElement | None:
    """The lowest element holding every body paragraph."""
    if not paragraphs:
        return None
    chains = [list(p.iterancestors()) for p in paragraphs]
    common = set(chains[0]).intersection(*chains[1:])
    for ancestor in chains[0]:
        if ancestor in common:
            return ancestor
    return None


def _block(html: str) -> HtmlElement:
    return lxml.html.fragment_fromstring(html)


def _after(anchor: HtmlElement, element: HtmlElement) -> None:
    if anchor.getparent() is None:
        anchor.append(element)
    else:
        anchor.addnext(element)


def _churn(kind: str, which: int, page: Page) -> str | None:
    tree = page.tree()
    paragraphs = page.body_paragraphs(tree)
    container = _container(paragraphs)
    body = tree.find("body")
    if container is None or body is None:
        return None
    if kind == "rail":
        items = "".join(f'<li><a href="/story/{i}">{t}</a></li>'
                        for i, t in enumerate(_RAILS[which]))
        _after(container, _block(f'<aside class="most-read"><h2>Most read</h2><ul>{items}'
                                 '</ul></aside>'))
    elif kind == "updated":
        container.addprevious(_block(f'<div class="ticker">{_UPDATED[which]}</div>'))
    elif kind == "views":
        body.insert(0, _block(f'<div class="site-stats"><span>{_VIEWS[which]}</span></div>'))
    elif kind == "sponsored":
        items = "".join(f'<a href="https://ads.example/{i}"><h3>{t}</h3></a>'
                        for i, t in enumerate(_SPONSORED[which]))
        _after(container, _block(f'<div class="sponsored"><span>Sponsored</span>{items}</div>'))
    elif kind == "attributes":
        token = f"{which}{random.Random(which).getrandbits(32):08x}"
        for number, element in enumerate(tree.iter("div", "section", "span", "a")):
            element.set("data-track", f"{token}-{number}")
        for element in tree.iter("script"):
            element.set("nonce", token)
    elif kind == "counter-after-body":
        paragraphs[-1].addnext(_block(f'<div class="view-count">{_COUNTER[which]}</div>'))
    return _serialize(tree)


def _pick(items: list[HtmlElement], rng: random.Random) -> HtmlElement | None:
    return items[rng.randrange(len(items))] if items else None


def _replace_in_text(element: HtmlElement, pattern: re.Pattern[str],
                     change: Callable[[str], str]) -> bool:
    """Change the first match of `pattern` in the element's own text nodes."""
    nodes = [(element, "text")] + [(child, "tail") for child in element]
    for node, attr in nodes:
        value = getattr(node, attr)
        if value and (match := pattern.search(value)):
            new = value[:match.start()] + change(match.group()) + value[match.end():]
            setattr(node, attr, new)
            return True
    return False


def _other_word(word: str) -> str:
    return "remarkable" if word.lower() != "remarkable" else "ordinary"


def _bump(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 3) % 10)


def _headline_h1(tree: HtmlElement) -> HtmlElement | None:
    """The <h1> that is the article's headline: the one sharing most words with <title>
    (of those whose text the page holds once, with at least half their words in it)."""
    title_words = set(normalize_text(tree.findtext(".//title") or "").casefold().split())
    headings = [(h1, normalize_text(h1.text_content())) for h1 in tree.iter("h1")]
    seen = Counter(text for _h1, text in headings)
    best, best_score = None, 0
    for h1, text in headings:
        words = text.casefold().split()
        score = len(set(words) & title_words)
        # At least half its words in <title>: a login box's "Mot de passe" is no headline.
        if len(words) >= 2 and score > best_score and 2 * score >= len(set(words)) \
                and seen[text] == 1:
            best, best_score = h1, score
    return best


def _subheadings(container: HtmlElement, paragraphs: list[HtmlElement]) -> list[HtmlElement]:
    """h2-h4 inside the body: between its first and last paragraph, in its container."""
    order = {element: n for n, element in enumerate(container.iter())}
    first, last = order[paragraphs[0]], order[paragraphs[-1]]
    return [h for h in container.iter("h2", "h3", "h4")
            if first < order[h] < last and _WORD.search(h.text_content())]


def _edit(kind: str, page: Page, rng: random.Random) -> tuple[str, str] | None:
    """(base html, edited html), or None when the page cannot take this edit."""
    tree = page.tree()
    paragraphs = page.body_paragraphs(tree)
    if not paragraphs:
        return None
    base = page.html
    if kind == "figure":
        target = _pick([p for p in paragraphs if _NUMBER.search(p.text or "")
                        or any(_NUMBER.search(c.tail or "") for c in p)], rng)
        if target is None or not _replace_in_text(target, _NUMBER, _bump):
            return None
    elif kind == "word":
        target = _pick(paragraphs, rng)
        if not _replace_in_text(target, _WORD, _other_word):
            return None
    elif kind == "sentence-removed":
        candidates = [p for p in paragraphs if len(p) == 0 and p.text
                      and len(_SENTENCE_END.split(p.text.strip())) >= 2]
        target = _pick(candidates, rng)
        if target is None:
            return None
        target.text = " ".join(_SENTENCE_END.split(target.text.strip())[:-1])
    elif kind == "sentence-added":
        target = _pick(paragraphs, rng)
        _append_sentence(target)
    elif kind == "headline-only":
        h1 = _headline_h1(tree)
        if h1 is None or not _replace_in_text(h1, _WORD, _other_word):
            return None
    elif kind == "subheading-word":
        container = _container(paragraphs)
        heading = _pick(_subheadings(container, paragraphs), rng) if container is not None \
            else None
        if heading is None:
            return None
        if not _replace_in_text(heading, _WORD, _other_word):
            for child in heading.iter():
                if _replace_in_text(child, _WORD, _other_word):
                    break
            else:
                return None
    elif kind == "after-read-more":
        if len(paragraphs) < 3:
            return None
        target = paragraphs[len(paragraphs) // 2]
        target.addprevious(_block('<p><span id="more-4821"></span></p>'))
        base = _serialize(tree)
        _append_sentence(target)
    return base, _serialize(tree)


def _append_sentence(paragraph: HtmlElement) -> None:
    if len(paragraph):
        last = paragraph[-1]
        last.tail = f"{(last.tail or '').rstrip()} {_ADDED}"
    else:
        paragraph.text = f"{(paragraph.text or '').rstrip()} {_ADDED}"


def measure_page(job: tuple[str, str]) -> dict[str, str]:
    """Every variant of one page: {"skipped": reason} or per-kind outcomes."""
    url, path = job
    raw = Path(path).read_bytes()
    extraction = extract_page(raw, url, None)
    if extraction.status != "ok":
        return {"skipped": "base not ok"}
    lines = set(normalize_text(extraction.text).split("\n"))
    try:
        html = _serialize(lxml.html.document_fromstring(raw))  # as the variants are
    except (ValueError, lxml.etree.ParserError):
        return {"skipped": "does not parse"}
    page = Page(html, lines)
    base = _digest(html, url)
    if base[0] != "ok":
        return {"skipped": "base not ok"}
    rng = random.Random(url)
    outcomes: dict[str, str] = {}
    for kind in CHURN_KINDS:
        variants = [_churn(kind, which, page) for which in (0, 1)]
        ready = [variant for variant in variants if variant is not None]
        if len(ready) < 2:
            outcomes[kind] = "n/a"
            continue
        results = [_digest(variant, url) for variant in ready]
        if any(status != "ok" for status, _ in results):
            outcomes[kind] = "failed"
        else:
            outcomes[kind] = "phantom" if results[0][1] != results[1][1] else "held"
    for kind in EDIT_KINDS:
        pair = _edit(kind, page, rng)
        if pair is None:
            outcomes[kind] = "n/a"
            continue
        before = base if pair[0] == html else _digest(pair[0], url)
        after = _digest(pair[1], url)
        if before[0] != "ok" or after[0] != "ok":
            outcomes[kind] = "failed"
        else:
            outcomes[kind] = "missed" if before[1] == after[1] else "seen"
    return outcomes


def _table(counts: dict[str, Counter[str]], kinds: tuple[str, ...], bad: str,
           good: str) -> Iterator[str]:
    yield f"| kind | variants | {bad} | rate | failed | n/a |"
    yield "|---|---:|---:|---:|---:|---:|"
    total: Counter[str] = Counter()
    for kind in kinds:
        c = counts[kind]
        n = c[bad] + c[good]
        total.update(c)
        rate = f"{100 * c[bad] / n:.1f}%" if n else "-"
        yield f"| {kind} | {n} | {c[bad]} | {rate} | {c['failed']} | {c['n/a']} |"
    n = total[bad] + total[good]
    rate = f"{100 * total[bad] / n:.2f}%" if n else "-"
    yield f"| **all** | {n} | {total[bad]} | {rate} | {total['failed']} | {total['n/a']} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="trafilatura's tests folder (evaldata.json, eval/, "
                        "cache/); default: download the pinned archive into --cache")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "palimpsest-bench"))
    parser.add_argument("--limit", type=int, default=0, help="first N pages only (0: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", action="store_true",
                        help="list each phantom and missed variant's page on stderr")
    args = parser.parse_args(argv)
    pages = corpus_pages(corpus_dir(args.corpus, Path(args.cache)))
    if args.limit:
        pages = pages[:args.limit]
    started = time.monotonic()
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in CHURN_KINDS + EDIT_KINDS}
    skipped: Counter[str] = Counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        jobs = [(url, str(path)) for url, path in pages]
        for (url, path), result in zip(pages, pool.map(measure_page, jobs, chunksize=4)):
            if "skipped" in result:
                skipped[result["skipped"]] += 1
                continue
            for kind, outcome in result.items():
                counts[kind][outcome] += 1
                if args.show and outcome in ("phantom", "missed"):
                    print(f"{outcome} {kind}: {path.name} {url}", file=sys.stderr)
    elapsed = time.monotonic() - started
    import archive.extract.article as article_module
    print(f"pages: {len(pages)}; measured: {len(pages) - sum(skipped.values())}; "
          f"skipped: {dict(skipped)}; {elapsed:.0f} s on {args.jobs} processes; "
          f"archive from {Path(article_module.__file__).parents[2]}")
    print("\nChurn (phantom: the two captures hash differently)\n")
    print("\n".join(_table(counts, CHURN_KINDS, "phantom", "held")))
    print("\nEdits (missed: the edited page hashes as its base)\n")
    print("\n".join(_table(counts, EDIT_KINDS, "missed", "seen")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
