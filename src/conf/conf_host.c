// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf_host.c - the host half of the configuration: whatever the options
 * left open is taken from the host's default routes, addresses and
 * /etc/resolv.conf. Also conf_parse(), which runs both halves.
 *
 * Theory of operation
 *
 * Kept apart from conf.c so that unit tests of conf_parse_args() link
 * without netlink (a static archive only pulls the objects it needs).
 *
 * Per family, in order (IPv4 shown; IPv6 alike with a /64 prefix):
 *   - no -a, no -g and no host default route: the family is disabled
 *     (info line);
 *   - guest address: -a, else the host's address on its default-route
 *     interface (none there: disabled);
 *   - prefix: -n, else the host's prefix, else /24;
 *   - gateway: -g; else, without -a, the host's default gateway; else
 *     (with -a, or a default route with no gateway) the first address of
 *     the guest's prefix that is not the guest's own (a prefix too small
 *     for one: disabled).
 * ll6, our IPv6 link-local address, is the gateway when that is
 * link-local (so the guest's default route points at us), else fe80::
 * with the modified EUI-64 of our_mac.
 *
 * DNS: without -D the guest is handed the gateway (or --dns-forward's
 * address) as its server, and queries to it are forwarded to the host's
 * resolvers. With -D the servers given are handed out as they are and
 * only --dns-forward's address is forwarded. If resolv.conf has no usable
 * resolver nothing is forwarded, and without -D no server is handed out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/nl.h"
#include "../core/util.h"
#include "conf.h"
#include "resolv.h"

/* What the host told us; a zero ifindex means "no default route". */
struct conf_host {
	int ifindex4, ifindex6; /* default-route interfaces */
	struct in_addr gw4;	/* host's IPv4 gateway, 0: none */
	struct in6_addr gw6;	/* host's IPv6 gateway, ::: none */
	struct in_addr addr4;	/* host address on ifindex4 */
	unsigned int prefix4;	/* ... its prefix length */
	bool have4;		/* addr4 is valid */
	struct in6_addr addr6;	/* host global address on ifindex6 */
	unsigned int prefix6;	/* ... its prefix length */
	bool have6;		/* addr6 is valid */
};

/* conf_host_query() - fill @h from netlink socket @nl; missing pieces
 * stay zero. */
static void conf_host_query(int nl, struct conf_host *h)
{
	int idx;

	if (!nl_default_route(nl, AF_INET, &idx, &h->gw4) && idx > 0) {
		h->ifindex4 = idx;
		h->have4 = !nl_addr_get(nl, AF_INET, idx, &h->addr4,
					&h->prefix4) &&
			   h->prefix4 <= 32;
	}
	if (!nl_default_route(nl, AF_INET6, &idx, &h->gw6) && idx > 0) {
		h->ifindex6 = idx;
		h->have6 = !nl_addr_get(nl, AF_INET6, idx, &h->addr6,
					&h->prefix6) &&
			   h->prefix6 <= 128;
	}
}

/* conf_host_first4() - the first address of @a's /@prefix that is not @a,
 * into @out: the network address itself only for /31 (RFC 3021), never
 * the broadcast address. False if the prefix has no such address. */
static bool conf_host_first4(struct in_addr a, unsigned int prefix,
			     struct in_addr *out)
{
	uint32_t h = ntohl(a.s_addr), mask, net, cand;

	if (prefix >= 32)
		return false;
	mask = prefix ? ~0U << (32 - prefix) : 0;
	net = h & mask;
	cand = prefix == 31 ? net : net + 1;
	if (cand == h)
		cand++;
	if (prefix < 31 && cand >= (net | ~mask))
		return false;
	out->s_addr = htonl(cand);
	return true;
}

/* conf_host_first6() - as conf_host_first4() for IPv6: PREFIX::1, or ::2
 * if that is @a. False for prefixes longer than /126. */
static bool conf_host_first6(const struct in6_addr *a, unsigned int prefix,
			     struct in6_addr *out)
{
	unsigned int i;

	if (prefix > 126)
		return false;
	*out = *a;
	for (i = prefix; i < 128; i++)
		out->s6_addr[i / 8] &= (uint8_t) ~(0x80U >> (i % 8));
	out->s6_addr[15] = 1;
	if (IN6_ARE_ADDR_EQUAL(out, a))
		out->s6_addr[15] = 2;
	return true;
}

/* conf_host_v4() - IPv4 defaults, as the theory block says; may disable
 * IPv4 (c->v4 = false) with a message. */
static void conf_host_v4(struct conf *c, const struct conf_host *h)
{
	bool addr_given = c->addr4.s_addr, gw_given = c->gw4.s_addr;

	if (!addr_given && !gw_given && !h->ifindex4) {
		info("no IPv4 default route on the host: IPv4 disabled");
		c->v4 = false;
		return;
	}
	if (!addr_given) {
		if (!h->have4) {
			warn("no IPv4 address on the host's default-route interface (give -a): IPv4 disabled");
			c->v4 = false;
			return;
		}
		c->addr4 = h->addr4;
	}
	if (!c->prefix4)
		c->prefix4 = h->have4 && h->prefix4 ? h->prefix4 : 24;
	if (gw_given)
		return;
	if (!addr_given && h->gw4.s_addr) {
		c->gw4 = h->gw4;
	} else if (!conf_host_first4(c->addr4, c->prefix4, &c->gw4)) {
		warn("no room for an IPv4 gateway in /%u (give -g): IPv4 disabled",
		     c->prefix4);
		c->v4 = false;
	}
}

/* conf_host_ll6() - c->ll6 from the gateway or our MAC address. */
static void conf_host_ll6(struct conf *c)
{
	const uint8_t *m = c->our_mac;

	if (IN6_IS_ADDR_LINKLOCAL(&c->gw6)) {
		c->ll6 = c->gw6;
		return;
	}
	memset(&c->ll6, 0, sizeof(c->ll6));
	c->ll6.s6_addr[0] = 0xfe;
	c->ll6.s6_addr[1] = 0x80;
	c->ll6.s6_addr[8] = m[0] ^ 0x02;
	c->ll6.s6_addr[9] = m[1];
	c->ll6.s6_addr[10] = m[2];
	c->ll6.s6_addr[11] = 0xff;
	c->ll6.s6_addr[12] = 0xfe;
	c->ll6.s6_addr[13] = m[3];
	c->ll6.s6_addr[14] = m[4];
	c->ll6.s6_addr[15] = m[5];
}

/* conf_host_v6() - IPv6 defaults, as the theory block says; may disable
 * IPv6 (c->v6 = false) with a message. Sets ll6 when IPv6 stays on. */
static void conf_host_v6(struct conf *c, const struct conf_host *h)
{
	bool addr_given = !IN6_IS_ADDR_UNSPECIFIED(&c->addr6);
	bool gw_given = !IN6_IS_ADDR_UNSPECIFIED(&c->gw6);

	if (!addr_given && !gw_given && !h->ifindex6) {
		info("no IPv6 default route on the host: IPv6 disabled");
		c->v6 = false;
		return;
	}
	if (!addr_given) {
		if (!h->have6) {
			warn("no global IPv6 address on the host's default-route interface (give -a): IPv6 disabled");
			c->v6 = false;
			return;
		}
		c->addr6 = h->addr6;
	}
	if (!gw_given) {
		if (!addr_given && !IN6_IS_ADDR_UNSPECIFIED(&h->gw6)) {
			c->gw6 = h->gw6;
		} else if (!conf_host_first6(&c->addr6, c->prefix6, &c->gw6)) {
			warn("no room for an IPv6 gateway in /%u (give -g): IPv6 disabled",
			     c->prefix6);
			c->v6 = false;
			return;
		}
	}
	conf_host_ll6(c);
}

/* conf_host_ifname() - default tap name: the host's default-route
 * interface (IPv4 first), else CONF_IFNAME_DEFAULT.
 * #syscalls:setup socket ioctl close */
static void conf_host_ifname(struct conf *c, const struct conf_host *h)
{
	char name[IF_NAMESIZE];
	int idx = h->ifindex4 ? h->ifindex4 : h->ifindex6;

	if (c->ifname[0])
		return;
	if (idx > 0 && if_indextoname((unsigned int)idx, name)) {
		memcpy(c->ifname, name, sizeof(c->ifname));
		c->ifname[sizeof(c->ifname) - 1] = '\0';
		return;
	}
	memcpy(c->ifname, CONF_IFNAME_DEFAULT, sizeof(CONF_IFNAME_DEFAULT));
}

/* conf_host_dns() - resolvers and search domains from resolv.conf, and
 * the DNS servers and forwarding addresses, as the theory block says.
 * Families that are disabled end with no servers and no forwarding. */
static void conf_host_dns(struct conf *c)
{
	bool fwd_given =
		c->dns_fwd4.s_addr || !IN6_IS_ADDR_UNSPECIFIED(&c->dns_fwd6);
	int ret;

	ret = resolv_read(RESOLV_PATH, c, !c->search_given);
	if (ret < 0)
		info("%s: %s", RESOLV_PATH, strerror(-ret));

	if (!c->resolver4_n && !c->resolver6_n) {
		if (fwd_given)
			warn("--dns-forward: no resolvers in %s: not forwarding",
			     RESOLV_PATH);
		else if (!c->dns_given)
			info("no resolvers in %s: no DNS server handed out",
			     RESOLV_PATH);
		memset(&c->dns_fwd4, 0, sizeof(c->dns_fwd4));
		memset(&c->dns_fwd6, 0, sizeof(c->dns_fwd6));
	} else if (!c->dns_given) {
		if (c->v4) {
			if (!c->dns_fwd4.s_addr)
				c->dns_fwd4 = c->gw4;
			c->dns4[0] = c->dns_fwd4;
			c->dns4_n = 1;
		}
		if (c->v6) {
			if (IN6_IS_ADDR_UNSPECIFIED(&c->dns_fwd6))
				c->dns_fwd6 = c->gw6;
			c->dns6[0] = c->dns_fwd6;
			c->dns6_n = 1;
		}
	}

	if (!c->v4) {
		c->dns4_n = 0;
		memset(&c->dns_fwd4, 0, sizeof(c->dns_fwd4));
	}
	if (!c->v6) {
		c->dns6_n = 0;
		memset(&c->dns_fwd6, 0, sizeof(c->dns_fwd6));
	}
}

/* conf_host_defaults() - see conf.h. Netlink problems are not fatal:
 * without host information, only explicitly given families stay on. */
/* conf_host_ephemeral() - the first port of the host's ephemeral range
 * (net.ipv4.ip_local_port_range), 32768 if it cannot be read: forwarding
 * "all" ports stops below it, as pasta does. */
static uint16_t conf_host_ephemeral(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	unsigned long lo = 32768;
	char line[64], *end;

	if (f) {
		if (fgets(line, sizeof(line), f)) {
			lo = strtoul(line, &end, 10);
			if (end == line || !lo || lo > 65535)
				lo = 32768;
		}
		fclose(f);
	}
	return (uint16_t)lo;
}

void conf_host_defaults(struct conf *c)
{
	struct conf_host h;
	int nl;

	memset(&h, 0, sizeof(h));
	c->ephemeral_min = conf_host_ephemeral();
	nl = nl_open();
	if (nl < 0) {
		warn("netlink: %s: no defaults from the host", strerror(-nl));
	} else {
		conf_host_query(nl, &h);
		close(nl);
	}

	if (c->v4)
		conf_host_v4(c, &h);
	if (c->v6)
		conf_host_v6(c, &h);
	if (!c->v4 && !c->v6)
		die("no usable IPv4 or IPv6 set-up (the host has no default route?): give -a and -g");

	conf_host_ifname(c, &h);
	conf_host_dns(c);
}

/* conf_parse() - see conf.h: conf_parse_args(), the log level, then
 * conf_host_defaults(). Exits on errors (1) and --help/--version (0). */
void conf_parse(struct conf *c, int argc, char **argv)
{
	char err[512];
	int ret;

	ret = conf_parse_args(c, argc, argv, err, sizeof(err));
	if (ret < 0)
		die("%s", err);
	if (ret > 0)
		exit(0);

	if (c->trace)
		log_level = LOG_LVL_TRACE;
	else if (c->debug)
		log_level = LOG_LVL_DEBUG;
	else if (c->quiet)
		log_level = LOG_LVL_WARN;

	conf_host_defaults(c);
}
