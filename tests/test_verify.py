"""`palimpsest verify`: broken WARCs rejected with a reason, index rows checked, repair."""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from crawling import palimpsest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inprocess import cli
from warc_fixtures import FIXTURES, build

from archive.archiver import Archiver, pageinfo
from archive.exceptions import CorruptArchiveError, NotFoundError
from archive.index import open_index
from archive.store.layout import DataLayout
from archive.verify.data import verify_data
from archive.verify.files import check_file
from archive.verify.recovery import recover_open_file
from archive.versions.history import version_at
from archive.warc.records import CaptureRef, HttpExchange, RecordFactory
from archive.warc.writer import OPEN_SUFFIX, WarcFileWriter, serialize_record

FIXTURE_DIR = Path(__file__).parent / "data" / "warcs"
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
URL = "http://news.example/a"


@pytest.mark.parametrize("name, expected", sorted(FIXTURES.items()))
def test_case13_each_broken_warc_is_rejected_with_its_reason(name, expected):
    result = cli("verify", str(FIXTURE_DIR / name), check=False)
    if expected is None:
        assert result.exit_code == 0 and result.stdout == "", result.stdout
        return
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{FIXTURE_DIR / name}:") for line in lines)
    assert any(expected in line for line in lines), lines


@pytest.mark.parametrize("name", ["truncated-gzip-trailer.warc.gz", "truncated-record.warc.gz",
                                  "chunked-labelled.warc.gz", "just-warc-header.warc.gz"])
def test_case13_warcio_check_alone_lets_these_through(name, capsys):
    """Why verify reads gzip and HTTP itself (warcio#138): warcio's own check passes them."""
    from warcio.cli import main as warcio_main

    with pytest.raises(SystemExit) as finished:  # `warcio check` ends by sys.exit(status)
        warcio_main(["check", str(FIXTURE_DIR / name)])
    assert finished.value.code == 0, capsys.readouterr()


def test_fixtures_are_rebuilt_by_their_script(tmp_path):
    rebuilt = build(tmp_path)
    assert sorted(rebuilt) == sorted(FIXTURES) == sorted(p.name for p in FIXTURE_DIR.iterdir())
    for name in FIXTURES:
        committed, fresh = check_file(FIXTURE_DIR / name), check_file(tmp_path / name)
        assert [(d.offset, d.problem) for d in committed.defects] == \
            [(d.offset, d.problem) for d in fresh.defects], name
        if name.endswith(".gz"):
            assert _inflate_all(FIXTURE_DIR / name) == _inflate_all(tmp_path / name)


def _inflate_all(path: Path) -> bytes:
    import zlib
    data, out = path.read_bytes(), b""
    while data.startswith(b"\x1f\x8b"):
        inflater = zlib.decompressobj(31)
        try:
            out += inflater.decompress(data)
        except zlib.error:
            break
        data = inflater.unused_data
    return out + data


def test_verify_json_lists_defects_with_file_offset_and_kind():
    result = cli("verify", "--json", str(FIXTURE_DIR / "chunked-labelled.warc.gz"),
                 str(FIXTURE_DIR / "bad-digest.warc.gz"), check=False)
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["files"] == 2
    kinds = {(Path(d["file"]).name, d["kind"]) for d in report["defects"]}
    assert kinds == {("chunked-labelled.warc.gz", "consistency"),
                     ("bad-digest.warc.gz", "structure")}
    assert all(isinstance(d["offset"], int) for d in report["defects"])


def test_the_verdict_line_counts_in_words(tmp_path):
    one = cli("verify", str(FIXTURE_DIR / "good.warc.gz"), check=False)
    assert re.fullmatch(r"verified 1 WARC file, \d+ records: no defects\n", one.stderr)
    page = tmp_path / "page.html"
    page.write_text("<p>not a WARC</p>", encoding="utf-8")
    bad = cli("verify", str(page), check=False)
    assert bad.exit_code == 1 and bad.stderr.endswith(": 1 defect\n")


def test_repair_needs_a_data_folder_not_files():
    result = cli("verify", "--repair", str(FIXTURE_DIR / "good.warc.gz"), check=False)
    assert result.exit_code == 2


# -- the WARC reader and verifier, property-tested --------------------------------------------

