"""The SQL both backends run: the index's queries are written once, in the SQLite spelling,
and these few mechanical rewrites give PostgreSQL's spelling of the same statement.

The differences handled (and only these):
- placeholders: `?` and `:name` become `%s` and `%(name)s` (psycopg);
- scalar `min(a, b)` / `max(a, b)` (two or more arguments) become `LEAST` / `GREATEST`;
  one-argument `min(x)` / `max(x)` are aggregates in both and stay (beware: SQLite's scalar
  min/max return NULL when an argument is NULL, LEAST/GREATEST skip NULLs, so statements pass
  no NULL to them: `coalesce` first);
- `INSERT OR IGNORE INTO … VALUES (…)` becomes `INSERT INTO … VALUES (…) ON CONFLICT DO
  NOTHING`.
Everything else (ON CONFLICT … DO UPDATE, `excluded.`, CASE, coalesce, LIMIT) is spelled the same
in both. Statements must qualify columns of the target table inside ON CONFLICT … DO UPDATE
(`pages.fetches`), which PostgreSQL requires and SQLite accepts.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_MINMAX = re.compile(r"\b(min|max)\(", re.IGNORECASE)
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def to_postgres(sql: str) -> str:
    """PostgreSQL's spelling of a statement written for SQLite (cached: statements repeat)."""
    if "'" in sql.replace("''", ""):
        # A literal could hide a '?' or a 'min(': rewrite outside literals only.
        parts = re.split(r"('(?:[^']|'')*')", sql)
        return "".join(part if index % 2 else _rewrite(part)
                       for index, part in enumerate(parts)) + _suffix(sql)
    return _rewrite(sql) + _suffix(sql)


def _suffix(sql: str) -> str:
    return " ON CONFLICT DO NOTHING" if _INSERT_OR_IGNORE.match(sql) else ""


def _rewrite(sql: str) -> str:
    sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql)
    sql = sql.replace("%", "%%")
    sql = sql.replace("?", "%s")
    sql = _NAMED.sub(r"%(\1)s", sql)
    return _scalar_minmax(sql)


def _scalar_minmax(sql: str) -> str:
    """Rename `min(`/`max(` calls with more than one top-level argument."""
    out = []
    position = 0
    for match in _MINMAX.finditer(sql):
        if match.start() < position:
            continue
        close, commas = _call_extent(sql, match.end())
        if commas:
            out.append(sql[position:match.start()])
            out.append("LEAST(" if match.group(1).lower() == "min" else "GREATEST(")
            out.append(_scalar_minmax(sql[match.end():close]))
            position = close
    out.append(sql[position:])
    return "".join(out)


def _call_extent(sql: str, start: int) -> tuple[int, int]:
    """From just inside `f(`: the index of the matching `)` and the count of top-level commas."""
    depth, commas = 0, 0
    for index in range(start, len(sql)):
        char = sql[index]
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index, commas
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
    raise ValueError(f"unbalanced parentheses in SQL: {sql!r}")
