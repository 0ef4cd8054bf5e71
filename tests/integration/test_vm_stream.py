# SPDX-License-Identifier: GPL-2.0-or-later
"""burrow serving a QEMU VM over a UNIX stream socket (-s PATH): the test
guest (tests/guest, Debian kernel + busybox, QEMU/TCG) with a real
virtio-net driver in front of burrow.

burrow runs in the test's host namespace (no --netns), listening on a
socket in the test's directory; QEMU runs in a fresh empty network
namespace of its own (qemu_guest.py) and reaches burrow through that
socket only. One guest boot per scenario, every check of a scenario in
one guest script:

  guest:       DHCPv4 lease (the host's address, gateway as router and
               DNS), ping to the gateway, DNS through the gateway, TCP to
               the gateway both ways with sha256 (guest busybox nc), an
               inbound -t forward both ways, and the RA's A=0 while
               DHCPv6 is on (no SLAAC address, a default route via
               burrow's link-local address);
  ipv6:        --no-dhcpv6: SLAAC address on the announced prefix, ping6
               to the IPv6 gateway, DNS over IPv6;
  reconnect:   a front-end goes away, a second QEMU on the same socket
               is served again;
  one_off:     --one-off: burrow exits (cleanly) when QEMU goes away;
  bad_length:  fake front-ends (Python, no QEMU) with impossible frame
               lengths: one log line each, the connection dropped, the
               next client served; a second front-end while one is
               connected is refused.

BURROW_VM_TCP_MB sets the TCP size each way (default 32; a quarter of
it for the forward), BURROW_VM_TIMEOUT a guest's limit in seconds
(default 150), BURROW_VM_VERBOSE=1 prints the guests' output (pytest -s).
"""

import ipaddress
import os
import re
import select
import socket
import stat
import struct
import tempfile
import time

import pytest

import helpers
import qemu_guest as qg
from helpers import (GW4, GW6, HERE, HOST4, PREFIX4, WWW4, WWW6, Burrow,
                     wait_for)

