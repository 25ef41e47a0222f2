"""The replay CDXJ without pywb: incremental merges, 304 revisits, damaged input, reindex."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from itertools import count

from cdxj_indexer.main import write_cdx_index
from crawling import palimpsest

from archive.archiver import Archiver
from archive.replay import cdxj
from archive.replay.cdxj import update_cdxj
from archive.store.layout import DataLayout
from archive.verify.files import check_file
from archive.verify.recovery import member_ends
from archive.warc.records import HttpExchange, RecordFactory

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
URLS = [f"http://127.0.0.1:9/news/{name}" for name in ("alpha", "bravo", "charlie")]


def crawl_session(data, minute: int, bodies: dict[str, bytes], status: int = 200,
                  headers=None) -> list:
    """One Archiver session (one WARC file) capturing each URL once at T0 + `minute`."""
    when = T0 + timedelta(minutes=minute)
    archiver = Archiver(data, "test", clock=lambda: when)
    results = []
    try:
        for number, (url, body) in enumerate(bodies.items()):
            results.append(archiver.capture(HttpExchange(
                url=url, status=status, body=body, fetched_at=when + timedelta(seconds=number),
                response_headers=headers or [("Content-Type", "text/html; charset=utf-8")])))
    finally:
        archiver.close()
    return results


def cdxj_text(data) -> str:
    return DataLayout(data).cdxj_path("test").read_text()


def indexer_output(data, tmp_path) -> str:
    """What cdxj-indexer makes of all the files at once, sorted (pywb's own tooling)."""
    out = tmp_path / "reference.cdxj"
    files = [str(path) for path in DataLayout(data).warc_files("test")]
    write_cdx_index(str(out), files, {"sort": True})
    return out.read_text()


def test_merging_run_by_run_gives_what_indexing_everything_at_once_gives(tmp_path, monkeypatch):
    data = tmp_path / "data"
    reads = []
    real = cdxj.index_lines
    monkeypatch.setattr(cdxj, "index_lines",
                        lambda path, start, *rest: reads.append((path.name, start))
                        or real(path, start, *rest))
    for run in range(4):
        crawl_session(data, run * 10, {url: b"<p>%s run %d</p>" % (url.encode(), run % 2)
                                       for url in URLS})
        reads.clear()
        update = update_cdxj(data, "test")
        assert update.problems == []
        assert update.added == len(URLS)  # one response or revisit line per URL and run
        files = [path.name for path in DataLayout(data).warc_files("test")]
        # The new file is read whole; older files only from their last listed record on.
        starts = dict(reads)
        assert starts[files[-1]] == 0
        assert all(starts.get(name, 1) > 0 for name in files[:-1])
    text = cdxj_text(data)
    assert text == indexer_output(data, tmp_path)
    assert text.splitlines() == sorted(text.splitlines())
    assert sum('"mime": "warc/revisit"' in line for line in text.splitlines()) == 2 * len(URLS)


def test_an_update_with_nothing_new_changes_nothing(tmp_path):
    data = tmp_path / "data"
    crawl_session(data, 0, {url: b"body" for url in URLS})
    update_cdxj(data, "test")
    before = cdxj_text(data)
    again = update_cdxj(data, "test")
    assert again.added == 0 and again.problems == []
    assert cdxj_text(data) == before


def test_a_304_is_listed_with_the_response_it_confirms(tmp_path):
    data = tmp_path / "data"
    [ok] = crawl_session(data, 0, {URLS[0]: b"<p>statement</p>"},
                         headers=[("Content-Type", "text/html"), ("ETag", '"s1"')])
    [not_modified] = crawl_session(data, 10, {URLS[0]: b""}, status=304,
                                   headers=[("ETag", '"s1"')])
    assert not_modified.kind == "not-modified" and not_modified.refers_to.record_id == ok.record_id
    update_cdxj(data, "test")
    lines = [line.split(" ", 2) for line in cdxj_text(data).splitlines()
             if f'"url": "{URLS[0]}"' in line]
    (_, first_ts, first), (_, second_ts, second) = lines
    first, second = json.loads(first), json.loads(second)
    assert second_ts == "20261120081000" and first_ts == "20261120080000"
    # Served as the 200 it confirms (pywb replays any 3xx record as an empty redirect) ...
    for key in ("filename", "offset", "length", "status", "mime", "digest"):
        assert second[key] == first[key]
    # ... while its own record stays findable, so the next update knows where it stopped.
    assert second["record_filename"] != first["filename"]
    assert int(second["record_offset"]) > 0


def test_a_damaged_cdxj_is_rebuilt_from_the_warcs(tmp_path):
    data = tmp_path / "data"
    crawl_session(data, 0, {url: b"body" for url in URLS})
    update_cdxj(data, "test")
    good = cdxj_text(data)
    path = DataLayout(data).cdxj_path("test")
    for damage in ("not a cdxj line\n", "\n".join(reversed(good.splitlines())) + "\n"):
        path.write_text(damage)
        update = update_cdxj(data, "test")
        assert update.problems == []
        assert cdxj_text(data) == good


def test_a_damaged_warc_is_reported_and_the_rest_still_indexed(tmp_path):
    """64 zero bytes inside one known gzip member of one file. The records are byte-exact
    (fixed IDs and clock), so the damage is the same on every run: at this place warcio (and
    so cdxj-indexer on its own) reads on without an error and lists a line for the file."""
    data = tmp_path / "data"
    ids = count(1)
    factory = RecordFactory(make_id=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                            clock=lambda: T0)
    archiver = Archiver(data, "test", clock=lambda: T0, factory=factory)
    for url, body in ((URLS[0], b"<p>first file, a paragraph of the article</p>" * 20),
                      (URLS[1], b"<p>second</p>")):
        archiver.capture(HttpExchange(url=url, status=200, body=body, fetched_at=T0,
                                      response_headers=[("Content-Type", "text/html")]))
    archiver.close()
    crawl_session(data, 10, {URLS[2]: b"second file"})
    first, second = DataLayout(data).warc_files("test")
    with first.open("rb") as stream:
        _, request_end, response_end, *_ = member_ends(stream)
    blob = first.read_bytes()
    damage = request_end + 268  # inside the first response's member (warcinfo, request, ...)
    assert damage + 64 < response_end
    first.write_bytes(blob[:damage] + bytes(64) + blob[damage + 64:])
    update = update_cdxj(data, "test")
    assert len(update.problems) == 1
    assert update.problems[0].startswith(f"{first.name}: damaged at byte {request_end} ")
    text = cdxj_text(data)
    assert f'"url": "{URLS[2]}"' in text  # the other file is whole, and indexed
    assert f'"url": "{URLS[0]}"' not in text  # the damaged record never is
    # verify says the same of the file.
    assert check_file(first).defects[0].offset == request_end


def test_reindex_rebuilds_the_cdxj(tmp_path):
    data = tmp_path / "data"
    crawl_session(data, 0, {url: b"body" for url in URLS})
    crawl_session(data, 10, {url: b"body" for url in URLS})
    update_cdxj(data, "test")
    good = cdxj_text(data)
    DataLayout(data).cdxj_path("test").write_text(good.splitlines()[0] + "\n")  # stale
    result = palimpsest("reindex", "--data", str(data))
    assert "replay index of test: 6 lines" in result.stdout
    assert cdxj_text(data) == good


def test_content_encodings_are_indexed_without_decoding(tmp_path):
    """A br body (Scrapy asks for br) or a gzip bomb is indexed from headers, never inflated."""
    import gzip

    import brotli

    data = tmp_path / "data"
    crawl_session(data, 0, {URLS[0]: brotli.compress(b"<p>brotli</p>" * 100)},
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "br")])
    crawl_session(data, 10, {URLS[1]: gzip.compress(bytes(64 * 1024 * 1024), mtime=0)},
                  headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    update = update_cdxj(data, "test")
    assert update.problems == [] and update.added == 2


def test_lines_beyond_the_memory_limit_are_sorted_on_disk_and_merged_the_same(tmp_path,
                                                                               monkeypatch):
    data = tmp_path / "data"
    for run in range(3):
        crawl_session(data, run * 10, {url: b"<p>%s run %d</p>" % (url.encode(), run)
                                       for url in URLS})
    spilled = []
    real_spill = cdxj.SortedRuns._spill

    def spill(self):
        spilled.append(len(self.lines))
        real_spill(self)

    monkeypatch.setattr(cdxj, "RUN_LINES", 3)
    monkeypatch.setattr(cdxj.SortedRuns, "_spill", spill)
    update = update_cdxj(data, "test")
    assert update.problems == [] and spilled and set(spilled) == {3}
    text = cdxj_text(data)
    assert text == indexer_output(data, tmp_path)
    # The runs are gone: only the CDXJ is left beside it.
    assert [path.name for path in (data / "collections/test/indexes").iterdir()] == ["index.cdxj"]
