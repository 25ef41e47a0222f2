"""How far a long job over many files (or pages) has got, told through a callback.

`reindex`, `verify`, `import`, `export` and `report` read every WARC file of an archive that may
hold tens of gigabytes. The library tells a caller-supplied function after each item how many
items and bytes are done out of how many; it knows nothing of terminals. The CLI
(archive/cli/progress.py) turns that into a progress bar on an interactive terminal, and passes
no callback at all under cron, `-q` or `--json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Done:
    """How much of a stage is done: `items` of `total_items` (files, or pages), `size` of
    `total_size` bytes (0 when the stage counts no bytes)."""

    stage: str
    items: int
    total_items: int
    size: int = 0
    total_size: int = 0


Report = Callable[[Done], None]


def file_size(path: Path) -> int:
    """The size of a file, 0 if it is gone (a listing may be stale by the time it is read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def tracked(stage: str, items: Sequence[T], report: Report | None,
            sizes: Sequence[int] | None = None) -> Iterator[T]:
    """Yield each of `items`; before the first and after each, tell `report` how many items
    (and, given their `sizes`, bytes) are done. Without `report` the items pass untouched."""
    if report is None:
        yield from items
        return
    weights = list(sizes) if sizes is not None else [0] * len(items)
    total = sum(weights)
    done = 0
    report(Done(stage, 0, len(items), 0, total))
    for number, (item, weight) in enumerate(zip(items, weights), start=1):
        yield item
        done += weight
        report(Done(stage, number, len(items), done, total))


def tracked_files(stage: str, paths: Sequence[Path], report: Report | None) -> Iterator[Path]:
    """`tracked` over files, weighed by their sizes on disk."""
    return tracked(stage, paths, report, [file_size(path) for path in paths]
                   if report is not None else None)
