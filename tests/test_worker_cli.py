"""`palimpsest worker` without --once, driven in-process through `main`: each cycle runs in a
child process whose command comes from the options the worker was given, not from sys.argv."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from crawling import write_seeds

from archive.cli import main
from archive.cli.common import EXIT_LOCKED, EXIT_USAGE

REDIS_NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens there


def test_each_cycle_runs_the_worker_once_with_the_options_it_was_given(tmp_path, monkeypatch):
    seeds = write_seeds(tmp_path / "s.toml", [("http://127.0.0.1:9/a", "page")])
    index = "postgresql://archive:secret@127.0.0.1:1/db?schema=loop"
    cycles = []

    def run(command, check, env):
        cycles.append((command, env.get("PALIMPSEST_INDEX")))
        # The first cycle ends normally; the second finds the name taken: the loop stops.
        return subprocess.CompletedProcess(command, 0 if len(cycles) == 1 else EXIT_LOCKED)

    monkeypatch.setattr("archive.cli.worker.subprocess.run", run)
    monkeypatch.setattr("archive.cli.worker.time.sleep", lambda seconds: None)
    result = CliRunner().invoke(main, [
        "-v", "worker", str(seeds), "--data", str(tmp_path / "data"), "--index", index,
        "--redis", REDIS_NOWHERE, "--name", "wq", "--allow-private", "--json",
        "-s", "DOWNLOAD_DELAY=0", "--set", "PALIMPSEST_LEASE_SECONDS=5"])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert len(cycles) == 2 and cycles[0] == cycles[1]
    command, child_index = cycles[0]
    assert command == [
        sys.executable, "-m", "archive.cli", "-v", "worker", str(seeds),
        "--data", str(tmp_path / "data"), "--redis", REDIS_NOWHERE, "--name", "wq",
        "--allow-private", "--json", "--set", "DOWNLOAD_DELAY=0",
        "--set", "PALIMPSEST_LEASE_SECONDS=5", "--once", "--wait", "60"]
    # The index (its password with it) goes through the environment, not the process list.
    assert child_index == index and "secret" not in " ".join(command)


def test_a_looping_worker_stops_with_its_cycles_exit_code_when_it_cannot_start(tmp_path,
                                                                               capfd):
    seeds = write_seeds(tmp_path / "s.toml", [("http://127.0.0.1:9/a", "page")])
    result = CliRunner().invoke(main, ["worker", str(seeds), "--data", str(tmp_path),
                                       "--redis", REDIS_NOWHERE, "--name", "wz"])
    assert result.exit_code == EXIT_USAGE, result.output
    # The child (a real process) said why on the stderr it shares with us.
    assert "cannot reach Redis" in capfd.readouterr().err
