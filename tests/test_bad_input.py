"""Bad input: malformed seed files, odd URLs, paths that try to climb out of the data folder.

Each gets a clear error (the file, the entry, the problem) or a counted skip; property tests
throw arbitrary input at the seed parser, the URL checks and normalisation.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawling import palimpsest, write_seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.exceptions import ConfigError
from archive.extract.normalize import normalize_text, text_hash
from archive.limits import MAX_SEED_FILE_BYTES
from archive.net.urls import UnsafeURLError, canonical_url, check_url_syntax
from archive.schedule.seeds import SEED_TYPES, load_seeds, parse_seeds
from archive.store.layout import DataLayout
from archive.warc.writer import WarcFileWriter


def write(tmp_path: Path, text: str | bytes, name: str = "news.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize("text, expected", [
    ("a = " + "[" * 50_000 + "]" * 50_000, "nested too deeply"),
    (b"\xff\xfe[[seed]]", "not UTF-8"),
    ('[[seed]]\nurl = "https://a.example/\x00"\n', "not valid TOML"),
    ("[[seed]]\nurl = 17\n", "seed #1: missing 'url'"),
    ('[[seed]]\nurl = "https://a.example:99999/"\n', "malformed URL"),
    ('[[seed]]\nurl = "http://[::1/"\n', "malformed URL"),
    ('[[seed]]\nurl = "https:///no-host"\n', "no host"),
    ('[[seed]]\nurl = "http://1.2.3.999/"\n', "malformed host"),
    ('[[seed]]\nurl = "http://%6c%6f%63%61%6c%68%6f%73%74/"\n', "percent-encoded host"),
    ('[[seed]]\nurl = "https://user:pw@a.example/"\n', "credentials"),
    ('[[seed]]\nurl = "https://a.example/\\u0007bell"\n', "control character"),
    ('[[seed]]\nurl = "/relative/path"\n', "no scheme: write the URL whole"),
    ('[[seed]]\nurl = "example.org:8080/news"\n', "no scheme: write the URL whole"),
    ('[[seed]]\nurl = "ftp://example.org/news"\n', "scheme 'ftp' is not fetched"),
    ('[[seed]]\nurl = "https://a.example/"\nsources = 1.5\n', "whole number"),
    ('[[seed]]\nurl = "https://a.example/"\nsource_hosts = "a.example"\n', "list of host"),
    ('seed = 5\n', "array of tables"),
    ('collection = "a/../../b"\n[[seed]]\nurl = "https://a.example/"\n', "collection"),
])
def test_malformed_seed_files_name_file_entry_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_seeds(path)
    assert str(raised.value).startswith(str(path)) and expected in str(raised.value)


def test_a_seed_file_over_the_size_cap_is_refused_unread(tmp_path):
    path = write(tmp_path, b"#" * (MAX_SEED_FILE_BYTES + 1))
    with pytest.raises(ConfigError, match="over"):
        load_seeds(path)


def test_a_byte_order_mark_is_accepted(tmp_path):
    seeds = load_seeds(write(tmp_path, '\ufeff[[seed]]\nurl = "https://a.example/x"\n'))
    assert seeds.seeds[0].url == "https://a.example/x"


def test_urls_with_dot_segments_and_ip_spellings_are_tracked_as_browsers_request_them(
        tmp_path):
    seeds = load_seeds(write(tmp_path, '[[seed]]\nurl = "http://News.Example/a/./b/../c"\n'
                                       '[[seed]]\nurl = "http://0x5d.0xb8.0xd8.0x22/%2e%2e/x"\n'))
    assert [s.url for s in seeds.seeds] == ["http://news.example/a/c", "http://93.184.216.34/x"]


def test_two_spellings_of_one_url_are_one_seed(tmp_path):
    path = write(tmp_path, '[[seed]]\nurl = "http://news.example/a/../b"\n'
                           '[[seed]]\nurl = "http://NEWS.example:80/b"\n')
    with pytest.raises(ConfigError, match="same url as seed #1"):
        load_seeds(path)


# -- paths: nothing outside the data folder (case 21) -----------------------------------------

@pytest.mark.parametrize("suffix", ["../../escape", "/tmp/x", "a/b", "..", "x\x00y", ""])
def test_case21_a_warc_name_suffix_cannot_become_a_path(tmp_path, suffix):
    if not suffix:
        assert WarcFileWriter(tmp_path, "c", None, suffix="").suffix == ""
        return
    with pytest.raises(ConfigError, match="cannot be part of a WARC file name"):
        WarcFileWriter(tmp_path, "c", None, suffix=suffix)


def test_case21_a_crawl_given_a_climbing_suffix_stops_before_writing(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/plain", "page")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "--allow-private", "-s", "PALIMPSEST_WARC_SUFFIX=../../../escaped",
                        check=False)
    assert result.returncode == 2 and "cannot be part of a WARC file name" in result.stderr
    assert not list(tmp_path.rglob("*escaped*")) and not mocksite.a.sent


@pytest.mark.parametrize("name", ["../x.warc.gz", "/etc/passwd", "a/b.warc.gz", "..", ""])
def test_case21_index_file_names_cannot_reach_outside_the_archive(tmp_path, name):
    with pytest.raises(ConfigError):
        DataLayout(tmp_path).warc_path("test", name)
    with pytest.raises(ConfigError):
        DataLayout(tmp_path).archive_dir("../escape")


def test_case21_urls_with_climbing_paths_are_crawled_and_never_become_file_names(tmp_path,
                                                                                mocksite):
    url = mocksite.a.url + "/a/../../..%2f..%2fetc/%2e%2e/plain"
    seeds = write_seeds(tmp_path / "s.toml", [(url, "page")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"), "--json",
                        "--allow-private", check=False)
    assert json.loads(result.stdout)["fetched"] == 1
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*")}
    assert written == {"s.toml", "data"}
    # Dot segments resolve as a browser resolves them (%2e%2e is "..", %2f is not "/").
    assert [e.path for e in mocksite.a.sent if e.path != "/robots.txt"] == ["/plain"]


def test_a_bad_allowed_networks_setting_is_a_usage_error(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/plain", "page")])
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"),
                        "-s", 'PALIMPSEST_ALLOWED_NETWORKS=["10.0.0.0/99"]', check=False)
    assert result.returncode == 2 and "PALIMPSEST_ALLOWED_NETWORKS" in result.stderr


# -- properties -------------------------------------------------------------------------------

url_text = st.one_of(
    st.text(max_size=80),
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https", "HTTP", "file", "ftp", "javascript", ""]),
              st.text(alphabet="abc.-0123456789x%:@[]\\", max_size=25),
              st.text(alphabet="abc/.%2eE?#&=\\ ", max_size=30)),
)


@given(url_text)
def test_url_check_refuses_or_returns_an_unambiguous_canonical_url(text):
    try:
        checked = check_url_syntax(text)
    except UnsafeURLError:
        return
    parts = urlsplit(checked)
    assert parts.scheme in ("http", "https")
    assert parts.hostname and "%" not in parts.hostname
    assert "\\" not in checked and "@" not in parts.netloc and " " not in checked
    assert not any(segment in (".", "..") for segment in parts.path.split("/"))
    assert check_url_syntax(checked) == checked  # canonical: checking again changes nothing
    assert canonical_url(canonical_url(checked)) == canonical_url(checked)


@st.composite
def seed_tables(draw):
    count = draw(st.integers(1, 5))
    hosts = draw(st.lists(st.from_regex(r"[a-z]{1,10}\.(org|example|az)", fullmatch=True),
                          min_size=count, max_size=count, unique=True))
    paths = st.from_regex(r"[a-z0-9/]{0,20}", fullmatch=True)
    return {"collection": draw(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)),
            "defaults": {"sources": draw(st.integers(0, 5))},
            "seed": [{"url": f"https://{host}/{draw(paths)}",
                      "type": draw(st.sampled_from(SEED_TYPES))} for host in hosts]}


@given(seed_tables())
def test_valid_seed_tables_parse_to_what_they_say(table):
    seeds = parse_seeds(table, Path("prop.toml"))
    assert seeds.collection == table["collection"]
    assert [s.type for s in seeds.seeds] == [entry["type"] for entry in table["seed"]]
    assert [s.position for s in seeds.seeds] == list(range(1, len(table["seed"]) + 1))
    assert all(s.policy.sources == table["defaults"]["sources"] for s in seeds.seeds)
    assert [urlsplit(s.url).hostname for s in seeds.seeds] == \
        [urlsplit(entry["url"]).hostname for entry in table["seed"]]


toml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=12)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["collection", "defaults", "seed", "url", "x"]),
                       toml_values, max_size=4))
def test_any_table_is_accepted_or_refused_with_a_config_error(table):
    try:
        parse_seeds(table, Path("fuzz.toml"))
    except ConfigError as exc:
        assert str(exc).startswith("fuzz.toml")


@given(st.text(max_size=200))
def test_normalised_text_does_not_depend_on_unicode_composition(text):
    composed, decomposed = (unicodedata.normalize(form, text) for form in ("NFC", "NFD"))
    assert normalize_text(composed) == normalize_text(decomposed)
    assert text_hash(composed, decomposed) == text_hash(decomposed, composed)


def test_the_seed_parser_reads_what_tomllib_reads(tmp_path):
    text = '[defaults]\nsources = 0\n[[seed]]\nurl = "https://a.example/x"\ntype = "feed"\n'
    path = write(tmp_path, text, "x.toml")
    assert parse_seeds(tomllib.loads(text), path) == load_seeds(path)
