"""Page requisites and screenshots: what they cost per article, and the screenshot format.

The site is bench/newsroom.py's generated newspaper with the requisites real news pages carry
(a stylesheet with two web fonts, a sprite and the page's layout, a script bundle, a lead
picture per article in WebP and JPEG, rails of shared teaser pictures with 1x/2x sources;
pictures are photograph-like, made with Pillow before anything is timed), served on loopback
from a
thread of this process, which counts every request and byte it serves. Politeness is off
(no delays, no AutoThrottle: the site is our own), as in bench/throughput.py.

1. Cost per article, requisites on against off: the first article of the site (alone, in a
   fresh archive) and the 50th (alone, after 49 others were archived): requests and bytes
   served, WARC bytes stored, and the time of 49 articles crawled together.
2. crawl/limit with requisites on and off, against trafilatura alone on all cores.
3. Screenshots of `--shots` archived articles through pywb and headless Chromium: seconds per
   page, Chromium's peak memory (PSS of all its processes), and the bytes of each candidate
   format; crops of each land in bench/screenshots/ to judge legibility by eye.

    .venv/bin/python bench/requisites.py              # print only
    .venv/bin/python bench/requisites.py --record     # and append to bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import io
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from newsroom import NewsroomServer, page_html  # noqa: E402
from throughput import PALIMPSEST, run_limit  # noqa: E402

HEAD = (b'<link rel="stylesheet" href="/static/site.v3.css">'
        b'<link rel="preload" as="font" href="/static/fonts/serif.v3.woff2" crossorigin>'
        b'<script src="/static/app.v3.js" defer></script></head>')
SIZES = {"font": 38_000, "sprite": 9_000, "js": 140_000}


def _noise(seed: str, size: int) -> bytes:
    """Incompressible bytes, as WOFF2 fonts and minified, compressed bundles nearly are."""
    return random.Random(seed).randbytes(size)


@functools.lru_cache(maxsize=256)
def _photo(seed: str, width: int, height: int, fmt: str) -> bytes:
    """A photograph-like picture (soft gradients, shapes, grain): decodable, so screenshots
    show it, and about as large as a newsroom's JPEG or WebP of that size."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    tint = Image.new("RGB", (width, height), tuple(rng.randrange(40, 220) for _ in range(3)))
    image = Image.blend(image, tint, 0.6)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 12, width // 3)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=tuple(rng.randrange(0, 255) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(width / 60))
    grain = Image.effect_noise((width, height), 28).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=78)
    return buffer.getvalue()


LAYOUT = (".icon{width:18px;height:18px;vertical-align:middle}"
          "body{font:17px/1.55 Serif,Georgia,serif;max-width:1180px;margin:0 auto;color:#222}"
          ".masthead{font:700 34px Sans,sans-serif;padding:18px 0;border-bottom:4px solid #222}"
          ".menu,.rail__cards,.share__list{list-style:none;padding:0;display:flex;"
          "flex-wrap:wrap;gap:12px}.menu__sub{display:none}.layout{display:grid;"
          "grid-template-columns:1fr 300px;gap:32px}.story__headline{font:700 40px/1.15 Serif,"
          "Georgia,serif}.story__figure img{width:100%;height:auto}.card{width:170px}"
          ".card__media img{width:170px;height:96px;object-fit:cover}.card__title{font-size:"
          "15px}.ad-slot{background:#eee;min-height:90px;margin:16px 0}.consent{position:fixed;"
          "bottom:0;left:0;right:0;background:#111;color:#fff;padding:12px}"
          ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden}")


def _css() -> bytes:
    rules = "".join(f".c{n}{{margin:{n % 7}px;padding:{n % 5}px;color:#{n % 4096:03x}}}"
                    for n in range(1500))
    return (b'@font-face{font-family:Serif;src:url(/static/fonts/serif.v3.woff2) format("woff2")}'
            b'@font-face{font-family:Sans;src:url(/static/fonts/sans.v3.woff2) format("woff2")}'
            b".skip-link{background:url(/static/sprite.v3.svg)}" + LAYOUT.encode()
            + rules.encode())


