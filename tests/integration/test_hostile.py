# SPDX-License-Identifier: GPL-2.0-or-later
"""A hostile guest: thousands of malformed frames on the tap (truncated
headers, lying length fields, bad checksums, fragments, extension header
chains, option floods, unknown ethertypes, oversize frames). burrow must
stay up, stay small, not log per packet, and still serve ping and DHCP
afterwards."""

import json
import os
import random
import re

from dhcp import Udhcpc
from helpers import GW4, GW6, HERE, HOST4, is_sanitized, burrow_bin

TOOL = os.path.join(HERE, "hostile.py")
RSS_CEILING_KIB = 64 * 1024          # release build
RSS_CEILING_SAN_KIB = 768 * 1024     # AddressSanitizer build
LOG_GROWTH_MAX = 64 * 1024           # no per-packet logging


def gw_mac(g):
    r = g(["ip", "neigh", "show", GW4, "dev", g.ifname])
    m = re.search(r"lladdr ([0-9a-f:]{17})", r.stdout)
    assert m, "no neighbour entry for the gateway: %r" % r.stdout
    return m.group(1)


def ping_ok(g, dst, n=2):
    r = g(["ping", "-n", "-c", n, "-i", "0.2", "-W", "2", dst],
          check=False, timeout=15)
    return "%d received" % n in r.stdout


def flood(b, g, count, seed):
    r = g(["/usr/bin/python3", TOOL, g.ifname, gw_mac(g), count, seed],
          timeout=240)
    stats = json.loads(r.stdout)
    assert stats["sent"] > count, stats
    assert b.alive(), "burrow died during the flood (seed %d, %s)\n%s" % (
        seed, stats, b.describe())
    return stats


def test_hostile_frames(burrow, tmp_path):
    b, g = burrow("--config-net", debug=False)
    assert ping_ok(g, GW4) and ping_ok(g, GW6), "no ping before the flood"
    rss0 = b.rss_kib()
    log0 = len(b.stderr())
    # Let the guest send frames longer than burrow's MTU.
    # (a tap's largest MTU is 65521, one more than burrow's 65520).
    g(["ip", "link", "set", g.ifname, "mtu", "65521"])
    seed = int(os.environ.get("BW_HOSTILE_SEED", random.randrange(1 << 30)))
    stats = flood(b, g, 6000, seed)
    rss1 = b.rss_kib()
    ceiling = RSS_CEILING_SAN_KIB if is_sanitized(burrow_bin()) else \
        RSS_CEILING_KIB
    assert rss1 < ceiling, "RSS %d KiB after the flood (before: %d KiB)" \
        % (rss1, rss0)
    grown = len(b.stderr()) - log0
    assert grown < LOG_GROWTH_MAX, "stderr grew by %d bytes during the " \
        "flood (seed %d): per-packet logging?\n%s" % (
            grown, seed, b.stderr()[log0:log0 + 3000])
    # Still serving.
    g(["ip", "link", "set", g.ifname, "mtu", "65520"])
    assert ping_ok(g, GW4), "ping to the gateway fails after the flood " \
        "(seed %d, %s)" % (seed, stats)
    assert ping_ok(g, GW6), "ping6 to the gateway fails after the flood " \
        "(seed %d)" % seed
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, evs = u.run_once()
    assert rc == 0 and evs and evs[-1]["ip"] == HOST4, \
        "DHCP fails after the flood (seed %d): %s" % (seed, u.output)


def test_hostile_frames_debug(burrow):
    # The same with --debug: debug logging must not turn a malformed
    # frame into a crash either (guest strings escaped, lengths checked).
    b, g = burrow("--config-net")
    assert ping_ok(g, GW4)
    seed = random.randrange(1 << 30)
    flood(b, g, 3000, seed)
    assert ping_ok(g, GW4), "ping fails after the flood (seed %d)" % seed
