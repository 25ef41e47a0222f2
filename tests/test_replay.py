"""Replay through pywb itself: real crawls of the mock site, pywb started by `palimpsest replay`.

One pywb serves the whole module (it takes a few seconds to start). Bodies are fetched in pywb's
`id_` mode, which returns the archived payload untouched, and compared with what the mock server
sent.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cdxj_indexer.main import write_cdx_index
from crawling import crawl, write_seeds
from inprocess import cli
from mockserver.stories import STORIES
from replaying import Replay, get, start_replay
from warcio.capture_http import capture_http

from archive.archiver import Archiver
from archive.replay.cdxj import update_cdxj
from archive.replay.urls import replay_url
from archive.warc.records import HttpExchange

ARTICLE = "/articles/flood-count"
STATEMENT = "/statements/1"
IMPORTED = "/articles/dam-review"
BROKEN_URL = "http://127.0.0.1:9/news/broken-demo"
BROKEN_TIMES = [datetime(2026, 1, 2, 3, 4, 5 + 10 * n, tzinfo=timezone.utc) for n in range(3)]


@dataclass
class Archive:
    data: Path
    replay: Replay
    article: str
    sent: list  # the mock server's three answers for the article, in crawl order
    gzip_url: str
    gzip_sent: object
    statement: str
    statement_sent: list  # the 200 and the 304
    imported: str
    imported_sent: object
    cdxj_lines_per_crawl: list[int] = field(default_factory=list)
    cdxj_after_crawls: str = ""
    cdxj_expected: str = ""


def _next_second() -> None:
    """Wait for the next whole second: captures of one URL then never share a timestamp."""
    time.sleep(1.0 - time.time() % 1.0 + 0.01)


def _exchange(url: str, sent) -> HttpExchange:
    """What the mock server sent, as an archive exchange (the crawler's view of it)."""
    _, status, *reason = sent.status_line.decode("latin-1").strip().split(" ", 2)
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in sent.headers]
    return HttpExchange(url=url, status=int(status), response_headers=headers, body=sent.body,
                        reason=reason[0] if reason else None)


def _capture_not_modified(data: Path, mocksite) -> tuple[str, list]:
    """A 200 and a 304 of a statement (with its ETag), archived as the crawler would."""
    url = mocksite.a.url + STATEMENT
    with urllib.request.urlopen(url) as first:
        etag = first.headers["ETag"]
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request)
    except urllib.error.HTTPError as answer:
        assert answer.code == 304
    sent = mocksite.a.sent_for(STATEMENT)
    when = datetime.now(timezone.utc).replace(microsecond=0)
    archiver = Archiver(data, "test", clock=lambda: when)
    try:
        for number, exchange in enumerate(sent):
            archived = _exchange(url, exchange)
            archived.fetched_at = when + timedelta(seconds=5 * number)
            archiver.capture(archived)
    finally:
        archiver.close()
    return url, sent


def _broken_collection(data: Path) -> None:
    """Three captures of one page, one file each; then the second is damaged, the third lost."""
    for number, moment in enumerate(BROKEN_TIMES):
        archiver = Archiver(data, "broken", clock=lambda moment=moment: moment)
        body = f"<html><body><p>Broken-collection capture {number}.</p></body></html>".encode()
        archiver.capture(HttpExchange(url=BROKEN_URL, status=200, body=body, fetched_at=moment,
                                      response_headers=[("Content-Type", "text/html")]))
        archiver.close()
    assert not update_cdxj(data, "broken").problems
    files = sorted((data / "collections/broken/archive").glob("*.warc.gz"))
    damaged = files[1].read_bytes()
    middle = len(damaged) // 2
    files[1].write_bytes(damaged[:middle] + bytes(400) + damaged[middle + 400:])
    files[2].unlink()


def _import_capture_http(base: Path, data: Path, mocksite) -> tuple[str, object]:
    """A WARC written by warcio's own capture_http, imported into the collection "imported"."""
    url = mocksite.a.url + IMPORTED
    warc = base / "elsewhere.warc.gz"
    with capture_http(str(warc)):
        urllib.request.urlopen(url).read()
    [sent] = mocksite.a.sent_for(IMPORTED)
    cli("import", str(warc), "--collection", "imported", "--data", str(data))
    return url, sent


def _cdxj(data: Path, collection: str = "test") -> str:
    return (data / "collections" / collection / "indexes" / "index.cdxj").read_text()


