"""Freshness benchmark: how soon each revisit policy captures an edit, for the fetches it spends.

A population of articles is edited the way newsrooms edit (see EDIT MODEL below for where each
figure comes from). Three policies check them from a cron job that starts every `--tick`:

- fixed: every article every N hours;
- newsdiffs: NewsDiffs' ladder (archive.schedule.policy.newsdiffs_due), stretched by a factor;
- adaptive: Palimpsest's own policy (archive.schedule.policy.revisit_due), at several efforts.

For each setting we count fetches per article (after the first capture) and measure, over all
edits, the median delay from an edit to the first fetch that sees it, and the share of edits
missed (overwritten by a later edit before any fetch, or never fetched in the window). Curves
are compared at equal fetch budgets by log-log interpolation.

Run: `make bench` (appends to bench/RESULTS.md, writes bench/freshness.png), or
`.venv/bin/python bench/freshness.py --articles 300 --no-write` for a quick look.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import platform
import random
import statistics
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.schedule.policy import (  # noqa: E402 - after the path set-up, for a plain `python bench/...`
    ARTICLE_POLICY,
    PageHistory,
    newsdiffs_due,
    revisit_due,
)

HERE = Path(__file__).resolve().parent
MIN, HOUR, DAY = 60.0, 3600.0, 86400.0
WINDOW = 60 * DAY  # each article is followed for 60 days after publication

# -- EDIT MODEL ---------------------------------------------------------------------------------
# Figures it is calibrated on (the benchmark prints the model's own value beside each):
# - Timmerman, Bronselaer & Van Leuven, "'Last update 1 hour ago': a large-scale study of
#   incremental updates in Flemish online news" (2019-2021; 291,666 articles, 197,979 updates,
#   each article visited every 15 min for 24 h): 35% of articles updated at least once; of those,
#   over 80% once or twice and about 5% more than nine times.
# - GDELT Global Difference Graph (articles re-crawled after 24 h and after one week, 2018-2020):
#   about 82% of body-text changes are found at the 24-hour check.
# - Saltzis, "Breaking News Online" (Journalism Practice, 2012; six UK sites): breaking stories
#   were updated about four times, on average every 67 minutes, mostly early.
# How the model turns them into edits (our choices, not measurements):
# - 97% "routine" articles: a negative-binomial number of edits (mean ROUTINE_MEAN, shape
#   ROUTINE_SHAPE, overdispersed: most never change); each edit at a log-normal time after
#   publication (median ROUTINE_MEDIAN, sigma ROUTINE_SIGMA), except a LATE share spread
#   log-uniformly over 1 to 60 days (corrections).
# - 3% "developing" stories: 1 + negative-binomial edits (mean DEVELOPING_MEAN, shape 2), spaced
#   by exponential gaps of mean DEVELOPING_GAP from publication: bursts right after publication.
DEVELOPING_SHARE = 0.03
ROUTINE_MEAN, ROUTINE_SHAPE = 0.6, 1.0
ROUTINE_MEDIAN, ROUTINE_SIGMA = 90 * MIN, 1.3
LATE_SHARE = 0.2
DEVELOPING_MEAN, DEVELOPING_GAP = 9.0, 67 * MIN


def negative_binomial(rng: random.Random, mean: float, shape: float) -> int:
    """A Gamma-Poisson draw: Poisson with a Gamma(shape, mean/shape) rate."""
    rate = rng.gammavariate(shape, mean / shape)
    # Poisson by counting exponential gaps (rates here are small)
    count, total = 0, rng.expovariate(1.0)
    while total < rate:
        count += 1
        total += rng.expovariate(1.0)
    return count


def article_edits(rng: random.Random, timing: float = 1.0) -> list[float]:
    """Edit times (seconds after publication, sorted, within the window) of one article.

    `timing` stretches every time (the sensitivity runs use 0.5 and 2).
    """
    if rng.random() < DEVELOPING_SHARE:
        count = 1 + negative_binomial(rng, DEVELOPING_MEAN, 2.0)
        times, now = [], 0.0
        for _ in range(count):
            now += rng.expovariate(1.0 / DEVELOPING_GAP)
            times.append(now)
    else:
        times = []
        for _ in range(negative_binomial(rng, ROUTINE_MEAN, ROUTINE_SHAPE)):
            if rng.random() < LATE_SHARE:
                times.append(math.exp(rng.uniform(math.log(DAY), math.log(WINDOW))))
            else:
                times.append(rng.lognormvariate(math.log(ROUTINE_MEDIAN), ROUTINE_SIGMA))
    return sorted(t * timing for t in times if t * timing < WINDOW)


def population(count: int, seed: int, timing: float = 1.0) -> list[tuple[float, list[float]]]:
    """(cron phase, edit times) per article: the same population for every policy."""
    rng = random.Random(seed)
    return [(rng.random(), article_edits(rng, timing)) for _ in range(count)]


# -- policies: (first_fetch, last_fetch, last_change | None, changes) -> next due (s) | None --

Policy = Callable[[float, float, float | None, int], float | None]
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def fixed_policy(every: float) -> Policy:
    return lambda first, last, change, changes: last + every


def newsdiffs_policy(scale: float) -> Policy:
    def due(first, last, change, changes):
        at = newsdiffs_due(EPOCH + timedelta(seconds=last),
                           EPOCH + timedelta(seconds=change if change is not None else first),
                           scale=scale)
        return None if at is None else (at - EPOCH).total_seconds()
    return due


def adaptive_policy(effort: float) -> Policy:
    def due(first, last, change, changes):
        page = PageHistory(
            "sim", "article", EPOCH + timedelta(seconds=first), EPOCH + timedelta(seconds=last),
            None if change is None else EPOCH + timedelta(seconds=change), changes)
        at = revisit_due(page, ARTICLE_POLICY, effort).at
        return None if at is None else (at - EPOCH).total_seconds()
    return due


# -- simulation ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one policy setting did over the whole population."""

    fetches: int = 0
    edits: int = 0
    missed: int = 0
    delays: list[float] | None = None

    def __post_init__(self) -> None:
        self.delays = self.delays or []


