"""The crawl never writes what its own `verify` calls defective: one set of limits for both."""

from __future__ import annotations

from pathlib import Path

from crawling import crawl, responses_for, warc_records, write_seeds
from inprocess import cli
from mockserver import MockSite

from archive.limits import MAX_HTTP_HEADER_BYTES
from archive.warc.records import HttpExchange


def test_a_response_with_50000_headers_is_refused_with_a_reason_and_verify_accepts_the_rest(
        tmp_path: Path, mocksite: MockSite) -> None:
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.a.url + "/many-headers", "page"),
                                              (mocksite.a.url + "/plain", "page")], sources=0)
    data = tmp_path / "d"
    summary = crawl(seeds, data, check=False)
    assert summary["failures"] == {"headers-too-large": 1}
    assert [(e["outcome"], e.get("reason")) for e in summary["seed_outcomes"]] == [
        ("failed", "headers-too-large"), ("fetched", None)]
    assert not [p for p in summary["problems"] if "errors logged" in p]
    records = warc_records(data)
    assert responses_for(records, mocksite.a.url + "/many-headers") == []
    assert responses_for(records, mocksite.a.url + "/plain")
    verified = cli("verify", "--data", str(data), check=False)
    assert verified.exit_code == 0, verified.stdout + verified.stderr


def test_the_writer_measures_the_header_block_as_verify_reads_it() -> None:
    headers = [("X-Filler", "v" * 100)] * 9
    exchange = HttpExchange(url="http://n.example/", status=200, response_headers=headers,
                            body=b"")
    block = ("HTTP/1.1 200 OK\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers) + "\r\n")
    assert exchange.response_head_bytes() == len(block.encode())
    assert exchange.response_head_bytes() < MAX_HTTP_HEADER_BYTES


def test_a_redirect_to_a_url_longer_than_the_crawler_fetches_is_refused_before_sending() -> None:
    from archive.limits import MAX_URL_LENGTH
    from archive.net.policy import AddressPolicy
    from crawler.containment import url_refusal

    policy = AddressPolicy(allow_all=True, allowed=())
    url = "http://n.example/" + "a" * MAX_URL_LENGTH
    refusal = url_refusal(url, policy)
    assert refusal is not None and refusal[0] == "url" and str(MAX_URL_LENGTH) in refusal[1]
    assert url_refusal(url[:MAX_URL_LENGTH], policy) is None
