// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - the command line: options into struct conf, validated.
 *
 * Theory of operation
 *
 * conf_parse_args() is pure apart from printing --help/--version and one
 * warning (--mtu below 1280): it never looks at the host, and instead of
 * exiting it returns -1 with the error line, so unit tests can run option
 * vectors through it. conf_parse() (in conf_host.c) prints that line with
 * the "burrow: " prefix and exits 1, then lets conf_host_defaults() fill
 * in what the options left open.
 *
 * Every error names the option the way the user wrote it ("-t" or
 * "--tcp-ports") and quotes the bad value. Options may be given in any
 * order; checks that involve several options run once all are read.
 * Parsing stops at the first non-option ('+' in the option string), so a
 * command's own options are never taken for ours.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/log.h"
#include "../core/util.h"
#include "conf.h"
#include "resolv.h"

/* Long-only options: values above any character. */
enum conf_opt {
	CONF_OPT_CONFIG_NET = 256,
	CONF_OPT_DNS_FORWARD,
	CONF_OPT_MTU,
	CONF_OPT_NO_DHCP,
	CONF_OPT_NO_NDP,
	CONF_OPT_NO_DHCPV6,
	CONF_OPT_NO_RA,
	CONF_OPT_NO_MAP_GW,
	CONF_OPT_NETNS,
	CONF_OPT_USERNS,
	CONF_OPT_TRACE,
	CONF_OPT_VERSION,
	CONF_OPT_DEBUG_FORBIDDEN_SYSCALL,
	CONF_OPT_VHOST_USER,
	CONF_OPT_BUSY_POLL,
	CONF_OPT_COUNT,
};

static const struct option conf_longopts[] = {
	{"config-net", no_argument, NULL, CONF_OPT_CONFIG_NET},
	{"address", required_argument, NULL, 'a'},
	{"netmask", required_argument, NULL, 'n'},
	{"gateway", required_argument, NULL, 'g'},
	{"dns", required_argument, NULL, 'D'},
	{"dns-forward", required_argument, NULL, CONF_OPT_DNS_FORWARD},
	{"search", required_argument, NULL, 'S'},
	{"ns-ifname", required_argument, NULL, 'I'},
	{"mtu", required_argument, NULL, CONF_OPT_MTU},
	{"busy-poll", required_argument, NULL, CONF_OPT_BUSY_POLL},
	{"ipv4-only", no_argument, NULL, '4'},
	{"ipv6-only", no_argument, NULL, '6'},
	{"no-dhcp", no_argument, NULL, CONF_OPT_NO_DHCP},
	{"no-ndp", no_argument, NULL, CONF_OPT_NO_NDP},
	{"no-dhcpv6", no_argument, NULL, CONF_OPT_NO_DHCPV6},
	{"no-ra", no_argument, NULL, CONF_OPT_NO_RA},
	{"no-map-gw", no_argument, NULL, CONF_OPT_NO_MAP_GW},
	{"netns", required_argument, NULL, CONF_OPT_NETNS},
	{"userns", required_argument, NULL, CONF_OPT_USERNS},
	{"tcp-ports", required_argument, NULL, 't'},
	{"udp-ports", required_argument, NULL, 'u'},
	{"tcp-ns", required_argument, NULL, 'T'},
	{"udp-ns", required_argument, NULL, 'U'},
	{"foreground", no_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"debug", no_argument, NULL, 'd'},
	{"trace", no_argument, NULL, CONF_OPT_TRACE},
	{"socket", required_argument, NULL, 's'},
	{"fd", required_argument, NULL, 'F'},
	{"one-off", no_argument, NULL, '1'},
	{"vhost-user", no_argument, NULL, CONF_OPT_VHOST_USER},
	{"pcap", required_argument, NULL, 'p'},
	{"pid", required_argument, NULL, 'P'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, CONF_OPT_VERSION},
	/* Hidden (not in --help): tests prove the seccomp filter kills */
	{"debug-forbidden-syscall", no_argument, NULL,
	 CONF_OPT_DEBUG_FORBIDDEN_SYSCALL},
	{NULL, 0, NULL, 0},
};

#define CONF_SHORTOPTS "+:a:n:g:D:S:I:46t:u:T:U:fqdp:P:hs:F:1"

