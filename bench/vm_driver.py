#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/vm_driver.py - the measuring half of bench/vm.sh.

bench/vm.sh makes the namespaces and starts the daemons; it runs this
inside the host namespace (ip netns exec), so every socket opened here
is on that namespace's loopback. This script:

  * boots one test guest (tests/guest, QEMU/TCG) per peer, in the empty
    namespace named by --vmns, with bench/vm-guest.sh as its /test.sh and
    the serial console on QEMU's stdin/stdout (the control channel: one
    command line in, one "@R ..." line out);
  * warms every peer up (and, unless sizes are given, sizes the transfers
    from the warm-up rates so that a run takes about --secs seconds);
  * runs the figures round robin (run r: figure f: every peer in turn,
    the peer order rotated by one each run);
  * writes the raw numbers as JSON and prints a table of medians with the
    ratios peer/passt.

Usage (bench/vm.sh passes all of it):
  vm_driver.py --work DIR --guest DIR --vmns NS --netns NS --out FILE
               --runs N --secs S [--up-mib N] [--down-mib N] [--pings N]
               [--mode quick|full] [--meta K=V]...
               --peer NAME:TRANSPORT:SOCKET:PID:LOG...
TRANSPORT: stream, vhost-split or vhost-packed; PID and LOG are the
daemon's (watched, and quoted if it dies). The QEMUs' PIDs are appended
to DIR/qemu.pids as they start, for vm.sh's clean-up.
"""

import argparse
import json
import math
import os
import platform
import queue
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GUEST_SRC = os.path.join(REPO, "tests", "guest")
QEMU = os.environ.get("BURROW_QEMU", "qemu-system-x86_64")
BLOCK = 65536           # the guest's dd block size
MIB = 1 << 20
MEM = "256M"

# key, label, unit, higher is better
FIGS = [
    ("tcp_g2h_mbps", "TCP guest->host", "Mbit/s", True),
    ("tcp_h2g_mbps", "TCP host->guest", "Mbit/s", True),
    ("rr_p50_us", "TCP RR 64 B RTT p50", "us", False),
    ("rr_p99_us", "TCP RR 64 B RTT p99", "us", False),
    ("icmp_avg_us", "ICMP echo RTT avg (ping -A)", "us", False),
    ("cpu_g2h_s_per_gib", "daemon CPU, guest->host", "s/GiB", False),
    ("cpu_h2g_s_per_gib", "daemon CPU, host->guest", "s/GiB", False),
    ("qemu_cpu_g2h_s_per_gib", "QEMU CPU, guest->host", "s/GiB", False),
    ("qemu_cpu_h2g_s_per_gib", "QEMU CPU, host->guest", "s/GiB", False),
    ("rss_hwm_kib", "daemon peak RSS (VmHWM)", "MiB", False),
]
REF = "passt"

# virtio feature bits worth naming (virtio 1.x, virtio-net)
FEATURE_BITS = {0: "CSUM", 1: "GUEST_CSUM", 7: "GUEST_TSO4",
                8: "GUEST_TSO6", 11: "HOST_TSO4", 12: "HOST_TSO6",
                15: "MRG_RXBUF", 28: "INDIRECT_DESC", 29: "EVENT_IDX",
                32: "VERSION_1", 34: "RING_PACKED"}


def features(rest):
    """Named feature bits from the guest's "features=0101..." word."""
    for w in rest.split():
        if w.startswith("features="):
            bits = w[len("features="):]
            return [n for b, n in sorted(FEATURE_BITS.items())
                    if b < len(bits) and bits[b] == "1"]
    return None


def short(name):
    """Column label in the ratio headers: burrow-vu-split -> vu-split."""
    return name[len("burrow-"):] if name.startswith("burrow-") else name


def log(msg):
    sys.stderr.write("[vm-bench] %s\n" % msg)
    sys.stderr.flush()


def cpu_ns(pid):
    """CPU time (ns) of all live threads of @pid, or None if it is gone."""
    total = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for t in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive (the daemon's parent is vm.sh's shell)
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def tail(path, n=800):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - n))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


class GuestGone(Exception):
    pass


