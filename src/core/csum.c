// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * csum.c - Internet checksum. Plain C, fast enough for headers and for
 * the control-plane replies; the data path avoids checksumming payload
 * where the transport allows.
 */
#include <string.h>

#include "csum.h"

/*
 * csum_add() - the ones' complement sum does not depend on byte order if
 * the result is swapped back at the end (RFC 1071 2.B), so the bulk is
 * summed as native 32-bit words into a 64-bit accumulator (no carries lost
 * below 2^32 words), folded, and swapped once on little-endian hosts.
 */
uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint64_t acc = 0;
	uint32_t w[4];
	uint16_t h;

	while (len >= 16) {
		memcpy(w, b, 16);
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		b += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(w, b, 4);
		acc += w[0];
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, b, 2);
		acc += h;
		b += 2;
		len -= 2;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	acc = ((acc & 0xff) << 8) | (acc >> 8);
#endif
	if (len)
		acc += (uint32_t)b[0] << 8;
	acc += sum;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
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
