"""`palimpsest cron`: the printed crontab line works as cron runs it; exit codes from stats."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from crawling import palimpsest, write_seeds

from archive.schedule.cron import cron_command, cron_schedule
from crawler.run import summarize

README = Path(__file__).resolve().parent.parent / "README.md"


def cron_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: almost nothing (see crontab(5))."""
    return {"HOME": str(home), "LOGNAME": "root", "SHELL": "/bin/sh", "PATH": "/usr/bin:/bin"}


def test_the_printed_line_runs_as_cron_would_run_it(tmp_path, mocksite):
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "archive data"  # a space: the line must quote its paths
    seeds = write_seeds(tmp_path / "news 50%.toml", [(mocksite.a.url + "/plain", "page")])
    printed = palimpsest("cron", str(seeds), "--data", str(data), "--every", "10m",
                         "--allow-private").stdout
    line = [row for row in printed.splitlines() if row and not row.startswith("#")]
    assert len(line) == 1
    fields = line[0].split(" ", 5)
    assert fields[:5] == ["*/10", "*", "*", "*", "*"]
    command = fields[5]
    assert "\\%" in command and "--quiet" in command and "/.venv/bin/palimpsest " in command
    # cron hands the command to /bin/sh with `%` turned back into itself once escaped
    as_cron_runs_it = command.replace("\\%", "%")
    for run in range(2):
        result = subprocess.run(["/bin/sh", "-c", as_cron_runs_it], cwd=home,
                                env=cron_environment(home), capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, (result.stdout, result.stderr)
        assert result.stdout == "" and result.stderr == ""
        assert (data / "logs" / "cron.log").read_text() == ""  # quiet: no problems, no words
    assert len(mocksite.a.sent_for("/plain")) == 1  # the second run found nothing due
    assert list((data / "collections" / "test" / "archive").glob("*.warc.gz"))
    assert len(list((data / "logs").glob("crawl-*.log"))) == 2


def test_the_readme_line_is_the_line_the_command_prints():
    text = README.read_text(encoding="utf-8")
    [line] = [row for row in text.splitlines() if row.startswith("*/10 * * * * ")]
    expected = cron_command("/srv/palimpsest/.venv/bin/palimpsest",
                            Path("/srv/palimpsest/seeds/karabakh-2020.toml"),
                            Path("/srv/palimpsest/data"))
    assert line == f"{cron_schedule(timedelta(minutes=10))} {expected}"


@pytest.mark.parametrize("every, fields", [("1m", "* * * * *"), ("5m", "*/5 * * * *"),
                                           ("30m", "*/30 * * * *"), ("1h", "0 * * * *"),
                                           ("3h", "0 */3 * * *"), ("1d", "0 0 * * *")])
def test_cron_schedules(every, fields):
    from archive.timeutil import parse_duration

    assert cron_schedule(parse_duration(every)) == fields


def test_an_uneven_period_or_a_bad_seed_file_is_a_usage_error(tmp_path):
    seeds = write_seeds(tmp_path / "s.toml", [("http://news.example/", "listing")])
    uneven = palimpsest("cron", str(seeds), "--every", "7m", "--data", str(tmp_path),
                        check=False)
    assert uneven.returncode == 2 and "--every 7m" in uneven.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[seed]]\n", encoding="utf-8")
    broken = palimpsest("cron", str(bad), "--data", str(tmp_path), check=False)
    assert broken.returncode == 2 and "missing 'url'" in broken.stderr


@pytest.mark.parametrize("stats, problem", [
    ({"finish_reason": "finished"}, None),
    ({"finish_reason": "nothing_due"}, None),
    ({}, "crawl ended early: unknown"),  # a Scrapy that died before setting a reason
    ({"finish_reason": "closespider_errorcount"}, "crawl ended early"),
    ({"finish_reason": "shutdown"}, "crawl ended early: shutdown"),
    ({"finish_reason": "finished", "log_count/ERROR": 2}, "2 errors logged"),
    ({"finish_reason": "finished", "spider_exceptions/count": 1,
      "spider_exceptions/ValueError": 1}, "1 spider callbacks raised"),
    ({"finish_reason": "finished", "palimpsest/seeds": 2, "palimpsest/failed_seeds": 2},
     "every seed failed"),
    ({"finish_reason": "finished", "palimpsest/fetched": 1, "palimpsest/failed": 3},
     "3 of 4 fetches failed"),
    ({"finish_reason": "warc_write_failed", "palimpsest/archive_error": "disk full"},
     "archive error: disk full"),
])
def test_exit_problems_come_from_the_finish_reason_and_error_stats(stats, problem):
    problems = summarize(stats, 0.5)["problems"]
    if problem is None:
        assert problems == []
    else:
        assert any(re.search(re.escape(problem), p) for p in problems), problems
