/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame.h - build the headers of frames for the guest in place.
 *
 * Every frame we send has its L4 part at a fixed offset (FRAME_L4_OFF4 or
 * FRAME_L4_OFF6) in a txq slot: producers write (or receive) the L4 bytes
 * there first, then these functions fill in the headers in front. Callers
 * guarantee the L4 length fits the slot (FRAME_MAX); the functions assert
 * it.
 */
#ifndef BURROW_FRAME_H
#define BURROW_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN 14
#define IP4_HLEN 20
#define IP6_HLEN 40
#define UDP_HLEN 8
#define FRAME_L4_OFF4 (ETH_HLEN + IP4_HLEN)
#define FRAME_L4_OFF6 (ETH_HLEN + IP6_HLEN)

#define ETH_P_IP_ 0x0800
#define ETH_P_ARP_ 0x0806
#define ETH_P_IPV6_ 0x86dd

/* The link's MAC addresses: ours (the gateway's) and the guest's, learned
 * from its frames (broadcast until then). Written by net/ only. */
struct frame_macs {
	uint8_t our[6];	  /* source of every frame we send */
	uint8_t guest[6]; /* destination of unicast frames to the guest */
	bool guest_known; /* guest[] was learned from a frame */
};
extern struct frame_macs frame_mac;

extern const uint8_t frame_bcast[6];

/* frame_eth() - Ethernet header at @buf; returns ETH_HLEN. */
size_t frame_eth(uint8_t *buf, const uint8_t *dst, uint16_t ethertype);

/* frame_ip4() - Ethernet and IPv4 headers for @l4len bytes of protocol
 * @proto already at buf + FRAME_L4_OFF4. Returns the frame length. */
size_t frame_ip4(uint8_t *buf, const uint8_t *dst_mac, struct in_addr src,
		 struct in_addr dst, uint8_t proto, size_t l4len);

/* frame_ip6() - the same with an IPv6 header (hop limit @hop). */
size_t frame_ip6(uint8_t *buf, const uint8_t *dst_mac,
		 const struct in6_addr *src, const struct in6_addr *dst,
		 uint8_t proto, size_t l4len, uint8_t hop);

/* frame_l4_csum() - fill the L4 checksum field at @l4 + @field: the whole
 * checksum over @len bytes with pseudo-header sum @pseudo, or with
 * txq_partial_ok just the pseudo-header part and a txq_partial() note
 * (@l4off: L4 offset in the frame). @udp: 0 is sent as 0xffff. The slot
 * must be reserved. */
void frame_l4_csum(uint8_t *l4, size_t len, size_t field, uint32_t pseudo,
		   size_t l4off, bool udp);

/* frame_udp4() - UDP (with checksum), IPv4 and Ethernet headers for @plen
 * payload bytes already at buf + FRAME_L4_OFF4 + UDP_HLEN. */
size_t frame_udp4(uint8_t *buf, const uint8_t *dst_mac, struct in_addr src,
		  uint16_t sport, struct in_addr dst, uint16_t dport,
		  size_t plen);

/* frame_udp6() - the same for IPv6, payload at FRAME_L4_OFF6 + UDP_HLEN. */
size_t frame_udp6(uint8_t *buf, const uint8_t *dst_mac,
		  const struct in6_addr *src, uint16_t sport,
		  const struct in6_addr *dst, uint16_t dport, size_t plen);

#endif /* BURROW_FRAME_H */
