# SPDX-License-Identifier: GPL-2.0-or-later
"""Command line: --help, --version, one clear line for a bad option, and
the "burrow -- CMD" mode (own user + network namespace)."""

import os
import re

import pytest

from helpers import HOST4, HOST6, REPO, processes_with_token, rand_tag, run

# Options burrow implements (conf.h, pasta's names). The README's own list
# is added below when the README exists.
OPTIONS = ["-t", "-u", "-T", "-U", "-a", "-n", "-g", "-D", "-S", "-4",
           "-6", "-I", "-f", "-P", "--config-net", "--netns", "--userns",
           "--mtu", "--no-dhcp", "--no-ndp", "--no-dhcpv6", "--no-ra",
           "--no-map-gw", "--pcap", "--debug", "--quiet", "--help",
           "--version", "--busy-poll"]


def readme_options():
    """Options named in the README, as `--opt` or `-o` in backquotes."""
    opts = set()
    for name in ("README.md", "README"):
        path = os.path.join(REPO, name)
        if os.path.exists(path):
            text = open(path).read()
            for m in re.finditer(r"`(--?[A-Za-z0-9][A-Za-z0-9-]*)", text):
                opts.add(m.group(1))
    return sorted(opts)


def bw(topo, bin_, args, timeout=10, env=None):
    """burrow with @args, in the host namespace."""
    return run([bin_] + args, ns=topo.host, timeout=timeout, check=False,
               env=env)


def mentioned(text, opt):
    return re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])",
                     text) is not None


def test_help(topo, burrow_bin):
    r = bw(topo, burrow_bin, ["--help"])
    assert r.returncode == 0, r.stderr
    text = r.stdout + r.stderr
    missing = [o for o in OPTIONS + readme_options()
               if not mentioned(text, o)]
    assert not missing, "--help does not mention: %s" % missing


def test_version(topo, burrow_bin):
    r = bw(topo, burrow_bin, ["--version"])
    assert r.returncode == 0, r.stderr
    assert re.search(r"burrow", r.stdout + r.stderr, re.I)
    assert (r.stdout + r.stderr).strip()


@pytest.mark.parametrize("args,names", [
    (["--mtu", "70000"], ["mtu"]),
    (["--mtu", "67"], ["mtu"]),
    (["--busy-poll", "1001"], ["busy-poll"]),
    (["--busy-poll", "x"], ["busy-poll"]),
    (["-t", "0"], ["-t", "tcp"]),
    (["-u", "70000"], ["-u", "udp"]),
    (["-a", "nonsense"], ["-a", "address"]),
    (["-g", "300.1.1.1"], ["-g", "gateway"]),
    (["-n", "33"], ["-n", "netmask", "prefix"]),
    (["--frobnicate"], ["frobnicate"]),
])
def test_bad_option(topo, burrow_bin, args, names):
    # If burrow wrongly accepted the option it would run "true" and exit 0.
    r = bw(topo, burrow_bin, args + ["--", "true"])
    assert r.returncode == 1, "rc %d, stderr %r" % (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, "want one line on stderr, got %r" % r.stderr
    assert any(n.lower() in lines[0].lower() for n in names), \
        "stderr %r does not name the option (%s)" % (lines[0], names)


def test_command_exit_status(topo, burrow_bin):
    token = rand_tag()
    env = dict(os.environ, BW_TEST_TOKEN=token)
    r = bw(topo, burrow_bin, ["--", "sh", "-c", "exit 7"], env=env)
    assert r.returncode == 7, "rc %d, stderr %r" % (r.returncode, r.stderr)
    assert processes_with_token(token) == []
    # Nothing left in the host namespace but our DNS server.
    assert run(["ip", "netns", "pids", topo.host]).stdout.split() == \
        [str(topo.dnsmasq.pid)]


def test_command_config_net(topo, burrow_bin):
    token = rand_tag()
    env = dict(os.environ, BW_TEST_TOKEN=token)
    r = bw(topo, burrow_bin, ["--config-net", "--", "ip", "-o", "addr"],
           env=env)
    assert r.returncode == 0, r.stderr
    assert "inet %s/24" % HOST4 in r.stdout, r.stdout
    assert "inet6 %s/64" % HOST6 in r.stdout, r.stdout
    assert processes_with_token(token) == []


def test_command_signal_status(topo, burrow_bin):
    # A command killed by a signal: burrow reports 128 + signal.
    r = bw(topo, burrow_bin, ["--", "sh", "-c", "kill -9 $$"])
    assert r.returncode == 128 + 9, "rc %d, stderr %r" % (r.returncode,
                                                          r.stderr)
