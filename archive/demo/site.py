"""The demo site over HTTP: a fictional newspaper and ministry on two loopback addresses.

``DemoSite`` serves the newspaper on 127.0.0.1:PORT and the ministry on 127.0.0.2:PORT (one port
number on both addresses) from daemon threads, and switches between the content states of
:mod:`archive.demo.content` on request. It speaks HTTP/1.1 with keep-alive, gzips the newspaper's
responses when the client accepts it, and answers conditional requests to the ministry with
304 Not Modified. Run ``python -m archive.demo.site --port 8421`` to browse it by hand.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import logging
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import urlsplit

from archive.demo import content
from archive.demo.negotiate import accepts_gzip, is_not_modified
from archive.demo.routes import Hosts, Reply, ministry_reply, newspaper_reply

log = logging.getLogger(__name__)

DEFAULT_PORT = 8421
# The article seeded as a plain page: the one taken down in state 2 and restored in state 3, so
# the crawl keeps visiting it after listings and feeds drop it.
SEEDED_ARTICLE = "D"
# With port 0 the ministry may find the newspaper's free port taken on its own address; try a
# few other free ports before giving up.
_BIND_ATTEMPTS = 20
# Idle keep-alive connections are dropped after this many seconds, so no handler thread lingers.
_IDLE_TIMEOUT = 10


class RequestLog(NamedTuple):
    """One request as the demo site received it; header names are lower-cased."""

    host: str
    method: str
    path: str
    headers: dict[str, str]


class DemoSite:
    """The demo newspaper and ministry, served from background threads; also a context manager."""

    def __init__(
        self,
        port: int = 0,
        newspaper_host: str = "127.0.0.1",
        ministry_host: str = "127.0.0.2",
    ) -> None:
        self.port = port
        self.newspaper_host = newspaper_host
        self.ministry_host = ministry_host
        self.requests: list[RequestLog] = []
        self._state = 1
        self._counter = itertools.count()
        self._counter_lock = threading.Lock()
        self._servers: list[_Server] = []

    @property
    def newspaper_url(self) -> str:
        """The newspaper's base URL, e.g. ``http://127.0.0.1:8421``."""
        return f"http://{self.newspaper_host}:{self.port}"

    @property
    def ministry_url(self) -> str:
        """The ministry's base URL, e.g. ``http://127.0.0.2:8421``."""
        return f"http://{self.ministry_host}:{self.port}"

    @property
    def hosts(self) -> Hosts:
        """The two base URLs, for building links between the servers."""
        return Hosts(self.newspaper_url, self.ministry_url)

    @property
    def article_urls(self) -> dict[str, str]:
        """Absolute URL of each article by key ("A" to "E"), whether or not it is live now."""
        return {key: self.hosts.article_url(key) for key in content.article_paths()}

    @property
    def statement_urls(self) -> dict[str, str]:
        """Absolute URL of each ministry statement by key ("S1" to "S3")."""
        return {key: self.hosts.statement_url(key) for key in content.statement_paths()}

    @property
    def state(self) -> int:
        """The content state being served: 1, 2 or 3."""
        return self._state

    def set_state(self, state: int) -> None:
        """Serve content state 1, 2 or 3 from the next request on; ValueError otherwise."""
        self._state = content.check_state(state)

    def start(self) -> DemoSite:
        """Bind both addresses and serve them from daemon threads.

        Raises:
            OSError: naming the address and port when one of them cannot be bound.
        """
        if self._servers:
            return self
        attempts = _BIND_ATTEMPTS if self.port == 0 else 1
        for attempt in range(attempts):
            newspaper = _bind(self.newspaper_host, self.port, self, "newspaper")
            try:
                ministry = _bind(self.ministry_host, newspaper.server_port, self, "ministry")
            except OSError:
                newspaper.server_close()
                if attempt == attempts - 1:
                    raise
                continue
            break
        self.port = newspaper.server_port
        self._servers = [newspaper, ministry]
        for server in self._servers:
            name = f"demo-{server.role}-{self.port}"
            threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and release both addresses."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def seeds_toml(self, collection: str = "demo") -> str:
        """A seed list (TOML) for this site as it runs: the same shape as seeds/demo.toml."""
        article_url = self.article_urls[SEEDED_ARTICLE]
        return seeds_toml(self.newspaper_url, article_url, self.ministry_host, collection)

    def reply(self, role: str, path: str) -> Reply:
        """What the server playing `role` ("newspaper" or "ministry") answers for `path` now."""
        if role == "ministry":
            return ministry_reply(self._state, path, self.hosts)
        with self._counter_lock:
            counter = next(self._counter)
        return newspaper_reply(self._state, counter, path, self.hosts)


