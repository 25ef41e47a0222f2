"""Network containment in the crawler: request guard, resolver, post-download check, schemes.

Crawls here run without --allow-private: the mock site is allowed through
PALIMPSEST_ALLOWED_NETWORKS=127.0.0.1/32 only, so its twin on 127.0.0.2 plays the internal
service a page must not reach.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from crawling import FAST, palimpsest, warc_records, write_seeds
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from twisted.internet.error import DNSLookupError

from archive.net.policy import AddressPolicy, parse_networks
from crawler.containment import REFUSED_META, RefusedNames, url_refusal
from crawler.middlewares.containment import RequestGuard, ResponseGuard
from crawler.resolver import CheckedLookup, GuardedResolver

ONLY_A = ["-s", 'PALIMPSEST_ALLOWED_NETWORKS=["127.0.0.1/32"]']


def strict_crawl(seeds, data, *extra, check=False):
    """A crawl with the address rule on (no --allow-private); returns (summary, stderr)."""
    result = palimpsest("crawl", str(seeds), "--data", str(data), "--json", *FAST, *extra,
                        check=check)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result.stderr


def responses(data):
    return [r[0].get_header("WARC-Target-URI") for r in warc_records(data, check=False)
            if r[0].get_header("WARC-Type") in ("response", "revisit")]


# -- crawls -----------------------------------------------------------------------------------

def test_case17_seed_cited_link_and_every_redirect_hop_to_an_internal_address_is_refused(
        tmp_path, mocksite):
    a, b = mocksite.a, mocksite.b
    hops = [f"http://2130706434:{b.port}/secret",  # 127.0.0.2 in decimal
            f"http://0x7f.0.0.2:{b.port}/secret",
            f"http://[::ffff:127.0.0.2]:{b.port}/secret",
            f"http://example.com@127.0.0.2:{b.port}/secret"]  # credentials: parsers disagree
    seeds = [(b.url + "/plain", "page"),  # a seed on the internal address
             (a.url + "/redirect-private", "page"),  # 302 to 127.0.0.2
             (a.url + "/cite?to=" + quote(b.url + "/statements/1"), "page")]  # a cited link
    seeds += [(a.url + "/redirect-to?url=" + quote(hop, safe=""), "page") for hop in hops]
    summary, stderr = strict_crawl(write_seeds(tmp_path / "s.toml", seeds, sources=1),
                                   tmp_path / "data", *ONLY_A)
    assert not mocksite.b.sent  # nothing, not even robots.txt, reached the internal address
    assert summary["refusals"] == {"address": 6, "url": 1}
    assert summary["refused"] == 7
    assert stderr.count("refused http://") == 7  # each one logged, with its reason
    assert "127.0.0.2 is loopback" in stderr
    archived = responses(tmp_path / "data")
    assert archived and not any(f":{b.port}/" in url for url in archived)
    # The public side of each hop is archived: the 302s that pointed inside.
    assert sum("/redirect" in url for url in archived) == 1 + len(hops)


def test_case17_a_name_resolving_to_loopback_is_refused_by_the_resolver(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml",
                        [(f"http://localhost:{mocksite.a.port}/plain", "page")])
    summary, stderr = strict_crawl(seeds, tmp_path / "data")
    assert summary["refusals"] == {"dns": 1} and summary["failed"] == 0
    assert "localhost resolves to 127.0.0.1 is loopback" in stderr
    assert not mocksite.a.sent  # refused before connecting: not even robots.txt


def test_case17_responses_from_a_refused_address_are_never_archived(tmp_path, mocksite):
    # The second layer alone: the guarding resolver swapped for Scrapy's, so the name
    # resolves and the connection is made; the response must still not be kept.
    seeds = write_seeds(tmp_path / "s.toml",
                        [(f"http://localhost:{mocksite.a.port}/plain", "page")])
    summary, stderr = strict_crawl(
        seeds, tmp_path / "data", "-s",
        "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingThreadedResolver")
    assert mocksite.a.sent_for("/plain")  # the request did go out
    assert summary["refusals"] == {"connected-address": 1} and summary["fetched"] == 0
    assert not (tmp_path / "data" / "collections").exists() or not responses(tmp_path / "data")


def test_allow_private_lifts_the_address_rule(tmp_path, mocksite):
    seeds = write_seeds(tmp_path / "s.toml", [(mocksite.b.url + "/plain", "page"),
                                              (f"http://localhost:{mocksite.a.port}/plain",
                                               "page")])
    summary, _ = strict_crawl(seeds, tmp_path / "data", "--allow-private")
    assert summary["refused"] == 0 and summary["fetched"] == 2


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:text/html,<p>x</p>",
                                 "ftp://127.0.0.1/x", "s3://bucket/key", "gopher://127.0.0.1/",
                                 "javascript:alert(1)", "file:/etc/passwd", "file:..\\x"])
def test_case18_seed_with_another_scheme_stops_before_anything_runs(tmp_path, url):
    seeds = tmp_path / "s.toml"
    seeds.write_text(f"[[seed]]\nurl = {json.dumps(url)}\n", encoding="utf-8")
    result = palimpsest("crawl", str(seeds), "--data", str(tmp_path / "data"), check=False)
    assert result.returncode == 2 and "seed #1" in result.stderr
    assert not (tmp_path / "data").exists()


def test_case18_other_schemes_in_location_headers_and_sitemaps_are_refused(tmp_path, mocksite):
    a = mocksite.a
    targets = ["file:///etc/passwd", "data:text/html,hi", "ftp://127.0.0.1/x", "gopher://x/"]
    seeds = [(a.url + "/redirect-to?url=" + quote(t, safe=""), "page") for t in targets]
    seeds.append((a.url + "/sitemap-of?" + "&".join("loc=" + quote(t, safe="")
                                                    for t in targets + ["s3://b/k"]), "sitemap"))
    summary, stderr = strict_crawl(write_seeds(tmp_path / "s.toml", seeds), tmp_path / "data",
                                   *ONLY_A)
    assert summary["refusals"] == {"scheme": 9}
    assert stderr.count("scheme 'file'") == 1 and "redirects to 'file:///etc/passwd'" in stderr
    assert {e.path.partition("?")[0] for e in a.sent} == {"/robots.txt", "/redirect-to",
                                                          "/sitemap-of"}


# -- the layers one by one --------------------------------------------------------------------

class FakeStats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count

    def get_value(self, key, default=None):
        return self.get(key, default)


def fake_crawler(**settings):
    return SimpleNamespace(settings=Settings(settings), stats=FakeStats(), spider=None)


@pytest.mark.parametrize("url, kind", [
    ("http://127.0.0.1/", "address"), ("http://2130706433/", "address"),
    ("http://[::ffff:127.0.0.1]/", "address"), ("http://169.254.169.254/latest/", "address"),
    ("http://100.64.0.1/", "address"), ("http://[fd00::1]/", "address"),
    ("http://a@93.184.216.34/", "url"), ("http://1.2.3.999/", "url"),
    ("http://%31%32%37.0.0.1/", "url"), ("file:///etc/passwd", "scheme"),
])
def test_request_guard_refuses_before_sending(url, kind):
    crawler = fake_crawler()
    request = Request(url) if not url.startswith("file") else Request("http://x/").replace(
        url=url)
    with pytest.raises(IgnoreRequest, match=f"refused \\({kind}\\)"):
        RequestGuard(crawler).process_request(request)
    assert crawler.stats == {f"palimpsest/refused/{kind}": 1}
    assert request.meta[REFUSED_META] == kind


def test_request_guard_passes_public_and_allowed_requests():
    assert RequestGuard(fake_crawler()).process_request(Request("https://news.example/a")) \
        is None
    allowed = fake_crawler(PALIMPSEST_ALLOWED_NETWORKS=["10.1.0.0/16"])
    assert RequestGuard(allowed).process_request(Request("http://10.1.2.3/")) is None
    with pytest.raises(IgnoreRequest):
        RequestGuard(allowed).process_request(Request("http://10.2.0.1/"))


def test_response_guard_checks_the_connected_address_but_not_a_proxy():
    crawler = fake_crawler()
    request = Request("https://news.example/a")
    response = HtmlResponse(request.url, body=b"<p>x</p>", request=request,
                            ip_address=__import__("ipaddress").ip_address("10.0.0.7"))
    with pytest.raises(IgnoreRequest, match="connected-address"):
        ResponseGuard(crawler).process_response(request, response)
    proxied = Request("https://news.example/a", meta={"proxy": "http://10.0.0.7:3128"})
    assert ResponseGuard(crawler).process_response(proxied, response) is response


def test_response_guard_turns_a_refused_dns_answer_into_a_refusal(monkeypatch):
    book = RefusedNames()
    book.record("Intranet.Example", "10.0.0.7 is private network 10.0.0.0/8")
    monkeypatch.setattr("crawler.middlewares.containment.REFUSED_NAMES", book)
    crawler = fake_crawler()
    guard = ResponseGuard(crawler)
    with pytest.raises(IgnoreRequest, match="dns"):
        guard.process_exception(Request("http://intranet.example/"), DNSLookupError("x"))
    assert guard.process_exception(Request("http://other.example/"), DNSLookupError("x")) \
        is None  # an ordinary lookup failure stays a failure
    assert crawler.stats == {"palimpsest/refused/dns": 1}


def answers(*addresses):
    return [(2 if ":" not in a else 10, 1, 6, "", (a, 80)) for a in addresses]


def test_case17_any_non_global_record_in_a_dns_answer_refuses_the_name():
    book = RefusedNames()
    lookup = CheckedLookup(AddressPolicy(), book,
                           lookup=lambda *args: answers("93.184.216.34", "10.1.2.3"))
    assert lookup("mixed.example", 80) == []
    assert "10.1.2.3 is private" in book.reason("mixed.example")


def test_case17_every_resolution_is_checked_so_rebinding_is_refused():
    replies = iter([answers("93.184.216.34"), answers("127.0.0.1")])
    book = RefusedNames()
    lookup = CheckedLookup(AddressPolicy(), book, lookup=lambda *args: next(replies))
    assert lookup("rebind.example", 80) == answers("93.184.216.34")
    assert lookup("rebind.example", 80) == []  # the second answer points inside: refused
    assert "loopback" in book.reason("rebind.example")


def test_configured_proxy_hosts_are_trusted_by_the_resolver():
    lookup = CheckedLookup(AddressPolicy(), RefusedNames(),
                           lookup=lambda *args: answers("10.0.0.7"),
                           trusted_hosts=frozenset({"proxy.corp"}))
    assert lookup("proxy.corp", 3128) == answers("10.0.0.7")
    assert lookup("elsewhere.corp", 80) == []


def test_the_guarded_resolver_hands_twisted_only_allowed_addresses():
    """Through Twisted's resolution interface, with a synchronous thread pool."""

    class Pool:
        def callInThreadWithCallback(self, on_result, function, *args, **kwargs):  # noqa: N802
            on_result(True, function(*args, **kwargs))

    class Reactor:
        def getThreadPool(self):  # noqa: N802
            return Pool()

        def callFromThread(self, function, *args, **kwargs):  # noqa: N802
            function(*args, **kwargs)

    table = {"public.example": answers("93.184.216.34"), "inside.example": answers("10.0.0.1")}
    lookup = CheckedLookup(AddressPolicy(), RefusedNames(),
                           lookup=lambda host, *rest: table[host])
    resolver = GuardedResolver(Reactor(), lookup)
    for name, expected in (("public.example", ["93.184.216.34"]), ("inside.example", [])):
        got = []
        receiver = SimpleNamespace(resolutionBegan=lambda r: None,
                                   addressResolved=lambda a: got.append(a.host),
                                   resolutionComplete=lambda: got.append("done"))
        resolver.resolveHostName(receiver, name, 80)
        assert got == expected + ["done"]


def test_url_refusal_reads_the_host_as_twisted_does_too():
    # Twisted's URI keeps the user part in the host; Python's parser drops it. Both are read.
    policy = AddressPolicy(allowed=parse_networks(["127.0.0.1/32"]))
    assert url_refusal("http://127.0.0.1/", policy) is None
    assert url_refusal("http://x@127.0.0.1/", policy)[0] == "url"
