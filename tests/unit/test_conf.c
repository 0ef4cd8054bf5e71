// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_conf.c - conf_parse_args() on option vectors (good ones and the
 * exact error lines of bad ones), and resolv_parse() / resolv_read() on
 * resolv.conf texts. Nothing here touches the host's network: the host
 * half, conf_host_defaults(), lives in conf_host.c and is not linked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "conf/resolv.h"

static struct conf conf;
static char err[256];
static char *argv_buf[32];

/* run() - conf_parse_args() on "burrow" followed by the NULL-terminated
 * arguments; returns its result, the error line is in err. */
static int run(const char *first, ...)
{
	const char *a = first;
	va_list ap;
	int argc = 0;

	argv_buf[argc++] = (char *)(uintptr_t) "burrow";
	va_start(ap, first);
	while (a) {
		assert_true(argc < 31);
		argv_buf[argc++] = (char *)(uintptr_t)a;
		a = va_arg(ap, const char *);
	}
	va_end(ap);
	argv_buf[argc] = NULL;
	return conf_parse_args(&conf, argc, argv_buf, err, sizeof(err));
}

/* expect_err() - helper: the last run() failed with exactly @want. */
#define expect_err(want, ...)                                                  \
	do {                                                                   \
		assert_int_equal(run(__VA_ARGS__, NULL), -1);                  \
		assert_string_equal(err, want);                                \
	} while (0)

static void test_defaults(void **state)
{
	static const uint8_t mac[6] = CONF_MAC_DEFAULT;

	(void)state;
	assert_int_equal(run(NULL), 0);
	assert_int_equal(conf.mode, CONF_MODE_NS);
	assert_true(conf.v4);
	assert_true(conf.v6);
	assert_int_equal(conf.mtu, CONF_MTU_DEFAULT);
	assert_int_equal(conf.busy_poll_us, CONF_BUSY_POLL_DEFAULT);
	assert_int_equal(conf.prefix6, 64);
	assert_int_equal(conf.prefix4, 0);
	assert_memory_equal(conf.our_mac, mac, 6);
	assert_true(conf.foreground); /* we run a shell and wait for it */
	assert_null(conf.cmd);
	assert_string_equal(conf.netns, "");
	assert_int_equal(conf.tcp_in.mode, FWD_MODE_UNSET);
	assert_false(conf.dns_given);
	assert_false(conf.search_given);
	assert_string_equal(err, "");
}

static void test_addresses(void **state)
{
	struct in6_addr a6;

	(void)state;
	assert_int_equal(
		run("-a", "10.0.0.2", "-n", "24", "-g", "10.0.0.1", NULL), 0);
	assert_int_equal(conf.addr4.s_addr, htonl(0x0a000002));
	assert_int_equal(conf.gw4.s_addr, htonl(0x0a000001));
	assert_int_equal(conf.prefix4, 24);

	assert_int_equal(run("--netmask", "255.255.240.0", NULL), 0);
	assert_int_equal(conf.prefix4, 20);
	assert_int_equal(run("-n", "/16", NULL), 0);
	assert_int_equal(conf.prefix4, 16);
	assert_int_equal(run("-n", "255.255.255.255", NULL), 0);
	assert_int_equal(conf.prefix4, 32);

	assert_int_equal(run("--address", "2001:db8::2", "--gateway", "fe80::1",
			     "-a", "192.0.2.1", NULL),
			 0);
	inet_pton(AF_INET6, "2001:db8::2", &a6);
	assert_memory_equal(&conf.addr6, &a6, sizeof(a6));
	inet_pton(AF_INET6, "fe80::1", &a6);
	assert_memory_equal(&conf.gw6, &a6, sizeof(a6));
	assert_int_equal(conf.addr4.s_addr, htonl(0xc0000201));
}

