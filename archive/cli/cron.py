"""`palimpsest cron SEEDS.toml [--every 10m]`: a crontab line that runs the crawl unattended."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from datetime import timedelta
from pathlib import Path

import click

from archive.cli.common import EXIT_USAGE, Failure, data_option, domain_errors, resolve_data
from archive.schedule.seeds import load_seeds
from archive.store.layout import DataLayout
from archive.timeutil import parse_duration


def cron_schedule(every: timedelta) -> str:
    """The five cron time fields for "every `every`": minutes that divide an hour, hours that
    divide a day, or one day.

    >>> cron_schedule(timedelta(minutes=10)), cron_schedule(timedelta(hours=1))
    ('*/10 * * * *', '0 * * * *')
    >>> cron_schedule(timedelta(hours=6)), cron_schedule(timedelta(days=1))
    ('0 */6 * * *', '0 0 * * *')
    """
    seconds = int(every.total_seconds())
    minutes, hours = seconds // 60, seconds // 3600
    if seconds == 86400:
        return "0 0 * * *"
    if seconds % 3600 == 0 and 24 % hours == 0:
        return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    if seconds % 60 == 0 and minutes and 60 % minutes == 0:
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    raise ValueError("cron repeats evenly only every N minutes where N divides 60 "
                     "(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30), every N hours where N divides 24, "
                     "or once a day")


def cron_command(palimpsest: str, seeds: Path, data: Path, allow_private: bool = False) -> str:
    """The command part of the line: absolute paths, --quiet, output appended to a log.

    Cron runs it with /bin/sh, a bare environment and the home folder as working directory, so
    every path is absolute and quoted, and `%` (a newline to cron) is escaped.
    """
    parts = [palimpsest, "crawl", str(seeds), "--data", str(data), "--quiet"]
    if allow_private:
        parts.append("--allow-private")
    log = data / "logs" / "cron.log"
    command = " ".join(shlex.quote(part) for part in parts)
    command += f" >> {shlex.quote(str(log))} 2>&1"
    return command.replace("%", "\\%")


def palimpsest_path() -> str:
    """This installation's `palimpsest` script (the venv's), as an absolute path."""
    beside = Path(os.path.abspath(sys.executable)).parent / "palimpsest"
    if beside.is_file():
        return str(beside)  # not resolved: a venv's python is a symlink out of the venv
    found = shutil.which("palimpsest")
    if found:
        return os.path.abspath(found)
    return f"{os.path.abspath(sys.executable)} -m archive.cli"


@click.command("cron")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@click.option("--every", default="10m", show_default=True,
              help="How often cron starts a crawl (minutes dividing an hour, hours dividing "
                   "a day, or 1d).")
@click.option("--allow-private", is_flag=True, help="Pass --allow-private to the crawl.")
@domain_errors
def cron(seeds: Path, data_dir: Path | None, every: str, allow_private: bool) -> None:
    """Print a crontab line that crawls SEEDS.toml every --every, quietly."""
    load_seeds(seeds)  # a bad file fails now, not at 3 a.m.
    try:
        schedule = cron_schedule(parse_duration(every))
    except ValueError as exc:
        raise Failure(f"--every {every}: {exc}", EXIT_USAGE) from None
    data = Path(os.path.abspath(resolve_data(data_dir)))
    # The line appends to DATA/logs/cron.log; sh refuses to run it if that folder is missing.
    DataLayout(data).logs_dir.mkdir(parents=True, exist_ok=True)
    command = cron_command(palimpsest_path(), Path(os.path.abspath(seeds)), data, allow_private)
    click.echo(f"# palimpsest: crawl what is due in {seeds.name} every {every}. Add with "
               "`crontab -e`.\n# Problems (and only problems) go to DATA/logs/cron.log; each run "
               "also logs to DATA/logs/crawl-*.log.\n# A run that finds the previous one still "
               "going exits 75 at once and touches nothing.")
    click.echo(f"{schedule} {command}")
