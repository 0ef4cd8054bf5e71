// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_net.c - frames from the guest through net_frame_in(): ARP replies
 * byte for byte, echo and UDP described as flows, and every kind of
 * malformed header dropped with its own verdict.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "core/csum.h"
#include "core/frame.h"
#include "core/txq.h"
#include "net/net.h"

static struct conf c;
static const uint8_t guest_mac[6] = {0x6e, 0xeb, 0xaf, 0x97, 0x55, 0xc4};
static const uint8_t our_mac[6] = {0x02, 0x62, 0x75, 0x72, 0x72, 0x77};

static int setup(void **state)
{
	(void)state;
	memset(&c, 0, sizeof(c));
	c.v4 = c.v6 = true;
	inet_pton(AF_INET, "10.0.2.15", &c.addr4);
	c.prefix4 = 24;
	inet_pton(AF_INET, "10.0.2.2", &c.gw4);
	inet_pton(AF_INET6, "2001:db8::2", &c.addr6);
	c.prefix6 = 64;
	inet_pton(AF_INET6, "2001:db8::1", &c.gw6);
	inet_pton(AF_INET6, "fe80::1", &c.ll6);
	memcpy(c.our_mac, our_mac, 6);
	memcpy(frame_mac.our, our_mac, 6);
	c.mtu = 65520;
	txq_consume(txq_count());
	memset(net_drops, 0, sizeof(net_drops));
	return 0;
}

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, guest_mac, 6);
	put_be16(f + 12, type);
	return 14;
}

/* ip4_udp_frame() - a valid IPv4/UDP frame; returns its length. */
static size_t ip4_udp_frame(uint8_t *f, const char *dst, uint16_t sport,
			    uint16_t dport, size_t plen)
{
	struct in_addr s, d;
	uint8_t *ip = f + 14, *u = f + 34;

	inet_pton(AF_INET, "10.0.2.15", &s);
	inet_pton(AF_INET, dst, &d);
	eth(f, our_mac, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(20 + 8 + plen));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	put_be16(ip + 10, csum(ip, 20, 0));
	put_be16(u, sport);
	put_be16(u + 2, dport);
	put_be16(u + 4, (uint16_t)(8 + plen));
	put_be16(u + 6, 0);
	memset(u + 8, 0xab, plen);
	put_be16(u + 6, csum(u, 8 + plen,
			     csum_pseudo4(s, d, 17, (uint32_t)(8 + plen))));
	return 34 + 8 + plen;
}

static enum net_verdict run(const uint8_t *f, size_t len, struct net_l4 *l4)
{
	struct pkt p;

	pkt_init_buf(&p, f, len);
	return net_frame_in(&c, &p, l4);
}

static void test_arp_reply(void **state)
{
	uint8_t f[64] = {0}, *a = f + 14, *r;
	struct net_l4 l4;
	size_t len;

	(void)state;
	eth(f, frame_bcast, 0x0806);
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, 1);
	memcpy(a + 8, guest_mac, 6);
	inet_pton(AF_INET, "10.0.2.15", a + 14);
	inet_pton(AF_INET, "10.0.2.2", a + 24);
	assert_int_equal(run(f, 42, &l4), NET_DONE);
	assert_int_equal(txq_count(), 1);
	r = txq_frame(0, &len);
	assert_int_equal(len, 42);
	assert_memory_equal(r, guest_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(get_be16(r + 12), 0x0806);
	assert_int_equal(get_be16(r + 14 + 6), 2);	/* reply */
	assert_memory_equal(r + 14 + 8, our_mac, 6);	/* sha */
	assert_memory_equal(r + 14 + 14, a + 24, 4);	/* spa */
	assert_memory_equal(r + 14 + 18, guest_mac, 6); /* tha */
	assert_memory_equal(r + 14 + 24, a + 14, 4);	/* tpa */

	/* Asking for the guest's own address: no answer. */
	txq_consume(txq_count());
	inet_pton(AF_INET, "10.0.2.15", a + 24);
	inet_pton(AF_INET, "0.0.0.0", a + 14);
	assert_int_equal(run(f, 42, &l4), NET_IGNORE);
	assert_int_equal(txq_count(), 0);

	/* Truncated ARP. */
	assert_int_equal(run(f, 30, &l4), NET_DROP_ARP);
}

static void test_udp_flow(void **state)
{
	uint8_t f[256];
	struct net_l4 l4;
	size_t len = ip4_udp_frame(f, "10.0.2.2", 4000, 5000, 100);

	(void)state;
	assert_int_equal(run(f, len, &l4), NET_FLOW);
	assert_int_equal(l4.proto, 17);
	assert_int_equal(l4.sport, 4000);
	assert_int_equal(l4.dport, 5000);
	assert_int_equal(pkt_left(&l4.payload), 100);
	/* Ethernet padding beyond the IP datagram is not payload. */
	memset(f + len, 0, 20);
	assert_int_equal(run(f, len + 20, &l4), NET_FLOW);
	assert_int_equal(pkt_left(&l4.payload), 100);
}

