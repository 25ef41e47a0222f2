"""Bring the index in line with the WARC files after a crash, at every crawl start and on
`palimpsest verify --repair`: no row may point at a missing or partial record.

Order matters: first `.open` files are cut back to their last whole record
(archive.verify.recovery), then rows are checked against the files, and if any row is wrong
the index (derived data) is rebuilt from the records a strict check found whole; otherwise only
what the index has not seen yet is added (catch-up).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive.exceptions import ConfigError
from archive.index import index_url, is_postgres, open_index
from archive.store.layout import DataLayout
from archive.verify.data import verify_data
from archive.verify.recovery import Recovered, recover_directory
from archive.verify.reindex import catch_up, rebuild

logger = logging.getLogger(__name__)


@dataclass
class Alignment:
    """What bringing the index in line did."""

    recovered: list[Recovered] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why the index was rebuilt
    rebuilt: bool = False
    caught_up: int = 0


def quick_problems(data_dir: str | Path) -> list[str]:
    """Rows that point at files that are gone or shorter than what was indexed: found from the
    index and file sizes alone, cheap enough for every crawl start."""
    layout = DataLayout(data_dir)
    if not layout.index_path.exists():
        return []
    problems = []
    try:
        index = open_index(layout.root, readonly=True)
    except sqlite3.Error as exc:
        return [f"the index cannot be opened: {exc}"]
    try:
        # Every file rows point into has its progress row, written in the same transaction.
        rows = index.db.execute(
            "SELECT collection, filename, indexed_to FROM warc_files").fetchall()
    except sqlite3.Error as exc:
        return [f"the index cannot be read: {exc}"]
    finally:
        index.db.close()
    for collection, filename, indexed_to in rows:
        try:
            path = layout.warc_path(collection, filename)
        except ConfigError as exc:
            problems.append(f"a row names {exc}")
            continue
        if not path.exists():
            problems.append(f"rows point at {filename}, which is missing")
        elif path.stat().st_size < indexed_to:
            problems.append(f"{filename} is shorter than the index has seen of it")
    return sorted(set(problems))


def bring_in_line(data_dir: str | Path, *, thorough: bool = False,
                  url: str | None = None) -> Alignment:
    """Recover `.open` files, then fix or complete the index. The caller holds the data lock.

    `thorough` (verify --repair) checks every row against a strict read of every record;
    otherwise (crawl start) a strict read happens only when the cheap check finds a problem.
    A shared index (`url`: PostgreSQL) is only caught up: other workers write to it at the same
    time, so it is checked and rebuilt by `palimpsest verify --repair` / `reindex` on purpose,
    never implicitly.
    """
    layout = DataLayout(data_dir)
    done = Alignment()
    if is_postgres(index_url(url)):
        for collection in layout.collections():
            done.recovered += recover_directory(layout.archive_dir(collection))
        done.caught_up = catch_up(layout.root, url=url)
        return done
    for collection in layout.collections():
        done.recovered += recover_directory(layout.archive_dir(collection))
    done.problems = quick_problems(layout.root)
    report = None
    if thorough or done.problems:
        report = verify_data(layout.root)
        done.problems += [str(defect) for defect in report.index_defects]
    if done.problems:
        logger.warning("the index disagrees with the WARC files (%s); rebuilding it from the "
                       "whole records", "; ".join(done.problems[:3]))
        rebuild(layout.root, good=report.good_records() if report else None)
        done.rebuilt = True
    else:
        done.caught_up = catch_up(layout.root,
                                  good=report.good_records() if report else None)
    return done
