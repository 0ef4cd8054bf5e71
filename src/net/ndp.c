// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ndp.c - neighbour discovery responder and router advertisements.
 *
 * Theory of operation
 *
 * burrow is the only other node on the guest's link, and it routes
 * everything: it answers every neighbour solicitation with its own MAC
 * address, except for addresses the guest itself owns or is probing, and
 * it is the guest's default router.
 *
 * Inputs (all from the guest, untrusted): Router Solicitations (133) and
 * Neighbour Solicitations (135), validated as RFC 4861 sections 6.1.1 and
 * 7.1.1 require. Router Advertisements, Neighbour Advertisements and
 * Redirects from the guest are valid on a link but have nothing for us:
 * NDP_IGNORE. Other ICMPv6 types are not ours either: NDP_IGNORE.
 *
 * How the guest gets c->addr6: the address is a single address taken
 * from the host, usually not derivable by SLAAC from the guest's MAC.
 *  - With DHCPv6 on (the default), the RA sets M=1 and O=1, and announces
 *    the prefix (c->addr6 masked to c->prefix6) with L=1, A=0: a Linux
 *    guest's DHCPv6 client (NetworkManager, systemd-networkd, dhclient,
 *    dhcpcd) asks dhcpv6.c, which hands out exactly c->addr6; the prefix
 *    is on-link, and the default route is via c->ll6 from the router
 *    lifetime. No SLAAC address appears, so the guest's only global
 *    address is the one peers and port forwards expect.
 *  - With --no-dhcpv6, M=0, O=0, A=1: the guest forms a SLAAC address in
 *    the prefix so it still has working IPv6 (burrow translates flows
 *    to host sockets, so any source in the prefix works); with
 *    --config-net, c->addr6 is configured over netlink anyway.
 * DNS reaches the guest both ways: RDNSS/DNSSL here, options 23/24 there.
 *
 * Neighbour solicitations answered (with R=1, O=1, and S=1 unless the
 * solicitation came from ::):
 *  - from a unicast source: any target except c->addr6 and the
 *    solicitor's own address;
 *  - from :: (duplicate address detection): only for c->ll6 and c->gw6,
 *    which are ours, so the guest must not take them. A probe for any
 *    other address (the guest's own tentative ones) stays unanswered.
 *
 * Limits: replies are at most NDP_REPLY_MAX bytes; an RA carries at most
 * CONF_DNS_MAX resolvers and CONF_SEARCH_MAX domains.
 */
#include <errno.h>
#include <string.h>

#include "../core/csum.h"
#include "../core/log.h"
#include "dname.h"
#include "ndp.h"

const char *const ndp_verdict_name[] = {
	[NDP_REPLY] = "reply",
	[NDP_IGNORE] = "ignore",
	[NDP_BAD_HOP_LIMIT] = "bad hop limit",
	[NDP_BAD_CODE] = "bad code",
	[NDP_BAD_LENGTH] = "bad length",
	[NDP_BAD_OPTION] = "bad option",
	[NDP_BAD_TARGET] = "bad target",
	[NDP_BAD_SOURCE] = "bad source",
	[NDP_NO_ROOM] = "no room for reply",
};
static_assert(ARRAY_SIZE(ndp_verdict_name) == NDP_VERDICT_COUNT,
	      "ndp verdict names");

/* Option types (RFC 4861 4.6, RFC 8106 5). */
#define NDP_OPT_SLLA 1
#define NDP_OPT_TLLA 2
#define NDP_OPT_PREFIX 3
#define NDP_OPT_MTU 5
#define NDP_OPT_RDNSS 25
#define NDP_OPT_DNSSL 31

#define NDP_RS_LEN 8  /* type, code, checksum, reserved */
#define NDP_NS_LEN 24 /* ... and the target address */

#define NDP_RA_M 0x80 /* managed address configuration */
#define NDP_RA_O 0x40 /* other configuration */
#define NDP_PI_L 0x80 /* prefix is on-link */
#define NDP_PI_A 0x40 /* autonomous address configuration */
#define NDP_NA_R 0x80 /* router */
#define NDP_NA_S 0x40 /* solicited */
#define NDP_NA_O 0x20 /* override */

static const struct in6_addr ndp_all_nodes = {
	.s6_addr = {0xff, 0x02, [15] = 0x01},
};
static const uint8_t ndp_all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 0x01};

