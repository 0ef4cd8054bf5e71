// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nl.c - the pure part of nl.c: dump and acknowledgement datagrams
 * built by hand, byte by byte, fed to the parsers. No socket involved.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/nl.h"

#define SEQ 42

/* A datagram under construction. */
struct dgram {
	uint8_t buf[4096] __attribute__((aligned(4)));
	size_t len;
	size_t msg; /* start of the message being built */
};

/* put() - append @len bytes, padded to 4. */
static void put(struct dgram *d, const void *data, size_t len)
{
	assert_true(d->len + NLMSG_ALIGN(len) <= sizeof(d->buf));
	memcpy(d->buf + d->len, data, len);
	memset(d->buf + d->len + len, 0, NLMSG_ALIGN(len) - len);
	d->len += NLMSG_ALIGN(len);
}

/* msg_begin() - start a message of @type with sequence number @seq. */
static void msg_begin(struct dgram *d, uint16_t type, uint32_t seq)
{
	struct nlmsghdr nh = {
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_MULTI,
		.nlmsg_seq = seq,
	};

	d->msg = d->len;
	put(d, &nh, sizeof(nh));
}

/* msg_end() - set the length of the message being built. */
static void msg_end(struct dgram *d)
{
	uint32_t len = (uint32_t)(d->len - d->msg);

	memcpy(d->buf + d->msg + offsetof(struct nlmsghdr, nlmsg_len), &len,
	       sizeof(len));
}

/* attr() - append an attribute. */
static void attr(struct dgram *d, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = {
		.rta_len = (unsigned short)RTA_LENGTH(len),
		.rta_type = type,
	};

	put(d, &rta, sizeof(rta));
	if (len)
		put(d, data, len);
}

/* attr_u32() - append a 32-bit attribute in host order. */
static void attr_u32(struct dgram *d, uint16_t type, uint32_t v)
{
	attr(d, type, &v, sizeof(v));
}

/* route() - a complete RTM_NEWROUTE message. */
static void route(struct dgram *d, uint32_t seq, int af, uint8_t dst_len,
		  uint8_t table, int oif, const char *gw)
{
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)af,
		.rtm_dst_len = dst_len,
		.rtm_table = table,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_type = RTN_UNICAST,
	};
	uint8_t a[16];

	msg_begin(d, RTM_NEWROUTE, seq);
	put(d, &rtm, sizeof(rtm));
	attr_u32(d, RTA_TABLE, table);
	if (gw) {
		assert_int_equal(inet_pton(af, gw, a), 1);
		attr(d, RTA_GATEWAY, a, af == AF_INET ? 4 : 16);
	}
	if (oif)
		attr_u32(d, RTA_OIF, (uint32_t)oif);
	msg_end(d);
}

/* address() - a complete RTM_NEWADDR message. */
static void address(struct dgram *d, int af, int ifindex, uint8_t scope,
		    uint32_t flags, const char *local, const char *addr,
		    uint8_t prefix)
{
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)af,
		.ifa_prefixlen = prefix,
		.ifa_flags = (uint8_t)flags,
		.ifa_scope = scope,
		.ifa_index = (uint32_t)ifindex,
	};
	size_t alen = af == AF_INET ? 4 : 16;
	uint8_t a[16];

	msg_begin(d, RTM_NEWADDR, SEQ);
	put(d, &ifa, sizeof(ifa));
	if (addr) {
		assert_int_equal(inet_pton(af, addr, a), 1);
		attr(d, IFA_ADDRESS, a, alen);
	}
	if (local) {
		assert_int_equal(inet_pton(af, local, a), 1);
		attr(d, IFA_LOCAL, a, alen);
	}
	attr_u32(d, IFA_FLAGS, flags);
	msg_end(d);
}

/* done() - NLMSG_DONE with status 0. */
static void done(struct dgram *d, uint32_t seq)
{
	int32_t zero = 0;

	msg_begin(d, NLMSG_DONE, seq);
	put(d, &zero, sizeof(zero));
	msg_end(d);
}

/* error() - NLMSG_ERROR with status @e. */
static void error(struct dgram *d, uint32_t seq, int32_t e)
{
	struct nlmsghdr orig = {.nlmsg_len = 16, .nlmsg_seq = seq};

	msg_begin(d, NLMSG_ERROR, seq);
	put(d, &e, sizeof(e));
	put(d, &orig, sizeof(orig));
	msg_end(d);
}

