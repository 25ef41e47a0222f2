"""`palimpsest reindex`: rebuild the index from the WARC files alone."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import chosen_index, data_option, domain_errors, index_option, resolve_data
from archive.layout import DataLayout
from archive.lock import DataLock
from archive.reindex import rebuild


@click.command("reindex")
@data_option
@index_option
@domain_errors
def reindex(data_dir: Path | None) -> None:
    """Rebuild the index (and repair `.open` files) from the WARCs."""
    layout = DataLayout(resolve_data(data_dir))
    with DataLock(layout.lock_path):  # never rebuild under a running crawl
        counts = rebuild(layout.root, chosen_index())
    click.echo("reindexed: " + ", ".join(f"{count} {table}" for table, count in counts.items()))
