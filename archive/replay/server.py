"""Run pywb over a data folder: its configuration, its process, and waiting until it answers.

The data folder is a pywb collection root as it stands; this only adds a configuration (written
to a scratch folder, never into the data folder) that turns on framed replay, limits pywb to one
collection when asked, and swaps pywb's error page for one that leaks no server paths.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from archive.exceptions import ConfigError, PalimpsestError, PortInUseError
from archive.replay.pywbenv import PywbInstall, find_pywb
from archive.store.layout import DataLayout

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "pywb_app.py"
ERROR_TEMPLATE = HERE / "templates" / "error.html"
DEFAULT_PORT = 8080
DEFAULT_BIND = "127.0.0.1"
START_TIMEOUT = 60.0


# Readiness checks go straight to the server, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ReplayError(PalimpsestError):
    """pywb could not be started."""


def is_loopback(address: str) -> bool:
    """Whether an address to bind to is reachable from this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback("192.0.2.7")
    (False, False)
    """
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name: assume it can be reached from elsewhere


def pywb_config(layout: DataLayout, collection: str | None = None,
                empty_root: Path | None = None, framed: bool = True) -> dict[str, Any]:
    """pywb's configuration for a data folder, or for one collection of it.

    With one collection, pywb's collection root is `empty_root`, an empty folder: pywb takes
    every folder under its root for a collection, and must see only the one configured.
    """
    config: dict[str, Any] = {
        "collections_root": str(layout.collections_dir.resolve()),
        "framed_replay": framed,
        "enable_memento": True,
    }
    if collection is not None:
        config["collections_root"] = str(empty_root)
        config["enable_auto_colls"] = False
        config["collections"] = {collection: {
            "index": str(layout.indexes_dir(collection).resolve()) + os.sep,
            "archive_paths": str(layout.archive_dir(collection).resolve()) + os.sep,
        }}
    return config


def free_port(host: str) -> int:
    """A port nothing listens on at `host` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """Whether something listens on `port` at `host` (or on every address) now. Binding with
    SO_REUSEADDR, as servers do, ignores connections still closing and fails only on a
    listener."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _url_host(host: str) -> str:
    """The host to reach a server bound to `host` at (a wildcard address means this machine)."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class ReplayServer:
    """One pywb process serving a data folder; a context manager."""

    def __init__(self, data_dir: str | Path, *, host: str = DEFAULT_BIND,
                 port: int = DEFAULT_PORT, collection: str | None = None,
                 pywb: PywbInstall | None = None, log: IO[str] | None = None,
                 framed: bool = True) -> None:
        self.layout = DataLayout(data_dir)
        self.pywb = pywb or find_pywb()
        self.host = host
        self.port = port or free_port(host)
        self.collection = collection
        self.log = log  # where pywb's output goes; None: this process's stdout and stderr
        # False: no frame and no banner, the page alone (what screenshots render)
        self.framed = framed
        self.process: subprocess.Popen[bytes] | None = None
        self._scratch: Path | None = None

    @property
    def url(self) -> str:
        """The root URL of the replay, e.g. `http://127.0.0.1:8080`."""
        return f"http://{_url_host(self.host)}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> "ReplayServer":
        """Start pywb and wait until it answers; raise ReplayError if it does not."""
        if self.collection is not None and not self.layout.archive_dir(self.collection).is_dir():
            raise ConfigError(f"no collection {self.collection!r} in {self.layout.root}")
        # Checked before pywb starts: pywb would only print a traceback, and another web
        # server on the port would answer the readiness check in pywb's place.
        if port_in_use(self.host, self.port):
            raise PortInUseError(f"port {self.port} is in use; try --port 0")
        # pywb reads templates, translations and static files relative to its working folder,
        # so it runs in an empty scratch folder of its own, with the configuration in it.
        self._scratch = Path(tempfile.mkdtemp(prefix="palimpsest-pywb-"))
        # pywb looks for templates in ./templates before its own, so this error page wins.
        (self._scratch / "templates").mkdir()
        shutil.copyfile(ERROR_TEMPLATE, self._scratch / "templates" / ERROR_TEMPLATE.name)
        config_file = self._scratch / "config.yaml"
        # JSON is YAML, and needs no YAML library on this side.
        (self._scratch / "collections").mkdir()
        config = pywb_config(self.layout, self.collection, self._scratch / "collections",
                             framed=self.framed)
        config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
        env = {name: value for name, value in os.environ.items() if name != "PYWB_CONFIG_FILE"}
        # pywb's frontend calls its own archive server on localhost: never through a proxy.
        for name in ("NO_PROXY", "no_proxy"):
            env[name] = ",".join(filter(None, [env.get(name), "localhost", "127.0.0.1"]))
        command = [str(self.pywb.python), str(LAUNCHER), str(config_file), self.host,
                   str(self.port)]
        output = self.log if self.log is not None else None
        self.process = subprocess.Popen(command, cwd=self._scratch, env=env, stdout=output,
                                        stderr=subprocess.STDOUT if output else None,
                                        stdin=subprocess.DEVNULL)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        process = self.process
        if process is None:
            raise ReplayError("pywb was not started")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                code = process.returncode
                self.stop()
                raise ReplayError(f"pywb ({self.pywb.python}) exited with code {code} before "
                                  f"it served {self.url}; its messages say why")
            try:
                with _DIRECT.open(self.url + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise ReplayError(f"pywb did not answer at {self.url} within {timeout:.0f}s")

    def wait(self) -> int:
        """Block until pywb exits; return its exit code."""
        assert self.process is not None
        return self.process.wait()

    def stop(self) -> None:
        """Stop pywb (politely, then not) and remove the scratch folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
