"""`palimpsest worker SEEDS.toml --redis URL`: work on a shared crawl, one cycle per process.

Twisted's reactor starts once per process, so a long-running worker (without --once) starts a
child process per cycle: `palimpsest worker … --once`, built from the options it was given.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    chosen_index,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.help import Documented
from archive.cli.runs import crawl_overrides, run_worker_cycle, summary_line
from archive.index import INDEX_ENV
from archive.schedule.seeds import load_seeds

CYCLE_WAIT_S = 60  # each cycle of the loop waits this long for a cycle to open


@click.command(
    "worker", cls=Documented,
    arguments={"SEEDS": "The seed list (TOML): what to crawl, how often, and where to notify."},
    example="palimpsest worker seeds/karabakh-2020.toml --redis redis://127.0.0.1:6379/0")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The shared frontier, e.g. redis://host:6379/0.")
@click.option("--name", show_default="host name",
              help="This worker's name (in its WARC file names).")
@click.option("--once", is_flag=True, help="Work one cycle, then exit.")
@click.option("--wait", type=float, default=60.0, show_default=True,
              help="With --once: seconds to wait for a cycle to open.")
@click.option("--allow-private", is_flag=True,
              help="Allow loopback and private addresses (intranets, tests, the demo).")
@click.option("--json", "as_json", is_flag=True, help="Print each cycle's summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or PALIMPSEST_* setting.")
@click.pass_context
@domain_errors
def worker(ctx: click.Context, seeds: Path, data_dir: Path | None, redis_url: str,
           name: str | None, once: bool, wait: float, allow_private: bool, as_json: bool,
           quiet: bool, settings: tuple[str, ...]) -> None:
    """Work on the shared crawl of SEEDS.toml: join each cycle `crawl --redis` opens."""
    seedfile = load_seeds(seeds)
    overrides = crawl_overrides(settings)
    if not once:
        verbosity = ctx.obj.get("verbose", 0) if ctx.obj else 0
        command = cycle_command(seeds, resolve_data(data_dir), redis_url=redis_url, name=name,
                                allow_private=allow_private, as_json=as_json, quiet=quiet,
                                settings=settings, verbosity=verbosity)
        _loop(ctx, command, _cycle_environment(chosen_index()))
        return
    summary = run_worker_cycle(ctx, seedfile, resolve_data(data_dir), redis_url=redis_url,
                               name=name, coordinator=False, allow_private=allow_private,
                               everything=False, overrides=overrides, quiet=quiet, wait=wait)
    if as_json:
        print_json(summary)
    elif summary.get("finish_reason") == "no_cycle":
        if not quiet:
            click.echo(f"{seedfile.collection}: no cycle opened within {wait:g}s")
    elif not quiet or summary["problems"]:
        click.echo(f"[{summary['worker']}] " + summary_line(summary))
    for problem in summary["problems"]:
        click.echo(f"problem: {problem}", err=True)
    if summary["problems"]:
        ctx.exit(EXIT_FAILED)


def cycle_command(seeds: Path, data_dir: Path, *, redis_url: str, name: str | None,
                  allow_private: bool, as_json: bool, quiet: bool, settings: tuple[str, ...],
                  verbosity: int) -> list[str]:
    """The child command for one cycle: `worker … --once` with the options this worker got.

    Built from the parsed options, never from sys.argv (which is the caller's, not ours, when
    `main` is called with its own arguments)."""
    command = [sys.executable, "-m", "archive.cli", *["-v"] * verbosity, "worker", str(seeds),
               "--data", str(data_dir), "--redis", redis_url]
    if name:
        command += ["--name", name]
    if allow_private:
        command.append("--allow-private")
    if as_json:
        command.append("--json")
    if quiet:
        command.append("--quiet")
    for pair in settings:
        command += ["--set", pair]
    return command + ["--once", "--wait", str(CYCLE_WAIT_S)]


def _cycle_environment(index_url: str | None) -> dict[str, str]:
    """The child's environment: ours, with the index chosen here (--index or the environment)
    passed as $PALIMPSEST_INDEX, so a password in it never shows in the process list."""
    environment = dict(os.environ)
    if index_url:
        environment[INDEX_ENV] = index_url
    return environment


def _loop(ctx: click.Context, command: list[str], environment: dict[str, str]) -> None:
    """Run the cycle command again and again, one child process per cycle, until stopped;
    stop too when a cycle cannot even start (bad usage, or the name is in use)."""
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            started = time.monotonic()
            child = subprocess.run(command, check=False, env=environment)
            if child.returncode in (EXIT_USAGE, EXIT_LOCKED):
                ctx.exit(child.returncode)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
