// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * txq.c - the transmit queue: see txq.h.
 */
#include <string.h>

#include "txq.h"
#include "util.h"

static uint8_t txq_buf[TXQ_SLOTS][FRAME_MAX] __attribute__((aligned(64)));
static size_t txq_len[TXQ_SLOTS];
static struct txq_csum txq_meta[TXQ_SLOTS];
bool txq_partial_ok;
static unsigned int txq_n; /* committed frames, in slots [0, txq_n) */
static int txq_reserved;   /* a slot is reserved, not yet committed */
static const struct txq_direct_ops *txq_direct;
static bool txq_direct_open; /* reserved, not yet committed */

uint8_t *txq_reserve(void)
{
	if (txq_n >= TXQ_SLOTS)
		return NULL;
	txq_reserved = 1;
	txq_meta[txq_n] = (struct txq_csum){0, 0};
	return txq_buf[txq_n];
}

void txq_partial(uint16_t start, uint16_t offset)
{
	ASSERT(txq_reserved && txq_partial_ok);
	txq_meta[txq_n] = (struct txq_csum){start, offset};
}

struct txq_csum txq_csum(unsigned int i)
{
	ASSERT(i < txq_n);
	return txq_meta[i];
}

void txq_commit(size_t len)
{
	ASSERT(txq_reserved && txq_n < TXQ_SLOTS && len <= FRAME_MAX);
	txq_len[txq_n++] = len;
	txq_reserved = 0;
}

unsigned int txq_count(void)
{
	return txq_n;
}

uint8_t *txq_slot_ahead(unsigned int i)
{
	ASSERT(txq_n + i < TXQ_SLOTS);
	return txq_buf[txq_n + i];
}

unsigned int txq_free(void)
{
	return TXQ_SLOTS - txq_n;
}

uint8_t *txq_frame(unsigned int i, size_t *len)
{
	ASSERT(i < txq_n);
	*len = txq_len[i];
	return txq_buf[i];
}

/* Frames are few and flushing normally empties the queue; a partial flush
 * (transport full) moves only the lengths and the unsent frames down. */
void txq_consume(unsigned int n)
{
	unsigned int i;

	ASSERT(n <= txq_n);
	if (n == txq_n) {
		txq_n = 0;
		return;
	}
	for (i = n; i < txq_n; i++) {
		memmove(txq_buf[i - n], txq_buf[i], txq_len[i]);
		txq_len[i - n] = txq_len[i];
		txq_meta[i - n] = txq_meta[i];
	}
	txq_n -= n;
}

void txq_direct_set(const struct txq_direct_ops *ops)
{
	txq_direct = ops;
}

unsigned int txq_direct_reserve(unsigned int n, size_t hlen, size_t plen,
				size_t total, struct iovec *iov,
				unsigned int iovmax, unsigned int *niov,
				size_t *room)
{
	unsigned int got;

	ASSERT(!txq_direct_open && n <= TXQ_DIRECT_FRAMES);
	*niov = 0;
	if (!txq_direct || !n || !plen || !total)
		return 0;
	got = txq_direct->reserve(n, hlen, plen, total, iov, iovmax, niov,
				  room);
	txq_direct_open = got > 0;
	return got;
}

void txq_direct_commit(unsigned int n, const uint8_t *const *hdr, size_t hlen,
		       const size_t *len, struct txq_csum cs)
{
	if (!txq_direct_open) {
		ASSERT(!n);
		return;
	}
	txq_direct_open = false;
	txq_direct->commit(n, hdr, hlen, len, cs);
}
