"""Build the broken WARC fixtures in tests/data/warcs/ (run: python tests/warc_fixtures.py).

Each file is small and damaged in exactly one way that `warcio check` or a lenient reader lets
through, after webrecorder/warcio#127/#138, pywb#584, warctools#14 and ukwa/webarchive-discovery#1.
Record IDs and dates are fixed so the records are the same on every run; `FIXTURES` says what
`palimpsest verify` must find in each one.
"""

from __future__ import annotations

import gzip
import sys
from datetime import datetime, timezone
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.warc.records import CaptureRef, HttpExchange, RecordFactory  # noqa: E402
from archive.warc.writer import serialize_record  # noqa: E402

HERE = Path(__file__).resolve().parent / "data" / "warcs"
WHEN = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)
URL = "http://courier.example/news/2026/11/03/flood-count"
PAGE = (b"<!DOCTYPE html><html><head><title>Flood count</title></head><body><p>The ministry "
        b"counted 1,412 injured in the October floods.</p></body></html>")

# file name -> what verify must say about it (None: nothing, the file is sound)
FIXTURES: dict[str, str | None] = {
    "good.warc.gz": None,
    "good.warc": None,
    "truncated-record.warc.gz": "gzip member truncated",
    "truncated-gzip-trailer.warc.gz": "gzip trailer missing",
    "multi-record-member.warc.gz": "more than one record in one gzip member",
    "just-warc-header.warc.gz": "record incomplete",
    "bad-digest.warc.gz": "WARC-Block-Digest does not match",
    "chunked-labelled.warc.gz": "Transfer-Encoding: chunked, but the stored body is not chunked",
    "decoded-body-gzip-label.warc.gz": "HTTP Content-Length says",
    "missing-headers.warc.gz": "mandatory header WARC-Date is missing",
    "revisit-without-referent.warc.gz": "an identical-payload-digest revisit needs WARC-Refers-To",
    "trailing-garbage.warc.gz": "trailing garbage",
    "truncated.warc": "record truncated",
    "bad-fextra.warc.gz": "FEXTRA subfields",
}


def factory(first: int = 1) -> RecordFactory:
    ids = count(first)
    return RecordFactory(make_id=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                         clock=lambda: WHEN)


def exchange(body: bytes = PAGE, headers: list[tuple[str, str]] | None = None) -> HttpExchange:
    if headers is None:
        headers = [("Content-Type", "text/html; charset=utf-8"),
                   ("Content-Length", str(len(body)))]
    return HttpExchange(url=URL, status=200, response_headers=headers, body=body,
                        fetched_at=WHEN, request_headers=[("User-Agent", "fixture")])


def member(record) -> bytes:
    return gzip.compress(serialize_record(record, gzip_level=None), compresslevel=9, mtime=0)


def sound_records(make: RecordFactory) -> list:
    """warcinfo, request, response, and a revisit of the same payload."""
    info = make.warcinfo("fixture.warc.gz", {"software": "palimpsest fixtures"})
    response_id = make.new_id()
    ex = exchange()
    request = make.request(ex, make.new_id(), concurrent_to=response_id)
    response = make.response(ex, response_id)
    digest = response.rec_headers.get_header("WARC-Payload-Digest")
    original = CaptureRef(response_id, URL, response.rec_headers.get_header("WARC-Date"), digest)
    revisit = make.revisit_identical(ex, make.new_id(), original)
    return [info, request, response, revisit]


def build(directory: Path = HERE) -> dict[str, bytes]:
    """Write every fixture into `directory`; return their bytes by name."""
    files: dict[str, bytes] = {}
    good = [member(r) for r in sound_records(factory())]
    files["good.warc.gz"] = b"".join(good)
    files["good.warc"] = b"".join(serialize_record(r, None) for r in sound_records(factory()))
    files["truncated-record.warc.gz"] = b"".join(good[:3]) + good[3][: len(good[3]) // 2]
    files["truncated-gzip-trailer.warc.gz"] = b"".join(good[:3]) + good[3][:-8]
    raw = [serialize_record(r, None) for r in sound_records(factory())]
    files["multi-record-member.warc.gz"] = member_of(raw[0]) + member_of(raw[1] + raw[2])
    files["just-warc-header.warc.gz"] = member_of(b"WARC/1.0")
    files["bad-digest.warc.gz"] = good[0] + member_of(raw[2].replace(b"1,412", b"1,438"))
    files["chunked-labelled.warc.gz"] = good[0] + _labelled_chunked()
    files["decoded-body-gzip-label.warc.gz"] = good[0] + _decoded_with_gzip_label()
    files["missing-headers.warc.gz"] = good[0] + member_of(_without(raw[2], b"WARC-Date"))
    files["revisit-without-referent.warc.gz"] = b"".join(good[:3]) + member_of(
        _without(raw[3], b"WARC-Refers-To"))
    files["trailing-garbage.warc.gz"] = files["good.warc.gz"] + b"\x00\x00junk after the end"
    plain = files["good.warc"]
    files["truncated.warc"] = plain[: len(plain) - 30]
    files["bad-fextra.warc.gz"] = _bad_fextra(raw[0]) + b"".join(good[1:])
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return files


def member_of(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _labelled_chunked() -> bytes:
    """A de-chunked body stored under `Transfer-Encoding: chunked` (pywb#584)."""
    make = factory(first=100)  # IDs of its own: the file's warcinfo has ID 1
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")]
    return member(make.response(exchange(PAGE, headers), make.new_id()))


def _decoded_with_gzip_label() -> bytes:
    """The decoded body under the gzip headers it arrived with (warctools#14): its
    Content-Length is the compressed size and the body does not inflate."""
    make = factory(first=100)
    compressed = gzip.compress(PAGE, mtime=0)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
               ("Content-Length", str(len(compressed)))]
    return member(make.response(exchange(PAGE, headers), make.new_id()))


def _without(record: bytes, header: bytes) -> bytes:
    head, sep, rest = record.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.startswith(header + b":")]
    return b"\r\n".join(lines) + sep + rest


def _bad_fextra(data: bytes) -> bytes:
    """A gzip member whose FEXTRA length disagrees with its subfields (wget's old bug)."""
    body = gzip.compress(data, compresslevel=9, mtime=0)
    extra = b"sl\x10\x00" + b"short"  # a subfield claims 16 bytes, 5 follow
    header = body[:3] + bytes([body[3] | 0x04]) + body[4:10]
    return header + len(extra).to_bytes(2, "little") + extra + body[10:]


if __name__ == "__main__":
    for name in build():
        print(HERE / name)
