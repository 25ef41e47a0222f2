"""What kind of archive file a file is, from its first bytes: WARC (plain or gzipped), ARC
(plain or gzipped), WACZ, or something else.

Palimpsest keeps and indexes WARC only. An ARC file has no record IDs and no digests, which
the index (revisits, descriptions, "already imported"), `verify` and replay links all rest on;
warcio, installed with Palimpsest, converts one to WARC with the content blocks unchanged.
"""

from __future__ import annotations

import zlib
from pathlib import Path

WARC, WARC_GZ, ARC, ARC_GZ, WACZ, UNKNOWN = "warc", "warc.gz", "arc", "arc.gz", "wacz", "unknown"
ARC_CONVERSION = ("an ARC file; Palimpsest keeps WARC only (record IDs and digests are what "
                  "the index, verify and import rest on): convert it first with warcio, "
                  "installed with Palimpsest (`warcio recompress IN.arc.gz OUT.warc.gz`, "
                  "content blocks kept byte for byte), and use OUT")
_HEAD = 4096


def sniff(path: Path) -> str:
    """The kind of archive file `path` is (one of the constants above)."""
    with path.open("rb") as stream:
        head = stream.read(_HEAD)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str:
    """The kind of archive file whose first bytes are `head`.

    >>> sniff_bytes(b"WARC/1.1\\r\\n"), sniff_bytes(b"filedesc://x.arc 0.0.0.0 2014"), \\
    ...     sniff_bytes(b"PK\\x03\\x04"), sniff_bytes(b"hello")
    ('warc', 'arc', 'wacz', 'unknown')
    """
    if head.startswith(b"PK\x03\x04"):
        return WACZ
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return WARC_GZ  # damaged from the start: the strict reader says where
        return ARC_GZ if _is_arc(inner) else WARC_GZ
    if head.startswith(b"WARC/"):
        return WARC
    if _is_arc(head):
        return ARC
    return UNKNOWN


def _is_arc(data: bytes) -> bool:
    # An ARC file opens with its version block, a record whose URL is `filedesc://...`.
    return data.lstrip(b"\r\n").startswith(b"filedesc://")
