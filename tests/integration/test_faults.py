# SPDX-License-Identifier: GPL-2.0-or-later
"""Faults around burrow: a peer killed mid-transfer on either side, the
namespace's command exiting, a stream front-end killed and replaced,
SIGTERM under load, and descriptors after a burst of short flows."""

import json
import os
import signal
import subprocess
import time

import helpers
from helpers import GW4, HERE, burrow_bin, nsexec, processes_with_token, \
    rand_tag, wait_for
from test_exhaustion import PY, Agent, free_port, guest_agent, host_server

TCP_TOOL = os.path.join(HERE, "tcp_tool.py")


def tool(procs, ns, *argv):
    return Agent(procs, ns, cmd=[PY, TCP_TOOL] + list(argv))


def result(a, timeout):
    """The JSON result line of a tcp_tool process (progress lines
    skipped)."""
    while True:
        ln = a.line(timeout)
        if ln.startswith("{"):
            return json.loads(ln)


def test_host_peer_killed(burrow, topo, procs):
    b, g = burrow("--config-net", debug=False)
    port = free_port()
    srv = tool(procs, topo.host, "server", "127.0.0.1", port, "--send", -1,
               "--no-recv", "--progress", 4 << 20)
    assert srv.line(10) == "ready"
    cli = tool(procs, g.ns, "client", GW4, port, "--order", "recv-first")
    assert srv.line(20) == "progress"
    os.killpg(srv.p.pid, signal.SIGKILL)
    t0 = time.monotonic()
    r = result(cli, 10)  # a hang fails here
    assert r.get("eof") or r.get("recv_err"), r
    assert time.monotonic() - t0 < 10
    assert b.alive(), b.describe()


def test_guest_peer_killed(burrow, topo, procs):
    b, g = burrow("--config-net", debug=False)
    port = free_port()
    srv = tool(procs, topo.host, "server", "127.0.0.1", port)
    assert srv.line(10) == "ready"
    cli = tool(procs, g.ns, "client", GW4, port, "--send", -1, "--no-recv",
               "--progress", 4 << 20)
    assert cli.line(20) == "progress"
    os.killpg(cli.p.pid, signal.SIGKILL)
    r = result(srv, 10)
    assert r.get("eof") or r.get("recv_err"), r
    assert b.alive(), b.describe()


def run_command_mode(script, timeout=15):
    """burrow -- sh -c @script in the host namespace: (token, rc or None
    if it was still running after @timeout, seconds taken, stderr)."""
    token = rand_tag()
    env = dict(os.environ, BW_TEST_TOKEN=token)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    t0 = time.monotonic()
    with open(os.devnull, "wb") as null:
        import tempfile
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen(
                ["ip", "netns", "exec", TOPO_NS[0], burrow_bin(), "--debug",
                 "--", "sh", "-c", script], env=env, stdin=subprocess.DEVNULL,
                stdout=null, stderr=err, start_new_session=True)
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                rc = None
                helpers.killpg(p)
                for pid in processes_with_token(token):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                p.wait()
            dt = time.monotonic() - t0
            err.seek(0)
            return token, rc, dt, err.read().decode(errors="replace")


TOPO_NS = [None]


def leftovers(token):
    end = time.monotonic() + 2
    while True:
        left = processes_with_token(token)
        if not left or time.monotonic() > end:
            break
        time.sleep(0.05)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def test_command_exit_status(topo):
    TOPO_NS[0] = topo.host
    for script, want in (("exit 0", 0), ("exit 7", 7),
                         ("ip link show >/dev/null; exit 42", 42),
                         ("kill -9 $$", 128 + 9)):
        token, rc, dt, err = run_command_mode(script)
        left = leftovers(token)
        assert rc == want and dt < 3, "%r: exit %s after %.1f s, wanted " \
            "%d at once\n%s" % (script, rc, dt, want, err[-3000:])
        assert "AddressSanitizer" not in err, err
        assert not left, "%r: processes left behind: %s" % (script, left)


def test_command_orphans_gone(topo):
    """The command exits, leaving a background child: burrow exits with
    the command's status at once, and nothing of it stays behind."""
    TOPO_NS[0] = topo.host
    token, rc, dt, err = run_command_mode("sleep 6 & exit 3")
    left = leftovers(token)
    assert rc == 3 and dt < 3, (rc, dt, err[-3000:])
    assert not left, "processes left behind after the command exited: " \
        "%s\n%s" % (left, err[-3000:])


