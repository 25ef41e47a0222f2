"""`palimpsest worker SEEDS.toml --redis URL`: work on a shared crawl, one cycle per process.

Each worker runs one cycle per process (Twisted's reactor starts once per process), so a
long-running worker starts a child process per cycle.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    index_option,
    print_json,
    resolve_data,
)
from archive.cli.runs import crawl_overrides, run_worker_cycle, summary_line
from archive.schedule.seeds import load_seeds


@click.command("worker")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The shared frontier, e.g. redis://host:6379/0.")
@click.option("--name", help="This worker's name (in its WARC file names); default: host name.")
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
        _loop(ctx)
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


def _loop(ctx: click.Context) -> None:
    """Run `worker … --once` again and again, one child process per cycle, until stopped;
    stop too when a cycle cannot even start (bad usage, or the name is in use)."""
    args = [arg for arg in sys.argv[1:] if arg != "--once"]
    if "worker" not in args:
        raise Failure("cannot rebuild the worker's command line", EXIT_USAGE)
    command = [sys.executable, "-m", "archive.cli", *args, "--once", "--wait", "60"]
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            started = time.monotonic()
            child = subprocess.run(command, check=False)
            if child.returncode in (EXIT_USAGE, EXIT_LOCKED):
                ctx.exit(child.returncode)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
