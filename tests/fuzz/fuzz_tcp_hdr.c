// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_tcp_hdr.c - libFuzzer target for net_tcp_parse() (tcp_hdr.c): the
 * TCP header and its options, fed directly, without the Ethernet and IP
 * layers (and their checksums) in front that fuzz_frame.c has to get
 * right first.
 *
 * Input: two control bytes, then the bytes of the TCP segment.
 *   byte 0: bits 0-5, length of the first segment piece; bits 6-7, times
 *           17 the length of the second (the rest is the third), as in
 *           fuzz_frame.c, so headers and options straddle pieces
 *   byte 1: bits 0-3, bytes in front of the TCP header (where the IP
 *           header would be); bits 4-7, bytes of padding after the
 *           segment, outside the cursor's window (as after pkt_narrow())
 * Every piece is copied into its own allocation of exactly its size, so
 * that ASan sees a read past any piece, and the padding is poisoned with
 * bytes the parser must never look at.
 *
 * The result is checked against a plain reference parser over the
 * contiguous segment: same verdict, same header fields and options, and
 * the payload cursor covers exactly the bytes after the header.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pkt.h"
#include "core/util.h"
#include "net/net.h"

#define FUZZ_SEG_MAX 65535 /* longest TCP segment looked at */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the reference parser expects. */
struct ref_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t win;
	uint8_t flags;
	uint16_t mss;
	int8_t wscale;
	size_t hlen; /* header length, options included */
};

static uint16_t ref_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t ref_be32(const uint8_t *p)
{
	return (uint32_t)ref_be16(p) << 16 | ref_be16(p + 2);
}

/* ref_parse() - RFC 9293 3.1 and 3.2, the way tcp_hdr.c documents its
 * checks, over the @n contiguous bytes at @s. True if acceptable. */
static bool ref_parse(const uint8_t *s, size_t n, struct ref_tcp *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->wscale = -1;
	if (n < 20)
		return false;
	r->sport = ref_be16(s);
	r->dport = ref_be16(s + 2);
	r->seq = ref_be32(s + 4);
	r->ack = ref_be32(s + 8);
	r->hlen = (size_t)(s[12] >> 4) * 4;
	r->flags = s[13] & 0x3f;
	r->win = ref_be16(s + 14);
	if (r->hlen < 20 || r->hlen > n || !r->sport || !r->dport)
		return false;

	for (i = 20; i < r->hlen;) {
		uint8_t kind = s[i++], len;

		if (kind == 0) /* end of option list */
			break;
		if (kind == 1) /* no-operation */
			continue;
		if (i == r->hlen)
			return false; /* no room for the length byte */
		len = s[i++];
		if (len < 2 || len - 2U > r->hlen - i)
			return false;
		if (kind == 2) { /* maximum segment size */
			if (len != 4)
				return false;
			r->mss = ref_be16(s + i);
		} else if (kind == 3) { /* window scale */
			if (len != 3)
				return false;
			r->wscale = (int8_t)(s[i] > 14 ? 14 : s[i]);
		}
		i += len - 2U;
	}

	if ((r->flags & TCP_F_SYN) && (r->flags & (TCP_F_RST | TCP_F_FIN)))
		return false;
	if (!(r->flags & TCP_F_SYN)) {
		r->mss = 0;
		r->wscale = -1;
	}
	return true;
}

/* fuzz_piece() - a fresh allocation holding exactly @len bytes of @src
 * (one byte if @len is 0, so that malloc() never returns NULL legally). */
static void *fuzz_piece(const uint8_t *src, size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p)
		abort();
	if (len)
		memcpy(p, src, len);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[16 + FUZZ_SEG_MAX + 15];
	static uint8_t pbuf[FUZZ_SEG_MAX];
	size_t a, b, lead, trail, seg, total, i;
	enum net_verdict v;
	struct iovec iov[3];
	struct ref_tcp ref;
	struct net_l4 l4;
	struct pkt p;
	bool ok;

	if (size < 2)
		return 0;
	a = data[0] & 0x3f;
	b = (size_t)(data[0] >> 6) * 17;
	lead = data[1] & 0x0f;
	trail = data[1] >> 4;
	data += 2;
	size -= 2;
	seg = MIN(size, (size_t)FUZZ_SEG_MAX);
	ok = ref_parse(data, seg, &ref);

	/* The frame: lead bytes, the segment, poisoned padding. */
	memset(frame, 0xa5, lead);
	memcpy(frame + lead, data, seg);
	for (i = 0; i < trail; i++)
		frame[lead + seg + i] = (uint8_t)(0x02 + i * 0x11);
	total = lead + seg + trail;
	a = MIN(a, total);
	b = MIN(b, total - a);
	iov[0] = (struct iovec){fuzz_piece(frame, a), a};
	iov[1] = (struct iovec){fuzz_piece(frame + a, b), b};
	iov[2] = (struct iovec){fuzz_piece(frame + a + b, total - a - b),
				total - a - b};

	pkt_init(&p, iov, 3);
	if (!pkt_skip(&p, lead) || !pkt_narrow(&p, seg))
		abort();
	memset(&l4, 0x5a, sizeof(l4));
	v = net_tcp_parse(&p, &l4);

	ASSERT(v == NET_FLOW || v == NET_DROP_TCP);
	ASSERT((v == NET_FLOW) == ok);
	if (v == NET_FLOW) {
		const uint8_t *pl;
		size_t left = pkt_left(&l4.payload);

		ASSERT(l4.proto == IPPROTO_TCP);
		ASSERT(l4.sport == ref.sport && l4.dport == ref.dport);
		ASSERT(l4.tcp.seq == ref.seq && l4.tcp.ack == ref.ack);
		ASSERT(l4.tcp.win == ref.win && l4.tcp.flags == ref.flags);
		ASSERT(l4.tcp.mss == ref.mss && l4.tcp.wscale == ref.wscale);
		ASSERT(l4.tcp.wscale >= -1 && l4.tcp.wscale <= 14);

		/* The payload: exactly the bytes after the header, nothing
		 * of the padding. */
		ASSERT(pkt_ok(&l4.payload));
		ASSERT(pkt_offset(&l4.payload) == lead + ref.hlen);
		ASSERT(left == seg - ref.hlen);
		pl = pkt_pull(&l4.payload, left, pbuf);
		ASSERT(pl && !memcmp(pl, data + ref.hlen, left));
		ASSERT(!pkt_left(&l4.payload));
	}

	for (i = 0; i < ARRAY_SIZE(iov); i++)
		free(iov[i].iov_base);
	return 0;
}
