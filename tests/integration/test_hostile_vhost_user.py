# SPDX-License-Identifier: GPL-2.0-or-later
"""Crafted frames through burrow's vhost-user back-end (--vhost-user -s
PATH), sent by the in-memory test driver vu_frontend.py: a pure-Python
front-end playing QEMU and the guest's virtio-net driver, with split or
packed rings (each test runs for both).

  driver:  ARP, DHCP, UDP echoes of 1 to 20000 bytes (TX chains of many
           descriptors, RX frames merged from many buffers) and a TCP
           exchange work through the driver, and go on after the rings
           were stopped and started again where they stopped, and after
           new memory tables under running rings;
           GET_VRING_BASE agrees with what came back; a second
           session with indirect TX tables, the header in its own
           descriptor, one region, no mergeable buffers and no event idx
           works as well; burrow is sandboxed; without GUEST_CSUM no
           host data is received into guest buffers in place.
  direct_rx: with CSUM and GUEST_CSUM, host TCP data (200 KB over IPv4,
           50 KB over IPv6, random, echoed) is received by the kernel
           straight into the driver's RX chains: every byte comes back
           intact, the NEEDS_CSUM frames' checksums complete to valid
           ones (the driver checks every checksum), GET_VRING_BASE
           agrees after the chains burrow gave back unused, and burrow
           counts frames "received in place"; for RX chains of 2048
           bytes, of 40 bytes in three descriptors (the headers over
           two chains), of 24 bytes (a full segment in 62 chains,
           burrow's limit being 64), of a whole frame each, and of 1536
           bytes (no mergeable buffers) in 64-byte descriptors.
  hostile: test_hostile_stream.py's frame set (hostile.py's crafted and
           mutated frames, fragments, overlapping fragments, bad
           checksums, oversize frames, a SYN flood, a UDP flood to 3000
           ports) plus frames behind lying virtio-net headers, with a
           TCP and a UDP flow to a server in the test's host namespace
           set up before: burrow stays up and small, takes every chain
           back, the flows keep their data intact, and a new session is
           served afterwards.
  rings:   descriptors breaking the ring rules (outside guest memory,
           running past 2^64, loops, too many pieces, readable after
           writable, indices out of range, indirect tables nested, of a
           length not a multiple of 16, inside a chain or not
           negotiated, an RX buffer outside memory): burrow stops the
           queue with one log line naming the rule and serves the next
           session.
  ack_storm: regression, both transports: on a connection without
           window scaling, an ACK outside the window set off an endless
           stream of ACKs (EPOLLOUT asked for because the unscaled
           window looked short); it must get one ACK back.
  rx_frame_too_big: regression: a frame that the guest's receive
           buffers cannot hold blocked every frame after it; it must be
           dropped and the next frames delivered.

burrow runs in the test's host namespace (no --netns); the driver talks
to it over the socket in the test's directory and shares only its own
memfd. BW_HOSTILE_SEED fixes the random seed (test_hostile_stream.py's).
"""

import collections
import random
import re
import struct
import threading
import time

import pytest

import test_hostile_stream as hs
from helpers import GW6, HOST4, HOST6, wait_for
from test_exhaustion import PY, Agent, free_port, host_server
from test_sandbox import assert_sandboxed
from vu_frontend import VhostUserFrontend, VuError

# test_hostile_stream's fixture: burrow -s PATH [opts] in the host
# namespace, stopped and checked for crashes at teardown.
stream_burrow = hs.stream_burrow

LAYOUTS = ["split", "packed"]
BATCH = 128  # frames per send_many(): one kick each
BROKEN_TX = "the guest broke its transmit queue"


