// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip6.c - IPv6 from the guest: header and extension-header checks, UDP,
 * ICMPv6 echo, and the local responders NDP and DHCPv6.
 */
#include <netinet/in.h>
#include <string.h>

#include "../core/csum.h"
#include "../core/frame.h"
#include "../core/inany.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "dhcpv6.h"
#include "ndp.h"
#include "net.h"

#define IP6_EXT_MAX 8 /* extension headers we walk before giving up */

/* ip6_ext_walk() - skip hop-by-hop, routing and destination options
 * headers; @nh is updated to the upper-layer protocol. */
static enum net_verdict ip6_ext_walk(struct pkt *p, uint8_t *nh)
{
	unsigned int n;

	for (n = 0; n < IP6_EXT_MAX; n++) {
		uint8_t next, len;

		switch (*nh) {
		case IPPROTO_HOPOPTS:
			if (n) /* only allowed first (RFC 8200 4.1) */
				return NET_DROP_IP6_EXT;
			/* fallthrough */
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (!pkt_u8(p, &next) || !pkt_u8(p, &len) ||
			    !pkt_skip(p, (size_t)len * 8 + 6))
				return NET_DROP_IP6_EXT;
			*nh = next;
			break;
		case IPPROTO_FRAGMENT:
			return NET_DROP_FRAG;
		default:
			return NET_FLOW;
		}
	}
	return NET_DROP_IP6_EXT;
}

/* ip6_ndp() - run the NDP responder, queue its reply. */
static enum net_verdict ip6_ndp(const struct conf *c, struct pkt *msg,
				const struct ndp_in *in)
{
	uint8_t *slot = txq_reserve();
	enum ndp_verdict v;
	struct ndp_out o;
	struct pbuf b;

	if (!slot)
		return NET_DROP_TXQ;
	memset(&o, 0, sizeof(o));
	pbuf_init(&b, slot + FRAME_L4_OFF6, c->mtu - IP6_HLEN);
	v = ndp_reply(c, in, msg, &b, &o);
	if (v == NDP_IGNORE)
		return NET_IGNORE;
	if (v != NDP_REPLY || !pbuf_ok(&b)) {
		trace("ndp: dropped: %s", ndp_verdict_name[v]);
		return NET_DROP_NDP;
	}
	txq_commit(frame_ip6(slot, o.dst_mac, &o.src, &o.dst, IPPROTO_ICMPV6,
			     b.len, 255));
	return NET_DONE;
}

/* ip6_dhcpv6() - run the DHCPv6 responder, queue its reply. */
static enum net_verdict ip6_dhcpv6(const struct conf *c, struct pkt *msg,
				   const struct dhcpv6_in *in)
{
	uint8_t *slot = txq_reserve();
	enum dhcpv6_verdict v;
	struct dhcpv6_out o;
	struct pbuf b;

	if (!slot)
		return NET_DROP_TXQ;
	memset(&o, 0, sizeof(o));
	pbuf_init(&b, slot + FRAME_L4_OFF6 + UDP_HLEN,
		  c->mtu - IP6_HLEN - UDP_HLEN);
	v = dhcpv6_reply(c, in, msg, &b, &o);
	if (v == DHCPV6_IGNORE)
		return NET_IGNORE;
	if (v != DHCPV6_REPLY || !pbuf_ok(&b)) {
		trace("dhcpv6: dropped: %s", dhcpv6_verdict_name[v]);
		return NET_DROP_DHCPV6;
	}
	txq_commit(frame_udp6(slot, o.dst_mac, &c->ll6, DHCPV6_SERVER_PORT,
			      &o.dst, DHCPV6_CLIENT_PORT, b.len));
	return NET_DONE;
}

static enum net_verdict ip6_udp(const struct conf *c, struct pkt *p,
				const struct in6_addr *src,
				const struct in6_addr *dst,
				const uint8_t *src_mac, struct net_l4 *l4)
{
	uint16_t sport, dport, len, sum;
	bool group = IN6_IS_ADDR_MULTICAST(dst);
	uint32_t s;

	if (pkt_left(p) < UDP_HLEN)
		return NET_DROP_UDP;
	s = csum_pkt(
		p, csum_pseudo6(src, dst, IPPROTO_UDP, (uint32_t)pkt_left(p)));
	if (!pkt_be16(p, &sport) || !pkt_be16(p, &dport) ||
	    !pkt_be16(p, &len) || !pkt_be16(p, &sum))
		return NET_DROP_UDP;
	if (len != pkt_left(p) + UDP_HLEN)
		return NET_DROP_UDP;
	if (!sum || csum_fold(s)) /* the checksum is mandatory in IPv6 */
		return NET_DROP_UDP_CSUM;

	if (dport == DHCPV6_SERVER_PORT && sport == DHCPV6_CLIENT_PORT) {
		struct dhcpv6_in in = {.src = *src};

		if (c->no_dhcpv6)
			return NET_IGNORE;
		memcpy(in.src_mac, src_mac, 6);
		if (group || inany_eq(dst, &c->ll6))
			return ip6_dhcpv6(c, p, &in);
	}
	if (group)
		return NET_IGNORE;
	if (!sport || !dport || IN6_IS_ADDR_UNSPECIFIED(src))
		return NET_DROP_UDP;

	if (dport == 53 && !IN6_IS_ADDR_UNSPECIFIED(&c->dns_fwd6) &&
	    inany_eq(dst, &c->dns_fwd6) && net_dns_check(p) != NET_FLOW)
		return NET_DROP_DNS;

	l4->proto = IPPROTO_UDP;
	l4->src = *src;
	l4->dst = *dst;
	l4->sport = sport;
	l4->dport = dport;
	pkt_clone(&l4->payload, p);
	return NET_FLOW;
}