@pytest.fixture(scope="module")
def archive(tmp_path_factory, mocksite):
    mocksite.reset()
    base = tmp_path_factory.mktemp("replay")
    data = base / "data"
    article, gzip_url = mocksite.a.url + ARTICLE, mocksite.a.url + "/gzip"
    seeds = write_seeds(base / "seeds.toml", [(article, "page"), (gzip_url, "page")], sources=0)
    lines_per_crawl = []
    for variant in ("v1", "v1", "edit"):  # a response, a revisit, an edited response
        mocksite.a.set_variant("flood-count", variant)
        crawl(seeds, data, "--all")
        lines_per_crawl.append(sum(f'"url": "{article}"' in line
                                   for line in _cdxj(data).splitlines()))
        _next_second()
    cdxj_after_crawls = _cdxj(data)
    expected = base / "expected.cdxj"
    write_cdx_index(str(expected), sorted(str(p) for p in (data / "collections/test/archive")
                                          .glob("*.warc.gz")), {"sort": True})
    sent, [gzip_sent, *_] = mocksite.a.sent_for(ARTICLE), mocksite.a.sent_for("/gzip")
    # Written straight to WARC, not through a crawl: `palimpsest replay` must index them.
    statement, statement_sent = _capture_not_modified(data, mocksite)
    _broken_collection(data)
    imported, imported_sent = _import_capture_http(base, data, mocksite)
    replay = start_replay(data)
    try:
        yield Archive(data, replay, article, sent, gzip_url, gzip_sent, statement,
                      statement_sent, imported, imported_sent, lines_per_crawl,
                      cdxj_after_crawls, expected.read_text())
    finally:
        replay.stop()


def captures(archive: Archive, url: str) -> list[dict]:
    result = cli("history", url, "--json", "--data", str(archive.data), "--replay-base",
                 archive.replay.url)
    return json.loads(result.stdout)["captures"]


def raw(replay_url: str, capture: dict, **headers) -> tuple[int, dict, bytes]:
    """Fetch a capture in pywb's id_ mode: the archived payload, not rewritten."""
    stamp = capture["fetched_at"][:19].replace("-", "").replace(":", "").replace("T", "")
    assert f"/{stamp}/" in replay_url
    return get(replay_url.replace(f"/{stamp}/", f"/{stamp}id_/", 1), headers)


def memento_second(headers: dict) -> str:
    moment = datetime.strptime(headers["memento-datetime"], "%a, %d %b %Y %H:%M:%S GMT")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def test_each_crawl_merges_its_captures_into_a_sorted_cdxj(archive):
    assert archive.cdxj_lines_per_crawl == [1, 2, 3]
    # Merged run by run, the file equals cdxj-indexer's sorted index of all the files at once.
    assert archive.cdxj_after_crawls == archive.cdxj_expected
    lines = archive.cdxj_after_crawls.splitlines()
    assert lines == sorted(lines)


def test_two_captures_of_an_article_replay_as_the_server_sent_them(archive):
    first, _, edited = captures(archive, archive.article)
    assert (first["kind"], edited["kind"]) == ("response", "response")
    assert archive.sent[0].body != archive.sent[2].body  # the edit changed the page
    for capture, sent in ((first, archive.sent[0]), (edited, archive.sent[2])):
        status, headers, body = raw(capture["replay_url"], capture)
        assert status == 200
        assert body == sent.body
        assert memento_second(headers) == capture["fetched_at"][:19]


def test_a_revisit_replays_the_payload_it_refers_to(archive):
    _, revisit, _ = captures(archive, archive.article)
    assert revisit["kind"] == "revisit"
    status, headers, body = raw(revisit["replay_url"], revisit)
    assert status == 200
    assert body == archive.sent[1].body == archive.sent[0].body
    assert memento_second(headers) == revisit["fetched_at"][:19]  # the revisit's own time