def make_factory():
    """Fixed record IDs and dates: the same input writes the same bytes (hypothesis replays)."""
    ids = iter(range(1, 10**6))
    return RecordFactory(make_id=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                         clock=lambda: T0)


bodies = st.binary(max_size=3000)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255,
                                               blacklist_characters="\x7f"), max_size=40)


@st.composite
def exchanges(draw):
    body = draw(bodies)
    headers = [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]
    headers += [(f"X-H{i}", value.strip()) for i, value in enumerate(draw(
        st.lists(header_values, max_size=3)))]
    path = draw(st.text(alphabet="abcxyz019-_/%", max_size=20))
    return HttpExchange(url=f"http://news.example/{path}", status=draw(
        st.sampled_from([200, 404, 500, 301])), response_headers=headers, body=body,
        fetched_at=T0)


def write_file(directory: Path, items, described: bool = False) -> Path:
    writer = WarcFileWriter(directory, "prop", make_factory(), clock=lambda: T0)
    factory = writer.factory
    for ex in items:
        response_id = factory.new_id()
        group = [factory.request(ex, factory.new_id(), concurrent_to=response_id),
                 factory.response(ex, response_id)]
        if described:  # and the metadata and text records of every kind Palimpsest writes
            date = group[1].rec_headers.get_header("WARC-Date")
            digest = group[1].rec_headers.get_header("WARC-Payload-Digest")
            group += [factory.metadata(ex.url, response_id, {"status": "ok"}, date),
                      factory.conversion(ex.url, response_id, "text", date),
                      factory.revisit_identical(ex, factory.new_id(),
                                                CaptureRef(response_id, ex.url, date, digest)),
                      factory.revisit_not_modified(ex, factory.new_id(), None)]
        writer.write_group(group)
    writer.close()
    return next(directory.glob("*.warc.gz"))


prop_settings = settings(max_examples=40, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@prop_settings
@given(st.lists(exchanges(), min_size=1, max_size=4))
def test_everything_the_writer_writes_verifies_clean(tmp_path_factory, items):
    """Every record kind Palimpsest writes passes the strict reader and WARC 1.1's field
    table, which in its own files is a defect to break (issue 13: never again)."""
    path = write_file(tmp_path_factory.mktemp("w"), items, described=True)
    report = check_file(path)
    assert report.defects == [] and report.notes == []
    assert len(report.records) == 1 + 6 * len(items)


def _with_field(record: bytes, field: bytes) -> bytes:
    head, sep, rest = record.partition(b"\r\n\r\n")
    return head + b"\r\n" + field + sep + rest


@pytest.mark.parametrize("layout", [True, False])
def test_a_forbidden_field_is_a_defect_in_palimpsest_s_own_files_a_note_in_older_ones(
        tmp_path, layout):
    """The regression of issue 13 item 7 (WARC-Refers-To-Target-URI on metadata records) is
    a defect in a file that says it follows today's layout, and a note in an earlier
    Palimpsest's file, which readers still read as before."""
    factory = make_factory()
    fields = b"software: palimpsest/0.1.0\r\n" + (b"palimpsest-layout: 2\r\n" if layout else b"")
    info = (b"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:w>\r\n"
            b"WARC-Date: 2026-11-20T08:00:00Z\r\nContent-Type: application/warc-fields\r\n"
            b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(fields), fields))
    meta = serialize_record(factory.metadata(URL, "<urn:uuid:x>", {"status": "ok"},
                                             "2026-11-20T08:00:00Z"), None)
    meta = _with_field(meta, f"WARC-Refers-To-Target-URI: {URL}".encode())
    path = tmp_path / "f.warc.gz"
    path.write_bytes(gzip.compress(info, mtime=0) + gzip.compress(meta, mtime=0))
    report = check_file(path)
    rule = "WARC-Refers-To-Target-URI shall not be used in a metadata record"
    if layout:
        assert [(d.kind, d.problem) for d in report.defects] == [("consistency", rule)]
    else:
        assert report.defects == [] and rule in report.notes[0].problem