TOOL = os.path.join(HERE, "tcp_tool.py")
PY = "/usr/bin/python3"
MiB = 1 << 20
TCP_MB = int(os.environ.get("BURROW_VM_TCP_MB", "32"))
FWD_MB = max(1, TCP_MB // 4)
GUEST_TIMEOUT = int(os.environ.get("BURROW_VM_TIMEOUT", "150"))
GUEST_MAC = qg.DEFAULT_MAC


@pytest.fixture(scope="module", autouse=True)
def guest_image():
    qg.require_guest()


# --- fixtures ---------------------------------------------------------------

class VmBurrow:
    """burrow -f -s PATH [opts] in the host namespace."""

    def __init__(self, topo, tmpdir, opts, n, started):
        # sun_path holds 108 bytes: fall back to a short directory.
        self.sockdir = None
        path = os.path.join(tmpdir, "vm%d.sock" % n)
        if len(path) > 100:
            self.sockdir = tempfile.mkdtemp(prefix="bw-vm-")
            path = os.path.join(self.sockdir, "vm.sock")
        self.path = path
        self.b = Burrow(topo, ["-s", path] + list(opts), None,
                        os.path.join(tmpdir, "burrow-vm-%d.stderr" % n),
                        netns=False)
        started.append(self.b)

        def ready():
            if not self.b.alive():
                raise AssertionError("burrow exited before listening\n"
                                     + self.b.describe())
            try:
                return stat.S_ISSOCK(os.lstat(path).st_mode)
            except FileNotFoundError:
                return False
        wait_for(ready, 5, what="burrow's socket %s" % path)

    def __getattr__(self, name):
        return getattr(self.b, name)

    def check(self):
        if not self.b.alive():
            raise AssertionError("burrow exited\n" + self.b.describe())

    def count(self, text):
        return self.b.stderr().count(text)


@pytest.fixture
def vm_burrow(request, topo, burrow_bin, tmp_path):
    """start(*opts) -> VmBurrow. At teardown: SIGTERM, and the test fails
    if burrow crashed, hung or had exited (unless the test stopped it
    itself)."""
    started = []
    vms = []
    request.node._burrows = started

    def start(*opts):
        v = VmBurrow(topo, str(tmp_path), opts, len(started), started)
        vms.append(v)
        return v

    yield start
    errors = []
    for b in started:
        try:
            b.stop()
        except AssertionError as e:
            errors.append(str(e))
    for v in vms:
        if v.sockdir:
            try:
                os.unlink(v.path)
            except OSError:
                pass
            os.rmdir(v.sockdir)
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


class Guests:
    """QEMU guests of one test, killed at the end whatever happens."""

    def __init__(self, tmpdir):
        self.tmpdir = tmpdir
        self.all = []
        self.results = []

    def new(self, sock, script, name):
        g = qg.QemuGuest(qg.stream_netdev_args(sock, mac=GUEST_MAC),
                         script, timeout=GUEST_TIMEOUT, workdir=self.tmpdir,
                         name=name)
        self.all.append(g)
        return g

    def run(self, sock, script, name):
        g = self.new(sock, script, name)
        g.start()
        try:
            r = g.wait()
        finally:
            g.close()
        self.results.append((name, r))
        return r

    def close(self):
        for g in self.all:
            g.close()


@pytest.fixture
def guests(request, tmp_path):
    gs = Guests(str(tmp_path))
    request.node._guests = gs
    yield gs
    gs.close()
    for name, r in gs.results:
        print("guest %s: rc %s, %.1f s from QEMU's start to its exit"
              % (name, r.rc, r.elapsed))
        if os.environ.get("BURROW_VM_VERBOSE"):
            print(r.output)


# --- helpers ----------------------------------------------------------------

def facts(output):
    """T:key value lines of a guest script's output -> {key: value}."""
    d = {}
    for m in re.finditer(r"^T:(\w+) ?(.*?)\s*$", output, re.M):
        d[m.group(1)] = m.group(2)
    return d


def env_vars(output):
    """The udhcpc lease variables the script printed as E:name='value'."""
    d = {}
    for m in re.finditer(r"^E:(\w+)='?(.*?)'?\s*$", output, re.M):
        d[m.group(1)] = m.group(2)
    return d


def explain(r, b, what):
    return "%s\n--- guest output ---\n%s\n--- guest console (tail) ---\n" \
        "%s\n%s" % (what, r.output[-6000:], r.console[-3000:],
                    b.describe())


def sha(s):
    return s.split()[0] if s else ""


def free_port():
    import random
    return random.randint(20000, 40000)


class Endpoint:
    """A tcp_tool.py process in the host namespace: its JSON result."""

    def __init__(self, procs, ns, argv, errpath):
        self.errpath = errpath
        with open(errpath, "wb") as errf:
            self.p = procs.start([PY, TOOL] + [str(a) for a in argv],
                                 ns=ns, stderr=errf, text=False)
        self.argv = argv
        self.buf = b""

    def line(self, timeout):
        end = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [],
                                              min(left, 0.5))[0]:
                if left <= 0:
                    with open(self.errpath, "rb") as f:
                        err = f.read().decode(errors="replace")
                    raise AssertionError("no output from tcp_tool %s "
                                         "(exit %s)\n%s" % (self.argv,
                                                            self.p.poll(),
                                                            err[-2000:]))
                continue
            d = os.read(fd, 65536)
            if not d:
                raise AssertionError("tcp_tool %s exited (%s)" % (
                    self.argv, self.p.wait()))
            self.buf += d
        ln, self.buf = self.buf.split(b"\n", 1)
        return ln.decode(errors="replace").strip()

    def json(self, timeout):
        import json
        while True:
            ln = self.line(timeout)
            if ln.startswith("{"):
                return json.loads(ln)


def digest(seed, n):
    import tcp_tool
    return tcp_tool.digest(seed, n)


# --- the guest: DHCP, ping, DNS, TCP both ways, -t forward ---------------

# Shell functions for the guest scripts.
FUNCS = r"""
# the addresses nslookup printed for www.example.test
answers() {
	sed -n '/www.example.test/,$p' "$1" | grep '^Address' |
		awk '{print $NF}' | sort -u | tr '\n' ' '
}
v6global() {
	ip -6 -o addr show dev eth0 scope global | awk '{print $4}' |
		tr '\n' ' '
}
"""

