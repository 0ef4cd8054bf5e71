# SPDX-License-Identifier: GPL-2.0-or-later
"""burrow as an unprivileged user, through an unprivileged user
namespace, in command mode with --config-net.

/dev/net/tun on the test machine may be 0600: the real node is never
touched. Instead, in a private mount namespace (unshare -m, as root), a
tmpfs over /dev/net holds a new 0666 tun node; then setpriv drops to a
system user made by the test (removed at the end) and runs burrow in the
test's host namespace (ping_group_range there is wide: conftest)."""

import os
import pwd
import subprocess

import pytest

from helpers import GW4, HOST4, PREFIX4, burrow_bin, nsexec, rand_tag, run


@pytest.fixture
def user():
    name = "bwt" + rand_tag()
    run(["useradd", "-M", "-r", "-s", "/usr/sbin/nologin", name])
    try:
        yield pwd.getpwnam(name)
    finally:
        run(["pkill", "-KILL", "-u", name], check=False)
        run(["userdel", name], check=False)


def test_unprivileged_command_mode(topo, user):
    b = burrow_bin()
    # The user must reach the binary: every directory on the way.
    d = os.path.dirname(b)
    while d != "/":
        if not os.stat(d).st_mode & 0o001:
            pytest.skip("%s is not searchable by other users" % d)
        d = os.path.dirname(d)
    inner = ("ip addr show; ping -n -c1 -W5 %s" % GW4)
    setup = ("set -e; mount -t tmpfs -o mode=0755 tmpfs /dev/net; "
             "mknod -m 0666 /dev/net/tun c 10 200; "
             "exec setpriv --reuid=%d --regid=%d --clear-groups "
             "--inh-caps=-all --bounding-set=-all "
             "\"$0\" --config-net -- sh -c \"$1\""
             % (user.pw_uid, user.pw_gid))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0", HOME="/")
    p = subprocess.run(nsexec(topo.host) + ["unshare", "-m",
                                            "--propagation", "private",
                                            "sh", "-c", setup, b, inner],
                       env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30)
    out = p.stdout + p.stderr
    assert p.returncode == 0, "exit %d\n%s" % (p.returncode, out[-4000:])
    assert "inet %s/%d" % (HOST4, PREFIX4) in p.stdout, out[-4000:]
    assert "1 received" in p.stdout, out[-4000:]
    # The real device was not changed.
    assert os.stat("/dev/net/tun").st_mode & 0o777 == DEV_MODE


DEV_MODE = os.stat("/dev/net/tun").st_mode & 0o777
