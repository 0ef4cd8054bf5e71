# SPDX-License-Identifier: GPL-2.0-or-later
"""TCP through burrow, checked byte for byte (sha256).

Two paths, each in IPv4 and IPv6 where it matters:
  out: the guest connects out, to the gateway address (the host
       namespace's loopback) or to a remote host in the "net" namespace;
  fwd: a client in the host namespace connects to 127.0.0.1 / ::1 on a
       -t port and burrow forwards the connection to the guest's server.

Bulk transfers (1 GiB each way at once, marked slow; BURROW_TCP_BULK
sets the size, smaller by default against an ASan build), 500 concurrent
connections, half-close both ways, RST both ways, refused connections,
a host peer killed mid-transfer, backpressure with burrow's RSS watched,
and a small host send buffer without retransmission timeouts.
"""

import functools
import json
import os
import random
import select
import signal
import threading
import time

import pytest

import helpers
from helpers import GW4, GW6, HERE, REMOTE4, REMOTE6, is_sanitized

TOOL = os.path.join(HERE, "tcp_tool.py")
PY = "/usr/bin/python3"
MiB = 1 << 20
GiB = 1 << 30

ASAN = is_sanitized(helpers.burrow_bin())


def env_size(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


# Bulk transfer size, each way. An ASan build moves data several times
# slower: scale it down unless asked otherwise.
BULK = env_size("BURROW_TCP_BULK", 256 * MiB if ASAN else GiB)
# Backpressure: what the writer would push without it, and the bounds.
BP_SIZE = env_size("BURROW_TCP_BP_SIZE", 256 * MiB)
BP_PAUSE = 3.0
BP_INFLIGHT_MAX = 48 * MiB  # guest/host socket buffers, burrow's window
RSS_MAX_KIB = 64 * 1024  # release build
RSS_GROWTH_MAX_KIB = 32 * 1024  # any build, over its idle RSS
# A bulk direction that moves nothing for this long is stuck (the link is
# memory: even a retransmission timeout or two fit well within it).
STALL = 5.0


@functools.lru_cache(maxsize=None)
def digest(seed, n):
    import tcp_tool
    return tcp_tool.digest(seed, n)


def free_port():
    return random.randint(20000, 40000)


def loopback(fam):
    return "127.0.0.1" if fam == 4 else "::1"


def wildcard(fam):
    return "0.0.0.0" if fam == 4 else "::"


def gateway(fam):
    return GW4 if fam == 4 else GW6


def remote(fam):
    return REMOTE4 if fam == 4 else REMOTE6


class Endpoint:
    """A tcp_tool.py process in the background: lines from its stdout,
    with timeouts (raw reads, so nothing hides in a buffer)."""

    def __init__(self, procs, ns, argv, errpath):
        self.errpath = errpath
        self.errf = open(errpath, "wb")
        self.p = procs.start([PY, TOOL] + [str(a) for a in argv], ns=ns,
                             stderr=self.errf, text=False)
        self.errf.close()
        self.buf = b""
        self.argv = argv
        # From "p SENT RECEIVED" lines (--report).
        self.sent = self.recv = 0
        self.changed = time.monotonic()

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode(errors="replace")

    def line(self, timeout, check=None):
        """The next line (progress lines are taken, not returned); @check()
        is called twice a second meanwhile (it raises to give up early,
        e.g. when burrow died or a transfer stalled)."""
        end = time.monotonic() + timeout
        checked = time.monotonic()
        fd = self.p.stdout.fileno()
        while True:
            while b"\n" in self.buf:
                ln, self.buf = self.buf.split(b"\n", 1)
                if not self.take_progress(ln):
                    return ln.decode(errors="replace").strip()
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    "no output from %s within %.1fs (exit %s)\nstderr: %s"
                    % (" ".join(map(str, self.argv)), timeout, self.p.poll(),
                       self.stderr()[-3000:]))
            if select.select([fd], [], [], min(left, 0.5))[0]:
                d = os.read(fd, 65536)
                if not d:
                    raise AssertionError(
                        "%s exited (%s) without the line we wait for\n"
                        "stderr: %s" % (" ".join(map(str, self.argv)),
                                        self.p.wait(),
                                        self.stderr()[-3000:]))
                self.buf += d
            if check and time.monotonic() - checked >= 0.5:
                checked = time.monotonic()
                check()

    def take_progress(self, ln):
        f = ln.split()
        if len(f) != 3 or f[0] != b"p":
            return False
        recv = int(f[2])
        if recv != self.recv:
            self.changed = time.monotonic()
        self.sent, self.recv = int(f[1]), recv
        return True

    def poll_progress(self):
        """Take any progress lines already written; keep the rest."""
        fd = self.p.stdout.fileno()
        while select.select([fd], [], [], 0)[0]:
            d = os.read(fd, 65536)
            if not d:
                break
            self.buf += d
        keep = [ln + b"\n" for ln in self.buf.split(b"\n")[:-1]
                if not self.take_progress(ln)]
        self.buf = b"".join(keep) + self.buf.rsplit(b"\n", 1)[-1]

    def expect(self, what, timeout=10, check=None):
        ln = self.line(timeout, check)
        assert ln == what, "expected %r from %s, got %r" % (
            what, self.argv, ln)

    def json(self, timeout, check=None):
        while True:
            ln = self.line(timeout, check)
            if ln.startswith("{"):
                return json.loads(ln)

    def kill(self):
        helpers.killpg(self.p, signal.SIGKILL)
        self.p.wait(timeout=5)