GUEST_SCRIPT = FUNCS + r"""
echo "T:mac $(cat /sys/class/net/eth0/address)"
udhcpc -i eth0 -n -q -t 5 -T 2 || { echo "T:fail udhcpc"; exit 10; }
sed 's/^/E:/' /run/udhcpc.eth0.env
. /run/udhcpc.eth0.env
echo "T:addr $(ip -4 -o addr show dev eth0 | awk '{print $4}')"
echo "T:route4 $(ip -4 route show default)"
echo "T:resolv $(grep nameserver /etc/resolv.conf | tr '\n' ' ')"

ping -c 3 -W 3 $router >/tmp/ping 2>&1; echo "T:ping_rc $?"
cat /tmp/ping
echo "T:ping $(grep 'packets received' /tmp/ping)"

nslookup www.example.test $dns >/tmp/ns 2>&1; echo "T:dns_rc $?"
cat /tmp/ns
echo "T:dns $(answers /tmp/ns)"

# host -> guest: the host's tcp_tool server sends, then reads to EOF
timeout 120 nc $router %(pdown)d </dev/null >/tmp/down
echo "T:down_rc $?"
echo "T:down_len $(wc -c </tmp/down)"
echo "T:down_sha $(sha256sum </tmp/down)"
rm -f /tmp/down

# guest -> host: the server reads to EOF and reports what it got
dd if=/dev/urandom of=/tmp/up bs=1048576 count=%(up_mb)d 2>/dev/null
echo "T:up_sha $(sha256sum </tmp/up)"
timeout 120 nc $router %(pup)d </tmp/up >/dev/null
echo "T:up_rc $?"
rm -f /tmp/up

# -t forward: serve a file, take what the host sends after it
dd if=/dev/urandom of=/tmp/fsrc bs=1048576 count=%(fwd_mb)d 2>/dev/null
echo "T:fsrc_sha $(sha256sum </tmp/fsrc)"
timeout 120 nc -l -p %(gport)d </tmp/fsrc >/tmp/fgot &
nc_pid=$!
hex=$(printf '%%04X' %(gport)d)
i=0
until grep -qE ":$hex [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "T:fail listen"; exit 13; }
	sleep 0.1
done
echo "T:fwd_ready 1"
wait $nc_pid
echo "T:fwd_rc $?"
echo "T:fgot_len $(wc -c </tmp/fgot)"
echo "T:fgot_sha $(sha256sum </tmp/fgot)"

# DHCPv6 is on: the RA says M=1, A=0: no SLAAC address, but a route
ip -6 addr show dev eth0
ip -6 route show
echo "T:v6global $(v6global)"
echo "T:route6 $(ip -6 route show default)"
exit 0
"""


