"""A styled test site on loopback: pages with every kind of requisite, and hostile ones.

Two servers, ``a`` on 127.0.0.1 and ``b`` (the "CDN") on 127.0.0.2, each on a free port,
serve :func:`routes`. Every request is logged per server (path and headers), so tests can
say what was fetched, how often, and that nothing was asked for while replaying. Images are
real PNGs and the font is a real font when the system has one to serve, so a browser renders
the pages as a reader would see them. All text is ours.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

SYSTEM_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
                Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"))
MANY_IMAGES = 10_000
HUGE_FONT_BYTES = 30 * 1024 * 1024


def png(color: tuple[int, int, int], size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def font_bytes() -> bytes:
    for path in SYSTEM_FONTS:
        if path.exists():
            return path.read_bytes()
    return b"wOF2-not-a-real-font"  # still fetched and archived; the browser falls back


@dataclass
class Resource:
    body: bytes | None
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None  # a body of this many zero bytes, streamed (the huge font)
    etag: bool = True  # False: the server ignores validators and sends the body again


ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>{title}</title>
<base href="{a}/r/assets/">
<link rel="stylesheet" href="site.css">
<link rel="icon" href="icon.png"><link rel="apple-touch-icon" href="touch.png">
<link rel="preload" as="font" href="{b}/cdn/display.ttf" crossorigin>
<link rel="modulepreload" href="module.js">
<script src="app.js"></script>
<style>@import url("print.css") print;
.standfirst {{ background: url(stripe.png) repeat-x; }}</style>
</head><body>
<header class="masthead" style="background-image: url(masthead.png)">
<h1>The Lakeside Courier</h1></header>
<article>
<h2>{title}</h2>
<p class="standfirst">{standfirst}</p>
<img class="hero" src="hero-640.png" srcset="hero-640.png 640w, hero-1280.png 1280w"
 sizes="(max-width: 700px) 100vw, 640px" alt="The reservoir at dawn" width="640" height="200">
<picture><source type="image/png" srcset="pic-1x.png 1x, pic-2x.png 2x">
<img src="pic-1x.png" alt="A map of the valley" width="120" height="80"></picture>
<p>{body}</p>
<p>Residents along the northern shore reported that the old boathouse steps, submerged for a
decade, stood clear of the water on Tuesday morning. The water board said the fall was within
the range it had planned for and that supply to the three towns was not at risk this season.</p>
<p>Council officers will meet the board again next month to review the figures, and the
volunteer flood wardens have been asked to keep their logs of the shoreline each weekend.</p>
<img class="lazy" src="placeholder.png" data-src="lazy.png" alt="Sandbags by the bridge"
 width="120" height="80">
<img data-lazy-src="lazy2.png" data-original="lazy3.png" src="placeholder.png" alt=""
 width="120" height="80">
<img loading="lazy" src="{b}/cdn/native-lazy.png" alt="" width="120" height="80">
<noscript><img src="noscript.png" alt=""></noscript>
<video poster="poster.png" preload="none" width="120" height="80">
<source src="clip.webm" type="video/webm"></video>
<audio src="sound.ogg" preload="none"></audio>
<form><input type="image" src="go.png" alt="Go"></form>
<img src="{unique}" alt="" width="120" height="80">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""><img src="javascript:void(0)" alt="">
</article></body></html>"""

SITE_CSS = """@import "imported.css";
@font-face {{ font-family: "Courier Display"; src: url("{b}/cdn/display.ttf") format("truetype"); }}
body {{ margin: 0; font-family: serif; background: #f4efe6 url(paper.png); color: #222; }}
.masthead {{ height: 90px; background-color: #1b3a5c; color: #fff; }}
.masthead h1 {{ font-family: "Courier Display", serif; margin: 0; padding: 20px; }}
article {{ max-width: 680px; margin: 10px auto; }}
h2 {{ font-family: "Courier Display", serif; color: #8a1c1c; }}
img {{ display: inline-block; }}
"""

IMPORTED_CSS = """@import url(site.css);
.standfirst { font-style: italic; border-left: 6px solid #c9a227; padding-left: 8px; }
article::after { content: ""; display: block; height: 12px; background: url(deep.png); }
"""

APP_JS = """document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("img[data-src]").forEach(function (img) {
    img.src = img.getAttribute("data-src");
  });
  document.body.setAttribute("data-app", "ran");
});
"""