class Path:
    """Where the server and the client of one connection run.

    out:    server in the host namespace (or the net namespace if
            remote) on the loopback (remote) address, the guest connects
            to the gateway (remote) address;
    fwd:    burrow forwards host port @hport to guest port @gport, the
            server in the guest listens on the wildcard address, the client
            in the host namespace connects to the loopback address.
    splice: -T: the guest connects to its own loopback at @hport, burrow
            joins that to the host's loopback with splice(), no frames.
    """

    def __init__(self, burrow, topo, procs, tmp_path, kind, fam,
                 extra=(), hport=None, gport=None, burrow_opts=None):
        self.topo = topo
        self.procs = procs
        self.tmp = str(tmp_path)
        self.kind = kind
        self.fam = fam
        self.n = 0
        port = hport or free_port()
        self.hport = port
        self.gport = gport or port
        opts = ["--config-net"] + list(extra)
        if burrow_opts is not None:
            opts += burrow_opts
        elif kind == "fwd":
            opts += ["-t", str(port) if self.gport == port
                     else "%d:%d" % (port, self.gport)]
        elif kind == "splice":
            opts += ["-T", str(port)]
        self.b, self.g = burrow(*opts)
        self.rss0 = self.b.rss_kib()
        if kind == "out":
            self.srv_ns, self.srv_addr = topo.host, loopback(fam)
            self.cli_ns, self.cli_addr = self.g.ns, gateway(fam)
        elif kind == "remote":
            self.srv_ns, self.srv_addr = topo.net, remote(fam)
            self.cli_ns, self.cli_addr = self.g.ns, remote(fam)
        elif kind == "splice":
            self.srv_ns, self.srv_addr = topo.host, loopback(fam)
            self.cli_ns, self.cli_addr = self.g.ns, loopback(fam)
        else:
            self.srv_ns, self.srv_addr = self.g.ns, wildcard(fam)
            self.cli_ns, self.cli_addr = topo.host, loopback(fam)
        # Which end of the connection is in the guest.
        self.guest_is_client = kind != "fwd"

    def check(self):
        """Give up at once if burrow is gone: nothing will move."""
        if not self.b.alive():
            raise AssertionError("burrow exited during the transfer\n"
                                 + self.b.describe())

    def _ep(self, argv, ns, name):
        self.n += 1
        return Endpoint(self.procs, ns, argv, os.path.join(
            self.tmp, "%s-%d.stderr" % (name, self.n)))

    def server(self, *opts, port=None):
        port = port or (self.gport if self.kind == "fwd" else self.hport)
        e = self._ep(["server", self.srv_addr, port] + list(opts),
                     self.srv_ns, "server")
        e.expect("ready")
        return e

    def client(self, *opts, port=None):
        port = port or self.hport
        return self._ep(["client", self.cli_addr, port] + list(opts),
                        self.cli_ns, "client")

    def pair(self, guest_opts, host_opts, timeout=30, want=None):
        """One connection: the guest's end with @guest_opts, the host's
        with @host_opts. Returns (guest result, host result).

        With @want = (bytes guest -> host, bytes host -> guest), both ends
        report progress, and a direction that moves nothing for STALL
        seconds before it is complete fails the test at once."""
        if want:
            guest_opts = list(guest_opts) + ["--report"]
            host_opts = list(host_opts) + ["--report"]
        if self.guest_is_client:
            srv_opts, cli_opts = host_opts, guest_opts
        else:
            srv_opts, cli_opts = guest_opts, host_opts
        s = self.server(*srv_opts)
        c = self.client(*cli_opts)
        g, h = (c, s) if self.guest_is_client else (s, c)
        check = self.check
        if want:
            def check():
                self.check()
                self.check_stall(g, h, want)
        cr = c.json(timeout, check)
        sr = s.json(timeout, check)
        return (cr, sr) if self.guest_is_client else (sr, cr)

    def check_stall(self, g, h, want):
        now = time.monotonic()
        for e in (g, h):
            e.poll_progress()
        for name, rx, tx, n in (("guest -> host", h, g, want[0]),
                                ("host -> guest", g, h, want[1])):
            if rx.recv < n and now - rx.changed > STALL:
                raise AssertionError(
                    "%s stalled: %d of %d bytes received, nothing for "
                    "%.1fs (sender says %d sent)\n%s\n%s" % (
                        name, rx.recv, n, now - rx.changed, tx.sent,
                        self.snapshot(), self.b.describe()))

    def snapshot(self):
        out = []
        for what, ns in (("guest", self.g.ns), ("host", self.topo.host)):
            r = helpers.run(["ss", "-tnio"], ns=ns, check=False)
            out.append("--- ss -tnio in the %s namespace ---\n%s"
                       % (what, r.stdout))
        return "\n".join(out)


