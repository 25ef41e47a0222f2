"""The bundled demo site: its three states, its churn, its HTTP behaviour and its seed list."""

from __future__ import annotations

import gzip
import http.client
import socket
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import lxml.html
import pytest
import trafilatura

from archive.demo import DemoSite

TIMEOUT = 5
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo():
    with DemoSite() as site:
        yield site


@pytest.fixture(autouse=True)
def _first_state(demo):
    """Every test starts from the site as first published, with an empty request log."""
    demo.set_state(1)
    demo.requests.clear()


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(response, body as sent) for one request on its own connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request(method, parts.path or "/", headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def page(url: str):
    """(status, parsed HTML) of a page fetched without compression."""
    response, body = fetch(url)
    return response.status, lxml.html.fromstring(body)


def headline(doc) -> str:
    return doc.xpath("string(//h1)")


def body_text(doc) -> list[str]:
    return [p.text_content() for p in doc.xpath("//div[@class='story-body']/p")]


def standfirst(doc) -> str:
    return doc.xpath("string(//p[@class='standfirst'])")


# -- states --------------------------------------------------------------------------------


def test_state_one_is_as_first_published(demo):
    for key, url in demo.article_urls.items():
        assert page(url)[0] == 200, key
    _, a = page(demo.article_urls["A"])
    text = " ".join([standfirst(a), *body_text(a)])
    assert "1,412" in text and "63 per cent" in text and "14 November" in text
    _, s1 = page(demo.statement_urls["S1"])
    assert "1,412" in s1.text_content()


def test_state_two_applies_every_edit(demo):
    before = {key: page(url)[1] for key, url in demo.article_urls.items()}
    demo.set_state(2)
    after = {key: page(url)[1] for key, url in demo.article_urls.items() if key != "D"}

    a_text = " ".join([standfirst(after["A"]), *body_text(after["A"])])
    assert "1,438" in a_text and "71 per cent" in a_text and "21 November" in a_text
    assert "1,412" not in a_text and headline(after["A"]) == headline(before["A"])

    added = [p for p in body_text(after["B"]) if p not in body_text(before["B"])]
    assert len(added) == 1 and "Kessel & Varn" in added[0]
    assert len(body_text(after["B"])) == len(body_text(before["B"])) + 1

    assert headline(after["C"]) != headline(before["C"])
    assert body_text(after["C"]) == body_text(before["C"])
    assert standfirst(after["C"]) == standfirst(before["C"])

    assert page(demo.article_urls["D"])[0] == 404

    assert headline(after["E"]) == headline(before["E"])
    assert body_text(after["E"]) == body_text(before["E"])

    _, s1 = page(demo.statement_urls["S1"])
    assert "1,438" in s1.text_content() and "1,412" not in s1.text_content()


def test_the_extractor_sees_each_edit_and_nothing_else(demo):
    def extract(key):
        body = fetch(demo.article_urls[key])[1].decode()
        result = trafilatura.bare_extraction(body, include_comments=False, with_metadata=True)
        return result.title, result.text

    before = {key: extract(key) for key in "ABCE"}
    demo.set_state(2)
    after = {key: extract(key) for key in "ABCE"}
    assert "1,412" in before["A"][1] and "1,438" in after["A"][1]
    assert "Kessel & Varn" in after["B"][1] and "Kessel" not in before["B"][1]
    assert before["C"][0] != after["C"][0] and before["C"][1] == after["C"][1]
    assert before["E"] == after["E"]


def test_state_two_drops_the_taken_down_article_from_every_listing(demo):
    demo.set_state(2)
    d_url = demo.article_urls["D"]
    for path in ("/", "/world/", "/feed.xml", "/atom.xml", "/sitemap.xml"):
        body = fetch(demo.newspaper_url + path)[1]
        assert d_url.encode() not in body, path
        assert demo.article_urls["E"].encode() in body, path


def test_state_three_restores_the_article_unchanged(demo):
    _, original = page(demo.article_urls["D"])
    demo.set_state(3)
    status, restored = page(demo.article_urls["D"])
    assert status == 200
    assert (headline(restored), standfirst(restored), body_text(restored)) == (
        headline(original), standfirst(original), body_text(original),
    )  # fmt: skip
    assert demo.article_urls["D"].encode() in fetch(demo.newspaper_url + "/")[1]
    _, a = page(demo.article_urls["A"])
    assert "1,438" in " ".join(body_text(a)), "state 3 keeps state 2's edits"


@pytest.mark.parametrize("state", [0, 4, "2"])
def test_unknown_states_are_refused(demo, state):
    with pytest.raises(ValueError):
        demo.set_state(state)
    assert demo.state == 1


# -- churn ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["A", "C", "E"])
def test_furniture_rotates_on_every_request_but_the_text_does_not(demo, key):
    first, second = fetch(demo.article_urls[key])[1], fetch(demo.article_urls[key])[1]
    assert first != second
    for marker in (b'name="csrf_token" value="', b'nonce="', b"Updated ", b"data-creative="):
        assert first.split(marker)[1][:10] != second.split(marker)[1][:10], marker
    rails = [lxml.html.fromstring(b).xpath("//section[@class='promoted-stories']//a/@href")
             for b in (first, second)]  # fmt: skip
    assert rails[0] != rails[1]
    texts = [
        trafilatura.bare_extraction(b.decode(), include_comments=False, with_metadata=True)
        for b in (first, second)
    ]
    assert (texts[0].title, texts[0].text) == (texts[1].title, texts[1].text)
    assert "Updated" not in texts[0].text


def test_the_updated_line_sits_outside_the_article(demo):
    _, doc = page(demo.article_urls["A"])
    (line,) = doc.xpath("//*[contains(text(), 'minutes ago')]")
    assert not line.xpath("ancestor::article")


# -- citations -----------------------------------------------------------------------------


def links(doc, xpath: str) -> list[str]:
    return doc.xpath(xpath + "//a/@href")


def test_citations_sit_where_the_brief_puts_them(demo):
    ministry = demo.ministry_url
    _, c = page(demo.article_urls["C"])
    assert links(c, "//p[@class='standfirst']") == [demo.statement_urls["S3"]]
    cited = [h for h in c.xpath("//article//a/@href") if h.startswith(ministry)]
    assert cited == [demo.statement_urls["S3"]], "C cites its source only in the lede"

    _, a = page(demo.article_urls["A"])
    assert demo.statement_urls["S1"] in links(a, "//div[@class='story-body']")
    _, b = page(demo.article_urls["B"])
    assert demo.statement_urls["S2"] in links(b, "//figcaption")
    _, e = page(demo.article_urls["E"])
    assert demo.statement_urls["S3"] in links(e, "//figcaption")
    outside = [h for h in links(e, "//div[@class='story-body']") if not h.startswith(ministry)]
    assert outside == ["https://example.org/reports/dravna-basin-winter-2026"]


def test_furniture_never_links_to_the_ministry(demo):
    for url in [demo.newspaper_url + "/", *demo.article_urls.values()]:
        _, doc = page(url)
        furniture = doc.xpath("//a[not(ancestor::article[@class='story'])]/@href")
        assert furniture and not any(h.startswith(demo.ministry_url) for h in furniture), url


# -- HTTP ----------------------------------------------------------------------------------


def test_newspaper_gzips_when_asked_and_only_then(demo):
    url = demo.article_urls["B"]
    response, body = fetch(url, {"Accept-Encoding": "gzip, deflate"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Length") == str(len(body))
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Date") and response.getheader("ETag") is None
    assert b"<article" in gzip.decompress(body)
    for refused in ("identity", "gzip;q=0, br", ""):
        response, body = fetch(url, {"Accept-Encoding": refused} if refused else {})
        assert response.getheader("Content-Encoding") is None, refused
        assert body.startswith(b"<!DOCTYPE html>")


def test_ministry_answers_conditional_requests_with_304(demo):
    url = demo.statement_urls["S1"]
    response, body = fetch(url)
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert etag.startswith('"') and not etag.startswith("W/") and modified
    for condition in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response, body = fetch(url, condition)
        assert (response.status, body, response.getheader("ETag")) == (304, b"", etag)
    assert fetch(url, {"If-None-Match": '"stale"'})[0].status == 200
    demo.set_state(2)
    response, _ = fetch(url, {"If-None-Match": etag, "If-Modified-Since": modified})
    assert response.status == 200, "the statement changed, so its validators did"
    assert response.getheader("ETag") != etag and response.getheader("Last-Modified") != modified
    unchanged = demo.statement_urls["S2"]
    s2_tag = fetch(unchanged)[0].getheader("ETag")
    demo.set_state(1)
    assert fetch(unchanged, {"If-None-Match": s2_tag})[0].status == 304


def test_head_and_robots_and_unknown_pages(demo):
    response, body = fetch(demo.article_urls["A"], method="HEAD")
    assert (response.status, body) == (200, b"") and int(response.getheader("Content-Length")) > 0
    assert b"Disallow: /search\n" in fetch(demo.newspaper_url + "/robots.txt")[1]
    assert fetch(demo.ministry_url + "/robots.txt")[0].status == 200
    assert fetch(demo.newspaper_url + "/no/such/page")[0].status == 404
    assert fetch(demo.ministry_url + "/en/news/9999")[0].status == 404


def test_feeds_carry_dates(demo):
    rss = ElementTree.fromstring(fetch(demo.newspaper_url + "/feed.xml")[1])
    items = list(rss.iter("item"))
    assert len(items) == 5 and all(item.findtext("pubDate") for item in items)
    assert rss.findtext("channel/lastBuildDate")
    atom = ElementTree.fromstring(fetch(demo.newspaper_url + "/atom.xml")[1])
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 5
    sitemap = fetch(demo.newspaper_url + "/sitemap.xml")[1]
    ElementTree.fromstring(sitemap)
    assert sitemap.count(b"<news:publication_date>") == 5 and sitemap.count(b"<lastmod>") == 5


def test_requests_are_logged(demo):
    fetch(demo.statement_urls["S2"], {"If-None-Match": '"x"'})
    (logged,) = demo.requests
    assert (logged.host, logged.method, logged.path) == ("127.0.0.2", "GET", "/en/news/2211")
    assert logged.headers["if-none-match"] == '"x"'


# -- set-up --------------------------------------------------------------------------------


def test_seeds_toml_points_at_the_running_site(demo):
    seeds = tomllib.loads(demo.seeds_toml())
    assert seeds["collection"] == "demo"
    assert seeds["defaults"] == {
        "every": "10m", "sources": 1, "source_hosts": ["127.0.0.2"], "ignore": [],
    }  # fmt: skip
    assert [(s["url"], s.get("type", "page")) for s in seeds["seed"]] == [
        (demo.newspaper_url + "/", "listing"),
        (demo.newspaper_url + "/feed.xml", "feed"),
        (demo.newspaper_url + "/sitemap.xml", "sitemap"),
        (demo.article_urls["D"], "page"),
    ]
    assert tomllib.loads(demo.seeds_toml("other"))["collection"] == "other"


def test_bundled_seed_file_matches_the_default_port():
    bundled = (ROOT / "seeds" / "demo.toml").read_text(encoding="utf-8")
    assert bundled == DemoSite(port=8421).seeds_toml()


def test_a_taken_port_is_reported_with_its_address(demo):
    with pytest.raises(OSError, match=f"127.0.0.1:{demo.port}"):
        DemoSite(port=demo.port).start()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.2", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(OSError, match=f"127.0.0.2:{port}"):
            DemoSite(port=port).start()


def test_command_line_prints_both_urls():
    process = subprocess.Popen(
        [sys.executable, "-m", "archive.demo.site", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    watchdog = threading.Timer(TIMEOUT, process.kill)  # a silent process must not hang the run
    watchdog.start()
    try:
        out = [process.stdout.readline(), process.stdout.readline()]
    finally:
        watchdog.cancel()
        process.terminate()
        _, err = process.communicate(timeout=TIMEOUT)
    assert out[0].startswith("newspaper: http://127.0.0.1:")
    assert out[1].startswith("ministry:  http://127.0.0.2:")
    assert "RuntimeWarning" not in err
