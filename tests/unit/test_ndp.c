// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ndp.c - golden vectors for the NDP responder: RS -> RA, NS -> NA,
 * DAD, and malformed messages, whole and split over two segments.
 *
 * With BURROW_SEED_DIR set, every input is also written there as a fuzz
 * seed in fuzz_ndp's format (one flags byte, then the message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "core/csum.h"
#include "net/dname.h"
#include "net/ndp.h"

#define GUEST_LL "fe80::2"
static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static struct conf conf;

/* ip6() - parse a literal address, which must be valid. */
static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* assert_ip6() - @a is the address written as @s. */
static void assert_ip6(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = ip6(s);

	assert_memory_equal(a, &b, sizeof(b));
}

/* test_conf() - the configuration every test starts from. */
static int test_conf(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.v6 = true;
	conf.addr6 = ip6("fd00::2");
	conf.prefix6 = 64;
	conf.gw6 = ip6("fd00::1");
	conf.ll6 = ip6("fe80::1");
	conf.dns6[0] = ip6("fd00::53");
	conf.dns6_n = 1;
	strcpy(conf.search[0], "example.com");
	strcpy(conf.search[1], "lan.");
	conf.search_n = 2;
	conf.mtu = 65520;
	memcpy(conf.our_mac, our_mac, 6);
	return 0;
}

/* ref_csum() - an independent RFC 1071 checksum over the pseudo-header
 * and @msg, to check the module's result: 0 when the message is right. */
static uint16_t ref_csum(const struct in6_addr *src, const struct in6_addr *dst,
			 const uint8_t *msg, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2) {
		sum += (uint32_t)(src->s6_addr[i] << 8 | src->s6_addr[i + 1]);
		sum += (uint32_t)(dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	}
	sum += (uint32_t)len + 58;
	for (i = 0; i < len; i++)
		sum += (i & 1) ? msg[i] : (uint32_t)msg[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* seed() - write @msg as a fuzz seed if BURROW_SEED_DIR is set. */
static void seed(const char *name, uint8_t flags, const uint8_t *msg,
		 size_t len)
{
	const char *dir = getenv("BURROW_SEED_DIR");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputc(flags, f);
	fwrite(msg, 1, len, f);
	fclose(f);
}

struct result {
	enum ndp_verdict v;
	struct ndp_out o;
	uint8_t buf[2048];
	size_t len;
};

/* run() - feed @msg from @src to @dst through ndp_reply(), in one
 * segment and split at @split (if nonzero); both must agree. */
static void run(struct result *r, const char *src, const char *dst, uint8_t hop,
		const uint8_t *msg, size_t len, size_t split)
{
	struct ndp_in in = {.hop_limit = hop};
	struct iovec iov[2];
	struct result r2;
	struct pbuf b;
	struct pkt p;

	in.src = ip6(src);
	in.dst = ip6(dst);
	memcpy(in.src_mac, guest_mac, 6);

	memset(r, 0, sizeof(*r));
	pkt_init_buf(&p, msg, len);
	pbuf_init(&b, r->buf, sizeof(r->buf));
	r->v = ndp_reply(&conf, &in, &p, &b, &r->o);
	r->len = b.len;
	if (r->v != NDP_REPLY)
		assert_int_equal(b.len, 0);

	if (!split)
		return;
	iov[0].iov_base = (void *)(uintptr_t)msg;
	iov[0].iov_len = split;
	iov[1].iov_base = (void *)(uintptr_t)(msg + split);
	iov[1].iov_len = len - split;
	memset(&r2, 0, sizeof(r2));
	pkt_init(&p, iov, 2);
	pbuf_init(&b, r2.buf, sizeof(r2.buf));
	r2.v = ndp_reply(&conf, &in, &p, &b, &r2.o);
	assert_int_equal(r2.v, r->v);
	assert_int_equal(b.len, r->len);
	assert_memory_equal(r2.buf, r->buf, r->len);
	assert_memory_equal(&r2.o, &r->o, sizeof(r->o));
}

/* check_msg() - @r holds exactly @want except the checksum, and the
 * checksum is right for @r's addresses. */
static void check_msg(const struct result *r, const uint8_t *want, size_t len)
{
	uint8_t copy[2048];

	assert_int_equal(r->len, len);
	memcpy(copy, want, len);
	copy[2] = r->buf[2];
	copy[3] = r->buf[3];
	assert_memory_equal(r->buf, copy, len);
	assert_int_equal(ref_csum(&r->o.src, &r->o.dst, r->buf, r->len), 0);
	assert_int_equal(r->o.hop_limit, 255);
}

static const uint8_t rs[] = {
	133, 0, 0,    0,    0,	  0,	0,    0,
	1,   1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, /* SLLA */
};

/* The RA for the test configuration (checksum left 0). */
static const uint8_t ra[] = {
	134,
	0,
	0,
	0,
	0,
	0xc0,
	0x23,
	0x28,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	/* source link-layer address */
	1,
	1,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	/* MTU 65520 */
	5,
	1,
	0,
	0,
	0x00,
	0x00,
	0xff,
	0xf0,
	/* prefix fd00::/64, L=1 A=0, infinite lifetimes */
	3,
	4,
	64,
	0x80,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0,
	0,
	0,
	0,
	0xfd,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	/* RDNSS fd00::53, lifetime 9000 */
	25,
	3,
	0,
	0,
	0x00,
	0x00,
	0x23,
	0x28,
	0xfd,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0x53,
	/* DNSSL example.com lan, lifetime 9000, padded to 32 bytes */
	31,
	4,
	0,
	0,
	0x00,
	0x00,
	0x23,
	0x28,
	7,
	'e',
	'x',
	'a',
	'm',
	'p',
	'l',
	'e',
	3,
	'c',
	'o',
	'm',
	0,
	3,
	'l',
	'a',
	'n',
	0,
	0,
	0,
	0,
	0,
	0,
	0,
};

static void test_rs_ra(void **state)
{
	struct result r;

	(void)state;
	seed("rs", 0x00, rs, sizeof(rs));
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 9);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, ra, sizeof(ra));
	assert_memory_equal(&r.o.src, &conf.ll6, 16);
	assert_ip6(&r.o.dst, GUEST_LL);
	assert_memory_equal(r.o.dst_mac, guest_mac, 6);
}

