// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net.c - Ethernet: the entry point for frames from the guest, and ARP.
 */
#include <string.h>

#include "../core/frame.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "arp.h"
#include "dns.h"
#include "net.h"
#include "ndp.h"

const char *const net_verdict_name[] = {
	[NET_DONE] = "done",
	[NET_FLOW] = "flow",
	[NET_IGNORE] = "ignored",
	[NET_DROP_ETH] = "truncated Ethernet header",
	[NET_DROP_NOT_US] = "not addressed to us",
	[NET_DROP_ETHERTYPE] = "unknown ethertype",
	[NET_DROP_ARP] = "malformed ARP",
	[NET_DROP_IP4] = "malformed IPv4",
	[NET_DROP_IP4_CSUM] = "bad IPv4 header checksum",
	[NET_DROP_FRAG] = "fragment",
	[NET_DROP_IP6] = "malformed IPv6",
	[NET_DROP_IP6_EXT] = "bad IPv6 extension headers",
	[NET_DROP_PROTO] = "unsupported protocol",
	[NET_DROP_UDP] = "malformed UDP",
	[NET_DROP_UDP_CSUM] = "bad UDP checksum",
	[NET_DROP_TCP] = "malformed TCP",
	[NET_DROP_ICMP] = "malformed ICMP",
	[NET_DROP_ICMP_CSUM] = "bad ICMP checksum",
	[NET_DROP_ICMP_TYPE] = "ICMP type not forwarded",
	[NET_DROP_ADDR] = "bad address",
	[NET_DROP_DHCP] = "malformed DHCP",
	[NET_DROP_NDP] = "malformed NDP",
	[NET_DROP_DHCPV6] = "malformed DHCPv6",
	[NET_DROP_DNS] = "malformed DNS query",
	[NET_DROP_TXQ] = "transmit queue full",
};
static_assert(ARRAY_SIZE(net_verdict_name) == NET_VERDICT_COUNT,
	      "net verdict names");

unsigned long net_drops[NET_VERDICT_COUNT];

/* net_arp_in() - answer an ARP request through the txq. */
static enum net_verdict net_arp_in(const struct conf *c, struct pkt *p)
{
	uint8_t *slot = txq_reserve();
	uint8_t dst_mac[6];
	enum arp_verdict v;
	struct pbuf b;

	if (!slot)
		return NET_DROP_TXQ;
	pbuf_init(&b, slot + ETH_HLEN, ARP_LEN);
	v = arp_reply(c, p, &b, dst_mac);
	if (v == ARP_REPLY) {
		frame_eth(slot, dst_mac, ETH_P_ARP_);
		txq_commit(ETH_HLEN + b.len);
		return NET_DONE;
	}
	if (v == ARP_IGNORE)
		return NET_IGNORE;
	trace("arp: dropped: %s", arp_verdict_name[v]);
	return NET_DROP_ARP;
}

enum net_verdict net_frame_in(const struct conf *c, struct pkt *frame,
			      struct net_l4 *l4)
{
	uint8_t dst[6], src[6];
	enum net_verdict v;
	uint16_t type;

	if (!pkt_copy(frame, dst, 6) || !pkt_copy(frame, src, 6) ||
	    !pkt_be16(frame, &type)) {
		v = NET_DROP_ETH;
		goto out;
	}
	/* Frames from a group address are forged; unicast must be ours. */
	if ((src[0] & 1) || (!(dst[0] & 1) && memcmp(dst, c->our_mac, 6))) {
		v = NET_DROP_NOT_US;
		goto out;
	}
	if (!frame_mac.guest_known || memcmp(frame_mac.guest, src, 6)) {
		memcpy(frame_mac.guest, src, 6);
		frame_mac.guest_known = true;
		debug("guest MAC %02x:%02x:%02x:%02x:%02x:%02x", src[0], src[1],
		      src[2], src[3], src[4], src[5]);
	}

	switch (type) {
	case ETH_P_ARP_:
		v = c->v4 ? net_arp_in(c, frame) : NET_IGNORE;
		break;
	case ETH_P_IP_:
		v = c->v4 ? net_ip4_in(c, frame, src, l4) : NET_IGNORE;
		break;
	case ETH_P_IPV6_:
		v = c->v6 ? net_ip6_in(c, frame, src, l4) : NET_IGNORE;
		break;
	default:
		v = NET_DROP_ETHERTYPE;
	}
out:
	if (v != NET_DONE && v != NET_FLOW && v != NET_IGNORE) {
		net_drops[v]++;
		trace("frame dropped: %s", net_verdict_name[v]);
	}
	return v;
}

enum net_verdict net_dns_check(const struct pkt *payload)
{
	char name[DNS_NAME_TEXT_MAX];
	enum dns_verdict v;
	uint16_t qtype;
	struct pkt q;

	pkt_clone(&q, payload);
	v = dns_query_check(&q, name, sizeof(name), &qtype);
	if (v != DNS_OK) {
		trace("dns: query dropped: %s", dns_verdict_name[v]);
		return NET_DROP_DNS;
	}
	trace("dns: query %s type %u", name, qtype);
	return NET_FLOW;
}

void net_ra_periodic(const struct conf *c)
{
	uint8_t *slot;
	struct ndp_out o;
	struct pbuf b;

	if (!c->v6 || c->no_ndp || c->no_ra)
		return;
	slot = txq_reserve();
	if (!slot)
		return;
	pbuf_init(&b, slot + FRAME_L4_OFF6, 65535);
	if (ndp_ra_build(c, &b, &o) || !pbuf_ok(&b))
		return;
	txq_commit(frame_ip6(slot, o.dst_mac, &o.src, &o.dst, IPPROTO_ICMPV6,
			     b.len, 255));
}
