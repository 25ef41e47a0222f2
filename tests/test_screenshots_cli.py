"""`palimpsest screenshots` in-process: the one line that says whether screenshots are on, and
what a run made. Rendering itself is tested in the browser tests."""

from __future__ import annotations

from click.testing import CliRunner

from archive.cli import main
from archive.cli.screenshots import screenshots_line
from archive.screenshot.chromium import chromium_status
from archive.screenshot.run import ScreenshotRun


def test_with_nothing_to_render_the_command_says_whether_screenshots_are_on(tmp_path):
    result = CliRunner().invoke(main, ["screenshots", "--data", str(tmp_path)])
    enabled, line = chromium_status()
    assert result.output.startswith(line)
    assert result.exit_code == (0 if enabled else 1)  # asked for screenshots, could make none


def test_the_line_names_what_was_made_failed_and_left(tmp_path):
    off = ScreenshotRun(False, "screenshots: off (no Chromium at /nowhere; apt-get install "
                               "chromium)")
    assert screenshots_line(off) == off.line
    run = ScreenshotRun(True, "screenshots: on (Chromium at /usr/bin/chromium)", made=3,
                        failed={"timeout": 1, "memory": 1}, left=2, seconds=12.34)
    assert screenshots_line(run) == ("screenshots: on (Chromium at /usr/bin/chromium): 3 made, "
                                     "2 failed (memory 1, timeout 1), 2 left for the next run "
                                     "in 12.3s")
    assert chromium_status(tmp_path / "no-chromium") == (
        False, f"screenshots: off (no Chromium at {tmp_path / 'no-chromium'}; "
               "apt-get install chromium)")