@prop_settings
@given(st.lists(exchanges(), min_size=1, max_size=3), st.data())
def test_case01_a_cut_at_any_byte_is_found_and_recovery_keeps_every_whole_record(
        tmp_path_factory, items, data):
    directory = tmp_path_factory.mktemp("cut")
    path = write_file(directory, items)
    whole = path.read_bytes()
    ends = [r.offset + r.length for r in check_file(path).records]
    cut = data.draw(st.integers(min_value=1, max_value=len(whole) - 1))
    torn = directory / (path.name + OPEN_SUFFIX)
    torn.write_bytes(whole[:cut])
    path.unlink()
    if cut not in ends:
        assert check_file(torn).defects, cut
    result = recover_open_file(torn)
    kept = max([end for end in ends if end <= cut], default=0)
    assert result.kept_bytes == kept
    if kept:
        assert result.path.read_bytes() == whole[:kept]
        assert check_file(result.path).defects == []
    else:
        assert result.quarantined


@prop_settings
@given(st.lists(exchanges(), min_size=1, max_size=3), st.data())
def test_a_changed_byte_in_compressed_data_or_trailer_is_found(tmp_path_factory, items, data):
    path = write_file(tmp_path_factory.mktemp("flip"), items)
    blob = bytearray(path.read_bytes())
    records = check_file(path).records
    record = data.draw(st.sampled_from(records))
    # Past the 10-byte gzip header (whose MTIME/XFL/OS bytes no reader checks).
    position = data.draw(st.integers(record.offset + 10, record.offset + record.length - 1))
    blob[position] ^= data.draw(st.integers(1, 255))
    path.write_bytes(bytes(blob))
    assert check_file(path).defects


# -- a data folder and its index --------------------------------------------------------------

def fetch(archiver, body: bytes, minutes: int, url: str = URL):
    ex = HttpExchange(url=url, status=200, body=body, fetched_at=T0 + timedelta(minutes=minutes),
                      response_headers=[("Content-Type", "text/html")])
    capture = archiver.capture(ex)
    if capture.kind == "response":
        archiver.describe(capture, pageinfo(role="article", status="ok",
                                            text_hash="sha256:" + body.hex()[:64].ljust(64, "0"),
                                            extraction={"title": "T"}),
                          text=body.decode("latin-1"))
    return capture


def test_case24_a_thousand_captures_over_small_files_verify_clean(tmp_path):
    archiver = Archiver(tmp_path, "bulk", max_bytes=32 * 1024)
    for number in range(1000):
        fetch(archiver, b"<p>capture %d</p>" % (number % 700) * 8, number,
              url=f"http://news.example/{number % 50}")
    archiver.close()
    files = sorted((tmp_path / "collections/bulk/archive").glob("*.warc.gz"))
    assert len(files) > 10
    report = verify_data(tmp_path)
    assert report.ok, [str(d) for d in report.all_defects()][:5]
    biggest = max(r.length for f in report.files.values() for r in f.records)
    for checked in report.files.values():
        assert checked.records[0].get("WARC-Type") == "warcinfo"
        assert checked.size <= 32 * 1024 + 4 * biggest  # the limit plus one capture's records
    index = open_index(tmp_path, readonly=True)
    assert index.counts()["captures"] == 1000
    index.close()


def test_case09_a_revisit_must_match_the_payload_it_refers_to(tmp_path):
    archiver = Archiver(tmp_path, "test")
    first = fetch(archiver, b"<p>same</p>", 0)
    second = fetch(archiver, b"<p>same</p>", 5)
    assert second.kind == "revisit" and second.refers_to.record_id == first.record_id
    factory = archiver.factory
    ex = HttpExchange(url=URL, status=200, body=b"<p>same</p>", fetched_at=T0,
                      response_headers=[("Content-Type", "text/html")])
    wrong = CaptureRef(first.record_id, URL, first.date, "sha1:" + "A" * 32)
    archiver.writer.write(factory.revisit_identical(ex, factory.new_id(), wrong))
    archiver.close()
    report = verify_data(tmp_path)
    assert [d.problem for d in report.defects] == [
        f"revisit's WARC-Payload-Digest differs from the record it refers to "
        f"({first.record_id})"]