class Guest:
    """One QEMU guest; its console on our pipes."""

    def __init__(self, peer, work, vmns, initrd, kernel):
        self.peer = peer
        self.name = peer["name"]
        self.q = queue.Queue()
        self.console_path = os.path.join(work, self.name + ".console")
        self.err_path = os.path.join(work, self.name + ".qemu.err")
        self.broken = None
        self.awaiting = None    # the "@R" answer still to come
        net = netdev_args(peer["transport"], peer["socket"])
        argv = [QEMU, "-accel", "tcg", "-machine", "q35", "-m", MEM,
                "-smp", "1", "-nodefaults", "-display", "none",
                "-no-reboot", "-serial", "stdio", "-kernel", kernel,
                "-initrd", initrd,
                "-append", "console=ttyS0 panic=-1 quiet"] + net
        self.argv = ["ip", "netns", "exec", vmns] + argv
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self.err,
                                     start_new_session=True)
        with open(os.path.join(work, "qemu.pids"), "a") as f:
            f.write("%d\n" % self.proc.pid)
        self.t0 = time.monotonic()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.console_path, "w") as con:
            for raw in self.proc.stdout:
                t = time.monotonic()
                line = raw.decode(errors="replace").replace("\r", "")
                con.write(line)
                con.flush()
                line = line.rstrip("\n")
                i = line.find("@R ")
                if i >= 0:
                    self.q.put((t, line[i + 3:]))
        self.q.put((time.monotonic(), None))    # EOF: QEMU exited

    def send(self, cmd):
        self.awaiting = cmd.split(" ", 1)[0]
        try:
            self.proc.stdin.write((cmd + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise GuestGone("console write failed: %s" % e)

    def expect(self, word, timeout):
        """Wait for the next "@R WORD ..." line; return (time, rest)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise GuestGone("no '@R %s' from the guest within %.0f s"
                                % (word, timeout))
            try:
                t, line = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.q.put((t, None))
                raise GuestGone("QEMU exited (%s)" % self.proc.poll())
            w = line.split(" ", 1)
            if w[0] == word:
                self.awaiting = None
                return t, (w[1] if len(w) > 1 else "")
            if w[0] == "fail":
                raise GuestGone("guest: " + line)
            log("%s: unexpected guest line: %s" % (self.name, line))

    def pending(self, word):
        """A "@R WORD" line already in (the guest gave up early)?"""
        try:
            t, line = self.q.get_nowait()
        except queue.Empty:
            return None
        if line is None:
            self.q.put((t, None))
            raise GuestGone("QEMU exited (%s)" % self.proc.poll())
        if line.split(" ", 1)[0] == word:
            self.awaiting = None
            return line
        log("%s: unexpected guest line: %s" % (self.name, line))
        return None

    def console_tail(self):
        return tail(self.console_path, 1500)

    def stop(self, timeout=20):
        if self.proc.poll() is None and not self.broken:
            try:
                self.send("quit")
                self.proc.wait(timeout=timeout)
            except (GuestGone, subprocess.TimeoutExpired):
                pass
        self.kill()

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
        self.err.close()


def netdev_args(transport, path, mac="52:54:00:12:34:56"):
    # vectors=0 (INTx, no MSI-X): vhost-user needs it under TCG (QEMU 7.2
    # crashes at DRIVER_OK otherwise); the stream NICs get it too, so
    # that every guest takes its interrupts the same way.
    dev = "virtio-net-pci,netdev=n0,mac=%s,romfile=,vectors=0" % mac
    if transport == "stream":
        return ["-netdev", "stream,id=n0,server=off,addr.type=unix,"
                "addr.path=%s" % path, "-device", dev]
    # vhost-user: guest RAM in a shared memfd
    if transport == "vhost-packed":
        dev += ",packed=on"
    return ["-object", "memory-backend-memfd,id=mem0,size=%s,share=on" % MEM,
            "-machine", "memory-backend=mem0",
            "-chardev", "socket,id=c0,path=%s" % path,
            "-netdev", "vhost-user,id=n0,chardev=c0", "-device", dev]


def make_initrd(dest, script):
    """The test guest's initramfs + an archive with /test.sh, the way
    tests/integration/qemu_guest.py does it (with tests/guest/mkcpio.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "burrow_mkcpio", os.path.join(GUEST_SRC, "mkcpio.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    c = mod.Cpio()
    c.file("test.sh", script, 0o755)
    with open(os.path.join(args.guest, "initramfs.gz"), "rb") as f:
        base = f.read()
    base += b"\0" * ((4 - len(base) % 4) % 4)
    with open(dest, "wb") as f:
        f.write(base + c.gzip())


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(0.2)
    return s


def accept(g, ls, word, timeout=30):
    """Accept the guest's connection; give up if the guest answered
    (it failed to connect) or after @timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            c, _ = ls.accept()
            c.settimeout(None)
            return c
        except socket.timeout:
            line = g.pending(word)
            if line is not None:
                raise RuntimeError("guest did not connect: %s" % line)
    raise RuntimeError("guest did not connect within %d s" % timeout)


class Failed(Exception):
    pass


# -- the measurements -------------------------------------------------------

def m_up(g, count, tmo):
    """guest -> host: the guest's dd writes count x 64 KiB into the
    socket; rate from the first byte to EOF here."""
    ls = listener()
    try:
        pid = g.peer["pid"]
        c0, q0 = cpu_ns(pid), cpu_ns(g.proc.pid)
        g.send("up %d %d" % (ls.getsockname()[1], count))
        c = accept(g, ls, "up")
    finally:
        ls.close()
    n, t0 = 0, None
    buf = bytearray(4 * MIB)
    c.settimeout(tmo)
    try:
        while True:
            k = c.recv_into(buf)
            if not k:
                break
            if t0 is None:
                t0 = time.monotonic()
            n += k
        t1 = time.monotonic()
    except socket.timeout:
        raise Failed("stalled: %d of %d bytes after %d s"
                     % (n, count * BLOCK, tmo))
    finally:
        c.close()
    c1, q1 = cpu_ns(pid), cpu_ns(g.proc.pid)
    _, rest = g.expect("up", 30)
    if n != count * BLOCK:
        raise Failed("received %d bytes, sent %d (guest: %s)"
                     % (n, count * BLOCK, rest))
    if not rest.startswith("0 "):
        raise Failed("guest nc/dd failed: %s" % rest)
    return n, t1 - t0, c1 - c0, q1 - q0


def m_down(g, count, tmo):
    """host -> guest: count x 64 KiB from here, then SHUT_WR; the guest's
    dd reads to EOF and the guest writes one byte back: that byte ends
    the clock (started at accept)."""
    ls = listener()
    try:
        pid = g.peer["pid"]
        g.send("down %d" % ls.getsockname()[1])
        c = accept(g, ls, "down")
    finally:
        ls.close()
    chunk = bytes(4 * MIB)
    total = count * BLOCK
    c.settimeout(tmo)
    c0, q0 = cpu_ns(pid), cpu_ns(g.proc.pid)
    t0 = time.monotonic()
    sent = 0
    try:
        while sent < total:
            k = min(len(chunk), total - sent)
            c.sendall(memoryview(chunk)[:k])
            sent += k
        c.shutdown(socket.SHUT_WR)
        ack = c.recv(16)
        t1 = time.monotonic()
        c1, q1 = cpu_ns(pid), cpu_ns(g.proc.pid)
        while ack and len(ack) < 2:
            d = c.recv(16)
            if not d:
                break
            ack += d
    except socket.timeout:
        raise Failed("stalled: %d of %d bytes sent, no end after %d s"
                     % (sent, total, tmo))
    finally:
        c.close()
    _, rest = g.expect("down", 30)
    if ack != b"x\n":
        raise Failed("no end-of-transfer byte (got %r; guest: %s)"
                     % (ack, rest))
    want = "0 %d+0 records in" % count
    if not rest.startswith(want):
        raise Failed("guest read other than %d bytes: %s" % (total, rest))
    return total, t1 - t0, c1 - c0, q1 - q0


def m_rr(g, secs):
    """TCP ping-pong: 64 bytes from here, the guest's cat echoes them;
    one message in flight, RTT per round trip. 20 unmeasured first."""
    ls = listener()
    try:
        g.send("rr %d" % ls.getsockname()[1])
        c = accept(g, ls, "rr")
    finally:
        ls.close()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.settimeout(10)
    msg = b"m" * 64
    rtts = []
    try:
        end = None
        i = 0
        while True:
            t = time.perf_counter_ns()
            c.sendall(msg)
            got = 0
            while got < 64:
                d = c.recv(64 - got)
                if not d:
                    raise Failed("the guest closed after %d round trips"
                                 % i)
                got += len(d)
            dt = time.perf_counter_ns() - t
            i += 1
            if i == 20:
                end = time.monotonic() + secs
            elif i > 20:
                rtts.append(dt / 1000.0)
                if time.monotonic() >= end:
                    break
    except socket.timeout:
        raise Failed("no echo within 10 s after %d round trips" % i)
    finally:
        c.close()
    g.expect("rr", 30)
    rtts.sort()
    return rtts


def pct(xs, p):
    """Nearest-rank percentile of sorted @xs."""
    k = max(0, min(len(xs) - 1, int(math.ceil(p / 100.0 * len(xs))) - 1))
    return xs[k]


def m_ping(g, count):
    g.send("ping %d 56" % count)
    _, rest = g.expect("ping", 60 + count)
    # busybox: "N packets transmitted, N packets received, 0% packet loss
    # round-trip min/avg/max = a/b/c ms"
    if "round-trip" not in rest:
        raise Failed("ping failed: %s" % rest)
    avg = float(rest.split("round-trip", 1)[1].split("=")[1]
                .split("/")[1])
    return avg * 1000.0, rest


def echo_replies(ns=None):
    """IcmpOutEchoReps of this namespace, or of netns @ns."""
    try:
        if ns:
            text = subprocess.run(["ip", "netns", "exec", ns, "cat",
                                   "/proc/net/snmp"], capture_output=True,
                                  text=True, timeout=10).stdout
        else:
            with open("/proc/net/snmp") as f:
                text = f.read()
        hdr, val = [ln.split() for ln in text.splitlines()
                    if ln.startswith("Icmp:")][:2]
        return int(val[hdr.index("OutEchoReps")])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


def vmhwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


# -- main -------------------------------------------------------------------

def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--guest", required=True, help="build/guest directory")
    ap.add_argument("--vmns", required=True)
    ap.add_argument("--netns", help="the gateway's namespace (bv-net-T)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--secs", type=int, required=True)
    ap.add_argument("--up-mib", type=int, default=0)
    ap.add_argument("--down-mib", type=int, default=0)
    ap.add_argument("--pings", type=int, default=0)
    ap.add_argument("--mode", default="full")
    ap.add_argument("--peer", action="append", default=[])
    ap.add_argument("--meta", action="append", default=[])
    return ap.parse_args()


class Bench:
    """The peers, their guests, and what was measured."""

    def __init__(self, peers, meta):
        self.peers = peers
        self.meta = meta
        self.raw = {p["name"]: {} for p in peers}
        self.status = {p["name"]: "ok" for p in peers}
        self.notes = []
        self.guests = {}

    def rec(self, p, key, value):
        self.raw[p["name"]].setdefault(key, []).append(value)

    def fail(self, p, why):
        self.status[p["name"]] = "failed: " + why
        log("%s: %s" % (p["name"], why))

    def boot(self, initrd, kernel):
        """Start every guest at once, then wait for each one's lease."""
        for p in self.peers:
            self.guests[p["name"]] = Guest(p, args.work, args.vmns, initrd,
                                           kernel)
            GUESTS.append(self.guests[p["name"]])
        for p in self.peers:
            g = self.guests[p["name"]]
            try:
                _, rest = g.expect("ready", 300)
                log("%s: guest up after %.1f s: %s"
                    % (p["name"], time.monotonic() - g.t0, rest))
                self.meta.setdefault("guest_kernel",
                                     rest.split("kernel=")[-1])
                p["lease"] = rest
                p["features"] = features(rest)
                # the ring layout QEMU and the back-end agreed on
                packed = "RING_PACKED" in (p["features"] or [])
                if p["features"] is not None and \
                        packed != (p["transport"] == "vhost-packed"):
                    raise GuestGone("the guest's rings are %s, not what "
                                    "this peer is meant to measure (%s)"
                                    % ("packed" if packed else "split",
                                       p["transport"]))
            except GuestGone as e:
                g.broken = str(e)
                self.fail(p, "guest did not come up: %s; console: %s; "
                          "qemu: %s; daemon log: %s"
                          % (e, g.console_tail()[-600:],
                             tail(g.err_path, 400), tail(p["log"], 600)))
        return [p for p in self.peers if not self.guests[p["name"]].broken]

    def dead(self, p):
        """Is this peer out (guest lost, daemon gone)?"""
        g = self.guests[p["name"]]
        if g.broken:
            return True
        if not alive(p["pid"]):
            g.broken = "daemon exited"
            self.fail(p, "the daemon died; log: %s"
                      % tail(p["log"], 600).replace("\n", " "))
            return True
        return False

    def attempt(self, p, what, fn, *a):
        """Run one measurement; None on failure (logged and noted)."""
        g = self.guests[p["name"]]
        try:
            return fn(g, *a)
        except (Failed, RuntimeError, OSError) as e:
            msg = "%s: %s failed: %s" % (p["name"], what, e)
            log(msg)
            self.notes.append(msg)
            # the guest's answer to this command, if still to come; a
            # guest that does not answer any more is given up
            if g.awaiting:
                try:
                    g.expect(g.awaiting, 60)
                except GuestGone as e2:
                    g.broken = str(e2)
                    self.fail(p, "guest stuck after %s: %s" % (what, e2))
                    self.notes.append("%s: guest stuck after %s: %s"
                                      % (p["name"], what, e2))
        except GuestGone as e:
            g.broken = str(e)
            msg = "guest lost during %s: %s" % (what, e)
            self.fail(p, msg)
            self.notes.append("%s: %s" % (p["name"], msg))
        self.dead(p)
        return None

    def warm_up(self, active):
        """One small transfer each way and a short TCP RR per peer (TCG
        translates code on first use; TCP windows grow); returns the
        transfer rates seen, bytes/s."""
        mib = 4 if args.mode == "quick" else 16
        rates = {"up": [], "down": []}
        for p in active:
            if self.dead(p):
                continue
            log("warm-up %s" % p["name"])
            for what, fn in (("up", m_up), ("down", m_down)):
                r = self.attempt(p, what, fn, mib * MIB // BLOCK, 120)
                if r:
                    rates[what].append(r[0] / r[1])
            self.attempt(p, "rr", m_rr, 0.5)
        return rates

    def transfer(self, p, fig, count, stall):
        k = "g2h" if fig == "up" else "h2g"
        v = self.attempt(p, fig, m_up if fig == "up" else m_down, count,
                         stall)
        n, dt, cpu, qcpu = v if v else (None, None, None, None)
        gib = n / float(1 << 30) if n else None
        self.rec(p, "tcp_%s_mbps" % k, n * 8 / dt / 1e6 if v else None)
        self.rec(p, "cpu_%s_s_per_gib" % k,
                 cpu / 1e9 / gib if v and cpu is not None else None)
        self.rec(p, "qemu_cpu_%s_s_per_gib" % k,
                 qcpu / 1e9 / gib if v and qcpu is not None else None)

    def rr(self, p):
        v = self.attempt(p, "rr", m_rr, args.secs)
        self.rec(p, "rr_p50_us", pct(v, 50) if v else None)
        self.rec(p, "rr_p99_us", pct(v, 99) if v else None)
        self.rec(p, "rr_count", len(v) if v else None)

    def ping(self, p, count):
        # Who answers the echo requests: the host namespace's kernel (the
        # gateway mapped to its loopback) or bv-net-T's (the gateway's
        # real address, over the veth)?
        h0, n0 = echo_replies(), echo_replies(args.netns)
        v = self.attempt(p, "ping", m_ping, count)
        h1, n1 = echo_replies(), echo_replies(args.netns)
        self.rec(p, "icmp_avg_us", v[0] if v else None)
        if None not in (h0, n0, h1, n1):
            d = self.meta.setdefault("icmp_echo_replies", {}).setdefault(
                p["name"], {"host_namespace": 0, "gateway_namespace": 0})
            d["host_namespace"] += h1 - h0
            d["gateway_namespace"] += n1 - n0

    def run(self, initrd, kernel):
        active = self.boot(initrd, kernel)
        if not active:
            log("no guest came up")
            return
        rates = self.warm_up(active)
        sizes = {}
        for what, given in (("up", args.up_mib), ("down", args.down_mib)):
            if given:
                sizes[what] = given * MIB // BLOCK
            elif rates[what]:
                # about --secs seconds at the median warm-up rate, in
                # whole MiB, 4 MiB at least
                mib = statistics.median(rates[what]) * args.secs / MIB
                sizes[what] = max(4, int(round(mib))) * MIB // BLOCK
            else:
                sizes[what] = 16 * MIB // BLOCK
        # a stall limit: 10x the expected time, 60 s at least
        stall = {}
        for what in sizes:
            rate = statistics.median(rates[what]) if rates[what] else 1e6
            stall[what] = max(60, int(10 * sizes[what] * BLOCK / rate))
        pings = args.pings or max(20, 100 * args.secs)
        self.meta.update(up_bytes=sizes["up"] * BLOCK,
                         down_bytes=sizes["down"] * BLOCK, pings=pings)
        log("sizes: guest->host %d MiB, host->guest %d MiB, %d pings"
            % (sizes["up"] * BLOCK // MIB, sizes["down"] * BLOCK // MIB,
               pings))
        for r in range(args.runs):
            # round robin, the order rotated by one peer each run
            order = active[r % len(active):] + active[:r % len(active)]
            for fig in ("up", "down", "rr", "ping"):
                for p in order:
                    if self.dead(p):
                        continue
                    log("run %d/%d: %s %s" % (r + 1, args.runs, fig,
                                              p["name"]))
                    if fig in ("up", "down"):
                        self.transfer(p, fig, sizes[fig], stall[fig])
                    elif fig == "rr":
                        self.rr(p)
                    else:
                        self.ping(p, pings)
        for p in active:
            if not self.dead(p):
                self.rec(p, "rss_hwm_kib", vmhwm(p["pid"]))

    def stop_guests(self):
        for g in self.guests.values():
            g.stop()
        # a daemon that crashed when its guest went away
        time.sleep(0.3)
        for p in self.peers:
            if self.status[p["name"]] == "ok" and not alive(p["pid"]):
                self.fail(p, "the daemon exited when its guest went "
                          "away; log: %s" % tail(p["log"], 600))


GUESTS = []     # every guest started, for the signal handlers


def main():
    global args
    args = parse()
    peers = []
    for spec in args.peer:
        name, transport, sock, pid, logf = spec.split(":", 4)
        peers.append(dict(name=name, transport=transport, socket=sock,
                          pid=int(pid), log=logf))
    meta = dict(kv.split("=", 1) for kv in args.meta)
    initrd = os.path.join(args.work, "bench.initrd")
    with open(os.path.join(HERE, "vm-guest.sh")) as f:
        make_initrd(initrd, f.read())
    kernel = os.path.join(args.guest, "vmlinuz")

    t0 = time.monotonic()
    meta["load_before"] = loadavg()
    b = Bench(peers, meta)
    try:
        b.run(initrd, kernel)
    except BaseException:
        for g in GUESTS:
            g.kill()
        raise
    b.stop_guests()
    meta["load_after"] = loadavg()
    meta["elapsed_s"] = round(time.monotonic() - t0, 1)
    report(peers, b.raw, b.status, meta, b.notes)
    return 0 if any(s == "ok" for s in b.status.values()) else 1


def on_signal(sig, frame):
    raise KeyboardInterrupt


def entry():
    signal.signal(signal.SIGTERM, on_signal)
    try:
        return main()
    except KeyboardInterrupt:
        log("interrupted")
        for g in GUESTS:
            g.kill()
        return 130


def med(xs):
    xs = [x for x in xs or [] if x is not None]
    return statistics.median(xs) if xs else None


def report(peers, raw, status, meta, notes):
    names = [p["name"] for p in peers]
    res = {"meta": dict(meta, **{
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "latency_tools": {
            "rr": "TCP ping-pong: vm_driver.py sends 64 B from the host "
                  "namespace, busybox 'nc -e cat' echoes in the guest",
            "icmp": "busybox ping -A -s 56 to the gateway"},
        "host_kernel": platform.release(), "cpus": os.cpu_count(),
        "mode": args.mode, "runs": args.runs, "secs": args.secs,
        "figures": {k: {"label": l, "unit": u, "higher_is_better": h}
                    for k, l, u, h in FIGS},
        "transports": {p["name"]: p["transport"] for p in peers}}),
        "peers": {}}
    for p in peers:
        d = {"status": status[p["name"]], "lease": p.get("lease"),
             "virtio_features": p.get("features"), "figures": {}}
        for k, v in raw[p["name"]].items():
            d["figures"][k] = {"runs": v, "median": med(v)}
        res["peers"][p["name"]] = d
    ratios = {}
    refd = res["peers"].get(REF, {}).get("figures", {})
    for n in names:
        if n == REF:
            continue
        for k, *_ in FIGS:
            a = res["peers"][n]["figures"].get(k, {}).get("median")
            b = refd.get(k, {}).get("median")
            if a is not None and b:
                ratios.setdefault(n, {})[k] = a / b
    res["ratios_over_passt"] = ratios
    res["notes"] = notes
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")

    def fmt(v, k):
        if v is None:
            return "n/a"
        if k.startswith("rss_"):
            return "%.1f" % (v / 1024)
        if k.endswith("_mbps"):
            return "%.0f" % v
        if k.endswith("_us"):
            return "%.0f" % v
        return "%.2f" % v

    others = [n for n in names if n != REF]
    hdr = ["figure", "unit"] + names + \
        ["%s/%s" % (short(n), REF) for n in others if REF in names]
    rows = []
    for k, label, unit, hib in FIGS:
        row = [label, unit + (" ^" if hib else " v")]
        for n in names:
            row.append(fmt(res["peers"][n]["figures"].get(k, {})
                           .get("median"), k))
        if REF in names:
            for n in others:
                r = ratios.get(n, {}).get(k)
                row.append("%.2f" % r if r is not None else "-")
        rows.append(row)
    w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]

    def line(r):
        return "  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i])
                         for i, c in enumerate(r))
    print()
    print("burrow VM benchmark (QEMU TCG guests), %s mode: median of %d "
          "run(s); %s CPUs, kernel %s" % (args.mode, args.runs,
                                          os.cpu_count(),
                                          platform.release()))
    print("transfers: guest->host %d MiB, host->guest %d MiB; TCP RR %d s; "
          "%s pings" % (meta["up_bytes"] // MIB, meta["down_bytes"] // MIB,
                        args.secs, meta["pings"]))
    print(line(hdr))
    print(line(["-" * x for x in w]))
    for r in rows:
        print(line(r))
    print("^ higher is better, v lower is better; X/%s = X's median / "
          "%s's median. Under TCG only the ratios mean anything."
          % (REF, REF))
    print("load average before %s, after %s; %.0f s"
          % (meta["load_before"], meta["load_after"], meta["elapsed_s"]))
    for n in names:
        for k, label, *_ in FIGS:
            xs = raw[n].get(k, [])
            bad = sum(1 for x in xs if x is None)
            if bad:
                print("%s, %s: %d of %d runs failed (median of the rest)"
                      % (n, label, bad, len(xs)))
    for n, d in meta.get("icmp_echo_replies", {}).items():
        print("ICMP echo replies for %s: %d from the host namespace "
              "(loopback), %d from the gateway's namespace (veth)"
              % (n, d["host_namespace"], d["gateway_namespace"]))
    for p in peers:
        if p.get("features") is not None:
            print("virtio features, %s (%s): %s"
                  % (p["name"], p["transport"], " ".join(p["features"])))
    for n in names:
        if status[n] != "ok":
            print("%s: %s" % (n, status[n]))
    for m in notes:
        print("note: " + m)
    print("raw numbers: %s" % args.out)


if __name__ == "__main__":
    sys.exit(entry())