static enum net_verdict ip6_icmp(const struct conf *c, struct pkt *p,
				 const struct in6_addr *src,
				 const struct in6_addr *dst, uint8_t hop,
				 const uint8_t *src_mac, struct net_l4 *l4)
{
	struct ndp_in in;
	uint8_t type, code;
	uint16_t sum, id;
	struct pkt msg;

	if (pkt_left(p) < 4)
		return NET_DROP_ICMP;
	if (csum_fold(csum_pkt(p, csum_pseudo6(src, dst, IPPROTO_ICMPV6,
					       (uint32_t)pkt_left(p)))))
		return NET_DROP_ICMP_CSUM;
	pkt_clone(&msg, p);
	if (!pkt_u8(p, &type) || !pkt_u8(p, &code) || !pkt_be16(p, &sum))
		return NET_DROP_ICMP;

	switch (type) {
	case 133: /* router solicitation */
	case 135: /* neighbour solicitation */
		if (c->no_ndp)
			return NET_IGNORE;
		memset(&in, 0, sizeof(in));
		in.src = *src;
		in.dst = *dst;
		in.hop_limit = hop;
		memcpy(in.src_mac, src_mac, 6);
		return ip6_ndp(c, &msg, &in);
	case 130: /* multicast listener query, report, done */
	case 131:
	case 132:
	case 134: /* router and neighbour advertisements, redirect */
	case 136:
	case 137:
	case 143: /* MLDv2 report */
		return NET_IGNORE;
	case 128: /* echo request */
		break;
	default:
		return NET_DROP_ICMP_TYPE;
	}
	if (code || !pkt_be16(p, &id))
		return NET_DROP_ICMP;
	if (IN6_IS_ADDR_MULTICAST(dst))
		return NET_IGNORE;
	if (IN6_IS_ADDR_UNSPECIFIED(src))
		return NET_DROP_ADDR;
	l4->proto = IPPROTO_ICMPV6;
	l4->src = *src;
	l4->dst = *dst;
	l4->sport = id;
	l4->dport = 0;
	pkt_clone(&l4->payload, &msg);
	return NET_FLOW;
}

enum net_verdict net_ip6_in(const struct conf *c, struct pkt *p,
			    const uint8_t *src_mac, struct net_l4 *l4)
{
	struct in6_addr src, dst;
	uint8_t hdr[IP6_HLEN];
	const uint8_t *h;
	enum net_verdict v;
	uint8_t nh, hop;

	h = pkt_pull(p, IP6_HLEN, hdr);
	if (!h || (h[0] >> 4) != 6)
		return NET_DROP_IP6;
	/* Payload length 0 would mean a jumbogram: not on our links. */
	if (!get_be16(h + 4) || !pkt_narrow(p, get_be16(h + 4)))
		return NET_DROP_IP6;
	nh = h[6];
	hop = h[7];
	memcpy(&src, h + 8, 16);
	memcpy(&dst, h + 24, 16);
	if (IN6_IS_ADDR_MULTICAST(&src) || IN6_IS_ADDR_LOOPBACK(&src) ||
	    IN6_IS_ADDR_V4MAPPED(&src) || IN6_IS_ADDR_UNSPECIFIED(&dst) ||
	    IN6_IS_ADDR_LOOPBACK(&dst) || IN6_IS_ADDR_V4MAPPED(&dst))
		return NET_DROP_ADDR;

	v = ip6_ext_walk(p, &nh);
	if (v != NET_FLOW)
		return v;

	switch (nh) {
	case IPPROTO_UDP:
		return ip6_udp(c, p, &src, &dst, src_mac, l4);
	case IPPROTO_ICMPV6:
		return ip6_icmp(c, p, &src, &dst, hop, src_mac, l4);
	case IPPROTO_TCP:
		if (IN6_IS_ADDR_MULTICAST(&dst) ||
		    IN6_IS_ADDR_UNSPECIFIED(&src))
			return NET_DROP_ADDR;
		l4->src = src;
		l4->dst = dst;
		return net_tcp_parse(p, l4);
	case IPPROTO_NONE:
		return NET_IGNORE;
	default:
		return NET_DROP_PROTO;
	}
}
