"""The crontab line that runs a crawl unattended (`palimpsest cron`): when, and what exactly.

Cron runs the line with /bin/sh, a bare environment and the home folder as working directory;
the line is built to work there (absolute, quoted paths; `%` escaped)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from datetime import timedelta
from pathlib import Path


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
