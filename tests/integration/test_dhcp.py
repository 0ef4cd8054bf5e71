# SPDX-License-Identifier: GPL-2.0-or-later
"""DHCPv4 with busybox udhcpc in the guest: every value of the lease, a
renewal, and --no-dhcp."""

from dhcp import Udhcpc, renew, start_daemon
from helpers import GW4, HOST4, MTU_DEFAULT, SEARCH, wait_for


def lease(burrow, tmp_path, *opts):
    _, g = burrow(*opts)
    g.link_up()
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, evs = u.run_once()
    assert rc == 0, "udhcpc failed (rc %d): %s" % (rc, u.output)
    bound = [e for e in evs if e["event"] == "bound"]
    assert len(bound) == 1, evs
    return g, u, bound[0]


def test_lease_values(burrow, tmp_path):
    g, _, e = lease(burrow, tmp_path)
    assert e["ip"] == HOST4
    assert e["subnet"] == "255.255.255.0"
    assert e["mask"] == "24"
    assert e["router"].split() == [GW4]
    assert e["dns"].split() == [GW4]
    assert e["serverid"] == GW4
    assert int(e["mtu"]) == MTU_DEFAULT
    assert int(e["lease"]) > 0
    # The host's search list (from its resolv.conf): option 119 and/or 15.
    assert SEARCH in (e["search"].split() + e["domain"].split()), e
    # The script applied it: the guest has the address and the route.
    r = g(["ip", "-4", "-o", "addr", "show", "dev", g.ifname])
    assert "%s/24" % HOST4 in r.stdout
    r = g(["ip", "-4", "route", "show", "default"])
    assert "via %s" % GW4 in r.stdout


def test_lease_options(burrow, tmp_path):
    # Address, gateway, prefix, DNS, search and MTU given on the command
    # line are what the client gets.
    _, _, e = lease(burrow, tmp_path, "-a", "10.0.2.15", "-n", "24", "-g",
                    "10.0.2.2", "-D", "10.0.2.3", "-S", "corp.test",
                    "--mtu", "1500")
    assert e["ip"] == "10.0.2.15"
    assert e["mask"] == "24"
    assert e["router"].split() == ["10.0.2.2"]
    assert e["dns"].split() == ["10.0.2.3"]
    assert int(e["mtu"]) == 1500
    assert "corp.test" in (e["search"].split() + e["domain"].split()), e


def test_renew(burrow, tmp_path, procs):
    _, g = burrow()
    g.link_up()
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    p = start_daemon(procs, u)
    wait_for(lambda: u.bound(), 10, what="first lease")
    first = u.bound()[0]
    assert first["event"] == "bound" and first["ip"] == HOST4
    e = renew(p, u)
    assert e["ip"] == HOST4 and e["serverid"] == GW4, e
    e = renew(p, u)
    assert e["ip"] == HOST4, e
    assert p.poll() is None, "udhcpc exited"


def test_no_dhcp(burrow, tmp_path):
    _, g = burrow("--no-dhcp")
    g.link_up()
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, evs = u.run_once(tries=2)
    assert rc != 0, "udhcpc got a lease with --no-dhcp: %s" % evs
    assert not [e for e in evs if e["event"] in ("bound", "renew")]