/* ndp_solicited_node() - true if @dst is the solicited-node multicast
 * address of @target (ff02::1:ffXX:XXXX, RFC 4291 2.7.1). */
static bool ndp_solicited_node(const struct in6_addr *dst,
			       const struct in6_addr *target)
{
	static const uint8_t pfx[13] = {0xff, 0x02, [11] = 0x01, 0xff};

	return !memcmp(dst->s6_addr, pfx, sizeof(pfx)) &&
	       !memcmp(dst->s6_addr + 13, target->s6_addr + 13, 3);
}

/* ndp_opts_check() - walk the options from @p's cursor to its end. Every
 * option must have a nonzero length and end within the message (RFC 4861
 * 4.6). Sets *@slla if a source link-layer address option is present.
 * Returns false on a malformed option; @p is consumed either way. */
static bool ndp_opts_check(struct pkt *p, bool *slla)
{
	*slla = false;
	while (pkt_left(p)) {
		uint8_t type, len;

		if (!pkt_u8(p, &type) || !pkt_u8(p, &len) || !len)
			return false;
		if (!pkt_skip(p, (size_t)len * 8 - 2))
			return false;
		if (type == NDP_OPT_SLLA)
			*slla = true;
	}
	return pkt_ok(p);
}

/* ndp_finish() - fill in the ICMPv6 checksum of the message built in @out
 * from @start, given its addresses in @o, and set the hop limit. Returns
 * false (with @out cut back to @start) if anything did not fit. */
static bool ndp_finish(struct pbuf *out, size_t start, struct ndp_out *o)
{
	uint8_t *m;
	uint32_t sum;
	size_t len;

	if (!pbuf_ok(out)) {
		out->len = start;
		return false;
	}
	len = out->len - start;
	m = pbuf_at(out, start, len);
	ASSERT(m && len >= 4);
	sum = csum_pseudo6(&o->src, &o->dst, IPPROTO_ICMPV6, (uint32_t)len);
	put_be16(m + 2, csum(m, len, sum));
	o->hop_limit = NDP_HOP_LIMIT;
	return true;
}

/* ndp_put_prefix() - the prefix information option: c->addr6 masked to
 * c->prefix6, on-link, autonomous only without DHCPv6 (see the theory).
 * Nothing if the prefix length is out of 1..128. */
static void ndp_put_prefix(const struct conf *c, struct pbuf *out)
{
	struct in6_addr pfx = c->addr6;
	unsigned int i, plen = c->prefix6;

	if (!plen || plen > 128)
		return;
	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			pfx.s6_addr[i] = 0;
		else
			pfx.s6_addr[i] &= (uint8_t)(0xff00 >> (plen - 8 * i));
	}
	pbuf_u8(out, NDP_OPT_PREFIX);
	pbuf_u8(out, 4);
	pbuf_u8(out, (uint8_t)plen);
	pbuf_u8(out, NDP_PI_L | (c->no_dhcpv6 ? NDP_PI_A : 0));
	pbuf_be32(out, NDP_PREFIX_LIFETIME);
	pbuf_be32(out, NDP_PREFIX_LIFETIME);
	pbuf_be32(out, 0);
	pbuf_bytes(out, &pfx, sizeof(pfx));
}

/* ndp_put_dns() - RDNSS with c->dns6 and DNSSL with c->search (RFC 8106
 * 5.1, 5.2), each only if there is something to announce. Domains that
 * are not valid names are skipped. */