class VuClient(hs.StreamClient):
    """test_hostile_stream's StreamClient (mark, wait, arp, dhcp_offer,
    udp_echo; its FakeTcp drives this too) over the vhost-user test
    driver. A thread keeps receiving, so burrow always finds RX buffers
    unless a test wants otherwise."""

    def __init__(self, path, packed, mac=hs.MAC, **kw):
        self.mac = mac
        self.macb = bytes.fromhex(mac.replace(":", ""))
        self.fe = VhostUserFrontend(path, packed=packed, **kw)
        self.frames = []
        self.dropped = 0
        self.lock = threading.Lock()
        self.eof = False
        self.error = None
        self.stopping = threading.Event()
        self.t = threading.Thread(target=self.reader, daemon=True)
        self.t.start()

    def reader(self):
        while not self.stopping.is_set():
            try:
                fr = self.fe.recv(0.1)
            except (VuError, OSError, ValueError) as e:
                if not self.stopping.is_set():
                    self.error = e
                self.eof = True
                return
            if fr:
                with self.lock:
                    self.frames.extend(fr)
                    self.trim()

    def send(self, frame):
        self.fe.send(frame)

    def send_many(self, frames, hdr=None):
        self.fe.send_many(frames, hdr)

    def halt(self):
        """Stop the receiving thread."""
        self.stopping.set()
        self.t.join(5)
        assert not self.t.is_alive(), "the driver's reader hangs"

    def restart(self):
        """The driver's restart() (rings stopped and started again), the
        receiving thread paused meanwhile."""
        self.halt()
        fr = self.fe.restart()
        with self.lock:
            self.frames.extend(fr)
        self.stopping.clear()
        self.t = threading.Thread(target=self.reader, daemon=True)
        self.t.start()

    def remap(self, nregions):
        """The driver's remap(), the receiving thread paused meanwhile
        (burrow's answer comes on the socket it watches)."""
        self.halt()
        self.fe.remap(nregions)
        self.stopping.clear()
        self.t = threading.Thread(target=self.reader, daemon=True)
        self.t.start()

    def close(self, check_base=False):
        """Hang up; with @check_base, GET_VRING_BASE first (and the
        driver checks the answers against what came back)."""
        self.halt()
        try:
            if check_base and not self.error:
                return self.fe.stop()
        finally:
            self.fe.close()

    def state(self):
        return "driver error: %r; stats: %s; rings: %s; last frames: %s" \
            % (self.error, dict(self.fe.stats), self.fe.debug_state(),
               self.summary())

    def summary(self, n=5000):
        """The most common kinds among the last @n frames received."""
        kinds = collections.Counter()
        with self.lock:
            last = self.frames[-n:]
        for f in last:
            k = f[12:14].hex()
            h = hs.ip4(f)
            if h and h[0] in (6, 17) and len(f) >= h[3] + 14:
                sp, dp = struct.unpack("!HH", f[h[3]:h[3] + 4])
                k = "%s %d->%d" % ("TCP" if h[0] == 6 else "UDP", sp, dp)
                if h[0] == 6:
                    k += " flags %#x" % f[h[3] + 13]
            kinds[k] += 1
        return kinds.most_common(5)


class ScaledTcp(hs.FakeTcp):
    """FakeTcp offering window scaling in its SYN, as real guests do:
    the ACK storm (test_ack_storm) needs a connection without it. Not
    for hostile(): its "out of window" RST at +10^6 is inside a scaled
    window, and rightly ends the connection."""

    def seg(self, flags, **kw):
        if flags == "S" and "options" in kw:
            kw["options"] = list(kw["options"]) + [("WScale", 7)]
        return super().seg(flags, **kw)


class ScaledTcp6(ScaledTcp):
    """ScaledTcp over IPv6: HOST6 to GW6 (burrow maps it to the host's
    ::1)."""

    def ip(self):
        from scapy.all import IPv6
        return IPv6(src=HOST6, dst=GW6)

    def mine(self, f):
        if len(f) < 74 or f[12:14] != b"\x86\xdd" or f[20] != 6:
            return None
        sp, dp, seq, ack = struct.unpack("!HHII", f[54:66])
        if (sp, dp) != (self.dport, self.sport):
            return None
        doff = (f[66] >> 4) * 4
        plen, = struct.unpack("!H", f[18:20])
        return seq, ack, f[67], f[54 + doff:54 + plen]


