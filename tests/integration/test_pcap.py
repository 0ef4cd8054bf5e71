# SPDX-License-Identifier: GPL-2.0-or-later
"""--pcap: the capture is a valid file that tshark reads, holding what
crossed the tap (ARP, ICMP echo both ways, DHCP), with good checksums."""

import os

from dhcp import Udhcpc
from helpers import GW4, run


def tshark(path, *args):
    r = run(["tshark", "-n", "-r", path] + list(args), check=False,
            timeout=60)
    assert r.returncode == 0, "tshark failed: %s" % r.stderr
    for bad in ("cut short", "isn't a capture file", "appears to be damaged",
                "corrupt"):
        assert bad not in r.stderr, r.stderr
    return r.stdout


def test_pcap(burrow, tmp_path):
    pcap = os.path.join(str(tmp_path), "cap.pcap")
    b, g = burrow("--pcap", pcap)
    g.link_up()
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, _ = u.run_once()
    assert rc == 0, u.output
    r = g(["ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", GW4],
          check=False, timeout=10)
    assert "2 received" in r.stdout, r.stdout
    b.stop()
    assert os.path.getsize(pcap) > 24
    out = tshark(pcap)
    for what in ("ARP", "Echo (ping) request", "Echo (ping) reply",
                 "DHCP Discover", "DHCP Offer", "DHCP Request",
                 "DHCP ACK"):
        assert what in out, "%r not in the capture:\n%s" % (what, out)
    # Every frame burrow built has correct checksums.
    bad = tshark(pcap, "-o", "ip.check_checksum:TRUE",
                 "-o", "udp.check_checksum:TRUE",
                 "-o", "tcp.check_checksum:TRUE",
                 "-Y", 'ip.checksum.status == "Bad" || '
                 'udp.checksum.status == "Bad" || '
                 'icmp.checksum.status == "Bad" || '
                 'icmpv6.checksum.status == "Bad"')
    assert bad.strip() == "", "frames with bad checksums:\n" + bad