static void test_dns(void **state)
{
	(void)state;
	assert_int_equal(run("-D", "1.1.1.1", "-D", "2001:db8::53", "--dns",
			     "9.9.9.9", NULL),
			 0);
	assert_true(conf.dns_given);
	assert_int_equal(conf.dns4_n, 2);
	assert_int_equal(conf.dns6_n, 1);
	assert_int_equal(conf.dns4[1].s_addr, htonl(0x09090909));

	assert_int_equal(run("-D", "1.1.1.1", "-D", "none", NULL), 0);
	assert_true(conf.dns_given);
	assert_int_equal(conf.dns4_n, 0);

	assert_int_equal(run("--dns-forward", "10.0.2.3", "--dns-forward",
			     "fd00::3", NULL),
			 0);
	assert_int_equal(conf.dns_fwd4.s_addr, htonl(0x0a000203));
	assert_false(IN6_IS_ADDR_UNSPECIFIED(&conf.dns_fwd6));
	assert_false(conf.dns_given);

	assert_int_equal(run("-S", "a.example b.example", "--search",
			     "c.example.", NULL),
			 0);
	assert_true(conf.search_given);
	assert_int_equal(conf.search_n, 3);
	assert_string_equal(conf.search[1], "b.example");
	assert_string_equal(conf.search[2], "c.example.");

	assert_int_equal(run("-S", "a.example", "-S", "none", NULL), 0);
	assert_true(conf.search_given);
	assert_int_equal(conf.search_n, 0);
}

static void test_flags(void **state)
{
	(void)state;
	assert_int_equal(run("--config-net", "--no-dhcp", "--no-ndp",
			     "--no-dhcpv6", "--no-ra", "--no-map-gw", "-fq",
			     "-I", "tap0", "--mtu=1500", "-p", "/tmp/x.pcap",
			     "--pid", "/tmp/x.pid", NULL),
			 0);
	assert_true(conf.config_net && conf.no_dhcp && conf.no_ndp &&
		    conf.no_dhcpv6 && conf.no_ra && conf.no_map_gw);
	assert_true(conf.foreground && conf.quiet);
	assert_false(conf.debug);
	assert_string_equal(conf.ifname, "tap0");
	assert_int_equal(conf.mtu, 1500);
	assert_true(conf.v6);
	assert_string_equal(conf.pcap, "/tmp/x.pcap");
	assert_string_equal(conf.pidfile, "/tmp/x.pid");

	assert_int_equal(run("--trace", NULL), 0);
	assert_true(conf.trace && conf.debug);
	assert_int_equal(run("-d", NULL), 0);
	assert_true(conf.debug);
	assert_false(conf.trace);

	assert_int_equal(run("-4", NULL), 0);
	assert_true(conf.v4);
	assert_false(conf.v6);
	assert_int_equal(run("--ipv6-only", NULL), 0);
	assert_false(conf.v4);
	assert_true(conf.v6);

	/* below 1280: IPv6 off, with a warning */
	assert_int_equal(run("--mtu", "1000", NULL), 0);
	assert_int_equal(conf.mtu, 1000);
	assert_false(conf.v6);
	assert_true(conf.v4);
	assert_int_equal(run("--mtu", "68", NULL), 0);
	assert_int_equal(run("--mtu", "65520", NULL), 0);

	assert_int_equal(run("--busy-poll", "0", NULL), 0);
	assert_int_equal(conf.busy_poll_us, 0);
	assert_int_equal(run("--busy-poll=1000", NULL), 0);
	assert_int_equal(conf.busy_poll_us, 1000);
	assert_int_equal(run("-s", "/tmp/x.sock", NULL), 0);
	assert_int_equal(conf.busy_poll_us, 0); /* VMs: off by default */
	assert_int_equal(run("-s", "/tmp/x.sock", "--busy-poll", "20", NULL),
			 0);
	assert_int_equal(conf.busy_poll_us, 20);
	assert_int_equal(run("--busy-poll", "1001", NULL), -1);
	assert_int_equal(run("--busy-poll", "-1", NULL), -1);
	assert_int_equal(run("--busy-poll", "", NULL), -1);

	assert_int_equal(run("--version", NULL), 1);
}

