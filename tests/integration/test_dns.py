# SPDX-License-Identifier: GPL-2.0-or-later
"""DNS from the guest, to the resolver address it was given, answered by
the host's resolver (dnsmasq on the host namespace's loopback)."""

from dhcp import Udhcpc
from helpers import GW4, GW6, WWW4, WWW6


def dig(g, server, name, qtype, *extra):
    r = g(["dig", "+short", "+time=2", "+tries=2", "@" + server, name,
           qtype] + list(extra), check=False, timeout=15)
    assert r.returncode == 0, "dig @%s %s %s: %s%s" % (
        server, name, qtype, r.stdout, r.stderr)
    return r.stdout.split()


def test_dns_from_dhcp(burrow, tmp_path):
    # Ask the server DHCP handed out.
    _, g = burrow()
    g.link_up()
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, evs = u.run_once()
    assert rc == 0, u.output
    servers = evs[-1]["dns"].split()
    assert servers, "no DNS server in the lease: %s" % evs[-1]
    assert dig(g, servers[0], "www.example.test", "A") == [WWW4]
    assert dig(g, servers[0], "www.example.test", "AAAA") == [WWW6]


def test_nslookup(burrow):
    _, g = burrow("--config-net")
    r = g(["nslookup", "-timeout=2", "www.example.test", GW4], timeout=15)
    assert WWW4 in r.stdout, r.stdout


def test_dns_over_ipv6(burrow):
    _, g = burrow("--config-net")
    assert dig(g, GW6, "www.example.test", "AAAA") == [WWW6]
    assert dig(g, GW6, "www.example.test", "A") == [WWW4]


def test_dns_over_tcp(burrow):
    _, g = burrow("--config-net")
    assert dig(g, GW4, "www.example.test", "A", "+tcp") == [WWW4]


def test_dns_nxdomain(burrow):
    # An answer from the real resolver, not a canned one: NXDOMAIN for a
    # name dnsmasq does not know (it has no upstream).
    _, g = burrow("--config-net")
    r = g(["dig", "+time=2", "+tries=2", "@" + GW4, "nope.example.test",
           "A"], check=False, timeout=15)
    assert "status: REFUSED" in r.stdout or "status: NXDOMAIN" in \
        r.stdout, r.stdout


def test_dns_many_queries(burrow):
    # Distinct query IDs and source ports in a burst all get answers.
    _, g = burrow("--config-net")
    script = (
        "import socket,struct\n"
        "def q(i):\n"
        "  return struct.pack('>HHHHHH',i,0x100,1,0,0,0)+"
        "b'\\x03www\\x07example\\x04test\\x00'+struct.pack('>HH',1,1)\n"
        "ss=[socket.socket(socket.AF_INET,socket.SOCK_DGRAM) "
        "for _ in range(20)]\n"
        "for i,s in enumerate(ss):\n"
        "  s.settimeout(3); s.sendto(q(i+1000),('%s',53))\n"
        "ok=0\n"
        "for i,s in enumerate(ss):\n"
        "  d=s.recv(600)\n"
        "  ok+= struct.unpack('>H',d[:2])[0]==i+1000 and "
        "bytes([198,51,100,80]) in d\n"
        "print(ok)\n" % GW4)
    r = g(["/usr/bin/python3", "-c", script], timeout=20)
    assert r.stdout.strip() == "20", r.stdout + r.stderr
