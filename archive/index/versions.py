"""Schema versions of the index, and the refusal to run on a schema this code does not know.

archive/index/schema.sql is the current version. Each version adds its migration scripts here
(the SQL that takes version N-1 to N; one script per feature, applied in the order listed),
and the same tables to schema.sql; `palimpsest index upgrade` applies the missing ones in order.
PostgreSQL is never created or upgraded implicitly; a fresh SQLite file is (it is a local
cache of the WARCs), but an existing one of another version is refused like PostgreSQL.
"""

from __future__ import annotations

from archive.exceptions import ConfigError

SCHEMA_VERSION = 3

# target version -> SQL scripts (in archive/index/) that upgrade the version before it.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("migrate-2-search.sql", "migrate-2-notify.sql", "migrate-2-provenance.sql",
        "migrate-2-language.sql", "migrate-2-requisites.sql"),
    3: ("migrate-3-headlines.sql",),
}


class SchemaVersionError(ConfigError):
    """The index has no schema, or one older or newer than this code."""


def check_version(found: int | None, where: str) -> None:
    """Refuse an index whose schema version is not SCHEMA_VERSION, saying what to do."""
    if found == SCHEMA_VERSION:
        return
    if found is None:
        raise SchemaVersionError(
            f"the index at {where} has no Palimpsest schema yet: create it with "
            f"`palimpsest index upgrade --index {where}`")
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the index at {where} has schema version {found}, newer than this Palimpsest "
            f"understands ({SCHEMA_VERSION}): upgrade Palimpsest on this machine")
    raise SchemaVersionError(
        f"the index at {where} has schema version {found}, older than this Palimpsest needs "
        f"({SCHEMA_VERSION}): run `palimpsest index upgrade --index {where}` (stop crawls "
        "first)")


def pending_migrations(found: int) -> list[tuple[int, str]]:
    """The (version, script) pairs that take an index from `found` to SCHEMA_VERSION."""
    return [(version, script) for version in range(found + 1, SCHEMA_VERSION + 1)
            for script in MIGRATIONS[version]]
