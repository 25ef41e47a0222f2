"""`run`: the command line in this process with its exit code asserted (see inprocess.cli)."""

from __future__ import annotations

from click.testing import Result
from inprocess import cli


def run(*args: str, code: int = 0) -> Result:
    """Run `palimpsest ARGS`; assert its exit code. `.stdout` holds what it printed there
    (JSON, for --json), `.output` stdout and stderr as a person reads them."""
    result = cli(*args, check=False)
    assert result.exit_code == code, (args, result.output)
    return result