def test_guest(vm_burrow, guests, topo, procs, tmp_path):
    """DHCP, ping, DNS, TCP both ways and a -t forward, one boot."""
    hport, gport = free_port(), free_port()
    while gport == hport:
        gport = free_port()
    pdown, pup = hport + 1, hport + 2
    n_tcp, n_fwd = TCP_MB * MiB, FWD_MB * MiB
    b = vm_burrow("-t", "%d:%d" % (hport, gport))
    tmp = str(tmp_path)
    down = Endpoint(procs, topo.host, ["server", "127.0.0.1", pdown,
                                       "--send", n_tcp, "--seed", 31,
                                       "--order", "send-first"],
                    os.path.join(tmp, "down.stderr"))
    up = Endpoint(procs, topo.host, ["server", "127.0.0.1", pup,
                                     "--order", "recv-first"],
                  os.path.join(tmp, "up.stderr"))
    assert down.line(10) == "ready" and up.line(10) == "ready"

    script = GUEST_SCRIPT % dict(pdown=pdown, pup=pup, gport=gport,
                                 up_mb=TCP_MB, fwd_mb=FWD_MB)
    g = guests.new(b.path, script, "guest")
    g.start()
    try:
        # The forward: once the guest listens, connect from the host side.
        def fwd_ready():
            b.check()
            if g.proc.poll() is not None or \
                    qg.END_RE.search(g.console()):
                raise AssertionError("the guest ended before its -t "
                                     "listener was up:\n"
                                     + g.console()[-4000:])
            return "T:fwd_ready 1" in g.console()
        wait_for(fwd_ready, GUEST_TIMEOUT, interval=0.2,
                 what="the guest's listener for the -t forward")
        cli = Endpoint(procs, topo.host,
                       ["client", "127.0.0.1", hport, "--order",
                        "recv-first", "--send", n_fwd, "--seed", 32,
                        "--connect-timeout", 10],
                       os.path.join(tmp, "fwd.stderr"))
        fwd = cli.json(120)
        r = g.wait()
    finally:
        g.close()
    guests.results.append(("guest", r))
    f = facts(r.output)
    e = env_vars(r.output)
    why = lambda what: explain(r, b, what)  # noqa: E731
    assert r.rc == 0, why("guest script failed (rc %d)" % r.rc)

    # DHCP: what burrow hands out is the host namespace's address and
    # gateway, the gateway as DNS server too.
    assert f["mac"] == GUEST_MAC, why("MAC")
    assert e.get("ip") == HOST4, why("leased address %r" % e.get("ip"))
    assert e.get("mask") == str(PREFIX4), why("mask %r" % e.get("mask"))
    assert e.get("router", "").split() == [GW4], why("router")
    assert e.get("dns", "").split() == [GW4], why("DNS server")
    assert f["addr"] == "%s/%d" % (HOST4, PREFIX4), why("address applied")
    assert "via %s" % GW4 in f["route4"], why("default route")

    assert f["ping_rc"] == "0" and "3 packets received" in f["ping"], \
        why("ping to the gateway")

    assert f["dns_rc"] == "0" and WWW4 in f["dns"].split(), \
        why("nslookup www.example.test through the gateway")
    assert WWW6 in f["dns"].split(), why("AAAA through the gateway")

    # TCP, host -> guest
    assert f["down_rc"] == "0", why("nc (download) failed")
    assert int(f["down_len"]) == n_tcp, why("download: %s bytes, not %d"
                                            % (f["down_len"], n_tcp))
    assert sha(f["down_sha"]) == digest(31, n_tcp), \
        why("download: the bytes differ")
    dres = down.json(10)
    assert dres.get("sent") == n_tcp and "send_err" not in dres, \
        why("download server: %s" % dres)
    # TCP, guest -> host
    ures = up.json(10)
    assert f["up_rc"] == "0", why("nc (upload) failed")
    assert "recv_err" not in ures and ures["eof"], why("upload: %s" % ures)
    assert ures["recv"] == n_tcp, why("upload: %d bytes arrived, not %d"
                                      % (ures["recv"], n_tcp))
    assert ures["sha_recv"] == sha(f["up_sha"]), \
        why("upload: the bytes differ")
    # -t forward, both ways on one connection
    assert "connect_err" not in fwd, why("-t connect: %s" % fwd)
    assert fwd["eof"] and "recv_err" not in fwd, why("-t recv: %s" % fwd)
    assert fwd["recv"] == n_fwd and fwd["sha_recv"] == sha(f["fsrc_sha"]), \
        why("-t forward, guest -> host client: %d bytes, sha %s vs %s"
            % (fwd["recv"], fwd["sha_recv"], f["fsrc_sha"]))
    assert fwd["sent"] == n_fwd and "send_err" not in fwd, \
        why("-t send: %s" % fwd)
    assert f["fwd_rc"] == "0", why("guest nc -l failed")
    assert int(f["fgot_len"]) == n_fwd and \
        sha(f["fgot_sha"]) == digest(32, n_fwd), \
        why("-t forward, host client -> guest: %s bytes" % f["fgot_len"])

    # The RA, with DHCPv6 on: managed, no autonomous prefix.
    assert "via fe80:" in f["route6"], why("no default route from an RA")
    assert f["v6global"] == "", why("SLAAC address %r although the RA "
                                    "should have A=0" % f["v6global"])
    assert b.alive(), b.describe()


# --- IPv6: SLAAC with --no-dhcpv6, ping6 the gateway ---------------------

