"""The mock site sends what it claims, and records exactly what it sent."""

from __future__ import annotations

import difflib
import gzip
import http.client
import re
import socket
import threading
import time
import zlib
from xml.etree import ElementTree

import lxml.html
import pytest
import trafilatura
from mockserver import MockServer
from mockserver.charsets import CHARSET_PAGES
from mockserver.fidelity import FIDELITY_PAGE, GZIP_FILE
from mockserver.hostile import BOMB_SIZE
from mockserver.misbehaving import TRUNCATED_MISSING
from mockserver.news import ARTICLES
from mockserver.stories import HEADLINE_EDITS, ONE_WORD_EDITS, story_variant

from archive.extract.normalize import normalize_text

TIMEOUT = 5

# Every endpoint whose whole response can be read to the connection's close and checked
# against the record byte for byte.
WIRE_CHECKED = [
    "/plain", "/chunked", "/gzip", "/gzip-chunked", "/app-gzip", "/app-gzip-chunked",
    "/app-gzip-encoded", "/app-gzip-encoded-chunked", "/cookies", "/utf8-header", "/redirect",
    "/redirect-chain/3", "/loop", "/redirect-private", "/secret", "/status/404", "/status/410",
    "/status/500", "/status/503", "/no-length", "/slow?seconds=0.05", "/robots.txt", "/listing",
    "/feed.xml", "/atom.xml", "/sitemap.xml", "/sitemap-index.xml", "/private/page",
    "/articles/flood-count", "/statements/1", *CHARSET_PAGES, "/no-such-page",
]  # fmt: skip


def raw_exchange(server: MockServer, target: str, method: str = "GET", headers: str = "") -> bytes:
    """Send one request on a fresh socket and return every byte received until the close."""
    request = (
        f"{method} {target} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
        f"{headers}Connection: close\r\n\r\n"
    )
    received = bytearray()
    with socket.create_connection((server.host, server.port), timeout=TIMEOUT) as sock:
        sock.sendall(request.encode())
        while chunk := sock.recv(65536):
            received += chunk
    return bytes(received)


def split_response(wire: bytes) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    """Status line, header list and the raw bytes after the header block."""
    head, _, rest = wire.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = [tuple(line.split(b": ", 1)) for line in lines]
    return status_line, headers, rest


def dechunk(framed: bytes) -> list[bytes]:
    """The chunks of a chunked body, checking the framing as it goes."""
    chunks = []
    while True:
        size_line, _, framed = framed.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert framed == b"\r\n", "chunked body must end with an empty trailer"
            return chunks
        chunks.append(framed[:size])
        assert framed[size : size + 2] == b"\r\n"
        framed = framed[size + 2 :]


