// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_vnet_hdr.c - libFuzzer target for vnet_hdr_in(): the first 10
 * bytes are the virtio-net header a guest wrote, the rest its frame.
 * Nothing may be touched outside the frame, and a rejected frame must be
 * left as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "transport/vnet_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t f[65600], copy[65600];
	size_t len;

	if (n < VNET_HDR_CSUM_LEN)
		return 0;
	len = MIN(n - VNET_HDR_CSUM_LEN, sizeof(f));
	memcpy(f, d + VNET_HDR_CSUM_LEN, len);
	memcpy(copy, f, len);
	if (!vnet_hdr_in(d, f, len))
		ASSERT(!memcmp(f, copy, len));
	return 0;
}