static void test_ports(void **state)
{
	uint16_t to;

	(void)state;
	assert_int_equal(run("-t", "22", "-t", "2222:2200", "-u", "53", "-T",
			     "5432", "--udp-ns", "~5353", NULL),
			 0);
	assert_int_equal(conf.tcp_in.mode, FWD_MODE_SPEC);
	assert_int_equal(conf.tcp_in.n, 2);
	assert_true(fwd_spec_lookup(&conf.tcp_in, 2222, &to, NULL));
	assert_int_equal(to, 2200);
	assert_true(fwd_spec_lookup(&conf.udp_in, 53, NULL, NULL));
	assert_true(fwd_spec_lookup(&conf.tcp_out, 5432, NULL, NULL));
	assert_int_equal(conf.udp_out.mode, FWD_MODE_ALL);
	assert_false(fwd_spec_lookup(&conf.udp_out, 5353, NULL, NULL));
}

static void test_namespaces(void **state)
{
	(void)state;
	assert_int_equal(run("--netns", "foo", NULL), 0);
	assert_string_equal(conf.netns, "/run/netns/foo");
	assert_false(conf.foreground);
	assert_int_equal(run("--netns", "/var/run/netns/x", NULL), 0);
	assert_string_equal(conf.netns, "/var/run/netns/x");
	assert_int_equal(run("--netns", "1234", "--userns", "99", NULL), 0);
	assert_string_equal(conf.netns, "/proc/1234/ns/net");
	assert_string_equal(conf.userns, "/proc/99/ns/user");

	/* a PID to attach to */
	assert_int_equal(run("-t", "80", "4321", NULL), 0);
	assert_string_equal(conf.netns, "/proc/4321/ns/net");
	assert_string_equal(conf.userns, "/proc/4321/ns/user");
	assert_null(conf.cmd);
	assert_int_equal(run("--userns", "/u", "4321", NULL), 0);
	assert_string_equal(conf.userns, "/u");

	/* ... unless after "--": then it is a command */
	assert_int_equal(run("--", "4321", NULL), 0);
	assert_string_equal(conf.netns, "");
	assert_int_equal(conf.cmd_n, 1);
	assert_string_equal(conf.cmd[0], "4321");

	/* a command's own options are its own */
	assert_int_equal(run("-t", "22", "sh", "-c", "echo -t 1", NULL), 0);
	assert_int_equal(conf.cmd_n, 3);
	assert_string_equal(conf.cmd[0], "sh");
	assert_string_equal(conf.cmd[1], "-c");
	assert_true(conf.foreground);
	assert_int_equal(run("-f", "--", "-x", NULL), 0);
	assert_int_equal(conf.cmd_n, 1);
	assert_string_equal(conf.cmd[0], "-x");
	assert_int_equal(run("1", "2", NULL), 0);
	assert_int_equal(conf.cmd_n, 2);
	assert_string_equal(conf.netns, "");

	/* "--" as an option's value does not end the options */
	assert_int_equal(run("-p", "--", "4321", NULL), 0);
	assert_string_equal(conf.pcap, "--");
	assert_string_equal(conf.netns, "/proc/4321/ns/net");
	/* "--" right after a bundle */
	assert_int_equal(run("-fq", "--", "4321", NULL), 0);
	assert_int_equal(conf.cmd_n, 1);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("--mtu: bad value '70000' (68-65520)", "--mtu", "70000");
	expect_err("--mtu: bad value '67' (68-65520)", "--mtu=67");
	expect_err("--mtu: bad value '' (68-65520)", "--mtu=");
	expect_err("--mtu: bad value '1500x' (68-65520)", "--mtu", "1500x");
	expect_err("--mtu: bad value '99999999999999999999' (68-65520)",
		   "--mtu", "99999999999999999999");
	expect_err("--mtu: 1000 is below 1280, too small for -6", "-6", "--mtu",
		   "1000");
	expect_err("-t: bad port '70000'", "-t", "70000");
	expect_err("--tcp-ports: bad port '0'", "--tcp-ports", "0");
	expect_err("-u: port 5 is forwarded twice", "-u", "1-10", "-u", "5");
	expect_err("-T: 'none' cannot combine with other rules", "-T", "none",
		   "-T", "22");
	expect_err("-U: empty port specification", "-U", "");
	expect_err("-x: unknown option", "-x");
	expect_err("-x: unknown option", "-fx");
	expect_err("-x: unknown option", "--debug", "-xf");
	/* a letter above 0x7f: getopt hands it back negative */
	expect_err("-\xff: unknown option", "-t", "22", "-\xffq");
	expect_err("-\xe9: unknown option", "-\xe9");
	expect_err("-\x80: unknown option", "-q\x80");
	expect_err("--bogus: unknown option", "--bogus");
	expect_err("--bogus: unknown option", "--bogus=1");
	expect_err("--quiet: takes no argument", "--quiet=1");
	expect_err("-a: missing argument", "-a");
	expect_err("--mtu: missing argument", "--mtu");
	expect_err("-6: conflicts with -4", "-4", "-6");
	expect_err("-4: conflicts with -6", "-6", "-4");
	expect_err("-a: bad address '1.2.3'", "-a", "1.2.3");
	expect_err("-a: unusable address '0.0.0.0'", "-a", "0.0.0.0");
	expect_err("-g: unusable address '224.0.0.1'", "-g", "224.0.0.1");
	expect_err("-a: unusable address '::1'", "-a", "::1");
	expect_err("--address: IPv4 address given twice", "-a", "10.0.0.2",
		   "--address", "10.0.0.3");
	expect_err("-a: IPv6 address given twice", "-a", "fd00::2", "-a",
		   "fd00::3");
	expect_err("-g: gateway is the guest's own address", "-a", "10.0.0.1",
		   "-g", "10.0.0.1");
	expect_err("-n: bad netmask '255.0.255.0'", "-n", "255.0.255.0");
	expect_err("-n: bad netmask '0.0.0.0'", "-n", "0.0.0.0");
	expect_err("-n: bad netmask '33'", "-n", "33");
	expect_err("-n: bad netmask '0'", "-n", "0");
	expect_err("-D: too many IPv4 servers (max 3)", "-D", "1.1.1.1", "-D",
		   "1.1.1.2", "-D", "1.1.1.3", "-D", "1.1.1.4");
	expect_err("-D: bad address 'dns.example'", "-D", "dns.example");
	expect_err("--dns-forward: IPv4 address given twice", "--dns-forward",
		   "10.0.0.3", "--dns-forward", "10.0.0.4");
	expect_err("-S: bad domain 'bad..domain'", "-S", "bad..domain");
	expect_err("-S: empty domain list", "-S", " ");
	expect_err("-S: too many domains (max 6)", "-S", "a b c d e f g");
	expect_err("-I: bad interface name 'a/b'", "-I", "a/b");
	expect_err("-I: bad interface name 'abcdefghijklmnop'", "-I",
		   "abcdefghijklmnop");
	expect_err("--ns-ifname: bad interface name ''", "--ns-ifname", "");
	expect_err("--netns: cannot run a command ('sh') as well", "--netns",
		   "foo", "sh");
	expect_err("123: a PID conflicts with --netns", "--netns", "foo",
		   "123");
	expect_err("--netns: bad namespace name '..'", "--netns", "..");
	expect_err("--userns: needs --netns or a PID", "--userns", "/x");
	expect_err("--userns: needs --netns or a PID", "--userns", "/x", "sh");
	expect_err("-p: empty path", "-p", "");
	expect_err("--pid: empty path", "--pid", "");
}

