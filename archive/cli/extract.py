"""`palimpsest extract FILE... [--url URL] [--json]`: what the archive would hash for a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from archive.cli.common import EXIT_USAGE, Failure, print_json
from archive.cli.help import Documented
from archive.extract.describe import DescribedPage, extract_and_describe
from archive.extract.normalize import NORMALIZATION_VERSION, compile_ignore


@click.command(
    "extract", cls=Documented,
    arguments={"FILES": "Saved HTML files, one or more."},
    example="palimpsest extract page.html --ignore 'Updated \\d+ minutes ago'")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option(
    "--url", default=None, help="The pages' URL: resolves relative links and fills metadata."
)
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="REGEX",
    help="A seed `ignore` pattern to remove before hashing; repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
def extract(
    files: tuple[Path, ...], url: str | None, ignore: tuple[str, ...], as_json: bool
) -> None:
    """Show what would be hashed for each HTML FILE: headline, text, text hash, cited links.

    The text is the article body without the headline; the hash covers both. A page that cannot
    be extracted is shown with status "failed" and no hash, and the command still exits 0.
    """
    try:
        compile_ignore(ignore)  # a bad pattern is a usage error, before any file is read
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--ignore") from None
    console = Console(highlight=False)
    for path in files:
        # The crawl's own extraction and hash (it runs this in its extraction pool).
        row = _row(path, extract_and_describe(_read(path), url, None, ignore))
        if as_json:
            print_json(row)
        else:
            _show(console, row)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise Failure(f"cannot read {path}: {err.strerror or err}", EXIT_USAGE) from None


_HEADLINE_KEYS = ("headline_source", "social_title", "search_title", "structured_headline")


def _row(path: Path, described: DescribedPage) -> dict[str, Any]:
    """The JSON object for one file: the contract keys first, then the extraction's fields."""
    result = described.extraction
    return {
        "file": str(path),
        "title": result.title,
        "text": result.text,
        "text_hash": described.text_hash,
        "links": list(result.links),
        # The metadata headlines are always there, null when the page has none, so a program
        # reads the same keys from every line.
        **dict.fromkeys(_HEADLINE_KEYS),
        **{
            key: value
            for key, value in result.to_json().items()
            if key not in ("title", "text", "links")
        },
        "normalization_version": NORMALIZATION_VERSION,
    }


def _show(console: Console, row: dict[str, Any]) -> None:
    """A readable summary, soft-wrapped so a hash or a URL is never cut.

    Page text goes through rich.Text, never markup: it is archived input, not ours.
    """
    console.print(Rule(Text(row["file"]), align="left"))
    details = [
        ("status", row["status"] if row["reason"] is None else f"{row['status']}: {row['reason']}"),
        ("headline", row["title"] or "-"),
        # The metadata headlines, recorded but never hashed (archive/extract/headlines.py).
        *[(name, row[key]) for name, key in (("social", "social_title"),
                                              ("search", "search_title"),
                                              ("structured", "structured_headline"))
          if row.get(key)],
        ("byline", row["byline"] or "-"),
        ("published", row["published"] or "-"),
        ("modified", row["modified"] or "-"),
        ("encoding", f"{row['encoding']} ({row['encoding_source']})"),
        ("text hash", row["text_hash"] or "- (not a version)"),
    ]
    for name, value in details:
        console.print(Text.assemble((f"{name:<10} ", "bold"), value), soft_wrap=True)
    for paragraph in row["text"].splitlines():
        console.print()
        console.print(Text(paragraph), soft_wrap=True)
    console.print()
    console.print(Text(f"Cited links ({len(row['links'])})", style="bold"))
    for link in row["links"]:
        console.print(Text(f"  {link}"), soft_wrap=True)
