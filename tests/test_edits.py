"""`palimpsest diff` and `palimpsest changes` on archives with known edits, and lifecycle events."""

import json
from datetime import timedelta

import pytest
from crawling import crawl, write_seeds
from editarchive import (
    ARTICLE,
    CITER,
    CRAWL_TIMES,
    GONE,
    HEADLINE,
    HOSTILE,
    SOURCE,
    T0,
    Fetch,
    build_archive,
)
from inprocess import cli

from archive.extract.normalize import text_hash
from archive.index import Capture
from archive.timeutil import to_iso
from archive.versions.lifecycle import EDITED, REMOVED, RESTORED, events

URL = "http://127.0.0.1:9/news/2026/11/03/count"
P1 = "The ministry counted 1,412 injured people in eleven districts."
P2 = "Deputy Minister Teodor Halsk said the count had been checked twice."
P3 = "Relief kitchens will stay open until 14 November."


def capture(minute, status=200, text_hash=None, extraction=None, kind="response"):
    return Capture(url=URL, collection="t", fetched_at=to_iso(T0 + timedelta(minutes=minute)),
                   kind=kind, record_id=f"<r{minute}>", warc_file="f", warc_offset=0,
                   warc_length=0, status=status, text_hash=text_hash, extraction=extraction,
                   id=minute)


def test_lifecycle_removed_restored_edited_and_failures_that_are_neither():
    timeline = [
        capture(0, 404),                      # never live yet: not a removal
        capture(1, 200, "A", "ok"),
        capture(2, 200, None, "failed"),      # extraction failure: neither edit nor removal
        capture(3, 503),                      # server error: says nothing
        capture(4, 301),                      # redirect: says nothing either
        capture(5, 200, "A", "ok", "revisit"),
        capture(6, 410),
        capture(7, 404),                      # still gone: one removal
        capture(8, 200, "B", "ok"),           # back, with another text
        capture(9, 304, "B", "ok", "not-modified"),
        capture(10, 200, "A", "ok"),          # A -> B -> A: the return is an edit too
    ]
    found = [(e.kind, e.capture.id, e.old_hash, e.new_hash) for e in events(timeline)]
    assert found == [(REMOVED, 6, None, None), (RESTORED, 8, None, None), (EDITED, 8, "A", "B"),
                     (EDITED, 10, "B", "A")]


def two_versions(tmp_path):
    plan = [[Fetch(URL, 200, "Flood injuries pass 1,400", "\n".join([P1, P2, P3]), "I. Moravec")],
            [Fetch(URL, 200, "Flood injuries pass 1,430",
                   "\n".join([P3, P1.replace("1,412", "1,438"), P2]), "I. Moravec")]]
    return build_archive(tmp_path / "data", plan)


def test_diff_json_is_format_json_as_the_readme_calls_it(tmp_path):
    data = two_versions(tmp_path)
    assert cli("diff", URL, "--json", "--data", str(data)).stdout == cli(
        "diff", URL, "--format", "json", "--data", str(data)).stdout
    both = cli("diff", URL, "--json", "--format", "html", "--data", str(data), check=False)
    assert both.exit_code == 2 and "--json and --format html" in both.stderr


