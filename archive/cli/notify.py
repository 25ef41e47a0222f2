"""`palimpsest notify SEEDS.toml [--dry-run]`, and the notification step of a crawl."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import (
    EXIT_FAILED,
    chosen_index,
    data_option,
    domain_errors,
    index_option,
    open_for_reading,
    print_json,
    resolve_data,
)
from archive.cli.edits import when_option
from archive.cli.help import Documented
from archive.notify.config import notify_config_of
from archive.notify.deliver import NotifyOutcome, Preview, deliver_to_data, preview
from archive.schedule.seeds import load_seeds
from archive.timeutil import utcnow


def print_outcome(outcome: NotifyOutcome | None) -> None:
    for problem in outcome.problems if outcome else []:
        click.echo(f"problem: {problem}", err=True)


@click.command(
    "notify", cls=Documented,
    arguments={"SEEDS": "The seed list whose [notify] table says who hears of what."},
    example="palimpsest notify seeds/karabakh-2020.toml --dry-run --since 1d --data data")
@click.argument("seeds", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@index_option
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option("--since", metavar="WHEN",
              help="With --dry-run: events since WHEN, even for a channel never run before.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@domain_errors
def notify(ctx: click.Context, seeds: Path, data_dir: Path | None, dry_run: bool,
           since: str | None, as_json: bool) -> None:
    """Send the seed list's notifications now (a crawl does this itself when it ends)."""
    seedfile = load_seeds(seeds)
    config = notify_config_of(seedfile)
    moment = when_option(since, "--since")
    if not config.channels:
        click.echo(f"{seeds}: no notification channels ([notify] in the seed file, or "
                   "$PALIMPSEST_NOTIFY)")
        return
    if dry_run:
        layout, index = open_for_reading(data_dir)
        try:
            previews = preview(index, layout, config, seedfile.collection, since=moment)
        finally:
            index.close()
        _print_previews(previews, as_json)
        return
    outcome = deliver_to_data(resolve_data(data_dir), chosen_index(), config,
                              seedfile.collection, started=utcnow())
    if as_json:
        print_json(outcome.to_json() if outcome else {})
    else:
        for channel in outcome.channels if outcome else []:
            click.echo(f"{channel.name}: {channel.events} events in {channel.messages} "
                       f"message{'s' if channel.messages != 1 else ''}")
    print_outcome(outcome)
    if outcome and outcome.problems:
        ctx.exit(EXIT_FAILED)


def _print_previews(previews: list[Preview], as_json: bool) -> None:
    if as_json:
        print_json({"channels": [{
            "channel": p.channel.name, "since": p.since, "every": p.channel.every,
            "events": sorted(p.channel.events), "problem": p.secret_problem,
            "messages": [{"title": m.title, "text": m.text, "events": list(m.keys)}
                         for m in p.messages]} for p in previews]})
        return
    for number, item in enumerate(previews):
        if number:
            click.echo("")
        count = sum(len(m.keys) for m in item.messages)
        click.echo(f"== {item.channel.name} ({', '.join(sorted(item.channel.events))}; "
                   f"{'one message per event' if item.channel.every == 'event' else 'digest'})"
                   f": {count} event{'s' if count != 1 else ''} since {item.since}, "
                   f"{len(item.messages)} message{'s' if len(item.messages) != 1 else ''}")
        if item.secret_problem:
            click.echo(f"problem: {item.secret_problem}")
        for message in item.messages:
            click.echo(f"\nSubject: {message.title}\n")
            click.echo(message.text)
    if not previews:
        click.echo("Nothing to send.")
