// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcpv6.c - golden vectors for the DHCPv6 server: Solicit with and
 * without Rapid Commit, Request/Renew/Rebind, Confirm, Release,
 * Information-Request, wrong server IDs and malformed messages, whole and
 * split over two segments.
 *
 * With BURROW_SEED_DIR set, every input is also written there as a fuzz
 * seed in fuzz_dhcpv6's format (one flags byte, then the message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "net/dhcpv6.h"

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

/* seed() - write @msg as a fuzz seed if BURROW_SEED_DIR is set. */
static void seed(const char *name, const uint8_t *msg, size_t len)
{
	const char *dir = getenv("BURROW_SEED_DIR");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputc(0, f);
	fwrite(msg, 1, len, f);
	fclose(f);
}

struct result {
	enum dhcpv6_verdict v;
	struct dhcpv6_out o;
	uint8_t buf[2048];
	size_t len;
};

/* run() - feed @msg from fe80::2 through dhcpv6_reply(), whole and split
 * at every offset; all must agree. */
static void run(struct result *r, const uint8_t *msg, size_t len)
{
	struct dhcpv6_in in;
	struct iovec iov[2];
	struct result r2;
	struct pbuf b;
	struct pkt p;
	size_t split;

	in.src = ip6("fe80::2");
	memcpy(in.src_mac, guest_mac, 6);

	memset(r, 0, sizeof(*r));
	pkt_init_buf(&p, msg, len);
	pbuf_init(&b, r->buf, sizeof(r->buf));
	r->v = dhcpv6_reply(&conf, &in, &p, &b, &r->o);
	r->len = b.len;
	if (r->v != DHCPV6_REPLY) {
		assert_int_equal(b.len, 0);
	} else {
		assert_memory_equal(&r->o.dst, &in.src, 16);
		assert_memory_equal(r->o.dst_mac, guest_mac, 6);
	}

	for (split = 1; split < len; split++) {
		iov[0].iov_base = (void *)(uintptr_t)msg;
		iov[0].iov_len = split;
		iov[1].iov_base = (void *)(uintptr_t)(msg + split);
		iov[1].iov_len = len - split;
		memset(&r2, 0, sizeof(r2));
		pkt_init(&p, iov, 2);
		pbuf_init(&b, r2.buf, sizeof(r2.buf));
		r2.v = dhcpv6_reply(&conf, &in, &p, &b, &r2.o);
		assert_int_equal(r2.v, r->v);
		assert_int_equal(b.len, r->len);
		assert_memory_equal(r2.buf, r->buf, r->len);
	}
}

/* check() - the reply is exactly @want. */
static void check(const struct result *r, const uint8_t *want, size_t len)
{
	assert_int_equal(r->v, DHCPV6_REPLY);
	assert_int_equal(r->len, len);
	assert_memory_equal(r->buf, want, len);
}

#define XID 0xab, 0xcd, 0xef
/* Client ID: DUID-LLT, 14 bytes. */
#define CLIENT_ID                                                              \
	0, 1, 0, 14, 0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d, 0x52, 0x54, 0x00,     \
		0x12, 0x34, 0x56
/* Our server ID: DUID-LL from our_mac. */
#define SERVER_ID 0, 2, 0, 10, 0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01
#define IA_NA_EMPTY 0, 3, 0, 12, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 0, 0, 0, 0
#define ELAPSED 0, 8, 0, 2, 0, 0
#define ORO 0, 6, 0, 4, 0, 23, 0, 24
#define INF 0xff, 0xff, 0xff, 0xff
#define ADDR6 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define IA_NA_REPLY                                                            \
	0, 3, 0, 40, 0x11, 0x22, 0x33, 0x44, INF, INF, 0, 5, 0, 24, ADDR6, 2,  \
		INF, INF
#define DNS_OPTS                                                               \
	0, 23, 0, 16, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53, 0, \
		24, 0, 18, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',  \
		'm', 0, 3, 'l', 'a', 'n', 0

static const uint8_t solicit[] = {
	1, XID, CLIENT_ID, IA_NA_EMPTY, ELAPSED, ORO,
};

static void test_solicit(void **state)
{
	static const uint8_t want[] = {
		2, XID, CLIENT_ID, SERVER_ID,	0,	  7,
		0, 1,	255,	   IA_NA_REPLY, DNS_OPTS,
	};
	struct result r;

	(void)state;
	seed("solicit", solicit, sizeof(solicit));
	run(&r, solicit, sizeof(solicit));
	check(&r, want, sizeof(want));
}

