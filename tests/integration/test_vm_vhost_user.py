# SPDX-License-Identifier: GPL-2.0-or-later
"""burrow as a vhost-user back-end (--vhost-user -s PATH) for QEMU's
virtio-net: the test guest (tests/guest, QEMU/TCG) with its RAM in a
shared memfd, burrow reading and writing the guest's rings directly.

The same checks as test_vm_stream.py (whose helpers this file imports),
over vhost-user. burrow runs in the test's host namespace (no --netns),
QEMU in a fresh, empty network namespace of its own; the only link
between them is the vhost-user socket in the test's directory.

  guest[split|packed]: one boot per ring layout with --no-dhcpv6 and a
               -t forward: DHCPv4 lease, ping to the gateway, DNS (A and
               AAAA), TCP both ways with sha256, the -t forward both ways,
               a SLAAC address (the RA's A=1), ping6 to the IPv6 gateway;
               burrow's log names the layout the rings started with;
  reconnect:   QEMU exits, a second QEMU on the same socket is served;
  one_off:     --one-off: burrow exits 0 when QEMU goes away;
  garbage:     Python front-ends breaking the protocol: one log line
               each, that connection dropped (or, for a request burrow
               may ignore, ignored with its fds closed), then a real QEMU
               is served.

Environment knobs: those of test_vm_stream.py (BURROW_VM_TCP_MB,
BURROW_VM_TIMEOUT, BURROW_VM_VERBOSE).
"""

import array
import ipaddress
import os
import re
import socket
import struct
import time

import pytest

import qemu_guest as qg
import test_vm_stream as vs
from helpers import GW4, GW6, HOST4, PREFIX4, WWW4, WWW6, wait_for

MiB = vs.MiB
GUEST_MAC = vs.GUEST_MAC

# The fixtures of test_vm_stream.py, shared (burrow started in the host
# namespace and stopped/checked at teardown).
vm_burrow = vs.vm_burrow


@pytest.fixture(scope="module", autouse=True)
def guest_image():
    qg.require_guest()


class VhostGuests(vs.Guests):
    """Guests of one test on vhost-user; new(..., packed=True) for a
    packed ring layout."""

    def new(self, sock, script, name, packed=False):
        g = qg.QemuGuest(qg.vhost_user_args(sock, mac=GUEST_MAC,
                                            packed=packed),
                         script, timeout=vs.GUEST_TIMEOUT,
                         workdir=self.tmpdir, name=name)
        self.all.append(g)
        return g


@pytest.fixture
def guests(request, tmp_path):
    gs = VhostGuests(str(tmp_path))
    request.node._guests = gs
    yield gs
    gs.close()
    for name, r in gs.results:
        print("guest %s: rc %s, %.1f s from QEMU's start to its exit"
              % (name, r.rc, r.elapsed))
        if os.environ.get("BURROW_VM_VERBOSE"):
            print(r.output)


def vu_burrow(vm_burrow, *opts):
    return vm_burrow("--vhost-user", *opts)


def qemu_tail(r):
    return "\n--- qemu stderr ---\n" + (r.stderr[-3000:] or "(empty)")


def explain(r, b, what):
    """test_vm_stream's explain(), and QEMU's stderr (vhost-user errors
    show there)."""
    return vs.explain(r, b, what) + qemu_tail(r)


def check_short(r, b, name):
    try:
        vs.check_short(r, b, name)
    except AssertionError as e:
        raise AssertionError(str(e) + qemu_tail(r)) from None


# --- one boot per ring layout: everything --------------------------------

# test_vm_stream's guest script up to its DHCPv6 (A=0) part, then its
# --no-dhcpv6 part: SLAAC, ping6, DNS over IPv6.
_V6_MARK = "# DHCPv6 is on"
assert _V6_MARK in vs.GUEST_SCRIPT and vs.IPV6_SCRIPT.startswith(vs.FUNCS)
FULL_SCRIPT = vs.GUEST_SCRIPT.split(_V6_MARK)[0] + \
    vs.IPV6_SCRIPT[len(vs.FUNCS):]


