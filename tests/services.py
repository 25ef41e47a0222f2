"""PostgreSQL and Redis on loopback for tests, each test in its own schema or key prefix.

The services run on this machine and in CI (`.ci/run` starts them when they are not up).
Every fixture removes what it made, so parallel or repeated runs never see each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_BASE = os.environ.get("PALIMPSEST_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("PALIMPSEST_TEST_REDIS", "redis://127.0.0.1:6379/0")


def new_pg_url() -> str:
    """A URL naming a fresh, not yet created schema."""
    return f"{PG_BASE}?schema=t_{uuid.uuid4().hex[:12]}"


def drop_pg_schema(url: str) -> None:
    from archive.index.postgres import PostgresIndex

    index = PostgresIndex(url, check=False)
    try:
        index.drop()
    finally:
        index.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL index URL whose schema exists (created by `upgrade`) for this test only."""
    from archive.index.postgres import PostgresIndex

    url = new_pg_url()
    index = PostgresIndex(url, check=False)
    index.upgrade()
    index.close()
    try:
        yield url
    finally:
        drop_pg_schema(url)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    prefix = f"t{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_BASE)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