def simulate(articles, policy: Policy, tick: float) -> Outcome:
    """Run `policy` over every article; fetches happen only on cron ticks.

    Cron ticks fall at `k * tick - offset` in the article's own time (publication at 0). The
    listing is read every tick, so the first capture is at the first tick after publication;
    edits before it are part of the first version, not edits to catch.
    """
    outcome = Outcome()
    for phase, edits in articles:
        offset = phase * tick
        first = tick - offset
        pending = [e for e in edits if e > first]
        outcome.edits += len(pending)
        last, change, changes, index = first, None, 0, 0
        while True:
            due = policy(first, last, change, changes)
            if due is None:
                break
            at = _next_tick(max(due, last + tick), offset, tick)
            if at > WINDOW:
                break
            outcome.fetches += 1
            seen = index
            while index < len(pending) and pending[index] <= at:
                index += 1
            if index > seen:  # the fetch sees the newest edit; the ones before it were missed
                outcome.delays.append(at - pending[index - 1])
                outcome.missed += index - seen - 1
                change, changes = at, changes + 1
            last = at
        outcome.missed += len(pending) - index
    return outcome


def _next_tick(at: float, offset: float, tick: float) -> float:
    """The first cron tick at or after `at`."""
    return math.ceil((at + offset) / tick - 1e-9) * tick - offset


# -- calibration: the model observed the way the published studies observed ---------------------

