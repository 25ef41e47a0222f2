"""Build the files in tests/data/interop/ (run: python tests/interop_fixtures.py): small WARC,
WACZ and ARC files written the way other tools write them, each with the quirk issue 13 met in
that tool's own test files (warcio, pywb, py-wacz, wget, Heritrix, Webrecorder). The bytes are
ours: fictional pages, fixed record IDs and dates, so every run writes the same files (the WACZ
packages aside, which py-wacz dates; their findings are the same every time).

`CASES` says, for each file, whether `palimpsest import` takes it, what `verify FILE` finds in
it, and which page it holds.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "data" / "interop"
PAGE = (b"<!DOCTYPE html><html><head><title>North quay reopens after storm repairs</title>"
        b"</head><body><article><h1>North quay reopens after storm repairs</h1><p>The harbour "
        b"authority reopened the north quay on Tuesday, six weeks after the October storm tore "
        b"away 140 metres of its timber decking.</p><p>Repairs cost 2.3 million, the authority "
        b"said, and ferries to the outer islands resume their winter timetable on Friday."
        b"</p></article></body></html>")
EDITED = PAGE.replace(b"140 metres", b"160 metres")


@dataclass(frozen=True)
class Case:
    """What Palimpsest must make of one file."""

    tool: str  # whose files it imitates
    imported: bool  # `palimpsest import` takes it
    verify: str | None  # a phrase `verify FILE` prints (None: nothing but the summary)
    verify_fails: bool = False  # `verify FILE` exits 1
    refusal: str | None = None  # a phrase of the import's refusal
    url: str | None = None  # a page the file holds, for history and replay
    versions: int = 0  # the versions history shows for `url` after the import
    phrase: bytes = b""  # in the replayed page
    stamp: str | None = None  # its time, when `url` is a resource (no capture in history)


CASES: dict[str, Case] = {
    "webrecorder-cut-response.warc": Case(
        "Webrecorder (warcio's example-trunc.warc)", False,
        "WARC-Block-Digest does not match", True, "refused, nothing imported"),
    "liveweb-revisits.warc.gz": Case(
        "the Internet Archive's live-web writer (pywb's dupes.warc.gz)", True,
        "an identical-payload-digest revisit needs WARC-Refers-To", True,
        url="http://harbour.example/news/north-quay", versions=1, phrase=b"timber decking"),
    "warcio-payload-mismatch.warc.gz": Case(
        "warcio, its payload edited afterwards", False,
        "WARC-Payload-Digest does not match the HTTP body", True, "refused, nothing imported"),
    "pywb-cr-cr-lf.warc": Case(
        "pywb's missing-status-text.warc", False, "CR CR LF", True,
        "WARC header lines end in CR CR LF"),
    "wget-angle-brackets.warc.gz": Case(
        "wget 1.19", True, "WARC-Target-URI in angle brackets",
        url="http://harbour.example/news/north-quay", versions=1, phrase=b"timber decking"),
    "resources-only.warc.gz": Case(
        "py-wacz's example-resource.warc.gz", True, None,
        url="http://harbour.example/fares.txt", phrase=b"Winter fares", stamp="20261103093100"),
    "doubled.warc.gz": Case(
        "cat a.warc.gz a.warc.gz", False, "is also used at offset", True,
        "is also used at offset"),
    "warcio-plain.warc": Case(
        "warcio, uncompressed", True, None,
        url="http://harbour.example/news/north-quay", versions=2, phrase=b"160 metres"),
    "heritrix.arc": Case(
        "Heritrix (ARC)", False, "an ARC file", True, "warcio recompress"),
    "heritrix.arc.gz": Case(
        "Heritrix (ARC, gzipped)", False, "an ARC file", True, "warcio recompress"),
    "recompressed-arc.warc.gz": Case(
        "`warcio recompress` of an ARC file", True,
        "WARC-IP-Address shall not be used in a warcinfo record",
        url="http://harbour.example/news/north-quay", versions=1, phrase=b"timber decking"),
    "palimpsest-0.1.warc.gz": Case(
        "Palimpsest before WARC-Refers-To-Target-URI left its metadata records", True,
        "WARC-Refers-To-Target-URI shall not be used in a metadata record",
        url="http://harbour.example/news/north-quay", versions=1, phrase=b"timber decking"),
    "py-wacz.wacz": Case(
        "py-wacz (`wacz create`)", True, None,
        url="http://harbour.example/news/north-quay", versions=2, phrase=b"160 metres"),
    "tampered.wacz": Case(
        "py-wacz, a page list edited after packaging", False,
        "digest does not match datapackage.json", True, "digest does not match"),
}


def digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc(version: str, fields: list[tuple[str, str | None]], block: bytes,
         newline: bytes = b"\r\n") -> bytes:
    """One record, its fields in the order given; a None value is the block's length."""
    lines = [f"WARC/{version}".encode()]
    for name, value in fields:
        lines.append(f"{name}: {len(block) if value is None else value}".encode())
    return newline.join(lines) + newline + newline + block + newline + newline