def test_diff_json_of_a_known_edit_is_exact(tmp_path):
    data = two_versions(tmp_path)
    result = json.loads(cli("diff", URL, "--format", "json", "--data", str(data)).stdout)
    old_hash = text_hash("Flood injuries pass 1,400", "\n".join([P1, P2, P3]))
    new_hash = text_hash("Flood injuries pass 1,430",
                         "\n".join([P3, P1.replace("1,412", "1,438"), P2]))
    assert result == {
        "url": URL,
        "from": {"text_hash": old_hash, "first_seen": "2026-11-03T09:00:00.000000Z",
                 "captured_at": "2026-11-03T09:00:00.000000Z",
                 "title": "Flood injuries pass 1,400", "byline": "I. Moravec",
                 "language": None,
                 "headlines": {"visible": "Flood injuries pass 1,400", "social": None,
                               "search": None, "structured": None}},
        "to": {"text_hash": new_hash, "first_seen": "2026-11-04T09:00:00.000000Z",
               "captured_at": "2026-11-04T09:00:00.000000Z",
               "title": "Flood injuries pass 1,430", "byline": "I. Moravec",
               "language": None,
               "headlines": {"visible": "Flood injuries pass 1,430", "social": None,
                             "search": None, "structured": None}},
        "title": {"from": "Flood injuries pass 1,400", "to": "Flood injuries pass 1,430",
                  "ops": [["equal", "Flood injuries pass "], ["delete", "1,400"],
                          ["insert", "1,430"]]},
        "byline": None,
        "metadata_headlines": [],
        "ops": [["equal", P3 + "\nThe ministry counted "], ["delete", "1,412"],
                ["insert", "1,438"],
                ["equal", " injured people in eleven districts.\n" + P2 + "\n"]],
        "figures": [
            # No language recorded (an archive of before languages): read as detected.
            {"from": "1,400", "to": "1,430", "kind": "number", "where": "title",
             "paragraph": None, "context": "Flood injuries pass 1,430", "count": 1, "delta": 30,
             "from_value": 1400, "to_value": 1430, "unit": None, "ambiguous": False,
             "readings": [], "from_context": "Flood injuries pass 1,400",
             "languages": {"from": "en", "to": "en"}},
            {"from": "1,412", "to": "1,438", "kind": "number", "where": "body", "paragraph": 1,
             "context": "The ministry counted 1,438 injured people in eleven districts.",
             "count": 1, "delta": 26, "from_value": 1412, "to_value": 1438, "unit": None,
             "ambiguous": False, "readings": [],
             "from_context": "The ministry counted 1,412 injured people in eleven districts.",
             "languages": {"from": "en", "to": "en"}},
        ],
        "words": {"inserted": 2, "deleted": 2},
        "moved": [{"from_index": 2, "to_index": 0, "edited": False}],
        "paragraphs": [
            {"kind": "moved", "from_index": 2, "to_index": 0, "edited": False,
             "ops": [["equal", P3]]},
            {"kind": "changed", "from_index": 0, "to_index": 1, "edited": True,
             "ops": [["equal", "The ministry counted "], ["delete", "1,412"],
                     ["insert", "1,438"], ["equal", " injured people in eleven districts."]]},
            {"kind": "equal", "from_index": 1, "to_index": 2, "edited": False,
             "ops": [["equal", P2]]},
            {"kind": "moved-away", "from_index": 2, "to_index": 0, "edited": False, "ops": []},
        ],
        "capped": [],
    }


def test_terminal_diff_reads_without_colour(tmp_path):
    data = two_versions(tmp_path)
    out = cli("diff", URL, "--data", str(data), env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in out
    assert "[-1,412-]{+1,438+}" in out
    assert "Headline: Flood injuries pass [-1,400-]{+1,430+}" in out
    assert "(moved here from paragraph 3)" in out
    assert "Figures revised" in out and "+26" in out


def test_default_diff_is_the_last_two_texts_so_a_return_diffs_b_to_a(tmp_path):
    a, b = "\n".join([P1, P2]), "\n".join([P1, P2, P3])
    plan = [[Fetch(URL, 200, "T", a)], [Fetch(URL, 200, "T", b)], [Fetch(URL, 200, "T", a)]]
    data = build_archive(tmp_path / "data", plan, CRAWL_TIMES)
    result = json.loads(cli("diff", URL, "--format", "json", "--data", str(data)).stdout)
    assert [op for op in result["ops"] if op[0] != "equal"] == [["delete", P3 + "\n"]]
    assert result["to"]["captured_at"] == to_iso(CRAWL_TIMES[2])
    # --from/--to pick the texts current at those times.
    first_day = to_iso(CRAWL_TIMES[0] + timedelta(hours=1))
    second_day = to_iso(CRAWL_TIMES[1] + timedelta(hours=1))
    forward = json.loads(cli("diff", URL, "--from", first_day, "--to", second_day,
                             "--format", "json", "--data", str(data)).stdout)
    assert [op for op in forward["ops"] if op[0] != "equal"] == [["insert", P3 + "\n"]]
    only_to = json.loads(cli("diff", URL, "--to", second_day, "--format", "json",
                             "--data", str(data)).stdout)
    assert only_to["ops"] == forward["ops"]
    same = json.loads(cli("diff", URL, "--from", first_day, "--format", "json",
                          "--data", str(data)).stdout)
    assert same["ops"] == [["equal", a + "\n"]] and same["figures"] == []


def test_diff_errors_are_clear(tmp_path):
    plan = [[Fetch(URL, 200, "T", P1)]]
    data = build_archive(tmp_path / "data", plan)
    one = cli("diff", URL, "--data", str(data), check=False)
    assert one.exit_code == 1 and "has one version only" in one.stderr
    bad = cli("diff", URL, "--from", "last tuesday", "--data", str(data), check=False)
    assert bad.exit_code == 2 and "--from: not a time: 'last tuesday'" in bad.stderr
    early = cli("diff", URL, "--to", "2020-01-01", "--data", str(data), check=False)
    assert early.exit_code == 1 and "no version of" in early.stderr
    missing = cli("diff", URL + "/nope", "--data", str(data), check=False)
    assert missing.exit_code == 2 and "nothing archived" in missing.stderr


@pytest.fixture(scope="module")
def edit_archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("edits") / "data")