static void ndp_put_dns(const struct conf *c, struct pbuf *out)
{
	unsigned int i, n = MIN(c->dns6_n, CONF_DNS_MAX);
	size_t start, len;
	uint8_t *l;

	if (n) {
		pbuf_u8(out, NDP_OPT_RDNSS);
		pbuf_u8(out, (uint8_t)(1 + 2 * n));
		pbuf_be16(out, 0);
		pbuf_be32(out, NDP_DNS_LIFETIME);
		for (i = 0; i < n; i++)
			pbuf_bytes(out, &c->dns6[i], sizeof(c->dns6[i]));
	}

	start = out->len;
	pbuf_u8(out, NDP_OPT_DNSSL);
	pbuf_u8(out, 0); /* patched below */
	pbuf_be16(out, 0);
	pbuf_be32(out, NDP_DNS_LIFETIME);
	for (i = 0, n = 0; i < MIN(c->search_n, CONF_SEARCH_MAX); i++) {
		if (dname_wire_len(c->search[i]) > 1 &&
		    dname_put(out, c->search[i]))
			n++;
	}
	if (!pbuf_ok(out))
		return;
	if (!n) {
		out->len = start;
		return;
	}
	while ((out->len - start) % 8)
		pbuf_u8(out, 0);
	len = (out->len - start) / 8;
	l = pbuf_at(out, start + 1, 1);
	if (l)
		*l = (uint8_t)len; /* at most (8 + 6 * 255 + 7) / 8 = 192 */
}

/* ndp_put_ra() - append a router advertisement (RFC 4861 4.2) from us,
 * checksum zero, with every option we announce. */
static void ndp_put_ra(const struct conf *c, struct pbuf *out)
{
	uint8_t flags = c->no_dhcpv6 ? 0 : NDP_RA_M | NDP_RA_O;

	pbuf_u8(out, NDP_RA);
	pbuf_u8(out, 0);
	pbuf_be16(out, 0);
	pbuf_u8(out, 0); /* cur hop limit: unspecified, keep the guest's */
	pbuf_u8(out, flags);
	pbuf_be16(out, NDP_ROUTER_LIFETIME);
	pbuf_be32(out, 0); /* reachable time: unspecified */
	pbuf_be32(out, 0); /* retrans timer: unspecified */

	pbuf_u8(out, NDP_OPT_SLLA);
	pbuf_u8(out, 1);
	pbuf_bytes(out, c->our_mac, 6);

	if (c->mtu >= CONF_MTU6_MIN) {
		pbuf_u8(out, NDP_OPT_MTU);
		pbuf_u8(out, 1);
		pbuf_be16(out, 0);
		pbuf_be32(out, (uint32_t)c->mtu);
	}

	ndp_put_prefix(c, out);
	ndp_put_dns(c, out);
}

/* ndp_ra_build() - see ndp.h. */
int ndp_ra_build(const struct conf *c, struct pbuf *out, struct ndp_out *o)
{
	size_t start = out->len;

	if (!c->v6 || c->no_ndp || c->no_ra)
		return -EPERM;
	memset(o, 0, sizeof(*o));
	o->src = c->ll6;
	o->dst = ndp_all_nodes;
	memcpy(o->dst_mac, ndp_all_nodes_mac, 6);
	ndp_put_ra(c, out);
	return ndp_finish(out, start, o) ? 0 : -ENOSPC;
}

/* ndp_rs() - validate a router solicitation (RFC 4861 6.1.1; hop limit
 * and code already checked) and answer it with an RA, unicast to the
 * solicitor or to all-nodes if it came from :: (6.2.6). */
static enum ndp_verdict ndp_rs(const struct conf *c, const struct ndp_in *in,
			       struct pkt *msg, struct pbuf *out,
			       struct ndp_out *o)
{
	bool unspec = IN6_IS_ADDR_UNSPECIFIED(&in->src);
	size_t start = out->len;
	bool slla;

	if (!pkt_skip(msg, NDP_RS_LEN))
		return NDP_BAD_LENGTH;
	if (!ndp_opts_check(msg, &slla))
		return NDP_BAD_OPTION;
	if (unspec && slla)
		return NDP_BAD_SOURCE;
	if (c->no_ra)
		return NDP_IGNORE;

	memset(o, 0, sizeof(*o));
	o->src = c->ll6;
	if (unspec) {
		o->dst = ndp_all_nodes;
		memcpy(o->dst_mac, ndp_all_nodes_mac, 6);
	} else {
		o->dst = in->src;
		memcpy(o->dst_mac, in->src_mac, 6);
	}
	ndp_put_ra(c, out);
	return ndp_finish(out, start, o) ? NDP_REPLY : NDP_NO_ROOM;
}

/* ndp_ns() - validate a neighbour solicitation (RFC 4861 7.1.1; hop
 * limit and code already checked) and, if the target is one we answer
 * for (see the theory), build the advertisement (7.2.4). */
