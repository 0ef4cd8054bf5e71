// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pkt.c - the bounds-checked cursor and the builder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/pkt.h"

static const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05,
				0x06, 0x07, 0x08, 0x09, 0x0a};

static void test_read_contiguous(void **state)
{
	struct pkt p;
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;

	(void)state;
	pkt_init_buf(&p, bytes, sizeof(bytes));
	assert_int_equal(pkt_left(&p), 10);
	assert_true(pkt_u8(&p, &v8));
	assert_int_equal(v8, 1);
	assert_true(pkt_be16(&p, &v16));
	assert_int_equal(v16, 0x0203);
	assert_true(pkt_be32(&p, &v32));
	assert_int_equal(v32, 0x04050607);
	assert_int_equal(pkt_left(&p), 3);
	/* A read past the end fails, and the error is sticky. */
	assert_false(pkt_be32(&p, &v32));
	assert_false(pkt_ok(&p));
	assert_false(pkt_u8(&p, &v8));
	assert_int_equal(pkt_left(&p), 0);
	assert_non_null(p.err_func);
}

static void test_segments(void **state)
{
	struct iovec iov[3] = {
		{(void *)(uintptr_t)bytes, 3},
		{(void *)(uintptr_t)(bytes + 3), 1},
		{(void *)(uintptr_t)(bytes + 4), 6},
	};
	uint8_t buf[8];
	const uint8_t *d;
	struct pkt p;
	uint32_t v32;

	(void)state;
	pkt_init(&p, iov, 3);
	assert_int_equal(pkt_left(&p), 10);
	assert_true(pkt_skip(&p, 2));
	/* Spans three segments: copied into buf. */
	d = pkt_pull(&p, 4, buf);
	assert_ptr_equal(d, buf);
	assert_memory_equal(d, bytes + 2, 4);
	/* Inside one segment: pointer into it. */
	d = pkt_peek(&p, 4, buf);
	assert_ptr_equal(d, bytes + 6);
	assert_true(pkt_be32(&p, &v32));
	assert_int_equal(v32, 0x0708090a);
	assert_int_equal(pkt_left(&p), 0);
	assert_true(pkt_ok(&p));
	assert_null(pkt_pull(&p, 1, buf));
}

static void test_narrow_and_sub(void **state)
{
	struct pkt p, sub, c;
	uint8_t v8;

	(void)state;
	pkt_init_buf(&p, bytes, sizeof(bytes));
	assert_false(pkt_narrow(&p, 11)); /* claim beyond what arrived */
	pkt_init_buf(&p, bytes, sizeof(bytes));
	assert_true(pkt_narrow(&p, 5));
	assert_int_equal(pkt_left(&p), 5);
	assert_true(pkt_sub(&p, 2, &sub));
	assert_int_equal(pkt_left(&sub), 2);
	assert_int_equal(pkt_left(&p), 3);
	assert_true(pkt_u8(&sub, &v8));
	assert_int_equal(v8, 1);
	/* The clone reads its own window even after the original goes. */
	pkt_clone(&c, &p);
	assert_true(pkt_skip(&p, 3));
	assert_true(pkt_u8(&c, &v8));
	assert_int_equal(v8, 3);
	assert_false(pkt_sub(&p, 1, &sub));
	assert_false(pkt_ok(&sub));
}

static void test_builder(void **state)
{
	uint8_t mem[8];
	struct pbuf b;
	uint8_t *at;

	(void)state;
	pbuf_init(&b, mem, sizeof(mem));
	pbuf_be16(&b, 0x1234);
	pbuf_be32(&b, 0xdeadbeef);
	assert_true(pbuf_ok(&b));
	assert_int_equal(b.len, 6);
	at = pbuf_at(&b, 0, 2);
	assert_non_null(at);
	assert_int_equal(at[1], 0x34);
	assert_null(pbuf_at(&b, 5, 2)); /* not written yet */
	assert_false(pbuf_ok(&b));

	pbuf_init(&b, mem, sizeof(mem));
	pbuf_be32(&b, 1);
	pbuf_be32(&b, 2);
	assert_true(pbuf_ok(&b));
	pbuf_u8(&b, 3); /* one byte too many: nothing written */
	assert_false(pbuf_ok(&b));
	assert_int_equal(b.len, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_contiguous),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_narrow_and_sub),
		cmocka_unit_test(test_builder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
