# SPDX-License-Identifier: GPL-2.0-or-later
"""A small vhost-user front-end in pure Python: the part QEMU plays for
burrow --vhost-user, without a VM ("the in-memory test driver").

It connects to burrow's socket, negotiates features, hands over a memory
table backed by one memfd, lays out the receive (0) and transmit (1)
virtqueues in that memory, split or packed, and then acts as the guest's
virtio-net driver:

    fe = VhostUserFrontend(path, packed=False)
    fe.send(frame)           # 12-byte virtio_net_hdr_v1 + frame, one kick
    fe.send_many(frames)     # the same for a batch, one kick
    frames = fe.recv(1.0)    # frames burrow wrote into our RX buffers
    fe.close()

Written from the vhost-user specification (QEMU's docs/interop/
vhost-user.rst) and the VIRTIO 1.1 split/packed ring chapters, nothing
else. Only the standard library.

Memory: one memfd, shown to burrow as 1 to 3 regions. Region i gets a
made-up guest-physical address (contiguous across regions, starting at
GPA_BASE) and a made-up "front-end virtual address" (UVA_BASE + i * 4 GiB
+ offset, so the two spaces never coincide and ring addresses, given as
front-end addresses, really go through the table). With more than one
region the boundaries fall in the middle of an RX buffer and of a TX
block, at odd offsets, so that burrow has to split those buffers into two
pieces. Our own accesses use the memfd's mapping in this process.

Checksums (csum=True): CSUM and GUEST_CSUM acked. burrow may then write
frames with NEEDS_CSUM (only the pseudo-header sum in the L4 checksum
field); the driver completes them as a guest's kernel does when it
forwards such a frame (one sum over everything from csum_start, the
field included), and then verifies every IPv4 header and TCP/UDP
checksum it hands up, partial or not (a kernel verifies those of frames
without NEEDS_CSUM or DATA_VALID, and would pass on what a wrong
csum_start or pseudo-header sum broke): a bad one is a VuError. We
still transmit complete checksums only.

Buffers: RX chains are posted once and re-posted as soon as their frame
was read; each chain is rx_segs descriptors laid out in reverse order
inside its buffer (so a device that writes them out of order produces
wrong frames). TX frames go into 4 KiB blocks, one descriptor per block
(or per piece with tx_split_hdr), optionally through an indirect table.

Every wait has a timeout and ends in a VuError naming what did not
happen; a device that returns something the driver never made available
raises VuError too.

Ring memory is shared with another process. Plain stores from this
process reach memory in program order on x86 (the only architecture the
tests run on), which is all a driver needs for publication: buffer and
descriptor contents, then the split avail index or the packed head's
flags. Those 16-bit fields the device reads while we may write them
(avail->idx, used_event, descriptor flags) are stored through a
memoryview cast to "H": one 2-byte store. Not with struct.pack_into,
which clears its destination before it packs: a device reading at that
moment sees avail->idx 0, a jump of thousands of entries, and rightly
declares the ring broken (seen with burrow).
"""

import collections
import mmap
import os
import select
import socket
import struct
import sys
import time

# vhost-user requests (front-end to back-end).
GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
SET_MEM_TABLE = 5
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
SET_VRING_ERR = 14
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18

NAMES = {v: k for k, v in list(globals().items())
         if isinstance(v, int) and k.isupper() and not k.startswith("_")}

# Header flags.
F_VERSION = 0x1
F_REPLY = 0x4
F_NEED_REPLY = 0x8

# Feature bits (virtio, virtio-net, vhost-user).
VIRTIO_NET_F_CSUM = 0
VIRTIO_NET_F_GUEST_CSUM = 1
VIRTIO_NET_F_MRG_RXBUF = 15
VIRTIO_F_INDIRECT_DESC = 28
VIRTIO_F_EVENT_IDX = 29
VHOST_USER_F_PROTOCOL_FEATURES = 30
VIRTIO_F_VERSION_1 = 32
VIRTIO_F_RING_PACKED = 34
# Protocol feature bits.
PF_MQ = 0
PF_REPLY_ACK = 3

# Descriptor flags.
D_NEXT = 0x1
D_WRITE = 0x2
D_INDIRECT = 0x4
D_AVAIL = 1 << 7   # packed
D_USED = 1 << 15   # packed

VNET_HDR = 12      # struct virtio_net_hdr_v1 (num_buffers included)
NEEDS_CSUM = 0x1   # virtio_net_hdr flags
BLOCK = 4096       # TX buffer block
PAGE = 4096
MMAP_OFF = PAGE    # regions start this far into the memfd
GPA_BASE = 0x1_4000_0000
UVA_BASE = 0x7f3a_0000_0000
FRAME_MAX = 65536 + 64  # burrow's largest frame


def bit(n):
    return 1 << n


def roundup(x, a):
    return (x + a - 1) // a * a


class VuError(Exception):
    """The vhost-user session or a ring did not behave."""


