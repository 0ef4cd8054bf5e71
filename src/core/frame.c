// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * frame.c - header builders for frames to the guest; see frame.h.
 */
#include <string.h>

#include "csum.h"
#include "frame.h"
#include "txq.h"
#include "util.h"

struct frame_macs frame_mac = {
	.guest = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
};

const uint8_t frame_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static uint16_t frame_ip4_id;

size_t frame_eth(uint8_t *buf, const uint8_t *dst, uint16_t ethertype)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, frame_mac.our, 6);
	put_be16(buf + 12, ethertype);
	return ETH_HLEN;
}

size_t frame_ip4(uint8_t *buf, const uint8_t *dst_mac, struct in_addr src,
		 struct in_addr dst, uint8_t proto, size_t l4len)
{
	uint8_t *ip = buf + ETH_HLEN;
	size_t tot = IP4_HLEN + l4len;

	ASSERT(tot <= 65535 && FRAME_L4_OFF4 + l4len <= FRAME_MAX);
	frame_eth(buf, dst_mac, ETH_P_IP_);
	ip[0] = 0x45;
	ip[1] = 0;
	put_be16(ip + 2, (uint16_t)tot);
	put_be16(ip + 4, frame_ip4_id++);
	put_be16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	put_be16(ip + 10, 0);
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put_be16(ip + 10, csum(ip, IP4_HLEN, 0));
	return ETH_HLEN + tot;
}

size_t frame_ip6(uint8_t *buf, const uint8_t *dst_mac,
		 const struct in6_addr *src, const struct in6_addr *dst,
		 uint8_t proto, size_t l4len, uint8_t hop)
{
	uint8_t *ip = buf + ETH_HLEN;

	ASSERT(l4len <= 65535 && FRAME_L4_OFF6 + l4len <= FRAME_MAX);
	frame_eth(buf, dst_mac, ETH_P_IPV6_);
	put_be32(ip, 0x60000000);
	put_be16(ip + 4, (uint16_t)l4len);
	ip[6] = proto;
	ip[7] = hop;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return FRAME_L4_OFF6 + l4len;
}

/* frame_l4_csum() - the checksum of the L4 part at @l4 (@len bytes, the
 * field at @field zeroed) with pseudo-header sum @pseudo: complete, or
 * with txq_partial_ok only the pseudo-header part, the transport
 * completing it. @l4off is the L4 offset in the frame. */
void frame_l4_csum(uint8_t *l4, size_t len, size_t field, uint32_t pseudo,
		   size_t l4off, bool udp)
{
	uint16_t c;

	if (txq_partial_ok) {
		put_be16(l4 + field, (uint16_t)~csum_fold(pseudo));
		txq_partial((uint16_t)l4off, (uint16_t)field);
		return;
	}
	c = csum(l4, len, pseudo);
	put_be16(l4 + field, udp && !c ? 0xffff : c);
}

static void frame_udp_hdr(uint8_t *uh, uint16_t sport, uint16_t dport,
			  size_t plen, uint32_t pseudo, size_t l4off)
{
	put_be16(uh, sport);
	put_be16(uh + 2, dport);
	put_be16(uh + 4, (uint16_t)(UDP_HLEN + plen));
	put_be16(uh + 6, 0);
	frame_l4_csum(uh, UDP_HLEN + plen, 6, pseudo, l4off, true);
}

size_t frame_udp4(uint8_t *buf, const uint8_t *dst_mac, struct in_addr src,
		  uint16_t sport, struct in_addr dst, uint16_t dport,
		  size_t plen)
{
	size_t l4 = UDP_HLEN + plen;

	ASSERT(l4 <= 65535 - IP4_HLEN);
	frame_udp_hdr(buf + FRAME_L4_OFF4, sport, dport, plen,
		      csum_pseudo4(src, dst, IPPROTO_UDP, (uint32_t)l4),
		      FRAME_L4_OFF4);
	return frame_ip4(buf, dst_mac, src, dst, IPPROTO_UDP, l4);
}

size_t frame_udp6(uint8_t *buf, const uint8_t *dst_mac,
		  const struct in6_addr *src, uint16_t sport,
		  const struct in6_addr *dst, uint16_t dport, size_t plen)
{
	size_t l4 = UDP_HLEN + plen;

	ASSERT(l4 <= 65535);
	frame_udp_hdr(buf + FRAME_L4_OFF6, sport, dport, plen,
		      csum_pseudo6(src, dst, IPPROTO_UDP, (uint32_t)l4),
		      FRAME_L4_OFF6);
	return frame_ip6(buf, dst_mac, src, dst, IPPROTO_UDP, l4, 64);
}
