// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtq.c - the layout-independent part of a device-side virtqueue: the
 * public entry points (which dispatch to virtq_split.c / virtq_packed.c),
 * chain validation shared by both layouts, indirect tables, and faults.
 *
 * Theory of operation
 *
 * A chain is validated descriptor by descriptor, on local copies:
 *   - ordering: once a device-writable descriptor was seen, a readable one
 *     is a fault (VIRTQ_FAULT_ORDER);
 *   - length: the running total is kept in 64 bits and may not exceed
 *     UINT32_MAX (used lengths are 32 bits; the spec forbids chains over
 *     4 GiB), checked before the address so that a huge length is named
 *     as such (VIRTQ_FAULT_LEN_OVERFLOW); 32768 descriptors of < 2^32
 *     bytes cannot wrap 64 bits;
 *   - address: vu_mem_iov() must map all of [addr, addr + len) through
 *     the table, into at most VU_MEM_REGIONS_MAX (8) pieces, since a
 *     contiguous range visits each region at most once
 *     (VIRTQ_FAULT_ADDR); zero-length descriptors map to nothing and are
 *     accepted (they carry no data, only their place in the order);
 *   - capacity: at most VIRTQ_IOV_MAX (64) iovecs per element
 *     (VIRTQ_FAULT_IOV_FULL). Linux uses at most MAX_SKB_FRAGS + 2 (19)
 *     descriptors per packet, so we deliberately treat a chain needing
 *     more as a broken driver rather than carry a drop path for it.
 *
 * Indirect tables: the length must be a non-zero multiple of 16 holding
 * at most queue-size descriptors (the spec's limit on a chain); the table
 * may cross region boundaries (it is read through its iovecs), and need
 * not be aligned: a descriptor that is not 8-aligned in one piece is read
 * byte by byte. Either way each byte of guest memory is loaded once, with
 * volatile loads, into a local copy.
 *
 * Faults: virtq_fail() marks the queue broken (every entry point then
 * returns early), keeps the first reason, counts it in
 * virtq_fault_count[] and logs one rate-limited line naming it. Nothing a
 * guest does is fatal to burrow.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../core/log.h"
#include "../core/util.h"
#include "virtq.h"

const char *const virtq_fault_name[VIRTQ_FAULT_COUNT] = {
	[VIRTQ_FAULT_NONE] = "none",
	[VIRTQ_FAULT_AVAIL_JUMP] = "avail index moved by more than the size",
	[VIRTQ_FAULT_INFLIGHT] = "more buffers in flight than the ring holds",
	[VIRTQ_FAULT_HEAD_RANGE] = "head index out of range",
	[VIRTQ_FAULT_NEXT_RANGE] = "next index out of range",
	[VIRTQ_FAULT_CHAIN_LONG] = "chain longer than its table (loop)",
	[VIRTQ_FAULT_ADDR] = "buffer outside guest memory",
	[VIRTQ_FAULT_LEN_OVERFLOW] = "chain length over 4 GiB",
	[VIRTQ_FAULT_ORDER] = "readable descriptor after a writable one",
	[VIRTQ_FAULT_IOV_FULL] = "chain needs too many segments",
	[VIRTQ_FAULT_INDIRECT_FEATURE] = "indirect descriptor not negotiated",
	[VIRTQ_FAULT_INDIRECT_NEXT] = "indirect descriptor inside a chain",
	[VIRTQ_FAULT_INDIRECT_NESTED] =
		"indirect descriptor in an indirect table",
	[VIRTQ_FAULT_INDIRECT_LEN] = "bad indirect table length",
	[VIRTQ_FAULT_INDIRECT_ADDR] = "indirect table outside guest memory",
	[VIRTQ_FAULT_ID_RANGE] = "buffer id out of range",
};
static_assert(ARRAY_SIZE(virtq_fault_name) == VIRTQ_FAULT_COUNT,
	      "a name for every fault");

unsigned long virtq_fault_count[VIRTQ_FAULT_COUNT];

/* virtq_fail() - mark @vq broken because of @f (the first reason is kept),
 * count it and log it, rate-limited. Returns -EIO for the caller to pass
 * on. */
int virtq_fail(struct virtq *vq, enum virtq_fault f)
{
	ASSERT(f > VIRTQ_FAULT_NONE && f < VIRTQ_FAULT_COUNT);
	virtq_fault_count[f]++;
	if (!vq->broken) {
		vq->broken = true;
		vq->fault = f;
		warn_rl("virtq: driver broke the ring rules (%s), queue stopped",
			virtq_fault_name[f]);
	}
	return -EIO;
}

/* virtq_elem_start() - empty @e and the walk state @c for a new chain. */
void virtq_elem_start(struct virtq_elem *e, struct virtq_chain *c)
{
	e->id = 0;
	e->ndesc = 0;
	e->out_num = 0;
	e->in_num = 0;
	c->total = 0;
}

/* virtq_elem_add() - validate the copied descriptor @d (order, total
 * length, address) and append its iovecs to @e. Returns 0, or -EIO with
 * @vq broken; @e is then partly filled and must not be used. */
int virtq_elem_add(struct virtq *vq, struct virtq_elem *e,
		   struct virtq_chain *c, const struct virtq_desc *d)
{
	struct iovec iov[VU_MEM_REGIONS_MAX];
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	unsigned int used = e->out_num + e->in_num;
	int i, n;

	if (!write && e->in_num)
		return virtq_fail(vq, VIRTQ_FAULT_ORDER);
	/* 64-bit sum of at most 2 * 32768 values below 2^32: cannot wrap. */
	c->total += d->len;
	if (c->total > UINT32_MAX)
		return virtq_fail(vq, VIRTQ_FAULT_LEN_OVERFLOW);
	if (!d->len)
		return 0;
	n = vu_mem_iov(vq->mem, d->addr, d->len, iov, ARRAY_SIZE(iov));
	if (n < 0)
		return virtq_fail(vq, VIRTQ_FAULT_ADDR);
	if ((unsigned int)n > VIRTQ_IOV_MAX - used)
		return virtq_fail(vq, VIRTQ_FAULT_IOV_FULL);
	for (i = 0; i < n; i++)
		e->iov[used + (unsigned int)i] = iov[i];
	if (write)
		e->in_num += (unsigned int)n;
	else
		e->out_num += (unsigned int)n;
	return 0;
}

/* virtq_table_map() - check the copied INDIRECT descriptor @d (length a
 * non-zero multiple of 16, at most size entries, inside the memory table)
 * and describe its table in @t. Feature and nesting checks are the
 * caller's. Returns 0, or -EIO with @vq broken. */
int virtq_table_map(struct virtq *vq, const struct virtq_desc *d,
		    struct virtq_table *t)
{
	int n;

	if (!d->len || d->len % sizeof(struct virtq_sdesc) ||
	    d->len / sizeof(struct virtq_sdesc) > vq->size)
		return virtq_fail(vq, VIRTQ_FAULT_INDIRECT_LEN);
	n = vu_mem_iov(vq->mem, d->addr, d->len, t->iov, ARRAY_SIZE(t->iov));
	if (n <= 0)
		return virtq_fail(vq, VIRTQ_FAULT_INDIRECT_ADDR);
	t->niov = (unsigned int)n;
	t->n = d->len / sizeof(struct virtq_sdesc);
	return 0;
}

/* virtq_table_get() - copy descriptor @i (< t->n) of the indirect table @t
 * into @d, decoded for @layout. Each byte of the entry is loaded exactly
 * once: two volatile 64-bit loads when the entry is in one piece and
 * 8-aligned, volatile byte loads otherwise. */
void virtq_table_get(const struct virtq_table *t, unsigned int i,
		     enum virtq_layout layout, struct virtq_desc *d)
{
	size_t off = (size_t)i * sizeof(struct virtq_sdesc);
	uint64_t w[2] = {0, 0};
	unsigned int k = 0, b;

	ASSERT(i < t->n);
	/* Find the iovec holding the entry's first byte. */
	while (k < t->niov && off >= t->iov[k].iov_len) {
		off -= t->iov[k].iov_len;
		k++;
	}
	ASSERT(k < t->niov);
	if (t->iov[k].iov_len - off >= sizeof(struct virtq_sdesc) &&
	    !(((uintptr_t)t->iov[k].iov_base + off) & 7)) {
		const uint64_t *p =
			(const uint64_t *)((uint8_t *)t->iov[k].iov_base + off);

		w[0] = virtq_ld64(&p[0]);
		w[1] = virtq_ld64(&p[1]);
	} else {
		for (b = 0; b < sizeof(struct virtq_sdesc); b++) {
			const volatile uint8_t *p;

			while (off >= t->iov[k].iov_len) {
				off -= t->iov[k].iov_len;
				k++;
				ASSERT(k < t->niov);
			}
			p = (const volatile uint8_t *)t->iov[k].iov_base + off;
			w[b / 8] |= (uint64_t)*p << (8 * (b % 8));
			off++;
		}
	}
	/* Both layouts: addr, then len; they differ in the last 4 bytes. */
	d->addr = w[0];
	d->len = (uint32_t)w[1];
	if (layout == VIRTQ_SPLIT) {
		d->flags = (uint16_t)(w[1] >> 32);
		d->aux = (uint16_t)(w[1] >> 48); /* next */
	} else {
		d->aux = (uint16_t)(w[1] >> 32); /* id */
		d->flags = (uint16_t)(w[1] >> 48);
	}
}

/* virtq_area_len() - see virtq.h. */
size_t virtq_area_len(enum virtq_layout layout, uint16_t size,
		      enum virtq_area a)
{
	switch (a) {
	case VIRTQ_AREA_DESC:
		return (size_t)size * 16;
	case VIRTQ_AREA_DRIVER:
		/* split: flags, idx, ring[size], used_event */
		return layout == VIRTQ_SPLIT ? 6 + (size_t)size * 2
					     : sizeof(struct virtq_event);
	case VIRTQ_AREA_DEVICE:
		/* split: flags, idx, ring[size], avail_event */
		return layout == VIRTQ_SPLIT ? 6 + (size_t)size * 8
					     : sizeof(struct virtq_event);
	case VIRTQ_AREA_COUNT:
		break;
	}
	return 0;
}

/* virtq_init() - see virtq.h. Checks what both layouts share, then lets
 * the layout check its own rules and write its notification fields. On
 * failure @vq is left broken, so that a caller using it anyway gets -EIO
 * and no-ops rather than a NULL ring. */
int virtq_init(struct virtq *vq, enum virtq_layout layout, uint16_t size,
	       void *desc, void *driver_area, void *device_area, bool event_idx,
	       bool indirect, const struct vu_mem *mem, uint32_t base)
{
	int rc;

	memset(vq, 0, sizeof(*vq));
	/* Until set up, and for good if set-up fails: calls fail fast. */
	vq->broken = true;
	if (layout >= VIRTQ_LAYOUT_COUNT || !size || size > VIRTQ_SIZE_MAX ||
	    !mem || !desc || !driver_area || !device_area)
		return -EINVAL;
	/* Descriptors: 16 in both layouts (and 8 is what our loads need). */
	if ((uintptr_t)desc & 15)
		return -EINVAL;
	vq->broken = false;
	vq->layout = layout;
	vq->size = size;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->mem = mem;
	vq->kick_on = true;
	if (layout == VIRTQ_SPLIT)
		rc = virtq_split_init(vq, desc, driver_area, device_area, base);
	else
		rc = virtq_packed_init(vq, desc, driver_area, device_area,
				       base);
	if (rc) {
		memset(vq, 0, sizeof(*vq));
		vq->broken = true;
	}
	return rc;
}

/* virtq_pop() - see virtq.h. */
int virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	if (unlikely(vq->broken))
		return -EIO;
	if (vq->layout == VIRTQ_SPLIT)
		return virtq_split_pop(vq, e);
	return virtq_packed_pop(vq, e);
}