static enum ndp_verdict ndp_ns(const struct conf *c, const struct ndp_in *in,
			       struct pkt *msg, struct pbuf *out,
			       struct ndp_out *o)
{
	bool unspec = IN6_IS_ADDR_UNSPECIFIED(&in->src);
	size_t start = out->len;
	struct in6_addr target;
	bool slla;

	if (!pkt_skip(msg, 8) || !pkt_copy(msg, &target, sizeof(target)))
		return NDP_BAD_LENGTH;
	if (!ndp_opts_check(msg, &slla))
		return NDP_BAD_OPTION;
	if (IN6_IS_ADDR_MULTICAST(&target) || IN6_IS_ADDR_UNSPECIFIED(&target))
		return NDP_BAD_TARGET;
	if (unspec && (slla || !ndp_solicited_node(&in->dst, &target)))
		return NDP_BAD_SOURCE;

	/* Never claim the guest's own address, or what it asks about
	 * itself; from ::, only defend the addresses that are ours. */
	if (IN6_ARE_ADDR_EQUAL(&target, &c->addr6) ||
	    IN6_ARE_ADDR_EQUAL(&target, &in->src))
		return NDP_IGNORE;
	if (unspec && !IN6_ARE_ADDR_EQUAL(&target, &c->ll6) &&
	    !IN6_ARE_ADDR_EQUAL(&target, &c->gw6))
		return NDP_IGNORE;

	memset(o, 0, sizeof(*o));
	o->src = target;
	if (unspec) {
		o->dst = ndp_all_nodes;
		memcpy(o->dst_mac, ndp_all_nodes_mac, 6);
	} else {
		o->dst = in->src;
		memcpy(o->dst_mac, in->src_mac, 6);
	}
	pbuf_u8(out, NDP_NA);
	pbuf_u8(out, 0);
	pbuf_be16(out, 0);
	pbuf_u8(out, NDP_NA_R | (unspec ? 0 : NDP_NA_S) | NDP_NA_O);
	pbuf_put(out, 3);
	pbuf_bytes(out, &target, sizeof(target));
	pbuf_u8(out, NDP_OPT_TLLA);
	pbuf_u8(out, 1);
	pbuf_bytes(out, c->our_mac, 6);
	return ndp_finish(out, start, o) ? NDP_REPLY : NDP_NO_ROOM;
}

/* ndp_dispatch() - check what every NDP message shares (hop limit 255,
 * code 0, a unicast or unspecified source), then validate and answer
 * per type. Returns the verdict for ndp_reply(). */
static enum ndp_verdict ndp_dispatch(const struct conf *c,
				     const struct ndp_in *in, struct pkt *msg,
				     struct pbuf *out, struct ndp_out *o)
{
	uint8_t hdr[2];
	const uint8_t *h;

	h = pkt_peek(msg, 2, hdr);
	if (!h)
		return NDP_BAD_LENGTH;
	if (h[0] < NDP_RS || h[0] > NDP_REDIRECT)
		return NDP_IGNORE;
	if (in->hop_limit != NDP_HOP_LIMIT)
		return NDP_BAD_HOP_LIMIT;
	if (h[1] != 0)
		return NDP_BAD_CODE;
	if (IN6_IS_ADDR_MULTICAST(&in->src))
		return NDP_BAD_SOURCE;
	if (!c->v6 || c->no_ndp)
		return NDP_IGNORE;

	switch (h[0]) {
	case NDP_RS:
		return ndp_rs(c, in, msg, out, o);
	case NDP_NS:
		return ndp_ns(c, in, msg, out, o);
	default:
		/* RA, NA, redirect: a guest has nothing to tell us. */
		return NDP_IGNORE;
	}
}

/* ndp_reply() - see ndp.h. Bad input is traced, never logged louder:
 * the caller counts verdicts. */
enum ndp_verdict ndp_reply(const struct conf *c, const struct ndp_in *in,
			   struct pkt *msg, struct pbuf *out, struct ndp_out *o)
{
	enum ndp_verdict v = ndp_dispatch(c, in, msg, out, o);

	if (v != NDP_REPLY && v != NDP_IGNORE)
		trace("ndp: %s", ndp_verdict_name[v]);
	return v;
}