def test_a_content_encoded_capture_replays_byte_for_byte(archive):
    [capture, *_] = captures(archive, archive.gzip_url)
    status, headers, body = raw(capture["replay_url"], capture, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert body == archive.gzip_sent.body  # gzip bytes exactly as the server sent them


def test_a_304_revisit_replays_the_page_it_confirmed(archive):
    """The 304 replays the page it said was unchanged, labelled with the time those bytes were
    captured. Both captures were written without a crawl, so this also shows that
    `palimpsest replay` indexes what the CDXJ lacks before it serves."""
    ok, not_modified = captures(archive, archive.statement)
    assert (ok["kind"], not_modified["kind"]) == ("response", "not-modified")
    assert archive.statement_sent[1].status_line.startswith(b"HTTP/1.1 304")
    status, headers, body = raw(not_modified["replay_url"], not_modified)
    assert status == 200
    assert body == archive.statement_sent[0].body and body
    assert memento_second(headers) == ok["fetched_at"][:19]


def test_replay_is_framed(archive):
    capture = captures(archive, archive.article)[0]
    status, _, top = get(capture["replay_url"])
    assert status == 200
    headline = STORIES["flood-count"].headline.encode()
    assert b"wb_frame.js" in top and headline not in top  # the frame, not the page
    framed_page = capture["replay_url"].replace(f"/{_stamp(capture)}/", f"/{_stamp(capture)}mp_/")
    status, _, inner = get(framed_page)
    assert status == 200 and b"WB Insert" in inner and headline in inner


def _stamp(capture: dict) -> str:
    return capture["fetched_at"][:19].replace("-", "").replace(":", "").replace("T", "")


def test_metadata_and_text_records_do_not_shadow_the_page(archive):
    """The urn:pageinfo: and urn:text: records sit under their own keys: pywb's index lists
    only the HTTP captures under the page's URL."""
    query = f"{archive.replay.url}/test/cdx?output=json&url={archive.article}"
    status, _, body = get(query)
    assert status == 200
    rows = [json.loads(line) for line in body.splitlines()]
    assert [row["mime"] for row in rows] == ["text/html", "warc/revisit", "text/html"]
    assert all(row["url"] == archive.article for row in rows)
    assert f"urn:pageinfo:{archive.article}".encode() in _cdxj(archive.data).encode()


def test_an_unreadable_capture_gets_an_error_page_not_a_neighbour(archive):
    good, damaged, missing = captures(archive, BROKEN_URL)
    status, _, body = raw(good["replay_url"], good)
    assert status == 200 and b"capture 0" in body
    for capture in (damaged, missing):
        status, _, body = raw(capture["replay_url"], capture)
        assert status == 503
        assert b'id="palimpsest-error"' in body and b"cannot be replayed" in body
        assert b"capture 0" not in body  # no other capture shown in its place
        assert str(archive.data).encode() not in body  # no server paths
    status, _, body = raw(good["replay_url"], good)  # pywb is still up
    assert status == 200 and b"capture 0" in body


def test_an_imported_capture_replays(archive):
    [capture] = captures(archive, archive.imported)
    assert capture["collection"] == "imported" and "/imported/" in capture["replay_url"]
    status, _, body = raw(capture["replay_url"], capture)
    assert status == 200 and body == archive.imported_sent.body


def test_replay_can_serve_one_collection(archive):
    replay = start_replay(archive.data, "--collection", "broken")
    try:
        good = captures(archive, BROKEN_URL)[0]
        status, _, body = raw(good["replay_url"].replace(archive.replay.url, replay.url), good)
        assert status == 200 and b"capture 0" in body
        article = captures(archive, archive.article)[0]
        status, _, body = raw(article["replay_url"].replace(archive.replay.url, replay.url),
                              article)
        assert status == 404 and b"No such collection" in body
    finally:
        replay.stop()
    assert replay.process.returncode == 0
    with pytest.raises(OSError):  # pywb went down with the command
        urllib.request.urlopen(replay.url + "/", timeout=5)


def test_every_demo_capture_replays_at_its_time(demo_run):
    """The issue's done-when: after the demo, replay serves each capture at its own time."""
    data, said = demo_run
    assert f"palimpsest replay --data {data}" in said
    db = sqlite3.connect(data / "index.sqlite")
    # A 304 (server-not-modified revisit) replays as the response it confirmed, under that
    # response's time: pywb would replay a 3xx record as an empty page.
    rows = db.execute(
        "SELECT c.url, c.fetched_at, c.collection, coalesce(o.status, c.status), "
        "coalesce(o.fetched_at, c.fetched_at) FROM captures c LEFT JOIN captures o "
        "ON c.kind = 'not-modified' AND o.record_id = c.refers_to").fetchall()
    db.close()
    assert len(rows) > 30
    replay = start_replay(data)
    try:
        for url, fetched_at, collection, status, served_at in rows:
            capture = {"fetched_at": fetched_at}
            code, headers, body = raw(replay_url(collection, fetched_at, url, replay.url),
                                      capture)
            assert code == status, (url, fetched_at)
            assert memento_second(headers) == served_at[:19], (url, fetched_at)
    finally:
        replay.stop()
