// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcp.c - the DHCPv4 responder: golden replies to hand-built
 * DISCOVER/REQUEST/INFORM/RELEASE messages, the RFC 2131 4.3.2 REQUEST
 * states, reply destinations, size limits, and malformed input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "core/log.h"
#include "core/pkt.h"
#include "net/dhcp.h"

#define XID 0x12345678U
#define HDR 236
#define OPTS (HDR + 4) /* first option byte */

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static struct conf conf;

/* test_conf() - the configuration every test starts from. */
static void test_conf(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	inet_pton(AF_INET, "10.0.2.15", &c->addr4);
	c->prefix4 = 24;
	inet_pton(AF_INET, "10.0.2.2", &c->gw4);
	inet_pton(AF_INET, "10.0.2.3", &c->dns4[0]);
	inet_pton(AF_INET, "1.1.1.1", &c->dns4[1]);
	c->dns4_n = 2;
	strcpy(c->search[0], "example.com");
	strcpy(c->search[1], "corp.example.com.");
	c->search_n = 2;
	c->mtu = 1500;
}

static int setup(void **state)
{
	(void)state;
	test_conf(&conf);
	return 0;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* mkreq() - a BOOTREQUEST from @mac with message type @type (0: none),
 * then @opts, then END. Returns its length (no padding). */
static size_t mkreq(uint8_t *b, uint8_t type, uint32_t ciaddr, uint16_t flags,
		    const uint8_t *opts, size_t optlen)
{
	size_t n = OPTS;

	memset(b, 0, OPTS);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[4] = 0x12, b[5] = 0x34, b[6] = 0x56, b[7] = 0x78;
	b[8] = 0, b[9] = 3; /* secs */
	b[10] = (uint8_t)(flags >> 8), b[11] = (uint8_t)flags;
	memcpy(b + 12, &ciaddr, 4);
	memcpy(b + 28, mac, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	if (type) {
		b[n++] = 53, b[n++] = 1, b[n++] = type;
	}
	if (optlen)
		memcpy(b + n, opts, optlen);
	n += optlen;
	b[n++] = 255;
	return n;
}

static enum dhcp_verdict run(const uint8_t *req, size_t len, uint8_t *out,
			     size_t cap, size_t *out_len, struct dhcp_out *o)
{
	enum dhcp_verdict v;
	struct pbuf b;
	struct pkt p;

	pkt_init_buf(&p, req, len);
	pbuf_init(&b, out, cap);
	memset(o, 0xaa, sizeof(*o));
	v = dhcp_reply(&conf, &p, &b, o);
	*out_len = b.len;
	return v;
}

/* find_opt() - the first instance of option @code in reply @r, its length
 * in @olen; NULL if absent. Stops at END. */
static const uint8_t *find_opt(const uint8_t *r, size_t len, uint8_t code,
			       size_t *olen)
{
	size_t i = OPTS;

	while (i < len && r[i] != 255) {
		if (!r[i]) {
			i++;
			continue;
		}
		assert_true(i + 1 < len && i + 2 + r[i + 1] <= len);
		if (r[i] == code) {
			*olen = r[i + 1];
			return r + i + 2;
		}
		i += 2 + r[i + 1];
	}
	assert_true(i < len); /* END present */
	return NULL;
}

static void expect_opt(const uint8_t *r, size_t len, uint8_t code,
		       const void *data, size_t dlen)
{
	size_t olen = 0;
	const uint8_t *d = find_opt(r, len, code, &olen);

	assert_non_null(d);
	assert_int_equal(olen, dlen);
	assert_memory_equal(d, data, dlen);
}

static void expect_no_opt(const uint8_t *r, size_t len, uint8_t code)
{
	size_t olen;

	assert_null(find_opt(r, len, code, &olen));
}

/* check_header() - the fixed part of a reply to mkreq()'s request. */
static void check_header(const uint8_t *r, uint16_t flags, uint32_t ciaddr,
			 uint32_t yiaddr)
{
	static const uint8_t zero[192];

	assert_int_equal(r[0], 2);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 6);
	assert_int_equal(r[3], 0);
	assert_int_equal(get_be32(r + 4), XID);
	assert_int_equal(get_be16(r + 8), 0);
	assert_int_equal(get_be16(r + 10), flags);
	assert_memory_equal(r + 12, &ciaddr, 4);
	assert_memory_equal(r + 16, &yiaddr, 4);
	assert_memory_equal(r + 20, zero, 8); /* siaddr, giaddr */
	assert_memory_equal(r + 28, mac, 6);
	assert_memory_equal(r + 34, zero, 10);
	assert_memory_equal(r + 44, zero, 192); /* sname, file */
	assert_memory_equal(r + 236, ((const uint8_t[]){99, 130, 83, 99}), 4);
}

/* The whole options field of the OFFER to a plain DISCOVER */
/* clang-format off */
static const uint8_t offer_opts[] = {
	53, 1, 2,				/* OFFER */
	54, 4, 10, 0, 2, 2,			/* server identifier */
	51, 4, 0x00, 0x01, 0x51, 0x80,		/* lease: 86400 s */
	58, 4, 0x00, 0x00, 0xa8, 0xc0,		/* T1: 43200 s */
	59, 4, 0x00, 0x01, 0x27, 0x50,		/* T2: 75600 s */
	1, 4, 255, 255, 255, 0,			/* subnet mask */
	3, 4, 10, 0, 2, 2,			/* router */
	6, 8, 10, 0, 2, 3, 1, 1, 1, 1,		/* DNS servers */
	26, 2, 0x05, 0xdc,			/* MTU 1500 */
	28, 4, 10, 0, 2, 255,			/* broadcast address */
	15, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
	119, 20,				/* search, compressed: */
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		4, 'c', 'o', 'r', 'p', 0xc0, 0x00,
	255,					/* END */
};
/* clang-format on */

static void test_discover_offer(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 1, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_int_equal(len, OPTS + sizeof(offer_opts));
	check_header(out, 0, 0, ip("10.0.2.15"));
	assert_memory_equal(out + OPTS, offer_opts, sizeof(offer_opts));
	assert_false(o.broadcast);
	assert_int_equal(o.dst.s_addr, ip("10.0.2.15"));
	assert_memory_equal(o.dst_mac, mac, 6);
	assert_int_equal(o.type, DHCP_MSG_OFFER);
}

static void test_discover_broadcast_flag(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 1, 0, 0x8000, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_header(out, 0x8000, 0, ip("10.0.2.15"));
	assert_true(o.broadcast);
	assert_int_equal(o.dst.s_addr, 0xffffffffU);
	assert_memory_equal(o.dst_mac, mac, 6);
}

static void test_request_selecting(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t opts[] = {54, 4, 10, 0, 2, 2, 50, 4, 10, 0, 2, 15};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 3, 0, 0, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_header(out, 0, 0, ip("10.0.2.15"));
	/* Same options as the OFFER, but an ACK */
	assert_int_equal(out[OPTS + 2], 5);
	assert_memory_equal(out + OPTS + 3, offer_opts + 3,
			    sizeof(offer_opts) - 3);
	assert_int_equal(o.type, DHCP_MSG_ACK);
	assert_false(o.broadcast);
	assert_int_equal(o.dst.s_addr, ip("10.0.2.15"));
}

static void test_request_other_server(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t opts[] = {54, 4, 10, 0, 2, 9, 50, 4, 10, 0, 2, 15};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 3, 0, 0, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_IGNORE);
}