def get(server: MockServer, target: str, headers: dict[str, str] | None = None):
    """GET with http.client: the response and its (transfer-decoded) body."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def header_values(headers: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    return [value for key, value in headers if key.lower() == name.lower()]


# -- what goes over the wire is what is recorded ---------------------------------------------


@pytest.mark.parametrize("target", WIRE_CHECKED)
def test_wire_bytes_match_the_record(mocksite, target):
    wire = raw_exchange(mocksite.a, target)
    status_line, headers, rest = split_response(wire)
    (record,) = mocksite.a.sent_for(target)
    assert (record.method, record.path) == ("GET", target)
    assert record.request_headers["Connection"] == "close"
    assert status_line == record.status_line
    assert headers == record.headers
    if b"chunked" in header_values(headers, b"Transfer-Encoding"):
        assert b"".join(dechunk(rest)) == record.body
    else:
        assert rest == record.body


def test_chunked_responses_carry_the_same_entity_as_unchunked_ones(mocksite):
    for plain, chunked in [("/plain", "/chunked"), ("/gzip", "/gzip-chunked"),
                           ("/app-gzip", "/app-gzip-chunked"),
                           ("/app-gzip-encoded", "/app-gzip-encoded-chunked")]:  # fmt: skip
        _, plain_headers, plain_body = split_response(raw_exchange(mocksite.a, plain))
        _, chunked_headers, framed = split_response(raw_exchange(mocksite.a, chunked))
        chunks = dechunk(framed)
        assert len(chunks) >= 3, "several chunks, not one"
        assert b"".join(chunks) == plain_body
        assert header_values(chunked_headers, b"Content-Length") == []
        assert header_values(plain_headers, b"Content-Length") == [str(len(plain_body)).encode()]


def test_content_encoding_and_gzip_content_type_are_independent(mocksite):
    cases = {
        "/plain": (None, b"text/html; charset=utf-8", FIDELITY_PAGE),
        "/gzip": (b"gzip", b"text/html; charset=utf-8", FIDELITY_PAGE),
        "/app-gzip": (None, b"application/gzip", GZIP_FILE),
        "/app-gzip-encoded": (b"gzip", b"application/gzip", GZIP_FILE),
    }
    for target, (encoding, content_type, entity) in cases.items():
        _, headers, body = split_response(raw_exchange(mocksite.a, target))
        assert header_values(headers, b"Content-Encoding") == ([encoding] if encoding else [])
        assert header_values(headers, b"Content-Type") == [content_type]
        assert (gzip.decompress(body) if encoding else body) == entity
    assert GZIP_FILE[:2] == b"\x1f\x8b"


def test_repeated_headers_are_sent_and_recorded_in_order(mocksite):
    response, _ = get(mocksite.a, "/cookies")
    assert response.msg.get_all("Set-Cookie") == [
        "session=4f1c2e; Path=/; HttpOnly",
        "theme=dark; Path=/; Max-Age=3600; SameSite=Lax",
    ]
    (record,) = mocksite.a.sent_for("/cookies")
    assert [name for name, _ in record.headers if name in (b"Set-Cookie", b"Link")] == [
        b"Set-Cookie", b"Link", b"Set-Cookie", b"Link",
    ]  # fmt: skip
    assert header_values(record.headers, b"Vary") == [b"Accept-Encoding", b"Cookie"]


def test_non_ascii_header_bytes_are_sent_raw(mocksite):
    _, headers, _ = split_response(raw_exchange(mocksite.a, "/utf8-header"))
    disposition = header_values(headers, b"Content-Disposition")[0]
    assert b"d\xe9taill\xe9" in disposition  # latin-1
    assert header_values(headers, b"X-Caption")[0].decode("utf-8") == "Zürich — Марраск"


# -- redirects, statuses, misbehaviour --------------------------------------------------------


def test_redirects(mocksite):
    response, _ = get(mocksite.a, "/redirect")
    assert (response.status, response.getheader("Location")) == (302, "/plain")
    response, _ = get(mocksite.a, "/loop")
    assert response.getheader("Location") == "/loop"
    response, _ = get(mocksite.a, "/redirect-private")
    assert response.getheader("Location") == f"{mocksite.b.url}/secret"
    assert mocksite.b.url.startswith("http://127.0.0.2:")


def test_redirect_chain_has_exactly_n_hops(mocksite):
    target, hops = "/redirect-chain/4", 0
    while True:
        response, _ = get(mocksite.a, target)
        if response.status != 302:
            break
        target, hops = response.getheader("Location"), hops + 1
        assert hops <= 4
    assert (response.status, hops) == (200, 4)


@pytest.mark.parametrize("code", [404, 410, 500, 503])
def test_status_codes(mocksite, code):
    response, _ = get(mocksite.a, f"/status/{code}")
    assert response.status == code
    assert (response.getheader("Retry-After") is not None) == (code == 503)


def test_unknown_status_codes_are_refused(mocksite):
    assert get(mocksite.a, "/status/599")[0].status == 400
    assert get(mocksite.a, "/status/101")[0].status == 400


def test_truncated_response_promises_more_than_it_sends(mocksite):
    _, headers, body = split_response(raw_exchange(mocksite.a, "/truncated"))
    (record,) = mocksite.a.sent_for("/truncated")
    assert body == record.body == FIDELITY_PAGE
    declared = int(header_values(headers, b"Content-Length")[0])
    assert declared == len(body) + TRUNCATED_MISSING
    with pytest.raises(http.client.IncompleteRead):
        get(mocksite.a, "/truncated")


def test_no_length_response_is_delimited_by_the_close(mocksite):
    response, body = get(mocksite.a, "/no-length")
    assert response.getheader("Content-Length") is None
    assert response.getheader("Transfer-Encoding") is None
    assert body == FIDELITY_PAGE


def test_slow_waits_as_asked(mocksite):
    started = time.monotonic()
    response, _ = get(mocksite.a, "/slow?seconds=0.3")
    assert response.status == 200
    assert 0.3 <= time.monotonic() - started < 3


def test_stopping_releases_a_slow_request_at_once():
    server = MockServer("127.0.0.1").start()
    statuses = []
    def slow_request() -> None:
        statuses.append(get(server, "/slow?seconds=8")[0].status)

    client = threading.Thread(target=slow_request)
    client.start()
    time.sleep(0.5)  # let the request reach the server and start waiting
    stopped_at = time.monotonic()
    server.stop()
    client.join(3)
    assert statuses == [200], "the waiting request is answered, not dropped"
    assert time.monotonic() - stopped_at < 3, "a stopping server must not keep a client waiting"


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(mocksite):
    _, headers, body = split_response(raw_exchange(mocksite.a, "/bomb/gzip"))
    assert header_values(headers, b"Content-Encoding") == [b"gzip"]
    assert len(body) < 100_000
    inflater, inflated = zlib.decompressobj(wbits=31), 0
    for start in range(0, len(body), 4096):  # inflate piecewise: never hold 50 MB at once
        piece = body[start : start + 4096]
        while piece:
            inflated += len(inflater.decompress(piece, 1 << 20))
            piece = inflater.unconsumed_tail
    assert inflated == BOMB_SIZE


def test_head_sends_headers_only_and_records_an_empty_body(mocksite):
    wire = raw_exchange(mocksite.a, "/gzip", method="HEAD")
    status_line, headers, rest = split_response(wire)
    (record,) = mocksite.a.sent_for("/gzip")
    assert (record.method, rest, record.body) == ("HEAD", b"", b"")
    assert header_values(headers, b"Content-Encoding") == [b"gzip"]


def test_connections_are_kept_alive(mocksite):
    connection = http.client.HTTPConnection(mocksite.a.host, mocksite.a.port, timeout=TIMEOUT)
    sockets = []
    try:
        for target in ("/plain", "/gzip", "/chunked"):
            connection.request("GET", target)
            connection.getresponse().read()
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert len(mocksite.a.sent) == 3
    assert sockets[0] is not None and sockets.count(sockets[0]) == 3, "one connection for all"


def test_request_headers_are_recorded(mocksite):
    get(mocksite.a, "/plain?x=1", headers={"User-Agent": "probe/1", "If-None-Match": '"x"'})
    (record,) = mocksite.a.sent_for("/plain")
    assert record.path == "/plain?x=1"
    assert record.request_headers.get("user-agent") == "probe/1"
    assert record.request_headers.get("If-None-Match") == '"x"'
    assert mocksite.a.sent_for("/plain?x=2") == []


# -- the tiny news site -------------------------------------------------------------------------


def test_robots_disallows_private(mocksite):
    _, body = get(mocksite.a, "/robots.txt")
    assert b"Disallow: /private/\n" in body
    assert get(mocksite.a, "/private/page")[0].status == 200


def test_listing_links_articles_in_main_and_furniture_elsewhere(mocksite):
    _, body = get(mocksite.a, "/listing")
    doc = lxml.html.fromstring(body)
    main_links = doc.xpath("//section[@class='top-stories']//a/@href")
    assert main_links == [f"{mocksite.a.url}/articles/{name}" for name in ARTICLES]
    furniture = doc.xpath("//nav//a/@href | //footer//a/@href")
    assert furniture and not any("/articles/" in href for href in furniture)


def test_feeds_and_sitemaps_list_every_article(mocksite):
    urls = {f"{mocksite.a.url}/articles/{name}" for name in ARTICLES}
    rss = ElementTree.fromstring(get(mocksite.a, "/feed.xml")[1])
    assert {item.findtext("link") for item in rss.iter("item")} == urls
    assert rss.find("channel/lastBuildDate") is not None
    atom = ElementTree.fromstring(get(mocksite.a, "/atom.xml")[1])
    assert {e.text for e in atom.iter("{http://www.w3.org/2005/Atom}id")} >= urls
    sitemap = ElementTree.fromstring(get(mocksite.a, "/sitemap.xml")[1])
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert {loc.text for loc in sitemap.iter(f"{namespace}loc")} == urls
    assert b"news:publication_date" in get(mocksite.a, "/sitemap.xml")[1]
    index = ElementTree.fromstring(get(mocksite.a, "/sitemap-index.xml")[1])
    assert [loc.text for loc in index.iter(f"{namespace}loc")] == [f"{mocksite.a.url}/sitemap.xml"]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def extracted(html: bytes) -> tuple[str, str]:
    """(title, normalised body text) as trafilatura sees the page."""
    result = trafilatura.bare_extraction(html.decode(), include_comments=False, with_metadata=True)
    return result.title, normalize_text(result.text)


def test_article_v1_is_byte_stable(mocksite):
    assert get(mocksite.a, "/articles/dam-review")[1] == get(mocksite.a, "/articles/dam-review")[1]


@pytest.mark.parametrize("name", ARTICLES)
def test_twin_differs_in_every_byte_of_furniture_but_not_in_text(mocksite, name):
    original = get(mocksite.a, f"/articles/{name}")[1]
    mocksite.a.set_variant(name, "twin")
    twin = get(mocksite.a, f"/articles/{name}")[1]
    assert original != twin
    # (The stylesheet's ?v= is the site's deploy version: the same on every page, as on real
    # sites, so a page's requisites are fetched once, not once per article.)
    for marker in (b'name="csrf_token" value="', b'nonce="', b"Updated "):
        after = original.split(marker)[1][:12]
        assert after != twin.split(marker)[1][:12], marker
    assert "\u00a0".encode() in twin and "\u2019".encode() in twin
    assert extracted(original) == extracted(twin)


@pytest.mark.parametrize("name", ARTICLES)
def test_edit_changes_exactly_one_word(mocksite, name):
    original = get(mocksite.a, f"/articles/{name}")[1]
    mocksite.a.set_variant(name, "edit")
    (title_before, before), (title_after, after) = extracted(original), extracted(
        get(mocksite.a, f"/articles/{name}")[1]
    )
    assert title_before == title_after
    before, after = words(before), words(after)
    ops = difflib.SequenceMatcher(None, before, after).get_opcodes()
    changes = [(before[i1:i2], after[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal"]
    old, new = ONE_WORD_EDITS[name]
    assert changes == [([old], [new])]


@pytest.mark.parametrize("name", ARTICLES)
def test_edit_words_occur_once_in_their_article(name):
    article = story_variant(name, "v1")
    prose = " ".join([article.headline, article.standfirst, *article.paragraphs])
    assert words(prose).count(ONE_WORD_EDITS[name][0]) == 1


def test_headline_variant_changes_only_the_headline(mocksite):
    original = extracted(get(mocksite.a, "/articles/flood-count")[1])
    mocksite.a.set_variant("flood-count", "headline")
    changed = extracted(get(mocksite.a, "/articles/flood-count")[1])
    assert changed == (HEADLINE_EDITS["flood-count"], original[1])


def test_broken_variant_has_no_text_to_extract(mocksite):
    mocksite.a.set_variant("winter-warning", "broken")
    _, body = get(mocksite.a, "/articles/winter-warning")
    assert trafilatura.extract(body.decode()) is None


@pytest.mark.parametrize("name", ARTICLES)
def test_articles_cite_the_other_host_from_lede_and_body(mocksite, name):
    doc = lxml.html.fromstring(get(mocksite.a, f"/articles/{name}")[1])
    statements = f"{mocksite.b.url}/statements/"
    assert any(h.startswith(statements) for h in doc.xpath("//p[@class='standfirst']//a/@href"))
    assert any(h.startswith(statements) for h in doc.xpath("//div[@class='story-body']//a/@href"))
    outside_article = doc.xpath("//a[not(ancestor::article)]/@href")
    assert not any(h.startswith(mocksite.b.url) for h in outside_article)


def test_variants_are_validated_and_reset(mocksite):
    with pytest.raises(KeyError):
        mocksite.a.set_variant("no-such-article", "v1")
    with pytest.raises(ValueError):
        mocksite.a.set_variant("flood-count", "v2")
    mocksite.a.set_variant("flood-count", "broken")
    get(mocksite.a, "/plain")
    mocksite.reset()
    assert (mocksite.a.variant("flood-count"), mocksite.a.sent) == ("v1", [])


def test_statements_answer_conditional_requests(mocksite):
    response, body = get(mocksite.b, "/statements/2")
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert response.status == 200 and etag and modified
    assert get(mocksite.b, "/statements/2", {"If-None-Match": etag})[0].status == 304
    assert get(mocksite.b, "/statements/2", {"If-Modified-Since": modified})[0].status == 304
    assert get(mocksite.b, "/statements/2", {"If-None-Match": '"other"'})[0].status == 200
    record = mocksite.b.sent_for("/statements/2")[1]
    assert (record.status_line, record.body) == (b"HTTP/1.1 304 Not Modified", b"")


@pytest.mark.parametrize("target", CHARSET_PAGES)
def test_charset_pages_are_encoded_as_declared(mocksite, target):
    page = CHARSET_PAGES[target]
    response, body = get(mocksite.a, target)
    content_type = response.getheader("Content-Type")
    assert content_type == "text/html" + (f"; charset={page.header}" if page.header else "")
    assert body.startswith(b"\xef\xbb\xbf") == page.bom
    text = body.removeprefix(b"\xef\xbb\xbf").decode(page.encoding)
    declared = re.search(r'<meta [^>]*charset="?([\w-]+)', text)
    assert (declared and declared.group(1)) == page.meta
    assert page.text in text and page.title in text


def test_charset_conflict_body_is_not_utf8(mocksite):
    _, body = get(mocksite.a, "/charset/conflict")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
