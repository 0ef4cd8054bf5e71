# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot burrow's small test guest (tests/guest/build.sh) under QEMU/TCG.

    import qemu_guest as qg
    rc, console = qg.run_guest(qg.stream_netdev_args("/tmp/x/vm.sock"),
                               "udhcpc -i eth0 -n -q && ping -c1 10.0.2.2")

The guest is Debian's kernel + a busybox-static initramfs. Its /init loads
virtio_net, brings eth0 up, runs the script (as /test.sh, from a second
cpio archive appended to the initramfs), prints its exit code on the
serial console and powers off. udhcpc's default script configures the
address, routes and /etc/resolv.conf, and leaves the lease's variables in
/run/udhcpc.eth0.env. The kernel does IPv6 SLAAC by itself; there is no
DHCPv6 client in the guest.

Network safety: QEMU runs with -nodefaults (no default user-mode NIC),
`-netdev user` is refused, and unless a namespace is named QEMU runs in a
new, empty network namespace of its own (unshare -n): unix sockets, which
is what burrow's VM transports use, still work from there.

No pytest needed, except for require_guest(), which skips when it can't
build the guest.
"""

import base64
import os
import re
import shlex
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GUEST_SRC = os.path.join(REPO, "tests", "guest")
GUEST_DIR = os.environ.get("BURROW_GUEST_DIR",
                           os.path.join(REPO, "build", "guest"))
QEMU = os.environ.get("BURROW_QEMU", "qemu-system-x86_64")
DEFAULT_MAC = "52:54:00:12:34:56"

START_MARK = "@@BURROW-GUEST-START@@"
END_RE = re.compile(r"@@BURROW-GUEST-END rc=(\d+)@@")


class GuestError(AssertionError):
    """QEMU failed, timed out or the guest never reported an exit code."""

    def __init__(self, msg, console="", stderr=""):
        super().__init__("%s\n--- console (tail) ---\n%s\n--- qemu stderr "
                         "---\n%s" % (msg, console[-6000:], stderr[-3000:]))
        self.console = console
        self.stderr = stderr


# --- the image --------------------------------------------------------------

def kernel_path():
    return os.path.join(GUEST_DIR, "vmlinuz")


def initrd_path():
    return os.path.join(GUEST_DIR, "initramfs.gz")


def missing():
    """Why the guest cannot run (None when it can)."""
    import shutil
    if not shutil.which(QEMU):
        return "%s not installed (tests/guest/build.sh installs it)" % QEMU
    for p in (kernel_path(), initrd_path()):
        if not os.path.exists(p):
            return "%s missing: run tests/guest/build.sh" % p
    return None


def ensure_built(timeout=900):
    """Run tests/guest/build.sh (cached: fast when up to date)."""
    if os.environ.get("BURROW_GUEST_DIR"):
        return missing()
    r = subprocess.run([os.path.join(GUEST_SRC, "build.sh"), GUEST_DIR],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if r.returncode != 0:
        return "tests/guest/build.sh failed:\n" + r.stdout[-3000:]
    return missing()


def require_guest(build=True):
    """pytest helper: skip the test when the guest can't be had."""
    import pytest
    why = ensure_built() if build else missing()
    if why:
        pytest.skip(why)


