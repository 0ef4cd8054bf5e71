# SPDX-License-Identifier: GPL-2.0-or-later
"""A hostile front-end on burrow's QEMU stream socket (-s PATH, 4-byte
big-endian length + frame): hostile.py's hand-made and mutated frames,
overlapping fragments, bad checksums, TCP segments outside the window of
a live connection, a SYN flood and a UDP flood, then impossible frame
lengths (each drops its connection with one log line). burrow must stay
up and small, flows set up before the abuse must still carry their data
intact, and a fresh client must still get a DHCP offer.

The same SYN and UDP floods from the guest namespace's tap, with a TCP
transfer through burrow running meanwhile (sha256 checked).

burrow runs in the test's host namespace (no --netns); nothing leaves the
test's namespaces. BW_HOSTILE_SEED fixes the random seed.
"""

import json
import os
import random
import socket
import stat
import struct
import tempfile
import threading
import time

import pytest

import helpers
from helpers import (GW4, HERE, HOST4, Burrow, is_sanitized, wait_for)
from test_exhaustion import PY, ME as AGENT, Agent, host_server, free_port
from test_sandbox import assert_sandboxed

RSS_CEILING_KIB = 96 * 1024
RSS_CEILING_SAN_KIB = 768 * 1024
LOG_GROWTH_MAX = 64 * 1024
MAC = "52:54:00:12:34:56"
TCP_TOOL = os.path.join(HERE, "tcp_tool.py")


def ip4(frame):
    """(proto, src, dst, l4 offset) of an IPv4 frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 15) * 4
    return frame[23], frame[26:30], frame[30:34], 14 + ihl


class StreamClient:
    """A Python front-end on burrow's stream socket. A thread reads every
    frame burrow sends (so burrow is never blocked on us unless a test
    wants that) and keeps them for predicates."""

    def __init__(self, path, mac=MAC):
        self.mac = mac
        self.macb = bytes.fromhex(mac.replace(":", ""))
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)
        self.s.settimeout(None)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        self.frames = []
        self.dropped = 0  # frames trimmed off the front since mark()
        self.lock = threading.Lock()
        self.eof = False
        self.t = threading.Thread(target=self.reader, daemon=True)
        self.t.start()

    def reader(self):
        buf = b""
        while True:
            try:
                d = self.s.recv(1 << 20)
            except OSError:
                d = b""
            if not d:
                self.eof = True
                return
            buf += d
            while len(buf) >= 4:
                n, = struct.unpack("!I", buf[:4])
                if len(buf) < 4 + n:
                    break
                with self.lock:
                    self.frames.append(buf[4:4 + n])
                    self.trim()
                buf = buf[4 + n:]

    def trim(self):
        """Bound the frames kept (the lock held); wait() counts what
        was trimmed, so it neither misses nor repeats a frame."""
        if len(self.frames) > 50000:
            del self.frames[:25000]
            self.dropped += 25000

    def send(self, frame):
        self.s.sendall(struct.pack("!I", len(frame)) + frame)

    def mark(self):
        with self.lock:
            self.frames = []
            self.dropped = 0

    def wait(self, pred, timeout=5):
        """The first frame (received since the last mark()) for which
        @pred is true, or None."""
        end = time.monotonic() + timeout
        i = 0  # frames looked at since mark(), trimmed ones included
        while True:
            with self.lock:
                fr = self.frames[max(0, i - self.dropped):]
                i = self.dropped + len(self.frames)
            for f in fr:
                try:
                    v = pred(f)
                except Exception:
                    v = None
                if v:
                    return v
            if time.monotonic() > end or self.eof:
                return None
            time.sleep(0.01)

    def arp(self, timeout=5):
        """burrow's MAC, from its reply to an ARP request for the
        gateway."""
        from scapy.all import ARP, Ether
        self.mark()
        self.send(bytes(Ether(src=self.mac, dst="ff:ff:ff:ff:ff:ff") /
                        ARP(op=1, hwsrc=self.mac, psrc=HOST4, pdst=GW4)))

        def reply(f):
            if f[12:14] == b"\x08\x06" and f[20:22] == b"\0\2" and \
                    f[28:32] == socket.inet_aton(GW4):
                return ":".join("%02x" % x for x in f[22:28])
        return self.wait(reply, timeout)

    def dhcp_offer(self, timeout=5):
        """A DHCPDISCOVER gets an offer of the host's address."""
        from scapy.all import BOOTP, DHCP, IP, UDP, Ether
        xid = random.getrandbits(32)
        self.send(bytes(
            Ether(src=self.mac, dst="ff:ff:ff:ff:ff:ff") /
            IP(src="0.0.0.0", dst="255.255.255.255") /
            UDP(sport=68, dport=67) /
            BOOTP(chaddr=self.macb, xid=xid) /
            DHCP(options=[("message-type", "discover"), "end"])))

        def offer(f):
            h = ip4(f)
            if not h or h[0] != 17:
                return None
            o = h[3]
            if f[o:o + 4] != b"\x00\x43\x00\x44":
                return None
            bootp = f[o + 8:]
            if bootp[0] == 2 and struct.unpack("!I", bootp[4:8])[0] == xid:
                return socket.inet_ntoa(bootp[16:20])
        return self.wait(offer, timeout)

    def udp_echo(self, gwmac, sport, dport, payload, timeout=5):
        from scapy.all import IP, UDP, Ether
        self.send(bytes(Ether(src=self.mac, dst=gwmac) /
                        IP(src=HOST4, dst=GW4) /
                        UDP(sport=sport, dport=dport) / payload))

        def echo(f):
            h = ip4(f)
            if not h or h[0] != 17:
                return None
            o = h[3]
            if struct.unpack("!HH", f[o:o + 4]) != (dport, sport):
                return None
            return f[o + 8:o + 8 + len(payload)] == payload
        return self.wait(echo, timeout)

    def close(self):
        try:
            self.s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.s.close()