/* State of one conf_parse_args() run. */
struct conf_args {
	char *err;	   /* where the error line goes */
	size_t err_len;	   /* ... and its size */
	char opt[32];	   /* the current option as the user wrote it */
	bool only4, only6; /* -4, -6 seen */
	bool userns_given; /* --userns seen */
	bool vhost_user;   /* --vhost-user seen */
};

/* conf_fail() - write "OPTION: reason" into the error buffer; returns -1
 * so error paths read "return conf_fail(...)". */
static int __printf(2, 3) conf_fail(struct conf_args *ca, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ca->err || !ca->err_len)
		return -1;
	n = snprintf(ca->err, ca->err_len, "%s: ", ca->opt);
	if (n < 0 || (size_t)n >= ca->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ca->err + n, ca->err_len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* conf_usage() - the --help text, short and grouped. */
static void conf_usage(FILE *f)
{
	fputs("Usage: burrow [OPTION]... [[--] COMMAND [ARG]... | PID]\n"
	      "Unprivileged networking for a network namespace: runs COMMAND\n"
	      "(default: $SHELL) in new user and network namespaces, or serves\n"
	      "an existing one (--netns, or a PID's namespaces).\n"
	      "\n"
	      "Addresses (defaults come from the host's default routes):\n"
	      "  -a, --address ADDR     guest IPv4 or IPv6 address (default: the\n"
	      "                         host's address on its default-route link)\n"
	      "  -n, --netmask MASK     IPv4 netmask or prefix length (default:\n"
	      "                         the host's; /24 without one). IPv6: /64\n"
	      "  -g, --gateway ADDR     IPv4 or IPv6 gateway (default: the host's\n"
	      "                         gateway; with -a alone: the first address\n"
	      "                         of the prefix that is not the guest's)\n"
	      "  -4, --ipv4-only        IPv4 only\n"
	      "  -6, --ipv6-only        IPv6 only\n"
	      "  -I, --ns-ifname NAME   tap name in the namespace (default: the\n"
	      "                         host's default-route interface, or eth0)\n"
	      "      --mtu N            68-65520, default 65520; IPv6 is disabled\n"
	      "                         below 1280\n"
	      "      --config-net       configure the tap's addresses and routes\n"
	      "\n"
	      "DNS and services:\n"
	      "  -D, --dns ADDR         DNS server to hand out, repeatable; none:\n"
	      "                         none. Default: the gateway, forwarded to\n"
	      "                         the host's /etc/resolv.conf resolvers\n"
	      "                         (nothing if it lists none)\n"
	      "      --dns-forward ADDR forward DNS queries to ADDR to the host's\n"
	      "                         resolvers (default: the gateway, without\n"
	      "                         -D; none with -D)\n"
	      "  -S, --search DOMAIN... search domains, repeatable; none: none\n"
	      "                         (default: from /etc/resolv.conf)\n"
	      "      --no-dhcp, --no-dhcpv6, --no-ndp, --no-ra\n"
	      "                         do not answer that protocol\n"
	      "      --no-map-gw        the gateway address is not the host\n"
	      "\n"
	      "Port forwarding (SPEC: none, auto, all, or [ADDR[%IF]/]PORTS with\n"
	      "PORTS like 22,80-90,2222:22,~25; repeatable):\n"
	      "  -t, --tcp-ports SPEC   host TCP ports to the guest\n"
	      "  -u, --udp-ports SPEC   host UDP ports to the guest\n"
	      "  -T, --tcp-ns SPEC      the namespace's loopback TCP ports to the\n"
	      "                         host's loopback (splice, no frames)\n"
	      "  -U, --udp-ns SPEC      the same for UDP\n"
	      "                         Default for all four: none. auto\n"
	      "                         follows the other side's listening\n"
	      "                         ports, rescanned every second: -t/-u\n"
	      "                         the namespace's (not on its\n"
	      "                         loopback), -T/-U the host's (on its\n"
	      "                         loopback or any address; UDP below\n"
	      "                         the ephemeral range only)\n"
	      "\n"
	      "Virtual machines (instead of a namespace):\n"
	      "  -s, --socket PATH      serve QEMU over a UNIX stream socket\n"
	      "                         (-netdev stream,addr.type=unix,...);\n"
	      "                         tcp:ADDR:PORT: a loopback TCP port\n"
	      "                         instead (-netdev socket,connect=...)\n"
	      "  -F, --fd N             serve an already connected socket\n"
	      "  -1, --one-off          exit when the VM disconnects\n"
	      "      --vhost-user       with -s: be a vhost-user virtio-net\n"
	      "                         back-end (-chardev socket,path=PATH\n"
	      "                         -netdev vhost-user, shared memory)\n"
	      "\n"
	      "Namespaces:\n"
	      "      --netns PATH|NAME|PID  serve this network namespace\n"
	      "                         (NAME: /run/netns/NAME)\n"
	      "      --userns PATH|PID  its user namespace\n"
	      "\n"
	      "Process:\n"
	      "  -f, --foreground       stay in the foreground (implied with a\n"
	      "                         command)\n"
	      "  -q, --quiet            warnings and errors only\n"
	      "  -d, --debug            debug messages\n"
	      "      --trace            per-packet messages (implies -d)\n"
	      "      --busy-poll USEC   after an event, poll up to USEC (0-1000)\n"
	      "                         for the next one before sleeping, while\n"
	      "                         events come that fast: saves a CPU's\n"
	      "                         wake-up per event. 0: always sleep.\n"
	      "                         Default: 50 for a namespace, 0 for VMs\n"
	      "  -p, --pcap FILE        capture frames to FILE\n"
	      "  -P, --pid FILE         write our PID to FILE\n"
	      "  -h, --help             this text\n"
	      "      --version          print the version\n",
	      f);
}

/* conf_pid() - whether @s is a process ID: 1 to 10 digits, not 0. */
static bool conf_pid(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > 10)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return strspn(s, "0") != n;
}

