"""Rows that do not read are left out, never passed on to crash a reader.

The index is derived data, and an older Palimpsest (or a shared PostgreSQL index anyone can
write to) may hold values no reader can use: a capture time that is not a time, an offset that
is not a number. Every row goes through `readable` on its way out of the index: a row that does
not read is skipped with a warning, and `palimpsest verify` names it (archive.verify.data).
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from archive.index.base import Capture, Citation, Page, Version

logger = logging.getLogger(__name__)

# The columns each row type needs to be usable, and what each must be.
TIMES = {Capture: ("fetched_at",), Version: ("first_seen", "last_seen"),
         Page: ("first_seen", "last_seen"), Citation: ("cited_at",)}
COUNTS = {Capture: ("warc_offset", "warc_length"), Version: ("first_capture",),
          Page: (), Citation: ("article_capture",)}
TEXTS = {Capture: ("url", "collection", "record_id", "warc_file"), Version: ("url", "text_hash"),
         Page: ("url", "collection", "role"), Citation: ("article_url", "source_url")}


_Row = TypeVar("_Row")


def row_problem(cls: type[Any], row: dict[str, Any]) -> str | None:
    """Why a row cannot be read as `cls`, or None.

    >>> row_problem(Page, {"url": "u", "collection": "c", "role": "article",
    ...                    "first_seen": "yesterday-ish", "last_seen": "2026-01-01T00:00:00Z"})
    "first_seen 'yesterday-ish' is not a time"
    """
    for name in TEXTS.get(cls, ()):
        if not isinstance(row.get(name), str) or not row.get(name):
            return f"{name} {row.get(name)!r} is not text"
    for name in TIMES.get(cls, ()):
        if not is_time(row.get(name)):
            return f"{name} {str(row.get(name))[:40]!r} is not a time"
    for name in COUNTS.get(cls, ()):
        value = row.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{name} {str(value)[:40]!r} is not a count"
    return None


def readable(cls: type[_Row], row: dict[str, Any]) -> _Row | None:
    """`cls(**row)`, or None (with a warning) when the row does not read."""
    problem = row_problem(cls, row)
    if problem is None:
        # Every class is hashable; mypy does not know it of a type variable's class.
        known = _names(cls)  # type: ignore[arg-type]
        try:
            return cls(**{name: value for name, value in row.items() if name in known})
        except TypeError as exc:
            problem = str(exc)
    logger.warning("index: a %s row of %s does not read (%s); left out (run `palimpsest "
                   "verify`)", cls.__name__.lower(), str(row.get("url"))[:200], problem)
    return None


@lru_cache(maxsize=None)
def _names(cls: type[Any]) -> frozenset[str]:
    return frozenset(field.name for field in fields(cls))


@lru_cache(maxsize=65536)
def is_time(value: object) -> bool:
    """Whether an index value is an ISO 8601 UTC time (what every reader parses)."""
    if not isinstance(value, str) or not value.endswith("Z") or len(value) > 40:
        return False
    try:
        datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return False
    return True