def test_stream_client_killed(topo, procs, tmp_path, request):
    from test_hostile_stream import StreamBurrow
    started = []
    request.node._burrows = started
    sb = StreamBurrow(topo, str(tmp_path), started)
    try:
        b = sb.b
        code = ("import sys, time; sys.path.insert(0, %r)\n"
                "from test_hostile_stream import StreamClient\n"
                "c = StreamClient(%r)\n"
                "print(c.dhcp_offer(), flush=True)\n"
                "from scapy.all import Ether, ARP\n"
                "f = bytes(Ether(src=c.mac, dst='ff:ff:ff:ff:ff:ff') / "
                "ARP(op=1, hwsrc=c.mac, psrc='198.51.100.2', "
                "pdst='198.51.100.1'))\n"
                "for i in range(2000): c.send(f)\n"
                "print('flooded', flush=True)\n"
                "time.sleep(60)\n" % (HERE, sb.path))
        for i in range(3):
            a = Agent(procs, None, cmd=[PY, "-c", code])
            assert a.line(15) == helpers.HOST4, "client %d: no DHCP offer" \
                "\n%s" % (i, b.describe())
            assert a.line(15) == "flooded"
            os.killpg(a.p.pid, signal.SIGKILL)
            a.p.wait()
            assert b.alive(), b.describe()
        from test_hostile_stream import StreamClient
        c = StreamClient(sb.path)
        assert c.dhcp_offer() == helpers.HOST4, b.describe()
        c.close()
        b.stop()
    finally:
        for x in started:
            x.stop(expect_clean=False)
        sb.cleanup()


def test_sigterm_under_load(burrow, topo, procs):
    b, g = burrow("--config-net", debug=False)
    port, port2 = free_port(), free_port()
    srv = tool(procs, topo.host, "server", "127.0.0.1", port, "--send", -1,
               "--progress", 8 << 20)
    srv2 = tool(procs, topo.host, "server", "127.0.0.1", port2)
    assert srv.line(10) == "ready" and srv2.line(10) == "ready"
    tool(procs, g.ns, "client", GW4, port, "--send", -1)
    tool(procs, g.ns, "client", GW4, port2, "--send", -1, "--no-recv")
    assert srv.line(20) == "progress"
    t0 = time.monotonic()
    os.kill(b.pid, signal.SIGTERM)
    try:
        b.p.wait(timeout=2)
    except subprocess.TimeoutExpired:
        raise AssertionError("burrow still running 2 s after SIGTERM "
                             "under load\n" + b.describe())
    dt = time.monotonic() - t0
    why = b.crash_reason()
    rc = b.p.returncode
    left = leftovers(b.token)
    b.stop(expect_clean=False)
    assert why is None, "burrow crashed on SIGTERM: %s\n%s" % (why,
                                                               b.describe())
    assert rc in (0, 143, -signal.SIGTERM), "exit %s\n%s" % (rc,
                                                             b.describe())
    assert not left, left
    assert dt < 2


def socket_inodes(pid, proto):
    """Inodes of the @proto ("tcp", "udp") sockets in @pid's netns."""
    out = set()
    for f in (proto, proto + "6"):
        with open("/proc/%d/net/%s" % (pid, f)) as fh:
            for ln in fh.readlines()[1:]:
                out.add(ln.split()[9])
    return out


def fds(pid):
    """(all, tcp, udp) descriptor counts of @pid."""
    tcp, udp = socket_inodes(pid, "tcp"), socket_inodes(pid, "udp")
    n = t = u = 0
    for d in os.listdir("/proc/%d/fd" % pid):
        n += 1
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, d))
        except OSError:
            continue
        if link.startswith("socket:["):
            ino = link[8:-1]
            t += ino in tcp
            u += ino in udp
    return n, t, u


def test_no_fd_leak(burrow, topo, procs):
    b, g = burrow("--config-net", debug=False)
    port = free_port()
    host_server(procs, topo, port)
    a = guest_agent(procs, topo)
    n0, t0, u0 = fds(b.pid)
    # 200 short TCP connections: half closed by the guest, half by the
    # server; then 200 UDP flows (they stay until their idle timeout).
    for closer in ("close", "quit"):
        r = a.cmd("tcp", 100, GW4, port)
        assert r["ok"] == 100, r
        assert a.cmd("echo")["ok"] == 100
        a.cmd(closer)
    r = a.cmd("udp", 200, GW4, port)
    assert r["ok"] == 200, r
    a.cmd("closeudp")

    def settled():
        n, t, u = fds(b.pid)
        return (t == t0 and n == n0 + 200 and u == u0 + 200, (n, t, u))
    try:
        wait_for(lambda: settled()[0], 10)
    except AssertionError:
        raise AssertionError(
            "descriptors (all, tcp, udp) before %s, after %s: wanted "
            "(%d, %d, %d)\n%s" % ((n0, t0, u0), settled()[1], n0 + 200,
                                  t0, u0 + 200, b.describe()))
    assert b.alive(), b.describe()