@pytest.fixture
def path(burrow, topo, procs, tmp_path):
    def make(kind, fam, **kw):
        return Path(burrow, topo, procs, tmp_path, kind, fam, **kw)
    return make


def check_stream(res, seed, n, what):
    assert "recv_err" not in res, "%s: receive failed: %s" % (what, res)
    assert res["eof"], "%s: no end of stream: %s" % (what, res)
    assert res["recv"] == n, "%s: %d bytes received, not %d" % (
        what, res["recv"], n)
    assert res["sha_recv"] == digest(seed, n), \
        "%s: %d bytes arrived, but not the bytes sent" % (what, n)


def check_sent(res, n, what):
    assert "send_err" not in res, "%s: send failed: %s" % (what, res)
    assert res["sent"] == n, "%s: sent %d of %d" % (what, res["sent"], n)


def duplex(p, n, gseed=11, hseed=22, timeout=120):
    """@n bytes each way at once; everything checked."""
    gr, hr = p.pair(["--send", n, "--seed", gseed],
                    ["--send", n, "--seed", hseed], timeout=timeout,
                    want=(n, n))
    check_sent(gr, n, "guest")
    check_sent(hr, n, "host")
    check_stream(hr, gseed, n, "guest -> host")
    check_stream(gr, hseed, n, "host -> guest")
    return gr, hr


def bulk_timeout(n):
    # ~2 Gbit/s at least, even for an ASan build: anything slower is a bug.
    return 30 + n / (250 * MiB)


