# SPDX-License-Identifier: GPL-2.0-or-later
"""ICMP echo from the guest, translated to ping sockets in the host
namespace: the gateway (the host itself) and a remote host, both
families, small and large payloads."""

import re

import pytest

from helpers import GW4, GW6, REMOTE4, REMOTE6


def ping(g, dst, count=3, size=None, extra=()):
    argv = ["ping", "-n", "-c", count, "-i", "0.2", "-W", "2"]
    if size is not None:
        argv += ["-s", size]
    r = g(argv + list(extra) + [dst], check=False, timeout=count + 10)
    out = r.stdout + r.stderr
    m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    assert m, "no ping summary: %r" % out
    assert (int(m.group(1)), int(m.group(2))) == (count, count), out
    assert "DUP!" not in out and "wrong data" not in out, out
    return out


@pytest.mark.parametrize("dst", [GW4, GW6, REMOTE4, REMOTE6],
                         ids=["gw4", "gw6", "remote4", "remote6"])
def test_ping(burrow, dst):
    _, g = burrow("--config-net")
    ping(g, dst)


@pytest.mark.parametrize("dst,size", [(GW4, 1400), (GW6, 1400),
                                      (REMOTE4, 1400), (GW4, 30000),
                                      (GW6, 30000)],
                         ids=["gw4-1400", "gw6-1400", "remote4-1400",
                              "gw4-30000", "gw6-30000"])
def test_ping_large(burrow, dst, size):
    _, g = burrow("--config-net")
    out = ping(g, dst, count=3, size=size)
    assert "%d bytes from" % (size + 8) in out, out


def test_ping_flood_sequence(burrow):
    # Many echo requests in a row: every reply arrives, in order, once.
    _, g = burrow("--config-net")
    r = g(["ping", "-n", "-c", "200", "-i", "0.002", "-W", "2", GW4],
          timeout=20)
    seqs = [int(m) for m in re.findall(r"icmp_seq=(\d+)", r.stdout)]
    assert sorted(set(seqs)) == list(range(1, 201)), r.stdout[-500:]
    assert "200 received" in r.stdout
