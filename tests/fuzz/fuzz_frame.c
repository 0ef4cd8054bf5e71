// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_frame.c - a whole frame from the guest through net_frame_in():
 * Ethernet, ARP, IPv4, IPv6 and its extension headers, UDP, ICMP, ICMPv6,
 * and the responders behind them (DHCP, NDP, DHCPv6). No sockets: flows
 * are only described, never opened. The first input byte picks how the
 * frame is split into segments, to exercise the non-contiguous paths.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "core/frame.h"
#include "core/txq.h"
#include "net/net.h"

static struct conf fz_conf;

static void fz_conf_init(void)
{
	static const uint8_t mac[6] = {0x02, 0x62, 0x75, 0x72, 0x72, 0x77};
	struct conf *c = &fz_conf;

	c->v4 = c->v6 = true;
	inet_pton(AF_INET, "10.0.2.15", &c->addr4);
	c->prefix4 = 24;
	inet_pton(AF_INET, "10.0.2.2", &c->gw4);
	inet_pton(AF_INET, "10.0.2.2", &c->dns4[0]);
	c->dns4_n = 1;
	inet_pton(AF_INET6, "2001:db8::2", &c->addr6);
	c->prefix6 = 64;
	inet_pton(AF_INET6, "2001:db8::1", &c->gw6);
	inet_pton(AF_INET6, "fe80::1", &c->ll6);
	c->dns6[0] = c->gw6;
	c->dns6_n = 1;
	strcpy(c->search[0], "example.test");
	c->search_n = 1;
	memcpy(c->our_mac, mac, 6);
	memcpy(frame_mac.our, mac, 6);
	c->mtu = 65520;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct iovec iov[3];
	struct net_l4 l4;
	struct pkt p;
	size_t a, b;

	if (!ready) {
		fz_conf_init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	a = data[0] & 0x3f;
	b = (data[0] >> 6) * 17;
	data++;
	size--;
	a = MIN(a, size);
	b = MIN(b, size - a);
	iov[0] = (struct iovec){(void *)(uintptr_t)data, a};
	iov[1] = (struct iovec){(void *)(uintptr_t)(data + a), b};
	iov[2] =
		(struct iovec){(void *)(uintptr_t)(data + a + b), size - a - b};
	pkt_init(&p, iov, 3);
	if (net_frame_in(&fz_conf, &p, &l4) == NET_FLOW) {
		/* The flow layer reads the whole payload: so do we. */
		static uint8_t buf[65536];
		size_t n = pkt_left(&l4.payload);

		if (!pkt_pull(&l4.payload, n, buf))
			__builtin_trap();
	}
	txq_consume(txq_count());
	return 0;
}
