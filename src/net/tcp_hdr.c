// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcp_hdr.c - the TCP header of a segment from the guest.
 *
 * Checked: the data offset (20..60 bytes, within the segment), every
 * option's length (within the header; kind 0 ends the list, kind 1 is one
 * byte, every other kind has a length byte of at least 2), the sizes of
 * MSS (4) and window scale (3). SYN together with RST or FIN is refused.
 *
 * Deliberately not verified: the checksum. A tap is memory, not a wire:
 * nothing can corrupt a frame between the guest's kernel and us, and a
 * guest that writes bad checksums on purpose only corrupts its own
 * connections. Verifying would read every payload byte once more on the
 * hottest path. (UDP and ICMP checksums are verified: those paths are
 * cheap, and a datagram has no stream to protect it.)
 */
#include <string.h>

#include "net.h"

#define TCP_HLEN_MIN 20
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3

/* tcp_hdr_options() - walk @len bytes of options; MSS and window scale
 * into @t. False if malformed. */
static bool tcp_hdr_options(struct pkt *p, size_t len, struct net_tcp *t)
{
	struct pkt o;

	if (!pkt_sub(p, len, &o))
		return false;
	while (pkt_left(&o)) {
		uint8_t kind, olen;

		if (!pkt_u8(&o, &kind))
			return false;
		if (kind == TCP_OPT_EOL)
			return true;
		if (kind == TCP_OPT_NOP)
			continue;
		if (!pkt_u8(&o, &olen) || olen < 2)
			return false;
		if (kind == TCP_OPT_MSS) {
			if (olen != 4 || !pkt_be16(&o, &t->mss))
				return false;
		} else if (kind == TCP_OPT_WS) {
			uint8_t ws;

			if (olen != 3 || !pkt_u8(&o, &ws))
				return false;
			t->wscale = (int8_t)MIN(ws, 14); /* RFC 7323 2.3 */
		} else if (!pkt_skip(&o, olen - 2U)) {
			return false;
		}
	}
	return true;
}

enum net_verdict net_tcp_parse(struct pkt *p, struct net_l4 *l4)
{
	struct net_tcp *t = &l4->tcp;
	uint8_t off, flags;
	uint16_t sum, urg;

	memset(t, 0, sizeof(*t));
	t->wscale = -1;
	if (!pkt_be16(p, &l4->sport) || !pkt_be16(p, &l4->dport) ||
	    !pkt_be32(p, &t->seq) || !pkt_be32(p, &t->ack) ||
	    !pkt_u8(p, &off) || !pkt_u8(p, &flags) || !pkt_be16(p, &t->win) ||
	    !pkt_be16(p, &sum) || !pkt_be16(p, &urg))
		return NET_DROP_TCP;
	off = (uint8_t)((off >> 4) * 4);
	if (off < TCP_HLEN_MIN || !l4->sport || !l4->dport)
		return NET_DROP_TCP;
	if (!tcp_hdr_options(p, off - TCP_HLEN_MIN, t))
		return NET_DROP_TCP;
	t->flags = flags & 0x3f;
	if ((t->flags & TCP_F_SYN) && (t->flags & (TCP_F_RST | TCP_F_FIN)))
		return NET_DROP_TCP;
	if (!(t->flags & TCP_F_SYN)) {
		t->mss = 0;
		t->wscale = -1;
	}
	l4->proto = IPPROTO_TCP;
	pkt_clone(&l4->payload, p);
	return NET_FLOW;
}