static void test_rs_unspec(void **state)
{
	static const uint8_t dst_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	struct result r;

	(void)state;
	/* From ::, no options: answered to all-nodes. */
	seed("rs-unspec", 0x01, rs, 8);
	run(&r, "::", "ff02::2", 255, rs, 8, 3);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, ra, sizeof(ra));
	assert_ip6(&r.o.dst, "ff02::1");
	assert_memory_equal(r.o.dst_mac, dst_mac, 6);

	/* From :: with a source link-layer option: invalid. */
	run(&r, "::", "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_BAD_SOURCE);
}

static void test_ra_variants(void **state)
{
	uint8_t want[sizeof(ra)];
	struct ndp_out o;
	struct result r;
	uint8_t buf[2048];
	struct pbuf b;

	(void)state;
	/* Unsolicited: same message, to all-nodes, after existing bytes. */
	pbuf_init(&b, buf, sizeof(buf));
	pbuf_bytes(&b, "abcde", 5);
	assert_int_equal(ndp_ra_build(&conf, &b, &o), 0);
	memset(&r, 0, sizeof(r));
	r.len = b.len - 5;
	memcpy(r.buf, buf + 5, r.len);
	r.o = o;
	check_msg(&r, ra, sizeof(ra));
	assert_ip6(&o.dst, "ff02::1");

	/* Without DHCPv6: M=O=0, A=1. */
	conf.no_dhcpv6 = true;
	memcpy(want, ra, sizeof(ra));
	want[5] = 0;
	want[35] = 0xc0;
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, want, sizeof(want));
	conf.no_dhcpv6 = false;

	/* Small MTU, no DNS, no search: only SLLA and prefix. */
	conf.mtu = 1000;
	conf.dns6_n = 0;
	conf.search_n = 0;
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_REPLY);
	assert_int_equal(r.len, 16 + 8 + 32);
	assert_memory_equal(r.buf + 16, ra + 16, 8);
	assert_memory_equal(r.buf + 24, ra + 32, 32);
	assert_int_equal(ref_csum(&r.o.src, &r.o.dst, r.buf, r.len), 0);

	/* Disabled. */
	conf.no_ra = true;
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_IGNORE);
	pbuf_init(&b, buf, sizeof(buf));
	assert_int_equal(ndp_ra_build(&conf, &b, &o), -EPERM);
	conf.no_ra = false;
	conf.no_ndp = true;
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_IGNORE);
}