/* conf_uint() - parse @s as a decimal number, digits only, into @v.
 * False if it is not one or exceeds @max. */
static bool conf_uint(const char *s, unsigned int max, unsigned int *v)
{
	unsigned long acc = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		acc = acc * 10 + (unsigned long)(*s - '0');
		if (acc > max)
			return false;
	}
	*v = (unsigned int)acc;
	return true;
}

/* conf_inet() - parse an IPv4 or IPv6 address; returns AF_INET (into
 * @a4), AF_INET6 (into @a6) or 0. */
static int conf_inet(const char *s, struct in_addr *a4, struct in6_addr *a6)
{
	if (inet_pton(AF_INET, s, a4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a6) == 1)
		return AF_INET6;
	return 0;
}

/* conf_addr_usable4() - whether @a can name a host: not unspecified,
 * loopback, multicast or limited broadcast. */
static bool conf_addr_usable4(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return h && (h >> 24) != 127 && !IN_MULTICAST(h) && h != 0xffffffff;
}

/* conf_addr_usable6() - whether @a can name a host: not unspecified,
 * loopback or multicast. */
static bool conf_addr_usable6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a);
}

/* conf_host_addr() - parse @s for -a, -g, -D, --dns-forward: an address
 * usable for a host. Returns its family, or fails with the reason. */
static int conf_host_addr(struct conf_args *ca, const char *s,
			  struct in_addr *a4, struct in6_addr *a6)
{
	int af = conf_inet(s, a4, a6);

	if (!af)
		return conf_fail(ca, "bad address '%s'", s);
	if (af == AF_INET ? !conf_addr_usable4(*a4) : !conf_addr_usable6(a6))
		return conf_fail(ca, "unusable address '%s'", s);
	return af;
}

/* conf_netmask() - -n: a contiguous dotted mask or a prefix length 1-32
 * (optionally with a leading '/'), into c->prefix4. */
static int conf_netmask(struct conf_args *ca, struct conf *c, const char *s)
{
	struct in_addr m;
	unsigned int p;

	if (inet_pton(AF_INET, s, &m) == 1) {
		uint32_t inv = ~ntohl(m.s_addr);

		if (inv & (inv + 1) || !~inv)
			return conf_fail(ca, "bad netmask '%s'", s);
		c->prefix4 = 32 - (unsigned int)__builtin_popcount(inv);
		return 0;
	}
	if (!conf_uint(*s == '/' ? s + 1 : s, 32, &p) || !p)
		return conf_fail(ca, "bad netmask '%s'", s);
	c->prefix4 = p;
	return 0;
}

