# SPDX-License-Identifier: GPL-2.0-or-later
"""--busy-poll: while events come close together, burrow's wait polls
instead of sleeping; when they stop, it sleeps again and costs no CPU.

The counters come from burrow's exit statistics (--debug):
"busy-poll: P waits polled, F found an event, S slept". No timing is
asserted: only that polling happens under request/response traffic, that
it finds the next event, that it can be turned off, and that an idle
burrow stops polling.
"""

import json
import os
import re
import time

import pytest

from helpers import GW4, HERE

TOOL = os.path.join(HERE, "tcp_tool.py")
PY = "/usr/bin/python3"
PORT = 23411
ROUNDS = 2000

# 64-byte request/response round trips, each reply checked.
PINGPONG = r"""
import json, socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rounds, pause = int(sys.argv[3]), float(sys.argv[4])
bad = 0
for i in range(rounds):
    msg = (b"%08d" % i) * 8
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        b = s.recv(len(msg) - len(got))
        if not b:
            break
        got += b
    bad += got != msg
    if pause:
        time.sleep(pause)
s.close()
print(json.dumps({"rounds": rounds, "bad": bad}))
"""


def stats(b):
    m = re.search(r"busy-poll: (\d+) waits polled, (\d+) found an event, "
                  r"(\d+) slept", b.stderr())
    assert m, "no busy-poll statistics\n" + b.describe()
    return tuple(int(x) for x in m.groups())


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pingpong(topo, procs, g, rounds, pause=0.0):
    p = procs.start([PY, TOOL, "echo-server", "127.0.0.1", str(PORT)],
                    ns=topo.host)
    assert p.stdout.readline().strip() == "ready"
    r = g([PY, "-c", PINGPONG, GW4, str(PORT), str(rounds), str(pause)],
          check=False, timeout=120)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res == {"rounds": rounds, "bad": 0}, res


def test_polls_under_request_response(burrow, topo, procs):
    """Round trips back to back: most waits poll, and polling finds the
    next event (the host's reply, the guest's next request)."""
    b, g = burrow("--config-net", "--busy-poll", "1000")
    pingpong(topo, procs, g, ROUNDS)
    b.stop()
    polled, found, slept = stats(b)
    assert found >= ROUNDS // 4, (polled, found, slept)
    assert found <= polled, (polled, found, slept)


def test_off(burrow, topo, procs):
    """--busy-poll 0: every wait sleeps."""
    b, g = burrow("--config-net", "--busy-poll", "0")
    pingpong(topo, procs, g, ROUNDS // 4)
    b.stop()
    polled, found, slept = stats(b)
    assert (polled, found) == (0, 0), (polled, found, slept)
    assert slept > 0


def test_idle_stops_polling(burrow, topo, procs):
    """After the traffic, an idle burrow sleeps: its CPU time stays flat
    (a poller that never stopped would burn a whole CPU). Slow traffic
    (a round trip every 20 ms) polls at most once per event gap."""
    b, g = burrow("--config-net", "--busy-poll", "1000")
    pingpong(topo, procs, g, 50, pause=0.02)
    time.sleep(0.3)
    t0 = cpu_s(b.pid)
    time.sleep(2.0)
    used = cpu_s(b.pid) - t0
    assert used < 0.2, "idle burrow used %.2f s of CPU in 2 s" % used
    b.stop()
    polled, found, slept = stats(b)
    # Per slow round trip: the request, its forwarding, the reply and
    # its ACK are a few events; a miss turns polling off until the next
    # short gap.
    assert polled - found <= 50 * 3 + 20, (polled, found, slept)


@pytest.mark.parametrize("value", ["1001", "x", ""])
def test_bad_value(burrow_bin, value):
    import subprocess
    r = subprocess.run([burrow_bin, "--busy-poll", value, "--", "true"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 1
    assert "busy-poll" in r.stderr and r.stderr.count("\n") == 1, r.stderr
