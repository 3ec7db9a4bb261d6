"""Which addresses are public: IANA's special-purpose registries, and the IPv4 inside IPv6 forms.

Written out here rather than read from `ipaddress.is_global`, whose lists differ between Python
versions (3.11.7 takes 192.0.0.100 and 64:ff9b:1::1 for global): the guard must not change its
mind when the interpreter is upgraded. Sources: iana-ipv4-special-registry and
iana-ipv6-special-registry; a more specific "globally reachable" entry wins over its block.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address
_NOT_GLOBAL = (
    "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 "
    "192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 "
    "224.0.0.0/4 240.0.0.0/4 255.255.255.255/32 "
    "::/128 ::1/128 ::ffff:0:0/96 64:ff9b:1::/48 100::/64 100:0:0:1::/64 2001::/23 "
    "2001:db8::/32 3fff::/20 5f00::/16 fc00::/7 fe80::/10 fec0::/10 ff00::/8"
)
_GLOBAL = (
    "192.0.0.9/32 192.0.0.10/32 192.31.196.0/24 192.52.193.0/24 192.175.48.0/24 "
    "2001:1::1/128 2001:1::2/128 2001:1::3/128 2001:3::/32 2001:4:112::/48 2001:20::/28 "
    "2001:30::/28 2620:4f:8000::/48"
)
NOT_GLOBAL: tuple[IPv4Network | IPv6Network, ...] = tuple(map(ip_network, _NOT_GLOBAL.split()))
GLOBAL: tuple[IPv4Network | IPv6Network, ...] = tuple(map(ip_network, _GLOBAL.split()))
# Forms whose address is only a spelling of the IPv4 one: the socket (dual stack) or the
# translator connects to the IPv4 address itself, so it alone decides.
_MAPPED = IPv6Network("::ffff:0:0/96")
_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_TEREDO = IPv6Network("2001::/32")
_SIXTOFOUR = IPv6Network("2002::/16")
_LOW32 = 0xFFFF_FFFF


def is_public(ip: IPAddress) -> bool:
    """True when IANA calls the address globally reachable (multicast never is, for a fetch)."""
    if any(ip in net for net in GLOBAL if net.version == ip.version):
        return True
    return not any(ip in net for net in NOT_GLOBAL if net.version == ip.version)


def is_loopback(ip: IPAddress) -> bool:
    return ip in IPv4Network("127.0.0.0/8") or ip == IPv6Address("::1")


def meanings(ip: IPAddress) -> list[IPAddress]:
    """The addresses a connection to `ip` really reaches, each of which must be allowed: the
    IPv4 address an IPv6 form carries instead of (mapped, compatible, NAT64, 6to4) or as well as
    (Teredo's server and client, an ISATAP interface in any prefix) the IPv6 address."""
    if isinstance(ip, IPv4Address):
        return [ip]
    low = IPv4Address(int(ip) & _LOW32)
    if ip in _MAPPED or ip in _NAT64 or (ip in _COMPATIBLE and int(ip) > 1):
        return [low]
    if ip in _SIXTOFOUR:
        return [IPv4Address((int(ip) >> 80) & _LOW32)]
    if ip in _TEREDO:
        server = IPv4Address((int(ip) >> 64) & _LOW32)
        return [server, IPv4Address(int(low) ^ _LOW32)]
    # ISATAP: interface identifier 0000:5efe or 0200:5efe (the u/g bits may be set).
    if (int(ip) >> 32) & 0xFCFF_FFFF == 0x0000_5EFE:
        return [ip, low]
    return [ip]