IPV6_SCRIPT = FUNCS + r"""
i=0
while :; do
	a=$(ip -6 -o addr show dev eth0 scope global | grep -v tentative)
	[ -n "$a" ] && break
	i=$((i + 1)); [ $i -lt 100 ] || break
	sleep 0.2
done
ip -6 addr show dev eth0
ip -6 route show
echo "T:v6global $(v6global)"
echo "T:v6flags $(ip -6 -o addr show dev eth0 scope global)"
echo "T:route6 $(ip -6 route show default)"
i=0
until ip -6 route show default | grep -q via; do
	i=$((i + 1)); [ $i -lt 50 ] || break
	sleep 0.2
done
ping6 -c 3 -W 3 %(gw6)s >/tmp/ping 2>&1; echo "T:ping6_rc $?"
cat /tmp/ping
echo "T:ping6 $(grep 'packets received' /tmp/ping)"
nslookup www.example.test %(gw6)s >/tmp/ns 2>&1; echo "T:dns6_rc $?"
cat /tmp/ns
echo "T:dns6 $(answers /tmp/ns)"
exit 0
"""


def eui64(prefix, mac):
    b = bytearray(int(x, 16) for x in mac.split(":"))
    b[0] ^= 2
    iid = bytes(b[:3]) + b"\xff\xfe" + bytes(b[3:])
    net = socket.inet_pton(socket.AF_INET6, prefix)
    return socket.inet_ntop(socket.AF_INET6, net[:8] + iid)


def test_ipv6(vm_burrow, guests):
    """--no-dhcpv6: the RA carries A=1, the kernel forms an address on the
    prefix; ping6 to the gateway, DNS over IPv6."""
    b = vm_burrow("--no-dhcpv6")
    r = guests.run(b.path, IPV6_SCRIPT % dict(gw6=GW6), "ipv6")
    f = facts(r.output)
    why = lambda what: explain(r, b, what)  # noqa: E731
    assert r.rc == 0, why("guest script failed (rc %d)" % r.rc)
    want = ipaddress.ip_interface(eui64("2001:db8:1::", GUEST_MAC)
                                  + "/64")
    got = [ipaddress.ip_interface(a) for a in f["v6global"].split()]
    assert got == [want], \
        why("SLAAC: global addresses %r, expected %s" % (f["v6global"],
                                                          want))
    assert "tentative" not in f["v6flags"], why("DAD did not finish")
    assert "via fe80:" in f["route6"], why("no default route from the RA")
    assert f["ping6_rc"] == "0" and "3 packets received" in f["ping6"], \
        why("ping6 to the gateway %s" % GW6)
    assert f["dns6_rc"] == "0" and WWW4 in f["dns6"].split() and \
        WWW6 in f["dns6"].split(), why("nslookup via %s" % GW6)
    assert b.alive(), b.describe()


# --- front-ends coming and going -----------------------------------------

SHORT_SCRIPT = r"""
udhcpc -i eth0 -n -q -t 5 -T 2 || { echo "T:fail udhcpc"; exit 10; }
. /run/udhcpc.eth0.env
echo "T:ip $ip"
ping -c 2 -W 3 $router >/tmp/ping 2>&1; echo "T:ping_rc $?"
cat /tmp/ping
echo "T:ping $(grep 'packets received' /tmp/ping)"
exit 0
"""


def check_short(r, b, name):
    f = facts(r.output)
    why = lambda what: explain(r, b, "%s: %s" % (name, what))  # noqa: E731
    assert r.rc == 0, why("guest script failed (rc %d)" % r.rc)
    assert f.get("ip") == HOST4, why("lease %r" % f.get("ip"))
    assert f["ping_rc"] == "0" and "2 packets received" in f["ping"], \
        why("ping to the gateway")


def test_reconnect(vm_burrow, guests):
    """Without --one-off: QEMU goes away, a second one on the same socket
    is served."""
    b = vm_burrow()
    r1 = guests.run(b.path, SHORT_SCRIPT, "first")
    check_short(r1, b, "first guest")
    wait_for(lambda: b.check() or
             b.count("front-end disconnected") >= 1, 10,
             what="burrow to see the first QEMU go\n" + b.describe())
    assert b.alive(), "burrow exited after the first front-end\n" + \
        b.describe()
    r2 = guests.run(b.path, SHORT_SCRIPT, "second")
    check_short(r2, b, "second guest")
    wait_for(lambda: b.check() or
             b.count("front-end disconnected") >= 2, 10,
             what="burrow to see the second QEMU go\n" + b.describe())
    assert b.count("front-end connected") == 2, b.describe()
    assert b.alive(), b.describe()