/* virtq_fill() - see virtq.h. */
void virtq_fill(struct virtq *vq, const struct virtq_elem *e, uint32_t len,
		unsigned int idx)
{
	if (unlikely(vq->broken))
		return;
	ASSERT(idx < VIRTQ_BATCH_MAX);
	if (vq->layout == VIRTQ_SPLIT)
		virtq_split_fill(vq, e, len, idx);
	else
		virtq_packed_fill(vq, e, len, idx);
}

/* virtq_flush() - see virtq.h. */
void virtq_flush(struct virtq *vq, unsigned int count)
{
	if (unlikely(vq->broken) || !count)
		return;
	ASSERT(count <= VIRTQ_BATCH_MAX);
	if (vq->layout == VIRTQ_SPLIT)
		virtq_split_flush(vq, count);
	else
		virtq_packed_flush(vq, count);
}

/* virtq_unpop() - see virtq.h. */
void virtq_unpop(struct virtq *vq, unsigned int n)
{
	if (unlikely(vq->broken) || !n)
		return;
	if (vq->layout == VIRTQ_SPLIT)
		virtq_split_unpop(vq, n);
	else
		virtq_packed_unpop(vq, n);
}

/* virtq_should_notify() - see virtq.h. */
bool virtq_should_notify(struct virtq *vq)
{
	if (unlikely(vq->broken))
		return false;
	if (vq->layout == VIRTQ_SPLIT)
		return virtq_split_should_notify(vq);
	return virtq_packed_should_notify(vq);
}

