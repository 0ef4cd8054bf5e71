// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nat.c - address mapping between guest and host; see nat.h.
 */
#include <string.h>

#include "nat.h"

#define DNS_PORT 53

/* nat_resolver() - the host resolver for a query the guest sent over IPv4
 * (@v4) or IPv6: the same family first, then the other. */
static bool nat_resolver(const struct conf *c, bool v4, struct in6_addr *r)
{
	if (v4 && c->resolver4_n) {
		inany_from4(r, c->resolver4[0]);
		return true;
	}
	if (c->resolver6_n) {
		*r = c->resolver6[0];
		return true;
	}
	if (c->resolver4_n) {
		inany_from4(r, c->resolver4[0]);
		return true;
	}
	return false;
}

bool nat_outbound(const struct conf *c, uint8_t proto,
		  const struct in6_addr *dst, uint16_t port,
		  struct in6_addr *host)
{
	if (inany_is4(dst)) {
		struct in_addr d = inany_v4(dst);

		if (proto == IPPROTO_UDP && port == DNS_PORT &&
		    c->dns_fwd4.s_addr && d.s_addr == c->dns_fwd4.s_addr)
			return nat_resolver(c, true, host);
		if (!c->no_map_gw && d.s_addr == c->gw4.s_addr) {
			struct in_addr lo = {.s_addr = htonl(INADDR_LOOPBACK)};

			inany_from4(host, lo);
			return true;
		}
		*host = *dst;
		return true;
	}

	if (proto == IPPROTO_UDP && port == DNS_PORT &&
	    !IN6_IS_ADDR_UNSPECIFIED(&c->dns_fwd6) &&
	    inany_eq(dst, &c->dns_fwd6))
		return nat_resolver(c, false, host);
	if (!c->no_map_gw &&
	    (inany_eq(dst, &c->gw6) || inany_eq(dst, &c->ll6))) {
		*host = in6addr_loopback;
		return true;
	}
	if (IN6_IS_ADDR_LINKLOCAL(dst))
		return false; /* no scope to send it with on the host */
	*host = *dst;
	return true;
}

bool nat_inbound(const struct conf *c, const struct in6_addr *a,
		 struct in6_addr *guest)
{
	if (inany_is4(a)) {
		struct in_addr v = inany_v4(a);

		if (!c->v4)
			return false;
		if ((ntohl(v.s_addr) >> 24) == 127 ||
		    v.s_addr == c->addr4.s_addr)
			inany_from4(guest, c->gw4);
		else
			*guest = *a;
		return true;
	}
	if (!c->v6)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(a) || inany_eq(a, &c->addr6))
		*guest = c->gw6;
	else
		*guest = *a;
	return true;
}