class FakeTcp:
    """A hand-driven TCP connection from a StreamClient to GW4:port."""

    def __init__(self, c, gwmac, port):
        self.c, self.gwmac, self.dport = c, gwmac, port
        self.sport = random.randrange(20000, 60000)
        self.seq = random.getrandbits(32)
        self.rcv = []

    def ip(self):
        """The network layer of our segments (a subclass may change it)."""
        from scapy.all import IP
        return IP(src=HOST4, dst=GW4)

    def seg(self, flags, seq=None, ack=None, data=b"", **kw):
        from scapy.all import TCP, Ether
        return bytes(Ether(src=self.c.mac, dst=self.gwmac) / self.ip() /
                     TCP(sport=self.sport, dport=self.dport, flags=flags,
                         seq=self.seq if seq is None else seq,
                         ack=self.ack if ack is None else ack,
                         window=65535, **kw) / data)

    def mine(self, f):
        h = ip4(f)
        if not h or h[0] != 6:
            return None
        o = h[3]
        sp, dp, seq, ack = struct.unpack("!HHII", f[o:o + 12])
        if (sp, dp) != (self.dport, self.sport):
            return None
        doff = (f[o + 12] >> 4) * 4
        tot = struct.unpack("!H", f[16:18])[0]
        return seq, ack, f[o + 13], f[o + doff:14 + tot]

    def connect(self):
        self.c.mark()
        self.ack = 0
        self.c.send(self.seg("S", options=[("MSS", 1400)]))
        r = self.c.wait(lambda f: (lambda m: m if m and m[2] & 0x12 ==
                                   0x12 else None)(self.mine(f)))
        assert r, "no SYN-ACK from burrow for the fake connection"
        self.seq += 1
        self.ack = (r[0] + 1) & 0xffffffff
        self.c.send(self.seg("A"))

    def hostile(self):
        """Segments outside the window, or lying, on the live flow."""
        s, a = self.seq, self.ack
        w = lambda x: x & 0xffffffff  # noqa: E731
        return [
            self.seg("PA", seq=w(s + (1 << 31)), data=b"BAD1" * 50),
            self.seg("PA", seq=w(s - 100000), data=b"BAD2" * 50),
            self.seg("PA", seq=w(s + 10 ** 7), data=b"BAD3"),
            self.seg("A", ack=w(a + 10 ** 9)),
            self.seg("A", ack=w(a - 10 ** 9)),
            self.seg("R", seq=w(s + 10 ** 6)),
            self.seg("R", seq=w(s - 10 ** 6)),
            # In the window but not at rcv_nxt: a challenge ACK, no reset
            # (RFC 5961 3.2)
            self.seg("R", seq=w(s + 1000)),
            self.seg("S", seq=w(s + 12345)),
            self.seg("F", seq=w(s + 10 ** 8)),
            self.seg("PA", seq=w(s - 6), data=b"BAD4"),  # all old data
            self.seg("PA", seq=w(s + 70000), data=b"BAD5" * 10),
        ]

    def exchange(self, payload, timeout=5):
        """Send @payload in the window; return what comes back (the
        server echoes) within @timeout, acking as it arrives."""
        got = b""
        self.c.mark()
        self.c.send(self.seg("PA", data=payload))
        self.seq += len(payload)
        end = time.monotonic() + timeout
        seen = set()
        while len(got) < len(payload) and time.monotonic() < end:
            def data(f):
                m = self.mine(f)
                if m and m[3] and (m[0], len(m[3])) not in seen:
                    return m
            m = self.c.wait(data, max(0.01, end - time.monotonic()))
            if not m:
                break
            seen.add((m[0], len(m[3])))
            if m[0] == self.ack:
                got += m[3]
                self.ack = (self.ack + len(m[3])) & 0xffffffff
                self.c.send(self.seg("A"))
        return got


