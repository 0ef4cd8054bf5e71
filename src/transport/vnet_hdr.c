// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnet_hdr.c - checksum fields of the virtio-net header (VIRTIO 1.1,
 * 5.1.6): flags (u8), gso_type (u8), hdr_len, gso_size, csum_start,
 * csum_offset (le16 each). burrow never uses segmentation offload, so
 * gso_type is always 0 (VIRTIO_NET_HDR_GSO_NONE) both ways.
 */
#include <string.h>

#include "../core/csum.h"
#include "../core/util.h"
#include "vnet_hdr.h"

#define VNET_CSUM_OFF_TCP 16 /* offsetof(struct tcphdr, check) */
#define VNET_CSUM_OFF_UDP 6  /* offsetof(struct udphdr, check) */

static void vnet_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void vnet_hdr_out(uint8_t *hdr, struct txq_csum cs)
{
	uint16_t hl;

	memset(hdr, 0, VNET_HDR_CSUM_LEN);
	if (!cs.start)
		return;
	/* hdr_len: the guest's kernel keeps this much in the linear part,
	 * and the checksum field must be there. */
	hl = (uint16_t)(cs.start + cs.offset + 2);
	hdr[0] = VNET_HDR_F_NEEDS_CSUM;
	vnet_le16(hdr + 2, hl);
	vnet_le16(hdr + 6, cs.start);
	vnet_le16(hdr + 8, cs.offset);
}

bool vnet_csum_complete(uint8_t *f, size_t len, uint16_t start, uint16_t offset)
{
	size_t at = (size_t)start + offset;
	uint16_t c;

	if (at + 2 > len || start >= len)
		return false;
	c = csum(f + start, len - start, 0);
	if (!c && offset == VNET_CSUM_OFF_UDP)
		c = 0xffff;
	put_be16(f + at, c);
	return true;
}

bool vnet_hdr_in(const uint8_t *hdr, uint8_t *f, size_t len)
{
	uint16_t start, offset;

	if (!(hdr[0] & VNET_HDR_F_NEEDS_CSUM))
		return true;
	start = (uint16_t)(hdr[6] | hdr[7] << 8);
	offset = (uint16_t)(hdr[8] | hdr[9] << 8);
	if ((size_t)start + offset + 2 > len)
		return false;
	if (offset == VNET_CSUM_OFF_TCP)
		return true; /* TCP checksums from the guest are not checked */
	return vnet_csum_complete(f, len, start, offset);
}
