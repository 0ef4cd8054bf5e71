// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtq_packed.c - packed virtqueues (VIRTIO 1.1 section 2.8), device side.
 *
 * Theory of operation
 *
 * Layout (all little-endian), for a queue of N entries, 1 <= N <= 32768
 * (any N, not only powers of two):
 *   descriptor ring   N x {addr u64, len u32, id u16, flags u16}, align 16,
 *                     written by both sides
 *   driver events     {off_wrap u16, flags u16}, align 4: the driver's
 *                     wish for used notifications, read by us
 *   device events     the same, written by us: our wish for kicks
 *
 * Ownership: both sides keep a one-bit wrap counter starting at 1, that
 * flips each time their position passes slot N - 1. The driver makes a
 * descriptor available with AVAIL = its counter and USED = the inverse;
 * we mark it used with AVAIL = USED = our used counter. So the
 * descriptor at next_avail is available iff AVAIL == avail_wrap and
 * USED != avail_wrap; anything else means "not yet", never an error.
 *
 * Pop: a chain is consecutive ring slots linked by NEXT, wrapping at N
 * (and flipping our expected wrap counter); the buffer id is taken from
 * the last descriptor and must be < N (VIRTQ_FAULT_ID_RANGE). Only the
 * head's AVAIL/USED bits are checked: the driver writes the rest of the
 * chain before the head's flags, so the head is the publication point,
 * and we deliberately do not fail a chain on the other members' bits.
 * At most N descriptors per chain (VIRTQ_FAULT_CHAIN_LONG: a chain that
 * would come round to its own head), and at most N descriptors popped
 * and not flushed (VIRTQ_FAULT_INFLIGHT: the driver would be reusing
 * slots we have not returned). An INDIRECT descriptor must be a chain of
 * its own, without NEXT (VIRTQ_FAULT_INDIRECT_NEXT); its table holds
 * consecutive descriptors of which only WRITE counts (the spec reserves
 * the other flags and the id), except that INDIRECT there is refused
 * (VIRTQ_FAULT_INDIRECT_NESTED) rather than ignored.
 *
 * Complete: virtq_packed_fill() keeps {id, len, ndesc} in a shadow batch
 * (no guest memory touched); virtq_packed_flush() writes one used
 * descriptor per element at next_used, each followed by a skip of its
 * ndesc slots, flipping used_wrap when passing N. WRITE is set in a used
 * descriptor iff len > 0 (the spec's meaning: data was written).
 *
 * Barriers:
 *   - pop: acquire load of the head's flags; the driver wrote the
 *     chain's descriptors, then (write barrier) the head's flags. Later
 *     loads of addr/len/id and of the other descriptors are ordered
 *     after it.
 *   - flush: all ids and lengths first; release fence; the flags of the
 *     2nd..last used descriptors; then a release store of the first
 *     one's flags. The driver reads used descriptors in ring order, so
 *     it never sees any of the batch before all of it (the spec's
 *     "multi-buffer requests" rule, which mergeable RX needs).
 *   - should_notify: full fence between the flags stores and reading the
 *     driver event area (store-load, as for split rings).
 *   - notify enable: full fence in virtq.c.
 *
 * Event suppression: we notify unless the driver area says DISABLE; with
 * event idx and DESC, only if the used position {off, wrap} was crossed
 * by what we published since the last decision. Positions are compared
 * on a circle of 2N: position(idx, wrap) = idx + (wrap ? 0 : N), which
 * is exact as long as less than 2N slots are published between two
 * decisions (at most N can be in flight). For kicks we write only
 * ENABLE or DISABLE, even with event idx: we disable kicks while we poll,
 * which is where DESC would save anything.
 *
 * Base: QEMU 7.2 passes and expects next_avail | avail_wrap << 15 in the
 * low 16 bits and next_used | used_wrap << 15 in the high 16 bits
 * (0x80008000 for a fresh ring).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/util.h"
#include "virtq.h"

/* virtq_packed_pos() - @idx with wrap counter @wrap as a position on the
 * circle of 2 * size used by event suppression. */
static uint32_t virtq_packed_pos(const struct virtq *vq, uint16_t idx,
				 bool wrap)
{
	return (uint32_t)idx + (wrap ? 0 : vq->size);
}

/* virtq_packed_advance() - move (@idx, @wrap) forward by @n <= size slots,
 * flipping @wrap when passing the end of the ring. */
static void virtq_packed_advance(const struct virtq *vq, uint16_t *idx,
				 bool *wrap, unsigned int n)
{
	unsigned int i = *idx + n; /* < 2 * 32768: no 16-bit overflow */

	if (i >= vq->size) {
		i -= vq->size;
		*wrap = !*wrap;
	}
	*idx = (uint16_t)i;
}

/* virtq_packed_init() - layout part of virtq_init(): alignment of the
 * event areas (4), indices of @base < size; enables kicks. Returns 0 or
 * -EINVAL. */
int virtq_packed_init(struct virtq *vq, void *desc, void *drv, void *dev,
		      uint32_t base)
{
	struct virtq_packed *p = &vq->p;
	uint16_t avail = base & 0x7fff, used = (base >> 16) & 0x7fff;

	if ((uintptr_t)drv & 3 || (uintptr_t)dev & 3)
		return -EINVAL;
	if (avail >= vq->size || used >= vq->size)
		return -EINVAL;
	p->desc = desc;
	p->drv = drv;
	p->dev = dev;
	p->next_avail = avail;
	p->avail_wrap = base & 0x8000;
	p->next_used = used;
	p->used_wrap = base & 0x80000000;
	p->signalled = virtq_packed_pos(vq, p->next_used, p->used_wrap);
	virtq_packed_notify(vq, true);
	return 0;
}

/* virtq_packed_is_avail() - does @flags mark a descriptor available for
 * the driver wrap counter @wrap? */
static bool virtq_packed_is_avail(uint16_t flags, bool wrap)
{
	bool a = flags & VIRTQ_DESC_F_AVAIL, u = flags & VIRTQ_DESC_F_USED;

	return a == wrap && u != wrap;
}

/* virtq_packed_indirect() - map the indirect table of the copied ring
 * descriptor @d into @e. Returns 0, or -EIO with @vq broken. */
static int virtq_packed_indirect(struct virtq *vq, struct virtq_elem *e,
				 struct virtq_chain *c,
				 const struct virtq_desc *d)
{
	struct virtq_table t;
	struct virtq_desc x;
	unsigned int i;
	int rc;

	if (!vq->indirect)
		return virtq_fail(vq, VIRTQ_FAULT_INDIRECT_FEATURE);
	rc = virtq_table_map(vq, d, &t);
	if (rc)
		return rc;
	for (i = 0; i < t.n; i++) {
		virtq_table_get(&t, i, VIRTQ_PACKED, &x);
		if (x.flags & VIRTQ_DESC_F_INDIRECT)
			return virtq_fail(vq, VIRTQ_FAULT_INDIRECT_NESTED);
		/* Only WRITE is meaningful in a table: NEXT, AVAIL, USED
		 * and the id are reserved and ignored. */
		x.flags &= VIRTQ_DESC_F_WRITE;
		rc = virtq_elem_add(vq, e, c, &x);
		if (rc)
			return rc;
	}
	return 0;
}

/* virtq_packed_pop() - virtq_pop() for packed rings. */
int virtq_packed_pop(struct virtq *vq, struct virtq_elem *e)
{
	struct virtq_packed *p = &vq->p;
	uint16_t idx = p->next_avail, flags;
	bool wrap = p->avail_wrap;
	struct virtq_chain c;
	struct virtq_desc d;
	unsigned int count;
	int rc;

	/* Acquire: see "Barriers" above. */
	flags = le16toh(__atomic_load_n(&p->desc[idx].flags, __ATOMIC_ACQUIRE));
	if (!virtq_packed_is_avail(flags, wrap))
		return -EAGAIN;
	virtq_elem_start(e, &c);
	for (count = 1;; count++) {
		struct virtq_pdesc *g = &p->desc[idx];

		if (count > vq->size)
			return virtq_fail(vq, VIRTQ_FAULT_CHAIN_LONG);
		/* The head's flags are the acquire-loaded copy above. */
		d.flags = count == 1 ? flags : virtq_ld16(&g->flags);
		d.addr = virtq_ld64(&g->addr);
		d.len = virtq_ld32(&g->len);
		d.aux = virtq_ld16(&g->id);
		virtq_packed_advance(vq, &idx, &wrap, 1);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (count > 1 || (d.flags & VIRTQ_DESC_F_NEXT))
				return virtq_fail(vq,
						  VIRTQ_FAULT_INDIRECT_NEXT);
			rc = virtq_packed_indirect(vq, e, &c, &d);
			if (rc)
				return rc;
			break;
		}
		rc = virtq_elem_add(vq, e, &c, &d);
		if (rc)
			return rc;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
	}
	/* d is the last descriptor: it carries the buffer id. */
	if (d.aux >= vq->size)
		return virtq_fail(vq, VIRTQ_FAULT_ID_RANGE);
	if (count > vq->size - vq->inuse)
		return virtq_fail(vq, VIRTQ_FAULT_INFLIGHT);
	e->id = d.aux;
	e->ndesc = (uint16_t)count;
	p->next_avail = idx;
	p->avail_wrap = wrap;
	vq->inuse += count;
	p->hist[p->hist_head] = (uint16_t)count;
	p->hist_head = (p->hist_head + 1) % VIRTQ_BATCH_MAX;
	if (p->hist_n < VIRTQ_BATCH_MAX)
		p->hist_n++;
	return 0;
}