def _cpio():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "burrow_mkcpio", os.path.join(GUEST_SRC, "mkcpio.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.Cpio()


def make_initrd(dest, script, files=None):
    """Write the base initramfs + an archive holding /test.sh (and
    @files: {guest path: bytes|str}) to @dest; returns @dest."""
    c = _cpio()
    if script is not None:
        c.file("test.sh", script, 0o755)
    for path, data in (files or {}).items():
        c.file(path, data, 0o755 if path.endswith(".sh") else 0o644)
    with open(initrd_path(), "rb") as f:
        base = f.read()
    base += b"\0" * ((4 - len(base) % 4) % 4)
    with open(dest, "wb") as f:
        f.write(base + c.gzip())
    return dest


# --- netdev arguments -------------------------------------------------------

def _dev(netdev_id, mac, device_opts):
    opts = "virtio-net-pci,netdev=%s,mac=%s,romfile=" % (netdev_id, mac)
    if device_opts:
        opts += "," + device_opts
    return ["-device", opts]


def stream_netdev_args(path, netdev_id="n0", mac=DEFAULT_MAC, server=False,
                       device_opts=""):
    """QEMU connects (server=False) to, or listens on, unix socket @path;
    frames carry a 4-byte big-endian length (QEMU's stream framing)."""
    return ["-netdev", "stream,id=%s,server=%s,addr.type=unix,addr.path=%s"
            % (netdev_id, "on" if server else "off", path)] + \
        _dev(netdev_id, mac, device_opts)


def stream_fd_netdev_args(fd, netdev_id="n0", mac=DEFAULT_MAC,
                          device_opts=""):
    """Stream netdev on an inherited, connected socket fd (pass it with
    run_guest(pass_fds=[fd]))."""
    return ["-netdev", "stream,id=%s,addr.type=fd,addr.str=%d"
            % (netdev_id, fd)] + _dev(netdev_id, mac, device_opts)


def socket_netdev_args(listen=None, connect=None, netdev_id="n0",
                       mac=DEFAULT_MAC, device_opts=""):
    """The old `-netdev socket` (same framing as stream), TCP only:
    listen=/connect= take host:port, not unix paths, in QEMU 7.2."""
    if (listen is None) == (connect is None):
        raise ValueError("give exactly one of listen=, connect=")
    what = "listen=%s" % listen if listen else "connect=%s" % connect
    return ["-netdev", "socket,id=%s,%s" % (netdev_id, what)] + \
        _dev(netdev_id, mac, device_opts)


def dgram_netdev_args(local_path, remote_path, netdev_id="n0",
                      mac=DEFAULT_MAC, device_opts=""):
    """Unix datagram sockets, one frame per datagram, no length prefix:
    QEMU binds @local_path and sends to @remote_path."""
    return ["-netdev", "dgram,id=%s,local.type=unix,local.path=%s,"
            "remote.type=unix,remote.path=%s"
            % (netdev_id, local_path, remote_path)] + \
        _dev(netdev_id, mac, device_opts)


def vhost_user_args(path, mem="256M", netdev_id="n0", mac=DEFAULT_MAC,
                    packed=False, queues=1, device_opts=""):
    """vhost-user: guest RAM in a shared memfd, QEMU the front-end
    connecting to the back-end's unix socket @path. @mem must equal
    run_guest(mem=). vectors=0 (INTx) works around QEMU 7.2 crashing in
    msix_set_vector_notifiers under TCG at DRIVER_OK."""
    opts = "vectors=0"
    if packed:
        opts += ",packed=on"
    netdev = "vhost-user,id=%s,chardev=%s_c" % (netdev_id, netdev_id)
    if queues > 1:
        netdev += ",queues=%d" % queues
        opts += ",mq=on"
    if device_opts:
        opts += "," + device_opts
    return ["-object", "memory-backend-memfd,id=%s_mem,size=%s,share=on"
            % (netdev_id, mem),
            "-machine", "memory-backend=%s_mem" % netdev_id,
            "-chardev", "socket,id=%s_c,path=%s" % (netdev_id, path),
            "-netdev", netdev] + _dev(netdev_id, mac, opts)


def _check_safe(args):
    for i, a in enumerate(args):
        if a in ("-netdev", "-nic", "-net") and i + 1 < len(args):
            kind = args[i + 1].split(",")[0]
            if kind in ("user", "slirp", "passt"):
                raise ValueError("QEMU user-mode networking reaches the "
                                 "real network: not allowed in tests")


# --- running ---------------------------------------------------------------

class GuestResult(tuple):
    """(rc, console); also .output (the script's part of the console),
    .elapsed (seconds from QEMU's start to its exit)."""

    def __new__(cls, rc, console, elapsed, stderr=""):
        t = super().__new__(cls, (rc, console))
        t.rc, t.console, t.elapsed, t.stderr = rc, console, elapsed, stderr
        return t

    @property
    def output(self):
        s = self.console
        i = s.find(START_MARK)
        if i >= 0:
            s = s[i + len(START_MARK):].lstrip("\r\n")
        m = END_RE.search(s)
        return s[:m.start()] if m else s


class QemuGuest:
    """One guest VM. start() then wait(); or use run_guest()."""

    def __init__(self, netdev_args, script, timeout=120, mem="256M",
                 extra_qemu_args=(), files=None, netns=None, append="",
                 smp=1, workdir=None, pass_fds=(), name="guest"):
        self.argv_net = [str(a) for a in netdev_args]
        self.extra = [str(a) for a in extra_qemu_args]
        _check_safe(self.argv_net + self.extra)
        self.script, self.files = script, files
        self.timeout, self.mem, self.smp = timeout, mem, smp
        self.netns, self.append, self.name = netns, append, name
        self.pass_fds = tuple(pass_fds)
        self._own_tmp = None
        if workdir is None:
            self._own_tmp = tempfile.TemporaryDirectory(prefix="bw-qemu-")
            workdir = self._own_tmp.name
        self.workdir = workdir
        self.console_path = os.path.join(workdir, name + ".console")
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        self.proc = None
        self.t0 = None

    def argv(self, initrd):
        cmdline = "console=ttyS0 panic=-1 quiet " + self.append
        argv = [QEMU, "-accel", "tcg", "-machine", "q35",
                "-m", self.mem, "-smp", str(self.smp),
                "-nodefaults", "-display", "none", "-no-reboot",
                "-serial", "file:" + self.console_path,
                "-kernel", kernel_path(), "-initrd", initrd,
                "-append", cmdline.strip()]
        argv += self.argv_net + self.extra
        if self.netns:
            return ["ip", "netns", "exec", self.netns] + argv
        return ["unshare", "--net", "--"] + argv

    def start(self):
        why = missing()
        if why:
            raise GuestError(why)
        if self.script is None and not self.files:
            initrd = initrd_path()      # script from burrow.cmd= or none
        else:
            initrd = make_initrd(os.path.join(self.workdir, self.name
                                              + ".initrd"), self.script,
                                 self.files)
        self.cmd = self.argv(initrd)
        open(self.console_path, "w").close()
        self._stderr = open(self.stderr_path, "w")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._stderr,
                                     stderr=self._stderr,
                                     pass_fds=self.pass_fds,
                                     start_new_session=True)
        return self

    def console(self):
        try:
            with open(self.console_path, "rb") as f:
                return f.read().decode(errors="replace").replace("\r\n",
                                                                 "\n")
        except FileNotFoundError:
            return ""

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()

    def wait(self):
        """Wait for the guest's exit code; raise GuestError on timeout,
        or if QEMU exits without one."""
        end = self.t0 + self.timeout
        rc = None
        while True:
            m = END_RE.search(self.console())
            if m:
                rc = int(m.group(1))
                break
            if self.proc.poll() is not None:
                m = END_RE.search(self.console())   # raced with the exit
                if m:
                    rc = int(m.group(1))
                    break
                self._stderr.close()
                raise GuestError("QEMU exited (%s) without the guest's "
                                 "exit code: %s" % (self.proc.returncode,
                                                    shlex.join(self.cmd)),
                                 self.console(), self.stderr())
            if time.monotonic() > end:
                self.kill()
                self._stderr.close()
                raise GuestError("guest timed out after %ss: %s"
                                 % (self.timeout, shlex.join(self.cmd)),
                                 self.console(), self.stderr())
            time.sleep(0.05)
        # the guest powers off right after the marker
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        elapsed = time.monotonic() - self.t0
        self._stderr.close()
        return GuestResult(rc, self.console(), elapsed, self.stderr())

    def close(self):
        self.kill()
        if self._own_tmp:
            self._own_tmp.cleanup()
            self._own_tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def run_guest(netdev_args, script, timeout=120, mem="256M",
              extra_qemu_args=(), **kw):
    """Boot the guest with @netdev_args, run shell @script (None: see
    cmdline_script()) in it and
    return GuestResult (rc, console) (.output, .elapsed too).
    Other keywords: files, netns, append, smp, workdir, pass_fds, name."""
    g = QemuGuest(netdev_args, script, timeout=timeout, mem=mem,
                  extra_qemu_args=extra_qemu_args, **kw)
    try:
        g.start()
        return g.wait()
    finally:
        g.close()


def cmdline_script(script):
    """The burrow.cmd= kernel argument for a short script, an alternative
    to the appended archive (the command line holds 2 KiB in all):
    run_guest(args, None, append=cmdline_script("..."))."""
    return "burrow.cmd=" + base64.b64encode(script.encode()).decode()
