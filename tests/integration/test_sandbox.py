# SPDX-License-Identifier: GPL-2.0-or-later
"""The sandbox on a running burrow (design.md, "Sandbox"): a seccomp
filter, no-new-privs, no capabilities, an empty root of its own, and it
still serves DHCP, ping, DNS and UDP afterwards, with --netns and in
command mode; a system call off the allow-list kills it with SIGSYS."""

import os
import signal
import subprocess

import pytest

from dhcp import Udhcpc
from helpers import (GW4, GW6, HOST4, REMOTE4, REMOTE6, WWW4, WWW6,
                     burrow_bin, nsexec, processes_with_token, rand_tag,
                     wait_for)
from test_dns import dig
from test_icmp import ping
from test_udp import PY, TOOL, client, echo, free_port

NO_CAPS = "0000000000000000"


def status(pid):
    """/proc/PID/status as a dict of field: value (stripped)."""
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f
                    if ":\t" in line)


def limits(pid):
    """/proc/PID/limits as {name: (soft, hard)}."""
    out = {}
    with open("/proc/%d/limits" % pid) as f:
        for line in f.readlines()[1:]:
            name, soft, hard = line[:26].strip(), *line[26:].split()[:2]
            out[name] = (soft, hard)
    return out


def wait_sandboxed(pid, alive, timeout=5):
    """Wait until @pid has its seccomp filter; @alive() says it runs."""
    def done():
        assert alive(), "burrow exited before entering the sandbox"
        return status(pid).get("Seccomp") == "2"
    wait_for(done, timeout, what="burrow's seccomp filter (pid %d)" % pid)


def assert_sandboxed(pid):
    st = status(pid)
    assert st["Seccomp"] == "2", st
    assert st["NoNewPrivs"] == "1", st
    for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert st[cap] == NO_CAPS, "%s is %s" % (cap, st[cap])
    assert os.listdir("/proc/%d/root/" % pid) == [], \
        "burrow still sees a file system"
    lim = limits(pid)
    assert lim["Max processes"] == ("0", "0"), lim
    assert lim["Max core file size"] == ("0", "0"), lim
    soft, hard = lim["Max open files"]
    assert soft == hard, "descriptor limit not raised: %s" % (lim,)
    # Alone in user, mount, IPC and UTS namespaces; the host's network.
    for ns in ("user", "mnt", "ipc", "uts"):
        assert os.readlink("/proc/%d/ns/%s" % (pid, ns)) != \
            os.readlink("/proc/self/ns/%s" % ns), "same %s namespace" % ns


def test_sandbox_netns(burrow, topo, procs, tmp_path):
    b, g = burrow("--config-net")
    wait_sandboxed(b.pid, b.alive)
    assert_sandboxed(b.pid)
    # Everything below happens after the sandbox was entered.
    u = Udhcpc(tmp_path, g.ns, g.ifname)
    rc, evs = u.run_once()
    assert rc == 0, u.output
    assert [e["ip"] for e in evs if e["event"] == "bound"] == [HOST4], evs
    for dst in (GW4, GW6, REMOTE4, REMOTE6):
        ping(g, dst, count=2)
    assert dig(g, GW4, "www.example.test", "A") == [WWW4]
    assert dig(g, GW6, "www.example.test", "AAAA") == [WWW6]
    port = free_port()
    echo(procs, topo.host, "127.0.0.1", port)
    client(g, GW4, port, sizes=[1, 1000, 60000])
    echo(procs, topo.net, REMOTE6, port + 1)
    client(g, REMOTE6, port + 1, sizes=[1, 1000, 60000])
    assert_sandboxed(b.pid)


def test_sandbox_forwarding(burrow, topo, procs):
    # -u sockets are opened at set-up and served from inside the sandbox.
    port = free_port()
    b, g = burrow("--config-net", "-u", str(port))
    wait_sandboxed(b.pid, b.alive)
    echo(procs, g.ns, "0.0.0.0", port)
    client(topo.in_host, "127.0.0.1", port, sizes=[1, 1000, 60000])
    assert_sandboxed(b.pid)


