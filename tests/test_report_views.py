"""The report shows each edit's before and after screenshots, from the archive's own records.

Screenshots are stored as a crawl's screenshot step stores them (Archiver.add_view); the report
copies each once into its `views/` folder with a thumbnail, links thumbnail to picture, allows
images from its own folder only, and removes pictures an earlier report showed and this one
does not."""

from __future__ import annotations

import io
import re
from html import unescape

from editarchive import ARTICLE, NOW, build_archive
from PIL import Image

from archive.archiver import Archiver
from archive.index import open_index
from archive.report.model import slug_for
from archive.report.site import build_report
from archive.screenshot.image import MIME, encode
from archive.store.layout import DataLayout
from archive.verify.reindex import rebuild


def _png(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 900), color).save(buffer, "PNG")
    return buffer.getvalue()


def test_each_edit_shows_its_before_and_after_screenshots(tmp_path):
    data = build_archive(tmp_path / "data")
    index = open_index(data)
    versions = index.versions(ARTICLE)
    firsts = [index.capture_by_id(v.first_capture) for v in versions]
    index.close()
    archiver = Archiver(data, "test")
    for capture, color in zip(firsts, [(200, 30, 30), (30, 30, 200)]):
        archiver.add_view(ARTICLE, capture.record_id, encode(_png(color)), MIME, {"seconds": 1})
    archiver.close()
    index = open_index(data, readonly=True)
    before = [index.view_of(capture.id) for capture in firsts]
    index.close()
    rebuild(data)  # the views are rebuilt from the WARCs alone
    index = open_index(data, readonly=True)
    assert [index.view_of(capture.id) for capture in firsts] == before
    assert all(view.status == "ok" and view.capture == capture.id
               for view, capture in zip(before, firsts))
    index.close()
    out = tmp_path / "site"
    index = open_index(data, readonly=True)
    try:
        build_report(index, DataLayout(data), out, now=NOW)
    finally:
        index.close()
    html = (out / "pages" / slug_for(ARTICLE)).read_text()
    policy = unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert "img-src 'self'" in policy and "default-src 'none'" in policy
    links = re.findall(r'<a href="\.\./(views/[0-9a-f]+\.webp)"><img src="\.\./(views/[0-9a-f]+'
                       r'-thumb\.webp)"', html)
    assert len(links) == 2 and links[0] != links[1]
    for full, thumb in links:
        with Image.open(out / full) as picture, Image.open(out / thumb) as small:
            assert picture.size == (960, 675) and small.width == 360  # stored at x0.75
    before = Image.open(out / links[0][0]).convert("RGB").getpixel((10, 10))
    assert before[0] > 150 and before[2] < 80  # the older version's picture comes first
    # A later report removes the pictures it no longer shows, and nothing else it finds.
    (out / "views" / ("0" * 24 + ".webp")).write_bytes(b"old")
    (out / "views" / "notes.txt").write_bytes(b"someone's own file")
    index = open_index(data, readonly=True)
    try:
        build_report(index, DataLayout(data), out, now=NOW)
    finally:
        index.close()
    assert not (out / "views" / ("0" * 24 + ".webp")).exists()
    assert sorted(p.name for p in (out / "views").iterdir()) == \
        sorted(["notes.txt"] + [name.split("/")[1] for pair in links for name in pair])
