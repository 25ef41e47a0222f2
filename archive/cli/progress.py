"""Progress bars (rich) for the crawl and for the jobs over whole archives (reindex, verify,
import, export, report), shown only on an interactive terminal.

Under cron stderr is not a terminal, and --quiet and --json ask for no decoration: then there is
no bar at all, only the summary (or nothing) at the end. The library reports through a callback
(archive/progress.py); only this module knows about terminals.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from archive.progress import Report


def wants_progress(quiet: bool, as_json: bool, stream: IO[str] | None = None) -> bool:
    """A bar only for a person at a terminal: not under cron, not with --quiet or --json."""
    stream = stream if stream is not None else sys.stderr
    return not quiet and not as_json and bool(getattr(stream, "isatty", lambda: False)())


class CrawlProgress:
    """A context manager holding a rich progress bar on stderr; `update` takes the counts
    crawler.extensions.progress.ProgressReporter sends."""

    def __init__(self, collection: str) -> None:
        # Imported here: the CLI must start fast, so a run that meets the lock exits at once.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(stderr=True, highlight=False)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("{task.fields[found]}"), TimeElapsedColumn(),
            console=self.console, transient=True)
        self.task = self.progress.add_task(collection, total=None, found="")

    def __enter__(self) -> "CrawlProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def update(self, counts: dict[str, Any]) -> None:
        found = (f"fetched {counts['fetched']}, new versions {counts['new_versions']}"
                 + (f", failed {counts['failed']}" if counts["failed"] else ""))
        self.progress.update(self.task, total=max(counts["total"], 1),
                             completed=counts["done"], found=found)


@contextmanager
def archive_progress(quiet: bool = False, as_json: bool = False) -> Iterator[Report | None]:
    """A callback drawing one bar per stage on stderr (files and bytes done, rate, time left)
    for a person at a terminal; None under cron, --quiet or --json."""
    if not wants_progress(quiet, as_json):
        yield None
        return
    from archive.cli.bars import StageBars  # rich loads late: every CLI start would pay for it

    bars = StageBars()
    with bars.progress:
        yield bars.report