def http(status: str, headers: list[tuple[str, str]], body: bytes = b"",
         end: bytes = b"\r\n") -> bytes:
    head = [status.encode()] + [f"{name}: {value}".encode() for name, value in headers]
    return b"\r\n".join(head) + b"\r\n" + end + body


def html_response(body: bytes, extra: list[tuple[str, str]] = ()) -> bytes:
    return http("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                    ("Content-Length", str(len(body))), *extra], body)


def members(*records: bytes) -> bytes:
    return b"".join(gzip.compress(record, compresslevel=9, mtime=0) for record in records)


def uuid(number: int, tool: int) -> str:
    return f"<urn:uuid:{tool:08x}-0000-4000-8000-{number:012d}>"


URL = "http://harbour.example/news/north-quay"


def webrecorder_cut_response() -> bytes:
    """A gzip-encoded page whose last two bytes were lost after the record was written: the
    WARC Content-Length and digests still describe the whole block."""
    info = (b"software: Webrecorder Platform v3.7\r\nformat: WARC File Format 1.0\r\n"
            b"creator: temp-HARBOUR\r\nisPartOf: Temporary%20Collection\r\n")
    body = gzip.compress(PAGE, mtime=0)
    block = html_response(body, [("Content-Encoding", "gzip")])
    cut = block[:-2]
    return (warc("1.0", [("WARC-Date", "2026-11-03T09:30:00Z"), ("WARC-Record-ID", uuid(1, 1)),
                         ("WARC-Filename", "temp-20261103093000.warc.gz"),
                         ("WARC-Type", "warcinfo"), ("Content-Type", "application/warc-fields"),
                         ("Content-Length", None)], info)
            + warc("1.0", [("WARC-Target-URI", URL), ("WARC-Date", "2026-11-03T09:30:01Z"),
                           ("WARC-Type", "response"), ("WARC-Record-ID", uuid(2, 1)),
                           ("WARC-IP-Address", "192.0.2.10"),
                           ("WARC-Block-Digest", digest(block)),
                           ("WARC-Payload-Digest", digest(body)),
                           ("Content-Type", "application/http; msgtype=response"),
                           ("Content-Length", str(len(block)))], cut)
            + warc("1.0", [("WARC-Target-URI", URL), ("WARC-Date", "2026-11-03T09:30:01Z"),
                           ("WARC-Type", "request"), ("WARC-Record-ID", uuid(3, 1)),
                           ("Content-Type", "application/http; msgtype=request"),
                           ("Content-Length", None)],
                   http("GET /news/north-quay HTTP/1.1", [("Host", "harbour.example")])))


def liveweb_revisits() -> bytes:
    """WARC/1.0 from a live-web recorder: revisits name their original by URL and date only
    (the 0.18 profile), and request blocks stop before the blank line that ends the headers."""
    info = (b"software: LiveWeb Warc Writer 1.0\r\nhost: recorder.harbour.example\r\n"
            b"isPartOf: liveweb\r\nformat: WARC file version 1.0\r\n")
    info_id = uuid(1, 2)
    block = html_response(PAGE)
    request = http("GET /news/north-quay HTTP/1.1", [("Connection", "close"),
                                                     ("Host", "harbour.example")], end=b"")
    revisit_block = http("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                             ("Content-Length", str(len(PAGE)))])
    profile = "http://netpreserve.org/warc/0.18/revisit/identical-payload-digest"

    def common(kind: str, number: int, when: str) -> list:
        return [("WARC-Type", kind), ("WARC-Record-ID", uuid(number, 2)), ("WARC-Date", when),
                ("Content-Length", None)]

    return members(
        warc("1.0", common("warcinfo", 1, "2026-11-03T09:30:00Z")
             + [("Content-Type", "application/warc-fields"),
                ("WARC-Filename", "live-20261103093000-recorder.warc.gz")], info),
        warc("1.0", common("response", 2, "2026-11-03T09:30:00Z")
             + [("Content-Type", "application/http; msgtype=response"),
                ("WARC-Payload-Digest", digest(PAGE)), ("WARC-Target-URI", URL),
                ("WARC-Warcinfo-ID", info_id)], block),
        warc("1.0", common("request", 3, "2026-11-03T09:30:00Z")
             + [("Content-Type", "application/http; msgtype=request"),
                ("WARC-Concurrent-To", uuid(2, 2)), ("WARC-Target-URI", URL),
                ("WARC-Warcinfo-ID", info_id)], request),
        warc("1.0", common("revisit", 4, "2026-11-04T09:30:00Z")
             + [("Content-Type", "application/http; msgtype=response"),
                ("WARC-Payload-Digest", digest(PAGE)), ("WARC-Target-URI", URL),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Profile", profile),
                ("WARC-Refers-To-Target-URI", URL),
                ("WARC-Refers-To-Date", "2026-11-03T09:30:00Z")], revisit_block),
        warc("1.0", common("revisit", 5, "2026-11-04T09:31:00Z")
             + [("Content-Type", "application/http; msgtype=response"),
                ("WARC-Payload-Digest", digest(b"an older page")),
                ("WARC-Target-URI", "http://harbour.example/timetable"),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Profile", profile),
                ("WARC-Refers-To-Target-URI", "http://harbour.example/timetable"),
                ("WARC-Refers-To-Date", "2026-10-01T08:00:00Z")], revisit_block))


def _warcio_fields(kind: str, number: int, when: str, block: bytes, payload: bytes | None,
                   target: str | None = URL, content_type: str = "application/http; "
                   "msgtype=response", tool: int = 3) -> list:
    fields = [("WARC-Type", kind), ("WARC-Record-ID", uuid(number, tool)), ("WARC-Date", when)]
    if target:
        fields.append(("WARC-Target-URI", target))
    if payload is not None:
        fields.append(("WARC-Payload-Digest", digest(payload)))
    return fields + [("WARC-Block-Digest", digest(block)), ("Content-Type", content_type),
                     ("Content-Length", None)]


def _warcinfo(number: int, tool: int, software: str, version: str = "1.1") -> bytes:
    info = f"software: {software}\r\nformat: WARC File Format {version}\r\n".encode()
    return warc(version, _warcio_fields("warcinfo", number, "2026-11-03T09:30:00Z", info, None,
                                        None, "application/warc-fields", tool), info)


def warcio_payload_mismatch() -> bytes:
    """The body edited after its payload digest was taken (the block digest redone)."""
    block = html_response(PAGE.replace(b"2.3 million", b"3.2 million"))
    fields = _warcio_fields("response", 2, "2026-11-03T09:30:01Z", block, PAGE)
    return members(_warcinfo(1, 3, "warcio.py/1.8.1"), warc("1.1", fields, block))


def pywb_cr_cr_lf() -> bytes:
    """Every line ends CR CR LF, as in a file that went through a text conversion."""
    block = http("HTTP/1.0 302 ", [("Location", "http://harbour.example/news/"),
                                    ("Content-Length", "0")]).replace(b"\r\n", b"\r\r\n")
    return warc("1.0", [("WARC-Type", "response"), ("WARC-Record-ID", uuid(1, 4)),
                        ("WARC-Date", "2026-11-03T09:30:00Z"), ("Content-Length", None),
                        ("Content-Type", "application/http; msgtype=response"),
                        ("WARC-Target-URI", "http://harbour.example/old")], block,
                newline=b"\r\r\n")


def wget_angle_brackets() -> bytes:
    """wget 1.19: target URIs in angle brackets, its arguments as a resource record."""
    info = (b"software: Wget/1.19.4 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
            b"conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
            b"robots: classic\r\nwget-arguments: \"--warc-file=harbour\" \"" + URL.encode()
            + b"\"\r\n")
    request = http("GET /news/north-quay HTTP/1.1", [("User-Agent", "Wget/1.19.4 (linux-gnu)"),
                                                     ("Host", "harbour.example")])
    block = html_response(PAGE)
    arguments = b"\"--warc-file=harbour\" \"" + URL.encode() + b"\"\n"

    def fields(kind, number, target, data, payload, content_type, extra=()):
        return ([("WARC-Type", kind), ("WARC-Target-URI", f"<{target}>")] if target else
                [("WARC-Type", kind)]) + [("Content-Type", content_type),
                                          ("WARC-Date", "2026-11-03T09:30:00Z"),
                                          ("WARC-Record-ID", uuid(number, 5)), *extra] + \
            ([("WARC-Payload-Digest", digest(payload))] if payload is not None else []) + \
            [("WARC-Block-Digest", digest(data)), ("Content-Length", None)]

    return members(
        warc("1.0", fields("warcinfo", 1, None, info, None, "application/warc-fields",
                           [("WARC-Filename", "harbour.warc.gz")]), info),
        warc("1.0", fields("request", 2, URL, request, None, "application/http;msgtype=request",
                           [("WARC-Warcinfo-ID", uuid(1, 5)),
                            ("WARC-Concurrent-To", uuid(3, 5))]), request),
        warc("1.0", fields("response", 3, URL, block, PAGE, "application/http;msgtype=response",
                           [("WARC-Warcinfo-ID", uuid(1, 5)),
                            ("WARC-Concurrent-To", uuid(2, 5))]), block),
        warc("1.0", fields("resource", 4,
                           "metadata://gnu.org/software/wget/warc/wget_arguments.txt",
                           arguments, None, "text/plain",
                           [("WARC-Warcinfo-ID", uuid(1, 5))]), arguments))


def resources_only() -> bytes:
    """No capture of an HTTP exchange: a warcinfo and resource records (a file as fetched, and
    a note about the crawl under a `urn:` name)."""
    fares = b"Winter fares, outer islands: adults 4.20, children 2.10.\n"
    note = b"Collected by hand from the harbour office noticeboard.\n"
    return members(
        _warcinfo(1, 6, "py-wacz-fixtures/0.1"),
        warc("1.1", _warcio_fields("resource", 2, "2026-11-03T09:31:00Z", fares, fares,
                                   "http://harbour.example/fares.txt", "text/plain", 6), fares),
        warc("1.1", _warcio_fields("resource", 3, "2026-11-03T09:31:00Z", note, note,
                                   "urn:harbour:note:1", "text/plain", 6), note))


def warcio_plain(tool: int = 7) -> bytes:
    """Uncompressed WARC/1.1 as warcio writes it: a page, then the same page edited."""
    records = [_warcinfo(1, tool, "warcio.py/1.8.1")]
    for number, (when, body) in enumerate((("2026-11-03T09:30:00Z", PAGE),
                                           ("2026-11-04T09:30:00Z", EDITED))):
        block = html_response(body)
        records.append(warc("1.1", _warcio_fields("response", 10 + number, when, block, body,
                                                  tool=tool), block))
    return b"".join(records)


def doubled() -> bytes:
    once = members(_warcinfo(1, 8, "warcio.py/1.8.1"),
                   warc("1.1", _warcio_fields("response", 2, "2026-11-03T09:30:00Z",
                                              html_response(PAGE), PAGE, tool=8),
                        html_response(PAGE)))
    return once + once


def heritrix_arc() -> list[bytes]:
    """ARC version 1, record by record: the file's own version block, then one response."""
    header = b"1 0 Heritrix\nURL IP-address Archive-date Content-type Archive-length\n"
    first = (b"filedesc://heritrix.arc 0.0.0.0 20261103093000 text/plain "
             + str(len(header)).encode() + b"\n" + header + b"\n")
    block = html_response(PAGE)
    return [first, f"{URL} 192.0.2.10 20261103093000 text/html {len(block)}\n".encode()
            + block + b"\n"]


def recompressed_arc() -> bytes:
    """What `warcio recompress` makes of an ARC: WARC/1.0, with the ARC's address on the
    warcinfo record too (WARC 1.1 keeps WARC-IP-Address off warcinfo)."""
    block = html_response(PAGE)
    return members(
        warc("1.0", [("WARC-Type", "warcinfo"), ("WARC-Record-ID", uuid(1, 9)),
                     ("WARC-Filename", "heritrix.arc"), ("WARC-IP-Address", "0.0.0.0"),
                     ("WARC-Date", "2026-11-03T09:30:00Z"), ("Content-Type", "text/plain"),
                     ("Content-Length", "0"), ("WARC-Block-Digest", digest(b""))], b""),
        warc("1.0", [("WARC-Type", "response"), ("WARC-Record-ID", uuid(2, 9)),
                     ("WARC-Target-URI", URL), ("WARC-IP-Address", "192.0.2.10"),
                     ("WARC-Date", "2026-11-03T09:30:00Z"),
                     ("Content-Type", "application/http;msgtype=response"),
                     ("Content-Length", None), ("WARC-Payload-Digest", digest(PAGE)),
                     ("WARC-Block-Digest", digest(block))], block))


def palimpsest_legacy() -> bytes:
    """Palimpsest 0.1's own records, from before its metadata and text records stopped
    carrying WARC-Refers-To-Target-URI (and before warcinfo carried the layout field)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from archive.archiver import pageinfo
    from archive.extract.article import extract_page
    from archive.extract.describe import describe_extraction

    extraction = extract_page(PAGE, URL, "text/html; charset=utf-8")
    text_hash, extra = describe_extraction(extraction, ())
    data = pageinfo(role="article", status=extraction.status, text_hash=text_hash,
                    extraction=extra)
    info = (b"software: palimpsest/0.1.0 (scrapy/2.19.0, warcio/1.8.1, trafilatura/2.3.1)\r\n"
            b"format: WARC File Format 1.1\r\nisPartOf: harbour\r\n")
    block = html_response(PAGE)
    meta = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    text = extraction.text.encode()
    side = [("WARC-Date", "2026-11-03T09:30:00.000000Z"), ("WARC-Refers-To", uuid(2, 10)),
            ("WARC-Refers-To-Target-URI", URL)]
    return members(
        warc("1.1", [("WARC-Type", "warcinfo"), ("WARC-Record-ID", uuid(1, 10)),
                     ("WARC-Date", "2026-11-03T09:30:00.000000Z"),
                     ("WARC-Filename", "harbour-20261103093000000-00001.warc.gz"),
                     ("WARC-Block-Digest", digest(info)),
                     ("Content-Type", "application/warc-fields"), ("Content-Length", None)],
             info),
        warc("1.1", [("WARC-Type", "response"), ("WARC-Record-ID", uuid(2, 10)),
                     ("WARC-Date", "2026-11-03T09:30:00.000000Z"), ("WARC-Target-URI", URL),
                     ("WARC-Payload-Digest", digest(PAGE)), ("WARC-Block-Digest", digest(block)),
                     ("Content-Type", "application/http; msgtype=response"),
                     ("Content-Length", None)], block),
        warc("1.1", [("WARC-Record-ID", uuid(3, 10)), *side, ("WARC-Type", "metadata"),
                     ("WARC-Target-URI", "urn:pageinfo:" + URL),
                     ("WARC-Payload-Digest", digest(meta)), ("WARC-Block-Digest", digest(meta)),
                     ("Content-Type", "application/json"), ("Content-Length", None)], meta),
        warc("1.1", [("WARC-Record-ID", uuid(4, 10)), *side, ("WARC-Type", "conversion"),
                     ("WARC-Target-URI", "urn:text:" + URL),
                     ("WARC-Payload-Digest", digest(text)), ("WARC-Block-Digest", digest(text)),
                     ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", None)],
             text))


def py_wacz() -> tuple[bytes, bytes]:
    """A WACZ made by py-wacz (`wacz create`) from an uncompressed warcio WARC, and the same
    package with its page list edited afterwards. py-wacz runs in a process of its own:
    importing it changes cdxj-indexer's defaults for the rest of the process."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "harbour.warc.gz"
        source.write_bytes(members(*_split_records(warcio_plain(tool=11))))
        pages = Path(scratch) / "pages.jsonl"
        pages.write_text(json.dumps({"format": "json-pages-1.0", "id": "pages",
                                     "title": "All Pages"}) + "\n" +
                         json.dumps({"url": URL, "ts": "2026-11-03T09:30:00Z",
                                     "title": "North quay reopens after storm repairs"}) + "\n")
        out = Path(scratch) / "harbour.wacz"
        subprocess.run([sys.executable, "-m", "wacz", "create", "-o", str(out), "--pages",
                        str(pages), "--copy-pages", str(source)], check=True,
                       capture_output=True, timeout=120)
        package = out.read_bytes()
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as original, \
            zipfile.ZipFile(tampered, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"North quay", b"South quay")
            copy.writestr(info, data)
    return package, tampered.getvalue()


def _split_records(blob: bytes) -> list[bytes]:
    """The records of an uncompressed WARC made here (each ends CRLF CRLF before the next)."""
    parts = blob.split(b"\r\n\r\nWARC/1.1\r\n")
    return [part + b"\r\n\r\n" if i < len(parts) - 1 else part
            for i, part in enumerate([parts[0]] + [b"WARC/1.1\r\n" + p for p in parts[1:]])]


def build(directory: Path = HERE) -> dict[str, bytes]:
    """Write every fixture into `directory`; return their bytes by name."""
    files = {
        "webrecorder-cut-response.warc": webrecorder_cut_response(),
        "liveweb-revisits.warc.gz": liveweb_revisits(),
        "warcio-payload-mismatch.warc.gz": warcio_payload_mismatch(),
        "pywb-cr-cr-lf.warc": pywb_cr_cr_lf(),
        "wget-angle-brackets.warc.gz": wget_angle_brackets(),
        "resources-only.warc.gz": resources_only(),
        "doubled.warc.gz": doubled(),
        "warcio-plain.warc": warcio_plain(),
        "heritrix.arc": b"".join(heritrix_arc()),
        "heritrix.arc.gz": members(*heritrix_arc()),  # a member per record, as Heritrix
        "recompressed-arc.warc.gz": recompressed_arc(),
        "palimpsest-0.1.warc.gz": palimpsest_legacy(),
    }
    files["py-wacz.wacz"], files["tampered.wacz"] = py_wacz()
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return files


if __name__ == "__main__":
    for name in build():
        print(HERE / name)
