# SPDX-License-Identifier: GPL-2.0-or-later
"""UDP through burrow, checked byte for byte: guest to a service on the
host's loopback (through the gateway address), guest to a remote host,
and host to guest through -u port forwarding (single port, range,
host:guest mapping), IPv4 and IPv6, datagrams up to 60000 bytes."""

import json
import os
import random
import select

import pytest

from helpers import GW4, GW6, HERE, MTU_DEFAULT, REMOTE4, REMOTE6

TOOL = os.path.join(HERE, "udp_tool.py")
PY = "/usr/bin/python3"
SIZES = [1, 100, 1000, 1472, 4000, 8000, 1, 60000, 512]


def free_port():
    return random.randint(20000, 40000)


def echo(procs, ns, addr, port):
    p = procs.start([PY, TOOL, "echo", addr, port], ns=ns)
    r, _, _ = select.select([p.stdout], [], [], 5)
    line = p.stdout.readline() if r else ""
    assert line.strip() == "ready", "echo server on %s:%d did not start: " \
        "%s" % (addr, port, p.stderr.read() if p.poll() is not None else "")
    return p


def client(ns_run, addr, port, sizes=SIZES, expect_ok=True):
    r = ns_run([PY, TOOL, "client", addr, port,
                ",".join(str(s) for s in sizes)], check=False, timeout=30)
    assert r.stdout.strip(), "client printed nothing: %s" % r.stderr
    res = json.loads(r.stdout)
    if expect_ok:
        assert r.returncode == 0 and res["echoed"] == res["sent"], res
        assert res["sha_sent"] == res["sha_echoed"], res
    return res


@pytest.mark.parametrize("srv,dst", [("127.0.0.1", GW4), ("::1", GW6)],
                         ids=["v4", "v6"])
def test_guest_to_host_loopback(burrow, topo, procs, srv, dst):
    _, g = burrow("--config-net")
    assert g.mtu() == MTU_DEFAULT
    port = free_port()
    echo(procs, topo.host, srv, port)
    client(g, dst, port)


@pytest.mark.parametrize("dst", [REMOTE4, REMOTE6], ids=["v4", "v6"])
def test_guest_to_remote(burrow, topo, procs, dst):
    _, g = burrow("--config-net")
    port = free_port()
    echo(procs, topo.net, dst, port)
    client(g, dst, port)


def wildcard(fam):
    return "0.0.0.0" if fam == 4 else "::"


def loopback(fam):
    return "127.0.0.1" if fam == 4 else "::1"


@pytest.mark.parametrize("fam", [4, 6])
def test_forward_port(burrow, topo, procs, fam):
    port = free_port()
    _, g = burrow("--config-net", "-u", str(port))
    echo(procs, g.ns, wildcard(fam), port)
    client(topo.in_host, loopback(fam), port)
    # Neither a port nobody asked for is forwarded.
    echo(procs, g.ns, wildcard(fam), port + 1)
    res = client(topo.in_host, loopback(fam), port + 1, sizes=[10],
                 expect_ok=False)
    assert res["echoed"] == 0, "port %d was forwarded: %s" % (port + 1, res)


@pytest.mark.parametrize("fam", [4, 6])
def test_forward_range(burrow, topo, procs, fam):
    first = free_port()
    last = first + 9
    _, g = burrow("--config-net", "-u", "%d-%d" % (first, last))
    for port in (first, first + 4, last):
        echo(procs, g.ns, wildcard(fam), port)
        client(topo.in_host, loopback(fam), port, sizes=[1000, 60000, 3])


@pytest.mark.parametrize("fam", [4, 6])
def test_forward_mapping(burrow, topo, procs, fam):
    hport = free_port()
    gport = hport + 1000
    _, g = burrow("--config-net", "-u", "%d:%d" % (hport, gport))
    echo(procs, g.ns, wildcard(fam), gport)
    client(topo.in_host, loopback(fam), hport)


def test_many_flows(burrow, topo, procs):
    # Fifty source ports from the guest at once to one host service.
    _, g = burrow("--config-net")
    port = free_port()
    echo(procs, topo.host, "127.0.0.1", port)
    script = (
        "import socket,sys\n"
        "ss=[socket.socket(socket.AF_INET,socket.SOCK_DGRAM) "
        "for _ in range(50)]\n"
        "for i,s in enumerate(ss):\n"
        "  s.settimeout(2); s.connect(('%s',%d)); s.send(b'x%%d'%%i)\n"
        "ok=sum(1 for i,s in enumerate(ss) if s.recv(100)==b'x%%d'%%i)\n"
        "print(ok)\n" % (GW4, port))
    r = g([PY, "-c", script], timeout=20)
    assert r.stdout.strip() == "50"