/* feed_route() - feed @d as a route dump for @af. */
static int feed_route(struct dgram *d, int af, struct nl_route_q *q,
		      bool *found)
{
	memset(q, 0, sizeof(*q));
	q->af = af;
	*found = false;
	return nl_dump_feed(d->buf, d->len, SEQ, RTM_NEWROUTE, nl_route_parse,
			    q, found);
}

/* expect_addr() - @got holds the address @want of family @af. */
static void expect_addr(int af, const uint8_t *got, const char *want)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(af, want, a), 1);
	assert_memory_equal(got, a, af == AF_INET ? 4 : 16);
}

/* The first unicast default route of the main table wins. */
static void test_route_default_v4(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;

	(void)state;
	route(&d, SEQ, AF_INET, 24, RT_TABLE_MAIN, 2, NULL); /* not default */
	route(&d, SEQ, AF_INET, 0, RT_TABLE_LOCAL, 5, "10.9.9.9");
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 2, "192.0.2.1");
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 7, "192.0.2.99"); /* 2nd */
	done(&d, SEQ);

	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 1);
	assert_true(found);
	assert_int_equal(q.ifindex, 2);
	expect_addr(AF_INET, q.gw, "192.0.2.1");
}

/* Not default, other table, other family, no interface: no match. */
static void test_route_none(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;

	(void)state;
	route(&d, SEQ, AF_INET, 8, RT_TABLE_MAIN, 2, NULL);
	route(&d, SEQ, AF_INET, 0, 100, 3, "10.0.0.1"); /* other table */
	route(&d, SEQ, AF_INET6, 0, RT_TABLE_MAIN, 3, "fe80::1"); /* v6 */
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 0, "10.0.0.1"); /* no oif */
	done(&d, SEQ);

	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 1);
	assert_false(found);
}

/* A default route without gateway matches, gateway zeroed. */
static void test_route_default_v6_no_gateway(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;

	(void)state;
	route(&d, SEQ, AF_INET6, 0, RT_TABLE_MAIN, 4, NULL);
	done(&d, SEQ);

	assert_int_equal(feed_route(&d, AF_INET6, &q, &found), 1);
	assert_true(found);
	assert_int_equal(q.ifindex, 4);
	expect_addr(AF_INET6, q.gw, "::");
}

/* Bad attribute lengths make a message malformed, never a match. */
static void test_route_truncated_attr(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;
	uint16_t bad = 64;

	(void)state;
	/* RTA_GATEWAY claims 64 bytes, the message ends after 4 */
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 2, "192.0.2.1");
	memcpy(d.buf + d.len - 8 - 8, &bad, sizeof(bad));
	done(&d, SEQ);
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 1);
	assert_false(found);

	/* An attribute shorter than its own header */
	memset(&d, 0, sizeof(d));
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 2, NULL);
	bad = 2;
	memcpy(d.buf + d.len - 8, &bad, sizeof(bad));
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 0);
	assert_false(found);

	/* RTA_OIF of the wrong size */
	memset(&d, 0, sizeof(d));
	msg_begin(&d, RTM_NEWROUTE, SEQ);
	{
		struct rtmsg rtm = {.rtm_family = AF_INET,
				    .rtm_table = RT_TABLE_MAIN,
				    .rtm_type = RTN_UNICAST};
		uint16_t two = 2;

		put(&d, &rtm, sizeof(rtm));
		attr(&d, RTA_OIF, &two, sizeof(two));
	}
	msg_end(&d);
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 0);
	assert_false(found);
}

/* Bad message lengths break the framing: -EPROTO. */
static void test_route_truncated_message(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;

	(void)state;
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 2, "192.0.2.1");
	/* The datagram ends before the message does */
	assert_int_equal(nl_dump_feed(d.buf, d.len - 4, SEQ, RTM_NEWROUTE,
				      nl_route_parse, &q, &found),
			 -EPROTO);
	/* Shorter than a netlink header */
	assert_int_equal(nl_dump_feed(d.buf, 10, SEQ, RTM_NEWROUTE,
				      nl_route_parse, &q, &found),
			 -EPROTO);
	/* A length below the header's own size */
	memset(d.buf, 0, 4);
	d.buf[0] = 8;
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), -EPROTO);
}