static void test_ip4_malformed(void **state)
{
	uint8_t f[256], g[256];
	struct net_l4 l4;
	size_t len = ip4_udp_frame(f, "10.0.2.2", 4000, 5000, 16);

	(void)state;
	/* Total length beyond the frame. */
	memcpy(g, f, len);
	put_be16(g + 16, 200);
	assert_int_equal(run(g, len, &l4), NET_DROP_IP4);
	/* IHL below 5 and beyond the frame. */
	memcpy(g, f, len);
	g[14] = 0x44;
	assert_int_equal(run(g, len, &l4), NET_DROP_IP4);
	g[14] = 0x4f;
	assert_int_equal(run(g, len, &l4), NET_DROP_IP4);
	/* Bad header checksum. */
	memcpy(g, f, len);
	g[14 + 10] ^= 1;
	assert_int_equal(run(g, len, &l4), NET_DROP_IP4_CSUM);
	/* Bad UDP checksum. */
	memcpy(g, f, len);
	g[len - 1] ^= 1;
	assert_int_equal(run(g, len, &l4), NET_DROP_UDP_CSUM);
	/* UDP length disagreeing with IP. */
	memcpy(g, f, len);
	put_be16(g + 34 + 4, 8);
	assert_int_equal(run(g, len, &l4), NET_DROP_UDP);
	/* A fragment. */
	memcpy(g, f, len);
	put_be16(g + 14 + 6, 0x2000);
	put_be16(g + 14 + 10, 0);
	put_be16(g + 14 + 10, csum(g + 14, 20, 0));
	assert_int_equal(run(g, len, &l4), NET_DROP_FRAG);
	/* Truncated Ethernet, unknown ethertype, not our MAC. */
	assert_int_equal(run(f, 10, &l4), NET_DROP_ETH);
	memcpy(g, f, len);
	put_be16(g + 12, 0x88cc);
	assert_int_equal(run(g, len, &l4), NET_DROP_ETHERTYPE);
	memcpy(g, f, len);
	g[5] ^= 0x10;
	assert_int_equal(run(g, len, &l4), NET_DROP_NOT_US);
	/* Every drop was counted. */
	assert_int_equal(net_drops[NET_DROP_IP4], 3);
	assert_int_equal(net_drops[NET_DROP_FRAG], 1);
}

static void test_ip6_ext(void **state)
{
	uint8_t f[256] = {0}, *ip = f + 14, *x;
	struct in6_addr s, d;
	struct net_l4 l4;
	uint16_t sum;
	size_t i;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::2", &s);
	inet_pton(AF_INET6, "2001:db8::1", &d);
	eth(f, our_mac, 0x86dd);
	put_be32(ip, 0x60000000);
	ip[6] = 0; /* hop-by-hop */
	ip[7] = 64;
	memcpy(ip + 8, &s, 16);
	memcpy(ip + 24, &d, 16);
	x = ip + 40;
	x[0] = 60; /* dest opts next */
	x[1] = 0;
	x[2] = 1; /* PadN */
	x[3] = 4;
	x[8] = 17; /* then UDP */
	x[9] = 0;
	x[10] = 1;
	x[11] = 4;
	put_be16(x + 16, 1000);
	put_be16(x + 18, 2000);
	put_be16(x + 20, 12);
	memcpy(x + 24, "data", 4);
	put_be16(ip + 4, 16 + 12);
	sum = csum(x + 16, 12, csum_pseudo6(&s, &d, 17, 12));
	put_be16(x + 22, sum);
	assert_int_equal(run(f, 14 + 40 + 28, &l4), NET_FLOW);
	assert_int_equal(l4.dport, 2000);
	assert_int_equal(pkt_left(&l4.payload), 4);

	/* A chain with hop-by-hop not first. */
	x[0] = 0;
	assert_int_equal(run(f, 14 + 40 + 28, &l4), NET_DROP_IP6_EXT);
	/* An endless chain of destination options. */
	ip[6] = 60;
	for (i = 0; i < 20; i++) {
		f[54 + i * 8] = 60;
		memset(f + 55 + i * 8, 0, 7);
	}
	put_be16(ip + 4, 160);
	assert_int_equal(run(f, 14 + 40 + 160, &l4), NET_DROP_IP6_EXT);
	/* Payload length beyond the frame. */
	put_be16(ip + 4, 1000);
	assert_int_equal(run(f, 14 + 40 + 160, &l4), NET_DROP_IP6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_arp_reply, setup),
		cmocka_unit_test_setup(test_udp_flow, setup),
		cmocka_unit_test_setup(test_ip4_malformed, setup),
		cmocka_unit_test_setup(test_ip6_ext, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