static void test_solicit_rapid(void **state)
{
	static const uint8_t msg[] = {
		1, XID, CLIENT_ID, 0, 14, 0, 0, IA_NA_EMPTY, ELAPSED, ORO,
	};
	static const uint8_t want[] = {
		7,  XID, CLIENT_ID, SERVER_ID,	 0,
		14, 0,	 0,	    IA_NA_REPLY, DNS_OPTS,
	};
	struct result r;

	(void)state;
	seed("solicit-rapid", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));
}

static void test_solicit_no_ia(void **state)
{
	static const uint8_t msg[] = {1, XID, CLIENT_ID, ELAPSED};
	static const uint8_t want[] = {
		2,   XID, CLIENT_ID, SERVER_ID, 0, 7, 0, 1,
		255, 0,	  13,	     0,		2, 0, 2, DNS_OPTS,
	};
	struct result r;

	(void)state;
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));
}

static void test_solicit_bad(void **state)
{
	static const uint8_t no_client[] = {1, XID, IA_NA_EMPTY};
	static const uint8_t with_server[] = {
		1, XID, CLIENT_ID, SERVER_ID, IA_NA_EMPTY,
	};
	static const uint8_t long_duid[4 + 4 + 131] = {
		1, XID, 0, 1, 0, 131,
	};
	struct result r;

	(void)state;
	run(&r, no_client, sizeof(no_client));
	assert_int_equal(r.v, DHCPV6_BAD_CLIENT_ID);
	run(&r, with_server, sizeof(with_server));
	assert_int_equal(r.v, DHCPV6_BAD_SERVER_ID);
	run(&r, long_duid, sizeof(long_duid));
	assert_int_equal(r.v, DHCPV6_BAD_CLIENT_ID);
}

static void test_request(void **state)
{
	static const uint8_t msg[] = {
		3, XID, CLIENT_ID, SERVER_ID, IA_NA_EMPTY, ELAPSED, ORO,
	};
	static const uint8_t want[] = {
		7, XID, CLIENT_ID, SERVER_ID, IA_NA_REPLY, DNS_OPTS,
	};
	uint8_t m[sizeof(msg)];
	struct result r;

	(void)state;
	seed("request", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));

	/* Renew: the same. Rebind: the same without a server ID. */
	memcpy(m, msg, sizeof(m));
	m[0] = 5;
	run(&r, m, sizeof(m));
	check(&r, want, sizeof(want));
	m[0] = 6;
	run(&r, m, sizeof(m));
	assert_int_equal(r.v, DHCPV6_BAD_SERVER_ID);

	/* Another server's ID: not ours to answer. */
	memcpy(m, msg, sizeof(m));
	m[4 + 18 + 13] ^= 1;
	seed("request-other", m, sizeof(m));
	run(&r, m, sizeof(m));
	assert_int_equal(r.v, DHCPV6_OTHER_SERVER);

	/* A server ID of another length: not ours either. */
	memcpy(m, msg, sizeof(m));
	m[4 + 18 + 3] = 9;
	m[4 + 18 + 4 + 9] = 0; /* the byte left over... */
	run(&r, m, sizeof(m));
	assert_int_not_equal(r.v, DHCPV6_REPLY);

	/* No server ID at all. */
	{
		static const uint8_t none[] = {3, XID, CLIENT_ID, IA_NA_EMPTY};

		run(&r, none, sizeof(none));
		assert_int_equal(r.v, DHCPV6_BAD_SERVER_ID);
	}
}

static void test_rebind(void **state)
{
	static const uint8_t msg[] = {
		6, XID, CLIENT_ID, IA_NA_EMPTY, ELAPSED,
	};
	static const uint8_t want[] = {
		7, XID, CLIENT_ID, SERVER_ID, IA_NA_REPLY, DNS_OPTS,
	};
	struct result r;

	(void)state;
	seed("rebind", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));
}

