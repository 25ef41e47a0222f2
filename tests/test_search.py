"""`palimpsest search` on both backends: words, phrases and prefixes in Latin, Cyrillic,
Armenian and Arabic text, newest first, filtered by URL and time; `--trace`; rebuilt by
reindex; read in-process with CliRunner as a person reads it."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from editarchive import ARTICLE, BASE, CRAWL_TIMES, Fetch, build_archive, crawl_plan
from inprocess import cli
from services import pg_url  # noqa: F401 - fixture

from archive.index import open_index
from archive.index.textsearch import QueryError
from archive.store.layout import DataLayout
from archive.verify.reindex import rebuild
from archive.versions.search import search, trace

RU = f"{BASE}/ru/news/2026/11/04/navodnenie"
HY = f"{BASE}/hy/news/2026/11/04/handipum"
AR = f"{BASE}/ar/news/2026/11/04/al-wizara"

# Fiction written for these tests, one text per crawl.
TEXTS = {
    RU: ("Министерство уточнило число пострадавших",
         ["Министерство сообщило, что число пострадавших в Вельске выросло до 2 783 человек.",
          "Министерство сообщило, что число пострадавших в Вельске выросло до 2 790 человек.\n"
          "Эвакуация жителей продолжается."]),
    HY: ("Հանդիպում Երևանում",
         ["Երևանում անցկացվեց հանդիպում փրկարարների հետ։ Քաղաքապետը խոստացավ օգնություն։",
          "Երևանում անցկացվեց հանդիպում փրկարարների հետ։"]),
    AR: ("الوزارة تعلن الأرقام",
         ["أعلنتِ الوزارةُ أنَّ عددَ المصابينَ بلغَ ألفين في مدينة فيلسك.",
          "أعلنتِ الوزارةُ أنَّ عددَ المصابينَ بلغَ ألفين في مدينة فيلسك.\nوبدأت عمليات الإجلاء."]),
}


def multilingual_plan() -> list[list[Fetch]]:
    plan = crawl_plan()
    for crawl, fetches in enumerate(plan):
        state = min(crawl, 1)
        for url, (title, bodies) in TEXTS.items():
            fetches.append(Fetch(url, 200, title, bodies[state]))
    return plan


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request, tmp_path):
    """(data folder, index URL or None) holding the edit archive plus three other scripts."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    build_archive(tmp_path, multilingual_plan(), index_url=url)
    return tmp_path, url


def found(data, url, query, **options) -> list[tuple[str, int]]:
    index = open_index(data, readonly=True, url=url)
    try:
        return [(hit.url, hit.version) for hit in search(index, query, **options).hits]
    finally:
        index.close()


@pytest.mark.services
def test_words_in_every_script_are_found_whatever_their_case_and_marks(archive):
    data, url = archive
    assert found(data, url, "пострадавших") == [(RU, 2), (RU, 1)]
    assert found(data, url, "ЭВАКУАЦИЯ") == [(RU, 2)]               # Cyrillic case folded
    assert found(data, url, "ԵՐԵՎԱՆՈՒՄ") == [(HY, 2), (HY, 1)]      # Armenian capitals
    assert found(data, url, "Քաղաքապետը") == [(HY, 1)]              # only the first version
    assert found(data, url, "المصابين") == [(AR, 2), (AR, 1)]        # written without harakat
    assert found(data, url, "الإجلاء") == [(AR, 2)]
    assert found(data, url, "الوزارة تعلن") == [(AR, 2), (AR, 1)]    # the headline counts


@pytest.mark.services
def test_phrases_prefixes_and_figures(archive):
    data, url = archive
    assert found(data, url, '"2 790 человек"') == [(RU, 2)]
    assert found(data, url, '"человек 2 790"') == []                # a phrase keeps its order
    assert found(data, url, "эвакуац*") == [(RU, 2)]                # a Cyrillic prefix
    assert found(data, url, "فيلس*") == [(AR, 2), (AR, 1)]
    assert found(data, url, '"1,438 people were treated"') == [(ARTICLE, 2)]
    assert (ARTICLE, 1) in found(data, url, "1,412")