/* conf_dns() - -D: "none" forgets earlier servers; otherwise append one
 * server of either family, at most CONF_DNS_MAX per family. */
static int conf_dns(struct conf_args *ca, struct conf *c, const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;
	int af;

	c->dns_given = true;
	if (!strcmp(s, "none")) {
		c->dns4_n = c->dns6_n = 0;
		return 0;
	}
	af = conf_host_addr(ca, s, &a4, &a6);
	if (af < 0)
		return -1;
	if (af == AF_INET) {
		if (c->dns4_n >= CONF_DNS_MAX)
			return conf_fail(ca, "too many IPv4 servers (max %u)",
					 CONF_DNS_MAX);
		c->dns4[c->dns4_n++] = a4;
	} else {
		if (c->dns6_n >= CONF_DNS_MAX)
			return conf_fail(ca, "too many IPv6 servers (max %u)",
					 CONF_DNS_MAX);
		c->dns6[c->dns6_n++] = a6;
	}
	return 0;
}

/* conf_search() - -S: "none" forgets earlier domains; otherwise append the
 * blank- or comma-separated domains in @s, each checked. */
static int conf_search(struct conf_args *ca, struct conf *c, const char *s)
{
	const char *sep = " \t,";

	c->search_given = true;
	if (!strcmp(s, "none")) {
		c->search_n = 0;
		return 0;
	}
	s += strspn(s, sep);
	if (!*s)
		return conf_fail(ca, "empty domain list");
	while (*s) {
		size_t n = strcspn(s, sep);

		if (!resolv_domain_ok(s, n))
			return conf_fail(ca, "bad domain '%.*s'",
					 (int)MIN(n, 64), s);
		if (c->search_n >= CONF_SEARCH_MAX)
			return conf_fail(ca, "too many domains (max %u)",
					 CONF_SEARCH_MAX);
		memcpy(c->search[c->search_n], s, n);
		c->search[c->search_n][n] = '\0';
		c->search_n++;
		s += n;
		s += strspn(s, sep);
	}
	return 0;
}

/* conf_ifname() - -I: a valid interface name into c->ifname. */
static int conf_ifname(struct conf_args *ca, struct conf *c, const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return conf_fail(ca, "bad interface name '%s'", s);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' ||
		    ch == '%')
			return conf_fail(ca, "bad interface name '%s'", s);
	}
	memcpy(c->ifname, s, n + 1);
	return 0;
}

/* conf_path() - a non-empty path that fits PATH_MAX, into @dst. */
static int conf_path(struct conf_args *ca, char *dst, const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return conf_fail(ca, "empty path");
	if (n >= PATH_MAX)
		return conf_fail(ca, "path too long");
	memcpy(dst, s, n + 1);
	return 0;
}

/* conf_socket_tcp() - -s tcp:ADDR:PORT (ADDR: IPv4, or IPv6 in brackets),
 * a loopback address only: whoever connects becomes the VM, and a UNIX
 * socket's file permissions do not protect a TCP port. */
static int conf_socket_tcp(struct conf_args *ca, struct conf *c, const char *s)
{
	char addr[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	unsigned int port;
	size_t alen;

	if (!colon || colon == s || !conf_uint(colon + 1, 65535, &port) ||
	    !port)
		return conf_fail(ca, "tcp:%s: expected tcp:ADDR:PORT", s);
	alen = (size_t)(colon - s);
	if (s[0] == '[' && alen > 2 && s[alen - 1] == ']') {
		s++;
		alen -= 2;
	}
	if (alen >= sizeof(addr))
		return conf_fail(ca, "tcp: address too long");
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(&c->socket_tcp, 0, sizeof(c->socket_tcp));
	if (inet_pton(AF_INET, addr, &c->socket_tcp.a4.sin_addr) == 1) {
		if ((ntohl(c->socket_tcp.a4.sin_addr.s_addr) >> 24) != 127)
			return conf_fail(ca,
					 "tcp:%s: only a loopback address "
					 "(anyone who connects is the VM)",
					 addr);
		c->socket_tcp.a4.sin_family = AF_INET;
		c->socket_tcp.a4.sin_port = htons((uint16_t)port);
		c->socket_tcp_len = sizeof(c->socket_tcp.a4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &c->socket_tcp.a6.sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&c->socket_tcp.a6.sin6_addr))
			return conf_fail(ca,
					 "tcp:%s: only a loopback address "
					 "(anyone who connects is the VM)",
					 addr);
		c->socket_tcp.a6.sin6_family = AF_INET6;
		c->socket_tcp.a6.sin6_port = htons((uint16_t)port);
		c->socket_tcp_len = sizeof(c->socket_tcp.a6);
		return 0;
	}
	return conf_fail(ca, "tcp:%s: not an IPv4 or [IPv6] address", addr);
}

