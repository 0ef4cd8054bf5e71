#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""selftest.py - prove the test guest works, without burrow (needs root).

  stream: QEMU's `-netdev stream` connects to a unix socket served here
          (4-byte big-endian length + frame). The server records frames
          and answers ARP and ICMP echo for 10.0.2.2 only. Checks: virtio
          features visible, DHCP discovers and IPv6 frames sent, ping
          answered (so TX and RX work), exit code 42 comes back.
  dhcp:   `-netdev tap` on a tap made in the namespace, dnsmasq serving
          DHCPv4 (router, DNS, domain, option 121) and RAs on it: checks
          the guest's udhcpc script (address, routes, resolv.conf) and
          SLAAC, and pings both ways.
  pair:   two guests joined by `-netdev socket,listen=/connect=` on
          127.0.0.1 inside the namespace, static addresses, ping each
          other both ways.

QEMU runs in a network namespace made here (and removed at the end);
nothing leaves it. Usage: selftest.py [stream|dhcp|pair|all] [-v]
"""

import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import qemu_guest as qg  # noqa: E402

GW_MAC = bytes.fromhex("525500000202")
GW_IP = socket.inet_aton("10.0.2.2")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class StreamPeer(threading.Thread):
    """Unix stream server speaking QEMU's framing: records every frame,
    answers ARP who-has and ICMP echo for 10.0.2.2."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.frames = []
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(1)
        self.conn = None

    def _recv(self, n):
        b = b""
        while len(b) < n:
            c = self.conn.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b

    def send(self, frame):
        self.conn.sendall(struct.pack("!I", len(frame)) + frame)

    def run(self):
        self.conn, _ = self.srv.accept()
        try:
            while True:
                n, = struct.unpack("!I", self._recv(4))
                f = self._recv(n)
                self.frames.append(f)
                self.answer(f)
        except (EOFError, OSError):
            pass

    def answer(self, f):
        src, et = f[6:12], struct.unpack("!H", f[12:14])[0]
        if et == 0x0806 and f[20:22] == b"\0\1" and f[38:42] == GW_IP:
            arp = (struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + GW_MAC +
                   GW_IP + f[22:28] + f[28:32])
            self.send(src + GW_MAC + b"\x08\x06" + arp)
        elif et == 0x0800 and f[23] == 1 and f[30:34] == GW_IP:
            ihl = (f[14] & 15) * 4
            ip, icmp = bytearray(f[14:14 + ihl]), bytearray(f[14 + ihl:])
            if icmp[0] != 8:
                return
            ip[12:16], ip[16:20] = f[30:34], f[26:30]
            ip[10:12] = b"\0\0"
            ip[10:12] = struct.pack("!H", csum(bytes(ip)))
            icmp[0] = 0
            icmp[2:4] = b"\0\0"
            icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
            self.send(src + GW_MAC + b"\x08\x00" + bytes(ip) + bytes(icmp))


def describe(f):
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x0800 and f[23] == 17:
        ihl = (f[14] & 15) * 4
        sp, dp = struct.unpack("!HH", f[14 + ihl:18 + ihl])
        if (sp, dp) == (68, 67):
            udp = f[14 + ihl + 8:]
            i = 240
            while i < len(udp) and udp[i] != 255:
                if udp[i] == 0:
                    i += 1
                    continue
                if udp[i] == 53:
                    return "DHCP type %d" % udp[i + 2]
                i += 2 + udp[i + 1]
            return "DHCP ?"
        return "UDP %d->%d" % (sp, dp)
    if et == 0x0800 and f[23] == 1:
        return "ICMP type %d" % f[14 + (f[14] & 15) * 4]
    if et == 0x0806:
        return "ARP op %d" % f[21]
    if et == 0x86DD:
        nh = f[20]
        if nh == 58:
            return "ICMPv6 type %d" % f[54]
        if nh == 0:     # hop-by-hop (MLD)
            return "IPv6 hbh -> ICMPv6 type %d" % f[62]
        return "IPv6 nh %d" % nh
    return "ethertype 0x%04x" % et


STREAM_SCRIPT = r"""
echo "nic: $(cat /sys/class/net/eth0/address) $(cat /sys/class/net/eth0/operstate)"
echo "driver: $(basename $(readlink /sys/class/net/eth0/device/driver))"
echo "features: $(cat /sys/class/net/eth0/device/features)"
udhcpc -i eth0 -n -q -t 2 -T 1 && exit 1   # nobody answers DHCP here
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
ping -c 3 -W 3 10.0.2.2 || exit 2
ip neigh show dev eth0
ip -6 addr show dev eth0
sleep 1
exit 42
"""


def test_stream(ns, verbose):
    with tempfile.TemporaryDirectory(prefix="bw-selftest-") as d:
        sock = os.path.join(d, "vm.sock")
        peer = StreamPeer(sock)
        peer.start()
        r = qg.run_guest(qg.stream_netdev_args(sock), STREAM_SCRIPT,
                         timeout=180, netns=ns, workdir=d)
        if verbose:
            print(r.console)
        kinds = [describe(f) for f in peer.frames]
        print("stream: rc=%d, %.1f s boot-to-poweroff, %d frames from the "
              "guest: %s" % (r.rc, r.elapsed, len(kinds),
                             ", ".join(sorted(set(kinds)))))
        print("stream: guest output:\n  " +
              r.output.strip().replace("\n", "\n  "))
        assert r.rc == 42, "exit code %r" % r.rc
        assert "DHCP type 1" in kinds, "no DHCPDISCOVER seen"
        assert "ICMP type 8" in kinds, "no echo request seen"
        assert any(k.startswith("ICMPv6") or "ICMPv6" in k
                   for k in kinds), "no IPv6 frame seen"
        assert "3 packets received" in r.output, "ping got no replies"
        return r.elapsed


