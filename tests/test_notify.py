"""Notifications through Apprise to real receivers on loopback: an SMTP server (aiosmtpd) and a
webhook. What arrived is checked: subjects, figures, links, escaping of hostile archived text;
each event once across runs, overlapping runs and a crash; a failing channel retried with what
it missed; secrets only from the environment or a file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from editarchive import (
    ARTICLE,
    CITER,
    CRAWL_TIMES,
    GONE,
    HEADLINE,
    HOSTILE,
    NOW,
    SOURCE,
    T0,
    build_archive,
    crawl_plan,
)
from inprocess import cli
from receivers import Hook, MailBox, parts

from archive.exceptions import ConfigError
from archive.index import open_index
from archive.notify.config import load_notify
from archive.notify.deliver import deliver, preview
from archive.notify.sources import SourceContext, collect
from archive.store.layout import DataLayout
from archive.versions.edits import EditReader

REPORT = "https://edits.example.org/report/"
STARTED = T0 - timedelta(hours=1)


@pytest.fixture
def mailbox():
    box = MailBox().start()
    yield box
    box.stop()


@pytest.fixture
def hook():
    receiver = Hook().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def data(tmp_path):
    return build_archive(tmp_path / "data")


def config(*channels: dict, environ: dict | None = None, **table):
    return load_notify({"report_url": REPORT, **table, "channel": list(channels)}, "s.toml",
                       environ or {})


def run(data, cfg, now=NOW, environ=None):
    index = open_index(data)
    try:
        return deliver(index, DataLayout(data), cfg, "test", started=STARTED, now=now,
                       environ=environ or {})
    finally:
        index.close()


def test_edits_arrive_by_email_with_figures_links_and_hostile_text_escaped(data, mailbox):
    outcome = run(data, config({"name": "desk", "url": mailbox.url(), "every": "event"}))
    assert outcome.problems == []
    subjects = [m["Subject"] for m in mailbox.messages]
    figures = [m for m in mailbox.messages if m["Subject"].startswith("Figures revised")]
    assert any("Headline changed" in s for s in subjects)
    assert any(s.startswith("Taken down (HTTP 404)") for s in subjects)
    assert any(s.startswith("Restored (HTTP 200)") for s in subjects)
    assert sum(s.startswith("A source it cited changed") for s in subjects) == 2
    article = next(m for m in figures if "flood" in parts(m)["text/html"].lower())
    html = parts(article)["text/html"]
    assert "<del>1,412</del> &rarr; <ins>1,438</ins> (+26)" in html
    assert f'<a href="{REPORT}pages/' in html
    assert 'href="http://localhost:8080/test/20261103090000/' + ARTICLE in html  # before
    assert 'href="http://localhost:8080/test/20261104090000/' + ARTICLE in html  # after
    hostile = next(m for m in mailbox.messages if HOSTILE in parts(m)["text/html"]
                   .replace("&amp;", "&") or "alert" in parts(m)["text/html"])
    body = parts(hostile)["text/html"]
    assert "&lt;script&gt;alert(document." in body
    assert "<script" not in body and "<svg" not in body and "<img" not in body
    assert 'href="javascript:' not in body and 'href="data:' not in body


def test_a_webhook_gets_one_plain_text_digest_with_the_bracketed_diff(data, hook):
    outcome = run(data, config({"name": "hook", "url": hook.url()}))
    assert outcome.problems == [] and len(hook.posts) == 1
    post = hook.posts[0]
    assert post["title"].startswith("test: 7 changes (")
    # Each kind once, its count after it when more than one: "1 restored" would not read.
    assert "restored" in post["title"] and "1 " not in post["title"]
    text = post["message"]
    assert "Figures: 1,412 -> 1,438 (+26)" in text
    assert "[-1,412-]{+1,438+}" in text
    assert f"Report: {REPORT}pages/" in text
    assert "Before: http://localhost:8080/test/20261103090000/" + ARTICLE in text
    assert "<del>" not in text and "<ins>" not in text


def test_filters_pick_figures_headlines_takedowns_and_cited_sources(data, hook):
    cfg = config({"name": "figures", "url": hook.url(), "events": ["figures"], "every": "event"})
    run(data, cfg)
    figures = {p["title"] for p in hook.posts}
    assert figures and all(t.startswith("Figures revised") for t in figures)
    hook.posts.clear()
    run(data, config({"name": "sources", "url": hook.url(), "events": ["sources"],
                      "every": "event"}))
    texts = [p["message"] for p in hook.posts]
    assert len(texts) == 2 and all("Cited source was edited" in t for t in texts)
    assert {t.split("\n")[0].split(": ", 1)[1] for t in texts} == {
        title_of(data, ARTICLE), title_of(data, CITER)}
    assert all(SOURCE in t for t in texts)
    hook.posts.clear()
    run(data, config({"name": "down", "url": hook.url(), "events": ["takedowns"],
                      "every": "event"}))
    assert sorted(p["title"].split(" (")[0] for p in hook.posts) == ["Restored", "Taken down"]
    assert all(GONE in p["message"] for p in hook.posts)
    hook.posts.clear()
    run(data, config({"name": "heads", "url": hook.url(), "events": ["headlines"],
                      "every": "event"}))
    assert any(HEADLINE in p["message"] and "Headline: [-" in p["message"] for p in hook.posts)


def title_of(data, url):
    index = open_index(data, readonly=True)
    try:
        return index.latest_text_capture(url).title
    finally:
        index.close()


def test_each_event_is_sent_once_across_runs_and_a_new_one_follows(data, hook):
    cfg = config({"name": "hook", "url": hook.url(), "every": "event"})
    first = run(data, cfg)
    assert first.channels[0].events == len(hook.posts) == 7
    again = run(data, cfg, now=NOW + timedelta(minutes=10))
    assert again.channels[0].events == 0 and len(hook.posts) == 7
    plan = crawl_plan()[2:]  # a fourth crawl, the next day: GONE goes again
    plan[0] = [f if f.url != GONE else type(f)(GONE, 404) for f in plan[0]]
    build_archive(data, plan, [CRAWL_TIMES[2] + timedelta(days=1)])
    later = run(data, cfg, now=NOW + timedelta(days=1))
    assert later.channels[0].events == 1
    assert hook.posts[-1]["title"].startswith("Taken down") and len(hook.posts) == 8


def test_a_failing_channel_is_a_problem_and_gets_what_it_missed_next_run(data, hook):
    cfg = config({"name": "hook", "url": hook.url(), "every": "event"})
    hook.fail = True
    failed = run(data, cfg)
    assert len(failed.problems) == 1
    assert failed.problems[0].startswith("notify hook: ")
    assert failed.problems[0].endswith("7 events will be sent next run")
    hook.fail = False
    retried = run(data, cfg, now=NOW + timedelta(minutes=10))
    assert retried.problems == [] and retried.channels[0].events == 7 and len(hook.posts) == 7


def test_overlapping_runs_send_an_event_once_and_a_crash_repeats_never_loses(data, hook):
    cfg = config({"name": "hook", "url": hook.url(), "every": "event"})
    # Another run has claimed everything and is sending it now: this run leaves it alone.
    everything = preview_keys(data, cfg)
    claim(data, everything, "other-run", "2026-11-05T10:00:00.000000Z")
    assert run(data, cfg).channels[0].events == 0 and hook.posts == []
    # That run died before marking anything sent: once its claims are stale, they are sent.
    assert run(data, cfg, now=NOW + timedelta(minutes=30)).channels[0].events == 7
    assert len(hook.posts) == 7
    index = open_index(data, readonly=True)
    assert {row["state"] for row in index.delivery_rows("test/hook")} == {"sent"}
    index.close()
    assert run(data, cfg, now=NOW + timedelta(minutes=50)).channels[0].events == 0


def test_a_crash_between_sending_and_logging_repeats_one_message(data, hook, monkeypatch):
    from archive.index.sqlite import SqliteIndex

    cfg = config({"name": "hook", "url": hook.url()})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between send and log")

    monkeypatch.setattr(SqliteIndex, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        run(data, cfg)
    monkeypatch.undo()
    assert len(hook.posts) == 1          # the digest went out; the log never heard
    run(data, cfg, now=NOW + timedelta(minutes=20))
    assert len(hook.posts) == 2 and hook.posts[0]["message"] == hook.posts[1]["message"]
    run(data, cfg, now=NOW + timedelta(minutes=40))
    assert len(hook.posts) == 2


def preview_keys(data, cfg) -> list[tuple[str, str]]:
    """(event key, event time) of what the channel would be sent."""
    index = open_index(data, readonly=True)
    try:
        found = preview(index, DataLayout(data), cfg, "test", since=STARTED, now=NOW)
        reader = EditReader(index, DataLayout(data))
        times = {n.key: n.at for n in collect(SourceContext(index, reader, "test"), "")}
    finally:
        index.close()
    return [(key, times[key]) for m in found[0].messages for key in m.keys]


def claim(data, keys, claimer, at):
    index = open_index(data)
    index.begin()
    index.claim("test/hook", keys, claimer, at, "2000-01-01T00:00:00.000000Z")
    index.commit()
    index.close()


def test_secrets_come_from_the_environment_or_a_file_never_the_seed_list(data, hook, tmp_path):
    with pytest.raises(ConfigError, match="holds a password or token as it is"):
        config({"name": "hook", "url": hook.url("archive:hunter2@")})
    with pytest.raises(ConfigError, match="unknown 'everything'"):
        config({"url": hook.url(), "events": ["everything"]})
    cfg = config({"name": "hook", "url": hook.url("archive:${HOOK_TOKEN}@")})
    secret = tmp_path / "token"
    secret.write_text("s3cr3t:with/odd@chars\n", encoding="utf-8")
    missing = run(data, cfg)
    assert "${HOOK_TOKEN} is not set" in missing.problems[0] and hook.posts == []
    sent = run(data, cfg, environ={"HOOK_TOKEN_FILE": str(secret)})
    assert sent.problems == [] and len(hook.posts) == 1
    import base64

    auth = hook.headers[0]["Authorization"].split(" ", 1)[1]
    assert base64.b64decode(auth).decode() == "archive:s3cr3t:with/odd@chars"
    hook.fail = True
    failed = run(data, config({"name": "h2", "url": hook.url("archive:${HOOK_TOKEN}@")}),
                 environ={"HOOK_TOKEN": "tok-abc"})
    assert failed.problems and "tok-abc" not in failed.problems[0]


def test_palimpsest_notify_env_channels_apply_to_every_list(data, hook):
    cfg = load_notify(None, "s.toml", {"PALIMPSEST_NOTIFY": hook.url("u:literal@")})
    assert [c.origin for c in cfg.channels] == ["$PALIMPSEST_NOTIFY URL #1"]
    assert run(data, cfg).problems == [] and len(hook.posts) == 1


def test_notify_dry_run_shows_what_would_go_out_and_sends_nothing(data, hook, tmp_path):
    seeds = tmp_path / "s.toml"
    seeds.write_text(f'collection = "test"\n[[seed]]\nurl = "{ARTICLE}"\n'
                     f'[notify]\nevents = ["figures"]\nreport_url = "{REPORT}"\n'
                     f'[[notify.channel]]\nname = "desk"\nurl = "{hook.url()}"\n',
                     encoding="utf-8")
    result = cli("notify", str(seeds), "--data", str(data), "--dry-run",
                 "--since", "2026-11-01T00:00:00Z", check=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("== desk (figures; digest): 2 events since "
                        "2026-11-01T00:00:00.000000Z, 1 message")
    assert "Subject: test: 2 changes (figures revised ×2)" in lines
    assert "Figures: 1,412 -> 1,438 (+26); 63 per cent -> 71 per cent (+8 points); " \
           "14 November -> 21 November" in lines
    assert "¶1 The regional health office said on Thursday that [-1,412-]{+1,438+} " \
           "people were treated" in result.output
    assert "¶2 The figure comes" not in result.output  # unchanged paragraphs stay out
    assert hook.posts == []
    as_json = cli("notify", str(seeds), "--data", str(data), "--dry-run", "--json",
                  check=False)
    channel = json.loads(as_json.output)["channels"][0]
    assert channel["messages"] == [] and channel["events"] == ["figures"]
    index = open_index(data, readonly=True)
    assert index.channel_states() == [] and index.delivery_rows() == []
    index.close()
    sent = cli("notify", str(seeds), "--data", str(data), check=False)
    assert sent.exit_code == 0 and sent.output == "desk: 0 events in 0 messages\n"


def test_a_crawl_notifies_after_it_commits_and_a_failing_channel_never_fails_it(
        tmp_path, mocksite, hook):
    from crawling import crawl, write_seeds

    url = mocksite.a.url + "/articles/flood-count"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")], sources=0)
    seeds.write_text(seeds.read_text("utf-8") + '[notify]\nevery = "event"\n'
                     f'[[notify.channel]]\nname = "hook"\nurl = "{hook.url()}"\n',
                     encoding="utf-8")
    data = tmp_path / "data"
    first = crawl(seeds, data)
    assert first["notify"]["sent"] == 0 and hook.posts == []   # nothing changed yet
    mocksite.a.set_variant("flood-count", "edit")
    hook.fail = True
    failed = crawl(seeds, data, "--all")  # exit 0: the crawl itself went well
    assert failed["new_versions"] == 1 and failed["problems"] == []
    assert failed["notify"]["problems"][0].startswith("notify hook: ")
    hook.fail = False
    again = crawl(seeds, data, "--all")
    assert again["notify"]["sent"] == 1 and len(hook.posts) == 1
    assert hook.posts[0]["title"].startswith(("Edited: ", "Figures revised: ",
                                              "Headline changed: "))
    assert url in hook.posts[0]["message"]