/* conf_netns() - --netns: a PID (its /proc namespace), a path (has a '/')
 * or a name under /run/netns. */
static int conf_netns(struct conf_args *ca, struct conf *c, const char *s)
{
	if (conf_pid(s)) {
		snprintf(c->netns, sizeof(c->netns), "/proc/%s/ns/net", s);
		return 0;
	}
	if (strchr(s, '/'))
		return conf_path(ca, c->netns, s);
	if (!*s || !strcmp(s, ".") || !strcmp(s, "..") || strlen(s) > NAME_MAX)
		return conf_fail(ca, "bad namespace name '%s'", s);
	snprintf(c->netns, sizeof(c->netns), "/run/netns/%s", s);
	return 0;
}

/* conf_userns() - --userns: a PID (its /proc namespace) or a path. */
static int conf_userns(struct conf_args *ca, struct conf *c, const char *s)
{
	ca->userns_given = true;
	if (conf_pid(s)) {
		snprintf(c->userns, sizeof(c->userns), "/proc/%s/ns/user", s);
		return 0;
	}
	return conf_path(ca, c->userns, s);
}

/* conf_fwd() - -t/-u/-T/-U: add @s to @spec. */
static int conf_fwd(struct conf_args *ca, struct fwd_spec *spec, const char *s)
{
	char why[128];

	if (fwd_spec_parse(spec, s, why, sizeof(why)))
		return conf_fail(ca, "%s", why);
	return 0;
}

/* conf_addr_opt() - -a or -g (@gw): one address per family. */
static int conf_addr_opt(struct conf_args *ca, struct conf *c, const char *s,
			 bool gw)
{
	struct in_addr *a4 = gw ? &c->gw4 : &c->addr4;
	struct in6_addr *a6 = gw ? &c->gw6 : &c->addr6;
	struct in6_addr n6;
	struct in_addr n4;
	int af;

	af = conf_host_addr(ca, s, &n4, &n6);
	if (af < 0)
		return -1;
	if (af == AF_INET) {
		if (a4->s_addr)
			return conf_fail(ca, "IPv4 address given twice");
		*a4 = n4;
	} else {
		if (!IN6_IS_ADDR_UNSPECIFIED(a6))
			return conf_fail(ca, "IPv6 address given twice");
		*a6 = n6;
	}
	return 0;
}

/* conf_dns_forward() - --dns-forward: one address per family. */
static int conf_dns_forward(struct conf_args *ca, struct conf *c, const char *s)
{
	struct in6_addr n6;
	struct in_addr n4;
	int af;

	af = conf_host_addr(ca, s, &n4, &n6);
	if (af < 0)
		return -1;
	if (af == AF_INET) {
		if (c->dns_fwd4.s_addr)
			return conf_fail(ca, "IPv4 address given twice");
		c->dns_fwd4 = n4;
	} else {
		if (!IN6_IS_ADDR_UNSPECIFIED(&c->dns_fwd6))
			return conf_fail(ca, "IPv6 address given twice");
		c->dns_fwd6 = n6;
	}
	return 0;
}

/* conf_mtu() - --mtu: CONF_MTU_MIN-CONF_MTU_MAX. */
static int conf_mtu(struct conf_args *ca, struct conf *c, const char *s)
{
	unsigned int v;

	if (!conf_uint(s, CONF_MTU_MAX, &v) || v < CONF_MTU_MIN)
		return conf_fail(ca, "bad value '%s' (%u-%u)", s, CONF_MTU_MIN,
				 CONF_MTU_MAX);
	c->mtu = v;
	return 0;
}

/* conf_family() - -4 or -6 (@six): each rules out the other. */
static int conf_family(struct conf_args *ca, struct conf *c, bool six)
{
	if (six ? ca->only4 : ca->only6)
		return conf_fail(ca, "conflicts with %s", six ? "-4" : "-6");
	if (six) {
		ca->only6 = true;
		c->v4 = false;
	} else {
		ca->only4 = true;
		c->v6 = false;
	}
	return 0;
}

