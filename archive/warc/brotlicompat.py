"""Let warcio decode `br` bodies with Google's Brotli, the module Scrapy uses.

warcio's Brotli decoder is written for brotlipy (`decompress`, `unused_data`); with Google's
Brotli installed it fails as soon as a `br` record's content is read, and py-wacz reads every
record's content while it indexes. This adapter speaks warcio's interface and also caps the
output per record: past the cap it raises, and warcio then stops decoding that record (its
content reads short) instead of filling memory or disk with a decompression bomb.
"""

from __future__ import annotations

from warcio.bufferedreaders import BufferedReader

MAX_DECODED_BYTES = 256 * 1024 * 1024


class BrotliDecompressor:
    """A Google Brotli decompressor behind the brotlipy methods warcio calls."""

    unused_data = None  # warcio reads this after the stream ends; Brotli leaves nothing over

    def __init__(self, limit: int = MAX_DECODED_BYTES) -> None:
        import brotli

        self._decompressor = brotli.Decompressor()
        self._left = limit

    def decompress(self, data: bytes) -> bytes:
        out: bytes = self._decompressor.process(data, output_buffer_limit=self._left + 1)
        self._left -= len(out)
        if self._left < 0 or not self._decompressor.can_accept_more_data():
            raise ValueError(f"br content decodes to more than {MAX_DECODED_BYTES} bytes")
        return out


def install() -> None:
    """Use the adapter for `br` in every warcio reader of this process (idempotent)."""
    try:
        import brotli
    except ImportError:
        return
    if not hasattr(brotli.Decompressor(), "decompress"):  # Google's, not brotlipy
        BufferedReader.DECOMPRESSORS["br"] = BrotliDecompressor
