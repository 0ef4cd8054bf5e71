# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for burrow's integration tests: namespaces, processes, polling.

Network safety: every namespace here is created by the tests and linked
only to other test namespaces. burrow always runs inside the test's "host"
namespace, never in the machine's own, so nothing a test (or a buggy
burrow) sends can leave the test topology.
"""

import os
import re
import secrets
import shlex
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# The "internet" side of the host namespace.
HOST4, GW4, PREFIX4 = "198.51.100.2", "198.51.100.1", 24
HOST6, GW6, PREFIX6 = "2001:db8:1::2", "2001:db8:1::1", 64
# Addresses on the net namespace's loopback: "remote" hosts that are not
# the guest's gateway (the gateway is mapped to the host itself).
REMOTE4, REMOTE6 = "203.0.113.10", "2001:db8:2::10"
# What the test DNS server answers for www.example.test.
WWW4, WWW6 = "198.51.100.80", "2001:db8:1::80"
SEARCH = "example.test"
MTU_DEFAULT = 65520

CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS,
                 signal.SIGILL, signal.SIGFPE, signal.SIGSYS,
                 signal.SIGTRAP)
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer",
                   "UndefinedBehaviorSanitizer", "runtime error:")


def burrow_bin():
    """Absolute path of the binary under test (env BURROW_BIN)."""
    b = os.environ.get("BURROW_BIN", "./burrow")
    if not os.path.isabs(b):
        b = os.path.join(REPO, b)
    return b


def is_sanitized(path):
    """Whether @path was built with AddressSanitizer (linked statically,
    it carries the runtime's messages; dynamically, its hooks)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
            return b"AddressSanitizer" in data or b"__asan_init" in data
    except OSError:
        return False


def rand_tag():
    return secrets.token_hex(3)


def nsexec(ns):
    return ["ip", "netns", "exec", ns] if ns else []


def run(argv, ns=None, timeout=10, check=True, text=True, input=None,
        env=None):
    """Run @argv (inside netns @ns if given), return CompletedProcess.

    Output goes through temporary files, not pipes, so a process that
    escapes into the background cannot make us wait for its pipes."""
    cmd = nsexec(ns) + [str(a) for a in argv]
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None
                             else subprocess.DEVNULL, stdout=fo, stderr=fe,
                             env=env, start_new_session=True)
        timed_out = False
        try:
            if input is not None:
                p.stdin.write(input.encode() if isinstance(input, str)
                              else input)
                p.stdin.close()
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            killpg(p)
            p.wait()
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if text:
        out = out.decode(errors="replace")
        err = err.decode(errors="replace")
    if timed_out:
        raise AssertionError("timed out after %ss: %s\nstdout: %s\n"
                             "stderr: %s" % (timeout, " ".join(cmd),
                                             out, err))
    r = subprocess.CompletedProcess(cmd, p.returncode, out, err)
    if check and r.returncode != 0:
        raise AssertionError("command failed (rc %d): %s\nstdout: %s\n"
                             "stderr: %s" % (r.returncode, " ".join(cmd),
                                             out, err))
    return r


def killpg(p, sig=signal.SIGKILL):
    """Signal @p's process group (it was started in a new session)."""
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        pass