static void test_ra_no_room(void **state)
{
	uint8_t buf[64];
	struct ndp_in in = {.hop_limit = 255};
	struct ndp_out o;
	struct pbuf b;
	struct pkt p;

	(void)state;
	in.src = ip6(GUEST_LL);
	in.dst = ip6("ff02::2");
	pbuf_init(&b, buf, sizeof(buf));
	pkt_init_buf(&p, rs, sizeof(rs));
	assert_int_equal(ndp_reply(&conf, &in, &p, &b, &o), NDP_NO_ROOM);
	assert_int_equal(b.len, 0);
	pbuf_init(&b, buf, sizeof(buf));
	assert_int_equal(ndp_ra_build(&conf, &b, &o), -ENOSPC);
	assert_int_equal(b.len, 0);
}

/* An NS for fd00::1 to its solicited-node address, with an SLLA. */
static const uint8_t ns_gw[] = {
	135, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0, 0,	 0,    0,    0,	   0,	 0,
	0,   0, 0, 0, 0, 0, 0, 1, 1,	1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};

static const uint8_t na_gw[] = {
	136, 0, 0, 0, 0xe0, 0,	  0,	0,    0xfd, 0,	  0,
	0,   0, 0, 0, 0,    0,	  0,	0,    0,    0,	  0,
	0,   1, 2, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};

static void test_ns_gw(void **state)
{
	struct result r;

	(void)state;
	seed("ns-gw", 0x00, ns_gw, sizeof(ns_gw));
	run(&r, GUEST_LL, "ff02::1:ff00:1", 255, ns_gw, sizeof(ns_gw), 13);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, na_gw, sizeof(na_gw));
	assert_memory_equal(&r.o.src, &conf.gw6, 16);
	assert_ip6(&r.o.dst, GUEST_LL);
	assert_memory_equal(r.o.dst_mac, guest_mac, 6);

	/* Unicast NUD probe without options: same answer. */
	run(&r, GUEST_LL, "fd00::1", 255, ns_gw, 24, 1);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, na_gw, sizeof(na_gw));
}

static void test_ns_other(void **state)
{
	uint8_t ns[24], want[sizeof(na_gw)];
	struct result r;

	(void)state;
	/* Any other address on the link is us too. */
	memcpy(ns, ns_gw, 24);
	ns[23] = 0x99;
	memcpy(want, na_gw, sizeof(want));
	want[23] = 0x99;
	run(&r, GUEST_LL, "ff02::1:ff00:99", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_REPLY);
	check_msg(&r, want, sizeof(want));
	assert_ip6(&r.o.src, "fd00::99");

	/* Never the guest's own address. */
	ns[23] = 2;
	run(&r, GUEST_LL, "ff02::1:ff00:2", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_IGNORE);

	/* Nor the solicitor's own. */
	run(&r, "fd00::2", "ff02::1:ff00:2", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_IGNORE);
}

static void test_dad(void **state)
{
	static const uint8_t dst_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	uint8_t ns[24], want[sizeof(na_gw)];
	struct result r;

	(void)state;
	/* DAD for the guest's own address: silence. */
	memcpy(ns, ns_gw, 24);
	ns[23] = 2;
	seed("dad-guest", 0x03, ns, 24);
	run(&r, "::", "ff02::1:ff00:2", 255, ns, 24, 8);
	assert_int_equal(r.v, NDP_IGNORE);

	/* DAD for the gateway address: defended, to all-nodes. */
	run(&r, "::", "ff02::1:ff00:1", 255, ns_gw, 24, 0);
	assert_int_equal(r.v, NDP_REPLY); /* fd00::1 is gw6: defended */
	memcpy(want, na_gw, sizeof(want));
	want[4] = 0xa0; /* R, O; not solicited */
	check_msg(&r, want, sizeof(want));
	assert_ip6(&r.o.dst, "ff02::1");
	assert_memory_equal(r.o.dst_mac, dst_mac, 6);

	/* DAD for another address (the guest's link-local): silence. */
	memcpy(ns, ns_gw, 24);
	ns[8] = 0xfe;
	ns[9] = 0x80;
	ns[23] = 0x77;
	run(&r, "::", "ff02::1:ff00:77", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_IGNORE);

	/* DAD for our link-local: defended. */
	ns[23] = 1;
	seed("dad-ll6", 0x03, ns, 24);
	run(&r, "::", "ff02::1:ff00:1", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_REPLY);
	assert_memory_equal(&r.o.src, &conf.ll6, 16);

	/* DAD to the wrong destination, or with an SLLA: invalid. */
	run(&r, "::", "ff02::1:ff00:2", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_BAD_SOURCE);
	run(&r, "::", "ff02::1", 255, ns, 24, 0);
	assert_int_equal(r.v, NDP_BAD_SOURCE);
	run(&r, "::", "ff02::1:ff00:1", 255, ns_gw, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_SOURCE);
}