/* RTA_MULTIPATH: the first nexthop is taken, if it is well-formed. */
static void test_route_multipath(void **state)
{
	struct dgram d = {0};
	struct rtmsg rtm = {
		.rtm_family = AF_INET6,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_type = RTN_UNICAST,
	};
	uint8_t mp[64], gw[16];
	struct rtnexthop nh = {.rtnh_len = 8 + 20, .rtnh_ifindex = 3};
	struct rtattr rta = {.rta_len = 20, .rta_type = RTA_GATEWAY};
	struct nl_route_q q;
	bool found;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", gw), 1);
	memcpy(mp, &nh, 8);
	memcpy(mp + 8, &rta, 4);
	memcpy(mp + 12, gw, 16);
	nh.rtnh_ifindex = 9; /* second nexthop, no gateway */
	nh.rtnh_len = 8;
	memcpy(mp + 28, &nh, 8);

	msg_begin(&d, RTM_NEWROUTE, SEQ);
	put(&d, &rtm, sizeof(rtm));
	attr(&d, RTA_MULTIPATH, mp, 36);
	msg_end(&d);
	done(&d, SEQ);

	assert_int_equal(feed_route(&d, AF_INET6, &q, &found), 1);
	assert_true(found);
	assert_int_equal(q.ifindex, 3);
	expect_addr(AF_INET6, q.gw, "fe80::1");

	/* A nexthop claiming more than the attribute holds */
	mp[0] = 200;
	memset(&d, 0, sizeof(d));
	msg_begin(&d, RTM_NEWROUTE, SEQ);
	put(&d, &rtm, sizeof(rtm));
	attr(&d, RTA_MULTIPATH, mp, 36);
	msg_end(&d);
	assert_int_equal(feed_route(&d, AF_INET6, &q, &found), 0);
	assert_false(found);
}

/* Sequence numbers, a dump over two datagrams, an error reply. */
static void test_dump_seq_and_split(void **state)
{
	struct dgram d = {0};
	struct nl_route_q q;
	bool found;

	(void)state;
	/* A stale answer to an older request is ignored, DONE included */
	route(&d, SEQ - 1, AF_INET, 0, RT_TABLE_MAIN, 8, "10.0.0.1");
	done(&d, SEQ - 1);
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 0);
	assert_false(found);

	/* The dump goes on over a second datagram */
	memset(&d, 0, sizeof(d));
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 2, "192.0.2.1");
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), 0);
	assert_true(found);
	memset(&d, 0, sizeof(d));
	route(&d, SEQ, AF_INET, 0, RT_TABLE_MAIN, 6, "192.0.2.6");
	done(&d, SEQ);
	assert_int_equal(nl_dump_feed(d.buf, d.len, SEQ, RTM_NEWROUTE,
				      nl_route_parse, &q, &found),
			 1);
	assert_int_equal(q.ifindex, 2); /* the first one stays */

	/* An error answer ends the dump */
	memset(&d, 0, sizeof(d));
	error(&d, SEQ, -EPERM);
	assert_int_equal(feed_route(&d, AF_INET, &q, &found), -EPERM);
}

