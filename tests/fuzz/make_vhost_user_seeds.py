#!/usr/bin/python3
"""Write the seed corpus of fuzz_vhost_user: the message sequences of
tests/unit/test_vhost_user.c (QEMU 7.2's boot order, packed rings, pipes,
GET_VRING_BASE, and the hostile cases), in the target's chunk format:
u8 ctl (bits 0-3 fd count, bits 4-5 fd kind: 0 /dev/null, 1 64 KiB memfd,
2 eventfd, 3 pipe end), u16 little-endian length, bytes."""
import os
import struct
import sys

NULL, MEMFD, EVENTFD, PIPE = 0, 1, 2, 3
NEED = 0x8
UVA = 0x7f1200000000
RAM = 0x10000  # the target's memfds are 64 KiB

F_SPLIT = 1 << 32 | 1 << 15 | 1 << 30
F_PACKED = F_SPLIT | 1 << 34 | 1 << 29
PF = 1 << 3 | 1 << 0


def msg(req, payload=b"", flags=0, nfds=0, kind=NULL):
    body = struct.pack("<III", req, 1 | flags, len(payload)) + payload
    return struct.pack("<BH", nfds | kind << 4, len(body)) + body


def u64(req, v, **kw):
    return msg(req, struct.pack("<Q", v), **kw)


def state(req, idx, num, **kw):
    return msg(req, struct.pack("<II", idx, num), **kw)


def addr(idx, desc, used, avail, flags=0):
    return msg(9, struct.pack("<IIQQQQ", idx, flags, desc, used, avail, 0))


def mem(regions, flags=NEED, nfds=None, count=None):
    p = struct.pack("<II", len(regions) if count is None else count, 0)
    for r in regions:
        p += struct.pack("<QQQQ", *r)
    return msg(5, p, flags, len(regions) if nfds is None else nfds, MEMFD)


def negotiate():
    s = msg(1) + msg(15) + u64(16, PF) + msg(17) + msg(3) + msg(1)
    for i in range(2):
        s += u64(13, i, nfds=1, kind=EVENTFD) + u64(14, i, nfds=1,
                                                    kind=EVENTFD)
    for i in range(2):
        s += state(18, i, 1)
    return s


def ring(i, num, base, kick_kind=EVENTFD):
    desc = UVA + 0x4000 * i
    s = state(8, i, num) + state(10, i, base)
    s += addr(i, desc, desc + 0x2000, desc + 0x1000)
    s += u64(12, i, nfds=1, kind=kick_kind)
    s += u64(13, i, nfds=1, kind=kick_kind)
    return s


def boot(features=F_SPLIT):
    return (negotiate() + u64(2, features, flags=NEED) +
            mem([(0, RAM, UVA, 0)]))


seeds = {
    "boot_split": boot() + ring(0, 256, 0) + ring(1, 256, 0, PIPE) +
    state(11, 0, 0) + state(11, 1, 0) + state(18, 0, 0) + state(18, 1, 0),
    "boot_packed": boot(F_PACKED) + ring(0, 100, 0x80008000) +
    ring(1, 100, 0x80008000) + state(11, 0, 0) + ring(0, 100, 0x00058005),
    "enable_late": negotiate() + state(18, 0, 0) + u64(2, F_SPLIT) +
    mem([(0, RAM, UVA, 0)]) + ring(0, 64, 7) + state(18, 0, 1) +
    state(18, 0, 0) + state(18, 0, 1) + u64(12, 0, nfds=1, kind=PIPE),
    "no_protocol": msg(3) + u64(2, 1 << 32) + mem([(0, RAM, UVA, 0)], 0) +
    ring(1, 64, 0) + u64(12, 1 | 0x100),
    "two_regions": boot() + mem([(0, 0x8000, UVA, 0),
                                 (0x8000, 0x8000, UVA + 0x8000, 0x8000)]) +
    ring(0, 128, 0),
    "reset_owner": boot() + ring(0, 256, 0) + msg(4) + msg(3) +
    u64(2, F_SPLIT) + mem([(0, RAM, UVA, 0)]) + ring(0, 256, 0),
    "unsupported": boot() + msg(19, b"abcdefgh") +
    msg(39, b"\0" * 8, NEED, 1, EVENTFD) + msg(200, flags=NEED) +
    msg(6, b"\0" * 16, NEED, 1, MEMFD) + msg(7, nfds=1) + msg(24),
    # Hostile: each of these ends the session somewhere.
    "bad_size_large": boot() + struct.pack("<BH", 0, 12) +
    struct.pack("<III", 2, 1, 5000),
    "bad_size_shape": boot() + msg(8, b"\0" * 12),
    "bad_fds_many": boot() + u64(13, 0, nfds=12, kind=EVENTFD),
    "bad_fds_few": boot() + mem([(0, 0x8000, UVA, 0),
                                 (0x8000, 0x8000, UVA + 0x8000, 0)], nfds=1),
    "bad_ring_index": boot() + state(8, 7, 256),
    "bad_num_split": boot() + state(8, 0, 3),
    "bad_overlap": boot() + mem([(0, 0x8000, UVA, 0),
                                 (0x4000, 0x8000, UVA + 0x8000, 0)]),
    "bad_zero_region": boot() + mem([(0, 0, UVA, 0)]),
    "bad_short_file": boot() + mem([(0, RAM * 2, UVA, 0)]),
    "bad_ring_outside": boot() + state(8, 0, 256) + state(10, 0, 0) +
    addr(0, UVA + RAM - 0x100, UVA, UVA + 0x1000) + u64(12, 0 | 0x100),
    "bad_truncated": boot() + struct.pack("<BH", 0, 15) +
    struct.pack("<III", 2, 1, 8) + b"\0\0\0",
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "vhost_user")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