@pytest.mark.parametrize("layout", ["split", "packed"])
def test_guest(vm_burrow, guests, topo, procs, tmp_path, layout):
    """DHCP, ping, DNS, TCP both ways, the -t forward both ways, SLAAC and
    ping6: one boot per ring layout."""
    packed = layout == "packed"
    hport, gport = vs.free_port(), vs.free_port()
    while gport in (hport, hport + 1, hport + 2):
        gport = vs.free_port()
    pdown, pup = hport + 1, hport + 2
    n_tcp, n_fwd = vs.TCP_MB * MiB, vs.FWD_MB * MiB
    b = vu_burrow(vm_burrow, "-t", "%d:%d" % (hport, gport), "--no-dhcpv6")
    tmp = str(tmp_path)
    down = vs.Endpoint(procs, topo.host,
                       ["server", "127.0.0.1", pdown, "--send", n_tcp,
                        "--seed", 31, "--order", "send-first"],
                       os.path.join(tmp, "down.stderr"))
    up = vs.Endpoint(procs, topo.host,
                     ["server", "127.0.0.1", pup, "--order", "recv-first"],
                     os.path.join(tmp, "up.stderr"))
    assert down.line(10) == "ready" and up.line(10) == "ready"

    script = FULL_SCRIPT % dict(pdown=pdown, pup=pup, gport=gport,
                                up_mb=vs.TCP_MB, fwd_mb=vs.FWD_MB, gw6=GW6)
    g = guests.new(b.path, script, layout, packed=packed)
    g.start()
    try:
        def fwd_ready():
            b.check()
            if g.proc.poll() is not None or qg.END_RE.search(g.console()):
                raise AssertionError("the guest ended before its -t "
                                     "listener was up:\n"
                                     + g.console()[-4000:] + "\n"
                                     + b.describe())
            return "T:fwd_ready 1" in g.console()
        wait_for(fwd_ready, vs.GUEST_TIMEOUT, interval=0.2,
                 what="the guest's listener for the -t forward")
        cli = vs.Endpoint(procs, topo.host,
                          ["client", "127.0.0.1", hport, "--order",
                           "recv-first", "--send", n_fwd, "--seed", 32,
                           "--connect-timeout", 10],
                          os.path.join(tmp, "fwd.stderr"))
        fwd = cli.json(120)
        r = g.wait()
    finally:
        g.close()
    guests.results.append((layout, r))
    f = vs.facts(r.output)
    e = vs.env_vars(r.output)
    why = lambda what: explain(r, b, "[%s] %s" % (layout, what))  # noqa
    assert r.rc == 0, why("guest script failed (rc %d)" % r.rc)

    # The layout the rings started with, from burrow's debug log.
    log = b.stderr()
    assert "ring 0 started (%s" % layout in log and \
        "ring 1 started (%s" % layout in log, \
        why("burrow's log does not say the rings started %s" % layout)
    other = "split" if packed else "packed"
    assert "started (%s" % other not in log, why("a %s ring" % other)
    # Linux takes both checksum offloads: the transfers above passed with
    # partial checksums both ways.
    assert "partial checksums from the guest yes, to it yes" in log, \
        why("checksum offload not negotiated")

    # DHCP
    assert f["mac"] == GUEST_MAC, why("MAC")
    assert e.get("ip") == HOST4, why("leased address %r" % e.get("ip"))
    assert e.get("mask") == str(PREFIX4), why("mask %r" % e.get("mask"))
    assert e.get("router", "").split() == [GW4], why("router")
    assert e.get("dns", "").split() == [GW4], why("DNS server")
    assert f["addr"] == "%s/%d" % (HOST4, PREFIX4), why("address applied")
    assert "via %s" % GW4 in f["route4"], why("default route")
    # ping, DNS
    assert f["ping_rc"] == "0" and "3 packets received" in f["ping"], \
        why("ping to the gateway")
    assert f["dns_rc"] == "0" and WWW4 in f["dns"].split(), \
        why("nslookup www.example.test (A) through the gateway")
    assert WWW6 in f["dns"].split(), why("AAAA through the gateway")

    # TCP, host -> guest
    assert f["down_rc"] == "0", why("nc (download) failed")
    assert int(f["down_len"]) == n_tcp, why("download: %s bytes, not %d"
                                            % (f["down_len"], n_tcp))
    assert vs.sha(f["down_sha"]) == vs.digest(31, n_tcp), \
        why("download: the bytes differ")
    dres = down.json(10)
    assert dres.get("sent") == n_tcp and "send_err" not in dres, \
        why("download server: %s" % dres)
    # TCP, guest -> host
    ures = up.json(10)
    assert f["up_rc"] == "0", why("nc (upload) failed")
    assert "recv_err" not in ures and ures["eof"], why("upload: %s" % ures)
    assert ures["recv"] == n_tcp, why("upload: %d bytes arrived, not %d"
                                      % (ures["recv"], n_tcp))
    assert ures["sha_recv"] == vs.sha(f["up_sha"]), \
        why("upload: the bytes differ")
    # -t forward, both ways on one connection
    assert "connect_err" not in fwd, why("-t connect: %s" % fwd)
    assert fwd["eof"] and "recv_err" not in fwd, why("-t recv: %s" % fwd)
    assert fwd["recv"] == n_fwd and \
        fwd["sha_recv"] == vs.sha(f["fsrc_sha"]), \
        why("-t forward, guest -> host client: %d bytes, sha %s vs %s"
            % (fwd["recv"], fwd["sha_recv"], f["fsrc_sha"]))
    assert fwd["sent"] == n_fwd and "send_err" not in fwd, \
        why("-t send: %s" % fwd)
    assert f["fwd_rc"] == "0", why("guest nc -l failed")
    assert int(f["fgot_len"]) == n_fwd and \
        vs.sha(f["fgot_sha"]) == vs.digest(32, n_fwd), \
        why("-t forward, host client -> guest: %s bytes" % f["fgot_len"])

    # IPv6: --no-dhcpv6, so the RA says A=1: SLAAC on the prefix.
    want = ipaddress.ip_interface(vs.eui64("2001:db8:1::", GUEST_MAC)
                                  + "/64")
    got = [ipaddress.ip_interface(a) for a in f["v6global"].split()]
    assert got == [want], why("SLAAC: global addresses %r, expected %s"
                              % (f["v6global"], want))
    assert "tentative" not in f["v6flags"], why("DAD did not finish")
    assert "via fe80:" in f["route6"], why("no default route from the RA")
    assert f["ping6_rc"] == "0" and "3 packets received" in f["ping6"], \
        why("ping6 to the gateway %s" % GW6)
    assert f["dns6_rc"] == "0" and WWW4 in f["dns6"].split() and \
        WWW6 in f["dns6"].split(), why("nslookup via %s" % GW6)
    assert b.alive(), b.describe()

    # The guest's TCP payload went to the host sockets from guest memory
    # (counted in burrow's exit statistics).
    b.stop()
    m = re.search(r"\((\d+) with the payload read in place\)", b.stderr())
    assert m and int(m.group(1)) > 100, \
        why("TCP payload was not written from guest memory: %s"
            % (m.group(0) if m else "no statistics"))
    # ... and the host's data was received by the kernel straight into the
    # guest's receive buffers (the checksums above prove it arrived whole).
    m = re.search(r"\((\d+) received in place\)", b.stderr())
    assert m and int(m.group(1)) > 100, \
        why("TCP data was not received into guest memory: %s"
            % (m.group(0) if m else "no statistics"))