def reset(c, t):
    """End @t's connection with a RST at the expected sequence number,
    so that no storm can start on it later (test_ack_storm)."""
    c.send(t.seg("R"))


def flow_frames(c, t, secs):
    """Frames burrow sends on @t's connection within @secs seconds of
    silence from us."""
    c.mark()
    time.sleep(secs)
    with c.lock:
        return c.dropped + sum(1 for f in c.frames if t.mine(f))


def settle(c, b, t, tag):
    """Make sure @t's flow is quiet after hostile()'s segments (they set
    off an ACK storm before the fix test_ack_storm checks; data from the
    guest ended it), exchanging data if not. Every exchange must come
    back intact."""
    for i in range(5):
        if flow_frames(c, t, 0.2) <= 2:
            return
        data = b"%s-settle-%d" % (tag, i)
        got = t.exchange(data)
        assert got == data, why(c, b, "TCP flow damaged: %r for %r" % (
            got, data))
    raise AssertionError(why(c, b, "the ACK storm does not end"))


def start(stream_burrow, topo, procs):
    """burrow --vhost-user and an echo server (TCP and UDP) on the host's
    loopback; returns (StreamBurrow, Burrow, port)."""
    sb = stream_burrow("--vhost-user")
    port = free_port()
    host_server(procs, topo, port)
    return sb, sb.b, port


def why(c, b, what):
    return "%s\n%s\n%s" % (what, c.state(), b.describe())


def session(c, b, gw=None):
    """A new session is served: ARP (the same MAC as @gw if given) and a
    DHCP offer."""
    got = c.arp()
    assert got and (gw is None or got == gw), why(c, b, "ARP: %r" % got)
    assert c.dhcp_offer() == HOST4, why(c, b, "no DHCP offer")
    return got


@pytest.mark.parametrize("layout", LAYOUTS)
def test_vu_driver(stream_burrow, topo, procs, layout):
    """The driver itself: this fails if it is broken."""
    packed = layout == "packed"
    sb, b, port = start(stream_burrow, topo, procs)
    c = VuClient(sb.path, packed)
    try:
        gw = session(c, b)
        rnd = random.Random(hs.SEED)
        for n in (1, 1400, 3000, 9000, 20000):
            data = rnd.randbytes(n)
            assert c.udp_echo(gw, 5555, port, data), \
                why(c, b, "UDP echo of %d bytes" % n)
        t = ScaledTcp(c, gw, port)
        t.connect()
        data = rnd.randbytes(30000)
        assert t.exchange(data) == data, why(c, b, "TCP exchange")
        # Rings stopped and started again where they were (QEMU does so
        # around a VM stop): the flows go on.
        c.restart()
        data = rnd.randbytes(20000)
        assert t.exchange(data) == data, why(c, b, "TCP after a restart")
        assert c.udp_echo(gw, 5555, port, data), \
            why(c, b, "UDP echo after a restart")
        # A new memory table under running rings: one region, then two.
        for nregions in (1, 2):
            c.remap(nregions)
            data = rnd.randbytes(20000)
            assert t.exchange(data) == data, \
                why(c, b, "TCP after a new table of %d regions" % nregions)
            assert c.udp_echo(gw, 5555, port, data), \
                why(c, b, "UDP after a new table of %d regions" % nregions)
        reset(c, t)
        st = c.fe.stats
        assert st["rx_merged"] > 0, why(c, b, "no frame over several "
                                        "RX buffers")
        assert st["calls0"] + st["calls1"] > 0, \
            why(c, b, "burrow never signalled a call fd")
        assert c.error is None, why(c, b, "driver error")
        assert c.close(check_base=True), why(c, b, "GET_VRING_BASE")
    finally:
        c.close()
    # Started: at first, after the restart, after each new table.
    log = b.stderr()
    assert log.count("ring 0 started (%s" % layout) == 4 and \
        log.count("ring 1 started (%s" % layout) == 4, b.describe()
    # burrow's sandbox in vhost-user mode.
    assert_sandboxed(b.pid)

    # Another session, the other options: indirect TX tables, the header
    # in a descriptor of its own, one region, whole-frame RX buffers, no
    # event idx.
    c = VuClient(sb.path, packed, indirect=True, tx_split_hdr=True,
                 regions=1, mrg=False, event_idx=False)
    try:
        assert session(c, b) == gw
        for n in (1, 3000, 20000):
            data = rnd.randbytes(n)
            assert c.udp_echo(gw, 5556, port, data), \
                why(c, b, "UDP echo of %d bytes, second session" % n)
        assert c.fe.stats["rx_merged"] == 0, why(c, b, "merged buffers "
                                                 "without MRG_RXBUF")
        assert c.error is None, why(c, b, "driver error")
        c.close(check_base=True)
    finally:
        c.close()
    wait_for(lambda: b.stderr().count("front-end disconnected") == 2, 5,
             what="burrow to see both sessions end\n" + b.describe())
    assert b.alive(), b.describe()
    # Neither session took GUEST_CSUM: no host data may have been
    # received into guest buffers in place (its checksum stays partial).
    b.stop()
    k = in_place(b)
    assert k == 0, "%s frames received in place\n%s" % (k, b.describe())


