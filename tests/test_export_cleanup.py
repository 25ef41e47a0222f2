"""A WACZ export stopped by SIGTERM leaves no staging folder behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.archiver import Archiver
from archive.warc.records import HttpExchange

STAGING = ".palimpsest-export-"


def big_archive(data: Path) -> None:
    """One capture whose body is 300 MB of zeros: small on disk, long for py-wacz to read."""
    archiver = Archiver(data, "big")
    try:
        archiver.capture(HttpExchange(url="http://news.example/zeros", status=200,
                                      body=bytes(300 * 1024 * 1024),
                                      response_headers=[("Content-Type", "text/plain")]))
    finally:
        archiver.close()


def test_sigterm_during_an_export_removes_its_staging_folders(tmp_path: Path) -> None:
    data, out, scratch = tmp_path / "d", tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    big_archive(data)
    export = subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "export", "big", "--data", str(data),
         "--wacz", str(out / "big.wacz")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and export.poll() is None:
        if out.is_dir() and any(p.name.startswith(STAGING) for p in out.iterdir()):
            break
        time.sleep(0.005)
    # At once: the staging folder appears as py-wacz starts, and on an idle machine it packs
    # these 300 MB within half a second (measured); under load it takes longer, never shorter.
    export.send_signal(signal.SIGTERM)
    assert export.poll() is None or export.returncode == 128 + signal.SIGTERM, \
        "the export ended before it could be stopped"
    export.communicate(timeout=60)
    assert export.returncode == 128 + signal.SIGTERM
    assert list(out.iterdir()) == []  # no staging folder, and no half a WACZ
    assert list(scratch.iterdir()) == []  # nor the page lists' scratch folder
