"""`palimpsest demo`: the whole job, offline, against the bundled demo site.

The site is served from this process; each crawl runs in a child process (Twisted's reactor
starts once per process), exactly as cron would run it. Between crawls the site moves to its
next state: edits, a takedown, a restore, with its furniture rotating on every request.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from archive.demo.site import DEFAULT_PORT, DemoSite
from archive.exceptions import PalimpsestError, PortInUseError
from archive.store.layout import DataLayout
from archive.versions.lifecycle import GONE_STATUSES, takedowns

# The demo site is ours and on loopback: no need to wait between requests.
FAST_LOCAL = ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0"]

STATES = (
    (1, "as first published"),
    (2, "after the edits: a figure revised, a paragraph added, a headline rewritten, "
        "article D taken down, the ministry's statement revised"),
    (3, "article D restored"),
)


@dataclass
class DemoRun:
    """What the demo did, for the closing summary and for later steps (diffs, report)."""

    data_dir: Path
    site: DemoSite
    summaries: list[dict[str, Any]]


def start_site(port: int, data_dir: Path, say: Callable[[str], None] = print) -> DemoSite:
    """The demo site on `port`. When that port is taken: on a free port, saying so, if
    `data_dir` holds no archive yet; else PortInUseError, because the demo's pages are known
    by their address, and a run on another port would add a second copy of the whole demo
    under that address to the archive already there."""
    try:
        return DemoSite(port=port).start()
    except OSError:
        if port == 0:
            raise
        if DataLayout(data_dir).collections():
            raise PortInUseError(
                f"port {port} is in use, and {data_dir} holds the demo made on that port: "
                f"stop what listens on {port}, or run the demo into another --data "
                "folder with --port 0") from None
    site = DemoSite(port=0).start()
    say(f"Port {port} is in use: the demo site listens on port {site.port} instead.")
    return site


def crawl_once(seeds: Path, data_dir: Path) -> dict[str, Any]:
    """One crawl in a child process, as cron would run it; returns its JSON summary."""
    # --all: the states follow each other within seconds, long before anything would be due.
    command = [sys.executable, "-m", "archive.cli", "crawl", str(seeds), "--data", str(data_dir),
               "--allow-private", "--json", "--all", *FAST_LOCAL]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not result.stdout.strip():
        raise PalimpsestError(f"demo crawl failed (exit {result.returncode}):\n{result.stderr}")
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def _resources_line(summary: dict[str, Any]) -> str:
    """What the pages needed to render, and the screenshots: stylesheets, the font, pictures and
    the script are fetched with the first page that needs them and reused after that."""
    counts = summary.get("requisites") or {}
    fetched = sum(counts.get(key, 0) for key in ("fetched", "revisit", "not_modified"))
    line = f"requisites fetched {fetched}, reused {counts.get('fresh', 0)}"
    shots = summary.get("screenshots") or {}
    if shots.get("enabled"):
        return line + f"; screenshots made {shots.get('made', 0)}"
    return line + "; " + str(shots.get("line", "screenshots: off"))


def run_tour(data_dir: Path, port: int = DEFAULT_PORT,
             say: Callable[[str], None] = print) -> DemoRun:
    """Serve the demo site, crawl it in each of its states, and say what happened."""
    data_dir.mkdir(parents=True, exist_ok=True)
    site = start_site(port, data_dir, say)
    try:
        seeds = data_dir / "demo-seeds.toml"
        seeds.write_text(site.seeds_toml(), encoding="utf-8")
        say(_fitted(f"Demo site: newspaper {site.newspaper_url}/  ministry "
                    f"{site.ministry_url}/en/news/", "           "))
        say(f"Seed list: {seeds}\n")
        summaries = []
        for state, label in STATES:
            site.set_state(state)
            summary = crawl_once(seeds, data_dir)
            summaries.append(summary)
            gone = takedowns(summary.get("failures") or {})
            failed = summary["failed"] - sum(summary.get("failures", {}).get(f"http-{status}", 0)
                                             for status in GONE_STATUSES)
            say(_fitted(f"Crawl {state} ({label}):", "  "))
            say(_fitted(f"  fetched {summary['fetched']}, new versions "
                        f"{summary['new_versions']}, unchanged {summary['unchanged']}, "
                        f"returned {summary['returned']}, " + (f"{gone}, " if gone else "")
                        + f"failed {failed}", "  "))
            say("  " + _resources_line(summary))
        return DemoRun(data_dir, site, summaries)
    finally:
        site.stop()


def _fitted(text: str, indent: str) -> str:
    """`text` wrapped at the terminal's width (COLUMNS when piped), continuation lines under
    `indent`; a URL is never broken, so it can still be copied whole."""
    width = shutil.get_terminal_size().columns
    return textwrap.fill(text, width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)
