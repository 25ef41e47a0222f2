"""WARC digest values (`algorithm:value`): read them in any common encoding, check them.

warcio writes `sha1:` + base32; other tools write hex or base64, or other algorithms. A digest
this cannot read is a defect in its own right: a strict check must not skip what it cannot
check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

ALGORITHMS = {
    "sha1": hashlib.sha1, "sha-1": hashlib.sha1,
    "sha256": hashlib.sha256, "sha-256": hashlib.sha256,
    "sha512": hashlib.sha512, "sha-512": hashlib.sha512,
    "sha224": hashlib.sha224, "sha384": hashlib.sha384,
    "md5": hashlib.md5,
}


class DigestFormatError(ValueError):
    """The header value is not `algorithm:value` with a known algorithm and encoding."""


def parse_digest(value: str) -> tuple[str, bytes]:
    """(algorithm, raw digest bytes) from a WARC digest header value.

    >>> parse_digest("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")[1].hex()
    'da39a3ee5e6b4b0d3255bfef95601890afd80709'
    """
    algorithm, sep, encoded = value.strip().partition(":")
    algorithm = algorithm.lower()
    if not sep or algorithm not in ALGORITHMS:
        raise DigestFormatError(f"unknown digest algorithm in {value[:80]!r}")
    size = ALGORITHMS[algorithm]().digest_size
    for decode in (_base32, _hex, _base64):
        raw = decode(encoded.strip())
        if raw is not None and len(raw) == size:
            return algorithm, raw
    raise DigestFormatError(f"cannot read the {algorithm} digest {encoded[:80]!r}")


def _base32(text: str) -> bytes | None:
    try:
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None


def _hex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


class DigestCheck:
    """A digest header value and a running hash of the bytes it should cover."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.algorithm, self.expected = parse_digest(value)
        self.hasher: Any = ALGORITHMS[self.algorithm]()

    def update(self, data: bytes) -> None:
        self.hasher.update(data)

    def matches(self) -> bool:
        return bool(self.hasher.digest() == self.expected)

    def matches_data(self, data: bytes) -> bool:
        """Whether the digest equals that of other bytes (e.g. a de-chunked body)."""
        return ALGORITHMS[self.algorithm](data).digest() == self.expected
