# SPDX-License-Identifier: GPL-2.0-or-later
"""Resource exhaustion: a full flow table, burrow's descriptor limit, and
the host namespace's ephemeral ports. Each time new flows must be refused
cleanly (RST / dropped datagram, a rate-limited warning, not a log line
per packet), connections that were already up keep moving data, burrow
stays alive, and new flows work again once old ones are gone.

This file is also the test agent (run as a script, stdlib only, scapy
imported lazily for the floods):

  test_exhaustion.py server PORT
      host side: TCP echo and UDP echo on 127.0.0.1:PORT; a TCP
      connection whose data contains "QUIT" is closed by the server
      (so the server, not burrow, is the active closer). Prints "ready".
  test_exhaustion.py ctl
      guest side: reads commands on stdin, one JSON line per command:
        tcp N ADDR PORT    N concurrent connects (5 s deadline), kept
        udp N ADDR PORT    N sockets, one datagram each, count echoes
        echo [K]           4 KiB through each of the first K connections
        quit               send QUIT on every connection, wait for EOFs
        close              close every TCP connection (guest closes)
        closeudp           close every UDP socket
  test_exhaustion.py synflood|udpflood IFNAME GWMAC DST N SEED
      scapy on the guest's tap: N SYNs / N datagrams to random ports
      from random source ports.
"""

import errno
import json
import os
import random
import resource
import select
import selectors
import signal
import socket
import subprocess
import sys
import time

PY = "/usr/bin/python3"
ME = os.path.abspath(__file__)


# --- the agent (runs in the test namespaces) ------------------------------

