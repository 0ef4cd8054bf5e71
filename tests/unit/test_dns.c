// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dns.c - checking DNS queries: golden queries, compression pointers
 * (backwards only, loops, jump cap), name limits, escaping, truncation at
 * every length, and split segments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/log.h"
#include "core/pkt.h"
#include "net/dns.h"

/* A query for www.example.com A IN, recursion desired */
/* clang-format off */
static const uint8_t q_www[] = {
	0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,	/* header, RD */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0,
	0, 1, 0, 1,					/* A, IN */
};
/* clang-format on */

static enum dns_verdict check(const uint8_t *m, size_t n, char *name,
			      size_t name_len, uint16_t *qtype)
{
	struct pkt p;

	pkt_init_buf(&p, m, n);
	return dns_query_check(&p, name, name_len, qtype);
}

static void test_query(void **state)
{
	char name[DNS_NAME_TEXT_MAX];
	uint16_t qtype = 0;
	struct pkt p;

	(void)state;
	pkt_init_buf(&p, q_www, sizeof(q_www));
	assert_int_equal(dns_query_check(&p, name, sizeof(name), &qtype),
			 DNS_OK);
	assert_string_equal(name, "www.example.com");
	assert_int_equal(qtype, 1);
	assert_int_equal(pkt_offset(&p), sizeof(q_www));

	/* Outputs are optional */
	assert_int_equal(check(q_www, sizeof(q_www), NULL, 0, NULL), DNS_OK);
}

static void test_root_and_edns(void **state)
{
	/* ". NS IN" with an EDNS0 OPT record in the additional section */
	/* clang-format off */
	static const uint8_t m[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1,
		0, 0, 2, 0, 1,				/* . NS IN */
		0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0,	/* OPT */
	};
	/* clang-format on */
	char name[16];
	uint16_t qtype;

	(void)state;
	assert_int_equal(check(m, sizeof(m), name, sizeof(name), &qtype),
			 DNS_OK);
	assert_string_equal(name, ".");
	assert_int_equal(qtype, 2);
}

/* Every prefix of a valid query is rejected with the right reason */
static void test_truncated(void **state)
{
	char name[DNS_NAME_TEXT_MAX];
	uint16_t qtype = 0x5555;
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(q_www); n++) {
		enum dns_verdict v =
			check(q_www, n, name, sizeof(name), &qtype);

		if (n < 12)
			assert_int_equal(v, DNS_BAD_SHORT);
		else if (n < 29)
			assert_int_equal(v, DNS_BAD_NAME_TRUNC);
		else
			assert_int_equal(v, DNS_BAD_QUESTION_TRUNC);
		assert_int_equal(qtype, 0x5555);
	}
}

static void test_header(void **state)
{
	uint8_t m[sizeof(q_www)];

	(void)state;
	memcpy(m, q_www, sizeof(m));
	m[2] |= 0x80; /* QR */
	assert_int_equal(check(m, sizeof(m), NULL, 0, NULL), DNS_BAD_RESPONSE);
	m[2] = 0x01 | 2 << 3; /* opcode STATUS */
	assert_int_equal(check(m, sizeof(m), NULL, 0, NULL), DNS_BAD_OPCODE);
	m[2] = 0x01 | 5 << 3; /* opcode UPDATE */
	assert_int_equal(check(m, sizeof(m), NULL, 0, NULL), DNS_BAD_OPCODE);
	m[2] = 0x01;
	m[5] = 0; /* QDCOUNT 0 */
	assert_int_equal(check(m, sizeof(m), NULL, 0, NULL),
			 DNS_BAD_NO_QUESTION);
	m[4] = 1; /* QDCOUNT 256: only the first is checked */
	assert_int_equal(check(m, sizeof(m), NULL, 0, NULL), DNS_OK);
}

