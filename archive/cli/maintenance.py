"""`palimpsest reindex`: rebuild the index from the WARC files alone."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    Failure,
    chosen_index,
    data_option,
    domain_errors,
    existing_data,
    index_option,
)
from archive.cli.help import Documented
from archive.cli.progress import archive_progress
from archive.replay.cdxj import update_all
from archive.store.layout import DataLayout
from archive.store.lock import DataLock
from archive.verify.reindex import rebuild


@click.command(
    "reindex", cls=Documented,
    example="palimpsest reindex --data data")
@data_option
@index_option
@domain_errors
def reindex(data_dir: Path | None) -> None:
    """Rebuild the index and the replay CDXJ (and repair `.open` files) from the WARCs."""
    layout = DataLayout(existing_data(data_dir))
    with DataLock(layout.lock_path), archive_progress() as progress:  # never under a crawl
        counts = rebuild(layout.root, url=chosen_index(), progress=progress)
        updates = update_all(layout.root, rebuild=True, progress=progress)
    click.echo("reindexed: " + ", ".join(f"{count} {table}" for table, count in counts.items()))
    for update in updates:
        click.echo(f"replay index of {update.collection}: {update.added} lines")
        for problem in update.problems:
            click.echo(f"problem: {problem}", err=True)
    if any(update.problems for update in updates):
        raise Failure("the replay index could not be rebuilt completely: damaged records are "
                      "left out (`palimpsest verify` lists them)")