def test_case03_rows_whose_bytes_were_lost_are_found_and_repair_realigns_the_index(tmp_path):
    """The reverse of the safe order: rows committed, the WARC bytes under them lost (as after
    a power cut on a disk that lied about fsync, or a file cut short by hand)."""
    archiver = Archiver(tmp_path, "test")
    for number in range(6):
        fetch(archiver, b"<p>version %d</p>" % number, number)
    archiver.close()
    [path] = (tmp_path / "collections/test/archive").glob("*.warc.gz")
    records = check_file(path).records
    cut = records[-4].offset  # the last capture (request, response, metadata, text) vanishes
    with path.open("r+b") as stream:
        stream.truncate(cut)
    before = cli("verify", "--data", str(tmp_path), check=False)
    assert before.exit_code == 1
    assert f"{path.name}: " not in before.stdout  # the file itself is now sound
    assert any(line.startswith("index: capture") and f"{path.name}:{records[-3].offset}"
               in line for line in before.stdout.splitlines()), before.stdout
    repaired = cli("verify", "--repair", "--data", str(tmp_path), check=False)
    assert repaired.exit_code == 0, repaired.stdout + repaired.stderr
    assert "index rebuilt" in repaired.stderr
    index = open_index(tmp_path, readonly=True)
    assert len(index.captures(URL)) == 5
    index.close()


def test_case21_an_index_row_naming_a_path_outside_the_archive_is_refused(tmp_path):
    archiver = Archiver(tmp_path, "test")
    fetch(archiver, b"<p>text</p>", 0)
    archiver.close()
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.execute("UPDATE versions SET text_file = '../../../../etc/passwd'")
    db.execute("UPDATE captures SET warc_file = '/etc/passwd'")
    db.commit()
    db.close()
    index = open_index(tmp_path, readonly=True)
    with pytest.raises(CorruptArchiveError, match="not a plain file name"):
        version_at(index, DataLayout(tmp_path), URL)
    index.close()
    result = cli("verify", "--data", str(tmp_path), check=False)
    assert result.exit_code == 1
    assert result.stdout.count("is not a plain file name") == 2


def test_reindex_of_a_damaged_finished_file_indexes_only_whole_records(tmp_path):
    archive = tmp_path / "collections" / "test" / "archive"
    archive.mkdir(parents=True)
    damaged = archive / "test-20261103093000000-00001.warc.gz"
    damaged.write_bytes((FIXTURE_DIR / "truncated-gzip-trailer.warc.gz").read_bytes())
    result = cli("reindex", "--data", str(tmp_path), check=False)
    # The damage is said, and the exit code says it too; every whole record is indexed.
    assert result.exit_code == 1 and "damaged at byte 1034" in result.stderr, result.stderr
    assert "reindexed: 1 pages, 1 captures" in result.stdout
    report = verify_data(tmp_path)
    assert report.index_defects == []  # no row points at the torn last record
    assert [d.problem.split(":")[0] for d in report.defects] == ["gzip trailer missing or short"]
    index = open_index(tmp_path, readonly=True)
    assert [c.kind for c in index.captures("http://courier.example/news/2026/11/03/flood-count")
            ] == ["response"]  # the revisit in the torn member is not indexed
    index.close()


def test_show_reads_text_from_a_file_a_running_crawl_still_has_open(tmp_path):
    archiver = Archiver(tmp_path, "test")
    fetch(archiver, b"<p>live text</p>", 0)
    archiver.commit()  # rows committed, file still .open: what a reader sees mid-crawl
    index = open_index(tmp_path, readonly=True)
    assert version_at(index, DataLayout(tmp_path), URL).text == "<p>live text</p>"
    index.close()
    archiver.close()
    with pytest.raises(NotFoundError):
        version_at(open_index(tmp_path, readonly=True), DataLayout(tmp_path), URL + "x")


def test_recovery_never_cuts_at_a_record_whose_http_merely_contradicts_itself(tmp_path):
    """A server that labels a plain body gzip is captured faithfully: verify reports the
    contradiction, but crash recovery keeps that record and everything after it."""
    factory = make_factory()
    lying = HttpExchange(url=URL, status=200, body=b"<p>not gzip</p>", fetched_at=T0,
                         response_headers=[("Content-Encoding", "gzip")])
    fine = HttpExchange(url=URL + "2", status=200, body=b"<p>ok</p>", fetched_at=T0,
                        response_headers=[])
    members = [gzip.compress(serialize_record(factory.response(ex, factory.new_id()), None),
                             mtime=0) for ex in (lying, fine)]
    torn = tmp_path / ("x-20260101000000000-00001.warc.gz" + OPEN_SUFFIX)
    torn.write_bytes(b"".join(members) + members[0][:20])
    result = recover_open_file(torn)
    assert result.kept_bytes == len(members[0]) + len(members[1])
    defects = check_file(result.path).defects
    assert [d.kind for d in defects] == ["consistency"]


