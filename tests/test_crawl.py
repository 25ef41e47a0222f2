"""End-to-end crawls of the loopback mock site: faithful capture, discovery, citations, versions."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from crawling import crawl, palimpsest, raw_http_head, responses_for, warc_records, write_seeds
from inprocess import cli, records
from mockserver.fidelity import FIDELITY_PATHS

IGNORED_BY_TWISTED = {b"transfer-encoding", b"connection", b"keep-alive"}


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@pytest.mark.parametrize("path", FIDELITY_PATHS)
def test_response_record_is_the_response_as_received(fidelity_crawl, mocksite, path):
    records, data = fidelity_crawl.records, fidelity_crawl.data
    [exchange] = [x for x in fidelity_crawl.sent_a if x.path == path]
    [(warc, http, body)] = responses_for(records, mocksite.a.url + path)
    assert warc.get_header("WARC-Type") == "response"
    # The body exactly as sent: content-encoding kept, chunk framing removed.
    assert body == exchange.body
    assert warc.get_header("WARC-Payload-Digest") == sha1_b32(exchange.body)
    expected = [(name.lower(), value) for name, value in exchange.headers
                if name.lower() not in IGNORED_BY_TWISTED]
    status_line, *lines = raw_http_head(data, mocksite.a.url + path).split(b"\r\n")
    assert status_line == exchange.status_line.strip()
    stored = [(name.lower(), value) for name, _, value in
              (line.partition(b": ") for line in lines)]
    # Scrapy groups repeated headers under their first appearance; values keep their order.
    assert sorted(stored) == sorted(expected)
    for name in {name for name, _ in expected}:
        assert [v for n, v in stored if n == name] == [v for n, v in expected if n == name]


def test_chunked_and_plain_variants_have_the_same_payload_digest(fidelity_crawl, mocksite):
    records = fidelity_crawl.records

    def digest(path):
        [(warc, _, _)] = responses_for(records, mocksite.a.url + path)
        return warc.get_header("WARC-Payload-Digest")

    assert digest("/plain") == digest("/chunked")
    assert digest("/gzip") == digest("/gzip-chunked")
    assert digest("/app-gzip-encoded") == digest("/app-gzip-encoded-chunked")
    assert digest("/plain") != digest("/gzip")


def test_chunked_body_is_not_labelled_chunked(fidelity_crawl, mocksite):
    records = fidelity_crawl.records
    [(_, http, _)] = responses_for(records, mocksite.a.url + "/gzip-chunked")
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("Content-Encoding") == "gzip"


def test_every_response_has_a_request_and_every_file_a_warcinfo(fidelity_crawl):
    records = fidelity_crawl.records
    assert records[0][0].get_header("WARC-Type") == "warcinfo"
    assert all(r[0].protocol == "WARC/1.1" for r in records)
    responses = {r[0].get_header("WARC-Record-ID") for r in records
                 if r[0].get_header("WARC-Type") == "response"}
    concurrent = {r[0].get_header("WARC-Concurrent-To") for r in records
                  if r[0].get_header("WARC-Type") == "request"}
    assert responses and responses == concurrent
    warcinfo = records[0][2].decode()
    assert "robots: obey" in warcinfo and "palimpsest/" in warcinfo


def test_crawl_summary_counts(fidelity_crawl):
    summary = fidelity_crawl.summary
    assert summary["fetched"] == len(FIDELITY_PATHS)
    assert summary["failed"] == 0 and summary["problems"] == []


def test_listing_follows_article_links_and_their_cited_sources(listing_crawl):
    summary, a, b = listing_crawl.summary, listing_crawl.sent_a, listing_crawl.sent_b
    # Pages only: an article's requisites (stylesheet, script, pictures) are under /static/.
    fetched_a = {e.path for e in a
                 if e.path != "/robots.txt" and not e.path.startswith("/static/")}
    assert fetched_a == {"/listing", "/articles/flood-count", "/articles/dam-review",
                         "/articles/winter-warning"}
    fetched_b = {e.path for e in b if e.path != "/robots.txt"}
    assert fetched_b and all(path.startswith("/statements/") for path in fetched_b)
    assert summary["new_versions"] == 3 + len(fetched_b)
    pageinfo = [json.loads(r[2]) for r in listing_crawl.records
                if r[0].get_header("WARC-Target-URI", "").startswith("urn:pageinfo:")]
    sources = [info for info in pageinfo if info["role"] == "source"]
    assert sources and all(info["cited_by"][0]["record_id"].startswith("<urn:uuid:")
                           for info in sources)


@pytest.mark.parametrize("path, kind", [("/feed.xml", "feed"), ("/atom.xml", "feed"),
                                        ("/sitemap.xml", "sitemap"),
                                        ("/sitemap-index.xml", "sitemap")])
def test_feeds_and_sitemaps_lead_to_the_articles(tmp_path, mocksite, path, kind):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + path, kind)], sources=0)
    crawl(seeds, tmp_path / "data")
    articles = {e.path for e in mocksite.a.sent if e.path.startswith("/articles/")}
    assert articles == {"/articles/flood-count", "/articles/dam-review",
                        "/articles/winter-warning"}


def test_robots_disallowed_page_is_not_fetched(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/private/page", "page"),
                                              (mocksite.a.url + "/plain", "page")])
    summary = crawl(seeds, tmp_path / "data")
    assert not mocksite.a.sent_for("/private/page")
    assert summary["refused"] == 1


def test_redirect_hops_are_each_archived_once(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/redirect-chain/3", "page")])
    crawl(seeds, tmp_path / "data")
    records = warc_records(tmp_path / "data")
    statuses = [(r[0].get_header("WARC-Target-URI").rsplit("/", 2)[-2:], r[1].get_statuscode())
                for r in records if r[0].get_header("WARC-Type") == "response"
                and "robots" not in r[0].get_header("WARC-Target-URI")]
    assert [code for _, code in statuses] == ["302", "302", "302", "200"]


def test_every_seed_failing_fails_the_run(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/status/404", "page"),
                                              (mocksite.a.url + "/status/500", "page")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "--allow-private", "-s", "RETRY_TIMES=0", check=False)
    assert result.returncode == 1
    assert "every seed failed" in result.stderr
    records = warc_records(tmp_path / "data")
    codes = sorted(r[1].get_statuscode() for r in records
                   if r[0].get_header("WARC-Type") == "response"
                   and "/status/" in r[0].get_header("WARC-Target-URI"))
    assert codes == ["404", "500"]  # failures are archived too


def test_bad_seed_file_exits_2_and_touches_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[seed]]\nurl = "gopher://x"\n', encoding="utf-8")
    result = palimpsest("crawl", str(bad), "--data", str(tmp_path / "data"), check=False)
    assert result.returncode == 2
    assert "bad.toml: seed #1 (gopher://x): scheme 'gopher'" in result.stderr
    assert not (tmp_path / "data").exists()


def test_boilerplate_churn_is_no_version_and_an_edit_is_one(tmp_path, mocksite):
    """The issue's done-when: article, its churned twin, its edit -> exactly two versions."""
    url = mocksite.a.url + "/articles/flood-count"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    first = crawl(seeds, data)
    # Each re-crawl comes seconds after the last, when nothing is due: --all fetches anyway.
    again = crawl(seeds, data, "--all")  # byte-identical: a revisit, no extraction
    mocksite.a.set_variant("flood-count", "twin")
    twin = crawl(seeds, data, "--all")
    mocksite.a.set_variant("flood-count", "edit")
    edited = crawl(seeds, data, "--all")
    assert (first["new_versions"], again["unchanged"], twin["unchanged"],
            edited["new_versions"]) == (1, 1, 1, 1)
    history = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    assert len(history["versions"]) == 2
    assert [c["kind"] for c in history["captures"]] == ["response", "revisit", "response",
                                                        "response"]
    kinds = {r[0].get_header("WARC-Type") for r in warc_records(data)}
    assert {"response", "revisit", "metadata", "conversion", "request", "warcinfo"} <= kinds
    (data / "index.sqlite").unlink()
    cli("reindex", "--data", str(data))
    rebuilt = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    assert rebuilt == history