static void test_long_path(void **state)
{
	static char path[PATH_MAX + 10];

	(void)state;
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	expect_err("-P: path too long", "-P", path);
	expect_err("--netns: path too long", "--netns", path);
}

/* A resolv.conf text with most of what appears in the wild. */
static const char resolv_text[] =
	"# Generated by NetworkManager\n"
	"search corp.example lab.example\n"
	"nameserver 192.0.2.53\n"
	"nameserver\t2001:db8::53 # trailing comment\n"
	"nameserver fe80::1%eth0\n"
	"  nameserver 0.0.0.0\n"
	"nameserver ::\n"
	"; nameserver 192.0.2.99\n"
	"nameserver 192.0.2.54\r\n"
	"nameserver not-an-address\n"
	"nameserver\n"
	"nameservers 192.0.2.98\n"
	"options edns0 trust-ad\n"
	"nameserver 192.0.2.55 192.0.2.56\n"
	"nameserver 192.0.2.57\n"
	"nameserver 192.0.2.58\n"
	"domain last.example";

static void test_resolv(void **state)
{
	struct in6_addr a6;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	assert_int_equal(
		resolv_parse(resolv_text, strlen(resolv_text), &conf, true), 5);
	assert_int_equal(conf.resolver4_n, 4);
	assert_int_equal(conf.resolver4[0].s_addr, htonl(0xc0000235));
	assert_int_equal(conf.resolver4[1].s_addr, htonl(0xc0000236));
	assert_int_equal(conf.resolver4[2].s_addr, htonl(0xc0000237));
	assert_int_equal(conf.resolver4[3].s_addr, htonl(0xc0000239));
	assert_int_equal(conf.resolver6_n, 1);
	inet_pton(AF_INET6, "2001:db8::53", &a6);
	assert_memory_equal(&conf.resolver6[0], &a6, sizeof(a6));
	/* the last search/domain line wins */
	assert_int_equal(conf.search_n, 1);
	assert_string_equal(conf.search[0], "last.example");

	/* without want_search the list is not touched */
	memset(&conf, 0, sizeof(conf));
	conf.search_n = 1;
	strcpy(conf.search[0], "given.example");
	assert_int_equal(
		resolv_parse(resolv_text, strlen(resolv_text), &conf, false),
		5);
	assert_int_equal(conf.search_n, 1);
	assert_string_equal(conf.search[0], "given.example");
}