static void test_labels(void **state)
{
	uint8_t m[600];
	char name[DNS_NAME_TEXT_MAX];
	size_t n, i;

	(void)state;
	memset(m, 0, sizeof(m));
	memcpy(m, q_www, 12);

	/* 63-byte label: fine; 64 reads as type 01: refused */
	n = 12;
	m[n++] = 63;
	memset(m + n, 'a', 63);
	n += 63;
	m[n++] = 0;
	memcpy(m + n, "\0\1\0\1", 4);
	assert_int_equal(check(m, n + 4, name, sizeof(name), NULL), DNS_OK);
	assert_int_equal(strlen(name), 63);
	m[12] = 64;
	assert_int_equal(check(m, n + 4, NULL, 0, NULL), DNS_BAD_LABEL);
	m[12] = 0x80;
	assert_int_equal(check(m, n + 4, NULL, 0, NULL), DNS_BAD_LABEL);

	/* 255 bytes in wire form: fine; 256: too long */
	n = 12;
	for (i = 0; i < 4; i++) {
		m[n++] = 62;
		memset(m + n, 'b', 62);
		n += 62;
	}
	m[n++] = 1; /* 4 * 63 + 2 + 1 = 255 */
	m[n++] = 'c';
	m[n++] = 0;
	memcpy(m + n, "\0\1\0\1", 4);
	assert_int_equal(check(m, n + 4, name, sizeof(name), NULL), DNS_OK);
	assert_int_equal(strlen(name), 4 * 62 + 4 + 1);
	m[n - 3] = 2;
	m[n - 1] = 'c';
	m[n] = 0;
	memcpy(m + n + 1, "\0\1\0\1", 4);
	assert_int_equal(check(m, n + 5, NULL, 0, NULL), DNS_BAD_NAME_LEN);

	/* A long run of empty labels is not possible: the first one ends it,
	 * but a name of 1-byte labels hits the 255 limit */
	n = 12;
	for (i = 0; i < 200; i++) {
		m[n++] = 1;
		m[n++] = 'x';
	}
	m[n++] = 0;
	assert_int_equal(check(m, n + 4, NULL, 0, NULL), DNS_BAD_NAME_LEN);
}

static void test_escaping(void **state)
{
	/* clang-format off */
	static const uint8_t m[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		5, 'a', '.', 0, '\\', 0xff, 2, '%', 's', 0,
		0, 28, 0, 1,				/* AAAA IN */
	};
	/* clang-format on */
	char name[DNS_NAME_TEXT_MAX];
	char small[8];
	uint16_t qtype;

	(void)state;
	assert_int_equal(check(m, sizeof(m), name, sizeof(name), &qtype),
			 DNS_OK);
	assert_string_equal(name, "a\\x2e\\x00\\x5c\\xff.%s");
	assert_int_equal(qtype, 28);
	/* Truncated output, still terminated, whole escapes only */
	assert_int_equal(check(m, sizeof(m), small, sizeof(small), NULL),
			 DNS_OK);
	assert_string_equal(small, "a\\x2e");
	assert_int_equal(check(m, sizeof(m), small, 1, NULL), DNS_OK);
	assert_string_equal(small, "");
}

static void test_pointers(void **state)
{
	uint8_t m[64];
	char name[DNS_NAME_TEXT_MAX];
	uint16_t qtype;

	(void)state;
	/* "foo" then a pointer to offset 10: ARCOUNT's high byte, 0, the
	 * root. The first question starts right after the header, so that
	 * is the only place a pointer in it can go. */
	memcpy(m, q_www, 12);
	m[12] = 3, m[13] = 'f', m[14] = 'o', m[15] = 'o';
	m[16] = 0xc0, m[17] = 10;
	memcpy(m + 18, "\0\1\0\1", 4);
	assert_int_equal(check(m, 22, name, sizeof(name), &qtype), DNS_OK);
	assert_string_equal(name, "foo");
	assert_int_equal(qtype, 1);

	/* Pointing to itself, forwards, or to the name's own start */
	m[17] = 16;
	assert_int_equal(check(m, 22, NULL, 0, NULL), DNS_BAD_POINTER);
	m[17] = 18;
	assert_int_equal(check(m, 22, NULL, 0, NULL), DNS_BAD_POINTER);
	m[17] = 12;
	assert_int_equal(check(m, 22, NULL, 0, NULL), DNS_BAD_POINTER);
	m[16] = 0xff, m[17] = 0xff; /* far beyond the message */
	assert_int_equal(check(m, 22, NULL, 0, NULL), DNS_BAD_POINTER);
	/* Pointer cut in half */
	m[16] = 0xc0;
	assert_int_equal(check(m, 17, NULL, 0, NULL), DNS_BAD_NAME_TRUNC);
}

/* Loops between pointers: each must point before the previous target,
 * which breaks every cycle. */
