# SPDX-License-Identifier: GPL-2.0-or-later
"""The test topology itself, without burrow: if this fails, every other
result is meaningless."""

import os

from helpers import GW4, GW6, REMOTE4, REMOTE6, WWW4, WWW6, Topology, run


def test_host_reaches_net(topo):
    for dst in (GW4, REMOTE4, GW6, REMOTE6):
        r = topo.in_host(["ping", "-n", "-c", "1", "-W", "2", dst])
        assert "1 received" in r.stdout


def test_dns_on_host_loopback(topo):
    r = topo.in_host(["dig", "+short", "@127.0.0.1", "www.example.test",
                      "A"])
    assert r.stdout.split() == [WWW4]
    r = topo.in_host(["dig", "+short", "@::1", "www.example.test",
                      "AAAA"])
    assert r.stdout.split() == [WWW6]
    # ip netns exec puts our resolv.conf in place for the host namespace.
    r = topo.in_host(["cat", "/etc/resolv.conf"])
    assert "nameserver 127.0.0.1" in r.stdout


def test_guest_is_empty(topo):
    r = topo.in_guest(["ip", "-o", "link"])
    assert r.stdout.count("\n") == 1 and " lo:" in r.stdout


def test_cleanup(tmp_path):
    t = Topology(tmp_path)
    try:
        t.setup()
        names = (t.host, t.net, t.guestns)
        listed = run(["ip", "netns", "list"]).stdout
        assert all(n in listed for n in names)
        pid = t.dnsmasq.pid
    finally:
        t.teardown()
    listed = run(["ip", "netns", "list"]).stdout
    assert not any(n in listed for n in names)
    assert not os.path.exists("/etc/netns/" + t.host)
    assert not os.path.exists("/proc/%d" % pid) or \
        open("/proc/%d/stat" % pid).read().split()[2] == "Z"
