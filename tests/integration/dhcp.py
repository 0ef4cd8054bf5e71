# SPDX-License-Identifier: GPL-2.0-or-later
"""busybox udhcpc in the guest namespace, with a script that records what
the server handed out (and configures the interface, so that unicast
renewals work)."""

import os
import signal
import subprocess

from helpers import wait_for

KEYS = ("interface", "ip", "subnet", "mask", "router", "dns", "domain",
        "search", "mtu", "lease", "serverid", "broadcast")

SCRIPT = """#!/bin/sh
# udhcpc event script written by burrow's tests.
{
echo "event=$1"
for k in %(keys)s; do eval "v=\\${$k-}"; echo "$k=$v"; done
echo "--"
} >> %(log)s
case "$1" in
bound|renew)
    ip addr flush dev "$interface" scope global
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%%%% *}" \
        dev "$interface"
    ;;
esac
exit 0
"""


class Udhcpc:
    def __init__(self, tmpdir, ns, ifname):
        self.ns = ns
        self.ifname = ifname
        self.log = os.path.join(str(tmpdir), "udhcpc-%s.log" % ifname)
        self.script = os.path.join(str(tmpdir), "udhcpc-%s.sh" % ifname)
        with open(self.script, "w") as f:
            f.write(SCRIPT % {"keys": " ".join(KEYS), "log": self.log})
        os.chmod(self.script, 0o755)
        open(self.log, "w").close()

    def argv(self, once=True, tries=3):
        a = ["busybox", "udhcpc", "-i", self.ifname, "-f", "-s",
             self.script, "-t", str(tries), "-T", "1", "-A", "1",
             "-O", "mtu", "-O", "search", "-O", "domain", "-O", "dns",
             "-O", "router", "-O", "subnet"]
        if once:
            a += ["-q", "-n"]
        return ["ip", "netns", "exec", self.ns] + a

    def run_once(self, tries=3, timeout=15):
        """Obtain a lease and quit; returns (returncode, events)."""
        p = subprocess.run(self.argv(once=True, tries=tries),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
        self.output = p.stdout + p.stderr
        return p.returncode, self.events()

    def events(self):
        evs = []
        cur = None
        with open(self.log) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("event="):
                    cur = {"event": line[6:]}
                elif line == "--" and cur is not None:
                    evs.append(cur)
                    cur = None
                elif cur is not None and "=" in line:
                    k, v = line.split("=", 1)
                    cur[k] = v
        return evs

    def bound(self):
        return [e for e in self.events() if e["event"] in ("bound",
                                                            "renew")]


def start_daemon(procs, u):
    """udhcpc that stays running (for renewals)."""
    return procs.start(u.argv(once=False, tries=5)[4:], ns=u.ns)


def renew(p, u, timeout=15):
    """SIGUSR1 -> udhcpc renews; wait for one more bound/renew event."""
    n = len(u.bound())
    os.kill(p.pid, signal.SIGUSR1)
    return wait_for(lambda: len(u.bound()) > n and u.bound()[-1],
                    timeout, what="udhcpc renewal after SIGUSR1")