static void test_resolv_search(void **state)
{
	static const char t1[] = "search a.example bad..x b.example . "
				 "c.example d e f g h\n";
	static const char t2[] = "domain x.example\nsearch y.example\n";

	(void)state;
	memset(&conf, 0, sizeof(conf));
	resolv_parse(t1, strlen(t1), &conf, true);
	assert_int_equal(conf.search_n, CONF_SEARCH_MAX);
	assert_string_equal(conf.search[0], "a.example");
	assert_string_equal(conf.search[1], "b.example");
	assert_string_equal(conf.search[2], "c.example");
	assert_string_equal(conf.search[5], "f");

	memset(&conf, 0, sizeof(conf));
	resolv_parse(t2, strlen(t2), &conf, true);
	assert_int_equal(conf.search_n, 1);
	assert_string_equal(conf.search[0], "y.example");

	assert_true(resolv_domain_ok("example.com", 11));
	assert_true(resolv_domain_ok("example.com.", 12));
	assert_true(resolv_domain_ok("_srv.x-y", 8));
	assert_false(resolv_domain_ok("", 0));
	assert_false(resolv_domain_ok(".", 1));
	assert_false(resolv_domain_ok(".a", 2));
	assert_false(resolv_domain_ok("a..b", 4));
	assert_false(resolv_domain_ok("a b", 3));
	assert_false(resolv_domain_ok("a\xc3\xa9", 3));
}

static void test_resolv_hostile(void **state)
{
	static char big[100000];
	static const char nul[] = "nameserver 192.0.2.1\0junk\n"
				  "name\0server 192.0.2.2\n";
	size_t o;
	int i;

	(void)state;
	/* a very long line, then a good one */
	memset(&conf, 0, sizeof(conf));
	memset(big, 'a', sizeof(big));
	memcpy(big, "nameserver ", 11);
	o = sizeof(big) - 40;
	memcpy(big + o, "\nnameserver 192.0.2.7\nsearch ", 29);
	assert_int_equal(resolv_parse(big, sizeof(big), &conf, true), 1);
	assert_int_equal(conf.resolver4[0].s_addr, htonl(0xc0000207));
	/* "search aaaaaaaaaa" cut by the buffer end: 11 a's, a valid label */
	assert_int_equal(conf.search_n, 1);

	/* the length is honoured: no NUL needed, nothing read beyond */
	memset(&conf, 0, sizeof(conf));
	assert_int_equal(
		resolv_parse("nameserver 192.0.2.123", 20, &conf, true), 1);
	assert_int_equal(conf.resolver4[0].s_addr, htonl(0xc0000201));

	/* NUL bytes separate words */
	memset(&conf, 0, sizeof(conf));
	assert_int_equal(resolv_parse(nul, sizeof(nul) - 1, &conf, true), 1);

	/* many lines, bounded counts */
	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < 100; i++)
		resolv_parse("nameserver 2001:db8::1\n", 23, &conf, true);
	assert_int_equal(conf.resolver6_n, CONF_RESOLVERS_MAX);

	assert_int_equal(resolv_parse(NULL, 0, &conf, true), 0);
	assert_int_equal(resolv_parse("", 0, &conf, true), 0);
	assert_int_equal(resolv_parse("\n\n#\n;;\n  \t\n", 11, &conf, true), 0);
}

