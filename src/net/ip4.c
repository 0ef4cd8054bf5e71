// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip4.c - IPv4 from the guest: header checks, UDP and ICMP, DHCP.
 */
#include <netinet/in.h>
#include <string.h>

#include "../core/csum.h"
#include "../core/frame.h"
#include "../core/inany.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "dhcp.h"
#include "net.h"

/* ip4_is_group() - broadcast (limited or directed to the guest's subnet),
 * multicast or class E destinations: never forwarded to the host. */
static bool ip4_is_group(const struct conf *c, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	uint32_t mask = c->prefix4 ? ~0U << (32 - c->prefix4) : 0;

	if (h >= 0xe0000000)
		return true;
	if (c->prefix4 && c->prefix4 < 31 && (h & ~mask) == ~mask &&
	    (h & mask) == (ntohl(c->addr4.s_addr) & mask))
		return true;
	return false;
}

/* ip4_dhcp() - run the DHCP responder, queue its reply. */
static enum net_verdict ip4_dhcp(const struct conf *c, struct pkt *payload)
{
	static const struct in_addr bcast = {.s_addr = 0xffffffff};
	uint8_t *slot = txq_reserve();
	enum dhcp_verdict v;
	struct dhcp_out o;
	struct pbuf b;

	if (!slot)
		return NET_DROP_TXQ;
	memset(&o, 0, sizeof(o));
	pbuf_init(&b, slot + FRAME_L4_OFF4 + UDP_HLEN,
		  c->mtu - IP4_HLEN - UDP_HLEN);
	v = dhcp_reply(c, payload, &b, &o);
	if (v == DHCP_IGNORE)
		return NET_DONE;
	if (v != DHCP_REPLY || !pbuf_ok(&b)) {
		trace("dhcp: dropped: %s", dhcp_verdict_name[v]);
		return NET_DROP_DHCP;
	}
	txq_commit(frame_udp4(slot, o.broadcast ? frame_bcast : o.dst_mac,
			      c->gw4, DHCP_SERVER_PORT,
			      o.broadcast ? bcast : o.dst, DHCP_CLIENT_PORT,
			      b.len));
	return NET_DONE;
}

/* ip4_udp() - check the UDP header and checksum; DHCP or a flow. */
static enum net_verdict ip4_udp(const struct conf *c, struct pkt *p,
				struct in_addr src, struct in_addr dst,
				bool group, struct net_l4 *l4)
{
	uint16_t sport, dport, len, sum;
	uint32_t s;

	if (pkt_left(p) < UDP_HLEN)
		return NET_DROP_UDP;
	s = csum_pkt(
		p, csum_pseudo4(src, dst, IPPROTO_UDP, (uint32_t)pkt_left(p)));
	if (!pkt_be16(p, &sport) || !pkt_be16(p, &dport) ||
	    !pkt_be16(p, &len) || !pkt_be16(p, &sum))
		return NET_DROP_UDP;
	/* The UDP length must match the IP payload exactly. */
	if (len != pkt_left(p) + UDP_HLEN)
		return NET_DROP_UDP;
	if (sum && csum_fold(s))
		return NET_DROP_UDP_CSUM;

	if (dport == DHCP_SERVER_PORT && sport == DHCP_CLIENT_PORT) {
		if (c->no_dhcp)
			return NET_IGNORE;
		if (group || dst.s_addr == c->gw4.s_addr)
			return ip4_dhcp(c, p);
	}
	if (group)
		return NET_IGNORE;
	if (!sport || !dport || !src.s_addr)
		return NET_DROP_UDP;

	if (dport == 53 && c->dns_fwd4.s_addr &&
	    dst.s_addr == c->dns_fwd4.s_addr && net_dns_check(p) != NET_FLOW)
		return NET_DROP_DNS;

	l4->proto = IPPROTO_UDP;
	inany_from4(&l4->src, src);
	inany_from4(&l4->dst, dst);
	l4->sport = sport;
	l4->dport = dport;
	pkt_clone(&l4->payload, p);
	return NET_FLOW;
}

/* ip4_icmp() - echo requests become flows; everything else is dropped. */
static enum net_verdict ip4_icmp(struct pkt *p, struct in_addr src,
				 struct in_addr dst, bool group,
				 struct net_l4 *l4)
{
	uint8_t type, code;
	uint16_t sum, id;
	struct pkt msg;

	pkt_clone(&msg, p);
	if (pkt_left(p) < 8)
		return NET_DROP_ICMP;
	if (csum_fold(csum_pkt(p, 0)))
		return NET_DROP_ICMP_CSUM;
	if (!pkt_u8(p, &type) || !pkt_u8(p, &code) || !pkt_be16(p, &sum) ||
	    !pkt_be16(p, &id))
		return NET_DROP_ICMP;
	if (type != 8 || code != 0)
		return NET_DROP_ICMP_TYPE;
	if (group)
		return NET_IGNORE;

	l4->proto = IPPROTO_ICMP;
	inany_from4(&l4->src, src);
	inany_from4(&l4->dst, dst);
	l4->sport = id;
	l4->dport = 0;
	pkt_clone(&l4->payload, &msg);
	return NET_FLOW;
}

enum net_verdict net_ip4_in(const struct conf *c, struct pkt *p,
			    const uint8_t *src_mac, struct net_l4 *l4)
{
	uint8_t hdr[60];
	const uint8_t *h;
	struct in_addr src, dst;
	size_t ihl, tot;
	bool group;

	(void)src_mac;
	h = pkt_peek(p, IP4_HLEN, hdr);
	if (!h || (h[0] >> 4) != 4)
		return NET_DROP_IP4;
	ihl = (size_t)(h[0] & 0xf) * 4;
	tot = get_be16(h + 2);
	if (ihl < IP4_HLEN || tot < ihl || tot > pkt_left(p))
		return NET_DROP_IP4;
	/* Drop link-layer padding and anything past the datagram. */
	if (!pkt_narrow(p, tot))
		return NET_DROP_IP4;
	h = pkt_pull(p, ihl, hdr);
	if (!h)
		return NET_DROP_IP4;
	if (csum(h, ihl, 0))
		return NET_DROP_IP4_CSUM;
	if (get_be16(h + 6) & 0x3fff) /* MF or a fragment offset */
		return NET_DROP_FRAG;
	memcpy(&src, h + 12, 4);
	memcpy(&dst, h + 16, 4);

	/* The source must be a unicast address; 0.0.0.0 only for DHCP. */
	if (ip4_is_group(c, src) || (ntohl(src.s_addr) >> 24) == 127)
		return NET_DROP_ADDR;
	group = ip4_is_group(c, dst);
	if (!dst.s_addr || (ntohl(dst.s_addr) >> 24) == 127)
		return NET_DROP_ADDR;

	switch (h[9]) {
	case IPPROTO_UDP:
		return ip4_udp(c, p, src, dst, group, l4);
	case IPPROTO_TCP:
		if (group || !src.s_addr)
			return NET_DROP_ADDR;
		inany_from4(&l4->src, src);
		inany_from4(&l4->dst, dst);
		return net_tcp_parse(p, l4);
	case IPPROTO_ICMP:
		if (!src.s_addr)
			return NET_DROP_ADDR;
		return ip4_icmp(p, src, dst, group, l4);
	case IPPROTO_IGMP:
		return NET_IGNORE;
	default:
		return NET_DROP_PROTO;
	}
}
