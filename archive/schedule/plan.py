"""What one crawl run fetches: due seeds, due known pages, and which discovered links to follow.

Due times are not stored: each run computes them from the index (pages, the seed each page was
captured under, feed and sitemap dates), all of which `palimpsest reindex` rebuilds from the
WARCs. So a rebuilt index plans exactly like the live one, and a changed policy or seed file
takes effect on the next run. The plan is plain data: the spider asks it what to follow, and
`palimpsest due` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.index import INDEX_FILENAME, index_url, open_index
from archive.index.ingest import LASTMOD_SKEW
from archive.net.urls import host_of
from archive.schedule.freshness import validator_headers
from archive.schedule.policy import (
    GRACE,
    POLICIES,
    Due,
    PageHistory,
    new_due,
    revisit_due,
    seed_due,
    within_budget,
)
from archive.schedule.seeds import Seed, SeedFile
from archive.timeutil import parse_when, to_iso

DEFAULT_EFFORT = 1.0
DEFAULT_HOST_BUDGET = 200
_DISCOVERY_TYPES = ("listing", "feed", "sitemap")


@dataclass(frozen=True)
class Known:
    """A page the index knows, with what scheduling and conditional requests need."""

    history: PageHistory
    seed: str | None
    etag: str | None
    last_modified: str | None
    state: str


@dataclass(frozen=True)
class Visit:
    """A known article or source revisited this run, under the seed it belongs to."""

    url: str
    role: str
    seed: Seed
    due: Due


@dataclass
class CrawlPlan:
    """One run's decisions. With `everything`, every seed and known page, and every link."""

    now: datetime
    everything: bool
    effort: float
    seeds: list[tuple[Seed, Due]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    waiting: list[Due] = field(default_factory=list)    # known, not due yet (or never again)
    deferred: list[Due] = field(default_factory=list)   # due, but over a host's budget
    known: dict[str, Known] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)  # links found but not followed
    unreadable: list[str] = field(default_factory=list)  # index rows left out, with why

    @property
    def empty(self) -> bool:
        return not self.seeds and not self.visits

    def follow(self, url: str, role: str, lastmod: str | None = None,
               force: bool = False) -> bool:
        """Whether a link found this run (an article a listing or feed leads to, a source an
        article cites) is fetched: always with `everything` or `force`, else if it is new or
        due (a feed's date for it counts)."""
        if self.everything or force:
            return True
        known = self.known.get(url)
        if known is None:
            return True
        due = self.due_for(known, lastmod)
        if due.is_due(self.now):
            return True
        self.skipped.add(url)
        return False

    def due_for(self, known: Known, lastmod: str | None = None) -> Due:
        """When a known page is due, with a date just read from a feed taken into account."""
        history = known.history
        if lastmod:
            when = _time(lastmod)
            if when is not None and when <= self.now + LASTMOD_SKEW and (
                    history.lastmod is None or when > history.lastmod):
                history = _replace_lastmod(history, when)
        policy = POLICIES.get(history.role, POLICIES["article"])
        return revisit_due(history, policy, self.effort)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from what the last good response of `url` said."""
        known = self.known.get(url)
        if known is None or known.state != "live":
            return {}
        return validator_headers(known.etag, known.last_modified)

    def statuses(self) -> dict[str, str]:
        """fetch | over-budget | waiting, per URL the plan decided on."""
        status = {due.url: "waiting" for due in self.waiting}
        status.update({due.url: "over-budget" for due in self.deferred})
        status.update({seed.url: "fetch" for seed, _ in self.seeds})
        status.update({visit.url: "fetch" for visit in self.visits})
        return status

    def counts(self) -> dict[str, int]:
        """Figures for the crawl summary."""
        return {"due_seeds": len(self.seeds), "due_pages": len(self.visits),
                "not_due": len({due.url for due in self.waiting} | self.skipped),
                "over_budget": len(self.deferred), "unreadable_rows": len(self.unreadable)}


def plan_from_index(data_dir: str | Path, seedfile: SeedFile, now: datetime, *,
                    url: str | None = None, everything: bool = False,
                    effort: float = DEFAULT_EFFORT, host_budget: int = DEFAULT_HOST_BUDGET
                    ) -> CrawlPlan:
    """The plan of a run at `now`, from the index of `data_dir` (or at `url`) read without
    changing it; a data folder with no index yet plans every seed as new."""
    rows: list[dict[str, Any]] = []
    if index_url(url) is not None or (Path(data_dir) / INDEX_FILENAME).exists():
        index = open_index(data_dir, readonly=True, url=url)
        try:
            rows = index.schedule_rows(seedfile.collection)
        finally:
            index.close()
    return make_plan(rows, seedfile, now, everything=everything, effort=effort,
                     host_budget=host_budget)


def make_plan(rows: list[dict[str, Any]], seedfile: SeedFile, now: datetime, *,
              everything: bool = False,
              effort: float = DEFAULT_EFFORT, host_budget: int = DEFAULT_HOST_BUDGET
              ) -> CrawlPlan:
    """Decide one run from the index rows of the collection (Index.schedule_rows)."""
    plan = CrawlPlan(now, everything, effort)
    for row in rows:
        # The index may be shared (PostgreSQL) or damaged: a row that does not read as a page
        # is left out of the plan and reported, never allowed to stop the run.
        try:
            known = _known(row)
        except (KeyError, TypeError, ValueError) as exc:
            plan.unreadable.append(f"{str(row.get('url'))[:200]}: {exc}")
            continue
        plan.known[known.history.url] = known
    seeds_by_url = {seed.url: seed for seed in seedfile.seeds}
    for seed in seedfile.seeds:
        due = _seed_due(plan, seed)
        if everything or due.is_due(now):
            plan.seeds.append((seed, due))
        else:
            plan.waiting.append(due)
    candidates: list[tuple[Visit, Due]] = []
    for url, known in plan.known.items():
        if url in seeds_by_url or known.history.role not in POLICIES:
            continue  # seeds are planned above; listings and others come through their seeds
        found = seeds_by_url.get(known.seed) if known.seed else _fallback_seed(seedfile, url)
        if found is None:
            plan.waiting.append(Due(url, "never", None,
                                    f"its seed {known.seed} is no longer in the seed file"))
            continue
        seed = found
        due = plan.due_for(known)
        visit = Visit(url, known.history.role, seed, due)
        if everything:
            plan.visits.append(visit)
        elif due.is_due(now):
            candidates.append((visit, due))
        else:
            plan.waiting.append(due)
    if candidates:
        visits = {visit.url: visit for visit, _ in candidates}
        chosen, plan.deferred = within_budget([due for _, due in candidates], now, host_budget,
                                              host_of)
        plan.visits.extend(visits[due.url] for due in chosen)
    return plan


def explain(plan: CrawlPlan) -> list[Due]:
    """Every decision of a plan, soonest first: what `palimpsest due` prints."""
    decided = [due for _, due in plan.seeds] + [visit.due for visit in plan.visits]
    decided += plan.deferred + plan.waiting
    far = datetime.max.replace(tzinfo=plan.now.tzinfo)
    return sorted(decided, key=lambda due: (due.at or far, due.url))


def due_entry(due: Due, status: str) -> dict[str, Any]:
    """One page of `palimpsest due --json`."""
    return {"url": due.url, "status": status, "kind": due.kind,
            "due_at": to_iso(due.at) if due.at else None,
            "last_fetch": to_iso(due.last_fetch) if due.last_fetch else None,
            "reason": due.reason, **due.details}


def _seed_due(plan: CrawlPlan, seed: Seed) -> Due:
    known = plan.known.get(seed.url)
    if known is None:
        return new_due(seed.url, plan.now)
    if seed.type in _DISCOVERY_TYPES:
        return seed_due(seed.url, seed.type, seed.policy.every, known.history.last_fetch,
                        plan.now)
    history = known.history
    if history.role not in POLICIES:  # a page seed that redirects: revisit it as an article
        history = PageHistory(history.url, "article", history.first_seen, history.last_fetch,
                              history.last_change, history.changes, history.lastmod)
        known = Known(history, known.seed, known.etag, known.last_modified, known.state)
    return plan.due_for(known)


def _fallback_seed(seedfile: SeedFile, url: str) -> Seed | None:
    """For pages archived before seeds were recorded: a seed on the same host, else the first."""
    host = host_of(url)
    for seed in seedfile.seeds:
        if host_of(seed.url) == host:
            return seed
    return seedfile.seeds[0] if seedfile.seeds else None


def _known(row: dict[str, Any]) -> Known:
    if not isinstance(row.get("url"), str) or not isinstance(row.get("role"), str):
        raise ValueError("url or role is not text")
    history = PageHistory(
        url=row["url"], role=row["role"], first_seen=parse_when(row["first_seen"]),
        last_fetch=parse_when(row["last_seen"]),
        last_change=_time(row.get("last_change")), changes=int(row.get("changes") or 0),
        lastmod=_time(row.get("lastmod")))
    return Known(history, row.get("seed"), row.get("etag"), row.get("last_modified"),
                 row.get("state") or "live")


def _replace_lastmod(history: PageHistory, when: datetime) -> PageHistory:
    return PageHistory(history.url, history.role, history.first_seen, history.last_fetch,
                       history.last_change, history.changes, when)


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_when(text)
    except ValueError:
        return None


__all__ = ["CrawlPlan", "Known", "Visit", "make_plan", "explain", "GRACE"]