def frames_crafted(me, gw):
    """hostile.py's cases and mutations, plus overlapping fragments and
    bad L4 checksums."""
    import hostile
    from scapy.all import ICMP, IP, UDP, TCP, Ether, IPv6, \
        IPv6ExtHdrFragment
    out = list(hostile.crafted(me, gw))
    e4 = Ether(src=me, dst=gw)
    e6 = Ether(src=me, dst=gw, type=0x86dd)
    G4, G6, GW6 = hostile.G4, hostile.G6, hostile.GW6
    for i, (off, mf, body) in enumerate([(0, 1, b"A" * 64), (4, 1, b"B" * 64),
                                         (2, 0, b"C" * 64), (0, 0, b"D"),
                                         (8191, 0, b"E" * 64)]):
        out.append(bytes(e4 / IP(src=G4, dst=GW4, id=999, proto=17,
                                 flags=mf, frag=off) / body))
    for off, m in ((0, 1), (1, 1), (0, 0), (8000, 0)):
        out.append(bytes(e6 / IPv6(src=G6, dst=GW6) /
                         IPv6ExtHdrFragment(id=77, offset=off, m=m, nh=17) /
                         (b"F" * 64)))
    for pkt in (IP(src=G4, dst=GW4) / UDP(sport=4000, dport=9, chksum=1) /
                (b"x" * 20),
                IP(src=G4, dst=GW4) / TCP(sport=4000, dport=9, flags="S",
                                          chksum=1),
                IP(src=G4, dst=GW4) / ICMP(chksum=1) / (b"y" * 20)):
        out.append(bytes(e4 / pkt))
    rnd = random.Random(SEED)
    base = hostile.bases(me, gw)
    for _ in range(3000):
        f = rnd.choice(base)
        for _ in range(rnd.randint(1, 3)):
            f = hostile.mutate(rnd, f)
        out.append(f)
    # Frames as long as the framing allows, IP length fields lying.
    for size in (1514, 9014, 65534, 65536 + 64):
        body = bytes(IP(src=G4, dst=GW4, len=min(size - 14, 65535)) /
                     UDP(sport=5000, dport=5000))
        out.append((bytes(Ether(src=me, dst=gw)) + body).ljust(size, b"o"))
    return out


