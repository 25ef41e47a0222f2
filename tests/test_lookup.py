"""Read commands find a URL as people type it, suggest what was archived when it was not, and
say clearly when the data folder itself is missing (exit 2: nothing to work on)."""

from __future__ import annotations

import json

import pytest
from editarchive import ARTICLE, build_archive
from inprocess import cli

NARROW = {"COLUMNS": "80", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("lookup") / "data")


@pytest.mark.parametrize("typed", [
    ARTICLE.removeprefix("http://"),            # no scheme, as typed from memory
    ARTICLE + "/",                              # a trailing slash the crawl did not see
    ARTICLE.replace("http://", "HTTP://"),      # the scheme in capitals
])
def test_history_finds_the_url_as_typed(archive, typed):
    found = json.loads(cli("history", typed, "--data", str(archive), "--json").stdout)
    assert found["url"] == ARTICLE and len(found["versions"]) == 2
    shown = cli("show", typed, "--data", str(archive), env=NARROW).stdout
    assert shown.splitlines()[1] == ARTICLE


def test_a_miss_suggests_the_nearest_archived_urls(archive):
    typo = ARTICLE.replace("flood-count", "flood-cuont")
    missed = cli("history", typo, "--data", str(archive), check=False, env=NARROW)
    assert missed.exit_code == 2 and missed.stdout == ""
    assert missed.stderr == (f"Error: nothing archived for {typo}; did you mean {ARTICLE}?\n")
    scheme_less = cli("diff", "127.0.0.1:9/news/nothing-like-it", "--data", str(archive),
                      check=False)
    assert scheme_less.exit_code == 2
    assert "nothing archived for 127.0.0.1:9/news/nothing-like-it" in scheme_less.stderr
    assert "scheme" not in scheme_less.stderr  # never the crawl's "scheme is not fetched"


def test_a_missing_data_folder_is_named_with_where_its_name_came_from(tmp_path):
    gone = tmp_path / "no-such-folder"
    for args in (("history", ARTICLE), ("changes",), ("report",), ("export", "x", "--wacz",
                 str(tmp_path / "x.wacz")), ("verify",), ("reindex",), ("replay",)):
        told = cli(*args, "--data", str(gone), check=False)
        assert told.exit_code == 2, (args, told.stderr)
        assert f"data folder {gone} does not exist (--data)" in told.stderr, told.stderr
    by_env = cli("changes", check=False, env={"PALIMPSEST_DATA": str(gone)})
    assert by_env.exit_code == 2
    assert f"data folder {gone} does not exist ($PALIMPSEST_DATA)" in by_env.stderr


def test_diff_from_a_future_time_says_so(archive):
    future = cli("diff", ARTICLE, "--from", "2999-01-01", "--data", str(archive), check=False)
    assert future.exit_code == 2 and future.stdout == ""
    assert "--from 2999-01-01: 2999-01-01T00:00:00.000000Z is in the future" in future.stderr


def test_show_at_a_time_before_the_first_version_says_when_that_was(archive):
    first = json.loads(cli("history", ARTICLE, "--data", str(archive), "--json").stdout)[
        "versions"][0]["first_seen"]
    early = cli("show", ARTICLE, "--at", "2020-01-01T00:00Z", "--data", str(archive),
                check=False)
    assert early.exit_code == 1
    assert early.stderr.rstrip().endswith(f"(its first version was archived at {first})")