/* conf_opt() - apply option @opt with argument @arg (may be NULL).
 * Returns 0, 1 (--help/--version printed) or -1 (error set). */
static int conf_opt(struct conf_args *ca, struct conf *c, int opt,
		    const char *arg)
{
	switch (opt) {
	case 'a':
		return conf_addr_opt(ca, c, arg, false);
	case 'g':
		return conf_addr_opt(ca, c, arg, true);
	case 'n':
		return conf_netmask(ca, c, arg);
	case 'D':
		return conf_dns(ca, c, arg);
	case CONF_OPT_DNS_FORWARD:
		return conf_dns_forward(ca, c, arg);
	case 'S':
		return conf_search(ca, c, arg);
	case 'I':
		return conf_ifname(ca, c, arg);
	case CONF_OPT_MTU:
		return conf_mtu(ca, c, arg);
	case CONF_OPT_BUSY_POLL:
		if (!conf_uint(arg, CONF_BUSY_POLL_MAX, &c->busy_poll_us))
			return conf_fail(ca, "bad value '%s' (0-%u)", arg,
					 CONF_BUSY_POLL_MAX);
		return 0;
	case '4':
	case '6':
		return conf_family(ca, c, opt == '6');
	case CONF_OPT_CONFIG_NET:
		c->config_net = true;
		return 0;
	case CONF_OPT_NO_DHCP:
		c->no_dhcp = true;
		return 0;
	case CONF_OPT_NO_NDP:
		c->no_ndp = true;
		return 0;
	case CONF_OPT_NO_DHCPV6:
		c->no_dhcpv6 = true;
		return 0;
	case CONF_OPT_NO_RA:
		c->no_ra = true;
		return 0;
	case CONF_OPT_NO_MAP_GW:
		c->no_map_gw = true;
		return 0;
	case CONF_OPT_NETNS:
		return conf_netns(ca, c, arg);
	case CONF_OPT_USERNS:
		return conf_userns(ca, c, arg);
	case 't':
		return conf_fwd(ca, &c->tcp_in, arg);
	case 'u':
		return conf_fwd(ca, &c->udp_in, arg);
	case 'T':
		return conf_fwd(ca, &c->tcp_out, arg);
	case 'U':
		return conf_fwd(ca, &c->udp_out, arg);
	case 'f':
		c->foreground = true;
		return 0;
	case 'q':
		c->quiet = true;
		return 0;
	case 'd':
		c->debug = true;
		return 0;
	case CONF_OPT_TRACE:
		c->trace = c->debug = true;
		return 0;
	case 's':
		if (strlen(arg) >= sizeof(c->socket))
			return conf_fail(ca,
					 "path too long (at most %zu bytes)",
					 sizeof(c->socket) - 1);
		if (!*arg)
			return conf_fail(ca, "empty path");
		memcpy(c->socket, arg, strlen(arg) + 1);
		c->mode = CONF_MODE_VM_STREAM;
		c->socket_tcp_len = 0; /* the last -s stands, tcp: or not */
		if (!strncmp(arg, "tcp:", 4))
			return conf_socket_tcp(ca, c, arg + 4);
		return 0;
	case 'F': {
		unsigned int v;

		if (!conf_uint(arg, 1U << 30, &v) || v < 3)
			return conf_fail(ca, "bad descriptor '%s'", arg);
		c->fd = (int)v;
		c->mode = CONF_MODE_VM_STREAM;
		return 0;
	}
	case '1':
		c->one_off = true;
		return 0;
	case CONF_OPT_VHOST_USER:
		ca->vhost_user = true;
		return 0;
	case 'p':
		return conf_path(ca, c->pcap, arg);
	case 'P':
		return conf_path(ca, c->pidfile, arg);
	case 'h':
		conf_usage(stdout);
		return 1;
	case CONF_OPT_VERSION:
		printf("burrow %s\n", BURROW_VERSION);
		return 1;
	case CONF_OPT_DEBUG_FORBIDDEN_SYSCALL:
		c->debug_forbidden_syscall = true;
		return 0;
	}
	return conf_fail(ca, "unhandled option");
}

