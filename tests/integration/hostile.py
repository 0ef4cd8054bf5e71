#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Send malformed frames to burrow from inside the guest namespace, on a
raw AF_PACKET socket on the tap.

  hostile.py IFNAME BURROW_MAC COUNT SEED

First every hand-crafted case once, then COUNT mutations (truncation,
byte flips, wrong length fields, garbage tails) of well-formed frames.
Prints a JSON line with the numbers sent. Only the guest's own tap is
written to; nothing here can reach beyond the test namespaces.
"""

import json
import random
import socket
import struct
import sys
import time

from scapy.all import (ARP, DNS, DNSQR, ICMP, IP, TCP, UDP, Ether,
                       ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                       ICMPv6NDOptSrcLLAddr, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Raw, fragment)
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dhcp6 import (DHCP6_Solicit, DHCP6OptClientId,
                                DHCP6OptIA_NA, DHCP6OptRapidCommit, DUID_LL)

G4, GW4, R4 = "198.51.100.2", "198.51.100.1", "203.0.113.10"
G6, GW6, R6 = "2001:db8:1::2", "2001:db8:1::1", "2001:db8:2::10"
PORTS = [53, 67, 547, 7, 5000, 33333]  # few distinct flows on purpose


def mac_of(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return f.read().strip()


def crafted(me, gw):
    """Hand-made edge cases: list of bytes."""
    e4 = Ether(src=me, dst=gw)
    e6 = Ether(src=me, dst=gw, type=0x86dd)
    out = []
    add = out.append
    # Ethernet alone, and shorter.
    for n in range(0, 15):
        add(bytes(e4)[:n])
    add(bytes(Ether(src=me, dst=gw, type=0x0800)))        # no IP header
    add(bytes(Ether(src=me, dst=gw, type=0x86dd)))        # no IPv6 header
    add(bytes(Ether(src=me, dst=gw, type=0x0806)))        # no ARP
    for et in (0x88b5, 0x8100, 0x88a8, 0x8847, 0x0000, 0x05dc, 0xffff):
        add(bytes(Ether(src=me, dst=gw, type=et)) + b"\x45" * 40)
    # ARP with silly sizes.
    a = bytes(e4 / ARP(op=1, hwsrc=me, psrc=G4, pdst=GW4))
    add(a[:20])
    add(a[:14] + b"\x00\x01\x08\x00\x00\x00\x00\x01" + a[22:])  # hlen 0
    add(a[:14] + b"\x00\x01\x08\x00\xff\xff\x00\x01" + a[22:])  # 255s
    add(bytes(e4 / ARP(op=2, hwsrc=me, psrc=GW4, pdst=GW4)))   # spoof gw
    add(bytes(Ether(src=me, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=me, psrc="0.0.0.0", pdst=G4)))
    # IPv4 header fields.
    base = bytes(e4 / IP(src=G4, dst=GW4) / ICMP() / (b"x" * 32))
    ip = bytearray(base[14:])
    for ihl in (0, 1, 4, 6, 15):
        b_ = bytearray(ip)
        b_[0] = 0x40 | ihl
        add(base[:14] + bytes(b_))
    for tl in (0, 1, 19, 20, 27, 29, len(ip) - 1, len(ip) + 1, 1500,
               65535):
        b_ = bytearray(ip)
        b_[2:4] = struct.pack(">H", tl)
        add(base[:14] + bytes(b_))
    for ver in (0, 5, 6, 15):
        b_ = bytearray(ip)
        b_[0] = (ver << 4) | 5
        add(base[:14] + bytes(b_))
    b_ = bytearray(ip)
    b_[10:12] = b"\xde\xad"  # bad header checksum
    add(base[:14] + bytes(b_))
    add(bytes(e4 / IP(src=G4, dst=GW4, options=b"\x07\x27" + b"\x00" * 38)
              / ICMP()))  # record route, maximal options
    add(bytes(e4 / IP(src=G4, dst=GW4, options=b"\x44\x00\x05\x00")
              / ICMP()))  # timestamp option with length 0
    add(bytes(e4 / IP(src=G4, dst=GW4, proto=253) / (b"?" * 20)))
    add(bytes(e4 / IP(src="255.255.255.255", dst=GW4) / ICMP()))
    add(bytes(e4 / IP(src=GW4, dst=GW4) / ICMP()))        # from "gateway"
    add(bytes(e4 / IP(src=G4, dst="127.0.0.1") / ICMP()))
    add(bytes(e4 / IP(src=G4, dst="224.0.0.1") / ICMP()))
    # Transport headers short or lying.
    for proto, hdr in ((17, UDP(sport=1000, dport=53)),
                       (6, TCP(sport=1000, dport=80)),
                       (1, ICMP())):
        full = bytes(e4 / IP(src=G4, dst=GW4, proto=proto) / hdr /
                     (b"y" * 8))
        for cut in range(34, len(full)):
            f = bytearray(full[:cut])
            f[16:18] = struct.pack(">H", cut - 14)
            f[24:26] = b"\x00\x00"
            add(bytes(f))
    for ulen in (0, 1, 7, 8, 9, 2000, 65535):
        f = bytes(e4 / IP(src=G4, dst=GW4) /
                  UDP(sport=1000, dport=5000, len=ulen) / (b"z" * 16))
        add(f)
    for doff in (0, 1, 4, 6, 15):
        add(bytes(e4 / IP(src=G4, dst=GW4) /
                  TCP(sport=1001, dport=5000, dataofs=doff, flags="S")))
    for opts in (b"\x02\x00" + b"\x00" * 2, b"\x02\x01", b"\x03\x00\x0e",
                 b"\x08\x0a" + b"\x00" * 6, b"\x02\x04\xff\xff" * 10):
        add(bytes(e4 / IP(src=G4, dst=GW4) /
                  TCP(sport=1002, dport=5000, flags="S", dataofs=15) /
                  Raw(opts.ljust(40, b"\x01")[:40])))
    add(bytes(e4 / IP(src=G4, dst=GW4) / TCP(sport=1003, dport=5000,
                                              flags="SFRPAU")))
    add(bytes(e4 / IP(src=G4, dst=GW4) / TCP(sport=1003, dport=5000,
                                              flags="A", seq=1, ack=1)))
    add(bytes(e4 / IP(src=G4, dst=GW4) / UDP(sport=1000, dport=0)))
    add(bytes(e4 / IP(src=G4, dst=GW4) / UDP(sport=0, dport=5000)))
    # ICMP errors quoting garbage, ICMP types nobody handles.
    for t, c in ((3, 3), (11, 0), (12, 0), (5, 1), (13, 0), (8, 1),
                 (0, 0), (255, 255)):
        add(bytes(e4 / IP(src=G4, dst=GW4) / ICMP(type=t, code=c) /
                  bytes(IP(src=GW4, dst=G4) / UDP())[:12]))
    # Fragments, overlapping fragments, tiny fragments.
    big = IP(src=G4, dst=GW4, id=4242) / ICMP() / (b"F" * 3000)
    for fr in fragment(big, fragsize=512):
        add(bytes(e4 / fr))
    add(bytes(e4 / IP(src=G4, dst=GW4, id=77, flags="MF", frag=0) /
              (b"A" * 64)))
    add(bytes(e4 / IP(src=G4, dst=GW4, id=77, frag=2) / (b"B" * 64)))
    add(bytes(e4 / IP(src=G4, dst=GW4, id=77, frag=8191) / (b"C" * 64)))
    add(bytes(e4 / IP(src=G4, dst=GW4, id=78, flags="MF", frag=0,
                      proto=17) / (b"\x01" * 3)))
    # DHCP: option floods, overload, no end, lengths past the end.
    dh = e4 / IP(src="0.0.0.0", dst="255.255.255.255") / \
        UDP(sport=68, dport=67) / BOOTP(chaddr=bytes.fromhex(
            me.replace(":", "")), xid=0x1234)
    magic_ok = bytes(dh / DHCP(options=[("message-type", "discover"),
                                        "end"]))
    add(magic_ok)
    opts_start = len(bytes(dh)) + 4
    for tail in (b"\x35\x01\x01" + b"\x37\xff" + bytes(range(255)) +
                 b"\xff",
                 b"\x35\x01\x01" + b"\x00" * 1000,             # pads
                 b"\x35\x01\x01" + b"\x0c\x40" + b"h" * 64 * 30,  # names
                 b"\x35\x01\x01\x34\x01\x03\xff",              # overload
                 b"\x35\x01\x01\x37",                          # no length
                 b"\x35\x01\x01\x37\xff\x01",                  # past end
                 b"\x35\x00",                                  # type len 0
                 b"\x35\x01\x63\xff",                          # bad type
                 b"\x35\x01\x03\x32\x04\xc6\x33\x64\x63\xff",  # request
                 b"\x35\x01\x03\x36\x04\xc6\x33\x64\x01\xff",
                 b"\x3d\x00\x35\x01\x01\xff",                  # cid len 0
                 b"\x35\x01\x01" + b"\x51\x03\x00\x00\x00" * 100):
        f = bytearray(magic_ok[:opts_start] + tail)
        add(bytes(f))
    add(bytes(dh)[:opts_start - 4])  # no magic cookie
    add(bytes(dh)[:60])               # BOOTP cut short
    # DNS to the forwarder: compression loops, huge counts.
    dq = e4 / IP(src=G4, dst=GW4) / UDP(sport=5353, dport=53)
    add(bytes(dq / DNS(rd=1, qd=DNSQR(qname="www.example.test"))))
    add(bytes(dq) + b"\x12\x34\x01\x00\xff\xff\x00\x00\x00\x00\x00\x00"
        + b"\xc0\x0c")
    add(bytes(dq) + b"\x12\x35\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
        + b"\x3f" + b"a" * 63 + b"\xc0\x0c\x00\x01\x00\x01")
    add(bytes(dq) + b"\x12\x36")
    # IPv6: header and extension header chains.
    b6 = bytes(e6 / IPv6(src=G6, dst=GW6) / ICMPv6EchoRequest(data=b"q"
                                                               * 16))
    for plen in (0, 1, 7, 8, 1000, 65535):
        f = bytearray(b6)
        f[18:20] = struct.pack(">H", plen)
        add(bytes(f))
    for n in range(14, 54):
        add(b6[:n])
    for nh in (0, 43, 44, 60, 59, 255, 51, 50, 135):
        f = bytearray(b6)
        f[20] = nh
        add(bytes(f))
    chains = [
        IPv6ExtHdrHopByHop(),
        IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrRouting(addresses=[GW6]) / IPv6ExtHdrFragment(),
        IPv6ExtHdrRouting(type=0, addresses=[GW6, R6], segleft=2),
        IPv6ExtHdrFragment(m=1, offset=0, id=9),
        IPv6ExtHdrFragment(m=0, offset=1, id=9),
        IPv6ExtHdrFragment(m=0, offset=0, id=10),  # atomic fragment
    ]
    long_chain = IPv6ExtHdrDestOpt()
    for _ in range(60):
        long_chain = long_chain / IPv6ExtHdrDestOpt()
    chains.append(long_chain)
    hbh = IPv6ExtHdrHopByHop()
    for _ in range(30):
        hbh = hbh / IPv6ExtHdrHopByHop()
    chains.append(hbh)
    for ch in chains:
        for up in (ICMPv6EchoRequest(), UDP(sport=1000, dport=53),
                   TCP(sport=1000, dport=5000, flags="S")):
            add(bytes(e6 / IPv6(src=G6, dst=GW6) / ch / up))
    f = bytearray(bytes(e6 / IPv6(src=G6, dst=GW6) / IPv6ExtHdrDestOpt() /
                        ICMPv6EchoRequest()))
    f[55] = 255  # extension header length beyond the frame
    add(bytes(f))
    # NDP with zero-length and oversized options.
    ns = bytes(e6 / IPv6(src=G6, dst="ff02::1:ff00:1", hlim=255) /
               ICMPv6ND_NS(tgt=GW6) / ICMPv6NDOptSrcLLAddr(lladdr=me))
    for olen in (0, 1, 2, 255):
        f = bytearray(ns)
        f[-7] = olen
        add(bytes(f))
    rs = bytes(e6 / IPv6(src="fe80::1", dst="ff02::2", hlim=255) /
               ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=me))
    for olen in (0, 1, 200):
        f = bytearray(rs)
        f[-7] = olen
        add(bytes(f))
    add(rs + b"\x00\x00" * 8)                  # options of length 0 after
    add(bytes(e6 / IPv6(src=G6, dst="ff02::1:ff00:1", hlim=64) /
              ICMPv6ND_NS(tgt=GW6)))            # hop limit not 255
    add(bytes(e6 / IPv6(src="fe80::1", dst="ff02::1", hlim=255) /
              ICMPv6ND_RA()))                   # a rogue router
    add(bytes(e6 / IPv6(src=G6, dst=GW6, hlim=255) /
              ICMPv6ND_NA(tgt=GW6, R=1, S=1, O=1)))
    # DHCPv6 from a link-local source.
    d6 = e6 / IPv6(src="fe80::1", dst="ff02::1:2") / UDP(sport=546,
                                                         dport=547)
    sol = bytes(DHCP6_Solicit(trid=5) /
                DHCP6OptClientId(duid=DUID_LL(lladdr=me)) /
                DHCP6OptIA_NA(iaid=1) / DHCP6OptRapidCommit())
    add(bytes(d6 / Raw(sol)))
    for cut in range(1, len(sol)):
        add(bytes(d6 / Raw(sol[:cut])))
    add(bytes(d6 / Raw(b"\x01\x00\x00\x05" + b"\x00\x01\xff\xff")))
    add(bytes(d6 / Raw(b"\x01\x00\x00\x05" + b"\x00\x03\x00\x00" * 300)))
    add(bytes(d6 / Raw(b"\x0b\x00\x00\x05" + b"\x00\x00\x00\x00")))
    return out


def bases(me, gw):
    """Well-formed frames to mutate."""
    e4 = Ether(src=me, dst=gw)
    e6 = Ether(src=me, dst=gw, type=0x86dd)
    f = [
        e4 / ARP(op=1, hwsrc=me, psrc=G4, pdst=GW4),
        e4 / IP(src=G4, dst=GW4) / ICMP(id=7, seq=1) / (b"p" * 56),
        e4 / IP(src=G4, dst=R4) / ICMP(id=8, seq=1) / (b"p" * 56),
        e4 / IP(src=G4, dst=GW4) / TCP(sport=40000, dport=5000,
                                       flags="S", options=[
                                           ("MSS", 1460), ("WScale", 7),
                                           ("SAckOK", b""),
                                           ("Timestamp", (1, 0))]),
        e4 / IP(src=G4, dst=GW4) / UDP(sport=5353, dport=53) /
        DNS(rd=1, qd=DNSQR(qname="www.example.test")),
        Ether(src=me, dst="ff:ff:ff:ff:ff:ff") /
        IP(src="0.0.0.0", dst="255.255.255.255") /
        UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex(me.replace(":", "")), xid=99) /
        DHCP(options=[("message-type", "discover"),
                      ("param_req_list", [1, 3, 6, 15, 26, 119]), "end"]),
        e6 / IPv6(src=G6, dst=GW6) / ICMPv6EchoRequest(id=9, data=b"r" *
                                                       40),
        e6 / IPv6(src=G6, dst="ff02::1:ff00:1", hlim=255) /
        ICMPv6ND_NS(tgt=GW6) / ICMPv6NDOptSrcLLAddr(lladdr=me),
        e6 / IPv6(src="fe80::1", dst="ff02::2", hlim=255) / ICMPv6ND_RS() /
        ICMPv6NDOptSrcLLAddr(lladdr=me),
        e6 / IPv6(src="fe80::1", dst="ff02::1:2") /
        UDP(sport=546, dport=547) /
        DHCP6_Solicit(trid=6) / DHCP6OptClientId(duid=DUID_LL(lladdr=me)) /
        DHCP6OptIA_NA(iaid=1),
        e6 / IPv6(src=G6, dst=GW6) / UDP(sport=5353, dport=53) /
        DNS(rd=1, qd=DNSQR(qname="www.example.test", qtype="AAAA")),
        e6 / IPv6(src=G6, dst=GW6) / IPv6ExtHdrHopByHop() /
        IPv6ExtHdrDestOpt() / UDP(sport=5000, dport=5000) / (b"u" * 30),
        e4 / IP(src=G4, dst=GW4, flags="MF", id=5) / UDP(sport=5000,
                                                          dport=5000) /
        (b"v" * 100),
    ]
    return [bytes(x) for x in f]


def mutate(rnd, frame):
    f = bytearray(frame)
    m = rnd.randrange(8)
    if m == 0 and len(f) > 1:                    # truncate
        del f[rnd.randrange(len(f)):]
    elif m == 1:                                 # flip bytes
        for _ in range(rnd.randint(1, 8)):
            if f:
                f[rnd.randrange(len(f))] ^= 1 << rnd.randrange(8)
    elif m == 2:                                 # header byte extremes
        for _ in range(rnd.randint(1, 4)):
            i = 14 + rnd.randrange(min(80, max(1, len(f) - 14)))
            if i < len(f):
                f[i] = rnd.choice((0, 0xff, 0x80, 0x7f, 1))
    elif m == 3:                                 # garbage tail
        f += bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 300)))
    elif m == 4 and len(f) > 20:                 # IPv4/IPv6 length fields
        et = f[12:14]
        v = rnd.choice((0, 1, 20, 40, 65535, rnd.randrange(65536)))
        if et == b"\x08\x00":
            f[16:18] = struct.pack(">H", v)
        elif et == b"\x86\xdd" and len(f) > 20:
            f[18:20] = struct.pack(">H", v)
    elif m == 5 and len(f) > 34:                 # IHL / next header
        if f[12:14] == b"\x08\x00":
            f[14] = 0x40 | rnd.randrange(16)
        elif len(f) > 20:
            f[20] = rnd.choice((0, 43, 44, 60, 58, 17, 6, 59))
    elif m == 6:                                 # random overwrite
        for _ in range(rnd.randint(1, 32)):
            if f:
                f[rnd.randrange(len(f))] = rnd.getrandbits(8)
    return bytes(f)


def main():
    ifname, gw, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    me = mac_of(ifname)
    rnd = random.Random(seed)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.bind((ifname, 0))
    stats = {"sent": 0, "errors": 0, "crafted": 0, "mutated": 0,
             "oversize": 0, "seed": seed}

    def send(frame):
        try:
            s.send(frame)
            stats["sent"] += 1
        except OSError:
            stats["errors"] += 1
        if stats["sent"] % 64 == 0:
            time.sleep(0.001)  # let burrow keep up: frames, not drops

    for f in crafted(me, gw):
        send(f)
        stats["crafted"] += 1
    # Frames as big as the link allows, past burrow's MTU, and a few
    # whose lengths claim even more.
    with open("/sys/class/net/%s/mtu" % ifname) as fh:
        mtu = int(fh.read())
    e4 = bytes(Ether(src=me, dst=gw, type=0x0800))
    for size in (1514, 9014, 65534, mtu + 14):
        body = bytes(IP(src=G4, dst=GW4, len=min(size - 14, 65535)) /
                     UDP(sport=5000, dport=5000))
        frame = (e4 + body).ljust(size, b"o")
        send(frame[:mtu + 14])
        stats["oversize"] += 1
    mutable = bases(me, gw)
    for i in range(count):
        f = rnd.choice(mutable)
        for _ in range(rnd.randint(1, 3)):
            f = mutate(rnd, f)
        if rnd.random() < 0.1:
            f = b"\xff" * 6 + f[6:]
        send(f)
        stats["mutated"] += 1
    print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    main()
