"""Pages whose requisites are missing: notes, never defects.

A page can be archived whole and still replay without its stylesheet, because a requisite
failed (a 404, a timeout, a refused address) or a cap skipped it. That is a fact about what
the site served and what the crawl was allowed to fetch, not damage to the archive, so verify
reports it as a note: one per page, with what is missing and why (from the requisites its
pageinfo listed, as the index holds them).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from archive.verify.files import Defect

MAX_NOTES = 100  # pages named one by one; the rest are counted in one more note


def missing_requisite_notes(db: sqlite3.Connection) -> list[Defect]:
    """A note per page capture with requisites missing: failed or skipped, or listed as
    served by a capture the index does not hold."""
    try:
        rows = db.execute(
            "SELECT c.url, c.warc_file, c.warc_offset, r.page_capture, r.outcome, r.url, "
            "(SELECT count(*) FROM requisites t WHERE t.page_capture = r.page_capture) "
            "FROM requisites r JOIN captures c ON c.id = r.page_capture "
            "WHERE r.outcome IN ('failed', 'skipped') OR NOT EXISTS "
            "(SELECT 1 FROM captures k WHERE k.url = r.url) "
            "ORDER BY c.fetched_at, c.id").fetchall()
    except sqlite3.OperationalError:  # an index from before schema version 2
        return []
    pages: dict[int, dict[str, Any]] = {}
    reasons: dict[int, dict[str, int]] = defaultdict(dict)
    for url, warc_file, offset, capture, outcome, _, total in rows:
        pages.setdefault(capture, {"url": url, "file": warc_file, "offset": offset,
                                   "total": total, "missing": 0})
        pages[capture]["missing"] += 1
        key = outcome if outcome in ("failed", "skipped") else "not archived"
        reasons[capture][key] = reasons[capture].get(key, 0) + 1
    notes = []
    for capture, page in list(pages.items())[:MAX_NOTES]:
        why = ", ".join(f"{kind} {count}" for kind, count in sorted(reasons[capture].items()))
        notes.append(Defect(page["file"], page["offset"],
                            f"{page['url']}: {page['missing']} of the {page['total']} requisites "
                            f"it lists missing ({why}); replay shows the page without them",
                            "requisites"))
    if len(pages) > MAX_NOTES:
        notes.append(Defect("index", None, f"{len(pages) - MAX_NOTES} more pages have "
                                           "requisites missing", "requisites"))
    return notes