static void test_malformed(void **state)
{
	uint8_t m[64];
	struct result r;

	(void)state;
	/* Truncated NS, empty message, truncated RS. */
	run(&r, GUEST_LL, "fd00::1", 255, ns_gw, 20, 10);
	assert_int_equal(r.v, NDP_BAD_LENGTH);
	run(&r, GUEST_LL, "fd00::1", 255, ns_gw, 0, 0);
	assert_int_equal(r.v, NDP_BAD_LENGTH);
	run(&r, GUEST_LL, "fd00::1", 255, ns_gw, 1, 0);
	assert_int_equal(r.v, NDP_BAD_LENGTH);
	run(&r, GUEST_LL, "ff02::2", 255, rs, 7, 0);
	assert_int_equal(r.v, NDP_BAD_LENGTH);

	/* Option of length 0. */
	memcpy(m, ns_gw, sizeof(ns_gw));
	m[25] = 0;
	seed("ns-optlen0", 0x00, m, sizeof(ns_gw));
	run(&r, GUEST_LL, "fd00::1", 255, m, sizeof(ns_gw), 25);
	assert_int_equal(r.v, NDP_BAD_OPTION);

	/* Option running past the end. */
	m[25] = 2;
	run(&r, GUEST_LL, "fd00::1", 255, m, sizeof(ns_gw), 30);
	assert_int_equal(r.v, NDP_BAD_OPTION);
	memcpy(m, rs, sizeof(rs));
	m[9] = 3;
	run(&r, GUEST_LL, "ff02::2", 255, m, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_BAD_OPTION);

	/* A lone option type byte. */
	run(&r, GUEST_LL, "ff02::2", 255, rs, 9, 0);
	assert_int_equal(r.v, NDP_BAD_OPTION);

	/* Hop limit 64: off-link. */
	run(&r, GUEST_LL, "fd00::1", 64, ns_gw, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_HOP_LIMIT);
	run(&r, GUEST_LL, "ff02::2", 64, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_BAD_HOP_LIMIT);

	/* Code 1. */
	memcpy(m, ns_gw, sizeof(ns_gw));
	m[1] = 1;
	run(&r, GUEST_LL, "fd00::1", 255, m, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_CODE);

	/* Multicast and unspecified targets. */
	memcpy(m, ns_gw, sizeof(ns_gw));
	m[8] = 0xff;
	m[9] = 0x02;
	seed("ns-mcast", 0x00, m, sizeof(ns_gw));
	run(&r, GUEST_LL, "fd00::1", 255, m, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_TARGET);
	memset(m + 8, 0, 16);
	run(&r, GUEST_LL, "fd00::1", 255, m, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_TARGET);

	/* Multicast source. */
	run(&r, "ff02::1", "fd00::1", 255, ns_gw, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_BAD_SOURCE);
}

