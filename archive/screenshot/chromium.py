"""Render one replayed page in Debian's headless Chromium, bounded in time and memory.

Playwright drives `/usr/bin/chromium` (it never downloads a browser). Every request the page
makes is checked: only the replay server's own origin is let through, so a screenshot shows
what the archive holds and nothing of the live web (and nothing leaks to it); what was blocked
is counted. Each page gets a fresh browser context, a deadline, and a watchdog on the memory of
every Chromium process: a page that never finishes loading is shot as it stands at the
deadline, one whose script never yields or whose memory runs away gets a reason instead, and
the browser is restarted for the next page.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright is imported when a renderer starts
    from playwright.sync_api import Browser, Playwright, Response, Route, ViewportSize
    from playwright.sync_api._context_manager import PlaywrightContextManager

logger = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
# This machine's network refuses the browser's own background connections: keep it from trying.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--no-first-run",
                 "--js-flags=--max-old-space-size=256", "--renderer-process-limit=2"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Limits:
    load_seconds: float = 20.0      # until the load event; then the page is shot as it is
    idle_seconds: float = 4.0       # waiting for the network to go quiet after load
    shot_seconds: float = 15.0      # the screenshot itself (a renderer stuck in a loop)
    memory_bytes: int = 1024**3     # every Chromium process together
    max_height: int = 2400          # CSS px of a long page kept: the top of it (image.py: why)
    margin_seconds: float = 10.0    # past the three above, the watchdog stops Chromium


@dataclass
class Render:
    """A screenshot as PNG bytes, or the reason there is none."""

    png: bytes | None
    reason: str | None = None
    blocked: list[str] = field(default_factory=list)  # requests that would have left replay
    failed: list[str] = field(default_factory=list)   # subresources replay could not serve
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    width: int = 0
    height: int = 0
    peak_memory: int = 0


def chromium_status(path: Path = CHROMIUM) -> tuple[bool, str]:
    """Whether screenshots can be made here, and the line that says so."""
    if not path.exists():
        return False, f"screenshots: off (no Chromium at {path}; apt-get install chromium)"
    try:
        import playwright  # noqa: F401 - only whether it is installed
    except ImportError:
        return False, "screenshots: off (Playwright is not installed)"
    return True, f"screenshots: on (Chromium at {path})"


class Renderer:
    """One Chromium, restarted after any page that broke it; a context manager."""

    def __init__(self, origin: str, limits: Limits = Limits(), path: Path = CHROMIUM) -> None:
        self.origin = origin.rstrip("/")
        self.limits = limits
        self.path = path
        self._playwright: Playwright | None = None
        self._manager: PlaywrightContextManager | None = None
        self._browser: Browser | None = None
        self.peak_memory = 0

    def __enter__(self) -> "Renderer":
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        self._playwright = self._manager.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close_browser()
        if self._manager is not None:
            self._manager.__exit__(None, None, None)

    def _open_browser(self) -> Browser:
        if self._playwright is None:
            raise RuntimeError("the renderer is used outside its `with` block")
        if self._browser is None:
            self._browser = self._playwright.chromium.launch(executable_path=str(self.path),
                                                             args=CHROMIUM_ARGS)
        return self._browser

    def _close_browser(self) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except Exception:  # already gone: killed by the watchdog, or crashed
                pass
            self._browser = None

    def render(self, url: str) -> Render:
        """Load `url` (a replay URL under `origin`) and take its screenshot."""
        started = time.monotonic()
        result = Render(None)
        limits = self.limits
        deadline = (limits.load_seconds + limits.idle_seconds + limits.shot_seconds
                    + limits.margin_seconds)
        watchdog = _Watchdog(limits.memory_bytes, deadline)
        watchdog.start()
        try:
            self._render_into(url, result)
        except Exception as exc:  # Playwright's errors: timeouts, a crashed or killed browser
            name = type(exc).__name__
            result.png = None
            result.reason = watchdog.fired or \
                ("timeout" if "Timeout" in name else f"browser: {str(exc).splitlines()[0][:200]}")
            self._close_browser()  # a browser that failed a page starts afresh
        finally:
            watchdog.stop()
        result.peak_memory = watchdog.peak
        self.peak_memory = max(self.peak_memory, watchdog.peak)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def _render_into(self, url: str, result: Render) -> None:
        browser = self._open_browser()
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1,
                                      service_workers="block", java_script_enabled=True)
        try:
            page = context.new_page()
            context.route("**/*", lambda route: self._gate(route, result))
            page.on("requestfailed", lambda request: result.failed.append(request.url))

            def note_failure(response: Response) -> None:
                if response.status >= 400:
                    result.failed.append(response.url)

            page.on("response", note_failure)
            try:
                page.goto(url, wait_until="load", timeout=self.limits.load_seconds * 1000)
            except Exception as exc:
                if "Timeout" not in type(exc).__name__:
                    raise
                result.notes.append("the page had not finished loading at the deadline")
            try:
                page.wait_for_load_state("networkidle", timeout=self.limits.idle_seconds * 1000)
            except Exception as exc:
                if "Timeout" not in type(exc).__name__:
                    raise
                result.notes.append("the network never went quiet")
            # Bounded (a script that never yields blocks the page's own thread, and a plain
            # evaluate would wait for it forever): a timeout here is the page's reason.
            height = page.wait_for_function(
                "Math.max(document.documentElement.scrollHeight,"
                " document.body ? document.body.scrollHeight : 0)",
                timeout=self.limits.shot_seconds * 1000).json_value()
            height = max(VIEWPORT["height"], min(int(height or 0), self.limits.max_height))
            result.png = page.screenshot(
                full_page=True, timeout=self.limits.shot_seconds * 1000, animations="disabled",
                clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
            result.width, result.height = VIEWPORT["width"], height
        finally:
            try:
                context.close()
            except Exception:
                self._close_browser()

    def _gate(self, route: Route, result: Render) -> None:
        request_url = route.request.url
        if request_url.startswith(self.origin + "/") or request_url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            result.blocked.append(request_url)
            route.abort("blockedbyclient")


class _Watchdog:
    """Sums the resident memory of this process's Chromium descendants, and kills them past
    the memory cap or the page's deadline (a script that never yields blocks even Playwright's
    own calls); Playwright then fails the page and the renderer starts a new browser."""

    def __init__(self, cap: int, deadline: float, interval: float = 0.5) -> None:
        self.cap = cap
        self.deadline = time.monotonic() + deadline
        self.interval = interval
        self.peak = 0
        self.fired: str | None = None  # why the browser was killed: memory | timeout
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="chromium-watchdog")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            processes = chromium_processes()
            total = sum(rss for _, rss in processes)
            self.peak = max(self.peak, total)
            if self.fired:
                continue
            if total > self.cap:
                self.fired = "memory"
                logger.warning("Chromium uses %d MiB, over its cap of %d MiB: stopped",
                               total >> 20, self.cap >> 20)
            elif time.monotonic() > self.deadline:
                self.fired = "timeout"
                logger.warning("a page did not render within its deadline: Chromium stopped")
            else:
                continue
            for pid, _ in processes:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def chromium_processes(root: int | None = None) -> list[tuple[int, int]]:
    """(pid, proportional set size in bytes) of every Chromium process descending from `root`
    (this one). PSS shares each shared page among the processes that map it, so the sum is
    the memory Chromium really holds (summed RSS counts shared pages once per process)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        pid, parent = int(entry.name), int(fields[1])
        children.setdefault(parent, []).append(pid)
        names[pid] = name
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            stack.append(child)
            if "chrom" in names.get(child, ""):
                size = _pss(child)
                if size is not None:
                    found.append((child, size))
    return found


def _pss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return None
    return None