static void test_resolv_read(void **state)
{
	char path[] = "/tmp/test_conf_resolvXXXXXX";
	static const char t[] = "nameserver 198.51.100.1\nsearch r.example\n";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, t, sizeof(t) - 1), (ssize_t)sizeof(t) - 1);
	close(fd);

	memset(&conf, 0, sizeof(conf));
	assert_int_equal(resolv_read(path, &conf, true), 1);
	assert_int_equal(conf.resolver4[0].s_addr, htonl(0xc6336401));
	assert_string_equal(conf.search[0], "r.example");
	unlink(path);

	assert_int_equal(resolv_read("/nonexistent/resolv.conf", &conf, true),
			 -ENOENT);
}

/* -s tcp:ADDR:PORT: loopback only, both families, and what it rejects. */
static void test_socket_tcp(void **state)
{
	(void)state;
	assert_int_equal(run("-s", "tcp:127.0.0.1:5555", NULL), 0);
	assert_int_equal(conf.mode, CONF_MODE_VM_STREAM);
	assert_int_equal(conf.socket_tcp_len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(conf.socket_tcp.a4.sin_port), 5555);
	assert_int_equal(run("-s", "tcp:[::1]:6000", NULL), 0);
	assert_int_equal(conf.socket_tcp_len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(conf.socket_tcp.a6.sin6_port), 6000);
	assert_int_equal(run("-s", "/tmp/x.sock", NULL), 0);
	assert_int_equal(conf.socket_tcp_len, 0);
	/* the last -s stands: a path after tcp: is a path */
	assert_int_equal(
		run("-s", "tcp:127.0.0.1:5555", "-s", "/tmp/x.sock", NULL), 0);
	assert_string_equal(conf.socket, "/tmp/x.sock");
	assert_int_equal(conf.socket_tcp_len, 0);
	assert_int_equal(run("-s", "/tmp/x.sock", "-s", "tcp:[::1]:6000", NULL),
			 0);
	assert_int_equal(conf.socket_tcp_len, sizeof(struct sockaddr_in6));
	expect_err("-s: tcp:192.0.2.1: only a loopback address (anyone who "
		   "connects is the VM)",
		   "-s", "tcp:192.0.2.1:1");
	expect_err("-s: tcp:2001:db8::1: only a loopback address (anyone who "
		   "connects is the VM)",
		   "-s", "tcp:[2001:db8::1]:1");
	expect_err("-s: tcp:127.0.0.1: expected tcp:ADDR:PORT", "-s",
		   "tcp:127.0.0.1");
	expect_err("-s: tcp:127.0.0.1:0: expected tcp:ADDR:PORT", "-s",
		   "tcp:127.0.0.1:0");
	expect_err("-s: tcp:localhost: not an IPv4 or [IPv6] address", "-s",
		   "tcp:localhost:80");
	expect_err("--vhost-user: needs --socket PATH", "--vhost-user", "-s",
		   "tcp:127.0.0.1:80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_socket_tcp),
		cmocka_unit_test(test_resolv),
		cmocka_unit_test(test_resolv_search),
		cmocka_unit_test(test_resolv_hostile),
		cmocka_unit_test(test_resolv_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