PAIR_SCRIPT = r"""
ip addr add 192.168.77.%(me)d/24 dev eth0
i=0
until ping -c 1 -W 1 192.168.77.%(peer)d >/dev/null; do
    i=$((i+1)); [ $i -lt 60 ] || exit 3
done
ping -c 3 -W 2 192.168.77.%(peer)d || exit 4
sleep 3     # let the peer finish its pings too
exit 0
"""


def test_pair(ns, verbose):
    port = 47123
    with tempfile.TemporaryDirectory(prefix="bw-selftest-") as d:
        a = qg.QemuGuest(qg.socket_netdev_args(listen="127.0.0.1:%d" % port,
                                               mac="52:54:00:00:00:01"),
                         PAIR_SCRIPT % {"me": 1, "peer": 2}, timeout=180,
                         netns=ns, workdir=d, name="a")
        b = qg.QemuGuest(qg.socket_netdev_args(connect="127.0.0.1:%d" % port,
                                               mac="52:54:00:00:00:02"),
                         PAIR_SCRIPT % {"me": 2, "peer": 1}, timeout=180,
                         netns=ns, workdir=d, name="b")
        try:
            a.start()
            for _ in range(100):      # wait for a's listening socket
                out = subprocess.run(["ip", "netns", "exec", ns, "ss",
                                      "-Htln", "sport", "= :%d" % port],
                                     capture_output=True, text=True).stdout
                if out.strip():
                    break
                time.sleep(0.1)
            b.start()
            ra, rb = a.wait(), b.wait()
        finally:
            a.close()
            b.close()
        for n, r in (("a", ra), ("b", rb)):
            if verbose:
                print(r.console)
            print("pair: guest %s rc=%d, %.1f s; %s" % (
                n, r.rc, r.elapsed,
                [l for l in r.output.splitlines() if "packets" in l]))
        assert ra.rc == 0 and rb.rc == 0


DHCP_SCRIPT = r"""
udhcpc -i eth0 -O staticroutes -n -q -t 5 -T 2 || exit 10
echo "--- resolv.conf"; cat /etc/resolv.conf
echo "--- lease"; cat /run/udhcpc.eth0.env
echo "--- routes"; ip route
ping -c 2 -W 2 10.0.2.2 || exit 11
i=0
until ip -6 addr show dev eth0 scope global | grep -q 'inet6 2001:db8:5:'; do
    i=$((i+1)); [ $i -lt 100 ] || exit 12; sleep 0.1
done
ip -6 addr show dev eth0 scope global
ip -6 route
ping -c 2 -W 2 2001:db8:5::1 || exit 13
exit 0
"""


def test_dhcp(ns, verbose):
    def nsrun(*argv):
        subprocess.run(["ip", "netns", "exec", ns] + list(argv), check=True)
    nsrun("ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
    nsrun("ip", "addr", "add", "10.0.2.2/24", "dev", "tap0")
    nsrun("ip", "addr", "add", "2001:db8:5::1/64", "dev", "tap0",
          "nodad")
    nsrun("ip", "link", "set", "tap0", "up")
    with tempfile.TemporaryDirectory(prefix="bw-selftest-") as d:
        dns = subprocess.Popen(
            ["ip", "netns", "exec", ns, "dnsmasq", "--keep-in-foreground",
             "--conf-file=/dev/null", "--user=root", "--port=0",
             "--interface=tap0", "--bind-interfaces",
             "--pid-file=" + os.path.join(d, "pid"),
             "--dhcp-leasefile=" + os.path.join(d, "leases"),
             "--dhcp-range=10.0.2.15,10.0.2.50,255.255.255.0,1h",
             "--dhcp-option=option:router,10.0.2.2",
             "--dhcp-option=option:dns-server,10.0.2.3",
             "--dhcp-option=option:domain-name,example.test",
             "--dhcp-option=121,192.0.2.0/24,10.0.2.2,0.0.0.0/0,10.0.2.2",
             "--enable-ra", "--dhcp-range=2001:db8:5::,ra-only,64"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "dnsm"),
                                                    "w"))
        try:
            r = qg.run_guest(["-netdev", "tap,id=n0,ifname=tap0,script=no,"
                              "downscript=no", "-device",
                              "virtio-net-pci,netdev=n0,romfile="],
                             DHCP_SCRIPT, timeout=180, netns=ns, workdir=d)
        finally:
            dns.terminate()
            dns.wait()
        if verbose:
            print(r.console)
        print("dhcp: rc=%d, %.1f s; guest output:\n  %s" % (
            r.rc, r.elapsed, r.output.strip().replace("\n", "\n  ")))
        assert r.rc == 0, "exit code %r" % r.rc
        out = r.output
        assert "nameserver 10.0.2.3" in out and "search example.test" in out
        assert "192.0.2.0/24 via 10.0.2.2" in out
        assert "default via 10.0.2.2" in out


def main():
    what = [a for a in sys.argv[1:] if not a.startswith("-")] or ["all"]
    verbose = "-v" in sys.argv
    why = qg.missing()
    if why:
        print("selftest: " + why)
        return 1
    ns = "bw-guestself-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo",
                        "up"], check=True)
        if what[0] in ("stream", "all"):
            test_stream(ns, verbose)
        if what[0] in ("dhcp", "all"):
            test_dhcp(ns, verbose)
        if what[0] in ("pair", "all"):
            test_pair(ns, verbose)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    print("selftest: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
