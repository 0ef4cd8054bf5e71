/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csum.h - the Internet checksum (RFC 1071) over buffers and cursors, and
 * the IPv4/IPv6 pseudo-headers of TCP, UDP and ICMPv6.
 */
#ifndef BURROW_CSUM_H
#define BURROW_CSUM_H

#include <netinet/in.h>
#include <stdint.h>

#include "pkt.h"

/* Add @len bytes at @buf to the 32-bit running sum @sum (big-endian
 * 16-bit words; @len may be odd only for the last piece). */
uint32_t csum_add(uint32_t sum, const void *buf, size_t len);
/* Fold a running sum to 16 bits and complement it. */
uint16_t csum_fold(uint32_t sum);
/* Checksum of a buffer, ready to store (big-endian value). */
uint16_t csum(const void *buf, size_t len, uint32_t sum);
/* Running sum over the cursor's window from its position (no advance).
 * Handles odd-length pieces in the middle of a segmented frame. */
uint32_t csum_pkt(const struct pkt *p, uint32_t sum);
/* Pseudo-header sums. @len is the L4 length, @proto the IP protocol. */
uint32_t csum_pseudo4(struct in_addr src, struct in_addr dst, uint8_t proto,
		      uint32_t len);
uint32_t csum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t proto, uint32_t len);

#endif /* BURROW_CSUM_H */