COMMAND = """
d=%(dir)s
echo $$ > $d/cmd.pid.tmp && mv $d/cmd.pid.tmp $d/cmd.pid
while [ ! -e $d/go ]; do sleep 0.05; done
ip link set lo up
fail=0
ping -n -c 2 -i 0.2 -W 2 %(gw4)s > $d/ping4 2>&1 || fail=1
ping -n -c 2 -i 0.2 -W 2 %(gw6)s > $d/ping6 2>&1 || fail=2
dig +short +time=2 +tries=2 @%(gw4)s www.example.test A > $d/dig 2>&1 \\
    || fail=3
%(py)s %(tool)s client %(gw4)s %(port)d 1,1000,60000 > $d/udp 2>&1 \\
    || fail=4
echo $fail > $d/result
exit $fail
"""


def start_command_mode(topo, procs, tmp_path, extra=(), port=0):
    """burrow [extra] --config-net -- sh -c COMMAND in the host namespace;
    returns (Popen of burrow, token in its environment)."""
    token = rand_tag()
    env = dict(os.environ, BW_TEST_TOKEN=token)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    script = COMMAND % {"dir": tmp_path, "gw4": GW4, "gw6": GW6, "py": PY,
                        "tool": TOOL, "port": port}
    argv = [burrow_bin(), "-f", "--debug", "--config-net"] + list(extra) \
        + ["--", "sh", "-c", script]
    errf = open(os.path.join(str(tmp_path), "burrow.stderr"), "wb")
    p = subprocess.Popen(nsexec(topo.host) + argv, stdin=subprocess.DEVNULL,
                         stdout=errf, stderr=errf, env=env,
                         start_new_session=True)
    errf.close()
    procs.procs.append(p)
    return p, token


def stderr_of(tmp_path):
    with open(os.path.join(str(tmp_path), "burrow.stderr"), "rb") as f:
        return f.read().decode(errors="replace")


def test_sandbox_command_mode(topo, burrow_bin, procs, tmp_path):
    port = free_port()
    echo(procs, topo.host, "127.0.0.1", port)
    p, token = start_command_mode(topo, procs, tmp_path, port=port)
    pidfile = os.path.join(str(tmp_path), "cmd.pid")
    wait_for(lambda: os.path.exists(pidfile) or p.poll() is not None, 10,
             what="the command to start")
    assert p.poll() is None, stderr_of(tmp_path)
    cmd_pid = int(open(pidfile).read())
    # burrow is the command's parent, and sandboxed while it runs.
    assert status(cmd_pid)["PPid"] == str(p.pid)
    wait_sandboxed(p.pid, lambda: p.poll() is None)
    assert_sandboxed(p.pid)
    open(os.path.join(str(tmp_path), "go"), "w").close()
    try:
        rc = p.wait(timeout=40)
    except subprocess.TimeoutExpired:
        pytest.fail("burrow did not end with its command\n"
                    + stderr_of(tmp_path))
    outs = {}
    for name in ("result", "ping4", "ping6", "dig", "udp"):
        path = os.path.join(str(tmp_path), name)
        outs[name] = open(path).read() if os.path.exists(path) else None
    assert rc == 0, "burrow exited with %s\n%s\n%s" % (rc, outs,
                                                       stderr_of(tmp_path))
    assert outs["dig"].split() == [WWW4], outs
    assert processes_with_token(token) == []


@pytest.mark.parametrize("mode", ["netns", "command"])
def test_forbidden_syscall_kills(burrow, topo, procs, tmp_path, mode):
    if mode == "netns":
        b, _ = burrow("--debug-forbidden-syscall", wait=False)
        p, err = b.p, b.stderr
        token = b.token
    else:
        p, token = start_command_mode(topo, procs, tmp_path,
                                      ["--debug-forbidden-syscall"])

        def err():
            return stderr_of(tmp_path)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("burrow survived a forbidden system call\n" + err())
    if mode == "netns":
        b.stop(expect_clean=False)
    assert rc == -signal.SIGSYS, "exit status %s, not SIGSYS\n%s" % (
        rc, err())
    assert "unshare(0)" in err(), err()
    # In command mode the command goes with burrow (PR_SET_PDEATHSIG).
    wait_for(lambda: processes_with_token(token) == [], 3,
             what="burrow's processes to end")
