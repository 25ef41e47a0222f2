"""`palimpsest search QUERY` and `palimpsest search --trace "PHRASE" URL`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from archive.cli.common import (
    EXIT_USAGE,
    Failure,
    data_option,
    domain_errors,
    index_option,
    open_for_reading,
    print_json,
    replay_base_option,
)
from archive.cli.edits import when_option
from archive.cli.help import Documented
from archive.index import Index
from archive.index.textsearch import QueryError
from archive.report.render import when as readable_time
from archive.store.layout import DataLayout
from archive.timeutil import to_iso
from archive.versions.search import DEFAULT_LIMIT, SearchResult, Trace, search, trace


@click.command(
    "search", cls=Documented,
    arguments={"QUERY": "Words, \"phrases\" and prefixes* to find (not with --trace)."},
    example="palimpsest search '\"flood injuries\" evacu*' --since 30d --data data")
@click.argument("query", required=False)
@data_option
@index_option
@click.option("--url", "url_prefix", metavar="PREFIX", help="Only pages whose URL starts so.")
@click.option("--since", metavar="WHEN",
              help="Only versions still shown since WHEN (ISO 8601, or a duration ago: 2d).")
@click.option("--limit", type=click.IntRange(1, 1000), default=DEFAULT_LIMIT, show_default=True,
              help="At most this many versions.")
@click.option("--trace", nargs=2, metavar="PHRASE URL",
              help="When PHRASE appeared in the page at URL, and when it left it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@replay_base_option
@domain_errors
def search_command(query: str | None, data_dir: Path | None, url_prefix: str | None,
                   since: str | None, limit: int, trace: tuple[str, str] | None,
                   as_json: bool, replay_base: str | None) -> None:
    """Every version of every page whose text matches QUERY, newest first.

    QUERY is words (all must occur), "quoted phrases" and prefixes (evacu*), in any script.
    """
    if trace and trace[1].startswith("-"):  # click took the option after PHRASE as the URL
        raise Failure(f"--trace takes two values, the phrase and then the URL: "
                      f"--trace \"{trace[0]}\" URL (got {trace[1]} as the URL)", EXIT_USAGE)
    if (query is None) == (not trace):
        raise Failure("give a QUERY, or --trace \"PHRASE\" URL (not both)", EXIT_USAGE)
    moment = when_option(since, "--since")
    layout, index = open_for_reading(data_dir)
    found: Trace | SearchResult
    try:
        if trace:
            found = trace_of(index, layout, trace, replay_base)
        else:
            found = search(index, query or "", url_prefix=url_prefix,
                           since=to_iso(moment) if moment else None, limit=limit,
                           replay_base=replay_base)
    except QueryError as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    finally:
        index.close()
    if isinstance(found, Trace):
        print_json(found.to_json()) if as_json else _print_trace(found)
    elif as_json:
        print_json({"query": str(found.query), "url": url_prefix,
                    "since": to_iso(moment) if moment else None,
                    "hits": [hit.to_json() for hit in found.hits], "note": found.note})
    else:
        _print_hits(found)


def trace_of(index: Index, layout: DataLayout, phrase_and_url: tuple[str, str],
             replay_base: str | None) -> Trace:
    phrase, url = phrase_and_url
    return trace(index, layout, phrase, url, replay_base)


def _print_hits(result: SearchResult) -> None:
    console = Console(highlight=False)
    if not result.hits:
        console.print(f"Nothing archived matches {result.query}.", markup=False)
        if result.note:
            console.print(f"note: {result.note}", markup=False)
        return
    for number, hit in enumerate(result.hits, start=1):
        head = Text(f"{number}. ")
        head.append(hit.title or "(no headline)", style="bold")
        lineage = "imported version" if hit.origin == "import" else "version"
        head.append(f"  ({lineage} {hit.version} of {hit.versions})")
        console.print(head, soft_wrap=True)
        console.print(Text(f"   {hit.url}"), soft_wrap=True)
        console.print(Text(f"   shown {readable_time(hit.first_seen)} .. "
                           f"{readable_time(hit.last_seen)}"))
        line = Text("   ")
        position = 0
        for start, end in hit.snippet.marks:  # matched words bold, and bracketed for no-colour
            line.append(hit.snippet.text[position:start])
            line.append(f"[{hit.snippet.text[start:end]}]", style="bold yellow")
            position = end
        line.append(hit.snippet.text[position:])
        console.print(line, soft_wrap=True)
        if hit.replay_url:
            console.print(Text(f"   replay {hit.replay_url}"), soft_wrap=True)
    if len(result.hits) > 1:
        console.print(Text(f"{len(result.hits)} versions, newest first."))


def _print_trace(found: Trace) -> None:
    console = Console(highlight=False)
    console.print(Text(f"\"{found.phrase}\" in {found.url}", style="bold"), soft_wrap=True)
    if not found.stays:
        console.print(Text(f"Never shown in the {found.versions} archived "
                           f"version{'s' if found.versions != 1 else ''}."))
        return
    for stay in found.stays:
        console.print(Text(f"  appeared {readable_time(stay.appeared_at)} "
                           f"(version {stay.appeared_version})  replay {stay.appeared_replay}"),
                      soft_wrap=True)
        if stay.left_at:
            console.print(Text(f"  left     {readable_time(stay.left_at)} "
                               f"(version {stay.left_version})  replay {stay.left_replay}"),
                          soft_wrap=True)
            console.print(Text(f"           last shown {readable_time(stay.last_seen_at)}"))
        else:
            console.print(Text(f"  still there at the last capture, "
                               f"{readable_time(stay.last_seen_at)}"))
