#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small DHCPv6 client for the tests (scapy builds and parses, a plain
UDP socket carries): Solicit (with or without Rapid Commit), Request if
the server advertised, and a JSON summary of what came back.

  dhcp6_client.py IFNAME [--no-rapid] [--timeout S]
"""

import json
import random
import socket
import sys

from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_Reply,
                                DHCP6_Request, DHCP6_Solicit, DUID_LL,
                                DHCP6OptClientId, DHCP6OptDNSDomains,
                                DHCP6OptDNSServers, DHCP6OptElapsedTime,
                                DHCP6OptIA_NA, DHCP6OptIAAddress,
                                DHCP6OptOptReq, DHCP6OptRapidCommit,
                                DHCP6OptServerId, DHCP6OptStatusCode)

IAID = 0x0b0e0a0d
CLASSES = {2: DHCP6_Advertise, 7: DHCP6_Reply}


def mac_of(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return f.read().strip()


def summary(p):
    out = {"msgtype": p.msgtype, "trid": p.trid, "addrs": [], "dns": [],
           "domains": [], "status": None, "server_id": None,
           "client_id": None, "iaid": None, "rapid_commit": False}
    layer = p
    while layer is not None and layer.name != "NoPayload":
        if isinstance(layer, DHCP6OptIAAddress):
            out["addrs"].append([layer.addr, layer.preflft, layer.validlft])
        elif isinstance(layer, DHCP6OptIA_NA):
            out["iaid"] = layer.iaid
            for o in layer.ianaopts:  # a list field, not the payload
                if isinstance(o, DHCP6OptIAAddress):
                    out["addrs"].append([o.addr, o.preflft, o.validlft])
                elif isinstance(o, DHCP6OptStatusCode):
                    out["ia_status"] = o.statuscode
        elif isinstance(layer, DHCP6OptDNSServers):
            out["dns"] += list(layer.dnsservers)
        elif isinstance(layer, DHCP6OptDNSDomains):
            out["domains"] += [d.decode() if isinstance(d, bytes) else d
                               for d in layer.dnsdomains]
        elif isinstance(layer, DHCP6OptStatusCode):
            out["status"] = layer.statuscode
        elif isinstance(layer, DHCP6OptServerId):
            out["server_id"] = bytes(layer.duid).hex()
        elif isinstance(layer, DHCP6OptClientId):
            out["client_id"] = bytes(layer.duid).hex()
        elif isinstance(layer, DHCP6OptRapidCommit):
            out["rapid_commit"] = True
        layer = layer.payload if layer.payload else None
    return out


def exchange(s, dst, msg, trid, want, timeout):
    for _ in range(3):
        s.sendto(bytes(msg), dst)
        s.settimeout(timeout)
        try:
            while True:
                data, _ = s.recvfrom(4096)
                if len(data) < 4 or data[0] not in want:
                    continue
                if int.from_bytes(data[1:4], "big") != trid:
                    continue
                return CLASSES[data[0]](data)
        except socket.timeout:
            continue
    return None


def main():
    ifname = sys.argv[1]
    rapid = "--no-rapid" not in sys.argv
    timeout = 1.0
    if "--timeout" in sys.argv:
        timeout = float(sys.argv[sys.argv.index("--timeout") + 1])
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.bind(("::", 546))
    dst = ("ff02::1:2", 547, 0, idx)
    duid = DUID_LL(lladdr=mac_of(ifname))
    cid = DHCP6OptClientId(duid=duid)
    trid = random.randrange(1 << 24)
    sol = (DHCP6_Solicit(trid=trid) / cid / DHCP6OptElapsedTime() /
           DHCP6OptIA_NA(iaid=IAID) / DHCP6OptOptReq(reqopts=[23, 24]))
    if rapid:
        sol = sol / DHCP6OptRapidCommit()
    res = {"client_id": bytes(duid).hex(), "iaid": IAID}
    p = exchange(s, dst, sol, trid, (2, 7), timeout)
    if p is None:
        print(json.dumps(res))
        return 1
    res["first"] = summary(p)
    if p.msgtype == 2:
        sid = p[DHCP6OptServerId]
        trid = random.randrange(1 << 24)
        ia = p[DHCP6OptIA_NA] if DHCP6OptIA_NA in p else \
            DHCP6OptIA_NA(iaid=IAID)
        req = (DHCP6_Request(trid=trid) / cid /
               DHCP6OptServerId(duid=sid.duid) / DHCP6OptElapsedTime() /
               DHCP6OptIA_NA(iaid=ia.iaid, T1=ia.T1, T2=ia.T2,
                             ianaopts=ia.ianaopts) /
               DHCP6OptOptReq(reqopts=[23, 24]))
        r = exchange(s, dst, req, trid, (7,), timeout)
        if r is None:
            print(json.dumps(res))
            return 1
        res["reply"] = summary(r)
    else:
        res["reply"] = res["first"]
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