def in_place(b):
    """The frames burrow's exit statistics (--debug) say it received in
    place, straight into guest buffers; None if there is no such line."""
    m = re.search(r"tx \d+ frames \d+ bytes \((\d+) received in place\)",
                  b.stderr())
    return int(m.group(1)) if m else None


DIRECT_BYTES = 200000, 50000  # over IPv4, over IPv6
ROUND = 25000  # bytes per exchange: one segment out, about 18 back

# RX buffer shapes for test_direct_rx: VhostUserFrontend options. The
# fake TCP's MSS is 1400: a full segment is a frame of 1466 bytes with
# the virtio-net header over IPv4 (66 of them headers), 1486 over IPv6.
# Frames of more than 64 chains are dropped: none may need more.
RX_SHAPES = {
    # Mergeable buffers as Linux posts them, about: one chain a segment.
    "mrg-2048": {},
    # 40-byte chains of three descriptors (13, 13 and 14 bytes, laid out
    # in reverse order): the headers span two chains and five
    # descriptors, a segment 37 chains. A ring of 1024 for 300 of them
    # (8 segments' worth: burrow often runs out of chains).
    "mrg-40x3": dict(rx_buf=40, rx_segs=3, queue_size=1024,
                     rx_chains=300),
    # 24-byte chains of two 12-byte descriptors (a buffer must hold the
    # virtio-net header): the headers span three chains, a full segment
    # takes 62, burrow's limit being 64 per frame.
    "mrg-24x2": dict(rx_buf=24, rx_segs=2, queue_size=1024,
                     rx_chains=500),
    # No mergeable buffers: each chain holds a whole frame (64 KiB).
    "one-buffer": dict(mrg=False),
    # No mergeable buffers, chains of 1536 bytes (a full IPv4 segment's
    # frame and 70 bytes more) in 24 descriptors of 64 bytes.
    "one-1536x24": dict(mrg=False, rx_buf=1536, rx_segs=24,
                        queue_size=1024),
}
SEGMENTS = sum(DIRECT_BYTES) // 1400  # data segments, at least
FULL_FRAME = 12 + 54 + 1400  # bytes in RX chains, IPv4