# --- front-ends coming and going -----------------------------------------

def test_reconnect(vm_burrow, guests):
    """Without --one-off: QEMU exits, a second QEMU on the same socket is
    served."""
    b = vu_burrow(vm_burrow)
    r1 = guests.run(b.path, vs.SHORT_SCRIPT, "first")
    check_short(r1, b, "first guest")
    wait_for(lambda: b.check() or
             b.count("front-end disconnected") >= 1, 10,
             what="burrow to see the first QEMU go\n" + b.describe())
    assert b.alive(), "burrow exited after the first front-end\n" + \
        b.describe()
    r2 = guests.run(b.path, vs.SHORT_SCRIPT, "second")
    check_short(r2, b, "second guest")
    wait_for(lambda: b.check() or
             b.count("front-end disconnected") >= 2, 10,
             what="burrow to see the second QEMU go\n" + b.describe())
    assert b.count("vhost-user: front-end connected") == 2, b.describe()
    assert b.count("vhost-user: front-end disconnected") == 2, \
        b.describe()
    assert b.count("ring 0 started (split") >= 2, b.describe()
    assert b.alive(), b.describe()


def test_one_off(vm_burrow, guests):
    """--one-off: burrow exits 0 when QEMU goes away."""
    b = vu_burrow(vm_burrow, "--one-off")
    r = guests.run(b.path, vs.SHORT_SCRIPT, "one-off")
    check_short(r, b, "guest")
    try:
        b.p.wait(timeout=10)
    except Exception:
        raise AssertionError("burrow --one-off still running 10 s after "
                             "QEMU exited\n" + b.describe())
    b.stop(expect_clean=False)
    assert b.crash_reason() is None, "burrow crashed: %s\n%s" % (
        b.crash_reason(), b.describe())
    assert b.p.returncode == 0, "burrow --one-off exited with %s\n%s" % (
        b.p.returncode, b.describe())
    assert b.count("vhost-user: front-end disconnected") == 1, b.describe()
    assert not vs.helpers.processes_with_token(b.token), \
        "processes left behind by burrow"