def calibration(articles) -> list[tuple[str, str, str]]:
    """(figure, published, this model) rows: the model seen through each study's method."""
    updated, updates, heavy = 0, 0, 0
    by_day, by_week = 0, 0
    for phase, edits in articles:
        # Timmerman et al.: a visit every 15 min for 24 h; an update is a visit that differs.
        seen, last_index = 0, 0
        for visit in range(1, 97):
            index = sum(1 for e in edits if e <= visit * 15 * MIN)
            if index > last_index:
                seen += 1
            last_index = index
        updates += seen
        updated += seen > 0
        heavy += seen > 9
        # GDELT: first crawl at publication, re-crawls at 24 h and at one week.
        at_day = sum(1 for e in edits if e <= DAY)
        at_week = sum(1 for e in edits if e <= 7 * DAY)
        by_day += at_day > 0
        by_week += at_week > at_day
    n = len(articles)
    return [
        ("articles updated in their first 24 h (15-min visits)", "35%",
         f"{updated / n:.0%}"),
        ("updates per article in the first 24 h", "0.68 (197,979 / 291,666)",
         f"{updates / n:.2f}"),
        ("updated articles with more than 9 updates", "about 5%",
         f"{heavy / max(updated, 1):.1%}"),
        ("changes found at the 24-h re-crawl, of those found by one week", "about 82%",
         f"{by_day / max(by_day + by_week, 1):.0%}"),
    ]


# -- sweeps and comparisons ---------------------------------------------------------------------

FIXED_HOURS = (1, 2, 4, 8, 16, 24, 48)
NEWSDIFFS_SCALES = (0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 4.0)
EFFORTS = (0.1, 0.15, 0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0)


@dataclass(frozen=True)
class Point:
    """One policy setting's result."""

    policy: str
    setting: float
    fetches: float      # per article, after the first capture
    median_min: float
    p90_min: float
    mean_min: float
    missed: float


def _policy(name: str, setting: float) -> Policy:
    if name == "fixed":
        return fixed_policy(setting * HOUR)
    if name == "newsdiffs":
        return newsdiffs_policy(setting)
    return adaptive_policy(setting)


def _run(job) -> Point:
    name, setting, articles, tick = job
    outcome = simulate(articles, _policy(name, setting), tick)
    delays = sorted(outcome.delays)
    return Point(name, setting, outcome.fetches / len(articles),
                 statistics.median(delays) / MIN, delays[int(0.9 * (len(delays) - 1))] / MIN,
                 statistics.fmean(delays) / MIN, outcome.missed / max(outcome.edits, 1))


def sweep(articles, tick: float, pool) -> list[Point]:
    jobs = ([("fixed", h, articles, tick) for h in FIXED_HOURS]
            + [("newsdiffs", s, articles, tick) for s in NEWSDIFFS_SCALES]
            + [("adaptive", e, articles, tick) for e in EFFORTS])
    return pool.map(_run, jobs)


def interpolate(points: list[Point], x_of, y_of, x: float) -> float | None:
    """y at x on a policy's curve, linear in log-log between the two nearest settings."""
    curve = sorted((x_of(p), y_of(p)) for p in points)
    for (x0, y0), (x1, y1) in zip(curve, curve[1:]):
        if x0 <= x <= x1 and x0 > 0 and x1 > x0 and y0 > 0 and y1 > 0:
            share = (math.log(x) - math.log(x0)) / (math.log(x1) - math.log(x0))
            return math.exp(math.log(y0) + share * (math.log(y1) - math.log(y0)))
    return None


def budget_for_delay(points: list[Point], delay: float) -> float | None:
    """Fewest fetches per article at which a policy's median delay is `delay` (interpolated
    on the part of its curve where more fetches give less delay)."""
    curve = sorted((p.fetches, p.median_min) for p in points)
    for (x0, y0), (x1, y1) in zip(curve, curve[1:]):
        if y1 <= delay <= y0 and y1 < y0:
            share = (math.log(delay) - math.log(y0)) / (math.log(y1) - math.log(y0))
            return math.exp(math.log(x0) + share * (math.log(x1) - math.log(x0)))
    return None


