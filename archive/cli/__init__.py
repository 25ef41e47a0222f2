"""`palimpsest`: the command line. A thin shell over `archive` (and `crawler`, imported lazily)."""

from __future__ import annotations

import click

from archive import __version__
from archive.cli.common import configure_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="palimpsest")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Archive news articles and the sources they cite; keep every version; show the edits."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    configure_logging(verbose)


def _register() -> None:
    from archive.cli.crawl import crawl
    from archive.cli.cron import cron
    from archive.cli.demo import demo
    from archive.cli.due import due
    from archive.cli.edits import changes, diff
    from archive.cli.extract import extract
    from archive.cli.index import index_group
    from archive.cli.interchange import export, import_command
    from archive.cli.maintenance import reindex
    from archive.cli.query import history, show
    from archive.cli.replay import replay
    from archive.cli.report import report
    from archive.cli.status import status
    from archive.cli.verify import verify
    from archive.cli.worker import worker

    for command in (crawl, worker, status, due, cron, history, show, diff, changes, report,
                    replay, export, import_command, verify, reindex, index_group, extract,
                    demo):
        main.add_command(command)


_register()