# --- fake front-ends breaking the protocol -------------------------------

VU_VERSION, VU_REPLY = 0x1, 0x4
GET_FEATURES, SET_OWNER, GET_CONFIG = 1, 3, 24
VU_F_VERSION_1 = 1 << 32


class FakeFront:
    """A Python vhost-user front-end on burrow's socket."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)

    def send(self, request, payload=b"", flags=VU_VERSION, size=None,
             fds=()):
        hdr = struct.pack("=III", request, flags,
                          len(payload) if size is None else size)
        anc = []
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                    array.array("i", fds))]
        self.s.sendmsg([hdr + payload], anc)

    def get_features(self, timeout=5):
        """GET_FEATURES answered: the feature bits (None: no answer)."""
        self.send(GET_FEATURES)
        self.s.settimeout(timeout)
        buf = b""
        try:
            while len(buf) < 20:
                d = self.s.recv(20 - len(buf))
                if not d:
                    return None
                buf += d
        except (socket.timeout, ConnectionResetError):
            return None
        req, flags, size = struct.unpack("=III", buf[:12])
        assert (req, flags & VU_REPLY, size) == (GET_FEATURES, VU_REPLY, 8), \
            "odd GET_FEATURES reply %r" % buf
        return struct.unpack("=Q", buf[12:])[0]

    def closed_by_peer(self, timeout=5):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.s.settimeout(max(0.05, end - time.monotonic()))
            try:
                if not self.s.recv(4096):
                    return True
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
        return False

    def close(self):
        self.s.close()


def pipe_closed_elsewhere(rfd, timeout=3):
    """Our write end is closed: EOF on @rfd once no one else (burrow)
    holds a copy of it."""
    end = time.monotonic() + timeout
    os.set_blocking(rfd, False)
    while time.monotonic() < end:
        try:
            if os.read(rfd, 64) == b"":
                return True
        except BlockingIOError:
            pass
        time.sleep(0.05)
    return False


# (name, what to send, the log line burrow writes): each ends the session.
def _fds(n):
    return [os.open("/dev/null", os.O_RDONLY) for _ in range(n)]


BROKEN = [
    ("absurd size", lambda c: c.send(GET_FEATURES, size=0xFFFFFFFF),
     "payload size 4294967295 above 4096; disconnecting front-end"),
    ("bad version", lambda c: c.send(GET_FEATURES, flags=0x2),
     "bad header flags 0x2; disconnecting front-end"),
    ("reply flag", lambda c: c.send(GET_FEATURES, flags=VU_VERSION
                                    | VU_REPLY),
     "bad header flags 0x5; disconnecting front-end"),
    ("fd on SET_OWNER", lambda c: c.send(SET_OWNER, fds=c.take(_fds(1))),
     "SET_OWNER (request 3): 1 fds attached, at most 0 expected; "
     "disconnecting front-end"),
    ("nine fds", lambda c: c.send(9999, fds=c.take(_fds(9))),
     "more than 8 fds attached; disconnecting front-end"),
    ("unanswerable", lambda c: c.send(GET_CONFIG, b"\0" * 12),
     "GET_CONFIG (request 24): not supported, and the front-end waits "
     "for an answer; disconnecting front-end"),
    ("short payload", lambda c: (c.send(SET_OWNER, size=8),
                                 c.s.sendall(b"\0" * 3),
                                 c.s.shutdown(socket.SHUT_WR)),
     "payload: end of file after 3 of 8 bytes; disconnecting front-end"),
    ("short header", lambda c: (c.s.sendall(b"\1\0\0\0\1\0"),
                                c.s.shutdown(socket.SHUT_WR)),
     "message header: end of file after 6 of 12 bytes; disconnecting "
     "front-end"),
]


def test_garbage_then_qemu(vm_burrow, guests):
    """Front-ends that break the protocol: one log line each, their
    connection dropped; an unknown request with fds is ignored (one log
    line, its fds closed, the session goes on); a second front-end while
    one is connected is refused; then a real QEMU is served."""
    b = vu_burrow(vm_burrow)
    null0 = devnull_fds(b.pid)
    fakes, ours = [], []

    def track(c):
        c.take = lambda fds: (ours.extend(fds), fds)[1]
        fakes.append(c)
        return c
    try:
        # A well-behaved start, a second front-end refused meanwhile.
        c = track(FakeFront(b.path))
        feats = c.get_features()
        assert feats is not None and feats & VU_F_VERSION_1, \
            "GET_FEATURES: %r\n%s" % (feats, b.describe())
        other = track(FakeFront(b.path))
        assert other.closed_by_peer(), \
            "a second front-end was not refused\n" + b.describe()
        assert b.count("a front-end is connected already") == 1, \
            b.describe()
        assert c.get_features() == feats, \
            "first front-end lost after the refusal\n" + b.describe()

        # An unknown request with fds: one line, fds not kept, ignored.
        for i in range(2):
            rfd, wfd = os.pipe()
            ours.append(rfd)
            c.send(9999, b"\0" * 8, fds=[wfd, wfd])
            os.close(wfd)
            assert pipe_closed_elsewhere(rfd), \
                "burrow kept the fds of an unknown request\n" + b.describe()
            assert c.get_features() == feats, \
                "session lost after an unknown request (%d)\n%s" % (
                    i, b.describe())
        assert b.count("(request 9999) not supported, ignored") == 1, \
            "not logged exactly once per session\n" + b.describe()
        c.close()
        wait_for(lambda: b.count("vhost-user: front-end disconnected")
                 >= 1, 3, what="the first front-end's end\n"
                 + b.describe())

        # Protocol violations: one line each, connection dropped.
        for i, (name, act, line) in enumerate(BROKEN):
            c = track(FakeFront(b.path))
            assert c.get_features() == feats, \
                "%s: not served first\n%s" % (name, b.describe())
            warns0 = b.count("disconnecting front-end")
            act(c)
            assert c.closed_by_peer(), \
                "%s: connection not dropped\n%s" % (name, b.describe())
            wait_for(lambda: b.count("vhost-user: front-end disconnected")
                     >= i + 2, 3, what="%s: burrow to drop the front-end"
                     "\n%s" % (name, b.describe()))
            assert b.count(line) == 1, \
                "%s: no log line %r\n%s" % (name, line, b.describe())
            assert b.count("disconnecting front-end") == warns0 + 1, \
                "%s: not one line\n%s" % (name, b.describe())
            c.close()
            b.check()
    finally:
        for c in fakes:
            c.close()
        for fd in ours:
            try:
                os.close(fd)
            except OSError:
                pass
    # Nothing leaked: burrow holds no more /dev/null descriptors (what
    # the fake front-ends sent it) than before they came.
    assert devnull_fds(b.pid) == null0, \
        "burrow kept descriptors sent with broken messages: %d /dev/null " \
        "fds, %d before\n%s" % (devnull_fds(b.pid), null0, b.describe())

    # And then a real QEMU is served.
    r = guests.run(b.path, vs.SHORT_SCRIPT, "after-garbage")
    check_short(r, b, "guest after the fake front-ends")
    assert b.alive(), b.describe()


def devnull_fds(pid):
    """How many of @pid's descriptors are /dev/null."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)) == "/dev/null"
        except OSError:
            pass
    return n


@pytest.mark.parametrize("layout", ["split", "packed"])
def test_qemu_killed(vm_burrow, guests, procs, topo, tmp_path, layout):
    """QEMU SIGKILLed with both rings running (no GET_VRING_BASE, no
    goodbye): burrow forgets it, the host connection ends, and the next
    QEMU on the same socket is served with no descriptor leaked."""
    b = vu_burrow(vm_burrow)

    def new_guest(script, name):
        return guests.new(b.path, script, name, packed=layout == "packed")
    vs.qemu_killed_then_next(b, new_guest, procs, topo, tmp_path)
