"""When each page is next due, and why: the revisit policy as pure functions of history and a clock.

Nothing here reads the index, the network or the clock; callers pass `now` and what the index
knows about a page (`PageHistory`), so tests and the freshness benchmark (bench/freshness.py)
run the very code the crawler runs.

Articles and cited sources follow a renewal model: the chance of the next edit is highest just
after the last observed change (or after the page was first seen) and decays as a power law.
Each page's own record scales that prior (a Gamma-Poisson estimate: pages that keep changing
are checked more, pages that never change less). A page is due at the earlier of two moments:

- when the edits expected since the last fetch reach `pending_edits`: while edits come thick
  and fast this keeps checks close together, so few edits are overwritten unseen and most are
  caught within minutes (the median delay);
- when the delay those expected edits have piled up, `∫ rate(s) (t - s) ds` since the last
  fetch, reaches `cost_minutes`: the rule that minimises the mean delay for a number of fetches
  (it spaces checks by 1/sqrt(rate)), and keeps late corrections from waiting for weeks.

`effort` scales both (pending / effort, cost / effort^2): effort 2 is about twice the fetches.
Listings, feeds and sitemaps are due at their seed's `every`. A publisher's date in a feed or
sitemap that is later than our last fetch pulls a page forward.

NewsDiffs' ladder (15 min while the last change is under 3 h old, then 1 h, 3 h, 3 days,
30 days, then never) is here too, as `newsdiffs_due`, for the benchmark and for comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# NewsDiffs (peers.md): (the last change is younger than, check every).
NEWSDIFFS_LADDER: tuple[tuple[timedelta, timedelta], ...] = (
    (3 * HOUR, 15 * MINUTE),
    (DAY, HOUR),
    (7 * DAY, 3 * HOUR),
    (30 * DAY, 3 * DAY),
    (365 * DAY, 30 * DAY),
)

# A run counts a page as due if it falls due this soon after the run starts: cron starts runs a
# few seconds apart from the fetch times they recorded, and a page due 3 s after a run's start
# should not wait a whole cron period for the next one.
GRACE = timedelta(minutes=1)


# -- the NewsDiffs baseline -------------------------------------------------------------------

def newsdiffs_due(last_fetch: datetime, last_change: datetime,
                  ladder: tuple[tuple[timedelta, timedelta], ...] = NEWSDIFFS_LADDER,
                  scale: float = 1.0) -> datetime | None:
    """The first time after `last_fetch` at which NewsDiffs' ladder says "check again".

    That is the earliest `t` with `t - last_fetch >= interval(t - last_change)`; None once the
    last change is older than the ladder's last step (never again). `scale` stretches every
    interval (the benchmark uses it to vary the fetch budget).

    >>> t0 = datetime(2026, 11, 1)
    >>> newsdiffs_due(t0 + HOUR, t0) - t0
    datetime.timedelta(seconds=4500)
    >>> newsdiffs_due(t0 + 170 * MINUTE, t0) - t0  # 15 min later the change is over 3 h old
    datetime.timedelta(seconds=13800)
    >>> newsdiffs_due(t0 + 360 * DAY, t0) is None
    True
    """
    lower = timedelta(0)
    for bound, interval in ladder:
        candidate = max(last_fetch + interval * scale, last_change + lower)
        if candidate < last_change + bound:
            return candidate
        lower = bound
    return None


# -- the change model -------------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeModel:
    """Prior rate of the next edit, `age` after the last change: rate / (1 + age/scale)^decay.

    `rate_per_hour` is the rate right after a change of a typical page; `decay` > 1 makes the
    expected number of further edits finite: `rate * scale / (decay - 1)`.
    """

    rate_per_hour: float
    scale: timedelta
    decay: float

    @property
    def _r(self) -> float:
        return self.rate_per_hour / 3600.0

    @property
    def _s(self) -> float:
        return self.scale.total_seconds()

    def rate(self, age: float) -> float:
        """Edits per second at `age` seconds after the last change."""
        return float(self._r * (1.0 + max(age, 0.0) / self._s) ** -self.decay)

    def expected(self, age: float) -> float:
        """Expected edits in the first `age` seconds after a change (the cumulative rate)."""
        s, b = self._s, self.decay
        return float(self._r * s / (b - 1.0) * (1.0 - (1.0 + max(age, 0.0) / s) ** (1.0 - b)))

    def expected_total(self) -> float:
        """Expected edits after a change, ever (the cumulative rate's limit)."""
        return self._r * self._s / (self.decay - 1.0)

    def expected_integral(self, age: float) -> float:
        """The integral of `expected` from 0 to `age` (closed form; decay != 2)."""
        s, b = self._s, self.decay
        x = max(age, 0.0)
        grown = s / (2.0 - b) * ((1.0 + x / s) ** (2.0 - b) - 1.0)
        return float(self._r * s / (b - 1.0) * (x - grown))


@dataclass(frozen=True)
class RevisitPolicy:
    """How one role of page (article, source) is revisited."""

    model: ChangeModel
    pending_edits: float         # due once this many edits are expected since the last fetch
    cost_minutes: float          # ... or once they would have waited this long in total
    prior_strength: float        # Gamma(a, a) prior on a page's factor: how fast history counts
    min_interval: timedelta
    max_interval: timedelta
    give_up_after: timedelta     # no checks once the last change is older than this
    hint_gap: timedelta          # a feed or sitemap date pulls a page forward, but no closer
    min_factor: float = 0.05     # bounds on a page's factor, so one odd record cannot starve
    max_factor: float = 20.0     # or flood a page


# The article prior is the renewal rate of the benchmark's newsroom edit model (bench/freshness.py
# says where each of its figures comes from): about 0.67 further edits after a change, half of
# them within 70 min. `pending_edits` and `cost_minutes` were chosen on that benchmark: at
# effort 1 the policy spends about half of NewsDiffs' fetches for about half its median delay
# (bench/RESULTS.md).
ARTICLE_POLICY = RevisitPolicy(
    model=ChangeModel(rate_per_hour=0.75, scale=32 * MINUTE, decay=1.6),
    pending_edits=0.01,
    cost_minutes=3.0,
    prior_strength=0.5,
    min_interval=5 * MINUTE,
    max_interval=30 * DAY,
    give_up_after=365 * DAY,
    hint_gap=5 * MINUTE,
)

# Cited sources (a ministry's statement, a report) change rarely and slowly, but they do change:
# about 0.2 edits expected after a change, spread over days. An assumption, not a measurement;
# each source's own record soon takes over from it. First checks come hours apart.
SOURCE_POLICY = RevisitPolicy(
    model=ChangeModel(rate_per_hour=0.002, scale=2 * DAY, decay=1.5),
    pending_edits=0.01,
    cost_minutes=3.0,
    prior_strength=0.5,
    min_interval=30 * MINUTE,
    max_interval=30 * DAY,
    give_up_after=365 * DAY,
    hint_gap=30 * MINUTE,
)

POLICIES = {"article": ARTICLE_POLICY, "source": SOURCE_POLICY}


# -- what is known about a page, and when it is due ---------------------------------------------

@dataclass(frozen=True)
class PageHistory:
    """What the index knows about a page's past, as far as scheduling needs it."""

    url: str
    role: str                       # article | source | other
    first_seen: datetime
    last_fetch: datetime
    last_change: datetime | None = None
    changes: int = 0                # observed changes of the text
    lastmod: datetime | None = None  # the newest date a feed or sitemap gave for the page


@dataclass(frozen=True)
class Due:
    """When a page is next due, and why (for `palimpsest due` and the crawl log)."""

    url: str
    kind: str               # new | seed | revisit | hint | never
    at: datetime | None     # None: not again
    reason: str
    last_fetch: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def is_due(self, now: datetime, grace: timedelta = GRACE) -> bool:
        return self.at is not None and self.at <= now + grace

    def urgency(self, now: datetime) -> float:
        """How overdue, relative to the page's own interval: orders pages within a budget."""
        if self.at is None:
            return -math.inf
        if self.last_fetch is None or self.kind in ("new", "hint"):
            return math.inf
        interval = max((self.at - self.last_fetch).total_seconds(), 1.0)
        return (now - self.last_fetch).total_seconds() / interval


def new_due(url: str, now: datetime) -> Due:
    return Due(url, "new", now, "never fetched")


def seed_due(url: str, seed_type: str, every: timedelta, last_fetch: datetime | None,
             now: datetime) -> Due:
    """Listings, feeds and sitemaps are due at their seed's `every`."""
    if last_fetch is None:
        return new_due(url, now)
    at = last_fetch + every
    return Due(url, "seed", at, f"{seed_type} seed, checked every {span(every)}; last fetched "
               f"{span(now - last_fetch)} ago", last_fetch, {"every_s": every.total_seconds()})


def page_factor(page: PageHistory, policy: RevisitPolicy) -> float:
    """How much more (or less) often this page changes than the prior expects.

    The posterior mean of a Gamma(a, a) prior after `changes` observed changes over an exposure
    of E expected changes. E adds the expected changes of each stretch between changes (the
    stretches before the last change are taken as equally long: the index keeps their count,
    not their lengths) and of the stretch since.
    """
    model = policy.model
    anchor = page.last_change or page.first_seen
    exposure = model.expected(_seconds(page.last_fetch - anchor))
    if page.changes > 0 and page.last_change is not None:
        span_s = _seconds(page.last_change - page.first_seen) / page.changes
        exposure += page.changes * model.expected(span_s)
    a = policy.prior_strength
    factor = (a + page.changes) / (a + exposure)
    return min(max(factor, policy.min_factor), policy.max_factor)


def revisit_due(page: PageHistory, policy: RevisitPolicy, effort: float = 1.0) -> Due:
    """When an article or source should be fetched again, from its own history alone."""
    anchor = page.last_change or page.first_seen
    factor = page_factor(page, policy)
    effort = max(effort, 1e-6)
    since = _seconds(page.last_fetch - anchor)
    longest = _seconds(policy.max_interval)
    by_count = _wait_for_edits(policy.model, factor, since, policy.pending_edits / effort,
                               longest)
    by_delay = _wait_for_delay(policy.model, factor, since,
                               policy.cost_minutes * 60.0 / effort ** 2, longest)
    wait = max(min(by_count, by_delay), _seconds(policy.min_interval))
    at = page.last_fetch + timedelta(seconds=wait)
    changed = (f"last changed {span(page.last_fetch - anchor)} before the last fetch"
               if page.last_change else
               f"no change seen in {span(page.last_fetch - anchor)} since first seen")
    rule = "edits expected" if by_count <= by_delay else "delay piled up"
    details = {"factor": round(factor, 3), "interval_s": round(wait), "rule": rule,
               "changes": page.changes,
               "rate_per_hour": round(factor * policy.model.rate(since) * 3600, 5)}
    if at - anchor >= policy.give_up_after:
        return Due(page.url, "never", None, f"{page.role}: {changed}; unchanged for "
                   f"{span(policy.give_up_after)}: no longer checked", page.last_fetch, details)
    reason = (f"{page.role}: {changed}; changes {factor:.2g}x as often as a typical "
              f"{page.role}; next check {span(at - page.last_fetch)} after the last")
    due = Due(page.url, "revisit", at, reason, page.last_fetch, details)
    return _with_hint(due, page, policy)


def _with_hint(due: Due, page: PageHistory, policy: RevisitPolicy) -> Due:
    """A feed or sitemap date later than our last fetch pulls the page forward."""
    if page.lastmod is None or page.lastmod <= page.last_fetch:
        return due
    at = max(page.lastmod, page.last_fetch + policy.hint_gap)
    if due.at is not None and due.at <= at:
        return due
    return Due(page.url, "hint", at, f"{page.role}: a feed or sitemap dates it "
               f"{page.lastmod:%Y-%m-%d %H:%M}Z, after the last fetch at "
               f"{page.last_fetch:%Y-%m-%d %H:%M}Z", page.last_fetch, due.details)


def _wait_for_edits(model: ChangeModel, factor: float, since: float, edits: float,
                    longest: float) -> float:
    """Seconds after the last fetch until `edits` edits are expected (the cumulative rate
    inverted in closed form); `longest` if that never happens."""
    target = model.expected(since) + edits / factor
    total = model.expected_total()
    if target >= total:
        return longest
    s, b = model._s, model.decay
    age = s * ((1.0 - target / total) ** (1.0 / (1.0 - b)) - 1.0)
    return float(min(max(age - since, 0.0), longest))


def _wait_for_delay(model: ChangeModel, factor: float, since: float, cost: float,
                    longest: float) -> float:
    """Seconds after the last fetch until the expected delay piled up reaches `cost`.

    The piled-up delay `factor * ∫_L^t rate(s) (t - s) ds` is increasing and convex in t, and
    has a closed form through ChangeModel.expected_integral; Newton's method with a bisection
    fallback finds the root.
    """
    base_expected = model.expected(since)
    base_integral = model.expected_integral(since)
    target = cost / factor

    def piled(wait: float) -> float:
        return (model.expected_integral(since + wait) - base_integral
                - wait * base_expected)

    if piled(longest) <= target:
        return longest
    low, high = 0.0, longest
    wait = min(math.sqrt(2.0 * target / max(model.rate(since), 1e-18)), longest)
    for _ in range(60):
        value = piled(wait) - target
        if abs(value) <= target * 1e-6:
            break
        if value > 0:
            high = wait
        else:
            low = wait
        slope = model.expected(since + wait) - base_expected
        step = wait - value / slope if slope > 0 else None
        wait = step if step is not None and low < step < high else (low + high) / 2.0
    return wait


# -- per-host budgets ---------------------------------------------------------------------------

def within_budget(dues: Iterable[Due], now: datetime, per_host: int,
                  host_of: Callable[[str], str]) -> tuple[list[Due], list[Due]]:
    """Split due pages into those fetched this run and those deferred by a host's budget.

    Within a host the most overdue (relative to their own interval) go first, so a deferred
    page only gets more urgent; `per_host` <= 0 means no budget.
    """
    by_host: dict[str, list[Due]] = defaultdict(list)
    for due in dues:
        by_host[host_of(due.url)].append(due)
    chosen: list[Due] = []
    deferred: list[Due] = []
    for host in sorted(by_host):
        ranked = sorted(by_host[host], key=lambda d: (-d.urgency(now), d.url))
        if per_host > 0:
            chosen.extend(ranked[:per_host])
            deferred.extend(ranked[per_host:])
        else:
            chosen.extend(ranked)
    return chosen, deferred


# -- helpers ------------------------------------------------------------------------------------

def span(delta: timedelta) -> str:
    """A duration as people say it: `45s`, `12 min`, `3.5 h`, `4 days`.

    >>> span(timedelta(minutes=90)), span(timedelta(days=3)), span(timedelta(seconds=20))
    ('1.5 h', '3 days', '20s')
    """
    seconds = delta.total_seconds()
    if seconds < 90:
        return f"{max(seconds, 0):.0f}s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.2g} h"
    return f"{seconds / 86400:.3g} days"


def _seconds(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0.0)