def flood_frames(me, gw, kind, n, ports=None, seed=0):
    from scapy.all import IP, TCP, UDP, Ether
    rnd = random.Random(seed)
    e = bytes(Ether(src=me, dst=gw))
    out = []
    for i in range(n):
        sport = rnd.randrange(1024, 65536)
        dport = ports[i % len(ports)] if ports else rnd.randrange(1, 65536)
        if kind == "syn":
            p = IP(src=HOST4, dst=GW4) / TCP(sport=sport, dport=dport,
                                             flags="S",
                                             seq=rnd.getrandbits(32))
        else:
            p = IP(src=HOST4, dst=GW4) / UDP(sport=sport, dport=dport) / \
                b"flood"
        out.append(e + bytes(p))
    return out


SEED = int(os.environ.get("BW_HOSTILE_SEED", random.randrange(1 << 30)))


class StreamBurrow:
    def __init__(self, topo, tmpdir, started, opts=()):
        self.dir = tempfile.mkdtemp(prefix="bw-hs-")
        self.path = os.path.join(self.dir, "s.sock")
        self.b = Burrow(topo, ["-s", self.path] + list(opts), None,
                        os.path.join(tmpdir, "burrow-stream-%d.stderr"
                                     % len(started)), netns=False)
        started.append(self.b)

        def ready():
            assert self.b.alive(), "burrow exited\n" + self.b.describe()
            try:
                return stat.S_ISSOCK(os.lstat(self.path).st_mode)
            except FileNotFoundError:
                return False
        wait_for(ready, 5, what="burrow's socket")

    def cleanup(self):
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        os.rmdir(self.dir)


@pytest.fixture
def stream_burrow(request, topo, burrow_bin, tmp_path):
    started, made = [], []
    request.node._burrows = started

    def start(*opts):
        s = StreamBurrow(topo, str(tmp_path), started, opts)
        made.append(s)
        return s
    yield start
    errors = []
    for b in started:
        try:
            b.stop()
        except AssertionError as e:
            errors.append(str(e))
    for s in made:
        s.cleanup()
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


def ceiling():
    return RSS_CEILING_SAN_KIB if is_sanitized(helpers.burrow_bin()) \
        else RSS_CEILING_KIB


def test_hostile_stream(stream_burrow, topo, procs):
    sb = stream_burrow()
    b = sb.b
    port = free_port()
    host_server(procs, topo, port)
    c = StreamClient(sb.path)
    gw = c.arp()
    assert gw, "no ARP reply\n" + b.describe()
    assert c.dhcp_offer() == HOST4, b.describe()
    assert_sandboxed(b.pid)
    # Flows that must survive everything below.
    assert c.udp_echo(gw, 5555, port, b"before"), b.describe()
    t = FakeTcp(c, gw, port)
    t.connect()
    assert t.exchange(b"hello-1") == b"hello-1", b.describe()
    for f in t.hostile():
        c.send(f)
    rss0 = b.rss_kib()
    log0 = len(b.stderr())
    frames = frames_crafted(c.mac, gw)
    frames += flood_frames(c.mac, gw, "syn", 3000, seed=SEED)
    frames += flood_frames(c.mac, gw, "syn", 300, ports=[port], seed=SEED)
    frames += flood_frames(c.mac, gw, "udp", 3000,
                           ports=random.Random(SEED).sample(
                               range(1024, 65536), 3000), seed=SEED)
    for i, f in enumerate(frames):
        if len(f) >= 14:  # the framing itself refuses < 14: tested below
            c.send(f)
        if i % 256 == 255:
            assert b.alive(), "burrow died (seed %d)\n%s" % (SEED,
                                                            b.describe())
            time.sleep(0.002)
    assert not c.eof, "burrow dropped the client during the flood " \
        "(seed %d)\n%s" % (SEED, b.describe())
    # Well-formed traffic still works, on the old flows too.
    for f in t.hostile():
        c.send(f)
    got = t.exchange(b"hello-2-after-the-flood")
    assert got == b"hello-2-after-the-flood", \
        "TCP flow damaged (seed %d): got %r\n%s" % (SEED, got, b.describe())
    assert c.udp_echo(gw, 5555, port, b"after"), \
        "UDP flow lost (seed %d)\n%s" % (SEED, b.describe())
    assert c.arp() == gw
    assert c.dhcp_offer() == HOST4
    rss1 = b.rss_kib()
    assert rss1 < ceiling(), "RSS %d KiB after the flood (before: %d)" % (
        rss1, rss0)
    grown = len(b.stderr()) - log0
    assert grown < LOG_GROWTH_MAX, "stderr grew by %d bytes (seed %d)" \
        % (grown, SEED)
    c.close()
    # Impossible lengths: each drops its connection, one line each.
    for bad in (0, 13, 1 << 31):
        n0 = b.stderr().count("impossible frame length")
        c = StreamClient(sb.path)
        assert c.arp() == gw, "client not served\n" + b.describe()
        c.s.sendall(struct.pack("!I", bad) + b"\0" * 64)
        wait_for(lambda: c.eof, 5, what="burrow dropping the connection "
                 "after length %#x\n%s" % (bad, b.describe()))
        c.close()
        assert b.stderr().count("impossible frame length") == n0 + 1, \
            b.describe()
        assert b.alive(), b.describe()
    c = StreamClient(sb.path)
    assert c.dhcp_offer() == HOST4, "no DHCP offer for the next client\n" \
        + b.describe()
    assert c.udp_echo(gw, 5555, port, b"last"), b.describe()
    c.close()
    assert b.rss_kib() < ceiling()