def ename(e):
    return errno.errorcode.get(e.errno, str(e.errno)) \
        if isinstance(e, OSError) and e.errno else repr(e)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def agent_server(port):
    raise_nofile()
    sel = selectors.DefaultSelector()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(4096)
    ls.setblocking(False)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    us.bind(("127.0.0.1", port))
    us.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, "listen")
    sel.register(us, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            if key.data == "listen":
                try:
                    c, _ = ls.accept()
                except OSError:
                    continue
                c.setblocking(True)
                c.settimeout(5)
                sel.register(c, selectors.EVENT_READ, "conn")
            elif key.data == "udp":
                try:
                    d, peer = us.recvfrom(65535)
                    us.sendto(d, peer)
                except OSError:
                    pass
            else:
                c = key.fileobj
                try:
                    d = c.recv(65536)
                except OSError:
                    d = b""
                if not d or b"QUIT" in d:
                    sel.unregister(c)
                    c.close()
                    continue
                try:
                    c.sendall(d)
                except OSError:
                    sel.unregister(c)
                    c.close()


class Ctl:
    def __init__(self):
        self.tcp = []
        self.udp = []

    def do_tcp(self, n, addr, port):
        n, port = int(n), int(port)
        pend, res = {}, {"ok": 0, "err": {}, "pending": 0}
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            r = s.connect_ex((addr, port))
            if r in (0, errno.EINPROGRESS):
                pend[s.fileno()] = s
            else:
                res["err"][errno.errorcode.get(r, str(r))] = \
                    res["err"].get(errno.errorcode.get(r, str(r)), 0) + 1
                s.close()
        ep = select.epoll()
        for fd in pend:
            ep.register(fd, select.EPOLLOUT)
        end = time.monotonic() + 5
        while pend and time.monotonic() < end:
            for fd, _ in ep.poll(0.2):
                s = pend.pop(fd)
                ep.unregister(fd)
                r = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if r == 0:
                    s.setblocking(True)
                    s.settimeout(5)
                    self.tcp.append(s)
                    res["ok"] += 1
                else:
                    k = errno.errorcode.get(r, str(r))
                    res["err"][k] = res["err"].get(k, 0) + 1
                    s.close()
        res["pending"] = len(pend)
        for s in pend.values():
            s.close()
        ep.close()
        res["total"] = len(self.tcp)
        return res

    def do_udp(self, n, addr, port):
        n, port = int(n), int(port)
        new = []
        ep = select.epoll()
        got = set()
        t_last = time.monotonic()

        def collect(wait):
            nonlocal t_last
            for fd, _ in ep.poll(wait):
                try:
                    d = socks[fd].recv(100)
                except OSError:
                    continue
                if d == b"u%d" % fd:
                    got.add(fd)
                    t_last = time.monotonic()
        socks = {}
        for i in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            s.connect((addr, port))
            socks[s.fileno()] = s
            ep.register(s.fileno(), select.EPOLLIN)
            new.append(s)
            try:
                s.send(b"u%d" % s.fileno())
            except OSError:
                pass
            if i % 64 == 63:
                collect(0.005)
        end = time.monotonic() + 5
        while time.monotonic() < end and len(got) < n and \
                time.monotonic() - t_last < 1.0:
            collect(0.1)
        # UDP may lose a datagram in a burst of thousands (the sink's
        # receive buffer): ask again, twice, on the sockets not answered.
        # A flow burrow refused stays silent however often it is asked.
        for _ in range(2):
            for s in new:
                if s.fileno() not in got:
                    try:
                        s.send(b"u%d" % s.fileno())
                    except OSError:
                        pass
            t_last = time.monotonic()
            end = time.monotonic() + 3
            while time.monotonic() < end and len(got) < n and \
                    time.monotonic() - t_last < 0.5:
                collect(0.1)
        ep.close()
        self.udp += new
        return {"ok": len(got), "sent": n}

    def do_echo(self, k=None):
        conns = self.tcp if k is None else self.tcp[:int(k)]
        res = {"ok": 0, "bad": []}
        for i, s in enumerate(conns):
            data = ("%d:" % i).encode() + bytes(
                random.choice(b"0123456789") for _ in range(4096))
            try:
                s.sendall(data)
                got = b""
                while len(got) < len(data):
                    d = s.recv(65536)
                    if not d:
                        raise OSError(errno.ECONNRESET, "EOF")
                    got += d
                if got == data:
                    res["ok"] += 1
                else:
                    res["bad"].append([i, "mismatch"])
            except OSError as e:
                res["bad"].append([i, ename(e)])
        return res

    def do_quit(self):
        eof = 0
        for s in self.tcp:
            try:
                s.sendall(b"QUIT")
                while s.recv(65536):
                    pass
                eof += 1
            except OSError:
                pass
            s.close()
        self.tcp = []
        return {"eof": eof}

    def do_close(self):
        n = len(self.tcp)
        for s in self.tcp:
            s.close()
        self.tcp = []
        return {"closed": n}

    def do_closeudp(self):
        n = len(self.udp)
        for s in self.udp:
            s.close()
        self.udp = []
        return {"closed": n}


def agent_ctl():
    raise_nofile()
    c = Ctl()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        try:
            r = getattr(c, "do_" + w[0])(*w[1:])
        except Exception as e:  # report, keep serving
            r = {"exception": repr(e)}
        print(json.dumps(r), flush=True)


def agent_flood(kind, ifname, gwmac, dst, n, seed):
    from scapy.all import IP, TCP, UDP, Ether
    rnd = random.Random(int(seed))
    with open("/sys/class/net/%s/address" % ifname) as f:
        me = f.read().strip()
    src = "198.51.100.2"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.bind((ifname, 0))
    e = bytes(Ether(src=me, dst=gwmac))
    sent = 0
    for i in range(int(n)):
        sport = rnd.randrange(1024, 65536)
        dport = rnd.randrange(1, 65536)
        if kind == "synflood":
            p = IP(src=src, dst=dst) / TCP(sport=sport, dport=dport,
                                           flags="S",
                                           seq=rnd.getrandbits(32))
        else:
            p = IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / \
                (b"f" * 16)
        try:
            s.send(e + bytes(p))
            sent += 1
        except OSError:
            pass
        if i % 64 == 63:
            time.sleep(0.001)
    print(json.dumps({"sent": sent}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        agent_server(int(sys.argv[2]))
    elif sys.argv[1] == "ctl":
        agent_ctl()
    else:
        agent_flood(*sys.argv[1:7])
    sys.exit(0)


# --- test-side helpers ----------------------------------------------------

import pytest  # noqa: E402

import helpers  # noqa: E402
from helpers import GW4, is_sanitized, run, wait_for  # noqa: E402

FLOW_MAX = 4096
WARN_MAX = 20  # rate-limited: far fewer lines than refusals


def free_port():
    return random.randint(20000, 39000)


class Agent:
    """test_exhaustion.py ctl in a namespace, driven over pipes."""

    def __init__(self, procs, ns, argv=("ctl",), cmd=None):
        cmd = cmd or [PY, ME] + list(argv)
        self.p = subprocess.Popen(helpers.nsexec(ns) + [str(x) for x in cmd],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  start_new_session=True)
        procs.procs.append(self.p)
        self.buf = b""

    def alive(self):
        return self.p.poll() is None

    def line(self, timeout=30):
        end = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError("agent: no answer within %ss" % timeout)
            if select.select([fd], [], [], left)[0]:
                d = os.read(fd, 65536)
                if not d:
                    raise AssertionError("agent exited (%s): %s" % (
                        self.p.wait(), self.p.stderr.read().decode()[-2000:]))
                self.buf += d
        ln, self.buf = self.buf.split(b"\n", 1)
        return ln.decode().strip()

    def cmd(self, *words, timeout=30):
        self.p.stdin.write((" ".join(map(str, words)) + "\n").encode())
        self.p.stdin.flush()
        r = json.loads(self.line(timeout))
        assert "exception" not in r, r
        return r


def guest_agent(procs, topo):
    a = Agent(procs, topo.guestns)
    assert json.loads(a.line(10)).get("ready")
    return a


def host_server(procs, topo, port):
    a = Agent(procs, topo.host, ("server", str(port)))
    assert a.line(10) == "ready"
    return a


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def warn_lines(b, text="flow table full"):
    return sum(1 for ln in b.stderr().splitlines() if text in ln)


# --- tests ----------------------------------------------------------------

def test_flow_table_full(burrow, topo, procs):
    b, g = burrow("--config-net", debug=False)
    port = free_port()
    host_server(procs, topo, port)
    a = guest_agent(procs, topo)
    r = a.cmd("tcp", 2, GW4, port)
    assert r["ok"] == 2, r
    assert a.cmd("echo")["ok"] == 2
    # Fill the table with UDP flows (one guest socket each, one sink).
    n = FLOW_MAX + 200
    r = a.cmd("udp", n, GW4, port, timeout=60)
    assert b.alive(), b.describe()
    served = r["ok"]
    assert FLOW_MAX - 64 <= served <= FLOW_MAX - 2, \
        "%d of %d UDP flows answered: table not full or not refusing" \
        "\n%s" % (served, n, b.describe())
    # Refused cleanly: a rate-limited warning, not one per datagram.
    wait_for(lambda: warn_lines(b) > 0, 3,
             what="'flow table full' warning\n" + b.describe())
    nwarn = warn_lines(b)
    assert nwarn <= WARN_MAX, "%d 'flow table full' lines for %d refused " \
        "flows\n%s" % (nwarn, n - served, b.stderr()[-3000:])
    # A new TCP connection is refused (RST), not left hanging.
    r = a.cmd("tcp", 1, GW4, port)
    assert r["ok"] == 0 and r["err"].get("ECONNREFUSED") == 1 and \
        r["pending"] == 0, "new TCP flow with a full table: %s" % r
    # The established connections still carry data, intact.
    r = a.cmd("echo")
    assert r["ok"] == 2, "established TCP broken by a full table: %s" % r
    # Recovery: one TCP flow ends (server closes) -> a new one fits.
    r = a.cmd("quit")
    assert r["eof"] == 2, r

    def new_ok():
        r = a.cmd("tcp", 1, GW4, port)
        return r["ok"] == 1
    wait_for(new_ok, 10, what="a new TCP connection after two closed\n"
             + b.describe())
    assert a.cmd("echo")["ok"] == 1
    assert b.alive(), b.describe()
    assert warn_lines(b) <= WARN_MAX + 2


@pytest.fixture
def limited_burrow(burrow, monkeypatch, tmp_path):
    """burrow started under prlimit --nofile=256:256 (a wrapper that
    execs, so the PID stays burrow's)."""
    real = helpers.burrow_bin()
    wrapper = os.path.join(str(tmp_path), "burrow-nofile")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec prlimit --nofile=256:256 %s \"$@\"\n"
                % real)
    os.chmod(wrapper, 0o755)
    monkeypatch.setattr(helpers, "burrow_bin", lambda: wrapper)
    return burrow


def test_fd_limit(limited_burrow, topo, procs):
    b, g = limited_burrow("--config-net", debug=False)
    with open("/proc/%d/limits" % b.pid) as f:
        assert any(ln.startswith("Max open files") and
                   ln.split()[3:5] == ["256", "256"] for ln in f), \
            "prlimit did not apply"
    base = fd_count(b.pid)
    port = free_port()
    host_server(procs, topo, port)
    a = guest_agent(procs, topo)
    r = a.cmd("tcp", 20, GW4, port)
    assert r["ok"] == 20, r
    r = a.cmd("tcp", 300, GW4, port)
    assert b.alive(), b.describe()
    total = r["total"]
    assert r["pending"] == 0, "connections hang instead of being " \
        "refused at the descriptor limit: %s\n%s" % (r, b.describe())
    assert 256 - base - 40 <= total <= 256 - base, \
        "%d connections up with a 256-descriptor limit (%d in use " \
        "before): %s" % (total, base, r)
    assert sum(r["err"].values()) == 320 - total, r
    assert set(r["err"]) <= {"ECONNREFUSED", "ECONNRESET"}, r
    # The old ones keep working (all of them: data through each).
    r = a.cmd("echo", timeout=60)
    assert r["ok"] == total, "established connections broken at the " \
        "descriptor limit: %s\n%s" % (r["bad"][:10], b.describe())
    assert a.cmd("quit", timeout=60)["eof"] == total
    # Descriptors come back: new connections work again.
    wait_for(lambda: fd_count(b.pid) <= base + 2, 10,
             what="burrow's descriptors back to %d (now %d)" % (
                 base, fd_count(b.pid)))
    r = a.cmd("tcp", 100, GW4, port)
    assert r["ok"] == 100, "no recovery after the descriptor limit: %s\n%s" \
        % (r, b.describe())
    assert a.cmd("echo")["ok"] == 100
    a.cmd("quit")
    assert b.alive(), b.describe()


def test_ephemeral_ports(burrow, topo, procs):
    topo.in_host(["sysctl", "-q", "-w",
                  "net.ipv4.ip_local_port_range=40000 40009"])
    b, g = burrow("--config-net", debug=False)
    port = free_port()
    host_server(procs, topo, port)
    a = guest_agent(procs, topo)
    r = a.cmd("tcp", 15, GW4, port)
    assert b.alive(), b.describe()
    assert r["ok"] == 10, "10 host ports, %s" % r
    assert r["pending"] == 0 and r["err"] == {"ECONNREFUSED": 5}, \
        "extra connections not refused cleanly: %s\n%s" % (r, b.describe())
    assert a.cmd("echo")["ok"] == 10
    assert a.cmd("quit")["eof"] == 10

    def again():
        r = a.cmd("tcp", 10, GW4, port)
        if r["ok"] == 10:
            return True
        a.cmd("quit")
        return False
    wait_for(again, 10, what="10 connections again once the ports were "
             "free\n" + b.describe())
    assert a.cmd("echo")["ok"] == 10
    a.cmd("quit")
    assert b.alive(), b.describe()