/* virtq_packed_fill() - virtq_fill() for packed rings: shadow only. */
void virtq_packed_fill(struct virtq *vq, const struct virtq_elem *e,
		       uint32_t len, unsigned int idx)
{
	struct virtq_pbatch *b = &vq->p.batch[idx];

	ASSERT(e->ndesc >= 1 && e->ndesc <= vq->size);
	b->id = e->id;
	b->ndesc = e->ndesc;
	b->len = len;
}

/* virtq_packed_used_flags() - flags of a used descriptor written with
 * our wrap counter @wrap for @len bytes. */
static uint16_t virtq_packed_used_flags(bool wrap, uint32_t len)
{
	return (wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0) |
	       (len ? VIRTQ_DESC_F_WRITE : 0);
}

/* virtq_packed_flush() - virtq_flush() for packed rings: write the batch's
 * used descriptors so that the first becomes visible last. */
void virtq_packed_flush(struct virtq *vq, unsigned int count)
{
	struct virtq_packed *p = &vq->p;
	uint16_t idx = p->next_used;
	bool wrap = p->used_wrap;
	unsigned int i, total = 0;

	for (i = 0; i < count; i++) {
		const struct virtq_pbatch *b = &p->batch[i];
		struct virtq_pdesc *g = &p->desc[idx];

		virtq_st16(&g->id, b->id);
		virtq_st32(&g->len, b->len);
		total += b->ndesc;
		ASSERT(total <= vq->inuse);
		virtq_packed_advance(vq, &idx, &wrap, b->ndesc);
	}
	/* Release: ids and lengths before any flags that expose them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	idx = p->next_used;
	wrap = p->used_wrap;
	virtq_packed_advance(vq, &idx, &wrap, p->batch[0].ndesc);
	for (i = 1; i < count; i++) {
		const struct virtq_pbatch *b = &p->batch[i];

		virtq_st16(&p->desc[idx].flags,
			   virtq_packed_used_flags(wrap, b->len));
		virtq_packed_advance(vq, &idx, &wrap, b->ndesc);
	}
	/* Release: the rest of the batch before its first descriptor. */
	__atomic_store_n(
		&p->desc[p->next_used].flags,
		htole16(virtq_packed_used_flags(p->used_wrap, p->batch[0].len)),
		__ATOMIC_RELEASE);
	p->next_used = idx;
	p->used_wrap = wrap;
	vq->inuse -= total;
}

