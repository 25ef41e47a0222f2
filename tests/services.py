"""PostgreSQL and Redis on loopback for tests, each test in its own schema or key prefix.

The services run on this machine and in CI (`.ci/run` starts them when they are not up).
Every fixture removes what it made, so parallel or repeated runs never see each other.

A test that needs them (marker `services`, or the fixtures below) is skipped, with the reason
and how to start them, when one is not answering on a developer's machine. CI sets
PALIMPSEST_REQUIRE_SERVICES=1: there a service that is down fails those tests instead, so they
can never be skipped without anyone noticing.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

PG_BASE = os.environ.get("PALIMPSEST_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("PALIMPSEST_TEST_REDIS", "redis://127.0.0.1:6379/0")
REQUIRED = os.environ.get("PALIMPSEST_REQUIRE_SERVICES") == "1"
HOW_TO_START = ("start them as .ci/run does (pg_ctlcluster ... main start; redis-server "
                "--daemonize yes --bind 127.0.0.1), see README, Install")


@functools.cache
def services_down() -> tuple[str, ...]:
    """The services that do not accept a connection, as `PostgreSQL on host:port`."""
    down = []
    for name, url, port in (("PostgreSQL", PG_BASE, 5432), ("Redis", REDIS_BASE, 6379)):
        parts = urlsplit(url)
        address = (parts.hostname or "127.0.0.1", parts.port or port)
        try:
            socket.create_connection(address, timeout=2).close()
        except OSError:
            down.append(f"{name} on {address[0]}:{address[1]}")
    return tuple(down)


def require_services() -> None:
    """Skip the running test when a service is down, or fail it under
    PALIMPSEST_REQUIRE_SERVICES=1 (CI)."""
    down = services_down()
    if not down:
        return
    reason = f"{' and '.join(down)} not answering: {HOW_TO_START}"
    if REQUIRED:
        pytest.fail(f"PALIMPSEST_REQUIRE_SERVICES=1 and {reason}", pytrace=False)
    pytest.skip(reason)


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

    require_services()
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

    require_services()
    prefix = f"t{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_BASE)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
