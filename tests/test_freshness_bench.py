"""The freshness benchmark's simulator counts what it claims to (bench/freshness.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import freshness  # noqa: E402 - the benchmark is a script folder, not a package

TICK = 600.0


def test_an_article_that_never_changes_costs_newsdiffs_its_ladder():
    outcome = freshness.simulate([(0.0, [])], freshness.newsdiffs_policy(1.0), TICK)
    # 10-min ticks, hours after the first capture: 15-min steps land every 20 min up to 3 h
    # (9); then hourly 4 h..23 h (20); every 3 h 26 h..167 h (48); every 3 days 239 h..671 h
    # (7); then one 30-day step at 1391 h, inside the 60-day window (1)
    assert outcome.fetches == 9 + 20 + 48 + 7 + 1
    assert outcome.edits == 0 and outcome.delays == []


def test_edits_are_caught_missed_or_overwritten_and_delays_are_measured_from_ticks():
    hour = 3600.0
    # first capture at the first tick (600 s); edits at 700 s and 800 s fall in one interval,
    # so the fetch at 1200 s sees only the second: one caught (delay 400 s), one missed.
    outcome = freshness.simulate([(0.0, [700.0, 800.0, 5 * hour])],
                                 freshness.fixed_policy(600.0), TICK)
    assert outcome.edits == 3
    assert outcome.delays[0] == 400.0 and outcome.missed == 1
    assert len(outcome.delays) + outcome.missed == outcome.edits


def test_the_population_is_reproducible_and_the_policies_run():
    articles = freshness.population(60, seed=7)
    assert articles == freshness.population(60, seed=7)
    for policy in (freshness.fixed_policy(8 * 3600.0), freshness.newsdiffs_policy(1.0),
                   freshness.adaptive_policy(1.0)):
        outcome = freshness.simulate(articles, policy, TICK)
        assert all(delay >= 0 for delay in outcome.delays)
        assert len(outcome.delays) + outcome.missed == outcome.edits
