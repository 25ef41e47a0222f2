"""How each seed of a run ended: fetched, not due, refused, failed, skipped by a cap, unreadable.

A run that did less than asked must say so (README: Running from cron). The spider records the
end of each seed's request in the crawl stats under `palimpsest/seed/<position>` as
`outcome` or `outcome:reason`; this module turns those marks and the plan into one outcome per
seed of the file, and says when the run as a whole did nothing useful and what to change.
Plain data, no Scrapy: the CLI and the shared crawl use it alike.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

from archive.schedule.seeds import SeedFile

FETCHED = "fetched"
NOT_DUE = "not-due"
REFUSED = "refused"
FAILED = "failed"
SKIPPED = "skipped"        # by a cap: the run stopped (CLOSESPIDER_*, a signal) before it
UNREADABLE = "unreadable"  # a feed or sitemap that did not parse, or suddenly listed nothing
OUTCOMES = (FETCHED, NOT_DUE, REFUSED, FAILED, SKIPPED, UNREADABLE)

STAT_PREFIX = "palimpsest/seed/"
CAP_STAT_PREFIX = "palimpsest/seed_capped/"  # a seed read only up to a cap: which one
# Where a crawl leaves its discovery seeds' problems for `palimpsest status`, per collection.
PROBLEMS_FILE = "seed-problems.json"
_EMPTY_PREFIX = "empty-after-"

# What to change for each kind of refusal, said on the problem line of a run that did nothing.
_REFUSAL_HINTS = {
    "address": "the seeds are on loopback or private addresses: add --allow-private (an "
               "intranet, the demo) or list the networks in PALIMPSEST_ALLOWED_NETWORKS",
    "dns": "the seeds' host names resolve to loopback or private addresses: add "
           "--allow-private or list the networks in PALIMPSEST_ALLOWED_NETWORKS",
    "connected-address": "the seeds answered from loopback or private addresses: add "
                         "--allow-private or list the networks in PALIMPSEST_ALLOWED_NETWORKS",
    "robots": "the sites' robots.txt refuse us: set robots = \"ignore\" on those seeds only "
              "if you have the publisher's leave",
    "scheme": "fix the seeds' urls (only http and https are fetched)",
    "url": "fix the seeds' urls",
}


def seed_mark(outcome: str, reason: str | None = None) -> str:
    """The stats value the spider records for one seed."""
    return f"{outcome}:{reason}" if reason else outcome


def seed_outcomes(seedfile: SeedFile, due_urls: set[str] | None, stats: Mapping[str, Any]
                  ) -> list[dict[str, Any]]:
    """One entry per seed, in file order: position, url, type, outcome and (when there is one)
    reason. `due_urls` are the seeds this run asked for (None: all of them)."""
    finish = str(stats.get("finish_reason") or "unknown")
    entries = []
    for seed in seedfile.seeds:
        entry: dict[str, Any] = {"position": seed.position, "url": seed.url, "type": seed.type}
        mark = stats.get(f"{STAT_PREFIX}{seed.position}")
        if due_urls is not None and seed.url not in due_urls:
            entry["outcome"] = NOT_DUE
        elif isinstance(mark, str) and mark.split(":", 1)[0] in OUTCOMES:
            outcome, _, reason = mark.partition(":")
            entry["outcome"] = outcome
            if reason:
                entry["reason"] = reason
        elif finish not in ("finished", "nothing_due"):
            entry["outcome"], entry["reason"] = SKIPPED, finish  # the run stopped first
        else:
            # Due and asked for, yet no request of it came back: a filter dropped it.
            entry["outcome"], entry["reason"] = FAILED, "dropped"
        cap = stats.get(f"{CAP_STAT_PREFIX}{seed.position}")
        if isinstance(cap, str):
            entry["capped"] = cap
        entries.append(entry)
    return entries


def outcome_counts(entries: list[dict[str, Any]]) -> dict[str, int]:
    """How many seeds ended each way, in the fixed order of OUTCOMES, zeros left out."""
    counts = Counter(entry["outcome"] for entry in entries)
    return {outcome: counts[outcome] for outcome in OUTCOMES if counts[outcome]}


def outcome_problems(entries: list[dict[str, Any]]) -> list[str]:
    """A problem line when every due seed was refused or unreadable, saying what to do."""
    due = [entry for entry in entries if entry["outcome"] != NOT_DUE]
    if not due or any(entry["outcome"] not in (REFUSED, UNREADABLE) for entry in due):
        return []
    reasons = Counter(entry.get("reason", "other") for entry in due
                      if entry["outcome"] == REFUSED)
    unreadable = [entry for entry in due if entry["outcome"] == UNREADABLE]
    parts = [f"{kind} {count}" for kind, count in sorted(reasons.items())]
    if unreadable:
        parts.append(f"unreadable {len(unreadable)}")
    hints = [_REFUSAL_HINTS.get(kind, f"see the log for why ({kind})") for kind in sorted(reasons)]
    if unreadable:
        kinds = sorted({entry["type"] for entry in unreadable})
        hints.append(f"check that {unreadable[0]['url']} is a {' or '.join(kinds)} and that "
                     "its seed's type is right")
    return [f"no seed was crawled: every due seed was refused or unreadable "
            f"({', '.join(parts)}); " + "; ".join(hints)]


def counts_phrase(counts: Mapping[str, int]) -> str:
    """`seeds 4 (fetched 2, refused 2)`, for the summary line."""
    total = sum(counts.values())
    return f"seeds {total} (" + ", ".join(f"{name.replace('-', ' ')} {count}"
                                          for name, count in counts.items()) + ")"


def discovery_problems(entries: list[dict[str, Any]]) -> list[str]:
    """One line per due listing, feed or sitemap seed that could not be read or suddenly
    listed nothing. They do not fail a run on their own (README: Running from cron)."""
    lines = []
    for entry in entries:
        if entry.get("capped", "").startswith("sitemap-entries-"):
            read = entry["capped"].rsplit("-", 1)[1]
            lines.append(f"sitemap seed {entry['url']} lists more URLs than a sitemap may "
                         f"hold; only the first {read} were read: split it, or list its "
                         "parts as seeds")
        if entry["outcome"] != UNREADABLE:
            continue
        kind, url, reason = entry["type"], entry["url"], entry.get("reason", "")
        if reason.startswith(_EMPTY_PREFIX):
            lines.append(f"{kind} seed {url} listed nothing, though "
                         f"{reason[len(_EMPTY_PREFIX):]} articles were found through it "
                         "before: has it moved? Check its url")
        else:
            lines.append(f"{kind} seed {url} could not be read as a {kind} (the log says "
                         f"why): check its url, and that its type is right")
    return lines


def record_seed_problems(collection_dir: Path, problems: list[str], at: str) -> None:
    """Leave this run's seed problems (none: an empty list) where `status` reads them."""
    collection_dir.mkdir(parents=True, exist_ok=True)
    target = collection_dir / PROBLEMS_FILE
    scratch = target.with_name(target.name + ".tmp")
    scratch.write_text(json.dumps({"at": at, "problems": problems}), encoding="utf-8")
    os.replace(scratch, target)  # whole or not at all, for a reader at any moment


def read_seed_problems(collection_dir: Path) -> dict[str, Any] | None:
    """What the last crawl of a collection recorded, or None; a file that does not read as
    one is itself reported as a problem, never raised."""
    try:
        data = json.loads((collection_dir / PROBLEMS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return {"at": None, "problems": [f"{PROBLEMS_FILE} is unreadable: {exc}"]}
    problems = data.get("problems") if isinstance(data, dict) else None
    if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
        return {"at": None, "problems": [f"{PROBLEMS_FILE} is not what a crawl writes"]}
    at = data.get("at")
    return {"at": at if isinstance(at, str) else None, "problems": problems}
