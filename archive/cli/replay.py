"""`palimpsest replay`: pywb over the data folder, on loopback unless told otherwise."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from archive.cli.common import EXIT_USAGE, Failure, data_option, domain_errors, existing_data
from archive.cli.help import Documented
from archive.exceptions import LockHeldError
from archive.replay.cdxj import update_all
from archive.replay.server import DEFAULT_BIND, DEFAULT_PORT, ReplayServer, is_loopback
from archive.store.layout import DataLayout
from archive.store.lock import DataLock

PUBLIC_WARNING = (
    "WARNING: replay is bound to {bind}, so other machines can reach it. Archived pages run "
    "their own scripts in the browser of whoever opens them, under this address: serve replay "
    "through a web server on a host name of its own, never beside anything with logins or "
    "cookies (see README, Replay)."
)


@click.command(
    "replay", cls=Documented,
    example="palimpsest replay --port 8080 --data data")
@data_option
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--bind", default=DEFAULT_BIND, show_default=True,
              help="Address to listen on. Anything but loopback is reachable from elsewhere.")
@click.option("--collection", default=None, metavar="NAME",
              show_default="every collection", help="Serve only this collection.")
@domain_errors
def replay(data_dir: Path | None, port: int, bind: str, collection: str | None) -> None:
    """Replay the archive with pywb, framed, each capture as it was served."""
    layout = DataLayout(existing_data(data_dir))
    available = layout.collections()
    if not available:
        raise Failure(f"nothing archived in {layout.root} yet (no collections/*/archive)",
                      EXIT_USAGE)
    if collection is not None:
        layout.require_collection(collection)
    served = [collection] if collection else available
    _refresh_indexes(layout, served)
    if not is_loopback(bind):
        click.echo(PUBLIC_WARNING.format(bind=bind), err=True)
    server = ReplayServer(layout.root, host=bind, port=port, collection=collection)
    # A service manager stops us with SIGTERM: take pywb down too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        click.echo(f"Replay: {server.url}/  (collections: {', '.join(served)}; Ctrl-C stops it)")
        click.echo(f"A capture: {server.url}/<collection>/<YYYYMMDDhhmmss>/<url>, as listed by "
                   "`palimpsest history`")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _refresh_indexes(layout: DataLayout, collections: list[str]) -> None:
    """Bring the CDXJ files up to date, unless a crawl is running (it does so when it ends)."""
    try:
        with DataLock(layout.lock_path):
            for update in update_all(layout.root, collections):
                for problem in update.problems:
                    click.echo(f"problem: {problem}", err=True)
    except LockHeldError:
        click.echo("A crawl is running: replay shows what was indexed before it; the crawl "
                   "updates the replay index when it ends.", err=True)