def first_difference(a, b):
    """Where bytes @a and @b first differ (the shorter one's length if
    one is a prefix of the other)."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                min(len(a), len(b)))


@pytest.mark.parametrize("shape", list(RX_SHAPES))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_direct_rx(stream_burrow, topo, procs, layout, shape):
    """Host TCP data received in place into the driver's RX chains
    (GUEST_CSUM taken): intact, checksums valid once completed, ring
    positions right, burrow's counter moving."""
    packed = layout == "packed"
    sb, b, port = start(stream_burrow, topo, procs)
    port6 = free_port()
    echo6 = Agent(procs, topo.host, cmd=[PY, hs.TCP_TOOL, "echo-server",
                                         "::1", port6])
    assert echo6.line(10) == "ready"
    opts = RX_SHAPES[shape]
    c = VuClient(sb.path, packed, csum=True, **opts)
    try:
        gw = session(c, b)
        rnd = random.Random(hs.SEED)
        # UDP and control segments come through the txq's slots; theirs
        # are partial checksums too. (Datagrams no larger than 64 of the
        # smallest chains hold.)
        for n in (1, 1000):
            data = rnd.randbytes(n)
            assert c.udp_echo(gw, 5555, port, data), \
                why(c, b, "UDP echo of %d bytes" % n)
        for tcp, dport, total in ((ScaledTcp, port, DIRECT_BYTES[0]),
                                  (ScaledTcp6, port6, DIRECT_BYTES[1])):
            t = tcp(c, gw, dport)
            t.connect()
            data = rnd.randbytes(total)
            for i in range(0, total, ROUND):
                want = data[i:i + ROUND]
                got = t.exchange(want)
                assert got == want, why(
                    c, b, "%s: bytes %d to %d: %d came back, the first "
                    "%d right (seed %d)" % (
                        tcp.__name__, i, i + len(want), len(got),
                        first_difference(got, want), hs.SEED))
            reset(c, t)
        st = c.fe.stats
        # The driver completed partial checksums at both L4 offsets.
        assert st["rx_csum_start34"] >= DIRECT_BYTES[0] // 1400 and \
            st["rx_csum_start54"] >= DIRECT_BYTES[1] // 1400, \
            why(c, b, "too few IPv4 or IPv6 frames with NEEDS_CSUM")
        if opts.get("mrg", True) and opts.get("rx_buf", 2048) < FULL_FRAME:
            assert st["rx_merged"] >= SEGMENTS, \
                why(c, b, "segments not spread over several chains")
        assert c.error is None, why(c, b, "driver error")
        # The chains burrow took and gave back unused must not show in
        # the ring positions.
        assert c.close(check_base=True), why(c, b, "GET_VRING_BASE")
    finally:
        c.close()
    assert "driver broke the ring rules" not in b.stderr(), b.describe()
    b.stop()
    k = in_place(b)
    assert k is not None, "no statistics line\n" + b.describe()
    # Not every segment goes that way: once the guest's chains ran out,
    # the rest of a burst waits in txq slots, and those go first (with
    # the smallest chains, half of the segments do; 90 % with the
    # others). A handful is not enough.
    assert k > SEGMENTS // 8, "%d frames received in place, of %d " \
        "segments at least\n%s" % (k, SEGMENTS, b.describe())
    # Each of those came with NEEDS_CSUM, and the driver completed it.
    assert c.fe.stats["rx_csum_partial"] >= k, dict(c.fe.stats)