static void test_confirm(void **state)
{
	static const uint8_t msg[] = {
		4,  XID,   CLIENT_ID, 0, 3, 0, 40, 0x11, 0x22, 0x33, 0x44,
		0,  0,	   0,	      0, 0, 0, 0,  0,	 0,    5,    0,
		24, ADDR6, 2,	      0, 0, 0, 0,  0,	 0,    0,    0,
	};
	static const uint8_t want_ok[] = {
		7, XID, CLIENT_ID, SERVER_ID, 0, 13, 0, 2, 0, 0, DNS_OPTS,
	};
	static const uint8_t want_off[] = {
		7, XID, CLIENT_ID, SERVER_ID, 0, 13, 0, 2, 0, 4, DNS_OPTS,
	};
	static const uint8_t empty[] = {4, XID, CLIENT_ID, IA_NA_EMPTY};
	uint8_t m[sizeof(msg)];
	struct result r;

	(void)state;
	seed("confirm", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want_ok, sizeof(want_ok));

	/* fd00:0:0:1::2 is not in fd00::/64. */
	memcpy(m, msg, sizeof(m));
	m[4 + 18 + 16 + 4 + 7] = 1;
	run(&r, m, sizeof(m));
	check(&r, want_off, sizeof(want_off));

	/* Nothing to confirm: no reply (RFC 8415 18.3.3). */
	run(&r, empty, sizeof(empty));
	assert_int_equal(r.v, DHCPV6_IGNORE);
}

static void test_release(void **state)
{
	static const uint8_t msg[] = {
		8, XID, CLIENT_ID, SERVER_ID, IA_NA_EMPTY,
	};
	static const uint8_t want[] = {
		7, XID, CLIENT_ID, SERVER_ID, 0, 13, 0, 2, 0, 0,
	};
	uint8_t m[sizeof(msg)];
	struct result r;

	(void)state;
	seed("release", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));
	memcpy(m, msg, sizeof(m));
	m[0] = 9; /* Decline */
	run(&r, m, sizeof(m));
	check(&r, want, sizeof(want));
}

static void test_info_request(void **state)
{
	static const uint8_t msg[] = {11, XID, ELAPSED, ORO};
	static const uint8_t want[] = {7, XID, SERVER_ID, DNS_OPTS};
	static const uint8_t with_ia[] = {11, XID, IA_NA_EMPTY};
	static const uint8_t with_id[] = {11, XID, CLIENT_ID, SERVER_ID};
	static const uint8_t want_id[] = {
		7, XID, CLIENT_ID, SERVER_ID, DNS_OPTS,
	};
	struct result r;

	(void)state;
	seed("info-request", msg, sizeof(msg));
	run(&r, msg, sizeof(msg));
	check(&r, want, sizeof(want));
	run(&r, with_ia, sizeof(with_ia));
	assert_int_equal(r.v, DHCPV6_BAD_IA);
	run(&r, with_id, sizeof(with_id));
	check(&r, want_id, sizeof(want_id));

	/* Nothing to hand out: a bare reply. */
	conf.dns6_n = 0;
	conf.search_n = 0;
	run(&r, msg, sizeof(msg));
	check(&r, want, 4 + 14);
}

static void test_garbage(void **state)
{
	static const uint8_t short_hdr[] = {1, 0xab, 0xcd};
	static const uint8_t opt_past_end[] = {1, XID, CLIENT_ID, 0, 3,
					       0, 40,  0,	  0, 0};
	static const uint8_t opt_hdr_cut[] = {1, XID, CLIENT_ID, 0, 3, 0};
	static const uint8_t ia_short[] = {1, XID, CLIENT_ID, 0, 3, 0, 8, 1,
					   2, 3,   4,	      5, 6, 7, 8};
	/* IA_NA whose IA address claims more than the IA_NA holds. */
	static const uint8_t ia_sub_past[] = {
		1, XID, CLIENT_ID, 0, 3,  0,	   16,	    1,	     2,
		3, 4,	0,	   0, 0,  0,	   0,	    0,	     0,
		0, 0,	5,	   0, 24, ELAPSED, ELAPSED, ELAPSED, ELAPSED,
	};
	/* IA address too short to hold an address. */
	static const uint8_t iaaddr_short[] = {
		1, XID, CLIENT_ID, 0, 3, 0, 20, 1, 2, 3, 4, 0, 0, 0,
		0, 0,	0,	   0, 0, 0, 5,	0, 4, 0, 0, 0, 0,
	};
	static const uint8_t relay[] = {12, 0, 0xfe, 0x80, 0, 0, 0, 0};
	static const uint8_t advertise[] = {2, XID, CLIENT_ID, SERVER_ID};
	static const uint8_t random[] = {0x5a, 0x13, 0xff, 0x00, 0xde,
					 0xad, 0xbe, 0xef, 0x01};
	struct result r;

	(void)state;
	run(&r, short_hdr, 0);
	assert_int_equal(r.v, DHCPV6_BAD_LENGTH);
	run(&r, short_hdr, sizeof(short_hdr));
	assert_int_equal(r.v, DHCPV6_BAD_LENGTH);
	seed("opt-past-end", opt_past_end, sizeof(opt_past_end));
	run(&r, opt_past_end, sizeof(opt_past_end));
	assert_int_equal(r.v, DHCPV6_BAD_OPTION);
	run(&r, opt_hdr_cut, sizeof(opt_hdr_cut));
	assert_int_equal(r.v, DHCPV6_BAD_OPTION);
	run(&r, ia_short, sizeof(ia_short));
	assert_int_equal(r.v, DHCPV6_BAD_OPTION);
	seed("ia-sub-past", ia_sub_past, sizeof(ia_sub_past));
	run(&r, ia_sub_past, sizeof(ia_sub_past));
	assert_int_equal(r.v, DHCPV6_BAD_OPTION);
	run(&r, iaaddr_short, sizeof(iaaddr_short));
	assert_int_equal(r.v, DHCPV6_BAD_OPTION);
	seed("relay", relay, sizeof(relay));
	run(&r, relay, sizeof(relay));
	assert_int_equal(r.v, DHCPV6_IGNORE);
	run(&r, advertise, sizeof(advertise));
	assert_int_equal(r.v, DHCPV6_IGNORE);
	seed("random", random, sizeof(random));
	run(&r, random, sizeof(random));
	assert_int_equal(r.v, DHCPV6_IGNORE);
}