static void test_ignored(void **state)
{
	static const uint8_t echo[] = {128, 0, 0, 0, 0, 1, 0, 1};
	uint8_t m[sizeof(ra)];
	struct result r;

	(void)state;
	/* Echo request: not NDP; even with a wrong hop limit. */
	run(&r, GUEST_LL, "fd00::1", 64, echo, sizeof(echo), 0);
	assert_int_equal(r.v, NDP_IGNORE);

	/* RA, NA, redirect from the guest. */
	memcpy(m, ra, sizeof(ra));
	seed("ra", 0x00, m, sizeof(m));
	run(&r, GUEST_LL, "ff02::1", 255, m, sizeof(m), 0);
	assert_int_equal(r.v, NDP_IGNORE);
	run(&r, GUEST_LL, "ff02::1", 255, na_gw, sizeof(na_gw), 0);
	assert_int_equal(r.v, NDP_IGNORE);
	m[0] = 137;
	run(&r, GUEST_LL, "ff02::1", 255, m, 40, 0);
	assert_int_equal(r.v, NDP_IGNORE);

	/* IPv6 off. */
	conf.v6 = false;
	run(&r, GUEST_LL, "fd00::1", 255, ns_gw, sizeof(ns_gw), 0);
	assert_int_equal(r.v, NDP_IGNORE);
}

static void test_ra_max(void **state)
{
	struct result r;
	unsigned int i;

	(void)state;
	conf.dns6_n = CONF_DNS_MAX;
	conf.search_n = CONF_SEARCH_MAX;
	for (i = 0; i < CONF_SEARCH_MAX; i++) {
		/* labels of 63, 63, 63, 61: 253 of text, 255 on the wire */
		memset(conf.search[i], 'a' + i, 253);
		conf.search[i][63] = conf.search[i][127] = '.';
		conf.search[i][191] = '.';
		conf.search[i][253] = 0;
	}
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_REPLY);
	assert_int_equal(r.len, NDP_REPLY_MAX);
	assert_int_equal(r.buf[r.len - 1544], 31);
	assert_int_equal(r.buf[r.len - 1544 + 1], 1544 / 8);
	assert_int_equal(ref_csum(&r.o.src, &r.o.dst, r.buf, r.len), 0);

	/* A name that is too long is skipped, not cut. */
	conf.search[0][63] = 'x';
	conf.search_n = 1;
	run(&r, GUEST_LL, "ff02::2", 255, rs, sizeof(rs), 0);
	assert_int_equal(r.v, NDP_REPLY);
	assert_int_equal(r.len, 16 + 8 + 8 + 32 + 56);
}

static void test_dname(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} cases[] = {
		{"example.com", 13},
		{"example.com.", 13},
		{"", 1},
		{".", 1},
		{"a", 3},
		{"..", 0},
		{".a", 0},
		{"a..b", 0},
		{"a.b..", 0},
	};
	char label[80];
	uint8_t buf[300];
	struct pbuf b;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pbuf_init(&b, buf, sizeof(buf));
		assert_int_equal(dname_wire_len(cases[i].text), cases[i].len);
		assert_int_equal(dname_put(&b, cases[i].text), cases[i].len);
		assert_int_equal(b.len, cases[i].len);
	}
	pbuf_init(&b, buf, sizeof(buf));
	assert_int_equal(dname_put(&b, "lan."), 5);
	assert_memory_equal(buf, "\x03lan", 5);

	memset(label, 'q', sizeof(label));
	label[63] = 0;
	assert_int_equal(dname_wire_len(label), 65);
	label[63] = 'q';
	label[64] = 0;
	assert_int_equal(dname_wire_len(label), 0);

	/* No room: the builder's sticky error. */
	pbuf_init(&b, buf, 4);
	dname_put(&b, "example.com");
	assert_false(pbuf_ok(&b));
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NDP_VERDICT_COUNT; i++)
		assert_non_null(ndp_verdict_name[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rs_ra, test_conf),
		cmocka_unit_test_setup(test_rs_unspec, test_conf),
		cmocka_unit_test_setup(test_ra_variants, test_conf),
		cmocka_unit_test_setup(test_ra_no_room, test_conf),
		cmocka_unit_test_setup(test_ns_gw, test_conf),
		cmocka_unit_test_setup(test_ns_other, test_conf),
		cmocka_unit_test_setup(test_dad, test_conf),
		cmocka_unit_test_setup(test_malformed, test_conf),
		cmocka_unit_test_setup(test_ignored, test_conf),
		cmocka_unit_test_setup(test_ra_max, test_conf),
		cmocka_unit_test_setup(test_dname, test_conf),
		cmocka_unit_test_setup(test_names, test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