def sum16(data):
    """The ones'-complement sum (RFC 1071) of @data as big-endian 16-bit
    words, odd length padded with a zero byte. 2^16 = 1 modulo 0xffff,
    so the sum of the words is the whole number modulo 0xffff (0xffff,
    not 0, for data that is not all zeros: ones'-complement's -0, which
    is what a sum ending in a valid checksum gives)."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    x = int.from_bytes(data, "big")
    r = x % 0xffff
    return 0xffff if r == 0 and x else r


def l4_csum_error(frame):
    """What is wrong with @frame's IPv4 header checksum or its TCP or UDP
    checksum (pseudo-header included), or None. Frames of other kinds,
    and IPv6 with extension headers, are not looked at; lengths running
    past the frame are an error."""
    if len(frame) < 14:
        return None
    et = frame[12:14]
    if et == b"\x08\x00":
        if len(frame) < 34:
            return "IPv4 frame of %d bytes" % len(frame)
        ihl = (frame[14] & 15) * 4
        tot, = struct.unpack_from("!H", frame, 16)
        if ihl < 20 or tot < ihl or 14 + tot > len(frame):
            return "IPv4 header length %d, total %d, in a frame of %d " \
                "bytes" % (ihl, tot, len(frame))
        if sum16(frame[14:14 + ihl]) != 0xffff:
            return "bad IPv4 header checksum"
        proto = frame[23]
        if struct.unpack_from("!H", frame, 20)[0] & 0x3fff:
            return None  # a fragment: no L4 header to check
        l4 = frame[14 + ihl:14 + tot]
        pseudo = frame[26:34] + struct.pack("!BBH", 0, proto, len(l4))
    elif et == b"\x86\xdd":
        if len(frame) < 54:
            return "IPv6 frame of %d bytes" % len(frame)
        plen, proto = struct.unpack_from("!HB", frame, 18)
        if 54 + plen > len(frame):
            return "IPv6 payload length %d in a frame of %d bytes" % (
                plen, len(frame))
        l4 = frame[54:54 + plen]
        pseudo = frame[22:54] + struct.pack("!IxxxB", len(l4), proto)
    else:
        return None
    if proto == 6:
        if len(l4) < 20:
            return "TCP segment of %d bytes" % len(l4)
    elif proto == 17:
        if len(l4) < 8:
            return "UDP datagram of %d bytes" % len(l4)
        if l4[6:8] == b"\0\0" and et == b"\x08\x00":
            return None  # UDP over IPv4 without a checksum
    else:
        return None
    if sum16(pseudo + l4) != 0xffff:
        return "bad %s checksum %#06x (%s)" % (
            "TCP" if proto == 6 else "UDP",
            struct.unpack_from("!H", l4, 16 if proto == 6 else 6)[0],
            "IPv4" if et == b"\x08\x00" else "IPv6")
    return None


class _Ring:
    """Virtqueue @index of @n entries, driver side, laid out at offset
    @off of the front-end @fe's memory. Each chain carries a token
    ("info") that comes back with it when the device has used it."""

    def __init__(self, fe, index, n, off, packed, event_idx):
        self.fe, self.index, self.n, self.packed = fe, index, n, packed
        self.event_idx = event_idx
        self.mem = fe.mem
        self.desc = off
        if packed:
            self.drv = off + 16 * n        # driver event area (ours)
            self.dev = self.drv + 4        # device event area (burrow's)
            self.end = self.dev + 4
            self.next_avail, self.avail_wrap = 0, True
            self.next_used, self.used_wrap = 0, True
            self.free_ids = collections.deque(range(n))
            self.inflight_desc = 0
        else:
            self.avail = off + 16 * n
            self.used = roundup(self.avail + 6 + 2 * n + 2, 4)
            self.end = self.used + 6 + 8 * n + 2
            self.avail_idx = 0
            self.last_used = 0
            self.free = collections.deque(range(n))
        self.inflight = {}    # id -> (descriptors, info)
        self.used_count = 0   # used entries consumed (all time)
        self.dirty = False    # made available since the last publish

    # -- addresses for SET_VRING_ADDR / SET_VRING_BASE ------------------------
    def addrs(self):
        """(desc, used, avail) as front-end virtual addresses."""
        uva = self.fe.uva
        if self.packed:
            return uva(self.desc), uva(self.dev), uva(self.drv)
        return uva(self.desc), uva(self.used), uva(self.avail)

    def base(self):
        """SET_VRING_BASE value for a fresh ring."""
        return 0x80008000 if self.packed else 0

    def position(self):
        """What GET_VRING_BASE must answer once every chain the device
        took was returned: split, the next avail index (= used entries
        seen); packed, next avail | wrap << 15 in both halves."""
        if self.packed:
            p = self.next_used | (0x8000 if self.used_wrap else 0)
            return p | p << 16
        return self.used_count & 0xffff

    def init_memory(self):
        m = self.mem
        m[self.desc:self.end] = bytes(self.end - self.desc)
        if self.packed:
            # Driver event area: notify us of every used buffer.
            self.st16(self.drv, 0)
            self.st16(self.drv + 2, 0)

    def st16(self, off, v):
        """Store the 16-bit field at @off (even) in one access."""
        self.fe.mem16[off >> 1] = v

    # -- adding chains --------------------------------------------------------
    def room(self, ndesc):
        if self.packed:
            return self.free_ids and self.inflight_desc + ndesc <= self.n
        return len(self.free) >= ndesc

    def add(self, segs, info, indirect_at=None):
        """Make the chain @segs ([(gpa, len, write)]) available. With
        @indirect_at (a memory offset with room for len(segs) entries)
        the segments go into an indirect table there and the ring gets
        one descriptor. Not visible to the device before publish() for
        split rings; at once for packed rings."""
        if indirect_at is not None:
            self._table(indirect_at, segs)
            segs = [(self.fe.gpa(indirect_at), 16 * len(segs), None)]
        if self.packed:
            return self._add_packed(segs, info)
        return self._add_split(segs, info)

    def _flags(self, write):
        if write is None:
            return D_INDIRECT
        return D_WRITE if write else 0

    def _table(self, off, segs):
        for i, (a, ln, w) in enumerate(segs):
            fl = D_WRITE if w else 0
            if self.packed:
                struct.pack_into("<QIHH", self.mem, off + 16 * i, a, ln, 0,
                                 fl)
            else:
                last = i == len(segs) - 1
                struct.pack_into("<QIHH", self.mem, off + 16 * i, a, ln,
                                 fl | (0 if last else D_NEXT),
                                 0 if last else i + 1)

    def _add_split(self, segs, info):
        ids = [self.free.popleft() for _ in segs]
        for i, (a, ln, w) in enumerate(segs):
            last = i == len(segs) - 1
            struct.pack_into("<QIHH", self.mem, self.desc + 16 * ids[i], a,
                             ln, self._flags(w) | (0 if last else D_NEXT),
                             0 if last else ids[i + 1])
        head = ids[0]
        struct.pack_into("<H", self.mem,
                         self.avail + 4 + 2 * (self.avail_idx % self.n),
                         head)
        self.avail_idx = (self.avail_idx + 1) & 0xffff
        self.inflight[head] = (ids, info)
        self.dirty = True
        return head

    def _slot_flags(self, i, write, more):
        """Flags for the chain member @i slots after next_avail."""
        wrap = self.avail_wrap if self.next_avail + i < self.n \
            else not self.avail_wrap
        return self._flags(write) | (D_NEXT if more else 0) | \
            (D_AVAIL if wrap else D_USED)

    def _add_packed(self, segs, info):
        bid = self.free_ids.popleft()
        k = len(segs)
        head_flags = None
        for i, (a, ln, w) in enumerate(segs):
            slot = (self.next_avail + i) % self.n
            fl = self._slot_flags(i, w, i < k - 1)
            struct.pack_into("<QIH", self.mem, self.desc + 16 * slot, a,
                             ln, bid)
            if i == 0:
                head_flags = fl
            else:
                self.st16(self.desc + 16 * slot + 14, fl)
        # The head's flags last: they publish the whole chain.
        self.st16(self.desc + 16 * self.next_avail + 14, head_flags)
        self._advance_avail(k)
        self.inflight[bid] = (k, info)
        self.inflight_desc += k
        self.dirty = True
        return bid

    def _advance_avail(self, k):
        self.next_avail += k
        if self.next_avail >= self.n:
            self.next_avail -= self.n
            self.avail_wrap = not self.avail_wrap

    def publish(self):
        """Split: store avail->idx (after every ring entry)."""
        if not self.packed and self.dirty:
            self.st16(self.avail + 2, self.avail_idx)
        self.dirty = False

    # -- used chains ----------------------------------------------------------
    def harvest(self):
        """Used chains since the last call: [(len, info)], in ring order.
        Raises VuError if the device returns what it was not given."""
        out = []
        if self.packed:
            while True:
                off = self.desc + 16 * self.next_used
                fl, = struct.unpack_from("<H", self.mem, off + 14)
                if bool(fl & D_AVAIL) != self.used_wrap or \
                        bool(fl & D_USED) != self.used_wrap:
                    break
                ln, bid = struct.unpack_from("<IH", self.mem, off + 8)
                if bid not in self.inflight:
                    raise VuError("ring %d: device used buffer id %d at "
                                  "slot %d, not in flight" %
                                  (self.index, bid, self.next_used))
                k, info = self.inflight.pop(bid)
                self.free_ids.append(bid)
                self.inflight_desc -= k
                self.next_used += k
                if self.next_used >= self.n:
                    self.next_used -= self.n
                    self.used_wrap = not self.used_wrap
                self.used_count += 1
                out.append((ln, info))
            return out
        idx, = struct.unpack_from("<H", self.mem, self.used + 2)
        ahead = (idx - self.last_used) & 0xffff
        if ahead > self.n:
            raise VuError("ring %d: used->idx %d is %d ahead of %d (size %d)"
                          % (self.index, idx, ahead, self.last_used, self.n))
        while self.last_used != idx:
            e = self.used + 4 + 8 * (self.last_used % self.n)
            head, ln = struct.unpack_from("<II", self.mem, e)
            if head not in self.inflight:
                raise VuError("ring %d: device used head %d, not in flight"
                              % (self.index, head))
            ids, info = self.inflight.pop(head)
            self.free.extend(ids)
            self.last_used = (self.last_used + 1) & 0xffff
            self.used_count += 1
            out.append((ln, info))
        if self.event_idx:
            # used_event: interrupt us for the very next used entry.
            self.st16(self.avail + 4 + 2 * self.n, self.last_used)
        return out

    def debug_state(self):
        """Our counters and what ring memory says, for error messages
        (split: avail_event is the device's next avail index, written
        at each of its pops)."""
        m = self.mem
        if self.packed:
            return {"next_avail": self.next_avail,
                    "avail_wrap": self.avail_wrap,
                    "next_used": self.next_used, "used_wrap": self.used_wrap,
                    "inflight": len(self.inflight),
                    "inflight_desc": self.inflight_desc,
                    "used_count": self.used_count,
                    "device_event": struct.unpack_from("<HH", m, self.dev)}
        return {"avail_idx": self.avail_idx,
                "avail->idx": struct.unpack_from("<H", m, self.avail + 2)[0],
                "used_count": self.used_count, "last_used": self.last_used,
                "used->idx": struct.unpack_from("<H", m, self.used + 2)[0],
                "avail_event": struct.unpack_from(
                    "<H", m, self.used + 4 + 8 * self.n)[0],
                "inflight": len(self.inflight), "free": len(self.free)}

    # -- raw writes for hostile cases -----------------------------------------
    def raw_split(self, descs, head, avail_step=1):
        """Write descriptors {index: (addr, len, flags, next)} as they
        are, put @head in the avail ring, move avail->idx by
        @avail_step."""
        for i, (a, ln, fl, nx) in descs.items():
            struct.pack_into("<QIHH", self.mem, self.desc + 16 * i, a, ln,
                             fl, nx)
        struct.pack_into("<H", self.mem,
                         self.avail + 4 + 2 * (self.avail_idx % self.n),
                         head)
        self.avail_idx = (self.avail_idx + avail_step) & 0xffff
        self.dirty = True
        self.publish()

    def raw_packed(self, descs):
        """Write [(addr, len, id, flags without AVAIL/USED)] in
        consecutive slots from next_avail, available, head last."""
        for i in reversed(range(len(descs))):
            a, ln, bid, fl = descs[i]
            slot = (self.next_avail + i) % self.n
            wrap = self.avail_wrap if self.next_avail + i < self.n \
                else not self.avail_wrap
            struct.pack_into("<QIH", self.mem, self.desc + 16 * slot, a,
                             ln, bid)
            self.st16(self.desc + 16 * slot + 14,
                      fl | (D_AVAIL if wrap else D_USED))
        self._advance_avail(len(descs))


class VhostUserFrontend:
    """The front-end and the guest driver in one.

    packed:        VIRTIO_F_RING_PACKED (else split rings)
    queue_size:    entries per ring
    mrg:           ack MRG_RXBUF (else every RX chain holds a whole frame)
    event_idx:     ack EVENT_IDX (used_event / driver event area written)
    indirect:      ack INDIRECT_DESC and send TX chains through tables
    csum:          ack CSUM and GUEST_CSUM: RX frames may come with
                   NEEDS_CSUM, completed here; every checksum handed up
                   verified (see the module comment)
    tx_split_hdr:  the 12-byte header in a descriptor of its own
    rx_buf:        bytes per RX chain (default 2048, or a whole frame
                   without mrg), in rx_segs descriptors
    rx_chains:     RX chains posted (default: as many as the ring holds,
                   at most 128; 16 without mrg)
    tx_blocks:     4 KiB TX blocks (frames wait for free ones)
    regions:       1 to 3 memory regions (see the module comment)
    rx_post:       post the RX chains at start (else none ever are:
                   for send_bad_rx())
    timeout:       seconds for any reply or any wait for ring progress
    """

    def __init__(self, path, packed=False, queue_size=256, mrg=True,
                 event_idx=True, indirect=False, tx_split_hdr=False,
                 rx_buf=None, rx_segs=2, rx_chains=None, tx_blocks=512,
                 regions=3, rx_post=True, csum=False, timeout=5.0):
        if sys.byteorder != "little":
            raise VuError("virtio rings are little-endian; so must we be")
        self.path, self.packed, self.n = path, packed, queue_size
        self.timeout = timeout
        self.tx_split_hdr = tx_split_hdr
        self.sock = None
        self.fds = []
        self.mem = None
        self.memfd = -1
        self.closed = False
        self.stats = collections.Counter()
        self.rx_pending = []  # buffers of a frame not complete yet
        try:
            self._setup(mrg, event_idx, indirect, rx_buf, rx_segs,
                        rx_chains, tx_blocks, regions, rx_post, csum)
        except BaseException:
            self._release()
            raise

    # -- the control channel --------------------------------------------------
    def _recvn(self, n, what):
        buf = b""
        end = time.monotonic() + self.timeout
        while len(buf) < n:
            left = end - time.monotonic()
            if left <= 0:
                raise VuError("%s: nothing within %.1f s" % (what,
                                                           self.timeout))
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(n - len(buf))
            except socket.timeout:
                continue
            except OSError as e:
                raise VuError("%s: %s" % (what, e)) from None
            if not d:
                raise VuError("%s: burrow closed the connection" % what)
            buf += d
        return buf

    def msg(self, req, payload=b"", fds=(), reply=False, ack=True):
        """Send request @req; return the reply body if @reply. With
        REPLY_ACK negotiated and @ack, ask for and check the ack."""
        name = NAMES.get(req, str(req))
        need = ack and not reply and self.reply_ack
        flags = F_VERSION | (F_NEED_REPLY if need else 0)
        data = struct.pack("<III", req, flags, len(payload)) + payload
        self.sock.settimeout(self.timeout)
        try:
            sent = 0
            if fds:
                sent = socket.send_fds(self.sock, [data], list(fds))
            self.sock.sendall(data[sent:])
        except OSError as e:
            raise VuError("%s: send failed: %s" % (name, e)) from None
        if not (reply or need):
            return None
        r, f, size = struct.unpack("<III", self._recvn(12, name + " reply"))
        if r != req or not f & F_REPLY or f & 3 != F_VERSION:
            raise VuError("%s: odd reply header (request %d, flags %#x)"
                          % (name, r, f))
        if size > 4096:
            raise VuError("%s: reply of %d bytes" % (name, size))
        body = self._recvn(size, name + " reply body")
        if need:
            if size != 8:
                raise VuError("%s: ack of %d bytes" % (name, size))
            v, = struct.unpack("<Q", body)
            if v:
                raise VuError("%s: refused (ack %d)" % (name, v))
            return None
        return body

    def _u64(self, req):
        body = self.msg(req, reply=True)
        if len(body) != 8:
            raise VuError("%s: reply of %d bytes" % (NAMES[req], len(body)))
        return struct.unpack("<Q", body)[0]

    # -- addresses ------------------------------------------------------------
    def gpa(self, off):
        """Guest-physical address of memory offset @off."""
        return GPA_BASE + off

    def uva(self, off):
        """Front-end virtual address of memory offset @off."""
        for start, end, uva in self.regions:
            if start <= off < end:
                return uva + (off - start)
        raise VuError("offset %#x outside the regions" % off)

    def _mem_table(self, nregions):
        """Cut the memory into @nregions (1 to 3) regions (self.regions:
        [(start, end, uva)]); return the SET_MEM_TABLE payload. Region 0
        always starts at offset 0 with the same front-end address, so
        the rings' addresses stay valid in any of these tables."""
        cuts = sorted(self.cuts[:max(0, min(nregions, 3) - 1)])
        bounds = [0] + cuts + [self.size]
        self.regions = [(bounds[i], bounds[i + 1],
                         UVA_BASE + (i << 32) + bounds[i])
                        for i in range(len(bounds) - 1)]
        table = struct.pack("<II", len(self.regions), 0)
        for start, end, uva in self.regions:
            table += struct.pack("<QQQQ", self.gpa(start), end - start, uva,
                                 MMAP_OFF + start)
        return table

    # -- set-up ---------------------------------------------------------------
    def _setup(self, mrg, event_idx, indirect, rx_buf, rx_segs, rx_chains,
               tx_blocks, nregions, rx_post, csum):
        n = self.n
        self.reply_ack = False
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.
                          SOCK_CLOEXEC)
        self.sock = s
        s.settimeout(self.timeout)
        try:
            s.connect(self.path)
        except OSError as e:
            raise VuError("connect to %s: %s" % (self.path, e)) from None

        # Features: what we can drive, of what burrow offers.
        offer = self._u64(GET_FEATURES)
        self.offer = offer
        if not offer & bit(VIRTIO_F_VERSION_1):
            raise VuError("burrow does not offer VERSION_1: %#x" % offer)
        want = bit(VIRTIO_F_VERSION_1)
        for b, on in ((VHOST_USER_F_PROTOCOL_FEATURES, True),
                      (VIRTIO_NET_F_MRG_RXBUF, mrg),
                      (VIRTIO_F_EVENT_IDX, event_idx),
                      (VIRTIO_F_INDIRECT_DESC, indirect),
                      (VIRTIO_F_RING_PACKED, self.packed),
                      (VIRTIO_NET_F_CSUM, csum),
                      (VIRTIO_NET_F_GUEST_CSUM, csum)):
            if on and offer & bit(b):
                want |= bit(b)
            elif on and b != VHOST_USER_F_PROTOCOL_FEATURES:
                raise VuError("burrow does not offer feature bit %d: "
                              "offer %#x" % (b, offer))
        self.features = want
        self.mrg = bool(want & bit(VIRTIO_NET_F_MRG_RXBUF))
        self.indirect = bool(want & bit(VIRTIO_F_INDIRECT_DESC))
        self.csum = bool(want & bit(VIRTIO_NET_F_GUEST_CSUM))
        ev = bool(want & bit(VIRTIO_F_EVENT_IDX))
        if want & bit(VHOST_USER_F_PROTOCOL_FEATURES):
            poffer = self._u64(GET_PROTOCOL_FEATURES)
            pwant = poffer & (bit(PF_REPLY_ACK) | bit(PF_MQ))
            self.msg(SET_PROTOCOL_FEATURES, struct.pack("<Q", pwant))
            self.reply_ack = bool(pwant & bit(PF_REPLY_ACK))
            if pwant & bit(PF_MQ):
                q = self._u64(GET_QUEUE_NUM)
                if q < 2:
                    raise VuError("GET_QUEUE_NUM: %d" % q)
        self.msg(SET_OWNER)

        # Memory layout: two rings, the RX buffers, the TX blocks.
        if rx_buf is None:
            rx_buf = 2048 if self.mrg else roundup(VNET_HDR + FRAME_MAX, 64)
        if rx_chains is None:
            rx_chains = min(n // rx_segs, 128 if self.mrg else 16)
        if rx_segs < 1 or rx_chains < 1 or rx_chains * rx_segs > n:
            raise VuError("RX chains do not fit the ring")
        self.rx_buf, self.rx_segs = rx_buf, rx_segs
        ring_bytes = roundup(16 * n + 6 + 2 * n + 2 + 3 + 6 + 8 * n + 2,
                             PAGE)
        rx_ring_off, tx_ring_off = 0, ring_bytes
        rx_off = 2 * ring_bytes
        tx_off = roundup(rx_off + rx_chains * rx_buf, PAGE)
        size = tx_off + tx_blocks * BLOCK
        self.size = size
        self.memfd = os.memfd_create("bw-vu-guest", os.MFD_CLOEXEC)
        os.ftruncate(self.memfd, MMAP_OFF + size)
        # Our view starts where region 0 does (MMAP_OFF into the file).
        self.mem = mmap.mmap(self.memfd, size, offset=MMAP_OFF)
        self.mem16 = memoryview(self.mem).cast("H")
        # Region boundaries: inside RX chain 1, inside TX block 3, odd.
        self.cuts = [tx_off + 3 * BLOCK + 1001,
                     rx_off + min(1, rx_chains - 1) * rx_buf +
                     rx_buf // 2 + 0x21]
        table = self._mem_table(nregions)

        self.rx = _Ring(self, 0, n, rx_ring_off, self.packed, ev)
        self.tx = _Ring(self, 1, n, tx_ring_off, self.packed, ev)
        for r in (self.rx, self.tx):
            r.init_memory()
        # RX chains: rx_segs pieces each, in reverse order in memory.
        seg = rx_buf // rx_segs
        self.rx_chain = []
        for c in range(rx_chains):
            base = rx_off + c * rx_buf
            segs = []
            for k in range(rx_segs):
                ln = seg if k < rx_segs - 1 else rx_buf - seg * (rx_segs - 1)
                off = base + rx_buf - seg * k - ln
                segs.append((off, ln))
            self.rx_chain.append(segs)
        self.tx_free = collections.deque(tx_off + i * BLOCK
                                         for i in range(tx_blocks))
        for c in range(rx_chains if rx_post else 0):
            self._rx_post(c)
        self.rx.publish()

        self.msg(SET_FEATURES, struct.pack("<Q", want))
        self.msg(SET_MEM_TABLE, table, fds=[self.memfd] * len(self.regions))
        self.kick, self.call = [], []
        for r in (self.rx, self.tx):
            k = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.fds.append(k)
            c = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.fds.append(c)
            e = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.fds.append(e)
            self.kick.append(k)
            self.call.append(c)
            i = r.index
            self.msg(SET_VRING_CALL, struct.pack("<Q", i), fds=[c])
            self.msg(SET_VRING_ERR, struct.pack("<Q", i), fds=[e])
            self.msg(SET_VRING_NUM, struct.pack("<II", i, n))
            self.msg(SET_VRING_BASE, struct.pack("<II", i, r.base()))
            d, u, a = r.addrs()
            self.msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", i, 0, d, u, a,
                                                 0))
            self.msg(SET_VRING_KICK, struct.pack("<Q", i), fds=[k])
        for r in (self.rx, self.tx):
            self.msg(SET_VRING_ENABLE, struct.pack("<II", r.index, 1))
        if not self.reply_ack:
            self._u64(GET_FEATURES)  # a round trip: all of it was handled
        self._kick(0)

    # -- notifications --------------------------------------------------------
    def _kick(self, q):
        os.eventfd_write(self.kick[q], 1)
        self.stats["kicks%d" % q] += 1

    def _wait_call(self, q, timeout):
        """Wait up to @timeout for a used-buffer notification on queue
        @q (also waking if the control socket says burrow went away).
        Returns True if one came."""
        r, _, _ = select.select([self.call[q], self.sock], [], [],
                                max(0, timeout))
        if self.sock in r:
            try:
                d = self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                d = b"?"
            except OSError:
                d = b""
            if not d:
                raise VuError("burrow closed the vhost-user connection")
        if self.call[q] in r:
            try:
                os.eventfd_read(self.call[q])
            except BlockingIOError:
                return False
            self.stats["calls%d" % q] += 1
            return True
        return False

    # -- transmit -------------------------------------------------------------
    def _tx_reclaim(self):
        for ln, blocks in self.tx.harvest():
            if ln:
                raise VuError("TX chain returned with length %d, not 0"
                              % ln)
            self.tx_free.extend(blocks)

    def _tx_add(self, payload):
        if self.tx_split_hdr and len(payload) > VNET_HDR:
            pieces = [payload[:VNET_HDR]]
            rest = payload[VNET_HDR:]
        else:
            pieces, rest = [], payload
        pieces += [rest[i:i + BLOCK] for i in range(0, len(rest), BLOCK)]
        nblocks = len(pieces) + (1 if self.indirect else 0)
        ndesc = 1 if self.indirect else len(pieces)
        if ndesc > self.n or nblocks > len(self.tx_free) + \
                sum(len(i[1]) for i in self.tx.inflight.values()):
            raise VuError("a frame of %d bytes does not fit the TX ring"
                          % len(payload))
        end = time.monotonic() + self.timeout
        while True:
            self._tx_reclaim()
            if self.tx.room(ndesc) and len(self.tx_free) >= nblocks:
                break
            self.tx.publish()
            self._kick(1)
            left = end - time.monotonic()
            if left <= 0:
                raise VuError("TX ring full for %.1f s: burrow stopped "
                              "taking frames (%d chains in flight)"
                              % (self.timeout, len(self.tx.inflight)))
            self._wait_call(1, min(left, 0.1))
        blocks = [self.tx_free.popleft() for _ in range(nblocks)]
        segs = []
        for p, off in zip(pieces, blocks):
            self.mem[off:off + len(p)] = p
            segs.append((self.gpa(off), len(p), False))
        self.tx.add(segs, blocks, indirect_at=blocks[-1] if self.indirect
                    else None)
        self.stats["tx_frames"] += 1

    def send(self, frame, hdr=None):
        """Transmit @frame after a 12-byte virtio-net header (zeros, or
        @hdr as given), kick."""
        self.send_many([frame], hdr)

    def send_many(self, frames, hdr=None):
        """Transmit @frames, one chain each, one kick at the end (more
        only while waiting for room)."""
        h = bytes(VNET_HDR) if hdr is None else bytes(hdr)
        for f in frames:
            self._tx_add(h + bytes(f))
        self.tx.publish()
        self._kick(1)

    def tx_idle(self, timeout=None):
        """Wait until burrow has returned every TX chain."""
        end = time.monotonic() + (self.timeout if timeout is None
                                  else timeout)
        while True:
            self._tx_reclaim()
            if not self.tx.inflight:
                return
            left = end - time.monotonic()
            if left <= 0:
                raise VuError("%d TX chains still not returned"
                              % len(self.tx.inflight))
            self._wait_call(1, min(left, 0.1))

    # -- receive --------------------------------------------------------------
    def _rx_post(self, c):
        segs = [(self.gpa(off), ln, True) for off, ln in self.rx_chain[c]]
        self.rx.add(segs, c)

    def _rx_read(self, c, ln):
        """The first @ln bytes of RX chain @c, gathered from its
        segments in chain order."""
        out = b""
        for off, sl in self.rx_chain[c]:
            if len(out) >= ln:
                break
            take = min(sl, ln - len(out))
            out += self.mem[off:off + take]
        return out

    def _rx_harvest(self, out, repost=True):
        used = self.rx.harvest()
        for ln, c in used:
            cap = self.rx_buf
            if ln > cap:
                raise VuError("RX: device wrote %d bytes into a %d-byte "
                              "chain" % (ln, cap))
            data = self._rx_read(c, ln)
            if repost:
                self._rx_post(c)
            self.stats["rx_bufs"] += 1
            self.rx_pending.append(data)
            first = self.rx_pending[0]
            if len(first) < VNET_HDR:
                raise VuError("RX: first buffer of %d bytes, no header"
                              % len(first))
            flags, gso, nbuf = first[0], first[1], \
                struct.unpack_from("<H", first, 10)[0]
            # GUEST_CSUM allows NEEDS_CSUM, and DATA_VALID too, which
            # burrow never sets: refused, so that a change is seen. No
            # GSO type was negotiated.
            if gso or flags & ~(NEEDS_CSUM if self.csum else 0):
                raise VuError("RX: header flags %#x gso_type %#x with %s"
                              % (flags, gso, "GUEST_CSUM only" if self.csum
                                 else "no offloads negotiated"))
            if nbuf < 1 or (not self.mrg and nbuf != 1):
                raise VuError("RX: num_buffers %d (mergeable: %s)"
                              % (nbuf, self.mrg))
            if len(self.rx_pending) < nbuf:
                continue
            frame = b"".join(self.rx_pending)[VNET_HDR:]
            self.rx_pending = []
            if not frame:
                raise VuError("RX: an empty frame")
            if flags & NEEDS_CSUM:
                frame = self._rx_csum(first, frame)
            if self.csum:
                err = l4_csum_error(frame)
                if err:
                    raise VuError("RX: %s in a frame of %d bytes (%s), "
                                  "header %s" % (err, len(frame),
                                                 "NEEDS_CSUM completed"
                                                 if flags else "complete",
                                                 first[:VNET_HDR].hex()))
                self.stats["rx_csum_checked"] += 1
            if nbuf > 1:
                self.stats["rx_merged"] += 1
            self.stats["rx_frames"] += 1
            out.append(frame)
        if used and repost:
            self.rx.publish()
            self._kick(0)

    def _rx_csum(self, hdr, frame):
        """@frame with the checksum that virtio-net header @hdr says is
        partial completed, as Linux's skb_checksum_help() does: the
        ones'-complement sum of everything from csum_start to the end of
        the frame, the field at csum_start + csum_offset included (it
        holds the pseudo-header sum), complemented into that field (0
        becomes 0xffff)."""
        start, off = struct.unpack_from("<HH", hdr, 6)
        at = start + off
        if start >= len(frame) or at + 2 > len(frame):
            raise VuError("RX: NEEDS_CSUM with csum_start %d csum_offset "
                          "%d in a frame of %d bytes" % (start, off,
                                                         len(frame)))
        c = ~sum16(frame[start:]) & 0xffff
        self.stats["rx_csum_partial"] += 1
        self.stats["rx_csum_start%d" % start] += 1
        return frame[:at] + struct.pack("!H", c or 0xffff) + frame[at + 2:]

    def recv(self, timeout=1.0):
        """Frames burrow wrote into our RX buffers: waits up to @timeout
        for at least one; [] if none came."""
        out = []
        end = time.monotonic() + timeout
        while True:
            self._rx_harvest(out)
            left = end - time.monotonic()
            if out or left <= 0:
                return out
            if not self._wait_call(0, min(left, 0.1)):
                self.stats["rx_polls"] += 1

    # -- hostile descriptors --------------------------------------------------
    # What send_bad() can do, per layout.
    BAD_SPLIT = ("addr", "addr_wrap", "order", "loop", "segments",
                 "avail_jump", "head_range", "next_range", "nested",
                 "table_len", "indirect_next", "indirect_off")
    BAD_PACKED = ("addr", "addr_wrap", "order", "loop", "segments",
                  "id_range", "nested", "table_len", "indirect_next",
                  "indirect_off")

    def send_bad(self, kind):
        """Make a chain available on the TX queue that breaks the ring
        rules in way @kind, and kick. The queue is useless afterwards
        (burrow marks it broken); close this session.
            addr          a buffer outside every region
            addr_wrap     a buffer running past 2^64
            order         a readable descriptor after a writable one
            loop          split: a chain that comes back to itself;
                          packed: NEXT in every slot (longer than the
                          ring); empty descriptors, so that only the
                          length of the walk can stop it
            segments      a chain of 65 descriptors of 16 bytes (more
                          pieces than burrow takes for one buffer)
            avail_jump    split: avail->idx moved by more than the size
            head_range    split: a head index beyond the table
            next_range    split: a next index beyond the table
            id_range      packed: a buffer id beyond the ring
            nested        an indirect table holding an indirect
                          descriptor (needs indirect=True)
            table_len     an indirect table of 24 bytes (indirect=True)
            indirect_next split: INDIRECT with NEXT; packed: INDIRECT as
                          the second descriptor of a chain
                          (indirect=True)
            indirect_off  an indirect descriptor, indirect=False
        """
        if kind not in (self.BAD_PACKED if self.packed else self.BAD_SPLIT):
            raise ValueError(kind)
        if (kind == "indirect_off") == self.indirect:
            raise VuError("%s: indirect %snegotiated" % (
                kind, "" if self.indirect else "not "))
        self.tx_idle()
        t = self.tx
        buf, tab = self.tx_free[0], self.tx_free[1]
        ok = self.gpa(buf)
        self.mem[buf:buf + VNET_HDR] = bytes(VNET_HDR)
        outside = GPA_BASE + self.size + (1 << 20)
        # An indirect table at tab: one descriptor, itself indirect only
        # for "nested".
        fl = D_INDIRECT if kind == "nested" else 0
        struct.pack_into("<QIHH", self.mem, tab, ok, 64,
                         *((0, fl) if self.packed else (fl, 0)))
        table = self.gpa(tab)
        tlen = 24 if kind == "table_len" else 16
        if self.packed:
            bid = t.free_ids[0]
            d = {
                "addr": [(outside, 100, bid, 0)],
                "addr_wrap": [((1 << 64) - 16, 64, bid, 0)],
                "order": [(ok, 64, bid, D_WRITE | D_NEXT), (ok, 64, bid, 0)],
                "loop": [(ok, 0, bid, D_NEXT)] * self.n,
                "segments": [(ok, 16, bid, D_NEXT)] * 64 + [(ok, 16, bid,
                                                             0)],
                "id_range": [(ok, 64, self.n + 5, 0)],
                "indirect_next": [(ok, 64, bid, D_NEXT),
                                  (table, tlen, bid, D_INDIRECT)],
            }.get(kind, [(table, tlen, bid, D_INDIRECT)])
            t.raw_packed(d)
        else:
            i, j = t.free[0], t.free[1]
            step, head = 1, i
            d = {
                "addr": {i: (outside, 100, 0, 0)},
                "addr_wrap": {i: ((1 << 64) - 16, 64, 0, 0)},
                "order": {i: (ok, 64, D_WRITE | D_NEXT, j),
                          j: (ok, 64, 0, 0)},
                "loop": {i: (ok, 0, D_NEXT, j), j: (ok, 0, D_NEXT, i)},
                "segments": {k: (ok, 16, D_NEXT if n < 64 else 0,
                                 t.free[n + 1] if n < 64 else 0)
                             for n, k in enumerate(list(t.free)[:65])},
                "avail_jump": {i: (ok, 64, 0, 0)},
                "head_range": {},
                "next_range": {i: (ok, 64, D_NEXT, self.n + 1)},
                "indirect_next": {i: (table, tlen, D_INDIRECT | D_NEXT, j),
                                  j: (ok, 64, 0, 0)},
            }.get(kind, {i: (table, tlen, D_INDIRECT, 0)})
            if kind == "avail_jump":
                step = self.n + 1
            elif kind == "head_range":
                head = self.n + 3
            t.raw_split(d, head, step)
        self._kick(1)

    def send_bad_rx(self):
        """Post an RX chain outside guest memory (the RX queue breaks
        when burrow next tries to deliver a frame)."""
        outside = GPA_BASE + self.size + (1 << 20)
        if self.packed:
            self.rx.raw_packed([(outside, 2048, self.rx.free_ids[0],
                                 D_WRITE)])
        else:
            i = self.rx.free[0]
            self.rx.raw_split({i: (outside, 2048, D_WRITE, 0)}, i)
        self._kick(0)

    def debug_state(self):
        """Both rings' state (see _Ring.debug_state())."""
        if self.mem is None:
            return "closed"
        return {"rx": self.rx.debug_state(), "tx": self.tx.debug_state(),
                "rx_pending": len(self.rx_pending)}

    # -- the end --------------------------------------------------------------
    def stop(self, keep=None):
        """GET_VRING_BASE on both rings; then check each answer against
        what the driver saw come back. Returns {ring: base}. Frames that
        arrived before the stop are dropped, or with @keep (a list)
        appended to it, their RX chains posted again."""
        out = {}
        for r in (self.rx, self.tx):
            body = self.msg(GET_VRING_BASE, struct.pack("<II", r.index, 0),
                            reply=True)
            idx, base = struct.unpack("<II", body)
            if idx != r.index:
                raise VuError("GET_VRING_BASE %d answered for ring %d"
                              % (r.index, idx))
            # Stopped: nothing more can come; collect what did.
            if r is self.rx:
                self._rx_harvest([] if keep is None else keep,
                                 repost=keep is not None)
            else:
                self._tx_reclaim()
            if base != r.position():
                raise VuError("GET_VRING_BASE %d: %#x, but the driver saw "
                              "the device at %#x" % (r.index, base,
                                                    r.position()))
            out[r.index] = base
        return out

    def restart(self):
        """Stop both rings and start them again where they stopped, as
        QEMU does around a VM stop and start: GET_VRING_BASE, then
        SET_VRING_BASE with its answer, SET_VRING_ADDR again and a new
        kick eventfd. What was posted stays posted. Returns the frames
        that came in before the stop."""
        frames = []
        bases = self.stop(keep=frames)
        for r in (self.rx, self.tx):
            i = r.index
            self.msg(SET_VRING_BASE, struct.pack("<II", i, bases[i]))
            d, u, a = r.addrs()
            self.msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", i, 0, d, u, a,
                                                 0))
            k = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self.fds.append(k)
            old, self.kick[i] = self.kick[i], k
            self.msg(SET_VRING_KICK, struct.pack("<Q", i), fds=[k])
            self.fds.remove(old)
            os.close(old)
        if not self.reply_ack:
            self._u64(GET_FEATURES)
        self._kick(0)
        self._kick(1)
        self.stats["restarts"] += 1
        return frames

    def remap(self, nregions):
        """A new SET_MEM_TABLE while the rings run (QEMU may send one at
        any time): the same memory cut into @nregions regions."""
        table = self._mem_table(nregions)
        self.msg(SET_MEM_TABLE, table, fds=[self.memfd] * len(self.regions))
        if not self.reply_ack:
            self._u64(GET_FEATURES)
        self._kick(0)
        self._kick(1)
        self.stats["remaps"] += 1

    def _release(self):
        if self.sock is not None:
            self.sock.close()
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        if self.mem is not None:
            self.mem16.release()
            self.mem.close()
            self.mem = None
        if self.memfd >= 0:
            os.close(self.memfd)
            self.memfd = -1

    def close(self):
        """Hang up and free everything (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
