"""What every subcommand shares: the --data option, exit codes, errors and output helpers."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ParamSpec, TypeVar

import click

from archive.exceptions import (
    ConfigError,
    CorruptArchiveError,
    LockHeldError,
    NotFoundError,
    NothingArchivedError,
    PalimpsestError,
)
from archive.store.layout import DataLayout, default_data_dir

if TYPE_CHECKING:
    from archive.index import Index

_Command = TypeVar("_Command", bound=Callable[..., Any])  # what a click option decorates
_P = ParamSpec("_P")
_R = TypeVar("_R")

EXIT_OK = 0
EXIT_FAILED = 1       # the run failed, or its errors passed the threshold
EXIT_USAGE = 2        # bad usage or configuration, or nothing to work on; nothing was done
EXIT_IOERR = 74       # the archive could not be written (disk full, I/O error) (EX_IOERR)
EXIT_LOCKED = 75      # another crawl holds the data folder's lock (EX_TEMPFAIL: try later)


class Failure(click.ClickException):
    """Ends a command with a message on stderr and a chosen exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        # click declares exit_code on the class; the instance's value is the one it exits with.
        self.exit_code = exit_code  # type: ignore[misc]


def data_option(function: _Command) -> _Command:
    """`--data DIR`, defaulting to $PALIMPSEST_DATA, else ./data."""
    return click.option(
        "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, show_default="$PALIMPSEST_DATA or ./data",
        help="The data folder (WARCs, index).",
    )(function)


def replay_base_option(function: _Command) -> _Command:
    """`--replay-base URL`: where replay links point (default $PALIMPSEST_REPLAY_BASE)."""
    return click.option(
        "--replay-base", "replay_base", metavar="URL", default=None,
        show_default="$PALIMPSEST_REPLAY_BASE or http://localhost:8080",
        help="Base URL of `palimpsest replay` (pywb) for replay links.",
    )(function)


def resolve_data(data_dir: Path | None) -> Path:
    return data_dir if data_dir is not None else default_data_dir()


def existing_data(data_dir: Path | None) -> Path:
    """The data folder of a command that works on what is archived; a folder that does not
    exist is a Failure (exit 2) naming it and saying where the name came from."""
    path = resolve_data(data_dir)
    if not path.is_dir():
        origin = ("--data" if data_dir is not None else
                  "$PALIMPSEST_DATA" if os.environ.get("PALIMPSEST_DATA") else
                  "the default, as neither --data nor $PALIMPSEST_DATA is set")
        raise Failure(f"data folder {path} does not exist ({origin}): point --data or "
                      "$PALIMPSEST_DATA at the folder your crawls write", EXIT_USAGE)
    return path


def index_data(data_dir: Path | None) -> Path:
    """The data folder of a command that reads the index: it must exist when the index is the
    SQLite file inside it (a mistyped --data is exit 2, not an empty answer); with --index or
    $PALIMPSEST_INDEX naming another index, it need not."""
    return existing_data(data_dir) if chosen_index() is None else resolve_data(data_dir)


def command_as_typed() -> str:
    """How to run this `palimpsest` again from the current folder, for hints that must work as
    printed: `palimpsest` when that is what the PATH finds, else the script's path (relative
    when it is under the current folder, e.g. `.venv/bin/palimpsest`)."""
    script = Path(sys.argv[0])
    if script.name != "palimpsest" or not script.is_file():
        # Run as `python -m archive.cli`: the script installed beside that Python, if any.
        script = Path(sys.executable).parent / "palimpsest"
        if not script.is_file():
            return f"{sys.executable} -m archive.cli"
    found = shutil.which("palimpsest")
    if found and Path(found).resolve() == script.resolve():
        return "palimpsest"
    try:
        return str(script.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(script.absolute())


def domain_errors(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn the project's exceptions into messages and exit codes at the CLI edge."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except LockHeldError as exc:
            raise Failure(str(exc), EXIT_LOCKED) from None
        except (ConfigError, NothingArchivedError) as exc:
            raise Failure(str(exc), EXIT_USAGE) from None
        except (NotFoundError, CorruptArchiveError) as exc:
            raise Failure(str(exc), EXIT_FAILED) from None
        except PalimpsestError as exc:
            raise Failure(str(exc), EXIT_FAILED) from None

    return wrapper


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=None, sort_keys=False))


def configure_logging(verbosity: int, quiet: bool = False, logfile: Path | None = None,
                      rich_console: Any = None) -> None:
    """The only place logging is configured: stderr at a level set by -v/-q, plus a file.

    With `rich_console` (a progress bar is showing on it), stderr lines go through rich so they
    print above the bar instead of through it.
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[
        min(verbosity, 2)]
    if quiet and logfile is not None:
        # Quiet means quiet (cron): the command prints its summary and one `problem:` line per
        # problem itself; every record, tracebacks included, goes to the log file only.
        level = logging.CRITICAL + 1
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    if rich_console is not None:
        from rich.logging import RichHandler

        console: logging.Handler = RichHandler(console=rich_console, show_time=False,
                                               show_path=False)
    else:
        console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    root.setLevel(min(level, logging.INFO) if logfile else level)
    # trafilatura logs a hostile page (binary, empty) as an ERROR; the extraction records it as
    # a failure with its reason, so it must not count as an error of the crawl (exit code 1).
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if logfile is not None:
        logfile.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(logfile, encoding="utf-8")
        to_file.setLevel(logging.INFO)
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(to_file)


_INDEX_META = "palimpsest.index"


def index_option(function: _Command) -> _Command:
    """`--index URL`: the index to use (PostgreSQL); default $PALIMPSEST_INDEX, else SQLite in
    the data folder. Commands read it with `chosen_index()`."""

    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        ctx.meta[_INDEX_META] = value

    return click.option(
        "--index", "index_url", metavar="URL", default=None, expose_value=False,
        callback=remember, is_eager=True,
        show_default="$PALIMPSEST_INDEX, else SQLite in the data folder",
        help="Index URL (postgresql://user@host/db?schema=NAME).",
    )(function)


def chosen_index() -> str | None:
    """The --index of the running command, else $PALIMPSEST_INDEX (None: SQLite)."""
    from archive.index import index_url

    ctx = click.get_current_context(silent=True)
    explicit = ctx.meta.get(_INDEX_META) if ctx is not None else None
    return index_url(explicit)


def open_for_reading(data_dir: Path | None) -> tuple[DataLayout, Index]:
    """The data folder and its index, opened read-only for a command that only reads; a
    folder with nothing archived yet is a Failure saying how to start."""
    from archive.index import open_index

    url = chosen_index()
    layout = DataLayout(index_data(data_dir))
    if url is None and not layout.index_path.exists():
        raise Failure(f"no index at {layout.index_path}: nothing archived yet "
                      "(run `palimpsest crawl` or `palimpsest reindex`)", EXIT_USAGE)
    return layout, open_index(layout.root, readonly=True, url=url)
