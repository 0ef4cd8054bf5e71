# SPDX-License-Identifier: GPL-2.0-or-later
"""'auto' port forwarding (pasta's semantics): -t/-u auto forward the host
ports on which something in the guest's namespace listens, -T/-U auto the
namespace's loopback ports on which something on the host listens. The
other side's ports are rescanned every second: a listener that appears is
reachable within a few seconds, one that goes away stops being forwarded,
and burrow never forwards its own forwards back."""

import os
import random
import select
import subprocess
import time

import pytest

from helpers import nsexec, wait_for
from test_udp import PY, TOOL as UDP_TOOL


def free_port():
    """A port below the usual ephemeral range (32768-60999): UDP auto
    forwarding leaves that range alone."""
    return random.randint(20000, 32000)

HERE = os.path.dirname(os.path.abspath(__file__))
TCP_TOOL = os.path.join(HERE, "tcp_tool.py")
FOLLOW = 6  # seconds a change may take to be followed (scan: 1 s)

# One TCP round trip: connect, send, read the echo; prints OK or the error.
TCP_PING = r"""
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(3)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    msg = b"auto-" + sys.argv[2].encode() * 1000
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    print("OK" if got == msg else "SHORT %d" % len(got))
except OSError as e:
    print("ERR %s" % e.__class__.__name__)
"""

# One UDP round trip to an echo server; prints OK or ERR.
UDP_PING = r"""
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(0.5)
msg = b"auto-udp-" + sys.argv[2].encode()
for _ in range(4):
    s.sendto(msg, (sys.argv[1], int(sys.argv[2])))
    try:
        if s.recv(65536) == msg:
            print("OK")
            break
    except OSError:
        pass
else:
    print("ERR")
"""


def tcp_echo(procs, ns, addr, port):
    p = procs.start([PY, TCP_TOOL, "echo-server", addr, port], ns=ns)
    r, _, _ = select.select([p.stdout], [], [], 5)
    assert r and p.stdout.readline().strip() == "ready", \
        "TCP echo server on %s:%d did not start" % (addr, port)
    return p


def udp_echo(procs, ns, addr, port):
    p = procs.start([PY, UDP_TOOL, "echo", addr, port], ns=ns)
    r, _, _ = select.select([p.stdout], [], [], 5)
    assert r and p.stdout.readline().strip() == "ready", \
        "UDP echo server on %s:%d did not start" % (addr, port)
    return p


def ping(run, proto, addr, port):
    code = TCP_PING if proto == "tcp" else UDP_PING
    r = run([PY, "-c", code, addr, str(port)], check=False, timeout=15)
    return r.stdout.strip()


def stop(p):
    p.kill()
    p.wait(timeout=5)


def follows(b, run, proto, addr, port, want_ok):
    """Wait until a round trip to @addr:@port succeeds (@want_ok) or
    fails; burrow must stay up meanwhile."""
    def done():
        assert b.alive(), "burrow exited\n" + b.describe()
        return (ping(run, proto, addr, port) == "OK") == want_ok
    wait_for(done, FOLLOW, interval=0.3,
             what="%s %s:%d to be %s" % (
                 proto, addr, port,
                 "forwarded" if want_ok else "no longer forwarded"))


@pytest.mark.parametrize("proto", ["tcp", "udp"])
@pytest.mark.parametrize("fam", ["v4", "v6"])
def test_inbound_auto(burrow, topo, procs, proto, fam):
    """-t auto / -u auto: a server started in the namespace after burrow
    becomes reachable from the host, and unreachable once it stops."""
    opt = "-t" if proto == "tcp" else "-u"
    b, g = burrow("--config-net", opt, "auto")
    port = free_port()
    lo, wild = ("127.0.0.1", "0.0.0.0") if fam == "v4" else ("::1", "::")
    # Nothing forwarded yet
    assert ping(topo.in_host, proto, lo, port) != "OK"
    start = tcp_echo if proto == "tcp" else udp_echo
    srv = start(procs, g.ns, wild, port)
    follows(b, topo.in_host, proto, lo, port, True)
    assert "%s auto: forwarding port %d" % (opt, port) in b.stderr()
    stop(srv)
    gone = "%s auto: port %d no longer forwarded" % (opt, port)
    wait_for(lambda: gone in b.stderr(), FOLLOW, what=gone)
    if proto == "tcp":
        # Refused by the host itself now: no listener there any more
        r = topo.in_host([PY, "-c", "import socket,sys\ntry:\n"
                          " socket.create_connection((sys.argv[1],"
                          "int(sys.argv[2])),2)\n"
                          "except ConnectionRefusedError: print('refused')",
                          lo, str(port)], check=False)
        assert r.stdout.strip() == "refused", r
    # And back again: the same port is followed a second time
    srv = start(procs, g.ns, wild, port)
    follows(b, topo.in_host, proto, lo, port, True)


