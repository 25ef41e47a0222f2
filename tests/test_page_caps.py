"""No single page or sitemap holds the crawl's memory: sitemaps are streamed and capped at the
protocol's 50,000 URLs, and a page with more links than any article is not extracted.
(The memory figures themselves are a benchmark: bench/page_memory.py.)"""

from __future__ import annotations

import json
from pathlib import Path

from crawling import crawl, warc_records, write_seeds
from mockserver import MockSite
from mockserver.hostile import big_sitemap_body, many_links_body

from archive.extract.discover import MAX_ENTRIES, parse_sitemap
from archive.extract.linkcount import too_many_links
from archive.limits import MAX_PAGE_LINKS


def test_a_sitemap_past_the_protocols_limit_is_read_to_the_limit_and_says_so() -> None:
    sitemap = parse_sitemap(big_sitemap_body(MAX_ENTRIES + 10), "http://news.example/")
    assert len(sitemap.entries) == MAX_ENTRIES and sitemap.capped
    assert sitemap.entries[-1].url == f"http://news.example/p/{MAX_ENTRIES - 1}"
    whole = parse_sitemap(big_sitemap_body(3), "http://news.example/")
    assert [e.url for e in whole.entries] == [f"http://news.example/p/{n}" for n in range(3)]
    assert not whole.capped


def test_a_capped_sitemap_seed_is_a_problem_line_and_its_first_entries_are_used(
        tmp_path: Path, mocksite: MockSite) -> None:
    url = mocksite.a.url + "/hostile/sitemap-big?urls=60000"
    seeds = tmp_path / "s.toml"
    seeds.write_text(f'collection = "test"\n[[seed]]\nurl = "{url}"\ntype = "sitemap"\n'
                     "articles = 'never-matches-anything'\n", encoding="utf-8")
    summary = crawl(seeds, tmp_path / "d", check=False)
    assert summary["problems"] == []
    assert summary["seed_problems"] == [
        f"sitemap seed {url} lists more URLs than a sitemap may hold; only the first "
        f"{MAX_ENTRIES} were read: split it, or list its parts as seeds"]


def test_a_page_with_more_links_than_any_article_is_archived_and_not_extracted(
        tmp_path: Path, mocksite: MockSite) -> None:
    assert too_many_links(many_links_body(MAX_PAGE_LINKS - 10)) is None
    url = f"{mocksite.a.url}/hostile/links?count={MAX_PAGE_LINKS + 1}"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")])
    summary = crawl(seeds, tmp_path / "d", check=False)
    assert summary["extraction_failed"] == 1 and summary["seed_counts"] == {"fetched": 1}
    records = warc_records(tmp_path / "d")
    [info] = [json.loads(r[2]) for r in records
              if r[0].get_header("WARC-Target-URI") == "urn:pageinfo:" + url]
    assert info["status"] == "failed"
    assert info["reason"] == f"page has more than {MAX_PAGE_LINKS} links; not extracted"
