"""Start pywb's wayback app for `palimpsest replay`. Runs under pywb's own Python, not ours.

pywb lives in its own virtual environment (its pins clash with the crawler's), so this file
imports nothing from Palimpsest and nothing outside the standard library at import time; the
parent process runs it as `PYWB_PYTHON pywb_app.py CONFIG HOST PORT`.

One change to pywb's behaviour: when the record of the capture asked for cannot be read (its
WARC file is missing or damaged, or a revisit's original is gone), pywb would quietly serve the
next-closest capture of the URL instead. For an archive of edits that is the wrong answer: the
reader would take a neighbouring version for the one they asked for. Here the search stops at
the unreadable capture, so pywb answers 503 with its error page for that capture. Every other
reason pywb has to move on to the next capture (a redirect to the same URL, a missing live
resource) is left as it is.

pywb also stops by itself within a second of its parent's end, so a `palimpsest replay` killed
outright never leaves a server behind. And its "Dir .../indexes/ unchanged" line, printed for
every collection on every request, is dropped from what it prints: it said nothing to the
person at the terminal and buried the lines that do.
"""

import re
import sys
from typing import Any, Iterable, Iterator, TextIO

# A marker pywb's per-request parameters carry once a capture's record failed to load.
UNREADABLE = "palimpsest.unreadable"


def strict_resource_handler(base: Any) -> Any:
    """A subclass of pywb's resource handler that never replaces an unreadable capture."""
    from warcio.recordloader import ArchiveLoadFailed

    # The base is pywb's class, known only at run time (pywb is not beside mypy).
    class StrictResourceHandler(base):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            warc_loader = self.resource_loaders[0]  # pywb's WARCPathLoader comes first
            load = warc_loader.load_resource

            def load_resource(cdx: Any, params: dict[str, Any]) -> Any:
                try:
                    return load(cdx, params)
                except ArchiveLoadFailed:
                    params[UNREADABLE] = True
                    raise

            warc_loader.load_resource = load_resource

        def _load_index_source(self, params: dict[str, Any]) -> tuple[Any, Any]:
            cdx_iter, errs = super()._load_index_source(params)
            if cdx_iter is None or params.get("mode", "resource") != "resource":
                return cdx_iter, errs
            return _until_unreadable(cdx_iter, params), errs

    return StrictResourceHandler


def _until_unreadable(cdx_iter: Iterable[Any], params: dict[str, Any]) -> Iterator[Any]:
    """Yield captures, closest first, until one of them fails to load."""
    for cdx in cdx_iter:
        yield cdx
        if params.get(UNREADABLE):
            return


class WithoutLines:
    """A text stream that passes everything on but whole lines matching `pattern`."""

    def __init__(self, stream: TextIO, pattern: str) -> None:
        self.stream = stream
        self.pattern = re.compile(pattern)
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            if not self.pattern.fullmatch(line):
                self.stream.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending and not self.pattern.fullmatch(self.pending):
            self.stream.write(self.pending)
        self.pending = ""
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


# pywb's CacheDirectoryMixin prints this with print() for each collection, on every request.
UNCHANGED_DIR = r"Dir .* unchanged"


def exit_with_parent(parent: int) -> None:
    """Stop when the process that started us is gone, however it went (even `kill -9`)."""
    import os

    import gevent

    while os.getppid() == parent:
        gevent.sleep(1)
    os._exit(0)


def main(argv: list[str]) -> None:
    config_file, host, port = argv[1], argv[2], int(argv[3])
    sys.stdout = WithoutLines(sys.stdout, UNCHANGED_DIR)
    from gevent.monkey import patch_all

    patch_all()  # pywb expects it before anything else opens sockets
    import os

    import gevent
    import pywb.warcserver.warcserver as warcserver

    gevent.spawn(exit_with_parent, os.getppid())
    from pywb.apps.frontendapp import FrontEndApp
    from pywb.utils.geventserver import GeventServer, RequestURIWSGIHandler

    warcserver.DefaultResourceHandler = strict_resource_handler(warcserver.DefaultResourceHandler)
    app = FrontEndApp(config_file=config_file)
    print(f"pywb serving on {host}:{port}", file=sys.stderr, flush=True)
    GeventServer(app, port=port, hostname=host, handler_class=RequestURIWSGIHandler, direct=True)


if __name__ == "__main__":
    main(sys.argv)
