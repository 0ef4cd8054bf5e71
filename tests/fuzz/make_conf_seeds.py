#!/usr/bin/python3
"""Write the seed corpus of fuzz_conf: one command line per file, one word
per line ("burrow" itself is not written: the target puts it in front).
Every option of conf.c's --help in its short and long spelling, bundles,
--opt=value, abbreviations, forward specs, IPv4 and IPv6 addresses, the
cross-option checks, and bad values."""
import os
import sys

LINES = {
    # Addresses, masks, gateways
    "addr4": ["-a", "10.0.2.15", "-n", "24", "-g", "10.0.2.2"],
    "addr4_long": ["--address", "192.168.1.20", "--netmask",
                   "255.255.255.0", "--gateway", "192.168.1.1"],
    "addr6": ["-a", "2001:db8::2", "-g", "2001:db8::1", "-6"],
    "addr_both": ["--address=10.0.0.2", "--address=fd00::2", "-n/8",
                  "--gateway=fd00::1", "--gateway=10.0.0.1"],
    "addr_twice": ["-a", "10.0.0.2", "-a", "10.0.0.3"],
    "addr_bad": ["-a", "1.2.3"],
    "addr_unusable": ["-a", "0.0.0.0", "-g", "224.0.0.1"],
    "addr6_loopback": ["-a", "::1"],
    "gw_is_guest": ["-a", "10.0.0.1", "-g", "10.0.0.1"],
    "netmask_bad": ["-n", "255.0.255.0"],
    "netmask_33": ["--netmask", "33"],
    # Busy polling
    "busy_poll": ["--busy-poll", "0", "--busy-poll=1000"],
    "busy_poll_vm": ["-s", "/tmp/b.sock", "--busy-poll", "30"],
    "busy_poll_bad": ["--busy-poll", "1001"],
    # DNS and search domains
    "dns": ["-D", "1.1.1.1", "-D", "2606:4700:4700::1111", "--dns",
            "9.9.9.9", "-S", "example.com lab.example"],
    "dns_none": ["--dns", "none", "--search", "none", "--dns-forward",
                 "10.0.2.3"],
    "dns_too_many": ["-D", "1.1.1.1", "-D", "1.1.1.2", "-D", "1.1.1.3",
                     "-D", "1.1.1.4"],
    "dns_forward6": ["--dns-forward", "fd00::53", "--dns-forward",
                     "10.0.2.3", "--dns-forward=fd00::54"],
    "search_bad": ["-S", "bad..domain"],
    "search_many": ["-S", "a,b,c\td e", "-S", "f", "-S", "g"],
    "search_blank": ["-S", " , "],
    # Link
    "ifname": ["-I", "tap0", "--mtu", "1500", "--config-net"],
    "ifname_bad": ["--ns-ifname", "abcdefghijklmnop"],
    "mtu_low": ["--mtu=1000"],
    "mtu_low6": ["-6", "--mtu", "576"],
    "mtu_bad": ["--mtu", "99999999999999999999"],
    "families": ["-4", "-6"],
    "services": ["--no-dhcp", "--no-ndp", "--no-dhcpv6", "--no-ra",
                 "--no-map-gw"],
    # Port forwarding
    "ports": ["-t", "22,80-90,2222:22,~25", "-u", "53", "-T", "5432",
              "-U", "~5353"],
    "ports_long": ["--tcp-ports", "127.0.0.1/8080", "--udp-ports",
                   "[::1]/5353", "--tcp-ns", "all,~22", "--udp-ns", "none"],
    "ports_iface": ["-t", "[fe80::1%eth0]/443", "-t", "0.0.0.0%lo/80",
                    "-u", "fd00::1%br0/1000-1010:2000-2010"],
    "ports_auto": ["-t", "auto", "-u", "auto", "-T", "auto", "-U", "auto"],
    "ports_twice": ["-u", "1-10", "-u", "5"],
    "ports_none_then": ["-T", "none", "-T", "22"],
    "ports_bad": ["-t", "70000", "-u", "25-22", "-t", "1-10:20-30"],
    "ports_empty": ["-U", ""],
    "ports_too_many": ["-t", ",".join(str(p) for p in range(1000, 1065))],
    # Namespaces, PIDs, commands
    "netns_name": ["--netns", "foo", "--userns", "/proc/1/ns/user"],
    "netns_pid": ["--netns", "1234", "--userns", "99"],
    "netns_dotdot": ["--netns", ".."],
    "pid": ["-t", "80", "4321"],
    "pid_dashdash": ["--", "4321"],
    "userns_alone": ["--userns", "/x", "sh"],
    "netns_cmd": ["--netns", "foo", "sh"],
    "cmd": ["-f", "-q", "-t", "22", "sh", "-c", "echo -t 1"],
    "cmd_dashdash": ["-fq", "--", "-x", "--mtu"],
    # Virtual machines
    "socket": ["-s", "/tmp/burrow.sock", "-1", "-t", "2222:22"],
    "vhost_user": ["--socket", "/run/vu.sock", "--vhost-user",
                   "--one-off"],
    "vhost_user_fd": ["-F", "5", "--vhost-user"],
    "socket_tcp4": ["-s", "tcp:127.0.0.1:5555", "-1"],
    "socket_tcp6": ["--socket=tcp:[::1]:6000", "-t", "2222:22"],
    "socket_tcp_then_path": ["-s", "tcp:127.0.0.2:80", "-s", "/tmp/vm"],
    "socket_tcp_not_loopback": ["-s", "tcp:192.0.2.1:1"],
    "socket_tcp_vhost_user": ["-s", "tcp:[::1]:1", "--vhost-user"],
    "fd": ["--fd=3", "-u", "53"],
    "fd_socket": ["-F", "7", "-s", "/tmp/s"],
    "vm_netns": ["-s", "/tmp/s", "--netns", "x", "--config-net"],
    "vm_tcp_ns": ["-s", "/tmp/s", "-T", "22"],
    "one_off_ns": ["-1"],
    "fd_bad": ["-F", "2"],
    # Process
    "process": ["-f", "-q", "-d", "--trace", "-p", "/tmp/x.pcap", "-P",
                "/run/burrow.pid", "--debug-forbidden-syscall"],
    "process_long": ["--foreground", "--quiet", "--debug", "--pcap",
                     "x.pcap", "--pid", "x.pid"],
    "help": ["-h"],
    "help_long": ["--help"],
    "version": ["--version"],
    "abbrev": ["--ver"],
    "abbrev_ambiguous": ["--no"],
    "bundle": ["-fqd4", "-t22", "-u53"],
    "bundle_bad": ["-fx"],
    "unknown_long": ["--bogus=1"],
    "no_argument": ["--quiet=1"],
    "missing": ["--mtu"],
    "missing_short": ["-a"],
    "empty_words": ["", "-p", "", "--pid="],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus", "conf")
    os.makedirs(out, exist_ok=True)
    for name, words in LINES.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write("\n".join(words).encode() + b"\n")
    # NUL separators, and a value with a high byte, as a bundle
    with open(os.path.join(out, "nul_separated"), "wb") as f:
        f.write(b"-t\x0022\x00-\xffq\x00--mtu=1500\x00")
    # A path longer than PATH_MAX (replay only: fuzzing cuts at 4096)
    with open(os.path.join(out, "path_too_long"), "wb") as f:
        f.write(b"-P\n/" + b"x" * 4200 + b"\n")


if __name__ == "__main__":
    main()
