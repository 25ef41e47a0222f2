"""One template for every command's `--help`: what it does, its arguments, its options with
their defaults, and one example to copy.

Each command is declared with `cls=Documented` and says what each argument is and one
example, e.g. ``@click.command("history", cls=Documented, arguments={"URL": "..."},
example="palimpsest history https://example.org/news/1 --data data")``. tests/test_help.py
walks every command and fails on one that leaves a part out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click


class Documented(click.Command):
    """A command whose help reads: usage, description, Arguments:, Options:, Example:."""

    def __init__(self, *args: Any, example: str, arguments: Mapping[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.example = example
        self.arguments = dict(arguments or {})

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_example(formatter)
        self.format_epilog(ctx, formatter)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(list(self.arguments.items()))

    def format_example(self, formatter: click.HelpFormatter) -> None:
        with formatter.section("Example"):
            # Not rewrapped: an example is copied as a whole line.
            for line in self.example.splitlines():
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")

