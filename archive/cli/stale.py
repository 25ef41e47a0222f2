"""`palimpsest stale`: articles still showing a figure their cited source revised, and articles
ahead of their source."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from archive.cli.common import (
    data_option,
    domain_errors,
    index_option,
    open_for_reading,
    print_json,
    replay_base_option,
)
from archive.cli.edits import when_option
from archive.cli.help import Documented
from archive.replay.urls import replay_base as resolve_base
from archive.timeutil import to_iso, utcnow
from archive.versions.edits import EditReader
from archive.versions.stale import STALE, Finding, stale_findings


@click.command(
    "stale", cls=Documented,
    example="palimpsest stale --since 7d --data data")
@data_option
@index_option
@click.option("--since", metavar="WHEN",
              help="Only findings opened or closed in this last period (1h, 2d, 1w) or since "
                   "this time (ISO 8601).", show_default="all")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@replay_base_option
@domain_errors
def stale(data_dir: Path | None, since: str | None, as_json: bool,
          replay_base: str | None) -> None:
    """Articles still showing a figure their cited source has revised (open findings first)."""
    moment = when_option(since, "--since")
    layout, index = open_for_reading(data_dir)
    try:
        found = stale_findings(EditReader(index, layout), moment)
    finally:
        index.close()
    now = utcnow()
    base = resolve_base(replay_base)
    if as_json:
        print_json({"since": to_iso(moment) if moment else None,
                    "open": sum(1 for f in found if f.open),
                    "findings": [finding.to_json(base, now) for finding in found]})
        return
    if not found:
        click.echo("No stale figures" + (f" since {since}." if since else "."))
        return
    opened = sum(1 for f in found if f.open)
    click.echo(f"{_counted(found)}: {opened} open, {len(found) - opened} closed")
    for finding in found:
        click.echo("")
        click.echo("\n".join(describe(finding, now)))


def _counted(found: list[Finding]) -> str:
    """`6 stale figures`, or, when some articles are ahead of their source (which is no stale
    figure), `2 findings (1 stale figure, 1 article ahead of its source)`."""
    stale_count = sum(1 for finding in found if finding.kind == STALE)
    stale_text = f"{stale_count} stale figure{'s' if stale_count != 1 else ''}"
    ahead = len(found) - stale_count
    if not ahead:
        return stale_text
    return (f"{len(found)} finding{'s' if len(found) != 1 else ''} ({stale_text}, {ahead} "
            + ("article ahead of its source)" if ahead == 1 else "articles ahead of their "
               "source)"))


def describe(finding: Finding, now: datetime) -> list[str]:
    """A finding as lines a person reads."""
    change = finding.revision.change
    delta = f" ({change.difference()})" if change.difference() else ""
    state = (f"OPEN for {_duration(finding.open_for(now))}" if finding.open else
             f"closed after {_duration(finding.open_for(now))} ({finding.closed_because})")
    article = finding.titles.get(finding.article_url) or finding.article_url
    source = finding.titles.get(finding.source_url) or finding.source_url
    if finding.kind == STALE:
        shows = "still shows" if finding.open else "showed"
        head = f"{state}: \"{article}\" {shows} {finding.shown.figure.text}"
        said = (f"  its source \"{source}\" revised {change.old} -> {change.new}{delta} "
                f"at {_when(finding.revised_at)}")
    else:
        head = f"{state}: \"{article}\" is ahead of its source"
        said = (f"  it revised {change.old} -> {change.new}{delta} at "
                f"{_when(finding.revised_at)}; the source \"{source}\" "
                f"{'still shows' if finding.open else 'showed'} "
                f"{finding.shown.figure.text}")
    return [head, said,
            f"  since {_when(finding.opened_at)}"
            + (f", until {_when(finding.closed_at)}" if finding.closed_at else ""),
            f"  article: {finding.article_url}",
            f"  source:  {finding.source_url}",
            f"  it reads: \"{finding.shown.context}\""]


def _when(iso: str | None) -> str:
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else ""


def _duration(seconds: float) -> str:
    """2 days 3 h, 5 h 20 min, 12 min."""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
