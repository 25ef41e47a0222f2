"""A loopback site of numbered slow pages that measures how many requests it serves at once.

Each /page/N answers after `delay` seconds with a small article. `peak` is the most requests
ever in progress together, `hits` counts requests per path: what a politeness or takeover test
needs to see from the server's side.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlowSite:
    """`pages` slow pages on `host` (loopback) and a free port, in a background thread."""

    def __init__(self, pages: int = 20, delay: float = 0.3, host: str = "127.0.0.1") -> None:
        self.pages = pages
        self.delay = delay
        self.hits: Counter[str] = Counter()
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site._serve(self)

            def log_message(self, *args) -> None:
                """Silent."""

        self.host = host
        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"

    def page_urls(self) -> list[str]:
        return [f"{self.url}/page/{n}" for n in range(self.pages)]

    def __enter__(self) -> "SlowSite":
        threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits[path] += 1
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if path == "/robots.txt":
                body, status = b"User-agent: *\nAllow: /\n", 200
            elif path.startswith("/page/"):
                time.sleep(self.delay)
                number = path.rsplit("/", 1)[1]
                # The page declares its language: an undeclared one would load the language
                # detector (about a second) on the reactor thread of a crawl that extracts
                # inline, longer than the 2 s leases of the shared-crawl tests on a busy machine.
                body = (f'<html lang="en"><head><title>Report {number}</title></head><body>'
                        f"<article>"
                        f"<h1>Report {number}</h1><p>The harbour office counted {number} "
                        "ships waiting for the tide on a grey morning, and the pilots said "
                        "the queue would clear by evening if the wind held from the west.</p>"
                        "</article></body></html>").encode()
                status = 200
            else:
                body, status = b"not found", 404
        finally:
            with self._lock:
                self.active -= 1
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