def test_one_off(vm_burrow, guests):
    """--one-off: burrow exits, cleanly, when QEMU disconnects."""
    b = vm_burrow("--one-off")
    r = guests.run(b.path, SHORT_SCRIPT, "one-off")
    check_short(r, b, "guest")
    try:
        b.p.wait(timeout=10)
    except Exception:
        raise AssertionError("burrow --one-off still running 10 s after "
                             "QEMU exited\n" + b.describe())
    b.stop(expect_clean=False)
    assert b.crash_reason() is None, "burrow crashed: %s\n%s" % (
        b.crash_reason(), b.describe())
    assert b.p.returncode == 0, "burrow --one-off exited with %s\n%s" % (
        b.p.returncode, b.describe())
    assert b.count("front-end disconnected") == 1, b.describe()
    assert not helpers.processes_with_token(b.token), \
        "processes left behind by burrow"


# --- fake front-ends: impossible frame lengths ---------------------------

OUR_IP = socket.inet_aton(HOST4)
GW_IP = socket.inet_aton(GW4)
MAC = bytes.fromhex(GUEST_MAC.replace(":", ""))


def arp_request():
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + MAC + OUR_IP + \
        b"\0" * 6 + GW_IP
    return b"\xff" * 6 + MAC + b"\x08\x06" + arp


class Fake:
    """A Python front-end on burrow's socket, speaking the stream
    framing."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(path)
        self.buf = b""

    def send_frame(self, f):
        self.s.sendall(struct.pack("!I", len(f)) + f)

    def recv_frame(self, timeout=5):
        end = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                n, = struct.unpack("!I", self.buf[:4])
                if len(self.buf) >= 4 + n:
                    f = self.buf[4:4 + n]
                    self.buf = self.buf[4 + n:]
                    return f
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            if not d:
                raise EOFError
            self.buf += d

    def arp_ok(self, timeout=5):
        """An ARP request for the gateway gets burrow's reply."""
        self.send_frame(arp_request())
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            f = self.recv_frame(end - time.monotonic())
            if f is None:
                break
            if f[12:14] == b"\x08\x06" and f[20:22] == b"\0\2" and \
                    f[28:32] == GW_IP and f[0:6] == MAC:
                return True
        return False

    def closed_by_peer(self, timeout=5):
        """burrow closes its end (EOF or reset) within @timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.s.settimeout(max(0.05, end - time.monotonic()))
            try:
                if not self.s.recv(65536):
                    return True
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
        return False

    def close(self):
        self.s.close()


BAD_LENGTHS = [0xFFFFFFFF, 1 << 20, 13, 0]


def test_bad_length(vm_burrow):
    """An impossible length: one log line, that connection dropped, the
    next client served. A second client while one is served is refused."""
    b = vm_burrow()
    fakes = []
    try:
        for i, bad in enumerate(BAD_LENGTHS):
            c = Fake(b.path)
            fakes.append(c)
            assert c.arp_ok(), "client %d not served (no ARP reply)\n%s" \
                % (i, b.describe())
            if i == 0:
                # Another front-end meanwhile: refused, the first one
                # still served.
                other = Fake(b.path)
                fakes.append(other)
                assert other.closed_by_peer(), \
                    "a second front-end was not refused\n" + b.describe()
                assert c.arp_ok(), "first client lost after the refusal\n" \
                    + b.describe()
            lines0 = b.count("impossible frame length")
            c.s.sendall(struct.pack("!I", bad) + b"\0" * 64)
            assert c.closed_by_peer(), \
                "length %#x: connection not dropped\n%s" % (bad,
                                                             b.describe())
            wait_for(lambda: b.count("impossible frame length") > lines0,
                     3, what="the log line for length %#x\n%s"
                     % (bad, b.describe()))
            assert b.count("impossible frame length") == lines0 + 1, \
                b.describe()
            assert b.count("impossible frame length %u:" % bad) == 1, \
                b.describe()
            c.close()
            b.check()
        last = Fake(b.path)
        fakes.append(last)
        assert last.arp_ok(), "no client served after the bad ones\n" + \
            b.describe()
        # A frame split across writes is fine (not an impossible length).
        f = arp_request()
        w = struct.pack("!I", len(f)) + f
        for k in range(len(w)):
            last.s.sendall(w[k:k + 1])
            time.sleep(0.002)
        got = False
        end = time.monotonic() + 5
        while not got and time.monotonic() < end:
            fr = last.recv_frame(end - time.monotonic())
            got = fr is not None and fr[12:14] == b"\x08\x06"
        assert got, "no ARP reply to a byte-by-byte frame\n" + b.describe()
    finally:
        for c in fakes:
            c.close()
    assert b.count("impossible frame length") == len(BAD_LENGTHS), \
        b.describe()
    assert b.alive(), b.describe()


# --- QEMU's older -netdev socket: the same framing over loopback TCP ------

def test_netdev_socket_tcp(topo, burrow_bin, guests, tmp_path):
    """-s tcp:127.0.0.1:PORT serves QEMU's -netdev socket,connect= (TCP
    only before QEMU 7.2's stream): DHCP and ping through it. QEMU runs
    in the test's host namespace, where burrow listens."""
    port = free_port()
    b = Burrow(topo, ["-s", "tcp:127.0.0.1:%d" % port], None,
               os.path.join(str(tmp_path), "burrow-tcp.stderr"),
               netns=False)
    try:
        def listening():
            assert b.alive(), "burrow exited\n" + b.describe()
            return "listening on tcp:127.0.0.1:%d" % port in b.stderr()
        wait_for(listening, 5, what="burrow listening on TCP")
        g = qg.QemuGuest(qg.socket_netdev_args(
            connect="127.0.0.1:%d" % port, mac=GUEST_MAC), SHORT_SCRIPT,
            timeout=GUEST_TIMEOUT, workdir=str(tmp_path), name="tcp",
            netns=topo.host)
        guests.all.append(g)
        g.start()
        r = g.wait()
        check_short(r, b, "-netdev socket guest")
        assert "stream: front-end connected" in b.stderr(), b.describe()
    finally:
        b.stop()


