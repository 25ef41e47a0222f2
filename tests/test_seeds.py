"""Seed files: defaults, every seed type, and errors that name the file, entry and problem."""

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.exceptions import ConfigError
from archive.schedule.seeds import host_matches, load_seeds

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "news.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bare_url_list_works_with_defaults(tmp_path):
    seeds = load_seeds(write(tmp_path, '[[seed]]\nurl = "https://example.org/a"\n'
                                       '[[seed]]\nurl = "https://example.org/b"\n'))
    assert seeds.collection == "news"  # the file's stem
    assert [s.url for s in seeds.seeds] == ["https://example.org/a", "https://example.org/b"]
    assert all(s.type == "page" for s in seeds.seeds)
    assert seeds.seeds[0].policy.sources == 1
    assert seeds.seeds[0].policy.every == timedelta(hours=1)


def test_defaults_apply_and_seeds_override(tmp_path):
    seeds = load_seeds(write(tmp_path, '''
collection = "karabakh-2020"
[defaults]
every = "10m"
sources = 2
source_hosts = ["mod.gov.az"]
ignore = ['Updated \\d+ minutes ago']
[[seed]]
url = "https://example.org/en/news/"
type = "listing"
[[seed]]
url = "https://example.org/feed.xml"
type = "feed"
sources = 0
every = "2h"
'''))
    listing, feed = seeds.seeds
    assert seeds.collection == "karabakh-2020"
    assert listing.type == "listing" and listing.policy.every == timedelta(minutes=10)
    assert listing.policy.source_hosts == ("mod.gov.az",)
    assert listing.policy.ignore == (r"Updated \d+ minutes ago",)
    assert feed.policy.sources == 0 and feed.policy.every == timedelta(hours=2)
    assert feed.policy.source_hosts == ("mod.gov.az",)


@pytest.mark.parametrize("text, expected", [
    ('[[seed]]\nurl = "https://a.example/"\ntype = "pgae"\n',
     "seed #1 (https://a.example/): unknown type 'pgae'"),
    ('[[seed]]\ntype = "page"\n', "seed #1: missing 'url'"),
    ('[[seed]]\nurl = "file:///etc/passwd"\n', "scheme 'file' is not fetched"),
    ('[[seed]]\nurl = "http://127.0.0.1:80\\\\@example.com/"\n', "backslash"),
    ('[[seed]]\nurl = "https://a.example/"\nsorces = 2\n', "unknown key 'sorces'"),
    ('[defaults]\nevery = "often"\n[[seed]]\nurl = "https://a.example/"\n', "[defaults]: every"),
    ('[defaults]\nignore = ["(unclosed"]\n[[seed]]\nurl = "https://a.example/"\n',
     "bad regular expression '(unclosed'"),
    ('[[seed]]\nurl = "https://a.example/"\nsources = 9\n', "sources = 9 is outside"),
    ('collection = "../escape"\n[[seed]]\nurl = "https://a.example/"\n', "collection '../escape'"),
    ('[[seed]]\nurl = "https://a.example/"\n[[seed]]\nurl = "https://a.example/"\n',
     "seed #2 (https://a.example/): same url as seed #1"),
    ('collection = "x"\n', "no seeds"),
    ('[[seed]\nurl = 1', "not valid TOML"),
])
def test_bad_files_name_file_entry_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_seeds(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read seed file"):
        load_seeds(tmp_path / "absent.toml")


@pytest.mark.parametrize("name", ["demo.toml", "karabakh-2020.toml"])
def test_shipped_seed_files_are_valid(name):
    seeds = load_seeds(REPO / "seeds" / name)
    assert seeds.seeds


def test_host_rules():
    assert host_matches("anything.example", ("*",))
    assert host_matches("mod.gov.az", ("mod.gov.az",))
    assert host_matches("en.mod.gov.az", ("*.mod.gov.az",))
    assert not host_matches("mod.gov.az.evil.example", ("mod.gov.az",))


@given(st.text(max_size=200))
def test_any_text_is_accepted_or_refused_with_config_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("seeds") / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_seeds(path)
    except ConfigError as exc:
        assert str(path) in str(exc)
