#!/usr/bin/python3
"""Write the seed corpus of fuzz_frame: one file per frame, its first byte
choosing how the fuzz target splits the frame into segments."""
import os
import sys

from scapy.all import (ARP, BOOTP, DHCP, ICMP, IP, UDP, Ether, IPv6,
                       ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6ND_RS,
                       ICMPv6NDOptSrcLLAddr, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, DHCP6_Solicit, DHCP6OptClientId,
                       DHCP6OptIA_NA, DHCP6OptRapidCommit, DUID_LL, DNS,
                       DNSQR, IPOption)

GUEST = "6e:eb:af:97:55:c4"
US = "02:62:75:72:72:77"
BC = "ff:ff:ff:ff:ff:ff"

frames = {
    "arp_request": Ether(src=GUEST, dst=BC) / ARP(
        hwsrc=GUEST, psrc="10.0.2.15", pdst="10.0.2.2"),
    "dhcp_discover": Ether(src=GUEST, dst=BC) / IP(
        src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) /
    BOOTP(chaddr=bytes.fromhex(GUEST.replace(":", "")), xid=0x1234) /
    DHCP(options=[("message-type", "discover"), "end"]),
    "dhcp_request": Ether(src=GUEST, dst=BC) / IP(
        src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) /
    BOOTP(chaddr=bytes.fromhex(GUEST.replace(":", "")), xid=0x1234) /
    DHCP(options=[("message-type", "request"),
                  ("requested_addr", "10.0.2.15"),
                  ("server_id", "10.0.2.2"), "end"]),
    "icmp_echo": Ether(src=GUEST, dst=US) / IP(
        src="10.0.2.15", dst="10.0.2.2") / ICMP(id=7, seq=1) / (b"x" * 56),
    "udp_dns": Ether(src=GUEST, dst=US) / IP(
        src="10.0.2.15", dst="10.0.2.2") / UDP(sport=40000, dport=53) /
    DNS(rd=1, qd=DNSQR(qname="www.example.test")),
    "udp6": Ether(src=GUEST, dst=US) / IPv6(
        src="2001:db8::2", dst="2001:db8::1") / UDP(sport=4000,
                                                     dport=5000) / b"hello",
    "icmp6_echo": Ether(src=GUEST, dst=US) / IPv6(
        src="2001:db8::2", dst="2001:db8::1") / ICMPv6EchoRequest(
            id=9, seq=2, data=b"ping"),
    "ndp_rs": Ether(src=GUEST, dst="33:33:00:00:00:02") / IPv6(
        src="fe80::6ceb:afff:fe97:55c4", dst="ff02::2", hlim=255) /
    ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=GUEST),
    "ndp_ns": Ether(src=GUEST, dst="33:33:ff:00:00:01") / IPv6(
        src="fe80::6ceb:afff:fe97:55c4", dst="ff02::1:ff00:1", hlim=255) /
    ICMPv6ND_NS(tgt="fe80::1") / ICMPv6NDOptSrcLLAddr(lladdr=GUEST),
    "dhcpv6_solicit": Ether(src=GUEST, dst="33:33:00:01:00:02") / IPv6(
        src="fe80::6ceb:afff:fe97:55c4", dst="ff02::1:2") / UDP(
            sport=546, dport=547) / DHCP6_Solicit(trid=0x123) /
    DHCP6OptClientId(duid=DUID_LL(lladdr=GUEST)) / DHCP6OptIA_NA(iaid=1) /
    DHCP6OptRapidCommit(),
    "ip6_ext_chain": Ether(src=GUEST, dst=US) / IPv6(
        src="2001:db8::2", dst="2001:db8::1") / IPv6ExtHdrHopByHop() /
    IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() / UDP(sport=1, dport=2) / b"x",
    "ip6_frag": Ether(src=GUEST, dst=US) / IPv6(
        src="2001:db8::2", dst="2001:db8::1") / IPv6ExtHdrFragment(m=1) /
    UDP(sport=1, dport=2) / (b"x" * 32),
    "ip4_frag": Ether(src=GUEST, dst=US) / IP(
        src="10.0.2.15", dst="10.0.2.2", flags="MF") / UDP(sport=1,
                                                          dport=2) / b"x",
    "ip4_options": Ether(src=GUEST, dst=US) / IP(
        src="10.0.2.15", dst="10.0.2.2", options=[IPOption(b"\x01\x01\x01\x00")])
    / UDP(sport=1, dport=2) / b"x",
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "frame")
    os.makedirs(out, exist_ok=True)
    for name, f in frames.items():
        data = bytes(f)
        for split in (0x00, 0x8e):
            with open(os.path.join(out, "%s_%02x" % (name, split)),
                      "wb") as fh:
                fh.write(bytes([split]) + data)


if __name__ == "__main__":
    main()