/* conf_name() - record in @ca how the user wrote the current option: the
 * long name matched (@li >= 0), or the short letter @opt, or for a getopt
 * error the word at argv[@optind - 1]. */
static void conf_name(struct conf_args *ca, int li, int opt, char **argv,
		      int optind_now)
{
	if (li >= 0) {
		snprintf(ca->opt, sizeof(ca->opt), "--%s",
			 conf_longopts[li].name);
	} else if (opt > 0 && opt < 256 && opt != '?' && opt != ':') {
		snprintf(ca->opt, sizeof(ca->opt), "-%c", opt);
	} else if (optind_now > 0) {
		const char *w = argv[optind_now - 1];

		snprintf(ca->opt, sizeof(ca->opt), "%.*s",
			 (int)MIN(strcspn(w, "="), sizeof(ca->opt) - 1), w);
	} else {
		snprintf(ca->opt, sizeof(ca->opt), "?");
	}
}

/* conf_getopt_error() - turn getopt's '?' or ':' (@opt) into an error
 * naming the option as written; @prev is optind before the call. */
static int conf_getopt_error(struct conf_args *ca, int opt, char **argv,
			     int prev)
{
	/* getopt moved past the word unless it is inside a bundle (-xyz) */
	bool is_long = optind > prev && !strncmp(argv[optind - 1], "--", 2);
	/* glibc keeps a short option's letter in a (signed) char: a byte
	 * above 0x7f comes back negative */
	int letter = optopt < 0 ? (unsigned char)optopt : optopt;

	if (!is_long && letter > 0 && letter < 256) {
		/* a short option, maybe in a bundle: name the letter */
		snprintf(ca->opt, sizeof(ca->opt), "-%c", letter);
	} else {
		conf_name(ca, -1, opt, argv, optind);
	}
	if (opt == ':')
		return conf_fail(ca, "missing argument");
	if (is_long && optopt)
		return conf_fail(ca, "takes no argument");
	return conf_fail(ca, "unknown option");
}

/* conf_positional() - what follows the options: a PID to attach to (one
 * all-digits word, no "--") or a command. @dashdash: "--" ended them. */
static int conf_positional(struct conf_args *ca, struct conf *c, int argc,
			   char **argv, int first, bool dashdash)
{
	int n = argc - first;

	if (n <= 0)
		return 0;
	if (!dashdash && n == 1 && conf_pid(argv[first])) {
		snprintf(ca->opt, sizeof(ca->opt), "%s", argv[first]);
		if (c->netns[0])
			return conf_fail(ca, "a PID conflicts with --netns");
		snprintf(c->netns, sizeof(c->netns), "/proc/%s/ns/net",
			 argv[first]);
		if (!ca->userns_given)
			snprintf(c->userns, sizeof(c->userns),
				 "/proc/%s/ns/user", argv[first]);
		return 0;
	}
	if (c->netns[0]) {
		snprintf(ca->opt, sizeof(ca->opt), "--netns");
		return conf_fail(ca, "cannot run a command ('%s') as well",
				 argv[first]);
	}
	c->cmd = argv + first;
	c->cmd_n = n;
	return 0;
}

