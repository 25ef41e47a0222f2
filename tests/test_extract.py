"""Extraction: what gets hashed, what never does, and failures that never look like deletions."""

import difflib
import doctest
import json
import logging
import pickle
from pathlib import Path

import pytest

import archive.extract.article
from archive.extract.article import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    MAX_EXTRACT_BYTES,
    MIN_BODY_WORDS,
    Extraction,
    extract_html,
    extract_page,
)
from archive.extract.normalize import compile_ignore, text_hash

PAGES = Path(__file__).parent / "data" / "pages"
URL = "https://www.harrowgate-ledger.example/news/2024/05/14/millbrook-reservoir-stays-shut"
HEADLINE = "Millbrook reservoir to stay shut all summer after inspectors find cracked spillway"
STANDFIRST_SOURCE = "https://www.valewater.example/publications/millbrook-spillway-inspection-2024"


def read(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def extracted(html: str | bytes) -> Extraction:
    body = html.encode("utf-8") if isinstance(html, str) else html
    return extract_page(body, URL, "text/html; charset=utf-8")


def hash_of(extraction: Extraction, ignore=()) -> str:
    assert extraction.status == "ok", extraction.reason
    return text_hash(extraction.title, extraction.text, ignore)


@pytest.fixture(scope="module")
def article() -> Extraction:
    return extract_page(read("article.html"), URL, "text/html")


def test_doctests():
    results = doctest.testmod(archive.extract.article)
    assert results.failed == 0 and results.attempted > 0


def test_article_fields(article):
    assert article.status == "ok" and article.reason is None
    assert article.title == HEADLINE
    assert article.byline == "Ines Calloway"
    assert (article.published, article.modified) == ("2024-05-14", "2024-05-15")
    assert (article.encoding, article.encoding_source) == ("utf-8", "meta")
    # The standfirst first (archive.extract.articleparts puts it back), then the body.
    first, second = article.text.splitlines()[:2]
    assert first.startswith("Vale Water’s inspection report found two cracks in the spillway")
    assert second.startswith("Millbrook reservoir, the largest open-water swimming spot")
    assert article.text.endswith("will be put out to tender this month.")
    assert len(article.text.splitlines()) == 9


def test_text_is_the_body_without_headline_or_boilerplate(article):
    assert HEADLINE not in article.text
    for boilerplate in (
        "Skip to content",
        "Updated 5 minutes ago",
        "Advertisement",
        "Related",
        "PROMOTED STORIES",
        "More from",
        "Most read",
        "Comments",
        "Lindley Tarn will be packed",
        "Morning Ledger",
        "has covered the environment",
        "Reservoirs",
        "Page generated",
    ):
        assert boilerplate not in article.text


def test_lede_link_is_cited_although_trafilatura_drops_the_lede(article):
    import trafilatura

    from archive.extract.article import TRAFILATURA_FIXED_OPTIONS, TRAFILATURA_OPTIONS

    alone = trafilatura.bare_extraction(read("article.html").decode("utf-8"),
                                        **TRAFILATURA_FIXED_OPTIONS, **TRAFILATURA_OPTIONS)
    assert "inspection report" not in alone.text  # trafilatura leaves the standfirst out...
    assert "inspection report" in article.text  # ...and extraction puts it back
    assert article.links[0] == STANDFIRST_SOURCE
    assert len(article.links) == 6


def test_boilerplate_churn_gives_the_same_hash(article):
    # Other rails, promoted stories, ad slots, "Updated 2 hours ago", CSRF tokens, nonces,
    # cache-busting asset URLs, whitespace, no-break spaces and straight instead of curly quotes.
    churned = extract_page(read("article_churned.html"), URL, "text/html")
    assert read("article_churned.html") != read("article.html")
    assert article.text != churned.text  # the quotes really differ ...
    assert hash_of(churned) == hash_of(article)  # ... and the hash does not care
    assert churned.links == article.links


def test_one_word_body_edit_changes_the_hash_by_that_word(article):
    edited_html = (
        read("article.html").decode().replace("lowered by 1.8 metres", "lowered by 2.1 metres")
    )
    assert edited_html.count("2.1 metres") == 1
    edited = extracted(edited_html)
    assert hash_of(edited) != hash_of(article)
    assert edited.title == article.title
    changes = [
        op for op in difflib.ndiff(article.text.split(), edited.text.split()) if op[0] in "+-"
    ]
    assert changes == ["- 1.8", "+ 2.1"]


def test_headline_only_edit_changes_the_hash(article):
    html = read("article.html").decode()
    new_headline = HEADLINE.replace("all summer", "until September")
    edited = extracted(html.replace(HEADLINE, new_headline))
    assert edited.title == new_headline
    assert edited.text == article.text
    assert hash_of(edited) != hash_of(article)


def test_relative_timestamp_lines_inside_the_body_are_dropped_or_need_an_ignore_pattern():
    html = read("article.html").decode()
    marker = '<div class="story-body" itemprop="articleBody">'
    # A known form on a line of its own is never text (archive/extract/stamps.py).
    fresh = extracted(html.replace(marker, marker + "<p>Updated 5 minutes ago</p>"))
    later = extracted(html.replace(marker, marker + "<p>Updated 2 hours ago</p>"))
    assert hash_of(fresh) == hash_of(later) == hash_of(extracted(html))
    # Another language's form needs the seed's ignore pattern.
    fresh = extracted(html.replace(marker, marker + "<p>Aggiornato 5 minuti fa</p>"))
    later = extracted(html.replace(marker, marker + "<p>Aggiornato 2 ore fa</p>"))
    assert hash_of(fresh) != hash_of(later)
    ignore = compile_ignore([r"^Aggiornato \d+ (minuti|ore) fa$"])
    assert hash_of(fresh, ignore) == hash_of(later, ignore)


def test_javascript_shell_fails():
    result = extract_page(read("js_shell.html"), URL, "text/html")
    assert (result.status, result.text) == ("failed", "")
    assert result.reason == "trafilatura found no main text"


def test_empty_body_fails_but_keeps_the_standfirst_link():
    result = extract_page(read("empty_body.html"), URL, "text/html")
    assert (result.status, result.text) == ("failed", "")
    assert result.reason.startswith("body too short to be an article")
    assert result.links[0] == STANDFIRST_SOURCE


@pytest.mark.parametrize(
    "junk",
    [
        bytes(range(256)) * 64,
        b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 4000,
        b"",
        b"<html><body></body></html>",
        b"<p>" + b"word " * (MIN_BODY_WORDS - 1) + b"</p>",
    ],
)
def test_junk_fails_without_raising(junk):
    result = extract_page(junk, URL)
    assert (result.status, result.text) == ("failed", "")
    assert result.reason


def test_ten_thousand_deep_nesting_fails_cleanly():
    prose = "The committee met for three hours and heard from eleven residents. " * 5
    html = (
        "<html><body>" + "<div>" * 10_000 + f"<p>{prose}</p>" + "</div>" * 10_000 + "</body></html>"
    )
    result = extract_html(html, URL)
    # libxml2 stops nesting at depth 256 and drops the deeper paragraph: a failure, not a crash.
    assert (result.status, result.reason) == ("failed", "trafilatura found no main text")


def test_over_cap_bytes_fail_without_being_parsed():
    body = read("article.html") + b"<!--" + b"x" * MAX_EXTRACT_BYTES + b"-->"
    result = extract_page(body, URL, "text/html")
    assert result.status == "failed"
    assert "extraction cap" in result.reason and str(len(body)) in result.reason
    assert result.links == ()


def test_over_cap_text_fails():
    html = read("article.html").decode() + "<!--" + "é" * (MAX_EXTRACT_BYTES // 2) + "-->"
    result = extract_html(html, URL)
    assert result.status == "failed" and "extraction cap" in result.reason


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json; charset=utf-8"]
)
def test_non_html_is_not_an_article(content_type):
    result = extract_page(read("article.html"), URL, content_type)
    assert (result.status, result.text) == ("not-article", "")
    assert content_type.split(";")[0] in result.reason


def test_xhtml_content_type_is_extracted():
    assert extract_page(read("article.html"), URL, "application/xhtml+xml").status == "ok"


def test_trafilatura_exception_becomes_a_logged_failure(monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(archive.extract.article.trafilatura, "bare_extraction", explode)
    with caplog.at_level(logging.WARNING, logger="archive.extract.article"):
        result = extract_page(read("article.html"), URL, "text/html")
    assert result.status == "failed"
    assert result.reason == "trafilatura raised RecursionError: maximum recursion depth exceeded"
    assert result.links[0] == STANDFIRST_SOURCE
    assert caplog.records and caplog.records[0].exc_info is not None


RUSSIAN_ARTICLE = """<!DOCTYPE html><html><head>{meta}<title>Водохранилище закрыто</title></head>
<body><nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>
<article><h1>Водохранилище Миллбрук закроют на всё лето</h1>
<p>Компания «Вейл Уотер» сообщила, что водохранилище Миллбрук останется закрытым
для купания до конца августа. Инженеры нашли две трещины в водосливе старой плотины
и считают, что ремонт займёт не меньше четырнадцати недель.</p>
<p>Уровень воды уже понизили почти на два метра, чтобы снизить нагрузку на стену.
Подача питьевой воды в дома жителей долины, по словам компании, не пострадала,
а отчёт инспекторов опубликуют на следующей неделе.</p>
</article></body></html>"""

FRENCH_ARTICLE = """<!DOCTYPE html><html><head>{meta}<title>Barrage</title></head><body>
<article><h1>Le lac de Millbrook restera fermé tout l’été</h1>
<p>« Nous ne rouvrirons pas un barrage dont nous ne sommes pas sûrs », a déclaré
l’ingénieure en chef, mardi. Les inspecteurs ont trouvé deux fissures dans le déversoir,
et les travaux coûteront au moins 400 000 €.</p>
<p>Les clubs de natation de la vallée craignent que les baigneurs ne se rabattent sur la
rivière, où aucun maître-nageur ne surveille la baignade. Une étude de l’université
locale l’avait déjà signalé l’an dernier.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("template", "codec", "meta", "content_type", "encoding", "source", "expected"),
    [
        (
            RUSSIAN_ARTICLE,
            "cp1251",
            "",
            "text/html; charset=windows-1251",
            "cp1251",
            "header",
            "трещины в водосливе",
        ),
        (
            RUSSIAN_ARTICLE,
            "cp1251",
            '<meta charset="windows-1251">',
            "text/html",
            "cp1251",
            "meta",
            "трещины в водосливе",
        ),
        (
            RUSSIAN_ARTICLE,
            "cp1251",
            '<meta charset="utf-8">',
            "text/html; charset=cp1251",
            "cp1251",
            "header",
            "трещины",
        ),
        (
            FRENCH_ARTICLE,
            "cp1252",
            "",
            "text/html; charset=ISO-8859-1",
            "cp1252",
            "header",
            "« Nous ne rouvrirons",
        ),
        (
            FRENCH_ARTICLE,
            "cp1252",
            '<meta charset="iso-8859-1">',
            None,
            "cp1252",
            "meta",
            "400 000 €",
        ),
    ],
)
def test_charset_decisions_reach_the_extracted_text(
    template, codec, meta, content_type, encoding, source, expected
):
    result = extract_page(template.format(meta=meta).encode(codec), URL, content_type)
    assert result.status == "ok", result.reason
    assert (result.encoding, result.encoding_source) == (encoding, source)
    assert expected in result.text


@pytest.mark.parametrize(("bom", "codec"), [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")])
def test_bom_only_pages_are_extracted(bom, codec):
    result = extract_page(bom + RUSSIAN_ARTICLE.format(meta="").encode(codec), URL, "text/html")
    assert result.status == "ok" and result.encoding_source == "bom"
    assert "трещины в водосливе" in result.text


def test_extract_html_reports_caller_decoded_text():
    result = extract_html(read("article.html").decode(), URL)
    assert (result.status, result.encoding, result.encoding_source) == ("ok", "unicode", "caller")


def test_to_json_is_serialisable_and_complete(article):
    data = json.loads(json.dumps(article.to_json()))
    assert data["status"] == "ok" and data["title"] == HEADLINE
    assert data["links"][0] == STANDFIRST_SOURCE
    assert (
        (data["extractor"], data["extractor_version"])
        == (EXTRACTOR, EXTRACTOR_VERSION)
        == ("trafilatura", "2.3.1")
    )
    assert set(data) >= {
        "byline",
        "published",
        "modified",
        "text",
        "encoding",
        "encoding_source",
        "reason",
    }


def test_extractions_cross_process_boundaries(article):
    assert pickle.loads(pickle.dumps(article)) == article


def test_repeated_extraction_is_stable(article):
    # Cross-document deduplication would start dropping "seen" paragraphs after a few captures.
    for _ in range(4):
        assert extract_page(read("article.html"), URL, "text/html") == article


# -- palimpsest extract ------------------------------------------------------------------------


def run_cli(*args: str):
    from click.testing import CliRunner

    from archive.cli.extract import extract

    return CliRunner().invoke(extract, list(args), catch_exceptions=False)


def test_cli_json_has_one_line_per_file(article):
    files = [
        str(PAGES / "article.html"),
        str(PAGES / "article_churned.html"),
        str(PAGES / "js_shell.html"),
    ]
    result = run_cli(*files, "--url", URL, "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["file"] for row in rows] == files
    first, churned, shell = rows
    assert {
        "file",
        "title",
        "text",
        "text_hash",
        "links",
        "status",
        "encoding",
        "encoding_source",
    } <= set(first)
    assert (first["title"], first["text"], first["links"]) == (
        article.title,
        article.text,
        list(article.links),
    )
    assert first["text_hash"] == text_hash(article.title, article.text)
    assert churned["text_hash"] == first["text_hash"]
    assert (shell["status"], shell["text_hash"], shell["text"]) == ("failed", None, "")


def test_cli_json_lines_all_have_the_metadata_headline_keys():
    files = [str(PAGES / "article.html"), str(PAGES / "js_shell.html")]
    rows = [json.loads(line) for line in run_cli(*files, "--json").output.splitlines()]
    keys = {"headline_source", "social_title", "search_title", "structured_headline"}
    assert keys <= set(rows[0]) and keys <= set(rows[1])
    assert rows[1]["social_title"] is None and rows[1]["status"] == "failed"


def test_cli_ignore_patterns_reach_the_hash(article):
    result = run_cli(str(PAGES / "article.html"), "--json", "--ignore", "Millbrook")
    ignore = compile_ignore(["Millbrook"])
    assert json.loads(result.output)["text_hash"] == text_hash(article.title, article.text, ignore)


def test_cli_readable_summary():
    result = run_cli(str(PAGES / "article.html"), "--url", URL)
    assert result.exit_code == 0
    assert HEADLINE in result.output
    assert "sha256:" in result.output and STANDFIRST_SOURCE in result.output
    assert "Cited links (6)" in result.output


def test_cli_summary_does_not_interpret_page_text_as_markup(tmp_path):
    page = tmp_path / "markup.html"
    prose = (
        "The committee met for three hours and heard from eleven residents before the vote. " * 3
    )
    page.write_text(
        "<html><body><article><h1>[bold red]Title[/bold red]</h1>"
        f"<p>{prose}[link]x[/link]</p></article></body></html>"
    )
    result = run_cli(str(page))
    assert result.exit_code == 0
    assert "[bold red]Title[/bold red]" in result.output and "[link]x[/link]" in result.output


def test_cli_missing_file_is_a_usage_error(tmp_path):
    missing = tmp_path / "nope.html"
    result = run_cli(str(PAGES / "article.html"), str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.output
    assert "sha256:" not in result.output  # nothing is extracted before the arguments check out


def test_cli_bad_ignore_pattern_is_a_usage_error():
    result = run_cli(str(PAGES / "article.html"), "--ignore", "(unclosed")
    assert result.exit_code == 2 and "(unclosed" in result.output


def test_cli_needs_a_file():
    assert run_cli().exit_code == 2
