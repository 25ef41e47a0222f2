"""Who wrote a WARC file of the data folder, read from its name: a crawl of this archive, an
import (a file copied in as it came), or an import's own records (Palimpsest's descriptions of
the files it copied in).

Names are chosen by Palimpsest alone, so this needs nothing but the WARCs to rebuild:
    <collection>-<timestamp17>-<serial>[-<worker>].warc.gz   crawled here (serial from 00001)
    <collection>-<timestamp17>-00000-<its name>              imported as it came, in the import
                                                             that stamped it <timestamp17>
    <collection>-<timestamp17>-<serial>-import.warc.gz       an import's own records
A copied file's name always has serial 00000 right after the stamp, whatever its own name says.

A description (a `urn:pageinfo:` or `urn:text:` record) counts only when its file may speak for
the capture it names: see `may_describe`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CRAWLED, IMPORTED, IMPORT_RECORDS = "crawled", "imported", "import-records"
COPY_SERIAL = "00000"  # the serial of every file an import copies in
IMPORT_SUFFIX = "import"  # the name suffix of the file an import writes its own records to
# Lineages of the index: a capture, version or page is crawled here or imported.
CRAWL_LINEAGE, IMPORT_LINEAGE = "crawl", "import"


@dataclass(frozen=True)
class FileOrigin:
    """Where a WARC file of a collection came from."""

    collection: str
    filename: str
    kind: str  # crawled | imported | import-records
    batch: str | None = None  # imported files: the stamp of the import that copied them in

    @property
    def lineage(self) -> str:
        """The index's lineage of what the file holds: crawled here, or imported."""
        return CRAWL_LINEAGE if self.kind == CRAWLED else IMPORT_LINEAGE


def file_origin(collection: str, filename: str) -> FileOrigin:
    """Who wrote `filename` of `collection`, from its name.

    >>> file_origin("news", "news-20261125030405678-00000-crawl-00001-import.warc.gz").kind
    'imported'
    >>> file_origin("news", "news-20261125030405678-00002-import.warc.gz").kind
    'import-records'
    >>> file_origin("news", "news-20261125030405678-00003-m2.warc.gz").kind
    'crawled'
    """
    match = re.match(rf"^{re.escape(collection)}-(\d{{17}})-(\d{{5}})(?:-(.+?))?\.warc(?:\.gz)?$",
                     filename)
    if match is None:
        return FileOrigin(collection, filename, CRAWLED)  # put there by hand: vouched for
    stamp, serial, rest = match.groups()
    if serial == COPY_SERIAL:
        return FileOrigin(collection, filename, IMPORTED, stamp)
    if rest == IMPORT_SUFFIX:
        return FileOrigin(collection, filename, IMPORT_RECORDS)
    return FileOrigin(collection, filename, CRAWLED)


def may_describe(description: FileOrigin, capture: FileOrigin) -> bool:
    """Whether a description in file `description` may set the text of a capture in file
    `capture`. A file speaks for its own records; the crawl for the crawl's captures; an
    import's own records for the files imports copied in; copied files for the other files
    copied in by the same import. Nothing speaks for a collection it is not in, and nothing
    imported speaks for what was crawled here.

    >>> crawl = file_origin("c", "c-20261125030405678-00001.warc.gz")
    >>> copied = file_origin("c", "c-20261125030405678-00000-theirs.warc.gz")
    >>> may_describe(copied, crawl), may_describe(crawl, crawl), may_describe(copied, copied)
    (False, True, True)
    """
    if description.collection != capture.collection:
        return False
    if description.filename == capture.filename:
        return True
    if description.kind == CRAWLED:
        return capture.kind == CRAWLED
    if description.kind == IMPORT_RECORDS:
        return capture.kind == IMPORTED
    return capture.kind == IMPORTED and capture.batch == description.batch


def order_key(origin: FileOrigin) -> tuple[Any, ...]:
    """Files of every collection in the order they were written (their stamps), as `reindex`
    reads them, so it applies records in the order the crawls and imports did. Names without
    a stamp (put there by hand) come first, in name order."""
    match = re.match(rf"^{re.escape(origin.collection)}-(\d{{17}})-(\d{{5}})", origin.filename)
    if match is None:
        return ("", "", origin.collection, origin.filename)
    return (match.group(1), match.group(2), origin.collection, origin.filename)
