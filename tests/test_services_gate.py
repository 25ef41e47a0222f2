"""The gate in front of the tests that need PostgreSQL and Redis: skipped locally with the reason
and how to start them, failed under PALIMPSEST_REQUIRE_SERVICES=1 (what .ci/run sets)."""

from __future__ import annotations

from pathlib import Path

import pytest
import services


def test_a_service_down_skips_with_the_reason_and_how_to_start_it(monkeypatch):
    monkeypatch.setattr(services, "services_down", lambda: ("Redis on 127.0.0.1:6379",))
    monkeypatch.setattr(services, "REQUIRED", False)
    with pytest.raises(pytest.skip.Exception, match=r"Redis on 127.0.0.1:6379 not answering: "
                                                    r"start them as .ci/run does"):
        services.require_services()


def test_ci_fails_instead_of_skipping(monkeypatch):
    monkeypatch.setattr(services, "services_down", lambda: ("PostgreSQL on 127.0.0.1:5432",))
    monkeypatch.setattr(services, "REQUIRED", True)
    with pytest.raises(pytest.fail.Exception, match="PALIMPSEST_REQUIRE_SERVICES=1 and "
                                                    "PostgreSQL on 127.0.0.1:5432"):
        services.require_services()


def test_ci_requires_the_services():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "export PALIMPSEST_REQUIRE_SERVICES=1" in ci
    assert ci.index("PALIMPSEST_REQUIRE_SERVICES=1") < ci.index("make test")