/* Address choice: interface, scope, IFA_LOCAL first, DAD state. */
static void test_addr(void **state)
{
	struct dgram d = {0};
	struct nl_addr_q q = {.af = AF_INET, .ifindex = 2};
	bool found = false;

	(void)state;
	address(&d, AF_INET, 3, RT_SCOPE_UNIVERSE, 0, "10.3.3.3", "10.3.3.3",
		24); /* other interface */
	address(&d, AF_INET, 2, RT_SCOPE_HOST, 0, "127.0.0.1", "127.0.0.1",
		8); /* host scope */
	address(&d, AF_INET, 2, RT_SCOPE_UNIVERSE, 0, "192.0.2.10",
		"192.0.2.20", 24); /* local differs from peer */
	done(&d, SEQ);
	assert_int_equal(nl_dump_feed(d.buf, d.len, SEQ, RTM_NEWADDR,
				      nl_addr_parse, &q, &found),
			 1);
	assert_true(found);
	expect_addr(AF_INET, q.addr, "192.0.2.10");
	assert_int_equal(q.prefix, 24);

	/* IPv6: tentative and DAD-failed are skipped, link scope too */
	memset(&d, 0, sizeof(d));
	address(&d, AF_INET6, 2, RT_SCOPE_UNIVERSE, IFA_F_TENTATIVE, NULL,
		"2001:db8::1", 64);
	address(&d, AF_INET6, 2, RT_SCOPE_UNIVERSE, IFA_F_DADFAILED, NULL,
		"2001:db8::2", 64);
	address(&d, AF_INET6, 2, RT_SCOPE_LINK, 0, NULL, "fe80::2", 64);
	address(&d, AF_INET6, 2, RT_SCOPE_UNIVERSE, 0, NULL, "2001:db8::3", 56);
	done(&d, SEQ);
	memset(&q, 0, sizeof(q));
	q.af = AF_INET6;
	q.ifindex = 2;
	found = false;
	assert_int_equal(nl_dump_feed(d.buf, d.len, SEQ, RTM_NEWADDR,
				      nl_addr_parse, &q, &found),
			 1);
	assert_true(found);
	expect_addr(AF_INET6, q.addr, "2001:db8::3");
	assert_int_equal(q.prefix, 56);
}

/* Malformed address messages never match. */
static void test_addr_bad(void **state)
{
	struct dgram d = {0};
	struct nl_addr_q q = {.af = AF_INET, .ifindex = 2};
	bool found = false;
	uint8_t three[3] = {1, 2, 3};
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET,
		.ifa_prefixlen = 24,
		.ifa_index = 2,
	};

	(void)state;
	/* An address of the wrong size */
	msg_begin(&d, RTM_NEWADDR, SEQ);
	put(&d, &ifa, sizeof(ifa));
	attr(&d, IFA_LOCAL, three, sizeof(three));
	msg_end(&d);
	/* An impossible prefix length */
	address(&d, AF_INET, 2, RT_SCOPE_UNIVERSE, 0, "192.0.2.1", NULL, 33);
	/* A header cut short */
	msg_begin(&d, RTM_NEWADDR, SEQ);
	put(&d, &ifa, 4);
	msg_end(&d);
	done(&d, SEQ);
	assert_int_equal(nl_dump_feed(d.buf, d.len, SEQ, RTM_NEWADDR,
				      nl_addr_parse, &q, &found),
			 1);
	assert_false(found);
}

/* Acknowledgements: stale, success, failure, malformed. */
static void test_ack(void **state)
{
	struct dgram d = {0};
	int e = 1;

	(void)state;
	error(&d, SEQ - 1, -EINVAL); /* stale */
	assert_int_equal(nl_ack_feed(d.buf, d.len, SEQ, &e), 0);
	error(&d, SEQ, 0);
	assert_int_equal(nl_ack_feed(d.buf, d.len, SEQ, &e), 1);
	assert_int_equal(e, 0);

	memset(&d, 0, sizeof(d));
	error(&d, SEQ, -EEXIST);
	assert_int_equal(nl_ack_feed(d.buf, d.len, SEQ, &e), 1);
	assert_int_equal(e, -EEXIST);

	/* Error code outside the errno range, or missing */
	memset(&d, 0, sizeof(d));
	error(&d, SEQ, 5);
	assert_int_equal(nl_ack_feed(d.buf, d.len, SEQ, &e), 1);
	assert_int_equal(e, -EPROTO);
	memset(&d, 0, sizeof(d));
	msg_begin(&d, NLMSG_ERROR, SEQ);
	msg_end(&d);
	assert_int_equal(nl_ack_feed(d.buf, d.len, SEQ, &e), 1);
	assert_int_equal(e, -EPROTO);

	/* Broken framing */
	assert_int_equal(nl_ack_feed(d.buf, 3, SEQ, &e), -EPROTO);
}

/* main() - run every test; the exit status is the number failed. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_default_v4),
		cmocka_unit_test(test_route_none),
		cmocka_unit_test(test_route_default_v6_no_gateway),
		cmocka_unit_test(test_route_truncated_attr),
		cmocka_unit_test(test_route_truncated_message),
		cmocka_unit_test(test_route_multipath),
		cmocka_unit_test(test_dump_seq_and_split),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_ack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