def test_changes_lists_edits_removals_and_restorations_newest_first(edit_archive):
    result = json.loads(cli("changes", "--json", "--data", str(edit_archive)).stdout)
    found = [(c["kind"], c["url"]) for c in result["changes"]]
    # CITER never changed; everything else changed in crawl 2, and GONE came back in crawl 3.
    assert found == [(RESTORED, GONE), (EDITED, HOSTILE), (EDITED, SOURCE), (REMOVED, GONE),
                     (EDITED, HEADLINE), (EDITED, ARTICLE)]
    assert CITER not in {c["url"] for c in result["changes"]}
    assert result["since"] is None
    by_url = {(c["kind"], c["url"]): c for c in result["changes"]}
    article = by_url[(EDITED, ARTICLE)]
    # 1,412 is revised twice (standfirst and body): one figure, counted twice.
    assert [(f["from"], f["to"], f["count"]) for f in article["figures"]] == [
        ("1,412", "1,438", 2), ("63 per cent", "71 per cent", 1),
        ("14 November", "21 November", 1)]
    assert article["words"] == {"inserted": 4, "deleted": 4} and article["headline"] is None
    assert by_url[(EDITED, HEADLINE)]["headline"]["to"].startswith("Government promises")
    assert by_url[(REMOVED, GONE)]["status"] == 404
    assert by_url[(EDITED, SOURCE)]["role"] == "source"
    recent = json.loads(cli("changes", "--json", "--since",
                            to_iso(CRAWL_TIMES[2] - timedelta(hours=1)),
                            "--data", str(edit_archive)).stdout)
    assert [(c["kind"], c["url"]) for c in recent["changes"]] == [(RESTORED, GONE)]
    table = cli("changes", "--data", str(edit_archive), env={"COLUMNS": "160"}).stdout
    assert "restored (HTTP 200)" in table and "taken down (HTTP 404)" in table
    assert "1,412 → 1,438" in table


def test_a_real_crawl_edit_failure_takedown_and_return(tmp_path, mocksite):
    """Through the crawler: v1, edit, a page the extractor cannot read, 404, v1 again."""
    url = mocksite.a.url + "/articles/flood-count"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    for variant in ("v1", "edit", "broken", "gone", "v1"):
        mocksite.a.set_variant("flood-count", variant)
        crawl(seeds, data, "--all", check=variant != "gone")  # a run whose one seed is 404 exits 1
    result = json.loads(cli("changes", "--json", "--data", str(data)).stdout)
    # Newest first; the return is both a restoration and an edit (back with the v1 text).
    assert [c["kind"] for c in result["changes"]] == [RESTORED, EDITED, REMOVED, EDITED]
    assert result["changes"][0]["at"] == result["changes"][1]["at"]
    diff = json.loads(cli("diff", url, "--format", "json", "--data", str(data)).stdout)
    # The edit variant says "triple" where v1 says "double"; the return diffs it back.
    assert [op for op in diff["ops"] if op[0] != "equal"] == [["delete", "triple"],
                                                              ["insert", "double"]]
    shown = json.loads(cli("show", url, "--json", "--data", str(data)).stdout)
    assert "".join(text for op, text in diff["ops"] if op != "delete") == shown["text"] + "\n"
