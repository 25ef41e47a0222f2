"""`verify` does work in proportion to the archive, not to the number of records times its
read buffer (a file of 100,000 tiny records took minutes)."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pytest

from archive.archiver import Archiver
from archive.verify import members
from archive.verify.data import verify_data
from archive.warc.records import HttpExchange


class CountingInflater:
    """zlib's inflater, counting the compressed bytes it is handed."""

    fed = 0

    def __init__(self, wbits: int) -> None:
        self._inner = zlib.decompressobj(wbits)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        CountingInflater.fed += len(data)
        return self._inner.decompress(data, max_length)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CountingZlib:
    """The `zlib` module as `archive.verify.members` sees it, with a counting inflater."""

    def __getattr__(self, name: str) -> Any:
        return CountingInflater if name == "decompressobj" else getattr(zlib, name)


def test_verifying_many_tiny_records_inflates_about_the_file_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archiver = Archiver(tmp_path, "tiny")
    try:
        for number in range(1500):
            archiver.capture(HttpExchange(url=f"http://news.example/{number}", status=200,
                                          body=b"%d" % number, response_headers=[]))
    finally:
        archiver.close()
    size = sum(path.stat().st_size for path in Path(tmp_path).rglob("*.warc.gz"))
    monkeypatch.setattr(members, "zlib", CountingZlib())
    CountingInflater.fed = 0
    report = verify_data(tmp_path)
    assert report.records == 3001 and not report.defects
    # Each member is handed over a slice at a time, so the bytes handed to the inflater stay
    # a small multiple of the file (they were about a thousand times it).
    assert CountingInflater.fed < 8 * size, (CountingInflater.fed, size)