def lying_headers(rnd, frames):
    """virtio-net headers with every field set to something (flags, GSO
    type, lengths, checksum offsets, num_buffers), although no offload
    was negotiated."""
    out = []
    for f in frames:
        out.append((bytes([rnd.choice((0, 1, 2, 4, 0xff)),
                           rnd.choice((0, 1, 3, 4, 5, 0x80, 0xff))]) +
                    rnd.randbytes(10), f))
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_hostile_vhost_user(stream_burrow, topo, procs, layout):
    """test_hostile_stream's abuse through the rings."""
    packed = layout == "packed"
    sb, b, port = start(stream_burrow, topo, procs)
    c = VuClient(sb.path, packed)
    try:
        gw = session(c, b)
        # Flows that must survive everything below.
        assert c.udp_echo(gw, 5555, port, b"before"), why(c, b, "UDP echo")
        t = hs.FakeTcp(c, gw, port)
        t.connect()
        assert t.exchange(b"hello-1") == b"hello-1", why(c, b, "TCP")
        c.send_many(t.hostile())
        settle(c, b, t, b"1")
        rss0 = b.rss_kib()
        log0 = len(b.stderr())
        seed = hs.SEED
        frames = hs.frames_crafted(c.mac, gw)
        frames += hs.flood_frames(c.mac, gw, "syn", 3000, seed=seed)
        frames += hs.flood_frames(c.mac, gw, "syn", 300, ports=[port],
                                  seed=seed)
        frames += hs.flood_frames(c.mac, gw, "udp", 3000,
                                  ports=random.Random(seed).sample(
                                      range(1024, 65536), 3000), seed=seed)
        # Unlike the stream socket, vhost-user has no framing to refuse
        # frames under 14 bytes: all of them go, the empty one too.
        for i in range(0, len(frames), BATCH):
            c.send_many(frames[i:i + BATCH])
            assert b.alive(), "burrow died (seed %d)\n%s" % (seed,
                                                             b.describe())
            assert c.error is None, why(c, b, "seed %d" % seed)
        rnd = random.Random(seed)
        for hdr, f in lying_headers(rnd, rnd.sample(frames, 256)):
            c.fe.send(f, hdr=hdr)
        # burrow took every chain and gave it back.
        try:
            c.fe.tx_idle(10)
        except VuError as e:
            raise AssertionError(why(c, b, "seed %d: %s" % (seed, e))) \
                from None
        assert not c.eof, why(c, b, "the driver stopped (seed %d)" % seed)
        # The driver kept the rules: burrow stopped no queue.
        assert "driver broke the ring rules" not in b.stderr(), \
            why(c, b, "a ring broken by the driver (seed %d)" % seed)

        # Well-formed traffic still works, on the old flows too.
        c.send_many(t.hostile())
        got = t.exchange(b"hello-2-after-the-flood")
        assert got == b"hello-2-after-the-flood", \
            why(c, b, "TCP flow damaged (seed %d): got %r" % (seed, got))
        # Then the connection goes: an idle one without window scaling
        # may start the ACK storm at any time (test_ack_storm), whose
        # ACKs would crowd out the replies checked below.
        reset(c, t)
        assert c.udp_echo(gw, 5555, port, b"after"), \
            why(c, b, "UDP flow lost (seed %d)" % seed)
        session(c, b, gw)
        rss1 = b.rss_kib()
        assert rss1 < hs.ceiling(), "RSS %d KiB after the flood (before: %d)" \
            % (rss1, rss0)
        grown = len(b.stderr()) - log0
        assert grown < hs.LOG_GROWTH_MAX, "stderr grew by %d bytes (seed %d)" \
            % (grown, seed)
        assert c.error is None, why(c, b, "driver error")
        # GET_VRING_BASE still agrees with the driver after all that.
        c.close(check_base=True)
    finally:
        c.close()

    # A new session is served.
    c = VuClient(sb.path, packed)
    try:
        session(c, b, gw)
        assert c.udp_echo(gw, 5555, port, b"last"), why(c, b, "UDP echo")
        c.close(check_base=True)
    finally:
        c.close()
    assert b.rss_kib() < hs.ceiling()


