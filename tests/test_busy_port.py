"""Commands that cannot start say so and exit non-zero: replay and the demo on a busy port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from inprocess import cli

from archive.demo.tour import start_site
from archive.exceptions import PortInUseError


@contextmanager
def held_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A port something listens on (and never answers) for the length of the block."""
    with socket.socket() as holder:
        holder.bind((host, 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_replay_on_a_busy_port_exits_2_naming_the_port_before_pywb_starts(tmp_path: Path) -> None:
    data = tmp_path / "d"
    (data / "collections" / "test" / "archive").mkdir(parents=True)
    with held_port() as port:
        result = cli("replay", "--data", str(data), "--port", str(port), check=False)
    assert result.exit_code == 2
    assert f"port {port} is in use; try --port 0" in result.stderr
    assert "Replay:" not in result.stdout  # no success line before the failure
    assert "Traceback" not in result.stderr and "pywb" not in result.stderr


def test_the_demo_on_a_busy_port_never_adds_a_second_copy_to_an_existing_archive(
        tmp_path: Path) -> None:
    existing = tmp_path / "demo-data"
    (existing / "collections" / "demo" / "archive").mkdir(parents=True)
    said: list[str] = []
    with held_port() as port:
        with pytest.raises(PortInUseError, match=f"port {port} is in use"):
            start_site(port, existing, said.append)
        # A fresh folder gets the demo on another port, and the user is told which.
        site = start_site(port, tmp_path / "fresh", said.append)
        try:
            assert site.port != port
            assert said == [f"Port {port} is in use: the demo site listens on port "
                            f"{site.port} instead."]
        finally:
            site.stop()
