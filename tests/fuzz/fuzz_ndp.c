// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_ndp.c - libFuzzer target for ndp_reply().
 *
 * Input: one flags byte, then the ICMPv6 message.
 *   bit 0: source :: (else the guest's link-local fe80::2)
 *   bit 1: destination the solicited-node address of the bytes where an
 *          NS target would be (else ff02::2), so DAD paths are reachable
 *   bit 2: hop limit 64 (else 255)
 *   bit 3: --no-dhcpv6    bit 4: --no-ra
 *   bit 5: split the message over two segments at (flags >> 6) * 3 + 1
 * Every reply must be complete, checksummed, and within NDP_REPLY_MAX.
 */
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "core/csum.h"
#include "net/ndp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* fuzz_conf() - the fixed configuration, with the flag switches. */
static void fuzz_conf(struct conf *c, uint8_t flags)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};

	memset(c, 0, sizeof(*c));
	c->v6 = true;
	c->addr6.s6_addr[0] = 0xfd;
	c->addr6.s6_addr[15] = 2;
	c->prefix6 = 64;
	c->gw6.s6_addr[0] = 0xfd;
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
	c->no_dhcpv6 = flags & 0x08;
	c->no_ra = flags & 0x10;
}

/* LLVMFuzzerTestOneInput() - one message through ndp_reply(); aborts if
 * a reply breaks the module's guarantees. */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t buf[NDP_REPLY_MAX];
	struct ndp_in in = {.hop_limit = 255};
	struct iovec iov[2];
	enum ndp_verdict v;
	struct ndp_out o;
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
	fuzz_conf(&c, flags);

	if (!(flags & 0x01)) {
		in.src.s6_addr[0] = 0xfe;
		in.src.s6_addr[1] = 0x80;
		in.src.s6_addr[15] = 2;
	}
	in.dst.s6_addr[0] = 0xff;
	in.dst.s6_addr[1] = 0x02;
	in.dst.s6_addr[15] = 2;
	if ((flags & 0x02) && n >= 24) {
		in.dst.s6_addr[11] = 1;
		in.dst.s6_addr[12] = 0xff;
		memcpy(in.dst.s6_addr + 13, d + 21, 3);
	}
	if (flags & 0x04)
		in.hop_limit = 64;

	split = (size_t)(flags >> 6) * 3 + 1;
	if ((flags & 0x20) && split < n) {
		iov[0].iov_base = (void *)(uintptr_t)d;
		iov[0].iov_len = split;
		iov[1].iov_base = (void *)(uintptr_t)(d + split);
		iov[1].iov_len = n - split;
		pkt_init(&p, iov, 2);
	} else {
		pkt_init_buf(&p, d, n);
	}
	pbuf_init(&b, buf, sizeof(buf));
	v = ndp_reply(&c, &in, &p, &b, &o);
	ASSERT(v < NDP_VERDICT_COUNT && ndp_verdict_name[v]);
	if (v != NDP_REPLY) {
		ASSERT(b.len == 0);
		return 0;
	}
	ASSERT(pbuf_ok(&b) && b.len >= 8 && o.hop_limit == 255);
	ASSERT(csum(buf, b.len,
		    csum_pseudo6(&o.src, &o.dst, IPPROTO_ICMPV6,
				 (uint32_t)b.len)) == 0);
	return 0;
}