static void test_pointer_loop(void **state)
{
	uint8_t m[64];

	(void)state;
	memcpy(m, q_www, 12);
	/* 12 -> 10 -> 10 (ARCOUNT = c0 0a, pointing to itself) */
	m[10] = 0xc0, m[11] = 10;
	m[12] = 0xc0, m[13] = 10;
	memcpy(m + 14, "\0\1\0\1", 4);
	assert_int_equal(check(m, 18, NULL, 0, NULL), DNS_BAD_POINTER);
	/* 12 -> 10 -> 8 -> 10 */
	m[8] = 0xc0, m[9] = 10;
	m[10] = 0xc0, m[11] = 8;
	assert_int_equal(check(m, 18, NULL, 0, NULL), DNS_BAD_POINTER);
	/* 12 -> 10 -> 8 -> 9: into the middle of the previous pointer */
	m[10] = 0xc0, m[11] = 8;
	m[8] = 0xc0, m[9] = 9;
	assert_int_equal(check(m, 18, NULL, 0, NULL), DNS_BAD_POINTER);
}

/* A chain of strictly backward pointers is followed to its end */
static void test_pointer_chain(void **state)
{
	uint8_t m[18];
	char name[8];

	(void)state;
	memcpy(m, q_www, 12);
	/* 12 -> 10 -> 8 -> 6 -> 4: QDCOUNT's high byte, 0, the root */
	m[6] = 0xc0, m[7] = 4;
	m[8] = 0xc0, m[9] = 6;
	m[10] = 0xc0, m[11] = 8;
	m[12] = 0xc0, m[13] = 10;
	memcpy(m + 14, "\0\1\0\1", 4);
	assert_int_equal(check(m, 18, name, sizeof(name), NULL), DNS_OK);
	assert_string_equal(name, ".");
}

static void test_split_segments(void **state)
{
	char ref[DNS_NAME_TEXT_MAX], name[DNS_NAME_TEXT_MAX];
	uint16_t qtype;
	size_t cut;

	(void)state;
	assert_int_equal(check(q_www, sizeof(q_www), ref, sizeof(ref), NULL),
			 DNS_OK);
	for (cut = 0; cut <= sizeof(q_www); cut++) {
		uint8_t *a = test_malloc(cut + 1);
		uint8_t *b = test_malloc(sizeof(q_www) - cut + 1);
		struct iovec iov[2] = {
			{.iov_base = a, .iov_len = cut},
			{.iov_base = b, .iov_len = sizeof(q_www) - cut},
		};
		struct pkt p;

		memcpy(a, q_www, cut);
		memcpy(b, q_www + cut, sizeof(q_www) - cut);
		pkt_init(&p, iov, 2);
		assert_int_equal(
			dns_query_check(&p, name, sizeof(name), &qtype),
			DNS_OK);
		assert_string_equal(name, ref);
		assert_int_equal(qtype, 1);
		test_free(a);
		test_free(b);
	}
}

/* The message need not start at offset 0 of the frame */
static void test_offset(void **state)
{
	uint8_t f[42 + sizeof(q_www) + 8];
	char name[DNS_NAME_TEXT_MAX];
	struct pkt p;

	(void)state;
	memset(f, 0xc0, sizeof(f));
	memcpy(f + 42, q_www, sizeof(q_www));
	f[42 + 16] = 0xc0, f[42 + 17] = 10; /* www + pointer to root */
	pkt_init_buf(&p, f, sizeof(f));
	assert_true(pkt_skip(&p, 42));
	assert_true(pkt_narrow(&p, 18 + 4));
	memcpy(f + 42 + 18, "\0\1\0\1", 4);
	assert_int_equal(dns_query_check(&p, name, sizeof(name), NULL), DNS_OK);
	assert_string_equal(name, "www");
}

/* Trace logging of accepted and dropped queries */
static void test_trace(void **state)
{
	char name[4];

	(void)state;
	log_level = LOG_LVL_TRACE;
	assert_int_equal(check(q_www, sizeof(q_www), NULL, 0, NULL), DNS_OK);
	assert_int_equal(check(q_www, sizeof(q_www), name, sizeof(name), NULL),
			 DNS_OK);
	assert_int_equal(check(q_www, 5, NULL, 0, NULL), DNS_BAD_SHORT);
	log_level = LOG_LVL_INFO;
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DNS_VERDICT_COUNT; i++)
		assert_non_null(dns_verdict_name[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_root_and_edns),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_split_segments),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
