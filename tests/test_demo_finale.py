"""`palimpsest demo` end to end: three crawls of the demo site, then its edits as a reader sees
them. The issue's done-when: only the real edits are shown, every one of them."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from htmlcheck import assert_inert

from archive.demo import content
from archive.screenshot.chromium import CHROMIUM


def test_demo_prints_the_real_edits_figures_takedown_and_report(demo_run):
    data, out = demo_run  # `palimpsest demo` on a 200-column terminal, without colour
    # Each crawl says what the pages needed to render, fetched once and then reused.
    assert re.search(r"Crawl 1 .*\n.*\n  requisites fetched [1-9]\d*, reused \d+", out)
    assert re.search(r"Crawl 3 .*\n.*\n  requisites fetched 0, reused", out)
    # The takedown is said in the same words in the crawl's summary as in the tables below.
    assert re.search(r"Crawl 2 .*\n  fetched .*, taken down 1 \(HTTP 404\), failed 0\n", out)
    # One diff per real edit: articles A, B and C and statement S1; never D (taken down and
    # restored unchanged), E (unchanged) or any page whose furniture rotated.
    assert out.count("palimpsest diff · article") == 3
    assert out.count("palimpsest diff · source") == 1
    articles = content.articles(2)
    for key in ("A", "B", "C"):
        assert articles[key].path in out
    for key in ("D", "E"):
        assert f"{content.article_paths()[key]}\nfrom" not in out
    assert "[-1,412-]{+1,438+}" in out and "[-63-]{+71+} per cent" in out
    assert "{+On Thursday Kessel & Varn" in out
    assert f"Headline: [-{content.articles(1)['C'].headline}-]" in out
    assert re.search(r"63 per cent\s*│\s*71 per cent", out)
    assert re.search(r"taken down \(HTTP 404\)\s*│\s*Velsk sends army engineers", out)
    assert re.search(r"restored \(HTTP 200\)\s*│\s*Velsk sends army engineers", out)
    # Article C's headline changes are in its diff, not among the takedowns.
    takedowns = out.split("Taken down and restored")[1].split("Report: ")[0]
    assert takedowns.count("│ 20") == 2 and "headline" not in takedowns, takedowns
    assert 'Social headline (og:title): "' in out
    report = data / "report" / "index.html"
    assert f"Report: {report}" in out
    # The hints name the command as it can be run from here (no activated venv needed).
    assert "What was archived" in out
    hint = re.search(rf"Try: (\S+) history {re.escape(site_article(out))} --data", out)
    assert hint and hint.group(1) != "palimpsest", out[-2000:]
    assert Path(hint.group(1)).name == "palimpsest" and os.access(hint.group(1), os.X_OK)
    assert f"Replay every capture as it was served: {hint.group(1)} replay --data {data}" in out
    tree = assert_inert(report.read_text("utf-8"))
    edited = tree.xpath("//table[@class='edited']//span[@class='url']/text()")
    assert sorted(urlsplit(url).path for url in edited) == sorted(
        articles[key].path for key in ("A", "B", "C"))
    if CHROMIUM.exists():  # each edit of the report shows its before and after screenshots
        assert re.search(r"screenshots made [1-9]", out)
        pages = list((data / "report" / "pages").glob("*.html"))
        shown = [path for path in pages if "views/" in path.read_text("utf-8")]
        assert len(shown) == 4, [path.name for path in pages]  # articles A, B, C and S1
        for path in shown:
            html = path.read_text("utf-8")
            assert html.count('<img src="../views/') == 2 * html.count('<section class="edit">')
            assert_inert(html)


def site_article(out: str) -> str:
    """Article A's URL on the demo site, as the demo printed it (its port is chosen then)."""
    match = re.search(r"Demo site: newspaper (\S+)/ ", out)
    assert match, out[:500]
    return match.group(1) + content.article_paths()["A"]
