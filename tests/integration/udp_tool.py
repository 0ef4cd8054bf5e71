#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""UDP echo server and checking client for burrow's integration tests.

  udp_tool.py echo ADDR PORT
      echo every datagram back to its sender; prints "ready" once bound.
  udp_tool.py client ADDR PORT SIZE[,SIZE...] [--seed N]
      send one datagram of random bytes per SIZE, wait for each echo and
      compare; prints a JSON summary with sha256 of what was sent and of
      what came back. Exit 0 only if every echo matched byte for byte.
"""

import hashlib
import json
import random
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def echo(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    if family(addr) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def client(addr, port, sizes, seed):
    rnd = random.Random(seed)
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.connect((addr, port))
    s.settimeout(1.0)
    sent, got = hashlib.sha256(), hashlib.sha256()
    ok = 0
    errors = []
    for size in sizes:
        data = bytes(rnd.getrandbits(8) for _ in range(size))
        sent.update(data)
        reply = None
        for _ in range(3):  # UDP: a datagram may be lost, retry
            try:
                s.send(data)
            except OSError as e:
                errors.append("send %d: %s" % (size, e))
                continue
            try:
                while True:
                    r = s.recv(65535)
                    if r == data:
                        reply = r
                        break
                    errors.append("size %d: got %d bytes that differ"
                                  % (size, len(r)))
            except socket.timeout:
                errors.append("size %d: no echo within 1 s" % size)
                continue
            except OSError as e:
                errors.append("recv %d: %s" % (size, e))
                continue
            break
        if reply is not None:
            got.update(reply)
            ok += 1
    res = {"sent": len(sizes), "echoed": ok, "sha_sent": sent.hexdigest(),
           "sha_echoed": got.hexdigest(), "errors": errors[:10],
           "local": list(s.getsockname()[:2])}
    print(json.dumps(res), flush=True)
    return 0 if ok == len(sizes) else 1


def main():
    if sys.argv[1] == "echo":
        echo(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "client":
        seed = 1
        if "--seed" in sys.argv:
            seed = int(sys.argv[sys.argv.index("--seed") + 1])
        sizes = [int(x) for x in sys.argv[4].split(",")]
        sys.exit(client(sys.argv[2], int(sys.argv[3]), sizes, seed))


if __name__ == "__main__":
    main()