/* conf_finish() - checks across options, once all are read. */
static int conf_finish(struct conf_args *ca, struct conf *c)
{
	if (ca->userns_given && !c->netns[0]) {
		snprintf(ca->opt, sizeof(ca->opt), "--userns");
		return conf_fail(ca, "needs --netns or a PID");
	}
	if ((c->gw4.s_addr && c->gw4.s_addr == c->addr4.s_addr) ||
	    (!IN6_IS_ADDR_UNSPECIFIED(&c->gw6) &&
	     IN6_ARE_ADDR_EQUAL(&c->gw6, &c->addr6))) {
		snprintf(ca->opt, sizeof(ca->opt), "-g");
		return conf_fail(ca, "gateway is the guest's own address");
	}
	if (c->mtu < CONF_MTU6_MIN && c->v6) {
		snprintf(ca->opt, sizeof(ca->opt), "--mtu");
		if (ca->only6)
			return conf_fail(ca, "%u is below %u, too small for -6",
					 c->mtu, CONF_MTU6_MIN);
		warn("--mtu %u is below %u: IPv6 disabled", c->mtu,
		     CONF_MTU6_MIN);
		c->v6 = false;
	}
	/* A VM's vCPUs share the host's CPUs with us: a poller would take
	 * time from the guest (under TCG most of it), so VMs default to 0. */
	if (c->busy_poll_us == UINT_MAX)
		c->busy_poll_us =
			c->mode == CONF_MODE_NS ? CONF_BUSY_POLL_DEFAULT : 0;
	if (ca->vhost_user) {
		snprintf(ca->opt, sizeof(ca->opt), "--vhost-user");
		if (c->mode != CONF_MODE_VM_STREAM || !c->socket[0] ||
		    c->socket_tcp_len)
			return conf_fail(ca, "needs --socket PATH");
		c->mode = CONF_MODE_VM_VU;
	}
	if (c->mode == CONF_MODE_VM_STREAM || c->mode == CONF_MODE_VM_VU) {
		snprintf(ca->opt, sizeof(ca->opt), "%s",
			 c->fd >= 0 ? "--fd" : "--socket");
		if (c->fd >= 0 && c->socket[0])
			return conf_fail(ca, "conflicts with --socket");
		if (c->netns[0] || c->cmd_n)
			return conf_fail(ca,
					 "a VM has no namespace or command");
		if (c->config_net)
			return conf_fail(ca, "--config-net needs a namespace");
		if (c->tcp_out.mode == FWD_MODE_SPEC ||
		    c->tcp_out.mode == FWD_MODE_ALL ||
		    c->udp_out.mode == FWD_MODE_SPEC ||
		    c->udp_out.mode == FWD_MODE_ALL)
			return conf_fail(ca, "-T and -U need a namespace");
		if (c->tcp_in.mode == FWD_MODE_AUTO ||
		    c->udp_in.mode == FWD_MODE_AUTO ||
		    c->tcp_out.mode == FWD_MODE_AUTO ||
		    c->udp_out.mode == FWD_MODE_AUTO)
			return conf_fail(ca, "auto forwarding needs a "
					     "namespace");
		return 0;
	}
	if (c->one_off) {
		snprintf(ca->opt, sizeof(ca->opt), "--one-off");
		return conf_fail(ca, "needs --socket or --fd");
	}
	/* Without --netns we run the command (or a shell) and wait for it. */
	if (!c->netns[0])
		c->foreground = true;
	return 0;
}

/* conf_defaults() - the built-in defaults, before any option. */
static void conf_defaults(struct conf *c)
{
	static const uint8_t mac[6] = CONF_MAC_DEFAULT;

	memset(c, 0, sizeof(*c));
	c->mode = CONF_MODE_NS;
	c->fd = -1;
	c->v4 = c->v6 = true;
	c->mtu = CONF_MTU_DEFAULT;
	c->busy_poll_us = UINT_MAX; /* unset: conf_finish() picks by mode */
	c->prefix6 = CONF_PREFIX6_DEFAULT;
	memcpy(c->our_mac, mac, sizeof(c->our_mac));
}

/* conf_parse_args() - see conf.h. getopt's globals are reset on entry
 * (optind = 0 makes glibc start over) and error printing is off. */
int conf_parse_args(struct conf *c, int argc, char **argv, char *err,
		    size_t err_len)
{
	struct conf_args ca = {.err = err, .err_len = err_len};
	bool dashdash;
	int opt, prev, ret;

	conf_defaults(c);
	if (err && err_len)
		err[0] = '\0';
	snprintf(ca.opt, sizeof(ca.opt), "burrow");

	optind = 0;
	opterr = 0;
	for (;;) {
		int li = -1;

		prev = optind ? optind : 1;
		opt = getopt_long(argc, argv, CONF_SHORTOPTS, conf_longopts,
				  &li);
		if (opt == -1)
			break;
		if (opt == '?' || opt == ':')
			return conf_getopt_error(&ca, opt, argv, prev);
		conf_name(&ca, li, opt, argv, optind);
		ret = conf_opt(&ca, c, opt, optarg);
		if (ret)
			return ret;
	}
	dashdash =
		optind == prev + 1 && prev < argc && !strcmp(argv[prev], "--");

	ret = conf_positional(&ca, c, argc, argv, optind, dashdash);
	if (ret)
		return ret;
	return conf_finish(&ca, c);
}