@dataclass
class Comparison:
    """The target: at NewsDiffs' own budget, and at NewsDiffs' own median delay."""

    budget: float
    newsdiffs: Point
    at_budget: dict[str, float | None]
    missed_at_budget: dict[str, float | None]
    fetches_for_delay: dict[str, float | None]


def compare(points: list[Point]) -> Comparison:
    newsdiffs = next(p for p in points if p.policy == "newsdiffs" and p.setting == 1.0)
    by_policy = {name: [p for p in points if p.policy == name]
                 for name in ("fixed", "newsdiffs", "adaptive")}
    at_budget = {name: interpolate(curve, lambda p: p.fetches, lambda p: p.median_min,
                                   newsdiffs.fetches) for name, curve in by_policy.items()}
    missed = {name: interpolate(curve, lambda p: p.fetches, lambda p: p.missed,
                                newsdiffs.fetches) for name, curve in by_policy.items()}
    for_delay = {name: budget_for_delay(curve, newsdiffs.median_min)
                 for name, curve in by_policy.items()}
    return Comparison(newsdiffs.fetches, newsdiffs, at_budget, missed, for_delay)


# -- output -------------------------------------------------------------------------------------

LABELS = {"fixed": "fixed interval", "newsdiffs": "NewsDiffs ladder",
          "adaptive": "Palimpsest adaptive"}
SETTING = {"fixed": "every {:g} h", "newsdiffs": "ladder x{:g}", "adaptive": "effort {:g}"}


