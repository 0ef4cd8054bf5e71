// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dhcpv6.c - libFuzzer target for dhcpv6_reply().
 *
 * Input: one flags byte, then the UDP payload.
 *   bit 0: split the message over two segments at (flags >> 1) + 1
 * Every reply must fit DHCPV6_REPLY_MAX and echo the transaction ID.
 */
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "net/dhcpv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* fuzz_conf() - the fixed configuration. */
static void fuzz_conf(struct conf *c)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};

	memset(c, 0, sizeof(*c));
	c->v6 = true;
	c->addr6.s6_addr[0] = 0xfd;
	c->addr6.s6_addr[15] = 2;
	c->prefix6 = 64;
	c->gw6 = c->addr6;
	c->gw6.s6_addr[15] = 1;
	c->ll6.s6_addr[0] = 0xfe;
	c->ll6.s6_addr[1] = 0x80;
	c->ll6.s6_addr[15] = 1;
	c->dns6[0] = c->gw6;
	c->dns6_n = 1;
	strcpy(c->search[0], "example.com");
	strcpy(c->search[1], "lan.");
	c->search_n = 2;
	c->mtu = 65520;
	memcpy(c->our_mac, mac, 6);
}

/* LLVMFuzzerTestOneInput() - one message through dhcpv6_reply(); aborts
 * if a reply breaks the module's guarantees. */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t buf[DHCPV6_REPLY_MAX];
	struct dhcpv6_in in = {.src_mac = {0x52, 0x54, 0, 0x12, 0x34}};
	enum dhcpv6_verdict v;
	struct dhcpv6_out o;
	struct iovec iov[2];
	struct conf c;
	uint8_t flags;
	struct pbuf b;
	struct pkt p;
	size_t split;

	if (!n)
		return 0;
	flags = d[0];
	d++;
	n--;
	fuzz_conf(&c);
	in.src.s6_addr[0] = 0xfe;
	in.src.s6_addr[1] = 0x80;
	in.src.s6_addr[15] = 2;

	split = (size_t)(flags >> 1) + 1;
	if ((flags & 0x01) && split < n) {
		iov[0].iov_base = (void *)(uintptr_t)d;
		iov[0].iov_len = split;
		iov[1].iov_base = (void *)(uintptr_t)(d + split);
		iov[1].iov_len = n - split;
		pkt_init(&p, iov, 2);
	} else {
		pkt_init_buf(&p, d, n);
	}
	pbuf_init(&b, buf, sizeof(buf));
	v = dhcpv6_reply(&c, &in, &p, &b, &o);
	ASSERT(v < DHCPV6_VERDICT_COUNT && dhcpv6_verdict_name[v]);
	if (v != DHCPV6_REPLY) {
		ASSERT(b.len == 0);
		return 0;
	}
	ASSERT(pbuf_ok(&b) && b.len >= 4 + 14);
	ASSERT(!memcmp(buf + 1, d + 1, 3));
	ASSERT(buf[0] == 2 || buf[0] == 7);
	return 0;
}