ARTICLES = {
    "/r/article-1": ("Reservoir levels fall for a third week",
                     "Engineers say the spillway will hold.",
                     "The Lakeside reservoir fell another forty centimetres this week.",
                     "unique-1.png"),
    "/r/article-2": ("Valley councils agree a shared flood plan",
                     "Four councils sign after two years of talks.",
                     "The plan pools sandbags, pumps and volunteers across the valley.",
                     "unique-2.png"),
}

COLORS = {
    "icon.png": (200, 40, 40), "touch.png": (40, 200, 40), "stripe.png": (230, 220, 180),
    "masthead.png": (27, 58, 92), "hero-640.png": (90, 140, 190), "hero-1280.png": (80, 130, 180),
    "pic-1x.png": (120, 160, 80), "pic-2x.png": (110, 150, 70), "placeholder.png": (200, 200, 200),
    "lazy.png": (190, 120, 40), "lazy2.png": (150, 90, 160), "lazy3.png": (60, 160, 160),
    "noscript.png": (10, 10, 10), "poster.png": (70, 70, 120), "go.png": (20, 120, 20),
    "unique-1.png": (220, 180, 40), "unique-2.png": (40, 180, 220), "paper.png": (244, 239, 230),
    "deep.png": (201, 162, 39), "inline-bg.png": (1, 2, 3),
}


def routes(a: str, b: str) -> dict[str, dict[str, Resource]]:
    """Routes per host ("a", "b"), by path."""
    day = {"Cache-Control": "public, max-age=86400"}
    a_routes: dict[str, Resource] = {}
    for path, (title, standfirst, body, unique) in ARTICLES.items():
        html = ARTICLE.format(a=a, b=b, title=title, standfirst=standfirst, body=body,
                              unique=unique)
        a_routes[path] = Resource(html.encode())
    a_routes["/r/assets/site.css"] = Resource(SITE_CSS.format(b=b).encode(),
                                              "text/css; charset=utf-8", headers=day)
    a_routes["/r/assets/imported.css"] = Resource(IMPORTED_CSS.encode(), "text/css",
                                                  headers=day)
    a_routes["/r/assets/print.css"] = Resource(b"body { color: black; }", "text/css",
                                               headers=day)
    a_routes["/r/assets/app.js"] = Resource(APP_JS.encode(), "application/javascript",
                                            headers=day)
    a_routes["/r/assets/module.js"] = Resource(b"export const ready = true;\n",
                                               "text/javascript", headers=day, etag=False)
    a_routes["/r/assets/clip.webm"] = Resource(b"\x1aE\xdf\xa3not-really-a-video", "video/webm")
    a_routes["/r/assets/sound.ogg"] = Resource(b"OggS-not-really-audio", "audio/ogg")
    for name, color in COLORS.items():
        a_routes[f"/r/assets/{name}"] = Resource(png(color), "image/png",
                                                 headers={"Cache-Control": "max-age=3600"})
    b_routes = {
        "/cdn/display.ttf": Resource(font_bytes(), "font/ttf", headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "Access-Control-Allow-Origin": "*"}),
        "/cdn/native-lazy.png": Resource(png((90, 30, 30)), "image/png", headers=day),
    }
    a_routes.update(hostile_routes(a, b))
    return {"a": a_routes, "b": b_routes}