def plot(results: dict[float, list[Point]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(12, 5))
    styles = {"fixed": ("tab:gray", "s"), "newsdiffs": ("tab:orange", "o"),
              "adaptive": ("tab:blue", "^")}
    for tick, points in sorted(results.items(), reverse=True):
        dashed = "-" if tick == max(results) else "--"
        for name, (color, marker) in styles.items():
            curve = sorted((p for p in points if p.policy == name), key=lambda p: p.fetches)
            label = f"{LABELS[name]} (cron every {tick / MIN:g} min)"
            xs = [p.fetches for p in curve]
            axes[0].plot(xs, [p.median_min for p in curve], dashed, color=color, marker=marker,
                         label=label, alpha=1.0 if dashed == "-" else 0.55)
            axes[1].plot(xs, [100 * p.missed for p in curve], dashed, color=color,
                         marker=marker, label=label, alpha=1.0 if dashed == "-" else 0.55)
        reference = next(p for p in points if p.policy == "newsdiffs" and p.setting == 1.0)
        axes[0].scatter([reference.fetches], [reference.median_min], s=160, facecolors="none",
                        edgecolors="black", zorder=5)
    axes[0].set(xscale="log", yscale="log", xlabel="fetches per article (60 days)",
                ylabel="median delay from edit to capture (min)",
                title="Median delay against fetch budget\n(circled: NewsDiffs as published)")
    axes[1].set(xscale="log", xlabel="fetches per article (60 days)",
                ylabel="edits missed (%)", title="Edits never captured against fetch budget")
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return "n/a (outside the sweep)" if value is None else pattern.format(value)


def report(results: dict[float, list[Point]], comparisons: dict[float, Comparison],
           sensitivity: dict[str, Comparison], calibration_rows, articles: int,
           seconds: float) -> str:
    lines = [f"## Freshness of revisits ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)", ""]
    lines.append(f"Machine: {platform.platform()}, {_cpu()}, {os.cpu_count()} cores; Python "
                 f"{platform.python_version()}, matplotlib {metadata.version('matplotlib')}; "
                 f"{articles} simulated articles followed for 60 days each; "
                 f"{seconds:.0f} s. Plot: `bench/freshness.png`. Run: `make bench`.")
    lines += ["", "Edit model against the published figures it is calibrated on "
              "(see the EDIT MODEL comment in bench/freshness.py):", "",
              "| figure | published | model |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in calibration_rows]
    for tick, points in sorted(results.items()):
        comp = comparisons[tick]
        lines += ["", f"### Cron every {tick / MIN:g} min", "",
                  "| policy | setting | fetches/article | median delay (min) | p90 (min) | "
                  "mean (min) | edits missed |", "|---|---|---|---|---|---|---|"]
        for p in points:
            lines.append(f"| {LABELS[p.policy]} | {SETTING[p.policy].format(p.setting)} | "
                         f"{p.fetches:.1f} | {p.median_min:.1f} | {p.p90_min:.0f} | "
                         f"{p.mean_min:.0f} | {p.missed:.1%} |")
        lines += ["", f"At NewsDiffs' own budget ({comp.budget:.1f} fetches per article; "
                  f"NewsDiffs: median {comp.newsdiffs.median_min:.1f} min, "
                  f"{comp.newsdiffs.missed:.1%} missed):", ""]
        for name in ("fixed", "adaptive"):
            lines.append(f"- {LABELS[name]}: median {_fmt(comp.at_budget[name])} min, "
                         f"missed {_fmt(comp.missed_at_budget[name], '{:.1%}')}; NewsDiffs' "
                         f"median delay for {_fmt(comp.fetches_for_delay[name])} fetches "
                         "per article")
        half = comp.newsdiffs.median_min / 2
        lines.append(f"- target (half NewsDiffs' median at its budget, {half:.1f} min, or its "
                     f"median for fewer fetches): {_verdict(comp)}")
    if sensitivity:
        lines += ["", "Robustness: the policy's prior kept as it is, the newsrooms' edits "
                  "made faster or slower than it assumes (cron every 10 min):", "",
                  "| edit times | NewsDiffs median (min) | adaptive median at that budget | "
                  "adaptive fetches for NewsDiffs' median |", "|---|---|---|---|"]
        for label, comp in sensitivity.items():
            lines.append(f"| {label} | {comp.newsdiffs.median_min:.1f} at "
                         f"{comp.budget:.1f} fetches | {_fmt(comp.at_budget['adaptive'])} | "
                         f"{_fmt(comp.fetches_for_delay['adaptive'])} |")
    return "\n".join(lines) + "\n"


def _verdict(comp: Comparison) -> str:
    half = comp.at_budget["adaptive"] is not None and \
        comp.at_budget["adaptive"] <= comp.newsdiffs.median_min / 2
    fewer = comp.fetches_for_delay["adaptive"]
    parts = ["met: half the median delay at the same budget" if half else
             "not met on delay: the adaptive median at NewsDiffs' budget is "
             f"{_fmt(comp.at_budget['adaptive'])} min"]
    if fewer is not None:
        parts.append(f"NewsDiffs' median delay costs {fewer / comp.budget:.0%} of its fetches")
    return "; ".join(parts)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--ticks", default="10,5", help="cron periods in minutes")
    parser.add_argument("--no-write", action="store_true",
                        help="print the section instead of appending it to bench/RESULTS.md")
    args = parser.parse_args(argv)
    started = datetime.now(timezone.utc)
    articles = population(args.articles, args.seed)
    ticks = [float(t) * MIN for t in args.ticks.split(",")]
    with multiprocessing.Pool(min(os.cpu_count() or 1, 4)) as pool:
        results = {tick: sweep(articles, tick, pool) for tick in ticks}
        sensitivity = {}
        for label, timing in (("twice as fast", 0.5), ("twice as slow", 2.0)):
            other = population(args.articles, args.seed + 1, timing)
            sensitivity[label] = compare(sweep(other, 10 * MIN, pool))
    comparisons = {tick: compare(points) for tick, points in results.items()}
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    text = report(results, comparisons, sensitivity, calibration(articles), args.articles,
                  seconds)
    if args.no_write:
        print(text)
        return 0
    plot(results, HERE / "freshness.png")
    results_md = HERE / "RESULTS.md"
    if not results_md.exists():
        results_md.write_text("# Benchmark results\n\nEach run appends a dated section.\n",
                              encoding="utf-8")
    with results_md.open("a", encoding="utf-8") as out:
        out.write("\n" + text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
