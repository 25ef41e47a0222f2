"""Helpers for tests that replay with pywb: `palimpsest replay` in a subprocess, and fetching."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
START_TIMEOUT = 90.0  # pywb imports gevent and its templates: a few seconds on a slow machine


@dataclass
class Replay:
    """A running `palimpsest replay`, and the root URL it printed."""

    process: subprocess.Popen
    url: str
    output: list[str]

    def stop(self) -> None:
        """SIGTERM, as a service manager would: the CLI must take pywb down with it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_replay(data: Path, *args: str, env: dict | None = None) -> Replay:
    """Run `palimpsest replay --data DATA --port 0 ARGS` and wait for its "Replay: URL" line."""
    command = [sys.executable, "-m", "archive.cli", "replay", "--data", str(data), "--port", "0",
               *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, **(env or {})})
    output: list[str] = []
    lines: queue.Queue = queue.Queue()
    # One reader for the life of the process: pywb logs every request to the same pipe, which
    # must never fill up.
    threading.Thread(target=_read, args=(process, output, lines), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        if line is None:
            break
        if line.startswith("Replay: "):
            return Replay(process, line.split()[1].rstrip("/"), output)
    process.kill()
    process.wait(timeout=10)
    raise AssertionError("palimpsest replay did not start:\n" + "".join(output))


def _read(process: subprocess.Popen, output: list[str], lines: queue.Queue) -> None:
    for line in process.stdout:
        output.append(line)
        lines.put(line)
    lines.put(None)


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers (lower-case names) and body of a GET, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _DIRECT.open(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