def tap_mac(g, ifname):
    r = g(["ip", "neigh", "show", GW4, "dev", ifname])
    return r.stdout.split("lladdr ")[1].split()[0]


@pytest.mark.parametrize("kind", ["synflood", "udpflood"])
def test_flood_tap(burrow, topo, procs, kind):
    b, g = burrow("--config-net", debug=False)
    g(["ping", "-c", "1", "-W", "2", GW4])
    gwmac = tap_mac(g, g.ifname)
    port = free_port()
    size = (64 if is_sanitized(helpers.burrow_bin()) else 384) << 20
    srv = Agent(procs, topo.host, cmd=[PY, TCP_TOOL, "server", "127.0.0.1",
                                       port, "--send", size, "--order",
                                       "send-first"])
    assert srv.line(10) == "ready"
    cli = Agent(procs, topo.guestns, cmd=[PY, TCP_TOOL, "client", GW4, port,
                                          "--order", "recv-first"])
    echo_port = free_port()
    host_server(procs, topo, echo_port)
    a = Agent(procs, topo.guestns)
    assert json.loads(a.line(10)).get("ready")
    assert a.cmd("tcp", 1, GW4, echo_port)["ok"] == 1
    rss0 = b.rss_kib()
    log0 = len(b.stderr())
    t0 = time.monotonic()
    fl = Agent(procs, topo.guestns, cmd=[PY, AGENT, kind, g.ifname, gwmac,
                                         GW4, 4000, SEED])
    stats = json.loads(fl.line(120))
    assert stats["sent"] >= 3900, stats
    assert b.alive(), b.describe()
    res = json.loads(cli.line(120))
    import tcp_tool
    assert res.get("sha_recv") == tcp_tool.digest(1, size), \
        "transfer damaged during the %s (seed %d): %s\n%s" % (
            kind, SEED, {k: v for k, v in res.items() if k != "timeline"},
            b.describe())
    assert res["t_end"] > t0, "the transfer ended before the flood began"
    assert a.cmd("echo")["ok"] == 1, "old connection broken by the flood"
    r = a.cmd("tcp", 5, GW4, echo_port)
    assert r["ok"] == 5, "no new connections after the %s: %s" % (kind, r)
    assert a.cmd("echo")["ok"] == 6
    assert b.rss_kib() < ceiling(), (rss0, b.rss_kib())
    assert len(b.stderr()) - log0 < LOG_GROWTH_MAX