/* virtq_notify_disable() - see virtq.h. */
void virtq_notify_disable(struct virtq *vq)
{
	if (unlikely(vq->broken))
		return;
	vq->kick_on = false;
	if (vq->layout == VIRTQ_SPLIT)
		virtq_split_notify(vq, false);
	else
		virtq_packed_notify(vq, false);
}

/* virtq_notify_enable() - see virtq.h. */
void virtq_notify_enable(struct virtq *vq)
{
	if (unlikely(vq->broken))
		return;
	vq->kick_on = true;
	if (vq->layout == VIRTQ_SPLIT)
		virtq_split_notify(vq, true);
	else
		virtq_packed_notify(vq, true);
	/* Full barrier: our request must be visible to the driver before
	 * the caller's next virtq_pop() reads the ring; otherwise a driver
	 * that added a buffer in between could still see the old request,
	 * skip the kick, while we miss its buffer and sleep (store-load
	 * ordering, which only a full fence gives). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* virtq_get_base() - see virtq.h. */
uint32_t virtq_get_base(const struct virtq *vq)
{
	if (vq->layout == VIRTQ_SPLIT)
		return virtq_split_get_base(vq);
	return virtq_packed_get_base(vq);
}

/* virtq_broken() - see virtq.h. */
bool virtq_broken(const struct virtq *vq)
{
	return vq->broken;
}