static void check_nak(const uint8_t *out, size_t len, const struct dhcp_out *o,
		      uint16_t flags)
{
	size_t olen;

	check_header(out, flags, 0, 0);
	expect_opt(out, len, 53, "\x06", 1);
	expect_opt(out, len, 54, "\x0a\x00\x02\x02", 4);
	assert_non_null(find_opt(out, len, 56, &olen));
	expect_no_opt(out, len, 51);
	expect_no_opt(out, len, 1);
	expect_no_opt(out, len, 3);
	expect_no_opt(out, len, 6);
	assert_int_equal(o->type, DHCP_MSG_NAK);
	assert_true(o->broadcast);
	assert_int_equal(o->dst.s_addr, 0xffffffffU);
	assert_memory_equal(o->dst_mac, mac, 6);
	assert_int_equal(len, 300); /* padded to the BOOTP minimum */
	assert_int_equal(out[299], 0);
}

static void test_request_init_reboot(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t good[] = {50, 4, 10, 0, 2, 15};
	const uint8_t bad[] = {50, 4, 192, 168, 1, 7};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 3, 0, 0, good, sizeof(good));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_int_equal(o.type, DHCP_MSG_ACK);

	n = mkreq(req, 3, 0, 0, bad, sizeof(bad));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_nak(out, len, &o, 0);
}

