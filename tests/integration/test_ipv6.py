# SPDX-License-Identifier: GPL-2.0-or-later
"""IPv6 without --config-net: the guest kernel's router solicitation gets
a router advertisement (default route via burrow's link-local address,
the on-link prefix, MTU, RDNSS), DHCPv6 hands out the host's address and
the DNS server, and the gateway answers echo requests."""

import json
import os
import re

import pytest

from helpers import GW6, HERE, HOST6, MTU_DEFAULT, SEARCH, wait_for

CLIENT6 = os.path.join(HERE, "dhcp6_client.py")


def up6(g):
    """Bring the tap up, fast: no DAD delay, no solicitation delay."""
    i = g.ifname
    g.sysctl("net.ipv6.conf.%s.accept_ra" % i, 1)
    g.sysctl("net.ipv6.conf.%s.dad_transmits" % i, 0)
    g.sysctl("net.ipv6.conf.%s.router_solicitation_delay" % i, 0)
    g.sysctl("net.ipv6.conf.%s.router_solicitation_interval" % i, 1)
    g.link_up()
    g.wait_addrs()


def routes(g, *sel):
    return g(["ip", "-6", "route", "show"] + list(sel)).stdout


def test_ra_routes(burrow):
    _, g = burrow()
    up6(g)
    dflt = wait_for(lambda: "via fe80:" in routes(g, "default") and
                    routes(g, "default"), 10,
                    what="a default route from a router advertisement")
    assert "dev %s" % g.ifname in dflt and "proto ra" in dflt, dflt
    wait_for(lambda: routes(g, "2001:db8:1::/64"), 5,
             what="the on-link prefix route 2001:db8:1::/64: " +
             routes(g))


def test_rdisc6(burrow):
    _, g = burrow()
    up6(g)
    r = g(["rdisc6", "-1", "-w", "1000", "-r", "3", g.ifname], timeout=10)
    out = r.stdout
    mtu = re.search(r"MTU\s*:\s*(\d+)", out)
    assert mtu and int(mtu.group(1)) == MTU_DEFAULT, out
    assert re.search(r"Prefix\s*:\s*2001:db8:1::/64", out), out
    dns = re.findall(r"Recursive DNS server\s*:\s*(\S+)", out)
    assert dns == [GW6], out
    assert re.search(r"DNS search list\s*:.*\b%s\b" % re.escape(SEARCH),
                     out), out
    assert re.search(r"from (fe80::\S+)", out), out


def test_rdisc6_mtu_option(burrow):
    _, g = burrow("--mtu", "1500")
    up6(g)
    out = g(["rdisc6", "-1", "-w", "1000", "-r", "3", g.ifname],
            timeout=10).stdout
    mtu = re.search(r"MTU\s*:\s*(\d+)", out)
    assert mtu and int(mtu.group(1)) == 1500, out


def dhcp6(g, *extra, check=True):
    r = g(["/usr/bin/python3", CLIENT6, g.ifname] + list(extra),
          check=False, timeout=20)
    assert r.stdout.strip(), r.stderr
    res = json.loads(r.stdout)
    if check:
        assert r.returncode == 0, "no DHCPv6 reply: %s %s" % (res, r.stderr)
    return res


@pytest.mark.parametrize("mode", ["rapid-commit", "solicit-request"])
def test_dhcpv6(burrow, mode):
    _, g = burrow()
    up6(g)
    res = dhcp6(g, *([] if mode == "rapid-commit" else ["--no-rapid"]))
    rep = res["reply"]
    assert rep["msgtype"] == 7, rep
    assert rep["status"] in (None, 0), rep
    assert rep.get("ia_status") in (None, 0), rep
    assert [a[0] for a in rep["addrs"]] == [HOST6], rep
    pref, valid = rep["addrs"][0][1:]
    assert 0 < pref <= valid, rep
    assert rep["dns"] == [GW6], rep
    assert SEARCH in [d.rstrip(".") for d in rep["domains"]], rep
    assert rep["client_id"] == res["client_id"], rep
    assert rep["server_id"], rep
    assert rep["iaid"] == res["iaid"], rep
    if mode == "solicit-request":
        assert res["first"]["msgtype"] in (2, 7), res
    else:
        # Rapid Commit: a Reply straight away (RFC 8415 18.3.1), or an
        # Advertise if the server does not do rapid commit.
        assert res["first"]["msgtype"] == 7 and \
            res["first"]["rapid_commit"] or res["first"]["msgtype"] == 2


def test_no_dhcpv6(burrow):
    _, g = burrow("--no-dhcpv6")
    up6(g)
    res = dhcp6(g, "--timeout", "0.5", check=False)
    assert "first" not in res, "DHCPv6 answered with --no-dhcpv6: %s" % res


def test_ping6_gateway_after_dhcpv6(burrow):
    _, g = burrow()
    up6(g)
    rep = dhcp6(g)["reply"]
    addr = rep["addrs"][0][0]
    g(["ip", "-6", "addr", "add", addr + "/64", "dev", g.ifname, "nodad"])
    wait_for(lambda: "via fe80:" in routes(g, "default"), 10,
             what="default route from RA")
    r = g(["ping", "-6", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-I",
           addr, GW6], check=False, timeout=15)
    assert "3 received" in r.stdout, r.stdout + r.stderr
