"""WARC writing: exact record bytes, rollover, offsets that read back, failure and recovery."""

import errno
import gzip
import os
import zlib
from datetime import datetime, timezone
from itertools import count

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.exceptions import ArchiveWriteError
from archive.verify.recovery import member_ends, recover_directory
from archive.warc.records import CaptureRef, HttpExchange, RecordFactory
from archive.warc.writer import OPEN_SUFFIX, WarcFileWriter, serialize_record

FIXED_TIME = datetime(2026, 11, 25, 3, 4, 5, 123456, tzinfo=timezone.utc)


def fixed_factory():
    ids = count(1)
    return RecordFactory(make_id=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(ids):012d}>",
                         clock=lambda: FIXED_TIME)


def exchange(body=b"<p>hello</p>", url="http://127.0.0.1:8000/a?x=1", **extra):
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"),
               ("Set-Cookie", "b=2"), ("Content-Length", str(len(body)))]
    return HttpExchange(url=url, status=200, response_headers=headers, body=body,
                        fetched_at=FIXED_TIME, request_headers=[("User-Agent", "test")], **extra)


def test_response_record_is_byte_exact():
    factory = fixed_factory()
    record = factory.response(exchange(), "<urn:uuid:00000000-0000-0000-0000-000000000099>")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: a=1\r\n"
            b"Set-Cookie: b=2\r\nContent-Length: 12\r\n\r\n<p>hello</p>")
    expected = (
        b"WARC/1.1\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000099>\r\n"
        b"WARC-Date: 2026-11-25T03:04:05.123456Z\r\n"
        b"WARC-Type: response\r\n"
        b"WARC-Target-URI: http://127.0.0.1:8000/a?x=1\r\n"
        b"WARC-Payload-Digest: sha1:" + _b32sha1(b"<p>hello</p>") + b"\r\n"
        b"WARC-Block-Digest: sha1:" + _b32sha1(http) + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(http)).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"
    )
    assert serialize_record(record, gzip_level=None) == expected


def _b32sha1(data: bytes) -> bytes:
    import base64
    import hashlib
    return base64.b32encode(hashlib.sha1(data).digest())


def test_non_ascii_header_bytes_survive_exactly():
    factory = fixed_factory()
    ex = exchange()
    ex.response_headers.append(("Content-Disposition", "inline; filename=\xe9t\xe9.html"))
    raw = serialize_record(factory.response(ex, factory.new_id()), gzip_level=None)
    assert b"filename=\xe9t\xe9.html\r\n" in raw


def test_each_record_is_one_gzip_member(tmp_path):
    writer = WarcFileWriter(tmp_path, "t", fixed_factory())
    factory = writer.factory
    ex = exchange()
    response_id = factory.new_id()
    locations = writer.write_group([factory.request(ex, factory.new_id(), response_id),
                                    factory.response(ex, response_id)])
    writer.close()
    path = tmp_path / locations[0].filename
    data = path.read_bytes()
    with path.open("rb") as stream:
        ends = list(member_ends(stream))
    assert len(ends) == 3  # warcinfo, request, response
    assert ends[-1] == len(data)
    for location in locations:
        member = data[location.offset:location.offset + location.length]
        assert zlib.decompressobj(31).decompress(member).startswith(b"WARC/1.1\r\n")


def test_request_record_keeps_query_and_points_at_response(tmp_path):
    factory = fixed_factory()
    record = factory.request(exchange(), "<urn:uuid:r>", concurrent_to="<urn:uuid:resp>")
    raw = serialize_record(record, gzip_level=None)
    assert b"WARC-Concurrent-To: <urn:uuid:resp>\r\n" in raw
    assert b"\r\n\r\nGET /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: test\r\n" in raw