PHOTO_POOL = 16  # distinct pictures per size and format, made before anything is timed


def picture(path: str) -> bytes:
    """The picture at an /img/ path: a lead picture per article, teasers shared. Drawn from a
    pool made beforehand, so serving one costs the server (which shares this process) nothing
    that would slow the crawl it measures."""
    fmt = "WEBP" if path.endswith(".webp") else "JPEG"
    name = path.rsplit("/", 1)[1].split(".")[0]
    if name.startswith("lead-"):
        return _photo(f"lead-{int(name[5:]) % PHOTO_POOL}", 1200, 675, fmt)
    size = (640, 360) if "@2x" in name else (320, 180)
    return _photo(f"teaser-{name.replace('@2x', '')}", *size, fmt)


def warm_pictures() -> None:
    for n in range(PHOTO_POOL):
        for suffix in ("webp", "jpg"):
            picture(f"/img/lead-{n}.{suffix}")
    for n in range(12):
        for name in (f"{n}.webp", f"{n}@2x.webp", f"{n}.jpg"):
            picture(f"/img/{name}")


class RequisiteNewsroom(NewsroomServer):
    """The newsroom with its requisites, counting what it serves."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.requests = 0
        self.bytes = 0
        self.lock = threading.Lock()
        self.css = _css()

    def route(self, path: str) -> tuple[int, str, bytes]:
        status, kind, body = self._route(path)
        with self.lock:
            self.requests += 1
            self.bytes += len(body)
        return status, kind, body

    def _route(self, path: str) -> tuple[int, str, bytes]:
        if path.startswith("/news/") and path[6:].isdigit() and int(path[6:]) < self.pages:
            return 200, "text/html; charset=utf-8", \
                page_html(int(path[6:]), self.pages).replace(b"</head>", HEAD, 1)
        if path == "/static/site.v3.css":
            return 200, "text/css", self.css
        if path.startswith("/static/fonts/"):
            return 200, "font/woff2", _noise(path, SIZES["font"])
        if path == "/static/sprite.v3.svg":
            return 200, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'>" + \
                b"<!-- " + _noise(path, SIZES["sprite"]).hex().encode()[:SIZES["sprite"]] + \
                b" --></svg>"
        if path == "/static/app.v3.js":
            return 200, "text/javascript", b"/*" + _noise(path, SIZES["js"] // 2).hex().encode() \
                + b"*/"
        if path.startswith("/img/"):
            return 200, "image/webp" if path.endswith(".webp") else "image/jpeg", \
                picture(path)
        return super().route(path)


class SiteThread:
    def __init__(self, pages: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = RequisiteNewsroom(pages)
        self.server.host = f"127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        async def main() -> None:
            listener = await asyncio.start_server(self.server.handle, "127.0.0.1", self.port,
                                                  backlog=256)
            started.set()
            async with listener:
                await listener.serve_forever()

        threading.Thread(target=lambda: self.loop.run_until_complete(main()),
                         daemon=True).start()
        started.wait(10)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/news/{index}"

    def take(self) -> tuple[int, int]:
        with self.server.lock:
            counts = (self.server.requests, self.server.bytes)
            self.server.requests = self.server.bytes = 0
        return counts


def seeds(folder: Path, urls: list[str]) -> Path:
    path = folder / f"seeds-{len(urls)}-{time.monotonic_ns()}.toml"
    lines = ['collection = "bench"', "[defaults]", "sources = 0"]
    for url in urls:
        lines += ["[[seed]]", f'url = "{url}"']
    path.write_text("\n".join(lines) + "\n")
    return path


def crawl(seed_file: Path, data: Path, requisites: bool) -> dict:
    import subprocess

    command = [*PALIMPSEST, "crawl", str(seed_file), "--data", str(data), "--allow-private",
               "--json", "--quiet", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "PALIMPSEST_SCREENSHOTS=false",
               "-s", f"PALIMPSEST_REQUISITES_ENABLED={'true' if requisites else 'false'}"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed: {result.stdout}\n{result.stderr[-2000:]}")
    summary = json.loads(result.stdout)
    return {"wall": wall, "seconds": summary["seconds"], "summary": summary}


def warc_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.rglob("*.warc.gz"))


def per_article(work: Path, requisites: bool) -> dict:
    """The first article, 49 more, then the 50th alone: requests, bytes and time."""
    site = SiteThread(100)
    data = work / f"cost-{requisites}"
    data.mkdir()
    result = {}
    before = warc_bytes(data)
    first = crawl(seeds(work, [site.url(0)]), data, requisites)
    result["first"] = (*site.take(), warc_bytes(data) - before, first["wall"])
    before = warc_bytes(data)
    middle = crawl(seeds(work, [site.url(i) for i in range(1, 50)]), data, requisites)
    served = site.take()
    result["next49"] = (*served, warc_bytes(data) - before, middle["seconds"])
    before = warc_bytes(data)
    fiftieth = crawl(seeds(work, [site.url(50)]), data, requisites)
    result["fiftieth"] = (*site.take(), warc_bytes(data) - before, fiftieth["wall"])
    result["requisites"] = fiftieth["summary"].get("requisites")
    shutil.rmtree(data)
    return result


def crawl_limit(work: Path, pages: int) -> dict:
    processes = os.cpu_count() or 1
    limit, _ = run_limit(pages, processes)
    out = {"pages": pages, "limit": limit}
    for requisites in (False, True):
        site = SiteThread(pages)
        data = work / f"limit-{requisites}"
        run = crawl(seeds(work, [site.url(i) for i in range(pages)]), data, requisites)
        out["on" if requisites else "off"] = run["seconds"]
        out[f"requests_{'on' if requisites else 'off'}"] = site.take()[0]
        if requisites:
            out["data"] = data  # kept for the screenshots
        else:
            shutil.rmtree(data)
    return out


# (top CSS px kept or None for all, scale, format, quality): what a screenshot could store.
CANDIDATES = [(None, 1.0, "PNG", None), (None, 1.0, "WEBP", 60),
              (1600, 1.0, "WEBP", 60), (2400, 1.0, "PNG", None), (2400, 1.0, "JPEG", 60),
              (2400, 1.0, "WEBP", 50), (2400, 1.0, "WEBP", 60),
              (2400, 0.75, "WEBP", 40), (2400, 0.75, "WEBP", 50), (2400, 0.75, "WEBP", 60),
              (3200, 0.75, "WEBP", 50)]


# Crops kept in bench/screenshots/ to judge legibility by eye: what is stored, and full scale.
CROPPED = [(2400, 0.75, "WEBP", 50), (2400, 1.0, "WEBP", 60)]


def _label(height, scale, fmt, quality) -> str:
    top = "whole page" if height is None else f"top {height} px"
    return f"{top}, x{scale:g}, {fmt}{f' q{quality}' if quality else ''}"


def screenshots(data: Path, count: int, crops: Path | None) -> dict:
    from PIL import Image

    from archive.index import open_index
    from archive.replay.server import ReplayServer
    from archive.replay.urls import replay_url
    from archive.screenshot.chromium import Limits, Renderer
    from archive.screenshot.image import encode

    index = open_index(data, readonly=True)
    todo = index.captures_without_view(limit=count)
    index.close()
    sizes: dict[str, list[int]] = {_label(*c): [] for c in CANDIDATES}
    seconds, peaks, heights = [], [], []
    with ReplayServer(data, port=0, framed=False, log=open(os.devnull, "w")) as replay, \
            Renderer(replay.url, Limits(max_height=6000)) as renderer:
        for number, item in enumerate(todo):
            shot = renderer.render(replay_url(item["collection"], item["fetched_at"],
                                              item["url"], replay.url))
            if shot.png is None:
                raise RuntimeError(f"no screenshot of {item['url']}: {shot.reason}")
            seconds.append(shot.seconds)
            peaks.append(shot.peak_memory)
            heights.append(shot.height)
            for candidate in CANDIDATES:
                height, scale, fmt, quality = candidate
                stored = encode(shot.png, quality or 0, fmt, scale, height)
                sizes[_label(*candidate)].append(len(stored))
                if crops is not None and number == 0 and candidate in CROPPED:
                    name = f"crop-{fmt.lower()}{quality or ''}-x{scale:g}.png"
                    body = Image.open(io.BytesIO(stored))
                    top = round(900 * scale)
                    body.crop((0, top, round(700 * scale), top + round(400 * scale))).save(
                        crops / name)
    return {"seconds": seconds, "peak": max(peaks), "heights": heights, "sizes": sizes,
            "count": len(todo)}


def section(cost_off: dict, cost_on: dict, limits: dict, shots: dict) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    kib = 1024
    lines = [f"## Page requisites and screenshots (`bench/requisites.py`, {now})", "",
             f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}. Politeness "
             "off (no delay, no AutoThrottle): the site is our own, on loopback. Newsroom pages "
             "with a stylesheet (two web fonts, a sprite), a script, a lead picture per article "
             "(WebP and JPEG sources) and rails of shared teaser pictures (1x and 2x).", "",
             "| article | requisites | requests served | KiB served | WARC KiB stored | "
             "seconds |", "|---|---|---:|---:|---:|---:|"]
    for label, key in (("first of the site", "first"), ("50th, alone", "fiftieth")):
        for name, cost in (("off", cost_off), ("on", cost_on)):
            requests, served, stored, wall = cost[key]
            lines.append(f"| {label} | {name} | {requests} | {served / kib:.0f} | "
                         f"{stored / kib:.0f} | {wall:.2f} |")
    for name, cost in (("off", cost_off), ("on", cost_on)):
        requests, served, stored, seconds = cost["next49"]
        lines.append(f"| 2nd-50th, per article | {name} | {requests / 49:.2f} | "
                     f"{served / 49 / kib:.0f} | {stored / 49 / kib:.0f} | {seconds / 49:.3f} |")
    lines += ["", f"The 50th article's requisites: `{json.dumps(cost_on['requisites'])}`.", "",
              f"crawl/limit on {limits['pages']} pages (limit: trafilatura alone on all cores, "
              f"{limits['limit']:.1f} s): requisites off "
              f"{limits['off'] / limits['limit']:.2f}, on {limits['on'] / limits['limit']:.2f} "
              f"({limits['requests_off']} and {limits['requests_on']} requests served).", "",
              f"Screenshots of {shots['count']} archived articles (1280 CSS px wide, rendered up "
              f"to 6,000 px tall; heights {min(shots['heights'])}-{max(shots['heights'])} px): "
              f"{statistics.median(shots['seconds']):.2f} s per page (median; the first "
              f"includes Chromium's start, {shots['seconds'][0]:.2f} s), Chromium's peak memory "
              f"{shots['peak'] / 1024 / 1024:.0f} MiB (PSS of all its processes).", "",
              "| stored as | median KiB | max KiB |", "|---|---:|---:|"]
    for name, values in shots["sizes"].items():
        lines.append(f"| {name} | {statistics.median(values) / kib:.0f} | "
                     f"{max(values) / kib:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="pages for crawl/limit")
    parser.add_argument("--shots", type=int, default=20, help="articles to screenshot")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    os.environ["PALIMPSEST_SCREENSHOTS"] = "false"
    warm_pictures()
    with tempfile.TemporaryDirectory(prefix="bench-requisites-") as scratch:
        work = Path(scratch)
        cost_off = per_article(work, False)
        cost_on = per_article(work, True)
        print("cost per article: off", cost_off, "on", cost_on, flush=True)
        limits = crawl_limit(work, args.pages)
        print("crawl/limit:", {k: v for k, v in limits.items() if k != "data"}, flush=True)
        crops = HERE / "screenshots"
        crops.mkdir(exist_ok=True)
        shots = screenshots(limits["data"], args.shots, crops if args.record else None)
        text = section(cost_off, cost_on, limits, shots)
    print(text)
    if args.record:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