def seeds_toml(newspaper_url: str, article_url: str, ministry_host: str, collection: str) -> str:
    """The demo seed list: front page, feed, sitemap and one article, sources on the ministry.

    The collection name is written as a JSON string, which is also a valid TOML basic string.
    """
    return f"""# Seed list for the bundled demo site (archive/demo): a fictional newspaper at
# {newspaper_url} citing a fictional ministry at {ministry_host}.
# Serve it with `python -m archive.demo.site`; `palimpsest demo` runs the whole job against it.
collection = {json.dumps(collection)}

[defaults]
every = "10m"
sources = 1
# Follow cited links to the ministry only; the outside link in one article stays out.
source_hosts = ["{ministry_host}"]
# Empty on purpose: the rotating furniture never reaches the extracted text.
ignore = []

[[seed]]
url = "{newspaper_url}/"
type = "listing"

[[seed]]
url = "{newspaper_url}/feed.xml"
type = "feed"

[[seed]]
url = "{newspaper_url}/sitemap.xml"
type = "sitemap"

# A plain page (the default type): the article the demo takes down and later restores.
[[seed]]
url = "{article_url}"
"""


class _Server(ThreadingHTTPServer):
    """One of the two listening sockets, knowing its site and its role."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite, role: str) -> None:
        self.site = site
        self.role = role
        super().__init__(address, _Handler)


def _bind(host: str, port: int, site: DemoSite, role: str) -> _Server:
    try:
        return _Server((host, port), site, role)
    except OSError as exc:
        message = f"demo {role} cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise OSError(exc.errno, message) from exc


class _Handler(BaseHTTPRequestHandler):
    """Frames a route's Reply as HTTP/1.1: validators, 304, gzip, Content-Length."""

    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def version_string(self) -> str:
        return "CourierWeb/4.2" if self.server.role == "newspaper" else "GovPortal/1.9"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        log.info("%s %s", self.server.role, format % args)

    def _answer(self, with_body: bool) -> None:
        site, role = self.server.site, self.server.role
        headers = {name.lower(): value for name, value in self.headers.items()}
        host = str(self.server.server_address[0])
        site.requests.append(RequestLog(host, self.command, self.path, headers))
        reply = site.reply(role, urlsplit(self.path).path)
        if reply.etag is not None and is_not_modified(reply.etag, reply.last_modified, headers):
            self.send_response(304)
            self._send_validators(reply)
            self.end_headers()
            return
        body = reply.body
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if role == "newspaper":
            # Pages must be revalidated; static files are cached for a day, as CDNs serve them.
            static = urlsplit(self.path).path.startswith("/static/")
            self.send_header("Cache-Control",
                             "public, max-age=86400" if static else "max-age=0, must-revalidate")
            self.send_header("Vary", "Accept-Encoding")
            if accepts_gzip(headers.get("accept-encoding", "")):
                body = gzip.compress(body, mtime=0)
                self.send_header("Content-Encoding", "gzip")
        else:
            self.send_header("Cache-Control", "no-cache")
        self._send_validators(reply)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _send_validators(self, reply: Reply) -> None:
        if reply.etag is not None:
            self.send_header("ETag", reply.etag)
        if reply.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(reply.last_modified, usegmt=True))


def main(argv: list[str] | None = None) -> None:
    """Run the demo site in the foreground until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m archive.demo.site", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on both addresses")
    parser.add_argument("--state", type=int, default=1, choices=content.STATES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    site = DemoSite(port=args.port)
    site.set_state(args.state)
    try:
        site.start()
    except OSError as exc:
        parser.exit(1, f"{exc.strerror}\n")
    print(f"newspaper: {site.newspaper_url}/\nministry:  {site.ministry_url}/en/news/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
