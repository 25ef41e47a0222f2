"""The address rule (archive.net.policy): every non-global range, in every spelling."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.net.policy import (
    IPV4_BLOCKED,
    IPV6_BLOCKED,
    AddressPolicy,
    HostSyntaxError,
    embedded_ipv4,
    non_global_reason,
    parse_ip_host,
    parse_networks,
)

STRICT = AddressPolicy()

# Case 17's list, each as a URL host would carry it.
REFUSED_HOSTS = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0",
    "[::1]", "[::]", "[fc00::1]", "[fd12:3456::1]", "[fe80::1]", "[fe80::1%25eth0]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:10.0.0.1]", "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]",
    "2130706433", "017700000001", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "0x7f.1", "127.1",
    "127.0.1", "0x7F.0x00.0x00.0x01", "127.0.0.1.", "3232235777",  # 192.168.1.1
    "224.0.0.1", "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "192.88.99.1",
    "[ff02::1]", "[2001:db8::1]", "[3fff::1]", "[fec0::1]", "[100::1]",
]
ALLOWED_HOSTS = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "[2606:4700::1111]",
                 "[::ffff:8.8.8.8]", "[2002:808:808::1]", "news.example", "localhost-news.org"]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_case17_every_non_global_spelling_is_refused(host):
    reason = STRICT.host_refusal(host)
    assert reason is not None, host


@pytest.mark.parametrize("host", ALLOWED_HOSTS)
def test_global_addresses_and_names_pass(host):
    assert STRICT.host_refusal(host) is None


def test_refusals_say_why():
    assert "carrier-grade NAT" in STRICT.host_refusal("100.64.1.2")
    assert "metadata" in STRICT.host_refusal("169.254.169.254")
    assert "IPv4-mapped" in STRICT.host_refusal("[::ffff:127.0.0.1]")
    assert "loopback" in STRICT.host_refusal("2130706433")


@pytest.mark.parametrize("host", ["1.2.3.999", "1.2.3.4.5", "09.1.1.1", "1.2.3.08",
                                  "256.1", "[::g]", "[1:2:3]"])
def test_malformed_numeric_hosts_are_errors_not_names(host):
    with pytest.raises(HostSyntaxError):
        parse_ip_host(host)


def test_allow_private_lifts_the_rule_and_networks_lift_it_in_part():
    assert AddressPolicy(allow_all=True).host_refusal("127.0.0.1") is None
    only_one = AddressPolicy(allowed=parse_networks(["127.0.0.1/32"]))
    assert only_one.host_refusal("127.0.0.1") is None
    assert only_one.host_refusal("[::ffff:127.0.0.1]") is None  # the same address, wrapped
    assert only_one.host_refusal("127.0.0.2") is not None
    assert only_one.host_refusal("[::1]") is not None
    with pytest.raises(ValueError, match="not a network"):
        parse_networks(["10.0.0.0/33"])


def test_one_bad_answer_refuses_the_whole_dns_answer():
    assert STRICT.answers_refusal(["93.184.216.34", "2606:4700::1111"]) is None
    assert "loopback" in STRICT.answers_refusal(["93.184.216.34", "127.0.0.1"])
    assert "link-local" in STRICT.answers_refusal(["2606:4700::1111", "fe80::1%eth0"])
    assert "unreadable" in STRICT.answers_refusal(["not-an-address"])


# -- properties -------------------------------------------------------------------------------

ipv4 = st.integers(min_value=0, max_value=2**32 - 1).map(ipaddress.IPv4Address)
ipv6 = st.integers(min_value=0, max_value=2**128 - 1).map(ipaddress.IPv6Address)


def spellings(address: ipaddress.IPv4Address) -> list[str]:
    """Every way a URL may write an IPv4 address that getaddrinfo also reads."""
    value = int(address)
    a, b, c, d = address.packed
    return [str(address), str(value), hex(value), "0" + oct(value)[2:],
            f"{a}.{(b << 16) | (c << 8) | d}", f"{a}.{b}.{(c << 8) | d}",
            f"{hex(a)}.{oct(b).replace('0o', '0')}.{c}.{d}", f"{address}."]


@given(ipv4)
def test_every_ipv4_spelling_means_the_same_address(address):
    for spelling in spellings(address):
        assert parse_ip_host(spelling) == address, spelling


@given(ipv4)
def test_the_spellings_agree_with_the_system_resolver(address):
    # getaddrinfo is what would connect: our reading of a host must be the same as its.
    for spelling in spellings(address)[:-1]:
        assert socket.inet_aton(spelling) == address.packed, spelling


@given(ipv4)
def test_every_spelling_and_wrapping_of_an_address_gets_the_same_verdict(address):
    verdict = non_global_reason(address) is None
    for spelling in spellings(address):
        assert (STRICT.host_refusal(spelling) is None) == verdict
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address))
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80) | 1)
    for wrapped in (mapped, nat64, sixtofour):
        assert (STRICT.refusal(wrapped) is None) == verdict, wrapped


@given(ipv4)
def test_blocked_ipv4_ranges_are_refused(address):
    blocked = any(address in network for network, _ in IPV4_BLOCKED)
    assert (non_global_reason(address) is not None) == blocked


@given(st.one_of(ipv4, ipv6))
def test_whatever_python_calls_non_global_is_refused(address):
    """Python's registry-based `is_global` is a floor: the rule refuses at least that much.
    (Wrapped IPv4 is judged by the address inside, which Python does not unwrap.)"""
    if address.version == 6 and embedded_ipv4(address):
        return
    if not address.is_global:
        assert non_global_reason(address) is not None, address


@given(ipv6)
def test_ipv6_outside_global_unicast_or_in_blocked_ranges_is_refused(address):
    if embedded_ipv4(address):
        return
    inside = address in ipaddress.IPv6Network("2000::/3")
    blocked = any(address in network for network, _ in IPV6_BLOCKED)
    assert (non_global_reason(address) is None) == (inside and not blocked)


@given(st.text(max_size=60))
def test_any_host_text_parses_to_an_address_none_or_a_syntax_error(text):
    try:
        result = parse_ip_host(text)
    except HostSyntaxError:
        return
    assert result is None or isinstance(result, (ipaddress.IPv4Address, ipaddress.IPv6Address))
