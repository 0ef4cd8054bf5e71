// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * csum.c - Internet checksum. Plain C, fast enough for headers and for
 * the control-plane replies; the data path avoids checksumming payload
 * where the transport allows.
 */
#include <string.h>

#include "csum.h"

uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint64_t s = sum;

	while (len >= 8) {
		s += (uint32_t)get_be16(b) + get_be16(b + 2) + get_be16(b + 4) +
		     get_be16(b + 6);
		b += 8;
		len -= 8;
	}
	while (len >= 2) {
		s += get_be16(b);
		b += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)b[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t csum(const void *buf, size_t len, uint32_t sum)
{
	return csum_fold(csum_add(sum, buf, len));
}

struct csum_state {
	uint32_t sum;
	int odd; /* a byte is pending from the previous piece */
	uint8_t pending;
};

static void csum_piece(const void *data, size_t len, void *arg)
{
	struct csum_state *st = arg;
	const uint8_t *d = data;

	if (!len)
		return;
	if (st->odd) {
		uint8_t w[2] = {st->pending, d[0]};

		st->sum = csum_add(st->sum, w, 2);
		d++;
		len--;
		st->odd = 0;
	}
	if (len & 1) {
		st->pending = d[len - 1];
		st->odd = 1;
		len--;
	}
	st->sum = csum_add(st->sum, d, len);
}

uint32_t csum_pkt(const struct pkt *p, uint32_t sum)
{
	struct csum_state st = {.sum = sum};

	pkt_iter(p, csum_piece, &st);
	if (st.odd)
		st.sum = csum_add(st.sum, &st.pending, 1);
	return st.sum;
}

uint32_t csum_pseudo4(struct in_addr src, struct in_addr dst, uint8_t proto,
		      uint32_t len)
{
	uint8_t ph[12];

	memcpy(ph, &src, 4);
	memcpy(ph + 4, &dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	put_be16(ph + 10, (uint16_t)len);
	return csum_add(0, ph, sizeof(ph));
}

uint32_t csum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t proto, uint32_t len)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	put_be32(ph + 32, len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return csum_add(0, ph, sizeof(ph));
}
