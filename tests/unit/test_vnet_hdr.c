// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vnet_hdr.c - partial checksums in the virtio-net header: the header
 * written for a partial frame, completion giving the same checksum as a
 * full computation, and headers from a guest that lie (field outside the
 * frame, TCP left alone, no flag).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "core/csum.h"
#include "core/util.h"
#include "transport/vnet_hdr.h"

#define L4 34 /* Ethernet + IPv4 header */

static uint8_t frame[L4 + 8 + 1001];

/* A UDP datagram with payload bytes i * 7, checksum field @field. */
static uint32_t make_udp(uint16_t field)
{
	struct in_addr s = {htonl(0xc6336402)}, d = {htonl(0xc6336401)};
	size_t i, l4len = sizeof(frame) - L4;

	memset(frame, 0, sizeof(frame));
	for (i = L4 + 8; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	put_be16(frame + L4, 5000);
	put_be16(frame + L4 + 2, 53);
	put_be16(frame + L4 + 4, (uint16_t)l4len);
	put_be16(frame + L4 + 6, field);
	return csum_pseudo4(s, d, 17, (uint32_t)l4len);
}

static void test_complete_equals_full(void **state)
{
	uint32_t pseudo = make_udp(0);
	uint16_t full = csum(frame + L4, sizeof(frame) - L4, pseudo);
	uint8_t hdr[VNET_HDR_CSUM_LEN] = {VNET_HDR_F_NEEDS_CSUM};

	(void)state;
	/* What the frame builders leave: the folded pseudo-header sum */
	make_udp((uint16_t)~csum_fold(pseudo));
	hdr[6] = L4;
	hdr[8] = 6;
	assert_true(vnet_hdr_in(hdr, frame, sizeof(frame)));
	assert_int_equal(frame[L4 + 6] << 8 | frame[L4 + 7],
			 full ? full : 0xffff);
	/* And the whole datagram now sums to zero */
	assert_int_equal(csum(frame + L4, sizeof(frame) - L4, pseudo), 0);
}

static void test_hdr_out(void **state)
{
	uint8_t hdr[VNET_HDR_CSUM_LEN];
	struct txq_csum cs = {.start = 54, .offset = 16};

	(void)state;
	memset(hdr, 0xaa, sizeof(hdr));
	vnet_hdr_out(hdr, cs);
	assert_int_equal(hdr[0], VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(hdr[1], 0); /* no GSO */
	assert_int_equal(hdr[2] | hdr[3] << 8, 54 + 16 + 2);
	assert_int_equal(hdr[6] | hdr[7] << 8, 54);
	assert_int_equal(hdr[8] | hdr[9] << 8, 16);
	cs.start = 0;
	vnet_hdr_out(hdr, cs);
	for (size_t i = 0; i < sizeof(hdr); i++)
		assert_int_equal(hdr[i], 0);
}

static void test_lying_headers(void **state)
{
	static uint8_t copy[sizeof(frame)];
	uint8_t hdr[VNET_HDR_CSUM_LEN] = {VNET_HDR_F_NEEDS_CSUM};

	(void)state;
	make_udp(0x1234);
	memcpy(copy, frame, sizeof(frame));
	/* The field just past the end, far past, and start beyond it */
	put_be16(hdr + 6, (uint16_t)(sizeof(frame) - 1));
	put_be16(hdr + 8, 0);
	hdr[6] = (uint8_t)(sizeof(frame) - 1);
	hdr[7] = (uint8_t)((sizeof(frame) - 1) >> 8);
	assert_false(vnet_hdr_in(hdr, frame, sizeof(frame)));
	hdr[6] = hdr[7] = 0xff;
	hdr[8] = hdr[9] = 0xff;
	assert_false(vnet_hdr_in(hdr, frame, sizeof(frame)));
	hdr[6] = L4;
	hdr[7] = 0;
	hdr[8] = 0xfe;
	hdr[9] = 0xff;
	assert_false(vnet_hdr_in(hdr, frame, sizeof(frame)));
	assert_memory_equal(frame, copy, sizeof(frame));
	/* TCP's offset: left as it is, accepted */
	hdr[8] = 16;
	hdr[9] = 0;
	assert_true(vnet_hdr_in(hdr, frame, sizeof(frame)));
	assert_memory_equal(frame, copy, sizeof(frame));
	/* No flag: nothing looked at, even nonsense offsets */
	hdr[0] = 0;
	hdr[6] = hdr[7] = hdr[8] = hdr[9] = 0xff;
	assert_true(vnet_hdr_in(hdr, frame, sizeof(frame)));
	assert_memory_equal(frame, copy, sizeof(frame));
	/* Empty frame */
	hdr[0] = VNET_HDR_F_NEEDS_CSUM;
	hdr[6] = hdr[7] = hdr[8] = hdr[9] = 0;
	assert_false(vnet_hdr_in(hdr, frame, 0));
	assert_false(vnet_csum_complete(frame, 1, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_equals_full),
		cmocka_unit_test(test_hdr_out),
		cmocka_unit_test(test_lying_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
