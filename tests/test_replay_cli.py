"""`palimpsest replay` refusing to start, and saying why: no pywb, a public address, no such
collection. None of these gets as far as starting pywb."""

from __future__ import annotations

import pytest
from crawling import palimpsest

from archive.archiver import Archiver
from archive.warc.records import HttpExchange

URL = "http://127.0.0.1:9/news/one"


@pytest.fixture
def small_archive(tmp_data):
    archiver = Archiver(tmp_data, "test")
    archiver.capture(HttpExchange(url=URL, status=200, body=b"<p>one</p>",
                                  response_headers=[("Content-Type", "text/html")]))
    archiver.close()
    return tmp_data


def test_replay_without_pywb_says_how_to_install_it(small_archive):
    result = palimpsest("replay", "--data", str(small_archive), check=False,
                        env={"PALIMPSEST_PYWB": str(small_archive / "no-pywb-here")})
    assert result.returncode == 2
    assert "no pywb `wayback` script there" in result.stderr and "make install" in result.stderr
    # It still brought the replay index up to date before it looked for pywb.
    assert (small_archive / "collections/test/indexes/index.cdxj").read_text().count("\n") == 1


def test_replay_warns_when_it_would_be_reachable_from_elsewhere(small_archive):
    result = palimpsest("replay", "--data", str(small_archive), "--bind", "0.0.0.0", check=False,
                        env={"PALIMPSEST_PYWB": str(small_archive / "no-pywb-here")})
    assert "WARNING: replay is bound to 0.0.0.0" in result.stderr
    assert "host name of its own" in result.stderr
    loopback = palimpsest("replay", "--data", str(small_archive), "--bind", "127.0.0.2",
                          check=False, env={"PALIMPSEST_PYWB": "/nonexistent"})
    assert "WARNING" not in loopback.stderr


def test_replay_refuses_an_unknown_collection(small_archive):
    result = palimpsest("replay", "--data", str(small_archive), "--collection", "other",
                        check=False)
    assert result.returncode == 2 and "(collections: test)" in result.stderr


def test_pywbs_directory_chatter_is_dropped_from_the_terminal():
    """pywb prints "Dir .../indexes/ unchanged" for each collection on every request; the
    launcher's stdout drops those lines, whole, and passes everything else on."""
    import io

    from archive.replay.pywb_app import UNCHANGED_DIR, WithoutLines

    terminal = io.StringIO()
    out = WithoutLines(terminal, UNCHANGED_DIR)
    print("pywb serving on 127.0.0.1:8080", file=out)  # print() writes text and "\n" apart
    print("Dir /srv/data/collections/news/indexes/ unchanged", file=out)
    print("a page named Dir 7 unchanged, quoted", file=out)
    out.write("last words")
    out.flush()
    assert terminal.getvalue() == ("pywb serving on 127.0.0.1:8080\n"
                                   "a page named Dir 7 unchanged, quoted\nlast words")
