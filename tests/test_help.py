"""Every command's `--help` follows one template, read at 80 columns: usage, what it does,
Arguments: (each argument said), Options: (each declared default shown), and an Example: to
copy. A new command without its example or an argument left unexplained fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from inprocess import cli

from archive.cli import main
from archive.cli.help import Documented


def commands() -> Iterator[tuple[list[str], click.Command]]:
    ctx = click.Context(main)

    def walk(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])
            else:
                yield [*path, name], command

    return walk(main, [])


ALL = list(commands())


def test_every_command_is_walked():
    names = {" ".join(path) for path, _ in ALL}
    assert {"history", "changes", "crawl", "index upgrade", "index status", "demo"} <= names
    assert len(names) >= 23


@pytest.mark.parametrize("path,command", ALL, ids=[" ".join(path) for path, _ in ALL])
def test_help_follows_the_template(path, command):
    assert isinstance(command, Documented), f"{' '.join(path)}: declare it with cls=Documented"
    shown = cli(*path, "--help", env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout
    lines = shown.splitlines()
    assert lines[0].startswith(f"Usage: palimpsest {' '.join(path)} ")
    assert all(len(line) <= 80 for line in lines), shown
    sections = [line for line in lines if re.fullmatch(r"[A-Z][a-z]+:", line)]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    assert sections == (["Arguments:"] if arguments else []) + ["Options:", "Example:"], shown
    # Each argument is explained under its own name.
    for argument in arguments:
        name = argument.human_readable_name.upper().rstrip(".")
        assert re.search(rf"^  {re.escape(name)}\s+\S", shown, re.M), (name, shown)
    # Each option with a default says it the same way.
    options = shown.split("Options:")[1].split("Example:")[0]
    ctx = click.Context(command)
    for option in command.params:
        if not isinstance(option, click.Option) or option.is_flag or option.hidden:
            continue
        # A declared value (click marks "no default" with a sentinel of its own), or a default
        # decided at run time and named in show_default.
        declared = option.get_default(ctx, call=False)
        if isinstance(declared, (str, int, float)) or isinstance(option.show_default, str):
            flag = max(option.opts, key=len)
            entry = options.split(flag, 1)[1].split("\n  -")[0]
            assert "[default:" in " ".join(entry.split()), (flag, shown)
    assert not re.search(r"\(default:|; default", options), shown
    # A time is called WHEN everywhere, as the README's Commands section calls it.
    for flag in re.findall(r"^  (--since|--at|--from|--to) (\S+)", options, re.M):
        assert flag[1] == "WHEN", (flag, shown)
    # One example, a whole command line as it would be typed.
    example = shown.split("Example:\n")[1].splitlines()
    assert example[0].startswith(f"  palimpsest {' '.join(path)}"), shown


def test_the_command_list_says_each_command_whole_at_80_columns():
    shown = cli("--help", env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout
    listed = shown.split("Commands:\n")[1]
    assert "..." not in listed and all(len(line) <= 80 for line in listed.splitlines())
    assert " ".join(listed.split()).count("cron Print a crontab line that crawls SEEDS.toml "
                                          "every --every, quietly.") == 1
