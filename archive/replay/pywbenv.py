"""Find pywb, which lives in a virtual environment of its own, never in the crawler's.

pywb 2.10 cannot share an environment with the crawler: its brotlipy shadows the Brotli module
Scrapy decodes with, and it pins redis and fakeredis to versions a distributed frontier cannot
use. So `make install` puts it in `.venv-pywb` beside `.venv`, and `palimpsest replay` looks for
it in this order: `$PALIMPSEST_PYWB` (its `wayback` script, or the environment's folder), the
`.venv-pywb` of the checkout Palimpsest runs from, then `wayback` on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from archive.exceptions import ConfigError

PYWB_ENV_VAR = "PALIMPSEST_PYWB"
PYWB_VENV = ".venv-pywb"
PYWB_VERSION = "2.10.0"  # the version requirements-pywb.txt pins and the tests run against

INSTALL_HINT = (
    f"run `make install` in the Palimpsest checkout (it creates {PYWB_VENV}), or install pywb "
    "in an environment of its own and point PALIMPSEST_PYWB at it:\n"
    f"  python3 -m venv ~/pywb && ~/pywb/bin/pip install pywb=={PYWB_VERSION}\n"
    "  export PALIMPSEST_PYWB=~/pywb"
)

# pip writes a shell trampoline instead of a plain #! line when the interpreter's path is long.
_TRAMPOLINE = re.compile(r"""exec'?\s+'?"?([^"'\s]+)"?""")


@dataclass(frozen=True)
class PywbInstall:
    """pywb's `wayback` script and the Python interpreter of its environment."""

    wayback: Path
    python: Path


def find_pywb(environ: Mapping[str, str] | None = None) -> PywbInstall:
    """Locate pywb, or raise ConfigError saying how to install it."""
    environ = os.environ if environ is None else environ
    configured = environ.get(PYWB_ENV_VAR)
    if configured:
        wayback = _wayback_in(Path(configured).expanduser())
        if wayback is None:
            raise ConfigError(f"{PYWB_ENV_VAR}={configured}: no pywb `wayback` script there; "
                              + INSTALL_HINT)
        return _install(wayback)
    for folder in _checkout_venvs():
        wayback = _wayback_in(folder)
        if wayback is not None:
            return _install(wayback)
    found = shutil.which("wayback", path=environ.get("PATH"))
    if found:
        return _install(Path(found))
    raise ConfigError("pywb is not installed (palimpsest replay runs it): " + INSTALL_HINT)


def _checkout_venvs() -> list[Path]:
    """`.venv-pywb` beside the source tree, and beside the environment running us."""
    source_root = Path(__file__).resolve().parents[2]
    candidates = [source_root / PYWB_VENV, Path(sys.prefix).resolve().parent / PYWB_VENV]
    return list(dict.fromkeys(candidates))


def _wayback_in(path: Path) -> Path | None:
    """The wayback script at `path` (the script itself, or an environment's folder)."""
    if path.is_dir():
        path = path / "bin" / "wayback"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def _install(wayback: Path) -> PywbInstall:
    python = _interpreter(wayback)
    if python is None:
        raise ConfigError(f"{wayback}: cannot tell which Python runs this pywb; " + INSTALL_HINT)
    return PywbInstall(wayback, python)


def _interpreter(wayback: Path) -> Path | None:
    """The Python that runs `wayback`: its environment's `python`, else its #! line."""
    sibling = wayback.resolve().parent / "python"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return sibling
    try:
        head = wayback.read_bytes()[:1024].decode("utf-8", "replace")
    except OSError:
        return None
    first, _, rest = head.partition("\n")
    if not first.startswith("#!"):
        return None
    command = first[2:].strip().split()
    if command and command[0].endswith("/sh"):
        match = _TRAMPOLINE.search(rest)
        command = [match.group(1)] if match else []
    if command and command[0].endswith("/env") and len(command) > 1:
        located = shutil.which(command[1])
        command = [located] if located else []
    if not command:
        return None
    python = Path(command[0])
    return python if python.is_file() else None
