"""Quiet means quiet: under `-q` a failed run prints its summary and one `problem:` line per
cause, never a traceback; the details are in the log file."""

from __future__ import annotations

from pathlib import Path

from crawling import FAST, palimpsest, write_seeds


def test_an_unresolvable_host_under_quiet_is_one_problem_line_and_no_traceback(
        tmp_path: Path) -> None:
    # .invalid never resolves (RFC 2606): a DNS failure without touching the internet.
    seeds = write_seeds(tmp_path / "s.toml", [("http://no-such-host.invalid/news", "page")])
    data = tmp_path / "d"
    # One retry: a retry giving up must not count as an error of its own.
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--quiet", *FAST,
                        "-s", "RETRY_TIMES=1", check=False)
    assert result.returncode == 1
    assert result.stdout.startswith("test: fetched 0, new versions 0, unchanged 0, failed 1 ")
    lines = result.stderr.splitlines()
    assert lines[0] == "problem: every seed failed (dns 1)"
    [log_line] = lines[1:]
    assert log_line.startswith(f"log: {data / 'logs'}/crawl-")
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    # The details are in the log, once: the page's failure with its reason.
    log = Path(log_line.removeprefix("log: ")).read_text(encoding="utf-8")
    assert "failed http://no-such-host.invalid/news (dns)" in log
    assert "'log_count/ERROR'" not in log