def test_recovery_sets_aside_whole_records_found_after_damage(tmp_path):
    factory = make_factory()
    members = [gzip.compress(serialize_record(factory.response(HttpExchange(
        url=f"{URL}{n}", status=200, body=b"<p>%d</p>" % n, fetched_at=T0, response_headers=[]),
        factory.new_id()),
        None), mtime=0) for n in range(3)]
    damaged = bytearray(members[1])
    damaged[len(damaged) // 2] ^= 0xFF
    torn = tmp_path / ("x-20260101000000000-00001.warc.gz" + OPEN_SUFFIX)
    torn.write_bytes(members[0] + bytes(damaged) + members[2])
    result = recover_open_file(torn)
    assert result.kept_bytes == len(members[0])
    assert result.set_aside is not None
    assert result.set_aside.read_bytes() == bytes(damaged) + members[2]  # nothing thrown away


def test_case08_the_fidelity_matrix_passes_the_strict_verifier(fidelity_crawl):
    """{plain, gzip-encoded, application/gzip, both} x {Content-Length, chunked}: every stored
    body agrees with its headers (no chunked label, lengths and codings right) and every
    digest checks out."""
    from mockserver.fidelity import FIDELITY_PATHS

    assert fidelity_crawl.summary["fetched"] == len(FIDELITY_PATHS)
    report = verify_data(fidelity_crawl.data)
    assert report.ok, [str(d) for d in report.all_defects()]
    assert report.records >= 3 * len(FIDELITY_PATHS)


def test_case25_a_crawl_stopped_early_by_a_closespider_limit_exits_non_zero(tmp_path,
                                                                           mocksite):
    from crawling import FAST, write_seeds

    seeds = write_seeds(tmp_path / "s.toml", [(f"{mocksite.a.url}/plain?n={n}", "page")
                                              for n in range(10)])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "--allow-private", *FAST, "-s", "CONCURRENT_REQUESTS=1",
                        "-s", "CLOSESPIDER_PAGECOUNT=2", check=False)
    assert result.returncode == 1
    assert "crawl ended early: closespider_pagecount" in result.stderr


class _EarlierFactory(RecordFactory):
    """Records as Palimpsest wrote them before issue 13: WARC-Refers-To-Target-URI on metadata
    and text records, and no layout field in warcinfo."""

    def warcinfo(self, filename, fields):
        body = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode()
        return self._builder.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(body), length=len(body),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": self.new_id(), "WARC-Date": self.now(),
                               "WARC-Filename": filename})

    def metadata(self, url, refers_to, data, date):
        record = super().metadata(url, refers_to, data, date)
        record.rec_headers.add_header("WARC-Refers-To-Target-URI", url)
        return record

    def conversion(self, url, refers_to, text, date):
        record = super().conversion(url, refers_to, text, date)
        record.rec_headers.add_header("WARC-Refers-To-Target-URI", url)
        return record


def test_an_archive_written_before_the_fix_reads_verifies_and_reindexes_as_before(tmp_path):
    archiver = Archiver(tmp_path, "test", factory=_EarlierFactory(), clock=lambda: T0)
    capture = archiver.capture(HttpExchange(url=URL, status=200, body=b"<p>x</p>",
                                            fetched_at=T0,
                                            response_headers=[("Content-Type", "text/html")]))
    archiver.describe(capture, pageinfo(role="article", status="ok", text_hash="sha256:" + "a" * 64,
                                        extraction={"title": "Then"}), text="Body then")
    archiver.close()
    report = verify_data(tmp_path)
    assert report.ok and report.ignored_descriptions == 0
    assert sum("WARC-Refers-To-Target-URI shall not be used" in n.problem
               for n in report.notes) == 2
    index = open_index(tmp_path)
    live = {table: index._x(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("pages", "captures", "versions")}
    assert version_at(index, DataLayout(tmp_path), URL).text == "Body then"
    index.close()
    palimpsest("reindex", "--data", str(tmp_path))
    index = open_index(tmp_path)
    assert {table: index._x(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("pages", "captures", "versions")} == live
    index.close()
