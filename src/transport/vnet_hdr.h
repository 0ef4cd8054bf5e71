/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet_hdr.h - the checksum fields of the virtio-net header, shared by the
 * tap (IFF_VNET_HDR) and vhost-user: partial checksums both ways.
 */
#ifndef BURROW_VNET_HDR_H
#define BURROW_VNET_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/txq.h"

#define VNET_HDR_F_NEEDS_CSUM 1 /* flags: checksum to be completed */
#define VNET_HDR_CSUM_LEN 10	/* flags..csum_offset: the part we fill */

/* vnet_hdr_out() - fill the first VNET_HDR_CSUM_LEN bytes of the header
 * of a frame to the guest with checksum note @cs: NEEDS_CSUM, hdr_len,
 * csum_start and csum_offset if it is partial, zeros if not. */
void vnet_hdr_out(uint8_t *hdr, struct txq_csum cs);

/* vnet_csum_complete() - complete the partial checksum of frame @f (@len
 * bytes): the field at @start + @offset holds the pseudo-header sum; the
 * Internet checksum of [@start, @len) is stored there (0 as 0xffff for a
 * UDP field). Returns false, touching nothing, if the field is not inside
 * the frame. */
bool vnet_csum_complete(uint8_t *f, size_t len, uint16_t start,
			uint16_t offset);

/* vnet_hdr_in() - act on the header @hdr (VNET_HDR_CSUM_LEN bytes) of a
 * frame @f (@len bytes) from the guest: a partial checksum is completed,
 * except a TCP one (csum_offset 16), which nothing here verifies. Returns
 * false if the frame must be dropped (a partial checksum outside it). */
bool vnet_hdr_in(const uint8_t *hdr, uint8_t *f, size_t len);

#endif /* BURROW_VNET_HDR_H */