def test_a_second_crawl_while_one_runs_exits_75_and_touches_nothing(tmp_path, mocksite):
    from archive.store.lock import DataLock

    data = tmp_path / "data"
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/plain", "page")])
    with DataLock(data / "crawl.lock"):  # stands in for a crawl that is still running
        result = palimpsest("crawl", str(seeds), "--data", str(data), "--allow-private",
                            check=False, timeout=30)
    assert result.returncode == 75
    assert "another crawl is running" in result.stderr
    assert sorted(p.name for p in data.iterdir()) == ["crawl.lock"]
    assert not mocksite.a.sent


def test_show_prints_the_text_current_at_a_time(tmp_path, mocksite):
    url = mocksite.a.url + "/articles/dam-review"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    crawl(seeds, data)
    middle = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    mocksite.a.set_variant("dam-review", "edit")
    crawl(seeds, data, "--all")
    first_time = middle["captures"][0]["fetched_at"]
    old = json.loads(cli("show", url, "--at", first_time, "--data", str(data),
                         "--json").stdout)
    new = json.loads(cli("show", url, "--data", str(data), "--json").stdout)
    assert old["text_hash"] != new["text_hash"]
    assert old["text"] != new["text"] and old["title"] == new["title"]
    # What a person reads: the headline, which version and when, then the text itself.
    shown = cli("show", url, "--at", first_time, "--data", str(data)).stdout
    lines = shown.splitlines()
    assert lines[:2] == [old["title"], url], shown
    assert f"version {old['text_hash']}, seen " in shown and old["text"] in shown
    assert new["text"] not in shown
    missing = cli("show", url + "-nope", "--data", str(data), check=False)
    assert missing.exit_code == 2 and "nothing archived" in missing.stderr


