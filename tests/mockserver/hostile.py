"""Hostile bodies: decompression bombs in every content coding, and pages no parser should
choke on (binary, deeply nested, huge, mis-declared). Each is small to make and to send."""

from __future__ import annotations

import gzip
import random
import zlib
from email.message import Message
from functools import cache

from mockserver.charsets import CHARSET_PAGES, charset_body
from mockserver.misbehaving import big
from mockserver.replies import Reply, Request, not_found, query_number, reply

BOMB_SIZE = 50 * 1024 * 1024  # bytes /bomb/gzip inflates to
BOMB_MAX_MIB = 4096  # the most /bomb/gzip?mib=N inflates to, in MiB
HUGE_PAGE = 6 * 1024 * 1024  # /hostile/huge: over the extraction cap (archive.limits)


@cache
def bomb_body() -> bytes:
    """/bomb/gzip's body: :data:`BOMB_SIZE` zero bytes gzipped (about 50 KB), made once."""
    return gzip.compress(bytes(BOMB_SIZE), compresslevel=9, mtime=0)


@cache
def big_gzip_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros as that many gzip members of 1 MiB each (about 1 KB per MiB): valid
    gzip, made at once however large."""
    return gzip.compress(bytes(1024 * 1024), compresslevel=9, mtime=0) * mib


def zstd_rle_bomb(size: int) -> bytes:
    """A zstd frame of `size` zero bytes made of RLE blocks: 4 bytes per 128 KiB.

    Hand-built (RFC 8878: frame header with a 128 KiB window, then RLE blocks) because no zstd
    library is a dependency; `zstd -d` reads it.
    """
    block = 128 * 1024
    out = bytearray(b"\x28\xb5\x2f\xfd\x00\x38")  # magic, no flags, window 2**17
    left = size
    while left > 0:
        step = min(block, left)
        left -= step
        header = (1 if left == 0 else 0) | (1 << 1) | (step << 3)  # last?, RLE, size
        out += header.to_bytes(3, "little") + b"\x00"
    return bytes(out)


@cache
def bomb_of(coding: str) -> bytes:
    """A body of :data:`BOMB_SIZE` zero bytes in content coding `coding` (1000:1 or better)."""
    if coding == "gzip":
        return bomb_body()
    if coding == "deflate":
        return zlib.compress(bytes(BOMB_SIZE), 9)
    if coding == "br":
        import brotli

        return brotli.compress(bytes(BOMB_SIZE))
    if coding == "zstd":
        return zstd_rle_bomb(BOMB_SIZE)
    raise KeyError(coding)


def gzip_bomb(server, request: Request) -> Reply:
    """The 50 MiB gzip bomb, or ?mib=N (at most BOMB_MAX_MIB) for the memory benchmark."""
    try:
        mib = int(request.query.get("mib", ["0"])[0])
    except ValueError:
        mib = 0
    body = big_gzip_bomb(min(mib, BOMB_MAX_MIB)) if mib > 0 else bomb_body()
    return reply(200, body, extra=[(b"Content-Encoding", b"gzip")])


def bomb_in(server, request: Request, coding: str) -> Reply:
    """/bomb/{deflate,br,zstd}: the same bomb in another content coding."""
    if coding not in ("deflate", "br", "zstd"):
        return not_found("bomb")
    return reply(200, bomb_of(coding), extra=[(b"Content-Encoding", coding.encode())])


def hostile_body(kind: str) -> bytes | None:
    """Pages no extractor should choke on: binary, deeply nested, huge, mis-declared."""
    if kind == "binary":
        return random.Random(7).randbytes(20_000)
    if kind == "deep":
        return b"<!DOCTYPE html><html><body>" + b"<div>" * 10_000 + b"deep" + \
            b"</div>" * 10_000 + b"</body></html>"
    if kind == "huge":
        return big(None, Request("/big", {"bytes": [str(HUGE_PAGE)]}, Message())).body
    if kind == "misdeclared":  # declared UTF-8 in the header, written in windows-1251
        return charset_body(CHARSET_PAGES["/charset/cp1251-meta"])
    if kind == "runs":
        return run_of_letters_page()
    return None


RUN_LENGTH = 64  # /hostile/runs: the letters in its run of a's, ending in '!'


def run_of_letters_page() -> bytes:
    """/hostile/runs: an ordinary article with one paragraph that is a long run of a's and a
    '!', where a backtracking pattern such as `(a|aa)+$` takes longer than anyone can wait."""
    prose = [
        "The harbour board met on Thursday evening to hear the engineers' account of the storm "
        "that flooded the lower quay, and stayed until well after the last ferry had left.",
        "Residents of the quay described water rising to the second step of the chandlery "
        "within an hour, and the board promised a written answer to every letter it received.",
        "The chair said repairs to the sea wall would begin in spring, once the survey of the "
        "old stonework is finished and the contractors have seen the damage for themselves.",
    ]
    paragraphs = "".join(f"<p>{text}</p>" for text in prose)
    run = "a" * RUN_LENGTH + "!"
    return (f"<!DOCTYPE html><html><head><title>Harbour board hears storm report</title></head>"
            f"<body><article><h1>Harbour board hears storm report</h1>{paragraphs}"
            f"<p>{run}</p>{paragraphs}</article></body></html>").encode()


def hostile(server, request: Request, kind: str) -> Reply:
    """/hostile/KIND, served as UTF-8 HTML whatever it really is."""
    body = hostile_body(kind)
    if body is None:
        return not_found("hostile page")
    return reply(200, body, b"text/html; charset=utf-8")


BIG_SITEMAP_MAX = 1_000_000  # the most entries /hostile/sitemap-big lists
MANY_LINKS_MAX = 100_000  # the most links /hostile/links has


@cache
def big_sitemap_body(count: int) -> bytes:
    """A gzipped urlset of `count` short relative entries (about 3 MB on the wire for a
    million): far past the sitemap protocol's 50,000, yet under every byte cap."""
    entries = "".join(f"<url><loc>/p/{number}</loc></url>" for number in range(count))
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
           f'schemas/sitemap/0.9">{entries}</urlset>\n').encode()
    return gzip.compress(xml, compresslevel=6, mtime=0)


def big_sitemap(server, request: Request) -> Reply:
    """/hostile/sitemap-big?urls=N (default a million), served as a .xml.gz file."""
    count = min(int(query_number(request, "urls", BIG_SITEMAP_MAX)), BIG_SITEMAP_MAX)
    return reply(200, big_sitemap_body(count), b"application/gzip")


@cache
def many_links_body(count: int) -> bytes:
    """An article whose body cites `count` distinct pages, one short link each."""
    links = " ".join(f'<a href="/cited/{number}">{number}</a>' for number in range(count))
    text = ("The council published every contract it signed this year, and this article "
            "links to each one so that readers can check the figures for themselves. ")
    return (f"<!DOCTYPE html><html><head><title>Every contract, linked</title></head><body>"
            f"<article><h1>Every contract, linked</h1><p>{text * 3}</p><p>{links}</p>"
            f"<p>{text}</p></article></body></html>").encode()


def many_links(server, request: Request) -> Reply:
    """/hostile/links?count=N (default 100,000): an article citing N pages."""
    count = min(int(query_number(request, "count", MANY_LINKS_MAX)), MANY_LINKS_MAX)
    return reply(200, many_links_body(count))
