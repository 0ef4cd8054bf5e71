// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arp.c - ARP responder.
 *
 * We are the only other host on the link, so we claim every IPv4 address
 * but the guest's own: its gateway, on-link peers and anything else it
 * asks for. Requests for the guest's own address (probes, gratuitous
 * announcements) go unanswered, or the guest would see a conflict.
 */
#include <string.h>

#include "arp.h"

const char *const arp_verdict_name[] = {
	[ARP_REPLY] = "reply",
	[ARP_IGNORE] = "ignore",
	[ARP_BAD_SHORT] = "truncated",
	[ARP_BAD_FORMAT] = "not Ethernet/IPv4",
	[ARP_BAD_SENDER] = "bad sender address",
};
static_assert(ARRAY_SIZE(arp_verdict_name) == ARP_VERDICT_COUNT,
	      "arp verdict names");

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

enum arp_verdict arp_reply(const struct conf *c, struct pkt *msg,
			   struct pbuf *out, uint8_t dst_mac[6])
{
	uint8_t sha[6], spa[4], tha[6], tpa[4];
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;

	if (!pkt_be16(msg, &htype) || !pkt_be16(msg, &ptype) ||
	    !pkt_u8(msg, &hlen) || !pkt_u8(msg, &plen) || !pkt_be16(msg, &op) ||
	    !pkt_copy(msg, sha, 6) || !pkt_copy(msg, spa, 4) ||
	    !pkt_copy(msg, tha, 6) || !pkt_copy(msg, tpa, 4))
		return ARP_BAD_SHORT;
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return ARP_BAD_FORMAT;
	if (sha[0] & 1)
		return ARP_BAD_SENDER;
	if (op != ARP_OP_REQUEST)
		return ARP_IGNORE;
	/* Never claim the guest's own address, nor answer announcements. */
	if (!memcmp(tpa, &c->addr4, 4) || !memcmp(tpa, spa, 4))
		return ARP_IGNORE;

	pbuf_be16(out, 1);
	pbuf_be16(out, 0x0800);
	pbuf_u8(out, 6);
	pbuf_u8(out, 4);
	pbuf_be16(out, ARP_OP_REPLY);
	pbuf_bytes(out, c->our_mac, 6);
	pbuf_bytes(out, tpa, 4);
	pbuf_bytes(out, sha, 6);
	pbuf_bytes(out, spa, 4);
	if (!pbuf_ok(out))
		return ARP_IGNORE;
	memcpy(dst_mac, sha, 6);
	return ARP_REPLY;
}
