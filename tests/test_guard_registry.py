"""The SSRF guard against every entry of IANA's special-purpose address registries.

The tables below are written from the registries themselves (iana-ipv4-special-registry and
iana-ipv6-special-registry), not from Python's `ipaddress`, whose idea of "global" changes between
versions: each row is (prefix, globally reachable per IANA, an address to try or "" for the
prefix's first address after its network address). "N/A" rows (6to4, Teredo, the deprecated 6to4
relay anycast) are written as not global, and the guard decides on the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any

import pytest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawlers.guard import GuardedResolver, UnsafeURL, check_address, check_source_url, check_url
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual

IPV4_REGISTRY = [
    ("0.0.0.0/8", False, ""),
    ("0.0.0.0/32", False, "0.0.0.0"),  # noqa: S104 (an address to refuse, not to bind)
    ("10.0.0.0/8", False, ""),
    ("100.64.0.0/10", False, ""),
    ("127.0.0.0/8", False, ""),
    ("169.254.0.0/16", False, "169.254.169.254"),
    ("172.16.0.0/12", False, ""),
    ("192.0.0.0/24", False, "192.0.0.100"),
    ("192.0.0.0/29", False, ""),
    ("192.0.0.8/32", False, "192.0.0.8"),
    ("192.0.0.9/32", True, "192.0.0.9"),
    ("192.0.0.10/32", True, "192.0.0.10"),
    ("192.0.0.170/32", False, "192.0.0.170"),
    ("192.0.0.171/32", False, "192.0.0.171"),
    ("192.0.2.0/24", False, ""),
    ("192.31.196.0/24", True, ""),
    ("192.52.193.0/24", True, ""),
    ("192.88.99.0/24", False, ""),  # N/A: deprecated 6to4 relay anycast
    ("192.168.0.0/16", False, ""),
    ("192.175.48.0/24", True, ""),
    ("198.18.0.0/15", False, ""),
    ("198.51.100.0/24", False, ""),
    ("203.0.113.0/24", False, ""),
    ("240.0.0.0/4", False, ""),
    ("255.255.255.255/32", False, "255.255.255.255"),
    ("224.0.0.0/4", False, "239.255.255.250"),  # multicast (its own registry)
]
IPV6_REGISTRY = [
    ("::1/128", False, "::1"),
    ("::/128", False, "::"),
    ("::ffff:0:0/96", False, "::ffff:10.0.0.5"),
    ("64:ff9b::/96", True, "64:ff9b::93.184.215.14"),
    ("64:ff9b:1::/48", False, ""),
    ("100::/64", False, ""),
    ("100:0:0:1::/64", False, ""),
    ("2001::/23", False, "2001:5::1"),
    ("2001::/32", False, "2001:0:4136:e378:8000:63bf:f5ff:fffa"),  # N/A: Teredo, client 10.0.0.5
    ("2001:1::1/128", True, "2001:1::1"),
    ("2001:1::2/128", True, "2001:1::2"),
    ("2001:1::3/128", True, "2001:1::3"),
    ("2001:2::/48", False, ""),
    ("2001:3::/32", True, ""),
    ("2001:4:112::/48", True, ""),
    ("2001:10::/28", False, ""),
    ("2001:20::/28", True, ""),
    ("2001:30::/28", True, ""),
    ("2001:db8::/32", False, ""),
    ("2002::/16", False, "2002:a00:5::1"),  # N/A: 6to4 of 10.0.0.5
    ("2620:4f:8000::/48", True, ""),
    ("3fff::/20", False, ""),
    ("5f00::/16", False, ""),
    ("fc00::/7", False, ""),
    ("fe80::/10", False, ""),
    ("ff00::/8", False, "ff0e::1"),  # multicast, even of global scope
]
REGISTRY = IPV4_REGISTRY + IPV6_REGISTRY
PUBLIC_V4 = "93.184.215.14"


def _sample(prefix: str, address: str) -> str:
    network = ipaddress.ip_network(prefix)
    return address or str(network.network_address + (1 if network.num_addresses > 1 else 0))


NON_GLOBAL = [_sample(p, a) for p, is_global, a in REGISTRY if not is_global]
GLOBAL = [_sample(p, a) for p, is_global, a in REGISTRY if is_global]


def _embeddings(v4: str) -> list[str]:
    """Every IPv6 form that carries `v4`: compatible, mapped, NAT64, 6to4, Teredo, ISATAP."""
    n = int(ipaddress.IPv4Address(v4))
    teredo_server = int(ipaddress.IPv4Address("65.54.227.120")) << 64
    forms = [
        n,
        0xFFFF << 32 | n,
        0x0064_FF9B << 96 | n,
        0x2002 << 112 | n << 80 | 1,
        0x2001_0000 << 96 | teredo_server | (n ^ 0xFFFF_FFFF),
        0x2001_0DB9 << 96 | 0x0000_5EFE << 32 | n,  # ISATAP in a global-looking prefix
        0x2001_0DB9 << 96 | 0x0200_5EFE << 32 | n,
    ]
    return [str(ipaddress.IPv6Address(f)) for f in forms]


def _v4_spellings(v4: str) -> list[str]:
    """The legacy spellings inet_aton reads: decimal, hex, octal, and a.b with 24 bits."""
    n = int(ipaddress.IPv4Address(v4))
    a, b, c, d = (int(x) for x in v4.split("."))
    return [v4, str(n), hex(n), f"0{a:o}.{b}.{c}.{d}", f"{a:#x}.{n & 0xFFFFFF}"]


def _urls(address: str) -> list[str]:
    if ":" in address:
        return [f"http://[{address}]/"]
    return [f"http://{spelling}/" for spelling in _v4_spellings(address)]


NON_GLOBAL_V4 = [a for a in NON_GLOBAL if ":" not in a]


@pytest.mark.parametrize("address", NON_GLOBAL)
def test_every_non_global_block_is_refused_in_every_spelling(address: str) -> None:
    for url in _urls(address):
        with pytest.raises(UnsafeURL):
            check_url(url, allow_loopback=False)


@pytest.mark.parametrize("address", [*GLOBAL, PUBLIC_V4, "2606:4700::1111"])
def test_globally_reachable_entries_pass(address: str) -> None:
    check_url(_urls(address)[0], allow_loopback=False)


@pytest.mark.parametrize("v4", NON_GLOBAL_V4)
def test_ipv6_forms_that_carry_a_non_global_ipv4_are_refused(v4: str) -> None:
    for v6 in _embeddings(v4):
        with pytest.raises(UnsafeURL):
            check_url(f"http://[{v6}]/", allow_loopback=False)


def test_ipv6_forms_that_carry_a_public_ipv4_are_judged_by_it() -> None:
    check_url(f"http://[::ffff:{PUBLIC_V4}]/")
    check_url(f"http://[64:ff9b::{PUBLIC_V4}]/")


def test_embedded_loopback_counts_as_loopback_not_as_public() -> None:
    for v6 in _embeddings("127.0.0.1"):
        with pytest.raises(UnsafeURL):
            check_url(f"http://[{v6}]/", allow_loopback=False)
        check_url(f"http://[{v6}]/", allow_loopback=True)
    for v6 in _embeddings("10.0.0.5"):
        with pytest.raises(UnsafeURL):
            check_url(f"http://[{v6}]/", allow_loopback=True)


@pytest.mark.parametrize("address", [*NON_GLOBAL, *_embeddings("127.0.0.1")])
def test_names_resolving_to_non_global_addresses_are_refused(
    address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def resolve(host: str, *_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(UnsafeURL):
        check_source_url("http://jobs.example.org/feed.rss", allow_loopback=False)


@pytest.mark.parametrize("address", NON_GLOBAL)
def test_the_crawlers_resolver_refuses_non_global_answers(
    address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The resolver Scrapy connects through, with the name's answer under the test's control.
    def answer(self: Any, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        return defer.succeed(address)

    monkeypatch.setattr(CachingThreadedResolver, "getHostByName", answer)
    resolver = GuardedResolver.__new__(GuardedResolver)
    failures: list[Any] = []
    resolver.getHostByName("jobs.example.org").addErrback(failures.append)
    assert failures and failures[0].check(DNSLookupError)


def test_localhost_is_refused_by_its_answer() -> None:
    with pytest.raises(UnsafeURL):
        check_source_url("http://localhost/feed.rss", allow_loopback=False)
    check_address(PUBLIC_V4, allow_loopback=False)


REDIRECT_TARGETS = [
    "http://0xa9fea9fe/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a00:5]/",
    "http://[2002:a00:5::1]/",
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffa]/",
    "http://[fd00::1]/",
]


def test_redirects_to_non_global_addresses_are_refused(catalog: Settings, site: LocalSite) -> None:
    # The crawl runs with loopback allowed (the local site is on 127.0.0.1), as the demo does:
    # every target below must still be refused when a redirect leads there.
    run_mutual(catalog, "community", "add", "Trap", "--slug", "trap")
    for n, target in enumerate(REDIRECT_TARGETS):
        site.redirects[f"/trap{n}.rss"] = target
        url = f"{site.base_url}/trap{n}.rss"
        run_mutual(catalog, "source", "add", "trap", url, "--kind", "feed")
    assert run_mutual(catalog, "crawl", check=False).returncode == 3
    listing = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)
    assert len(listing) == len(REDIRECT_TARGETS)
    for row in listing:
        assert "non-public address" in row["last_error"], row