static void test_request_selecting_wrong_ip(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t opts[] = {54, 4, 10, 0, 2, 2, 50, 4, 10, 0, 2, 16};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 3, 0, 0x8000, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_nak(out, len, &o, 0x8000);
}

static void test_request_renewing(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	/* RENEWING/REBINDING: ciaddr set, no option 50 or 54 */
	n = mkreq(req, 3, ip("10.0.2.15"), 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_header(out, 0, ip("10.0.2.15"), ip("10.0.2.15"));
	assert_int_equal(o.type, DHCP_MSG_ACK);
	assert_false(o.broadcast);
	assert_int_equal(o.dst.s_addr, ip("10.0.2.15"));
	expect_opt(out, len, 51, "\x00\x01\x51\x80", 4);

	n = mkreq(req, 3, ip("10.0.3.15"), 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_nak(out, len, &o, 0);
}

static void test_request_no_address(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 3, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_int_equal(o.type, DHCP_MSG_ACK);
	check_header(out, 0, 0, ip("10.0.2.15"));
}

static void test_inform(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 8, ip("10.0.2.15"), 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	check_header(out, 0, ip("10.0.2.15"), 0);
	expect_opt(out, len, 53, "\x05", 1);
	expect_opt(out, len, 54, "\x0a\x00\x02\x02", 4);
	expect_no_opt(out, len, 51);
	expect_no_opt(out, len, 58);
	expect_no_opt(out, len, 59);
	expect_opt(out, len, 1, "\xff\xff\xff\x00", 4);
	expect_opt(out, len, 3, "\x0a\x00\x02\x02", 4);
	expect_opt(out, len, 6, "\x0a\x00\x02\x03\x01\x01\x01\x01", 8);
	expect_opt(out, len, 28, "\x0a\x00\x02\xff", 4);
	assert_false(o.broadcast);
	assert_int_equal(o.dst.s_addr, ip("10.0.2.15"));

	/* Without ciaddr there is nowhere to unicast to */
	n = mkreq(req, 8, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_true(o.broadcast);
}

static void test_release_decline(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t sid[] = {54, 4, 10, 0, 2, 2};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 7, ip("10.0.2.15"), 0, sid, sizeof(sid));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_IGNORE);
	assert_int_equal(len, 0);
	n = mkreq(req, 4, 0, 0, sid, sizeof(sid));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_IGNORE);
}