def hostile_routes(a: str, b: str) -> dict[str, Resource]:
    images = "".join(f'<img src="/h/img/{n}.png">' for n in range(MANY_IMAGES))
    page = "<!doctype html><html><head><title>{0}</title>{1}</head><body><p>{0}</p>{2}" \
           "</body></html>"
    hostile = {
        "/h/many-images": page.format("Ten thousand images", "", images),
        "/h/huge-font": page.format("A font of thirty megabytes",
                                    '<link rel="stylesheet" href="/h/huge-font.css">', ""),
        "/h/private": page.format("Requisites on private addresses", "",
                                  '<img src="http://10.20.30.40/x.png">'
                                  '<img src="http://192.168.1.1/y.png">'
                                  '<img src="/h/to-private.png">'
                                  '<img src="data:image/png;base64,iVBORw0KGgo=">'
                                  '<script src="javascript:alert(1)"></script>'),
        "/h/not-css": page.format("A stylesheet that is HTML",
                                  '<link rel="stylesheet" href="/h/sheet.html">', ""),
        "/h/css-loop": page.format("Stylesheets that import each other",
                                   '<link rel="stylesheet" href="/h/loop-a.css">'
                                   '<link rel="stylesheet" href="/h/chain-1.css">', ""),
    }
    story = ("<h1>{0}</h1><p>The harbour master said the new pontoons would be in place before "
             "the spring tides, and that the ferry timetable would not change this year. "
             "Fishing crews asked for longer notice of closures, and the council agreed to "
             "publish them a week ahead on the quay noticeboard and online.</p>")
    hostile["/h/busy"] = page.format("A script that never yields", "",
                                     story.format("A script that never yields")
                                     + "<script>for (;;) {}</script>")
    hostile["/h/chatty"] = page.format(
        "A page that never goes quiet", "", story.format("A page that never goes quiet")
        + "<script>setInterval(function () { fetch('/h/ping?' + Date.now()); }, 100);</script>")
    routes = {path: Resource(html.encode()) for path, html in hostile.items()}
    routes["/h/huge-font.css"] = Resource(
        b'@font-face { font-family: x; src: url("/h/huge.woff2"); }', "text/css")
    routes["/h/huge.woff2"] = Resource(None, "font/woff2", length=HUGE_FONT_BYTES)
    routes["/h/to-private.png"] = Resource(b"", status=302,
                                           headers={"Location": "http://10.9.8.7/z.png"})
    routes["/h/sheet.html"] = Resource(b"<html><body>url(/h/never.png)</body></html>")
    routes["/h/loop-a.css"] = Resource(b'@import "loop-b.css"; a { color: red }', "text/css")
    routes["/h/loop-b.css"] = Resource(b'@import "loop-a.css"; b { color: blue }', "text/css")
    for depth in range(1, 7):
        routes[f"/h/chain-{depth}.css"] = Resource(
            f'@import "chain-{depth + 1}.css";'.encode(), "text/css")
    small = png((1, 1, 1), (2, 2))
    routes["/h/img/"] = Resource(small, "image/png")  # prefix route: /h/img/N.png
    return routes


class SiteServer:
    """One host of the site; `log` holds (path, headers) of every request."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.log: list[tuple[str, dict]] = []
        self.routes: dict[str, Resource] = {}
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> "SiteServer":
        server = ThreadingHTTPServer((self.host, 0), _Handler)
        server.daemon_threads = True
        server.site = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def requested(self, path: str) -> int:
        return sum(1 for logged, _ in self.log if logged == path)

    def resource(self, path: str) -> Resource | None:
        if path in self.routes:
            return self.routes[path]
        if path.startswith("/h/img/"):
            return self.routes.get("/h/img/")
        return None


class RequisiteSite:
    """Both hosts; a context manager."""

    def __init__(self) -> None:
        self.a = SiteServer("127.0.0.1")
        self.b = SiteServer("127.0.0.2")

    def __enter__(self) -> "RequisiteSite":
        self.a.start()
        self.b.start()
        table = routes(self.a.url, self.b.url)
        self.a.routes, self.b.routes = table["a"], table["b"]
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()

    def clear_logs(self) -> None:
        self.a.log.clear()
        self.b.log.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        site: SiteServer = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        site.log.append((path, dict(self.headers.items())))
        resource = site.resource(path)
        if resource is None:
            self._send(404, "text/plain", b"not here", {})
            return
        content = resource.body or b"%d" % (resource.length or 0)
        etag = '"%s"' % hashlib.sha1(content).hexdigest()
        if resource.etag and resource.status == 200 and \
                self.headers.get("If-None-Match") == etag:
            self._send(304, None, b"", {"ETag": etag, **resource.headers})
            return
        headers = dict(resource.headers)
        if resource.status == 200 and resource.etag:
            headers["ETag"] = etag
        if resource.length is not None:
            self._stream(resource, headers)
            return
        self._send(resource.status, resource.content_type, resource.body or b"", headers)

    def _send(self, status: int, content_type: str | None, body: bytes, headers: dict) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Date", formatdate(usegmt=True))
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _stream(self, resource: Resource, headers: dict) -> None:
        self.send_response(200)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(resource.length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        chunk = b"\0" * 65536
        sent = 0
        try:
            while sent < (resource.length or 0):
                self.wfile.write(chunk[:min(len(chunk), (resource.length or 0) - sent)])
                sent += len(chunk)
        except OSError:  # the crawler hung up on it, as it should
            pass
