"""The command line in this process (Click's CliRunner), for commands that start no crawl."""

from __future__ import annotations

from click.testing import CliRunner, Result

from archive.cli import main


def run(*args: str, code: int = 0) -> Result:
    """Run `palimpsest ARGS`; assert its exit code. `.stdout` holds what it printed there
    (JSON, for --json), `.output` stdout and stderr as a person reads them."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, (args, result.output)
    return result