def test_revisit_record_is_spec_complete():
    factory = fixed_factory()
    original = CaptureRef("<urn:uuid:orig>", "http://x.example/", "2026-11-24T00:00:00Z",
                          "sha1:ABC")
    raw = serialize_record(factory.revisit_identical(exchange(), "<urn:uuid:rv>", original),
                           gzip_level=None)
    for line in (b"WARC-Type: revisit", b"WARC-Refers-To: <urn:uuid:orig>",
                 b"WARC-Refers-To-Target-URI: http://x.example/",
                 b"WARC-Refers-To-Date: 2026-11-24T00:00:00Z",
                 b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
                 b"WARC-Payload-Digest: sha1:ABC", b"WARC-Truncated: length"):
        assert line + b"\r\n" in raw
    assert not raw.rstrip(b"\r\n").endswith(b"<p>hello</p>")  # headers only, no payload


def test_rollover_files_within_limit_and_offsets_read_back(tmp_path):
    limit = 20_000
    writer = WarcFileWriter(tmp_path, "roll", RecordFactory(), max_bytes=limit)
    factory = writer.factory
    written = []
    for number in range(1000):
        ex = exchange(body=os.urandom(50) + b"%d" % number, url=f"http://h.example/{number}")
        response_id = factory.new_id()
        locations = writer.write_group([factory.request(ex, factory.new_id(), response_id),
                                        factory.response(ex, response_id)])
        written.append((response_id, locations[1]))
    writer.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 5 and not list(tmp_path.glob(f"*{OPEN_SUFFIX}"))
    biggest_group = max(loc.length for _, loc in written) * 2
    ids = set()
    for path in files:
        assert path.stat().st_size <= limit + biggest_group
        with path.open("rb") as stream:
            records = list(ArchiveIterator(stream, check_digests=True))
        assert records[0].rec_type == "warcinfo"
        for record in records:
            ids.add(record.rec_headers.get_header("WARC-Record-ID"))
    assert len(ids) == 1000 * 2 + len(files)
    for response_id, location in written:
        with (tmp_path / location.filename).open("rb") as stream:
            stream.seek(location.offset)
            record = next(iter(ArchiveIterator(stream, check_digests="raise")))
            record.content_stream().read()
            assert record.rec_headers.get_header("WARC-Record-ID") == response_id
            assert stream.tell() >= location.offset + location.length - 64


def test_disk_full_rolls_back_the_record(tmp_path, monkeypatch):
    writer = WarcFileWriter(tmp_path, "full", RecordFactory())
    factory = writer.factory
    writer.write(factory.response(exchange(), factory.new_id()))
    open_file = next(tmp_path.glob(f"*{OPEN_SUFFIX}"))
    size_before = open_file.stat().st_size
    real_write = os.write
    calls = count()

    def failing_write(fd, data):
        if next(calls) == 0:
            real_write(fd, bytes(data)[: len(data) // 2])  # half the record reaches the disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(ArchiveWriteError, match="No space left"):
        writer.write(factory.response(exchange(b"big" * 1000), factory.new_id()))
    monkeypatch.setattr(os, "write", real_write)
    assert open_file.stat().st_size == size_before
    writer.close()
    with next(tmp_path.glob("*.warc.gz")).open("rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream, check_digests="raise")]
    assert kinds == ["warcinfo", "response"]


def test_recovery_cuts_a_torn_record_and_renames(tmp_path):
    writer = WarcFileWriter(tmp_path, "crash", RecordFactory())
    factory = writer.factory
    for number in range(3):
        writer.write(factory.response(exchange(b"x%d" % number), factory.new_id()))
    writer.sync()
    open_file = next(tmp_path.glob(f"*{OPEN_SUFFIX}"))
    whole = open_file.stat().st_size
    with open_file.open("ab") as stream:  # a crash in the middle of the next record
        stream.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" * 50)[:40])
    results = recover_directory(tmp_path)
    assert len(results) == 1 and not results[0].quarantined
    final = results[0].path
    assert final.name.endswith(".warc.gz") and final.stat().st_size == whole
    with final.open("rb") as stream:
        assert len(list(ArchiveIterator(stream, check_digests="raise"))) == 4


def test_recovery_quarantines_a_file_with_no_complete_record(tmp_path):
    broken = tmp_path / "x-20260101000000000-00001.warc.gz.open"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    [result] = recover_directory(tmp_path)
    assert result.quarantined and result.path.name.endswith(".warc.gz.invalid")
    assert not list(tmp_path.glob("*.warc.gz"))