# What burrow's log names for each broken ring (virtq.c).
FAULT = {
    "addr": "buffer outside guest memory",
    "addr_wrap": "buffer outside guest memory",
    "order": "readable descriptor after a writable one",
    "loop": "chain longer than its table (loop)",
    "segments": "chain needs too many segments",
    "avail_jump": "avail index moved by more than the size",
    "head_range": "head index out of range",
    "next_range": "next index out of range",
    "id_range": "buffer id out of range",
    "nested": "indirect descriptor in an indirect table",
    "table_len": "bad indirect table length",
    "indirect_next": "indirect descriptor inside a chain",
    "indirect_off": "indirect descriptor not negotiated",
    "rx": "buffer outside guest memory",
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_bad_rings(stream_burrow, topo, procs, layout):
    """Descriptors that break the ring rules: the queue is stopped with
    one log line naming the rule, burrow stays up and serves the next
    session. One burrow per case: the line naming the rule is
    rate-limited, only the first one of a run says which."""
    packed = layout == "packed"
    port = free_port()
    host_server(procs, topo, port)
    kinds = ["rx"] + list(VhostUserFrontend.BAD_PACKED if packed
                          else VhostUserFrontend.BAD_SPLIT)
    for kind in kinds:
        sb = stream_burrow("--vhost-user")
        b = sb.b
        line = "driver broke the ring rules (%s)" % FAULT[kind]
        c = VuClient(sb.path, packed, indirect=kind != "indirect_off",
                     rx_post=kind != "rx")
        try:
            if kind == "rx":
                # An RX chain outside guest memory, the only one: the
                # ARP reply breaks the queue and goes nowhere.
                c.fe.send_bad_rx()
                assert c.arp(timeout=0.5) is None
            else:
                gw = session(c, b)
                c.fe.send_bad(kind)
            wait_for(lambda: line in b.stderr(), 5,
                     what="%s: the line %r\n%s" % (kind, line,
                                                    b.describe()))
            if kind != "rx":
                assert b.stderr().count(BROKEN_TX) == 1, b.describe()
                # The queue is stopped for good: nothing more is taken.
                c.send(bytes(60))
                time.sleep(0.1)
                with pytest.raises(VuError):
                    c.fe.tx_idle(0.2)
            assert b.alive(), b.describe()
        finally:
            c.close()
        # The next front-end is served.
        c = VuClient(sb.path, packed)
        try:
            gw = session(c, b)
            assert c.udp_echo(gw, 5555, port, b"after " + kind.encode()), \
                why(c, b, "UDP echo after %s" % kind)
            c.close(check_base=True)
        finally:
            c.close()
        b.stop()


class AckStorm(AssertionError):
    """What test_ack_storm expects to fail with, and nothing else."""


@pytest.mark.parametrize("transport", ["stream", "vhost-user"])
def test_ack_storm(stream_burrow, topo, procs, transport):
    """One ACK from the future on an idle connection gets one ACK back
    (a re-sync), not a stream of them. FakeTcp offers no window scaling,
    and the host socket's send buffer is far above the 64 KiB that an
    unscaled window can say."""
    if transport == "stream":
        sb = stream_burrow()
        c = hs.StreamClient(sb.path)
    else:
        sb = stream_burrow("--vhost-user")
        c = VuClient(sb.path, False)
    b = sb.b
    port = free_port()
    host_server(procs, topo, port)
    try:
        gw = c.arp()
        t = hs.FakeTcp(c, gw, port)
        t.connect()
        assert t.exchange(b"hello") == b"hello"
        assert flow_frames(c, t, 0.3) == 0
        c.send(t.seg("A", ack=(t.ack + 10 ** 9) & 0xffffffff))
        n = flow_frames(c, t, 1)
        # Data from the guest ends it (for the next test's sake).
        assert t.exchange(b"again") == b"again"
        if n > 2:
            raise AckStorm("%d frames in 1 s on an idle flow\n%s" % (
                n, b.describe()))
    finally:
        c.close()


class RxStuck(AssertionError):
    """What test_rx_frame_too_big expects to fail with."""


@pytest.mark.parametrize("mrg", [False, True], ids=["one-buffer",
                                                     "mergeable"])
def test_rx_frame_too_big(stream_burrow, topo, procs, mrg):
    """A datagram from the host too big for the guest's receive buffers
    (without MRG_RXBUF, buffers of 1536 bytes as a driver without
    offloads posts; with it, buffers of 512 bytes, 64 of which do not
    hold 40000 bytes) must not stop the frames after it."""
    sb, b, port = start(stream_burrow, topo, procs)
    c = VuClient(sb.path, False, mrg=mrg, rx_buf=1536 if not mrg else 512,
                 rx_segs=1, rx_chains=64 if not mrg else 200)
    try:
        gw = c.arp()
        assert gw, why(c, b, "ARP")
        assert c.udp_echo(gw, 5555, port, b"small"), why(c, b, "UDP echo")
        c.udp_echo(gw, 5555, port, b"x" * (3000 if not mrg else 40000),
                   timeout=1)  # delivered or dropped: either will do
        if c.arp(timeout=2) != gw or \
                not c.udp_echo(gw, 5555, port, b"after", timeout=2):
            raise RxStuck(why(c, b, "nothing reaches the guest after a "
                              "frame too big for its buffers"))
    finally:
        c.close()
