"""A ministry revising its figures and the newspaper articles that cite it, on loopback: the
mock site of the stale-figure tests. Every page is fiction written for these tests.

The ministry (127.0.0.2) publishes a statement in English and one in Azerbaijani; the paper
(127.0.0.1) has five articles. `stage` moves the site on: stage 1 is the first crawl, stage 2
the ministry's revision (2,783 -> 2,790 injured, 1,946 -> 1,958 families), stage 3 one article
catching up and another revising a figure its source never did.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATEMENT = {
    1: ("The Ministry of Emergency Situations reported on Monday that 2,783 residents were "
        "injured in the floods across the Kura lowlands.\n"
        "Rescue teams have moved 1,946 families from flooded homes into shelters run by the "
        "regional authorities, the ministry added.\n"
        "Officials asked residents of 14 districts to stay away from the embankments until "
        "the water recedes later in the week."),
}
STATEMENT[2] = STATEMENT[1].replace("2,783", "2,790").replace("1,946", "1,958")
STATEMENT_AZ = {
    1: ("Fövqəladə Hallar Nazirliyinin məlumatına görə, Kür-Araz ovalığında daşqınlar "
        "nəticəsində 2.783 sakin xəsarət alıb.\n"
        "Xilasedicilər su basmış evlərdən sakinləri təhlükəsiz yerlərə köçürməyə davam edirlər "
        "və vəziyyət nəzarət altında saxlanılır."),
}
STATEMENT_AZ[2] = STATEMENT_AZ[1].replace("2.783", "2.790")
HOMES = ("The housing agency confirmed that 412 homes in the lowlands were flooded by the "
         "river and will need new wiring before families can move back in.\n"
         "Inspectors will visit every street over the coming fortnight, the agency said.")

# Article A keeps both old figures (and quotes markup, which the report must show as text);
# B updates them at stage 3; C mentions the same numbers in other senses; D cites the
# Azerbaijani statement and keeps its old figure; E revises a figure its source still shows
# the old way (ahead of its source).
ARTICLES = {
    "a": ("Floods: injury count passes 2,700", "statement", {
        1: ("Regional officials said 2,783 residents were injured <script>alert('stale')"
            "</script> in the floods, according to the ministry of emergency situations.\n"
            "Shelters now house 1,946 families, most of them from villages along the river, "
            "and volunteers are collecting blankets and food for them.\n"
            "Roads into the lowlands remain closed while engineers inspect the embankments."),
    }),
    "b": ("Flood toll rises as shelters fill", "statement", {
        1: ("The emergency ministry counted 2,783 residents injured in the floods so far, and "
            "hospitals in the lowlands report that most injuries are minor.\n"
            "Aid groups said 1,946 families had moved into shelters run by the authorities "
            "and asked for more volunteers to help them.\n"
            "Forecasters expect the river to fall by the end of the week."),
        3: ("The emergency ministry counted 2,790 residents injured in the floods so far, and "
            "hospitals in the lowlands report that most injuries are minor.\n"
            "Aid groups said 1,958 families had moved into shelters run by the authorities "
            "and asked for more volunteers to help them.\n"
            "Forecasters expect the river to fall by the end of the week."),
    }),
    "c": ("Orchards and rail line hit by the floods", "statement", {
        1: ("Growers in the valley estimate that 2,783 hectares of orchards stood under water "
            "on Monday, a loss they say will take years to recover.\n"
            "The regional railway said its line was closed along 1,946 metres of track washed "
            "out near the old bridge, citing the ministry's warning.\n"
            "Fourteen districts remain on alert, the growers' union added."),
    }),
    "d": ("Azerbaijani ministry details flood injuries", "statement-az", {
        1: ("Azerbaijan's emergency ministry said in a statement in Azerbaijani that 2,783 "
            "residents were injured in the floods in the Kura-Araz lowlands.\n"
            "Rescuers continue to move people from flooded homes to safe places, and the "
            "ministry says the situation is under control."),
    }),
    "e": ("Flooded homes need rewiring", "homes", {
        1: ("The housing agency says 412 homes in the lowlands were flooded and will need new "
            "wiring before families can move back in.\n"
            "Electricians from three towns have offered to help with the work, which the "
            "agency expects to take at least a month."),
        3: ("The housing agency says 418 homes in the lowlands were flooded and will need new "
            "wiring before families can move back in.\n"
            "Electricians from three towns have offered to help with the work, which the "
            "agency expects to take at least a month."),
    }),
}


def _at(versions: dict[int, str], stage: int) -> str:
    return versions[max(s for s in versions if s <= stage)]


def _page(title: str, text: str, language: str, link: str | None = None) -> bytes:
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in text.split("\n")]
    if link:
        paragraphs[0] = paragraphs[0].replace(
            "</p>", f' (<a href="{html.escape(link)}">the statement</a>)</p>')
    return (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><article>"
            f"<h1>{html.escape(title)}</h1>{''.join(paragraphs)}</article></body></html>"
            ).encode()


class StaleSite:
    """The paper on 127.0.0.1 and the ministry on 127.0.0.2, each on a free port."""

    def __init__(self) -> None:
        self.stage = 1
        self.servers: dict[str, ThreadingHTTPServer] = {}

    def url(self, host: str, path: str) -> str:
        server = self.servers[host]
        return f"http://{server.server_address[0]}:{server.server_address[1]}{path}"

    def article_url(self, name: str) -> str:
        return self.url("paper", f"/news/{name}")

    def source_url(self, name: str) -> str:
        return self.url("ministry", {"statement": "/statements/flood",
                                     "statement-az": "/az/statements/flood",
                                     "homes": "/statements/homes"}[name])

    def body(self, host: str, path: str) -> bytes | None:
        if host == "ministry":
            if path == "/statements/flood":
                return _page("Flood update", _at(STATEMENT, self.stage), "en")
            if path == "/az/statements/flood":
                return _page("Daşqınla bağlı məlumat", _at(STATEMENT_AZ, self.stage), "az")
            if path == "/statements/homes":
                return _page("Flooded homes", HOMES, "en")
            return None
        name = path.rsplit("/", 1)[-1]
        if not path.startswith("/news/") or name not in ARTICLES:
            return None
        title, source, versions = ARTICLES[name]
        return _page(title, _at(versions, self.stage), "en", self.source_url(source))

    def start(self) -> "StaleSite":
        for host, address in (("paper", "127.0.0.1"), ("ministry", "127.0.0.2")):
            server = ThreadingHTTPServer((address, 0), _handler(self, host))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
            self.servers[host] = server
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


def _handler(site: StaleSite, host: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            body = site.body(host, self.path.split("?", 1)[0])
            if self.path == "/robots.txt" or body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler
