"""Due-only crawls of the mock site: nothing twice too soon, --all with conditional requests,
304s as server-not-modified revisits, quiet output, exit codes and the lock."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import sqlite3
import subprocess
import sys
import time

from crawling import FAST, crawl, palimpsest, responses_for, warc_records, write_seeds
from inprocess import cli

from archive.warc.records import PROFILE_NOT_MODIFIED


def sent_paths(server) -> list[str]:
    return [exchange.path for exchange in server.sent if exchange.path != "/robots.txt"]


def test_a_run_right_after_a_capture_fetches_nothing(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/listing", "listing")],
                        sources=1, source_hosts=["127.0.0.2"])
    data = tmp_path / "data"
    first = crawl(seeds, data)
    assert first["fetched"] >= 4 and first["due_seeds"] == 1
    mocksite.reset()
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--allow-private", "--quiet",
                        *FAST)
    assert result.stdout == "" and result.stderr == ""  # cron mails nothing
    assert not mocksite.a.sent and not mocksite.b.sent  # not even robots.txt
    again = crawl(seeds, data)
    assert again["fetched"] == 0 and again["finish_reason"] == "nothing_due"
    assert again["not_due"] == first["fetched"] and again["problems"] == []
    # `palimpsest due` agrees now, and says the listing comes back after its `every` (1 h)
    now = json.loads(cli("due", str(seeds), "--data", str(data), "--json").stdout)
    assert now["due_seeds"] == 0 and now["pages"] == []
    later = json.loads(cli("due", str(seeds), "--data", str(data), "--json", "--all",
                           "--at", _in(minutes=61)).stdout)
    listing = [p for p in later["pages"] if p["url"].endswith("/listing")]
    assert listing and listing[0]["status"] == "fetch" and listing[0]["kind"] == "seed"
    articles = [p for p in later["pages"] if "/articles/" in p["url"]]
    assert len(articles) == 3 and all(p["reason"].startswith("article:") for p in articles)


def _in(minutes: int) -> str:
    from datetime import timedelta

    from archive.timeutil import to_iso, utcnow

    return to_iso(utcnow() + timedelta(minutes=minutes))


def test_a_due_listing_leads_only_to_new_or_due_articles(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/listing", "listing")],
                        sources=0, every="1m")
    data = tmp_path / "data"
    crawl(seeds, data)
    mocksite.reset()
    again = crawl(seeds, data)  # every = 1m: the listing is due again (within the grace)
    assert sent_paths(mocksite.a) == ["/listing"]
    assert again["fetched"] == 1 and again["not_due"] == 3


def test_all_fetches_everything_with_conditional_headers(tmp_path, mocksite):
    statements = [mocksite.b.url + "/statements/1", mocksite.b.url + "/statements/2"]
    article = mocksite.a.url + "/articles/dam-review"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page") for url in statements]
                        + [(article, "page")], sources=0)
    data = tmp_path / "data"
    crawl(seeds, data)
    first_headers = {x.path: dict(x.headers) for x in mocksite.b.sent
                     if x.path.startswith("/statements/")}
    mocksite.reset()
    summary = crawl(seeds, data, "--all")
    assert sorted(sent_paths(mocksite.b)) == ["/statements/1", "/statements/2"]
    assert sent_paths(mocksite.a) == ["/articles/dam-review"]
    for exchange in mocksite.b.sent:
        if exchange.path == "/robots.txt":
            continue
        validators = first_headers[exchange.path]
        assert exchange.request_headers["If-None-Match"] == validators[b"ETag"].decode()
        assert exchange.request_headers["If-Modified-Since"] == \
            validators[b"Last-Modified"].decode()
        assert exchange.status_line.startswith(b"HTTP/1.1 304")
    # the article sent no validators, so its request carried none
    [article_request] = [x for x in mocksite.a.sent if x.path == "/articles/dam-review"]
    assert article_request.request_headers["If-None-Match"] is None
    assert summary["not_modified"] == 2 and summary["conditional"] == 2
    assert summary["unchanged"] == 3 and summary["problems"] == []


def test_a_304_is_a_server_not_modified_revisit_that_counts_as_unchanged(tmp_path, mocksite):
    url = mocksite.b.url + "/statements/3"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    data = tmp_path / "data"
    crawl(seeds, data)
    crawl(seeds, data, "--all")
    records = responses_for(warc_records(data), url)
    assert [r[0].get_header("WARC-Type") for r in records] == ["response", "revisit"]
    revisit = records[1][0]
    assert revisit.get_header("WARC-Profile") == PROFILE_NOT_MODIFIED
    assert revisit.get_header("WARC-Refers-To") == records[0][0].get_header("WARC-Record-ID")
    assert records[1][1].get_statuscode() == "304"
    history = json.loads(cli("history", url, "--data", str(data), "--json").stdout)
    assert [c["kind"] for c in history["captures"]] == ["response", "not-modified"]
    assert len(history["versions"]) == 1
    assert history["captures"][1]["text_hash"] == history["captures"][0]["text_hash"]


def test_reindex_rebuilds_the_scheduling_inputs(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/feed.xml", "feed")],
                        sources=1, source_hosts=["127.0.0.2"])
    data = tmp_path / "data"
    crawl(seeds, data)
    crawl(seeds, data, "--all")

    def tables():
        db = sqlite3.connect(data / "index.sqlite")
        rows = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("pages", "page_seeds", "lastmods", "captures", "versions")}
        db.close()
        return rows

    live = tables()
    assert len(live["lastmods"]) == 3 and live["page_seeds"]
    assert {row[1] for row in live["page_seeds"]} == {mocksite.a.url + "/feed.xml"}
    plan = ("due", str(seeds), "--data", str(data), "--json", "--all", "--at", _in(minutes=30))
    before = json.loads(cli(*plan).stdout)
    cli("reindex", "--data", str(data))
    assert tables() == live
    assert json.loads(cli(*plan).stdout) == before  # the same plan from rebuilt rows


def test_only_failing_seeds_exit_1(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seeds = write_seeds(tmp_path / "s.toml", [(f"http://127.0.0.1:{port}/a", "page"),
                                              (f"http://127.0.0.1:{port}/b", "page")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "--allow-private", "--quiet", *FAST, check=False)
    assert result.returncode == 1
    assert "problem: every seed failed" in result.stderr
    assert "failed 2" in result.stdout  # with problems, --quiet still says what the run did


def test_an_overlapping_run_exits_75_within_a_second(tmp_path, mocksite):
    data = tmp_path / "data"
    slow = write_seeds(tmp_path / "slow.toml", [(mocksite.a.url + "/slow?seconds=6", "page")])
    other = write_seeds(tmp_path / "other.toml", [(mocksite.a.url + "/plain", "page")])
    first = subprocess.Popen([sys.executable, "-m", "archive.cli", "crawl", str(slow),
                              "--data", str(data), "--allow-private", *FAST],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = data / "crawl.lock"
        for _ in range(200):  # until the first run holds the lock (it writes its pid there)
            if lock.exists() and lock.read_text().strip() == str(first.pid):
                break
            time.sleep(0.05)
        assert lock.read_text().strip() == str(first.pid), "the first crawl never started"
        # Python and the CLI's imports take their own time (about 0.5 s here, more on a busy
        # machine); what must take under a second is everything after that: no waiting.
        started = time.monotonic()
        palimpsest("--version")
        startup = time.monotonic() - started
        started = time.monotonic()
        second = palimpsest("crawl", str(other), "--data", str(data), "--allow-private",
                            check=False, timeout=30)
        elapsed = time.monotonic() - started
        assert second.returncode == 75 and "another crawl is running" in second.stderr
        assert elapsed - startup < 1.0, f"gave up after {elapsed:.2f}s (start-up {startup:.2f}s)"
        assert first.poll() is None  # the first is still going
        assert not mocksite.a.sent_for("/plain")
        assert first.wait(timeout=60) == 0 and mocksite.a.sent_for("/slow")
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def _run_in_terminal(args: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal, as a person would."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    process = subprocess.Popen([sys.executable, "-m", "archive.cli", *args], stdin=follower,
                               stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


def test_a_terminal_gets_a_progress_bar_and_quiet_gets_nothing(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/slow?seconds=1", "page"),
                                              (mocksite.a.url + "/plain", "page")])
    code, shown = _run_in_terminal(["crawl", str(seeds), "--data", str(tmp_path / "d1"),
                                    "--allow-private", *FAST])
    assert code == 0
    assert "━" in shown and "test" in shown  # rich's bar, labelled with the collection
    assert "2/2" in shown  # filled by the counts the crawl's progress signal carried
    assert "test: fetched 2" in shown  # and the summary line after it
    code, quiet = _run_in_terminal(["crawl", str(seeds), "--data", str(tmp_path / "d2"),
                                    "--allow-private", "--quiet", *FAST])
    assert code == 0 and quiet.strip() == ""


def test_a_later_plain_run_revisits_due_articles_and_the_sources_of_a_changed_text(
        tmp_path, mocksite):
    """A fake clock for planning (PALIMPSEST_NOW): two hours on, articles are due again but
    their sources are not, unless the article's text changed."""
    edited = mocksite.a.url + "/articles/flood-count"  # cites statement 1
    quiet = mocksite.a.url + "/articles/dam-review"  # cites statement 2
    seeds = write_seeds(tmp_path / "s.toml", [(edited, "page"), (quiet, "page")], sources=1,
                        source_hosts=["127.0.0.2"])
    data = tmp_path / "data"
    crawl(seeds, data)
    cited = {x.path for x in mocksite.b.sent if x.path.startswith("/statements/")}
    assert cited
    mocksite.reset()
    mocksite.a.set_variant("flood-count", "edit")
    later = crawl(seeds, data, "-s", f"PALIMPSEST_NOW={_in(minutes=120)}")
    # (The edited article's requisites, under /static/, come with it: they are not pages.)
    assert sorted(p for p in sent_paths(mocksite.a) if not p.startswith("/static/")) == \
        ["/articles/dam-review", "/articles/flood-count"]
    assert later["new_versions"] == 1 and later["unchanged"] >= 1
    statements = {x.path for x in mocksite.b.sent if x.path.startswith("/statements/")}
    db = sqlite3.connect(data / "index.sqlite")
    flood_sources = {row[0] for row in db.execute(
        "SELECT DISTINCT source_url FROM citations WHERE article_url = ?", (edited,))}
    db.close()
    # exactly the sources the edited article cites came along; the unchanged one's did not
    assert statements == {url.replace(mocksite.b.url, "") for url in flood_sources}