def wait_for(pred, timeout=5.0, interval=0.02, what="condition"):
    """Poll @pred until it returns something true; return that value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise AssertionError("timed out after %.1fs waiting for %s"
                                 % (timeout, what))
        time.sleep(interval)
        interval = min(interval * 1.5, 0.2)


class Procs:
    """Background processes, each in its own session; all killed at
    cleanup()."""

    def __init__(self):
        self.procs = []

    def start(self, argv, ns=None, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE, env=None, text=True):
        cmd = nsexec(ns) + [str(a) for a in argv]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                             stderr=stderr, text=text, env=env,
                             start_new_session=True)
        self.procs.append(p)
        return p

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                killpg(p, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=2)
            except subprocess.TimeoutExpired:
                killpg(p)
                p.wait(timeout=5)
            # Anything left in its process group goes too.
            killpg(p)
            for f in (p.stdout, p.stderr):
                if f:
                    f.close()
        self.procs = []


def ns_pids(ns):
    r = run(["ip", "netns", "pids", ns], check=False)
    return [int(x) for x in r.stdout.split()]


def kill_ns_pids(ns):
    """SIGKILL every process still running in netns @ns."""
    for _ in range(20):
        pids = ns_pids(ns)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


class Topology:
    """bw-host-<tag> (where burrow runs) <-veth-> bw-net-<tag> (the
    "internet"), a DNS server on the host's loopback, and an empty guest
    namespace bw-guest-<tag>."""

    def __init__(self, tmpdir):
        self.tag = rand_tag()
        self.host = "bw-host-" + self.tag
        self.net = "bw-net-" + self.tag
        self.guestns = "bw-guest-" + self.tag
        self.tmpdir = str(tmpdir)
        self.etc = "/etc/netns/" + self.host
        self.procs = Procs()
        self.created = []

    # -- set-up ---------------------------------------------------------
    def setup(self):
        for ns in (self.host, self.net, self.guestns):
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        vh, vn = "bwh" + self.tag, "bwn" + self.tag
        # Create the pair inside the host namespace directly: it never
        # exists in the machine's own namespace.
        run(["ip", "-n", self.host, "link", "add", vh, "type", "veth",
             "peer", "name", vn, "netns", self.net])
        self.host_if = vh
        H, N = ["ip", "-n", self.host], ["ip", "-n", self.net]
        run(H + ["addr", "add", "%s/%d" % (HOST4, PREFIX4), "dev", vh])
        run(H + ["addr", "add", "%s/%d" % (HOST6, PREFIX6), "dev", vh,
                 "nodad"])
        run(N + ["addr", "add", "%s/%d" % (GW4, PREFIX4), "dev", vn])
        run(N + ["addr", "add", "%s/%d" % (GW6, PREFIX6), "dev", vn,
                 "nodad"])
        run(N + ["addr", "add", REMOTE4 + "/32", "dev", "lo"])
        run(N + ["addr", "add", REMOTE6 + "/128", "dev", "lo"])
        run(H + ["link", "set", vh, "up"])
        run(N + ["link", "set", vn, "up"])
        run(H + ["route", "add", "default", "via", GW4])
        run(H + ["-6", "route", "add", "default", "via", GW6])
        # Unprivileged ping sockets for burrow, in this namespace only.
        run(["sysctl", "-q", "net.ipv4.ping_group_range=0 2147483647"],
            ns=self.host)
        os.makedirs(self.etc, exist_ok=True)
        with open(os.path.join(self.etc, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\nnameserver ::1\n"
                    "search %s\n" % SEARCH)
        self.start_dns()

    def start_dns(self):
        self.dns_pidfile = os.path.join(self.tmpdir, "dnsmasq.pid")
        self.dns_log = os.path.join(self.tmpdir, "dnsmasq.log")
        log = open(self.dns_log, "w")
        self.dnsmasq = self.procs.start(
            ["dnsmasq", "-k", "--no-resolv", "--no-hosts",
             "--listen-address=127.0.0.1", "--listen-address=::1",
             "--bind-interfaces", "--user=root", "--group=root",
             "--address=/www.example.test/" + WWW4,
             "--address=/www.example.test/" + WWW6,
             "--pid-file=" + self.dns_pidfile, "--log-facility=-"],
            ns=self.host, stdout=log, stderr=subprocess.STDOUT)
        log.close()

        def ready():
            if self.dnsmasq.poll() is not None:
                raise AssertionError("dnsmasq exited: "
                                     + open(self.dns_log).read())
            r = run(["dig", "+short", "+time=1", "+tries=1", "@127.0.0.1",
                     "www.example.test", "A"], ns=self.host, check=False)
            return r.returncode == 0 and WWW4 in r.stdout
        wait_for(ready, 5, what="dnsmasq in the host namespace")

    # -- clean-up -------------------------------------------------------
    def teardown(self):
        self.procs.cleanup()
        for ns in self.created:
            kill_ns_pids(ns)
            run(["ip", "netns", "del", ns], check=False)
        self.created = []
        if os.path.isdir(self.etc):
            for f in os.listdir(self.etc):
                os.unlink(os.path.join(self.etc, f))
            os.rmdir(self.etc)

    # -- running things -------------------------------------------------
    def in_host(self, argv, **kw):
        return run(argv, ns=self.host, **kw)

    def in_net(self, argv, **kw):
        return run(argv, ns=self.net, **kw)

    def in_guest(self, argv, **kw):
        return run(argv, ns=self.guestns, **kw)

    def bg(self, argv, ns, **kw):
        return self.procs.start(argv, ns=ns, **kw)


class Burrow:
    """One burrow process, run with ip netns exec in the host namespace."""

    def __init__(self, topo, args, ifname, stderr_path, netns=True,
                 debug=True):
        self.topo = topo
        self.ifname = ifname
        self.stderr_path = stderr_path
        self.token = rand_tag()
        argv = [burrow_bin(), "-f"]
        if debug:
            argv.append("--debug")
        if netns:
            argv += ["--netns", "/run/netns/" + topo.guestns,
                     "-I", ifname]
        argv += list(args)
        # For reference runs against another implementation, e.g.
        # BURROW_BIN=/usr/bin/pasta BURROW_EXTRA_ARGS="--runas 0".
        argv += shlex.split(os.environ.get("BURROW_EXTRA_ARGS", ""))
        self.argv = argv
        env = dict(os.environ)
        env["BW_TEST_TOKEN"] = self.token
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        self.errf = open(stderr_path, "wb")
        self.p = subprocess.Popen(nsexec(topo.host) + argv,
                                  stdin=subprocess.DEVNULL,
                                  stdout=self.errf, stderr=self.errf,
                                  env=env, start_new_session=True)
        self.pid = self.p.pid
        self.stopped = False

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def describe(self):
        tail = self.stderr()[-6000:]
        return ("burrow: %s\nexit: %s\n--- burrow stderr (tail) ---\n%s"
                % (" ".join(self.argv), self.p.returncode, tail))

    def alive(self):
        return self.p.poll() is None

    def wait_tap(self, timeout=5):
        def ready():
            if not self.alive():
                raise AssertionError("burrow exited before the tap "
                                     "appeared\n" + self.describe())
            r = run(["ip", "-n", self.topo.guestns, "link", "show",
                     self.ifname], check=False)
            return r.returncode == 0
        wait_for(ready, timeout, what="tap %s in %s\n%s" % (
            self.ifname, self.topo.guestns, self.describe()))

    def rss_kib(self):
        with open("/proc/%d/status" % self.pid) as f:
            m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
        return int(m.group(1))

    def crash_reason(self):
        """None if burrow ended cleanly, otherwise why it did not."""
        rc = self.p.returncode
        err = self.stderr()
        for mark in SANITIZER_MARKS:
            if mark in err:
                return "sanitizer report (%s)" % mark
        if rc is not None and rc < 0 and -rc in [int(s) for s in
                                                 CRASH_SIGNALS]:
            return "killed by %s" % signal.Signals(-rc).name
        return None

    def stop(self, expect_clean=True):
        """SIGTERM, wait, check it ended cleanly. Idempotent."""
        if self.stopped:
            return
        self.stopped = True
        was_alive = self.alive()
        if was_alive:
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.p.wait(timeout=5)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            killpg(self.p)
            self.p.wait(timeout=5)
        self.errf.close()
        # Whatever burrow started must be gone shortly after it exits.
        leftovers = []
        end = time.monotonic() + 1.0
        while True:
            leftovers = processes_with_token(self.token)
            if not leftovers or time.monotonic() > end:
                break
            time.sleep(0.05)
        killpg(self.p)
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not expect_clean:
            return
        why = self.crash_reason()
        assert why is None, "burrow crashed: %s\n%s" % (why,
                                                         self.describe())
        assert not hung, "burrow ignored SIGTERM for 5 s\n" + \
            self.describe()
        assert was_alive, "burrow had exited before the end of the test\n" \
            + self.describe()
        assert self.p.returncode in (0, -signal.SIGTERM, 128 + 15), \
            "burrow exited with %s on SIGTERM\n%s" % (self.p.returncode,
                                                       self.describe())
        assert not leftovers, "processes left behind: %s" % leftovers


def processes_with_token(token):
    """PIDs whose environment carries BW_TEST_TOKEN=@token."""
    want = ("BW_TEST_TOKEN=" + token).encode()
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        if want in env:
            found.append(int(d))
    return found
