"""Helpers for tests that run real crawls: the CLI in a subprocess, and reading WARCs back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

# Fast and deterministic against our own loopback servers: no throttling, inline extraction.
# Screenshots are off: a test that wants them turns them on (tests/test_requisites_browser.py).
FAST = ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "DOWNLOAD_DELAY=0",
        "-s", "PALIMPSEST_EXTRACT_PROCESSES=0", "-s", "RETRY_TIMES=0",
        "-s", "PALIMPSEST_SCREENSHOTS=false"]


def palimpsest(*args: str, check: bool = True, timeout: float = 120,
               env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a fresh process (Twisted's reactor starts once per process)."""
    result = subprocess.run([sys.executable, "-m", "archive.cli", *args], capture_output=True,
                            text=True, timeout=timeout, env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise AssertionError(f"palimpsest {' '.join(args)} exited {result.returncode}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def crawl(seeds: Path, data: Path, *extra: str, check: bool = True) -> dict:
    """Crawl and return the JSON summary."""
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--allow-private", "--json",
                        *FAST, *extra, check=check)
    return json.loads(result.stdout) if result.stdout.strip() else {}


def write_seeds(path: Path, urls: list[tuple[str, str]], **defaults) -> Path:
    """A seed file with (url, type) entries and optional [defaults]."""
    lines = ['collection = "test"', "[defaults]"]
    for key, value in defaults.items():
        lines.append(f"{key} = {json.dumps(value)}")
    for url, kind in urls:
        lines += ["[[seed]]", f'url = "{url}"', f'type = "{kind}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def warc_records(data: Path, collection: str = "test", check: bool = True) -> list:
    """Every record of a collection as (headers, http_headers, content bytes), in file order."""
    records = []
    for path in sorted((data / "collections" / collection / "archive").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise" if check else False):
                records.append((record.rec_headers, record.http_headers,
                                record.raw_stream.read()))
    return records


def responses_for(records: list, url: str) -> list:
    return [r for r in records if r[0].get_header("WARC-Target-URI") == url
            and r[0].get_header("WARC-Type") in ("response", "revisit")]


def raw_members(data: Path, collection: str = "test") -> list[bytes]:
    """Every record of a collection as its decompressed bytes, exactly as stored."""
    import zlib

    from archive.verify.recovery import member_ends

    members = []
    for path in sorted((data / "collections" / collection / "archive").glob("*.warc.gz")):
        blob = path.read_bytes()
        with path.open("rb") as stream:
            start = 0
            for end in member_ends(stream):
                members.append(zlib.decompressobj(31).decompress(blob[start:end]))
                start = end
    return members


def raw_http_head(data: Path, url: str, collection: str = "test") -> bytes:
    """The stored HTTP status line and header block of the response record for `url`."""
    for member in raw_members(data, collection):
        head, _, block = member.partition(b"\r\n\r\n")
        if b"WARC-Type: response\r\n" in head and f"WARC-Target-URI: {url}\r\n".encode() in head:
            return block.partition(b"\r\n\r\n")[0]
    raise KeyError(url)