static void test_client_id_echo(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t opts[] = {61, 7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	n = mkreq(req, 1, 0, 0, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	expect_opt(out, len, 61, opts + 2, 7);
}

/* A verdict for a malformed request, and nothing sent */
static void expect_bad(const uint8_t *req, size_t n, enum dhcp_verdict v)
{
	uint8_t out[1500];
	struct dhcp_out o;
	size_t len;

	assert_string_equal(
		dhcp_verdict_name[run(req, n, out, sizeof(out), &len, &o)],
		dhcp_verdict_name[v]);
}

static void test_malformed(void **state)
{
	static uint8_t req[12000];
	size_t n;

	(void)state;
	expect_bad(req, 0, DHCP_BAD_SHORT);
	n = mkreq(req, 1, 0, 0, NULL, 0);
	expect_bad(req, OPTS - 1, DHCP_BAD_SHORT);
	expect_bad(req, OPTS, DHCP_BAD_NO_TYPE);    /* cookie, no options */
	expect_bad(req, OPTS + 1, DHCP_BAD_OPTION); /* code, no length */
	expect_bad(req, OPTS + 2, DHCP_BAD_OPTION); /* length, no data */
	expect_bad(req, n - 1, DHCP_REPLY);	    /* no END: tolerated */

	req[0] = 2;
	expect_bad(req, n, DHCP_BAD_OP);
	req[0] = 1;
	req[2] = 16;
	expect_bad(req, n, DHCP_BAD_HTYPE);
	req[2] = 6;
	req[1] = 6;
	expect_bad(req, n, DHCP_BAD_HTYPE);
	req[1] = 1;
	req[239] = 98;
	expect_bad(req, n, DHCP_BAD_COOKIE);
	req[239] = 99;
	req[28] = 0x01; /* multicast */
	expect_bad(req, n, DHCP_BAD_CHADDR);
	memset(req + 28, 0xff, 6);
	expect_bad(req, n, DHCP_BAD_CHADDR);
	memset(req + 28, 0, 6);
	expect_bad(req, n, DHCP_BAD_CHADDR);
	memcpy(req + 28, mac, 6);
	req[24] = 10; /* giaddr */
	expect_bad(req, n, DHCP_BAD_RELAY);
	req[24] = 0;
	expect_bad(req, n, DHCP_REPLY);

	/* Option length beyond the end */
	n = mkreq(req, 1, 0, 0, (const uint8_t[]){12, 200, 'x'}, 3);
	expect_bad(req, n, DHCP_BAD_OPTION);
	/* Missing message type */
	n = mkreq(req, 0, 0, 0, (const uint8_t[]){12, 1, 'x'}, 3);
	expect_bad(req, n, DHCP_BAD_NO_TYPE);
	/* Message types a client does not send, or that do not exist */
	n = mkreq(req, 2, 0, 0, NULL, 0);
	expect_bad(req, n, DHCP_BAD_MSG_TYPE);
	n = mkreq(req, 5, 0, 0, NULL, 0);
	expect_bad(req, n, DHCP_BAD_MSG_TYPE);
	n = mkreq(req, 6, 0, 0, NULL, 0);
	expect_bad(req, n, DHCP_BAD_MSG_TYPE);
	n = mkreq(req, 200, 0, 0, NULL, 0);
	expect_bad(req, n, DHCP_BAD_MSG_TYPE);
	n = mkreq(req, 0, 0, 0, (const uint8_t[]){53, 1, 0}, 3);
	expect_bad(req, n, DHCP_BAD_MSG_TYPE);
	/* Wrong lengths and repeats of options we act on */
	n = mkreq(req, 0, 0, 0, (const uint8_t[]){53, 2, 1, 1}, 4);
	expect_bad(req, n, DHCP_BAD_OPTION);
	n = mkreq(req, 1, 0, 0, (const uint8_t[]){53, 1, 1}, 3);
	expect_bad(req, n, DHCP_BAD_OPTION);
	n = mkreq(req, 3, 0, 0, (const uint8_t[]){50, 3, 10, 0, 2}, 5);
	expect_bad(req, n, DHCP_BAD_OPTION);
	n = mkreq(req, 3, 0, 0, (const uint8_t[]){54, 5, 10, 0, 2, 2, 0}, 7);
	expect_bad(req, n, DHCP_BAD_OPTION);
	n = mkreq(req, 1, 0, 0, (const uint8_t[]){57, 1, 2}, 3);
	expect_bad(req, n, DHCP_BAD_OPTION);
	n = mkreq(req, 1, 0, 0, (const uint8_t[]){61, 1, 1}, 3);
	expect_bad(req, n, DHCP_BAD_OPTION);
	/* Zero-length unknown option and host name are fine */
	n = mkreq(req, 1, 0, 0, (const uint8_t[]){250, 0, 12, 0}, 4);
	expect_bad(req, n, DHCP_REPLY);

	/* 10 KB of PAD, with and without a message type after it */
	n = mkreq(req, 0, 0, 0, NULL, 0) - 1;
	memset(req + n, 0, 10240);
	expect_bad(req, n + 10240, DHCP_BAD_NO_TYPE);
	memcpy(req + n + 10240, (const uint8_t[]){53, 1, 1, 255}, 4);
	expect_bad(req, n + 10244, DHCP_REPLY);
	/* Bytes after END are padding, never parsed */
	n = mkreq(req, 1, 0, 0, NULL, 0);
	memset(req + n, 0xee, 100);
	expect_bad(req, n + 100, DHCP_REPLY);
}

/* Every split of a request over two segments gives the same reply */
static void test_split_segments(void **state)
{
	const uint8_t opts[] = {61,   7,    1,	0x52, 0x54, 0,	 0x12,
				0x34, 0x56, 12, 5,    'g',  'u', 'e',
				's',  't',  54, 4,    10,   0,	 2,
				2,    50,   4,	10,   0,    2,	 15};
	uint8_t req[600], out[1500], ref[1500];
	struct dhcp_out o, ref_o;
	size_t n, len, ref_len, cut;

	(void)state;
	n = mkreq(req, 3, 0, 0x8000, opts, sizeof(opts));
	assert_int_equal(run(req, n, ref, sizeof(ref), &ref_len, &ref_o),
			 DHCP_REPLY);
	for (cut = 0; cut <= n; cut++) {
		struct iovec iov[2] = {
			{.iov_base = req, .iov_len = cut},
			{.iov_base = req + cut, .iov_len = n - cut},
		};
		/* Copies, so that ASan catches a read past either segment */
		uint8_t *a = test_malloc(cut + 1),
			*b = test_malloc(n - cut + 1);
		struct pbuf pb;
		struct pkt p;

		memcpy(a, req, cut);
		memcpy(b, req + cut, n - cut);
		iov[0].iov_base = a;
		iov[1].iov_base = b;
		pkt_init(&p, iov, 2);
		pbuf_init(&pb, out, sizeof(out));
		assert_int_equal(dhcp_reply(&conf, &p, &pb, &o), DHCP_REPLY);
		len = pb.len;
		assert_int_equal(len, ref_len);
		assert_memory_equal(out, ref, len);
		assert_memory_equal(&o, &ref_o, sizeof(o));
		test_free(a);
		test_free(b);
	}
}

/* The reply may start after headers already in the builder */
static void test_builder_offset(void **state)
{
	uint8_t req[600], out[1500], ref[1500];
	struct dhcp_out o;
	struct pbuf b;
	struct pkt p;
	size_t n, ref_len;

	(void)state;
	n = mkreq(req, 1, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, ref, sizeof(ref), &ref_len, &o),
			 DHCP_REPLY);
	pkt_init_buf(&p, req, n);
	pbuf_init(&b, out, sizeof(out));
	memset(pbuf_put(&b, 42), 0x11, 42);
	assert_int_equal(dhcp_reply(&conf, &p, &b, &o), DHCP_REPLY);
	assert_int_equal(b.len, 42 + ref_len);
	assert_memory_equal(out + 42, ref, ref_len);
	assert_int_equal(out[41], 0x11);
}

/* A builder that cannot hold 300 bytes gets nothing written past it */
static void test_small_builder(void **state)
{
	uint8_t req[600], out[400];
	struct dhcp_out o;
	size_t n, len, cap;

	(void)state;
	n = mkreq(req, 1, 0, 0, NULL, 0);
	for (cap = 0; cap < 300; cap += 7) {
		memset(out, 0x5a, sizeof(out));
		assert_int_equal(run(req, n, out, cap, &len, &o),
				 DHCP_ERR_NOSPACE);
		assert_int_equal(out[cap], 0x5a);
	}
	/* Exactly 300: optional options that do not fit are left out */
	assert_int_equal(run(req, n, out, 300, &len, &o), DHCP_REPLY);
	assert_int_equal(len, 300);
	expect_opt(out, len, 53, "\x02", 1);
	expect_no_opt(out, len, 119);
}

static void long_search(void)
{
	unsigned int i;

	for (i = 0; i < CONF_SEARCH_MAX; i++) {
		/* 4 labels of 60 bytes: 243 characters, 245 in wire form */
		memset(conf.search[i], 'a' + i, 243);
		conf.search[i][243] = '\0';
		conf.search[i][60] = conf.search[i][121] = '.';
		conf.search[i][182] = '.';
	}
	conf.search_n = CONF_SEARCH_MAX;
}

static void test_max_message_size(void **state)
{
	const uint8_t mid[] = {57, 2, 0x05, 0xdc};   /* 1500 */
	const uint8_t big[] = {57, 2, 0x0f, 0xa0};   /* 4000 */
	const uint8_t small[] = {57, 2, 0x01, 0x00}; /* 256: taken as 576 */
	uint8_t req[600], out[4000];
	struct dhcp_out o;
	size_t n, len, i, total, olen;

	(void)state;
	long_search();

	/* Default limit: 576-byte datagram, 548-byte message */
	n = mkreq(req, 1, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_true(len <= 548);
	expect_no_opt(out, len, 119);
	expect_opt(out, len, 15, conf.search[0], 243);
	n = mkreq(req, 1, 0, 0, small, sizeof(small));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_true(len <= 548);

	/* 1500: not quite enough for the search list */
	n = mkreq(req, 1, 0, 0, mid, sizeof(mid));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_true(len <= 1472);
	expect_no_opt(out, len, 119);

	/* 4000: it fits, split in several options (RFC 3396) */
	n = mkreq(req, 1, 0, 0, big, sizeof(big));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	assert_true(len <= 3972);
	assert_non_null(find_opt(out, len, 119, &olen));
	for (i = OPTS, total = 0; out[i] != 255; i += 2 + out[i + 1])
		if (out[i] == 119)
			total += out[i + 1];
	assert_int_equal(total, 245 * CONF_SEARCH_MAX);
	test_conf(&conf);
}

static void test_no_optional_config(void **state)
{
	uint8_t req[600], out[1500];
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	conf.dns4_n = 0;
	conf.search_n = 0;
	conf.mtu = 0;
	n = mkreq(req, 1, 0, 0, NULL, 0);
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	expect_no_opt(out, len, 6);
	expect_no_opt(out, len, 15);
	expect_no_opt(out, len, 119);
	expect_no_opt(out, len, 26);
	expect_opt(out, len, 1, "\xff\xff\xff\x00", 4);

	conf.mtu = 65520;
	conf.prefix4 = 8;
	strcpy(conf.search[0], "bad..name");
	strcpy(conf.search[1], "ok");
	conf.search_n = 2;
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	expect_opt(out, len, 26, "\xff\xf0", 2);
	expect_opt(out, len, 1, "\xff\x00\x00\x00", 4);
	expect_opt(out, len, 28, "\x0a\xff\xff\xff", 4);
	expect_no_opt(out, len, 15);
	expect_opt(out, len, 119, "\x02ok\x00", 4);
	test_conf(&conf);
}

/* Trace logging escapes the guest's host name; runs clean under ASan */
static void test_trace(void **state)
{
	uint8_t req[600], out[1500];
	const uint8_t opts[] = {12, 6, 'a', '\n', 0, '%', 'n', 0xff};
	struct dhcp_out o;
	size_t n, len;

	(void)state;
	log_level = LOG_LVL_TRACE;
	n = mkreq(req, 1, 0, 0, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_REPLY);
	n = mkreq(req, 7, 0, 0, opts, sizeof(opts));
	assert_int_equal(run(req, n, out, sizeof(out), &len, &o), DHCP_IGNORE);
	assert_int_equal(run(req, 3, out, sizeof(out), &len, &o),
			 DHCP_BAD_SHORT);
	log_level = LOG_LVL_INFO;
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DHCP_VERDICT_COUNT; i++)
		assert_non_null(dhcp_verdict_name[i]);
	for (i = 0; i < DHCP_MSG_COUNT; i++)
		assert_non_null(dhcp_msg_type_name[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_discover_offer, setup),
		cmocka_unit_test_setup(test_discover_broadcast_flag, setup),
		cmocka_unit_test_setup(test_request_selecting, setup),
		cmocka_unit_test_setup(test_request_other_server, setup),
		cmocka_unit_test_setup(test_request_init_reboot, setup),
		cmocka_unit_test_setup(test_request_selecting_wrong_ip, setup),
		cmocka_unit_test_setup(test_request_renewing, setup),
		cmocka_unit_test_setup(test_request_no_address, setup),
		cmocka_unit_test_setup(test_inform, setup),
		cmocka_unit_test_setup(test_release_decline, setup),
		cmocka_unit_test_setup(test_client_id_echo, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_split_segments, setup),
		cmocka_unit_test_setup(test_builder_offset, setup),
		cmocka_unit_test_setup(test_small_builder, setup),
		cmocka_unit_test_setup(test_max_message_size, setup),
		cmocka_unit_test_setup(test_no_optional_config, setup),
		cmocka_unit_test_setup(test_trace, setup),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