# -- bulk -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("kind", ["out", "remote", "fwd", "splice"])
@pytest.mark.parametrize("fam", [4, 6])
def test_bulk(path, kind, fam):
    p = path(kind, fam)
    t0 = time.monotonic()
    duplex(p, BULK, timeout=bulk_timeout(BULK))
    print("%s v%d: %d MiB each way in %.2fs" % (
        kind, fam, BULK // MiB, time.monotonic() - t0))


@pytest.mark.slow
@pytest.mark.parametrize("fam", [4, 6])
def test_forward_range(path, fam):
    first = free_port()
    last = first + 9
    p = path("fwd", fam, burrow_opts=["-t", "%d-%d" % (first, last)])
    for port, n in ((first, MiB), (first + 5, BULK), (last, MiB)):
        p.hport = p.gport = port
        duplex(p, n, timeout=bulk_timeout(n))
    # A port next to the range is not forwarded: nothing listens there.
    p.hport = p.gport = last + 1
    r = p.client("--hello").json(10)
    assert r.get("connect_err") == "ECONNREFUSED", r


@pytest.mark.slow
@pytest.mark.parametrize("fam", [4, 6])
def test_forward_mapping(path, fam):
    hport = free_port()
    p = path("fwd", fam, hport=hport, gport=hport + 1000)
    duplex(p, BULK, timeout=bulk_timeout(BULK))


# -- many connections ---------------------------------------------------------

@pytest.mark.parametrize("kind,fam", [("out", 4), ("out", 6), ("fwd", 4)])
def test_500_connections(path, kind, fam):
    p = path(kind, fam)
    port = p.gport if kind == "fwd" else p.hport
    e = p._ep(["echo-server", p.srv_addr, port], p.srv_ns, "echo")
    e.expect("ready")
    r = helpers.run([PY, TOOL, "many", p.cli_addr, p.hport, 500,
                     "--size", 3000, "--timeout", 40],
                    ns=p.cli_ns, timeout=60, check=False)
    assert r.stdout.strip(), "many: no output: %s" % r.stderr
    res = json.loads(r.stdout)
    assert res["ok"] == 500, res
    print("500 connections in %.2fs" % res["time"])


# -- half-close ---------------------------------------------------------------

HALF = 16 * MiB


@pytest.mark.parametrize("kind,fam", [("out", 4), ("out", 6), ("fwd", 4)])
def test_half_close_guest_first(path, kind, fam):
    # The guest sends everything and shuts down its write side; only then
    # does the host start sending, and the guest still gets all of it.
    p = path(kind, fam)
    gr, hr = p.pair(["--send", HALF, "--seed", 3, "--order", "send-first"],
                    ["--send", HALF // 2, "--seed", 4,
                     "--order", "recv-first"])
    check_sent(gr, HALF, "guest")
    check_sent(hr, HALF // 2, "host")
    check_stream(hr, 3, HALF, "guest -> host")
    check_stream(gr, 4, HALF // 2, "host -> guest, after the guest's FIN")


@pytest.mark.parametrize("kind,fam", [("out", 4), ("out", 6), ("fwd", 4)])
def test_half_close_host_first(path, kind, fam):
    p = path(kind, fam)
    gr, hr = p.pair(["--send", HALF // 2, "--seed", 5,
                     "--order", "recv-first"],
                    ["--send", HALF, "--seed", 6, "--order", "send-first"])
    check_sent(gr, HALF // 2, "guest")
    check_sent(hr, HALF, "host")
    check_stream(gr, 6, HALF, "host -> guest")
    check_stream(hr, 5, HALF // 2, "guest -> host, after the host's FIN")


# -- RST ----------------------------------------------------------------------

def abort_opts(aborter_is_server):
    """(aborter's options, the other end's): the aborting end closes with
    SO_LINGER 0 only after the other end is known to be established."""
    if aborter_is_server:
        return ["--hello", "--abort"], ["--hello"]
    return ["--hello", "--wait-ok", "--abort"], ["--hello", "--wait-ok"]


def check_reset(res, what):
    err = res.get("recv_err") or res.get("hello_err")
    assert err == "ECONNRESET", "%s: expected ECONNRESET, got %s" % (
        what, res)


@pytest.mark.parametrize("kind,fam", [("out", 4), ("out", 6), ("fwd", 4),
                                      ("fwd", 6)])
def test_rst_from_guest(path, kind, fam):
    p = path(kind, fam)
    ab, other = abort_opts(aborter_is_server=not p.guest_is_client)
    gr, hr = p.pair(ab, other, timeout=10)
    assert gr.get("aborted"), gr
    check_reset(hr, "host peer after the guest's RST")


@pytest.mark.parametrize("kind,fam", [("out", 4), ("out", 6), ("fwd", 4),
                                      ("fwd", 6)])
def test_rst_from_host(path, kind, fam):
    p = path(kind, fam)
    ab, other = abort_opts(aborter_is_server=p.guest_is_client)
    gr, hr = p.pair(other, ab, timeout=10)
    assert hr.get("aborted"), hr
    check_reset(gr, "guest after the host peer's RST")


# -- refused --------------------------------------------------------------

@pytest.mark.parametrize("kind", ["out", "remote"])
@pytest.mark.parametrize("fam", [4, 6])
def test_refused(path, kind, fam):
    # Nothing listens: the guest's connect() fails at once, with
    # ECONNREFUSED (an RST with ACK), not after a SYN timeout.
    p = path(kind, fam)
    for _ in range(3):
        r = p.client("--connect-timeout", 5).json(10)
        assert r.get("connect_err") == "ECONNREFUSED", r
        assert r["connect_time"] < 0.5, r


def test_forward_no_listener(path):
    # -t to a guest port where nothing listens: burrow has accepted the
    # host connection already; the guest's RST must end it, soon.
    p = path("fwd", 4)
    # The host kernel completes the handshake with burrow's listening
    # socket; the reset may come before or after connect() returns.
    r = p.client("--hello").json(10)
    err = r.get("connect_err") or r.get("hello_err") or r.get("recv_err")
    assert err in ("ECONNRESET", "EPIPE") or r.get("eof"), r


# -- host peer killed -----------------------------------------------------

@pytest.mark.parametrize("kind", ["out", "fwd"])
@pytest.mark.parametrize("host_role", ["sender", "receiver"])
def test_host_peer_killed(path, kind, host_role):
    # kill -9 of the host-side process mid-transfer: its kernel closes
    # the socket (FIN, or RST with unread data), and the guest's end must
    # end with an error or EOF, not hang.
    p = path(kind, 4)
    prog = ["--progress", 8 * MiB]
    if host_role == "sender":
        host_opts, guest_opts = ["--send", -1, "--no-recv"] + prog, []
    else:
        host_opts, guest_opts = prog, ["--send", -1, "--no-recv"]
    if p.guest_is_client:
        h = p.server(*host_opts)
        g = p.client(*guest_opts)
    else:
        g = p.server(*guest_opts)
        h = p.client(*host_opts)
    h.expect("progress", timeout=20, check=p.check)
    h.kill()
    t0 = time.monotonic()
    res = g.json(15, p.check)
    took = time.monotonic() - t0
    if host_role == "sender":
        assert res["recv"] > 0, res
        assert res.get("eof") or res.get("recv_err"), res
    else:
        assert res["sent"] > 0, res
        assert res.get("send_err") in ("ECONNRESET", "EPIPE"), res
    print("guest's end finished %.2fs after the kill: %s" % (took, {
        k: v for k, v in res.items() if k in ("eof", "recv_err",
                                              "send_err")}))


# -- backpressure -----------------------------------------------------------

def sent_at(timeline, t):
    """Bytes sent by time @t, from a (time, bytes) timeline."""
    best = 0
    for ts, n in timeline:
        if ts > t:
            break
        best = n
    return best


class RssWatch:
    """Samples burrow's VmRSS every 20 ms in a thread."""

    def __init__(self, b):
        self.b = b
        self.max = 0
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            try:
                self.max = max(self.max, self.b.rss_kib())
            except (OSError, AttributeError):
                return
            self.stop.wait(0.02)

    def done(self):
        self.stop.set()
        self.t.join()
        return self.max


@pytest.mark.parametrize("kind", ["out", "fwd"])
@pytest.mark.parametrize("direction", ["guest_writes", "host_writes"])
def test_backpressure(path, kind, direction):
    # The reader reads nothing for BP_PAUSE seconds: the writer must stall
    # with a bounded amount in flight, burrow must not buffer it (RSS),
    # and everything arrives once the reader resumes.
    p = path(kind, 4)
    n = BP_SIZE
    writer = ["--send", n, "--seed", 7, "--no-recv", "--timeline"]
    reader = ["--pause", BP_PAUSE]
    rss = RssWatch(p.b)
    try:
        if direction == "guest_writes":
            gr, hr = p.pair(writer, reader, timeout=60)
            wr, rr = gr, hr
        else:
            gr, hr = p.pair(reader, writer, timeout=60)
            wr, rr = hr, gr
    finally:
        rss_max = rss.done()
    check_sent(wr, n, "writer")
    check_stream(rr, 7, n, "after the pause")
    resume = rr["t_resume"]
    start = resume - BP_PAUSE
    tl = wr["timeline"]
    early = sent_at(tl, start + 1.5)
    late = sent_at(tl, resume - 0.1)
    assert late <= BP_INFLIGHT_MAX, \
        "the writer got %d MiB out while nobody read (of %d MiB)" % (
            late // MiB, n // MiB)
    assert late - early < MiB, \
        "the writer kept going while nobody read: %d bytes at +1.5s, " \
        "%d at the end of the pause" % (early, late)
    growth = rss_max - p.rss0
    print("in flight while paused: %.1f MiB; burrow RSS %d KiB at start, "
          "%d KiB at most" % (late / MiB, p.rss0, rss_max))
    assert growth < RSS_GROWTH_MAX_KIB, \
        "burrow's RSS grew by %d KiB (%d -> %d)" % (growth, p.rss0, rss_max)
    if not ASAN:
        assert rss_max < RSS_MAX_KIB, "burrow's RSS reached %d KiB" % rss_max


# -- small host send buffer ---------------------------------------------------

@pytest.mark.parametrize("fam", [4, 6])
def test_small_host_sndbuf(burrow, topo, procs, tmp_path, fam):
    # A host socket with a small send buffer: the window burrow offers
    # the guest follows it, so a guest sending 200 MB never meets a short
    # write and never has to wait for a retransmission timeout.
    topo.in_host(["sysctl", "-q", "-w",
                  "net.ipv4.tcp_wmem=4096 16384 65536"])
    p = Path(burrow, topo, procs, tmp_path, "out", fam)
    n = 200 * 1000 * 1000
    t0 = time.monotonic()
    gr, hr = p.pair(["--send", n, "--seed", 9, "--no-recv"], [],
                    timeout=90)
    took = time.monotonic() - t0
    check_sent(gr, n, "guest")
    check_stream(hr, 9, n, "guest -> host")
    r = p.g(["nstat", "-asz", "TcpExtTCPTimeouts"])
    timeouts = 0
    for ln in r.stdout.splitlines():
        f = ln.split()
        if f and f[0] == "TcpExtTCPTimeouts":
            timeouts = int(f[1])
    print("200 MB in %.2fs (%.0f MB/s), TCPTimeouts in the guest: %d"
          % (took, n / took / 1e6, timeouts))
    assert timeouts < 5, "%d retransmission timeouts in the guest" % \
        timeouts
    assert took < 60, "200 MB took %.1fs" % took


# --- a host peer that writes and closes at once ------------------------------

# Host side: accept one connection, write BANNER, close at once: the data
# and the end of stream reach burrow before the guest's handshake is done.
BANNER_SERVER = r"""
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen()
print("ready", flush=True)
c, _ = s.accept()
c.sendall(b"banner-" * 1000)
c.close()
"""

# Either side: connect, send ARGV[3] bytes (0: nothing), SHUT_WR at once,
# read to the end of stream (5 s at most); print what came and whether
# the end came.
EARLY_CLIENT = r"""
import json, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
msg = b"early-" * int(sys.argv[3])
if msg:
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
got, eof = b"", False
try:
    while True:
        b = s.recv(65536)
        if not b:
            eof = True
            break
        got += b
except OSError as e:
    got += b""
print(json.dumps({"len": len(got), "ok": got == (msg or b"banner-" * 1000),
                  "eof": eof}))
"""


@pytest.mark.parametrize("fam", ["v4", "v6"])
def test_host_writes_and_closes_at_once(burrow, topo, procs, fam):
    """Outbound: the host server writes and closes before the guest has
    even finished its handshake: the guest gets every byte and the FIN."""
    _, g = burrow("--config-net")
    port = free_port()
    p = procs.start([PY, "-c", BANNER_SERVER, loopback(fam), str(port)],
                    ns=topo.host)
    assert p.stdout.readline().strip() == "ready"
    r = g([PY, "-c", EARLY_CLIENT, gateway(fam), str(port), "0"],
          check=False, timeout=20)
    res = json.loads(r.stdout)
    assert res["ok"] and res["eof"], res


@pytest.mark.parametrize("fam", ["v4", "v6"])
def test_forward_client_half_closes_at_once(burrow, topo, procs, fam):
    """-t: the host client sends and half-closes right after connect(),
    before the guest answered burrow's SYN: the guest's echo server gets
    the data and the FIN, and the echo and its FIN come back."""
    port = free_port()
    _, g = burrow("--config-net", "-t", str(port))
    p = procs.start([PY, TOOL, "echo-server", wildcard(fam), port],
                    ns=g.ns)
    assert p.stdout.readline().strip() == "ready"
    r = topo.in_host([PY, "-c", EARLY_CLIENT, loopback(fam), str(port),
                      "500"], check=False, timeout=20)
    res = json.loads(r.stdout)
    assert res["ok"] and res["eof"], res