@pytest.mark.parametrize("proto", ["tcp", "udp"])
@pytest.mark.parametrize("fam", ["v4", "v6"])
def test_outbound_auto(burrow, topo, procs, proto, fam):
    """-T auto / -U auto: a server started on the host's loopback after
    burrow becomes reachable on the namespace's loopback."""
    opt = "-T" if proto == "tcp" else "-U"
    b, g = burrow("--config-net", opt, "auto")
    port = free_port()
    lo = "127.0.0.1" if fam == "v4" else "::1"
    assert ping(g, proto, lo, port) != "OK"
    start = tcp_echo if proto == "tcp" else udp_echo
    srv = start(procs, topo.host, lo, port)
    follows(b, g, proto, lo, port, True)
    stop(srv)
    gone = "%s auto: port %d no longer forwarded" % (opt, port)
    wait_for(lambda: gone in b.stderr(), FOLLOW, what=gone)
    assert ping(g, proto, lo, port) != "OK"


def test_ns_listener_on_loopback_not_forwarded(burrow, topo, procs):
    """-t auto: a namespace server on its own loopback only is not
    reachable through the tap, so it is not forwarded."""
    b, g = burrow("--config-net", "-t", "auto")
    port = free_port()
    tcp_echo(procs, g.ns, "127.0.0.1", port)
    other = free_port()
    tcp_echo(procs, g.ns, "0.0.0.0", other)
    follows(b, topo.in_host, "tcp", "127.0.0.1", other, True)
    assert "-t auto: forwarding port %d" % port not in b.stderr()
    assert ping(topo.in_host, "tcp", "127.0.0.1", port) != "OK"


def test_both_ways_no_loop(burrow, topo, procs):
    """All four auto at once: a host service and a namespace service are
    each forwarded one way, never mirrored back (the -T socket burrow
    holds in the namespace is not forwarded to the host by -t auto, nor
    the -t socket on the host into the namespace by -T auto)."""
    b, g = burrow("--config-net", "-t", "auto", "-T", "auto",
                  "-u", "auto", "-U", "auto")
    hport, nport = free_port(), free_port()
    while nport == hport:
        nport = free_port()
    tcp_echo(procs, topo.host, "127.0.0.1", hport)
    tcp_echo(procs, g.ns, "0.0.0.0", nport)
    follows(b, g, "tcp", "127.0.0.1", hport, True)
    follows(b, topo.in_host, "tcp", "127.0.0.1", nport, True)
    # Give the scans time to (wrongly) mirror the forwards back
    time.sleep(2.5)
    err = b.stderr()
    assert "-t auto: forwarding port %d" % hport not in err, err
    assert "-T auto: forwarding port %d" % nport not in err, err
    assert "cannot forward" not in err, err
    assert b.alive()


def test_command_mode(topo, burrow_bin, tmp_path):
    """-T auto in command mode (burrow creates the namespace): the command
    reaches a host service started before it on the host's loopback."""
    port = free_port()
    code = ("import socket,time\n"
            "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,"
            "socket.SO_REUSEADDR,1); s.bind(('127.0.0.1',%d)); s.listen()\n"
            "print('ready',flush=True)\n"
            "c,_=s.accept(); c.sendall(b'from-host'); c.close()\n" % port)
    srv = subprocess.Popen(nsexec(topo.host) + [PY, "-c", code],
                           stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "ready"
        client = ("import socket,time\n"
                  "for i in range(60):\n"
                  "    try:\n"
                  "        s=socket.create_connection(('127.0.0.1',%d),1)\n"
                  "        print(s.recv(100).decode()); break\n"
                  "    except OSError: time.sleep(0.1)\n" % port)
        r = subprocess.run(nsexec(topo.host) + [
            burrow_bin, "-q", "-T", "auto", "--", PY, "-c", client],
            capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "from-host", (r.stdout, r.stderr)
    finally:
        srv.kill()
        srv.wait()


def test_auto_needs_namespace(burrow_bin, tmp_path):
    r = subprocess.run([burrow_bin, "-f", "-s", str(tmp_path / "s"),
                        "-t", "auto"], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 1
    assert "auto forwarding needs a namespace" in r.stderr, r.stderr


def test_helper_sandboxed_and_gone(burrow, topo, procs):
    """The helper that makes sockets in the namespace is confined (seccomp,
    no new privileges, no descriptors but 0-2 and its socket) and ends with
    burrow."""
    import re
    from test_sandbox import status
    b, g = burrow("--config-net", "-T", "auto")
    m = None

    def found():
        nonlocal m
        m = re.search(r"helper (\d+) in the guest's namespace", b.stderr())
        return m
    wait_for(found, 5, what="the helper's pid in burrow's log")
    pid = int(m.group(1))
    wait_for(lambda: status(pid).get("Seccomp") == "2", 5,
             what="the helper's seccomp filter")
    st = status(pid)
    assert st["NoNewPrivs"] == "1", st
    fds = sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))
    assert len(fds) <= 4 and all(f <= 2 for f in fds[:-1]), fds
    # In the guest's network namespace, not the host's
    assert os.stat("/proc/%d/ns/net" % pid).st_ino == \
        os.stat("/run/netns/%s" % g.ns).st_ino
    b.stop()
    wait_for(lambda: not os.path.exists("/proc/%d/status" % pid) or
             status(pid).get("State", "").startswith("Z"), 5,
             what="the helper to end with burrow")
