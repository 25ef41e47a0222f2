"""The revisit policy with a fake clock: ladders, change rates, hints, budgets and plans."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.schedule.plan import make_plan
from archive.schedule.policy import (
    ARTICLE_POLICY,
    DAY,
    HOUR,
    MINUTE,
    SOURCE_POLICY,
    ChangeModel,
    Due,
    PageHistory,
    _wait_for_delay,
    newsdiffs_due,
    page_factor,
    revisit_due,
    seed_due,
    within_budget,
)
from archive.schedule.seeds import parse_seeds
from archive.timeutil import to_iso

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def article(fetched_after: timedelta, changes: int = 0, changed_after: timedelta | None = None,
            lastmod: datetime | None = None, role: str = "article") -> PageHistory:
    return PageHistory("http://news.example/a", role, T0, T0 + fetched_after,
                       T0 + changed_after if changed_after is not None else None, changes,
                       lastmod)


@pytest.mark.parametrize("age, interval", [
    (timedelta(minutes=30), 15 * MINUTE), (2 * HOUR, 15 * MINUTE), (5 * HOUR, HOUR),
    (2 * DAY, 3 * HOUR), (10 * DAY, 3 * DAY), (60 * DAY, 30 * DAY)])
def test_newsdiffs_ladder_steps(age, interval):
    assert newsdiffs_due(T0 + age, T0) - (T0 + age) == interval


def test_newsdiffs_ladder_waits_for_the_step_the_check_lands_in_and_gives_up_after_a_year():
    # Checked at 2h50m: 15 min later the change is over 3 h old, so the hourly step applies.
    assert newsdiffs_due(T0 + 170 * MINUTE, T0) == T0 + 230 * MINUTE
    assert newsdiffs_due(T0 + 340 * DAY, T0) is None
    assert newsdiffs_due(T0 + HOUR, T0, scale=2.0) == T0 + 90 * MINUTE


def test_a_page_just_captured_is_not_due_and_becomes_due_later():
    page = article(timedelta(seconds=5))
    due = revisit_due(page, ARTICLE_POLICY)
    assert due.kind == "revisit"
    assert not due.is_due(page.last_fetch + timedelta(seconds=1))
    assert due.at - page.last_fetch >= ARTICLE_POLICY.min_interval
    assert due.is_due(due.at)
    assert "no change seen" in due.reason


def test_intervals_grow_while_nothing_changes():
    waits = [revisit_due(article(age), ARTICLE_POLICY).at - (T0 + age)
             for age in (10 * MINUTE, 2 * HOUR, DAY, 7 * DAY)]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert waits[0] <= 30 * MINUTE and waits[-1] >= DAY


def test_a_change_restarts_the_schedule_from_the_change():
    quiet = revisit_due(article(3 * DAY), ARTICLE_POLICY)
    just_changed = revisit_due(article(3 * DAY, 1, changed_after=3 * DAY), ARTICLE_POLICY)
    assert just_changed.at < quiet.at
    assert just_changed.at - (T0 + 3 * DAY) <= 30 * MINUTE


def test_pages_that_change_often_are_checked_more_than_pages_that_never_do():
    age, change = 3 * DAY, DAY
    often = article(age, changes=8, changed_after=change)
    once = article(age, changes=1, changed_after=change)
    assert page_factor(often, ARTICLE_POLICY) > page_factor(once, ARTICLE_POLICY)
    assert revisit_due(often, ARTICLE_POLICY).at < revisit_due(once, ARTICLE_POLICY).at
    never = article(30 * DAY)
    assert page_factor(never, ARTICLE_POLICY) < 1 < page_factor(often, ARTICLE_POLICY)
    assert ARTICLE_POLICY.min_factor <= page_factor(never, ARTICLE_POLICY)


def test_effort_scales_the_intervals():
    page = article(3 * HOUR)
    base = revisit_due(page, ARTICLE_POLICY).at - page.last_fetch
    more = revisit_due(page, ARTICLE_POLICY, effort=2.0).at - page.last_fetch
    assert more < base


def test_unchanged_for_a_year_means_never_again():
    due = revisit_due(article(400 * DAY), ARTICLE_POLICY)
    assert due.kind == "never" and due.at is None and not due.is_due(T0 + 1000 * DAY)
    assert "no longer checked" in due.reason


def test_sources_are_checked_less_often_than_articles():
    page = article(HOUR)
    source = PageHistory(page.url, "source", page.first_seen, page.last_fetch)
    assert revisit_due(source, SOURCE_POLICY).at > revisit_due(page, ARTICLE_POLICY).at


def test_a_feed_date_after_the_last_fetch_pulls_the_page_forward():
    page = article(2 * DAY, lastmod=T0 + 2 * DAY + 20 * MINUTE)
    due = revisit_due(page, ARTICLE_POLICY)
    assert due.kind == "hint" and due.at == T0 + 2 * DAY + 20 * MINUTE
    assert "feed or sitemap dates it" in due.reason
    # no closer than the policy's gap after the last fetch
    close = revisit_due(article(2 * DAY, lastmod=T0 + 2 * DAY + MINUTE), ARTICLE_POLICY)
    assert close.at == T0 + 2 * DAY + ARTICLE_POLICY.hint_gap
    # a date before our last fetch says nothing new
    old = revisit_due(article(2 * DAY, lastmod=T0 + DAY), ARTICLE_POLICY)
    assert old.kind == "revisit"


def test_the_delay_rule_solves_its_equation():
    """Fetch when ∫ rate(s) (t - s) ds since the last fetch reaches the cost: check by summing."""
    model = ChangeModel(rate_per_hour=0.75, scale=32 * MINUTE, decay=1.6)
    since, cost, factor = 3600.0, 300.0, 1.7
    wait = _wait_for_delay(model, factor, since, cost, 30 * 86400.0)
    steps = 20000
    width = wait / steps
    piled = sum(factor * model.rate(since + (i + 0.5) * width) * (wait - (i + 0.5) * width)
                for i in range(steps)) * width
    assert piled == pytest.approx(cost, rel=1e-3)


@settings(max_examples=200, deadline=None)
@given(first=st.integers(0, 400 * 86400), since_change=st.integers(0, 400 * 86400),
       changes=st.integers(0, 50), effort=st.floats(0.1, 10))
def test_due_times_are_well_formed(first, since_change, changes, effort):
    last = T0 + timedelta(seconds=first)
    change = None if changes == 0 else last - timedelta(seconds=min(since_change, first))
    page = PageHistory("http://x.example/", "article", T0, last, change, changes)
    due = revisit_due(page, ARTICLE_POLICY, effort)
    more = revisit_due(page, ARTICLE_POLICY, effort * 2)
    if due.at is not None:
        assert due.at >= last + ARTICLE_POLICY.min_interval
        assert due.at <= last + ARTICLE_POLICY.max_interval
        assert more.at is not None and more.at <= due.at  # more effort never checks later


def test_seeds_are_due_at_their_every():
    due = seed_due("http://x.example/news/", "listing", HOUR, T0, T0 + 30 * MINUTE)
    assert due.at == T0 + HOUR and not due.is_due(T0 + 30 * MINUTE)
    assert due.is_due(T0 + HOUR - timedelta(seconds=30))  # cron starts a little early: grace
    assert seed_due("http://x.example/", "feed", HOUR, None, T0).kind == "new"


def test_host_budget_takes_the_most_overdue_first():
    def overdue(url, minutes):
        return Due(url, "revisit", T0 - timedelta(minutes=minutes), "", T0 - 2 * HOUR)

    dues = [overdue("http://a.example/1", 5), overdue("http://a.example/2", 50),
            overdue("http://a.example/3", 20), overdue("http://b.example/1", 1)]
    chosen, deferred = within_budget(dues, T0, 2, lambda url: url.split("/")[2])
    assert [d.url for d in chosen] == ["http://a.example/2", "http://a.example/3",
                                       "http://b.example/1"]
    assert [d.url for d in deferred] == ["http://a.example/1"]
    everything, none = within_budget(dues, T0, 0, lambda url: url.split("/")[2])
    assert len(everything) == 4 and not none


# -- plans ----------------------------------------------------------------------------------

SEEDS = parse_seeds({"collection": "t", "seed": [
    {"url": "http://news.example/latest", "type": "listing", "every": "1h"},
    {"url": "http://news.example/story", "type": "page"}]}, Path("t.toml"))


def row(url, role, first, last, seed=None, changes=0, last_change=None, lastmod=None,
        etag=None, last_modified=None, state="live"):
    return {"url": url, "role": role, "first_seen": to_iso(first), "last_seen": to_iso(last),
            "last_change": to_iso(last_change) if last_change else None, "changes": changes,
            "seed": seed, "lastmod": to_iso(lastmod) if lastmod else None, "etag": etag,
            "last_modified": last_modified, "state": state}


def test_a_first_run_fetches_every_seed():
    plan = make_plan([], SEEDS, T0)
    assert [seed.url for seed, _ in plan.seeds] == [s.url for s in SEEDS.seeds]
    assert all(due.kind == "new" for _, due in plan.seeds)
    assert plan.follow("http://news.example/new-article", "article")


def test_right_after_a_run_nothing_is_due():
    just = T0 + timedelta(seconds=20)
    rows = [row("http://news.example/latest", "listing", T0, T0),
            row("http://news.example/story", "article", T0, T0),
            row("http://news.example/a1", "article", T0, T0, seed="http://news.example/latest"),
            row("http://gov.example/s1", "source", T0, T0, seed="http://news.example/story")]
    plan = make_plan(rows, SEEDS, just)
    assert plan.empty and plan.counts()["not_due"] == 4
    assert not plan.follow("http://news.example/a1", "article")
    assert plan.follow("http://news.example/brand-new", "article")
    assert plan.follow("http://news.example/a1", "article", force=True)
    # A feed date after our last fetch makes a quiet article due (once the gap has passed).
    quiet = [row("http://news.example/old", "article", T0 - 40 * DAY, T0,
                 seed="http://news.example/latest")]
    later = make_plan(quiet, SEEDS, T0 + 10 * MINUTE)
    assert not later.follow("http://news.example/old", "article")
    assert not later.follow("http://news.example/old", "article", to_iso(T0 - MINUTE))
    assert later.follow("http://news.example/old", "article", to_iso(T0 + 8 * MINUTE))
    assert not later.follow("http://news.example/old", "article", to_iso(T0 + 2 * DAY))  # future


def test_due_pages_come_back_under_their_seed_and_everything_takes_all():
    rows = [row("http://news.example/latest", "listing", T0, T0),
            row("http://news.example/a1", "article", T0, T0, seed="http://news.example/latest"),
            row("http://gov.example/s1", "source", T0, T0, seed="http://news.example/story"),
            row("http://news.example/gone-seed", "article", T0, T0, seed="http://old.example/"),
            row("http://news.example/robots.txt", "other", T0, T0)]
    plan = make_plan(rows, SEEDS, T0 + 2 * DAY)
    visits = {visit.url: visit for visit in plan.visits}
    assert set(visits) == {"http://news.example/a1", "http://gov.example/s1"}
    assert visits["http://gov.example/s1"].seed.url == "http://news.example/story"
    assert visits["http://gov.example/s1"].role == "source"
    assert {seed.url for seed, _ in plan.seeds} == {s.url for s in SEEDS.seeds}
    orphan = [d for d in plan.waiting if d.url == "http://news.example/gone-seed"]
    assert orphan and "no longer in the seed file" in orphan[0].reason
    everything = make_plan(rows, SEEDS, T0 + timedelta(seconds=5), everything=True)
    assert {v.url for v in everything.visits} == set(visits)
    assert len(everything.seeds) == 2 and everything.follow("http://news.example/a1", "article")


def test_budget_defers_the_least_overdue_known_pages():
    rows = [row(f"http://news.example/a{i}", "article", T0, T0 + i * MINUTE,
                seed="http://news.example/latest") for i in range(5)]
    plan = make_plan(rows, SEEDS, T0 + 3 * DAY, host_budget=3)
    assert len(plan.visits) == 3 and len(plan.deferred) == 2
    assert plan.counts()["over_budget"] == 2


def test_conditional_headers_come_from_the_last_good_response():
    rows = [row("http://gov.example/s1", "source", T0, T0, etag='"v7"',
                last_modified="Tue, 03 Nov 2026 10:00:00 GMT"),
            row("http://gov.example/s2", "source", T0, T0, etag='"v1"', state="gone")]
    plan = make_plan(rows, SEEDS, T0)
    assert plan.conditional_headers("http://gov.example/s1") == {
        "If-None-Match": '"v7"', "If-Modified-Since": "Tue, 03 Nov 2026 10:00:00 GMT"}
    assert plan.conditional_headers("http://gov.example/s2") == {}
    assert plan.conditional_headers("http://gov.example/unknown") == {}


def test_index_rows_that_do_not_read_are_left_out_of_the_plan_and_counted():
    good = row("http://news.example/a1", "article", T0, T0, seed="http://news.example/latest")
    rows = [good,
            {**good, "url": "http://news.example/a2", "first_seen": "yesterday-ish"},
            {**good, "url": None},
            {**good, "url": "http://news.example/a3", "role": 7}]
    plan = make_plan(rows, SEEDS, T0 + 2 * DAY)
    assert [visit.url for visit in plan.visits] == ["http://news.example/a1"]
    assert plan.counts()["unreadable_rows"] == 3
    assert plan.unreadable[0].startswith("http://news.example/a2: ")
