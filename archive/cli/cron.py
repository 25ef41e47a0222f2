"""`palimpsest cron SEEDS.toml [--every 10m]`: a crontab line that runs the crawl unattended."""

from __future__ import annotations

import os
from pathlib import Path

import click

from archive.cli.common import EXIT_USAGE, Failure, data_option, domain_errors, resolve_data
from archive.cli.help import Documented
from archive.schedule.cron import cron_command, cron_schedule, palimpsest_path
from archive.schedule.seeds import load_seeds
from archive.store.layout import DataLayout
from archive.timeutil import parse_duration


@click.command(
    "cron", cls=Documented,
    arguments={"SEEDS": "The seed list (TOML): what to crawl, how often, and where to notify. "
                        "Its path is made absolute in the line."},
    example="palimpsest cron seeds/karabakh-2020.toml --every 10m --data /srv/palimpsest")
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
