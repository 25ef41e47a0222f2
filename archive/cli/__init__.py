"""`palimpsest`: the command line, a thin shell over every stage below it: each command parses,
calls one library function and prints. The only place logging is configured. May import any
package of `archive`, and `crawler` lazily (only commands that crawl load Scrapy)."""

from __future__ import annotations

import importlib

import click

from archive import __version__
from archive.cli.common import configure_logging

# Each command's module is imported only when that command runs (or `--help` lists them all):
# importing every command up front (trafilatura, cdxj-indexer, the demo) cost about 0.35 s of
# start-up per call, several times what `history` itself takes (bench/RESULTS.md).
_COMMANDS = {
    "crawl": "archive.cli.crawl:crawl",
    "worker": "archive.cli.worker:worker",
    "status": "archive.cli.status:status",
    "due": "archive.cli.due:due",
    "cron": "archive.cli.cron:cron",
    "history": "archive.cli.query:history",
    "show": "archive.cli.query:show",
    "search": "archive.cli.search:search_command",
    "diff": "archive.cli.edits:diff",
    "changes": "archive.cli.edits:changes",
    "stale": "archive.cli.stale:stale",
    "report": "archive.cli.report:report",
    "notify": "archive.cli.notify:notify",
    "replay": "archive.cli.replay:replay",
    "screenshots": "archive.cli.screenshots:screenshots",
    "export": "archive.cli.interchange:export",
    "import": "archive.cli.interchange:import_command",
    "verify": "archive.cli.verify:verify",
    "reindex": "archive.cli.maintenance:reindex",
    "index": "archive.cli.index:index_group",
    "extract": "archive.cli.extract:extract",
    "demo": "archive.cli.demo:demo",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = _COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands, each with the whole first sentence of its help, wrapped to the
        terminal's width: click would cut it to one line ('Print a crontab line that crawls
        SEEDS.toml every --every,...' at 80 columns)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# Every option's default is shown in its help (tests/test_help.py: one template for all).
@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "show_default": True})
@click.version_option(__version__, prog_name="palimpsest")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Archive news articles and the sources they cite; keep every version; show the edits."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    configure_logging(verbose)