# --- QEMU killed mid-transfer, and a new one on the same socket -----------

# The guest downloads from a host server that never stops sending, and
# says so on the console; the test kills QEMU (SIGKILL) in the middle.
KILLED_SCRIPT = r"""
udhcpc -i eth0 -n -q -t 5 -T 2 || { echo "T:fail udhcpc"; exit 10; }
. /run/udhcpc.eth0.env
echo "T:started"
nc $router %(port)d > /dev/null
echo "T:nc_ended"
exit 0
"""


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def qemu_killed_then_next(b, new_guest, procs, topo, tmp_path):
    """Boot a guest streaming from the host, SIGKILL its QEMU mid-transfer,
    then serve a second QEMU on the same socket: burrow stays up, says the
    front-end went away, resets the host connection (the sender sees an
    error or EOF, not a hang) and leaks no descriptor."""
    port = free_port()
    before = fd_count(b.pid)
    sender = Endpoint(procs, topo.host,
                      ["server", "127.0.0.1", port, "--send", -1,
                       "--no-recv"],
                      os.path.join(str(tmp_path), "sender.stderr"))
    assert sender.line(10) == "ready"
    g = new_guest(KILLED_SCRIPT % dict(port=port), "killed")
    g.start()
    wait_for(lambda: "T:started" in g.console() or g.proc.poll() is not None,
             GUEST_TIMEOUT, interval=0.5, what="the first guest's download")
    assert "T:started" in g.console(), g.console()[-2000:]
    time.sleep(2)  # well into the transfer
    g.kill()
    wait_for(lambda: b.check() or b.count("front-end disconnected") >= 1,
             10, what="burrow to see QEMU killed\n" + b.describe())
    # The host side of the guest's connection ends (reset, not a hang).
    res = sender.json(30)
    assert "send_err" in res or res.get("eof"), res
    r = new_guest(SHORT_SCRIPT, "next").start().wait()
    check_short(r, b, "the guest after a killed one")
    wait_for(lambda: b.check() or b.count("front-end disconnected") >= 2,
             10, what="burrow to see the second QEMU go\n" + b.describe())
    wait_for(lambda: fd_count(b.pid) == before, 5,
             what="burrow's descriptors back to %d (now %d)"
             % (before, fd_count(b.pid)))
    assert b.alive(), b.describe()


def test_qemu_killed(vm_burrow, guests, procs, topo, tmp_path):
    b = vm_burrow()

    def new_guest(script, name):
        g = guests.new(b.path, script, name)
        return g
    qemu_killed_then_next(b, new_guest, procs, topo, tmp_path)