/* virtq_packed_unpop() - virtq_unpop() for packed rings: step next_avail
 * back over the last @n pops (their sizes are in hist[]). */
void virtq_packed_unpop(struct virtq *vq, unsigned int n)
{
	struct virtq_packed *p = &vq->p;

	ASSERT(n <= p->hist_n);
	while (n--) {
		unsigned int nd;

		p->hist_head =
			(p->hist_head + VIRTQ_BATCH_MAX - 1) % VIRTQ_BATCH_MAX;
		p->hist_n--;
		nd = p->hist[p->hist_head];
		ASSERT(nd <= vq->inuse);
		vq->inuse -= nd;
		if (p->next_avail < nd) {
			p->next_avail =
				(uint16_t)(p->next_avail + vq->size - nd);
			p->avail_wrap = !p->avail_wrap;
		} else {
			p->next_avail = (uint16_t)(p->next_avail - nd);
		}
	}
}

/* virtq_packed_should_notify() - virtq_should_notify() for packed
 * rings; see "Event suppression". */
bool virtq_packed_should_notify(struct virtq *vq)
{
	struct virtq_packed *p = &vq->p;
	uint32_t two = 2U * vq->size, old = p->signalled, new, ev;
	uint16_t flags, off_wrap, off;

	new = virtq_packed_pos(vq, p->next_used, p->used_wrap);
	/* Full fence: see "Barriers" above. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->signalled = new;
	if (new == old)
		return false;
	flags = virtq_ld16(&p->drv->flags) & VIRTQ_EVENT_F_MASK;
	if (flags == VIRTQ_EVENT_F_DISABLE)
		return false;
	/* ENABLE; DESC without event idx and the reserved value 3 are
	 * nonsense: notify, the safe side. */
	if (flags != VIRTQ_EVENT_F_DESC || !vq->event_idx)
		return true;
	off_wrap = virtq_ld16(&p->drv->off_wrap);
	off = off_wrap & 0x7fff;
	if (off >= vq->size)
		return true;
	ev = virtq_packed_pos(vq, off, off_wrap & VIRTQ_EVENT_WRAP);
	/* Is ev in [old, new) on the circle of 2 * size? */
	return (ev + two - old) % two < (new + two - old) % two;
}

/* virtq_packed_notify() - ask for kicks (@on) or not. */
void virtq_packed_notify(struct virtq *vq, bool on)
{
	virtq_st16(&vq->p.dev->flags,
		   on ? VIRTQ_EVENT_F_ENABLE : VIRTQ_EVENT_F_DISABLE);
}

/* virtq_packed_get_base() - QEMU 7.2's encoding, for GET_VRING_BASE. */
uint32_t virtq_packed_get_base(const struct virtq *vq)
{
	const struct virtq_packed *p = &vq->p;
	uint32_t avail = p->next_avail | (p->avail_wrap ? 0x8000U : 0);
	uint32_t used = p->next_used | (p->used_wrap ? 0x8000U : 0);

	return avail | used << 16;
}