def test_headline_only_edit_is_a_version_and_a_broken_page_is_none(tmp_path, mocksite):
    url = mocksite.a.url + "/articles/winter-warning"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    crawl(seeds, data)
    mocksite.a.set_variant("winter-warning", "headline")
    headline = crawl(seeds, data, "--all")
    mocksite.a.set_variant("winter-warning", "broken")
    broken = crawl(seeds, data, "--all")
    assert headline["new_versions"] == 1
    assert broken["new_versions"] == 0 and broken["extraction_failed"] == 1
    history = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    titles = [version["title"] for version in history["versions"]]
    assert len(titles) == 2 and titles[0] != titles[1]
    assert history["captures"][-1]["extraction"] == "failed"
    assert history["captures"][-1]["text_hash"] is None
    # The same, as `palimpsest history` shows it to a person.
    shown = cli("history", url, "--data", str(data)).stdout
    assert [row["title"] for row in records(shown, "Versions")] == titles
    assert [row["version"] for row in records(shown, "Captures")] == ["1", "2", "failed"]


def test_waiting_requests_are_queued_on_disk_and_the_queue_removed(tmp_path, mocksite):
    mocksite.reset()
    data = tmp_path / "data"
    stale = data / "queue"
    stale.mkdir(parents=True)
    (stale / "requests.queue").mkdir()  # a killed run's queue: never resumed, removed
    (stale / "requests.seen").write_text("0" * 40 + "\n", encoding="utf-8")
    seeds = write_seeds(tmp_path / "seeds.toml", [(mocksite.a.url + "/sitemap.xml", "sitemap")],
                        sources=0)
    summary = crawl(seeds, data)
    assert summary["problems"] == [] and summary["new_versions"] >= 2
    assert not stale.exists()
    [log] = (data / "logs").glob("crawl-*.log")
    # Scrapy's closing stats: every request went through the disk queue, none stayed in memory.
    text = log.read_text(encoding="utf-8")
    assert f"'scheduler/enqueued/disk': {summary['fetched']}" in text
    assert "scheduler/enqueued/memory" not in text


def test_a_jobdir_the_user_sets_is_left_alone(tmp_path):
    from scrapy.settings import Settings

    from archive.store.layout import DataLayout
    from crawler.run import _queue_on_disk

    mine = tmp_path / "mine"
    settings = Settings({"JOBDIR": str(mine)})
    assert _queue_on_disk(settings, DataLayout(tmp_path)) is None
    assert settings.get("JOBDIR") == str(mine) and not (tmp_path / "queue").exists()
    assert _queue_on_disk(Settings(), DataLayout(tmp_path)) == tmp_path / "queue"