@pytest.mark.services
def test_newest_first_and_filtered_by_url_and_time(archive):
    data, url = archive
    every = found(data, url, "Tarnby")
    assert len(every) >= 3
    index = open_index(data, readonly=True, url=url)
    try:
        hits = search(index, "Tarnby").hits
    finally:
        index.close()
    assert [hit.first_seen for hit in hits] == sorted((h.first_seen for h in hits), reverse=True)
    assert all(u.startswith(f"{BASE}/ru/") for u, _ in
               found(data, url, "пострадавших", url_prefix=f"{BASE}/ru/"))
    assert found(data, url, "пострадавших", url_prefix=f"{BASE}/hy/") == []
    later = (CRAWL_TIMES[1] + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert found(data, url, "Քաղաքապետը", since=later) == []     # version 1 gone by then
    assert found(data, url, "Երևանում", since=later) == [(HY, 2)]


@pytest.mark.services
def test_trace_says_when_a_sentence_appeared_and_when_it_left(archive):
    data, url = archive
    index = open_index(data, readonly=True, url=url)
    try:
        gone = trace(index, DataLayout(data), "Քաղաքապետը խոստացավ", HY)
        added = trace(index, DataLayout(data), "Эвакуация жителей", RU)
    finally:
        index.close()
    assert len(gone.stays) == 1 and gone.stays[0].appeared_version == 1
    assert gone.stays[0].left_at.startswith(CRAWL_TIMES[1].strftime("%Y-%m-%d"))
    assert gone.stays[0].left_version == 2
    assert len(added.stays) == 1 and added.stays[0].left_at is None
    assert added.stays[0].appeared_at.startswith(CRAWL_TIMES[1].strftime("%Y-%m-%d"))


@pytest.mark.services
def test_reindex_rebuilds_the_word_index(archive):
    data, url = archive
    before = found(data, url, "Երևանում")
    rebuild(data, url=url)
    assert found(data, url, "Երևանում") == before
    assert found(data, url, "эвакуац*") == [(RU, 2)]


def test_a_query_with_no_words_is_refused(tmp_path):
    build_archive(tmp_path)
    index = open_index(tmp_path, readonly=True)
    try:
        with pytest.raises(QueryError, match="nothing to search for"):
            search(index, '" ,; "')
    finally:
        index.close()
    result = run("search", "--data", str(tmp_path), "—")
    assert result.exit_code == 2 and "nothing to search for" in result.output


def run(*args):
    return cli(*args, check=False)


def test_search_prints_what_a_person_reads(tmp_path):
    build_archive(tmp_path, multilingual_plan())
    result = run("search", "--data", str(tmp_path), "--replay-base", "http://r.example",
                 "2 790")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1. Министерство уточнило число пострадавших  (version 2 of 2)"
    assert lines[1].strip() == RU
    assert lines[2].strip().startswith("shown 2026-11-04 09:00:")
    assert "до [2 790] человек" in lines[3]
    assert lines[4].strip().startswith("replay http://r.example/test/20261104090")
    assert lines[4].strip().endswith(RU)
    nothing = run("search", "--data", str(tmp_path), "Атлантида")
    assert nothing.exit_code == 0 and nothing.output == "Nothing archived matches атлантида.\n"


def test_search_json_and_trace_in_process(tmp_path):
    build_archive(tmp_path, multilingual_plan())
    result = run("search", "--data", str(tmp_path), "--json", "--url", f"{BASE}/hy/",
                 "Երևանում")
    data = json.loads(result.output)
    assert [(h["url"], h["version"]) for h in data["hits"]] == [(HY, 2), (HY, 1)]
    hit = data["hits"][0]
    start, end = hit["marks"][0]
    assert hit["snippet"][start:end] == "Երևանում"
    assert hit["first_seen"] < hit["last_seen"] and hit["replay_url"].endswith(HY)
    traced = run("search", "--data", str(tmp_path), "--trace", "Քաղաքապետը խոստացավ", HY)
    assert traced.exit_code == 0, traced.output
    lines = traced.output.splitlines()
    assert lines[0] == f'"Քաղաքապետը խոստացավ" in {HY}'
    assert lines[1].startswith("  appeared 2026-11-03 09:00:") and "(version 1)" in lines[1]
    assert lines[2].startswith("  left     2026-11-04 09:00:") and "(version 2)" in lines[2]
    never = run("search", "--data", str(tmp_path), "--trace", "Атлантида", RU)
    assert never.output.splitlines()[1] == "Never shown in the 2 archived versions."
    both = run("search", "--data", str(tmp_path), "--trace", "x", RU, "y")
    assert both.exit_code == 2


def test_trace_reads_texts_from_the_warcs_when_the_index_kept_none(tmp_path):
    """An index from before search (upgraded, not rebuilt) holds no version texts: the trace
    reads each version's text from its WARC record instead, and finds the same stays."""
    build_archive(tmp_path, multilingual_plan())
    index = open_index(tmp_path, readonly=True)
    try:
        kept = trace(index, DataLayout(tmp_path), "Քաղաքապետը խոստացավ", HY).to_json()
    finally:
        index.close()
    with sqlite3.connect(tmp_path / "index.sqlite") as db:
        db.execute("DELETE FROM version_texts")
    index = open_index(tmp_path, readonly=True)
    try:
        assert index.version_texts(HY) == {}
        read = trace(index, DataLayout(tmp_path), "Քաղաքապետը խոստացավ", HY).to_json()
    finally:
        index.close()
    assert read == kept and len(read["stays"]) == 1


def test_trace_with_its_url_left_out_says_so(tmp_path):
    # `--trace "PHRASE" --data DIR`: click takes --data as the URL; the error says what happened.
    shown = cli("search", "--trace", "flood injuries", "--data", str(tmp_path), check=False)
    assert shown.exit_code == 2
    assert "--trace takes two values, the phrase and then the URL" in shown.stderr
    assert "(got --data as the URL)" in shown.stderr
