# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures: the test topology (host, net and guest namespaces) and a
factory that runs burrow in the host namespace for the guest namespace.

    bw-guest-T  --tap (burrow)--  bw-host-T  --veth--  bw-net-T
    (the guest)                   198.51.100.2/24       198.51.100.1/24
                                  2001:db8:1::2/64      2001:db8:1::1/64
                                  dnsmasq on lo:53      lo: 203.0.113.10,
                                                            2001:db8:2::10
"""

import os

import pytest

import helpers
from helpers import Burrow, Topology, run, wait_for


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: long bulk transfers (deselect with -m 'not slow')")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="needs root (network namespaces)")
        for item in items:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for i, b in enumerate(getattr(item, "_burrows", [])):
            rep.sections.append(("burrow #%d stderr (%s)" % (
                i, " ".join(b.argv)), b.stderr()[-20000:]))


@pytest.fixture
def topo(tmp_path):
    t = Topology(tmp_path)
    try:
        t.setup()
        yield t
    finally:
        t.teardown()


@pytest.fixture
def burrow_bin():
    b = helpers.burrow_bin()
    if not os.access(b, os.X_OK):
        pytest.fail("burrow binary %s missing: build it first (make), or "
                    "set BURROW_BIN" % b)
    return b


class Guest:
    """Commands in the guest namespace, with the tap's name at hand."""

    def __init__(self, topo, ifname):
        self.topo = topo
        self.ns = topo.guestns
        self.ifname = ifname

    def __call__(self, argv, **kw):
        return run(argv, ns=self.ns, **kw)

    def sysctl(self, name, value):
        run(["sysctl", "-q", "-w", "%s=%s" % (name, value)], ns=self.ns)

    def link_up(self):
        run(["ip", "link", "set", self.ifname, "up"], ns=self.ns)

    def wait_addrs(self, timeout=5):
        """Wait until the tap has no tentative (DAD) IPv6 address."""
        def done():
            r = run(["ip", "-6", "addr", "show", "dev", self.ifname,
                     "tentative"], ns=self.ns)
            return r.stdout.strip() == ""
        wait_for(done, timeout, what="IPv6 DAD on the guest's tap")

    def mtu(self):
        r = run(["cat", "/sys/class/net/%s/mtu" % self.ifname], ns=self.ns)
        return int(r.stdout)


@pytest.fixture
def burrow(request, topo, burrow_bin, tmp_path):
    """start(*opts, ifname="eth0", debug=True) -> (Burrow, Guest).

    Runs burrow -f --netns <guest ns> -I <ifname> [opts] in the host
    namespace and waits for the tap. At teardown: SIGTERM, and the test
    fails if burrow crashed, hung or had already exited."""
    started = []
    request.node._burrows = started

    def start(*opts, ifname="eth0", debug=True, wait=True):
        path = os.path.join(str(tmp_path), "burrow-%d.stderr"
                            % len(started))
        b = Burrow(topo, opts, ifname, path, debug=debug)
        started.append(b)
        if wait:
            b.wait_tap()
        g = Guest(topo, ifname)
        if wait and "--config-net" in opts:
            g.wait_addrs()
        return b, g

    yield start
    errors = []
    for b in started:
        try:
            b.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


@pytest.fixture
def procs():
    """Background helper processes, killed at the end of the test."""
    p = helpers.Procs()
    yield p
    p.cleanup()
