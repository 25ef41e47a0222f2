"""The demo newspaper's static files: a stylesheet, a display font, pictures and a script.

A real newspaper's article needs all of these to look like itself, so the demo's do too:
replay and the screenshots made from the archive show whether each was captured. The font is
drawn by scripts/make_demo_font.py; the pictures are SVG drawn here. Served with validators
and a day's Cache-Control, as a CDN would serve them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

ASSET_VERSION = "20261103"  # the site's deploy: changes only when the files do

SITE_CSS = b"""@font-face { font-family: "Marrask Display";
  src: url("/static/fonts/marrask-display.woff2") format("woff2"); font-display: block; }
body { font: 17px/1.55 Georgia, "Times New Roman", serif; margin: 0; color: #1c1c1c;
  background: #faf7f0; }
.site-header { background: #13294b url("/static/img/masthead-waves.svg") bottom / 100% 24px
  no-repeat; color: #fff; padding: 18px 24px 34px; }
.masthead a { font-family: "Marrask Display", Georgia, serif; font-size: 2.6rem;
  letter-spacing: .06em; color: #fff; text-decoration: none; text-transform: uppercase; }
.tagline { display: block; font-style: italic; color: #c9d4e6; font-size: .95rem; }
.site-nav ul, .site-footer ul { list-style: none; padding: 0; display: flex; gap: 1.2rem; }
.site-nav a { color: #e9eef6; }
main { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem 2rem; }
.headline { font-family: "Marrask Display", Georgia, serif; font-size: 1.9rem;
  letter-spacing: .03em; color: #7a1712; line-height: 1.25; }
.standfirst { font-size: 1.15rem; border-left: 5px solid #c99a2e; padding-left: .8rem; }
.lead-image img, .map img { width: 100%; height: auto; display: block; }
.ad-slot { background: #ece7dc; color: #6b6455; font: 12px sans-serif; padding: 6px; }
.site-footer { background: #13294b; color: #c9d4e6; padding: 1rem 24px; }
html.js .story-body p:first-child::first-letter { font-size: 2.6em; float: left;
  line-height: .9; margin-right: .08em; color: #7a1712; }
"""

APP_JS = b"""document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('img[data-src]').forEach(function (img) {
    img.src = img.getAttribute('data-src');  // the lazy-loading convention of news sites
  });
});
"""

MASTHEAD_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="24" '
                b'viewBox="0 0 1200 24"><path d="M0 12 Q 50 0 100 12 T 200 12 T 300 12 T 400 12'
                b' T 500 12 T 600 12 T 700 12 T 800 12 T 900 12 T 1000 12 T 1100 12 T 1200 12 V24'
                b' H0 Z" fill="#2f5d8c"/></svg>\n')

MAP_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="340" '
           b'viewBox="0 0 600 340"><rect width="600" height="340" fill="#e8efe3"/>'
           b'<path d="M0 210 C 120 170 200 260 320 220 S 520 150 600 190" stroke="#4a7fb5" '
           b'stroke-width="14" fill="none"/><circle cx="318" cy="222" r="9" fill="#b3261e"/>'
           b'<circle cx="140" cy="118" r="7" fill="#333"/><circle cx="470" cy="96" r="7" '
           b'fill="#333"/></svg>\n')

PLACEHOLDER_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="340" '
                   b'viewBox="0 0 600 340"><rect width="600" height="340" fill="#ddd"/></svg>\n')


def lead_image(name: str) -> bytes:
    """The lead picture of an article: a landscape in a colour of its own."""
    hue = sum(name.encode()) % 360
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" '
            f'viewBox="0 0 1200 675"><rect width="1200" height="675" fill="hsl({hue},35%,62%)"/>'
            f'<path d="M0 470 L 260 300 L 470 430 L 760 240 L 1200 480 V675 H0 Z" '
            f'fill="hsl({hue},30%,38%)"/><circle cx="960" cy="140" r="70" fill="#f4e3a1"/>'
            f'</svg>\n').encode()


@cache
def font() -> bytes:
    return resources.files("archive.demo").joinpath("static/marrask-display.woff2").read_bytes()


def static_file(path: str) -> tuple[bytes, str] | None:
    """(body, content type) of a static path of the newspaper, or None."""
    fixed = {
        "/static/css/site.css": (SITE_CSS, "text/css; charset=utf-8"),
        "/static/js/app.js": (APP_JS, "text/javascript; charset=utf-8"),
        "/static/img/masthead-waves.svg": (MASTHEAD_SVG, "image/svg+xml"),
        "/static/img/region-map.svg": (MAP_SVG, "image/svg+xml"),
        "/static/img/placeholder.svg": (PLACEHOLDER_SVG, "image/svg+xml"),
    }
    if path in fixed:
        return fixed[path]
    if path == "/static/fonts/marrask-display.woff2":
        return font(), "font/woff2"
    if path.startswith("/static/img/") and path.endswith(".svg"):
        return lead_image(path.rsplit("/", 1)[1]), "image/svg+xml"
    return None