static void test_env(void **state)
{
	struct dhcpv6_in in = {0};
	struct dhcpv6_out o;
	uint8_t buf[64];
	struct pbuf b;
	struct pkt p;
	struct result r;

	(void)state;
	/* From ::: refused. */
	pkt_init_buf(&p, solicit, sizeof(solicit));
	pbuf_init(&b, buf, sizeof(buf));
	assert_int_equal(dhcpv6_reply(&conf, &in, &p, &b, &o),
			 DHCPV6_BAD_SOURCE);

	/* No room: nothing written. */
	in.src = ip6("fe80::2");
	pkt_init_buf(&p, solicit, sizeof(solicit));
	pbuf_init(&b, buf, sizeof(buf));
	assert_int_equal(dhcpv6_reply(&conf, &in, &p, &b, &o), DHCPV6_NO_ROOM);
	assert_int_equal(b.len, 0);

	/* Disabled. */
	conf.no_dhcpv6 = true;
	run(&r, solicit, sizeof(solicit));
	assert_int_equal(r.v, DHCPV6_IGNORE);
}

static void test_max_reply(void **state)
{
	static const uint8_t msg[] = {
		1, XID, 0, 1, 0, 130, [4 + 4 + 130] = 0, 3, 0, 12,
	};
	uint8_t m[sizeof(msg) + 12];
	unsigned int i;
	struct result r;

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
	memset(m, 0, sizeof(m));
	memcpy(m, msg, sizeof(msg));
	m[0] = 1;
	memcpy(m + 1, (uint8_t[]){XID}, 3);
	run(&r, m, sizeof(m));
	assert_int_equal(r.v, DHCPV6_REPLY);
	assert_true(r.len <= DHCPV6_REPLY_MAX);
	/* All but rapid commit and status, which exclude each other and
	 * the preference. */
	assert_int_equal(r.len, DHCPV6_REPLY_MAX - 10);
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DHCPV6_VERDICT_COUNT; i++)
		assert_non_null(dhcpv6_verdict_name[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_solicit, test_conf),
		cmocka_unit_test_setup(test_solicit_rapid, test_conf),
		cmocka_unit_test_setup(test_solicit_no_ia, test_conf),
		cmocka_unit_test_setup(test_solicit_bad, test_conf),
		cmocka_unit_test_setup(test_request, test_conf),
		cmocka_unit_test_setup(test_rebind, test_conf),
		cmocka_unit_test_setup(test_confirm, test_conf),
		cmocka_unit_test_setup(test_release, test_conf),
		cmocka_unit_test_setup(test_info_request, test_conf),
		cmocka_unit_test_setup(test_garbage, test_conf),
		cmocka_unit_test_setup(test_env, test_conf),
		cmocka_unit_test_setup(test_max_reply, test_conf),
		cmocka_unit_test_setup(test_names, test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
