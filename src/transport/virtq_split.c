// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtq_split.c - split virtqueues (VIRTIO 1.1 section 2.7), device side.
 *
 * Theory of operation
 *
 * Layout (all little-endian), for a queue of N entries, N a power of two
 * in 1..32768:
 *   descriptor table  N x {addr u64, len u32, flags u16, next u16}, align 16
 *   avail ring        {flags u16, idx u16, ring[N] u16, used_event u16},
 *                     align 2, 6 + 2N bytes, written by the driver
 *   used ring         {flags u16, idx u16, ring[N] {id u32, len u32},
 *                     avail_event u16}, align 4, 6 + 8N bytes, ours
 * Indices are free-running 16-bit counters; slot = index mod N.
 *
 * Pop: read avail->idx (acquire), check that it moved by at most N since
 * our last_avail (else VIRTQ_FAULT_AVAIL_JUMP), copy the head from
 * ring[last_avail mod N] (head < N, else VIRTQ_FAULT_HEAD_RANGE), then
 * walk the chain, copying each descriptor once: at most N descriptors in
 * the table (else VIRTQ_FAULT_CHAIN_LONG: this is the loop detection),
 * next < N (VIRTQ_FAULT_NEXT_RANGE). Zero or more direct descriptors may
 * be followed by one INDIRECT descriptor (the spec's device requirement),
 * which must not also have NEXT (VIRTQ_FAULT_INDIRECT_NEXT); inside the
 * table the same rules apply with the table's size, and INDIRECT is
 * refused (VIRTQ_FAULT_INDIRECT_NESTED). At most N chains may be popped
 * and not flushed (VIRTQ_FAULT_INFLIGHT): a driver cannot legitimately
 * have more heads outstanding than it has descriptors.
 *
 * Complete: virtq_split_fill() writes used->ring[(used_idx + idx) mod N];
 * virtq_split_flush() advances used_idx and stores used->idx once.
 *
 * Barriers:
 *   - pop: acquire load of avail->idx. The driver writes descriptors and
 *     the ring slot, then (write barrier) the index; our reads of the slot
 *     and descriptors must not be served from before the index we saw.
 *   - flush: release store of used->idx. The used entries must be visible
 *     before the index that publishes them.
 *   - should_notify: full fence between that store and reading
 *     avail->flags / used_event. The driver, about to sleep, writes
 *     used_event then reads used->idx; we write used->idx then read
 *     used_event. Without a store-load fence on both sides each can miss
 *     the other's store: an interrupt lost forever.
 *   - notify enable: full fence after writing used->flags / avail_event
 *     and before the caller's re-check of avail->idx, for the same
 *     reason in the other direction (virtq.c).
 *
 * Event idx: the driver asks for an interrupt when used->idx passes
 * used_event; we notify iff used_event lies in [old, new) of the indices
 * published since the last decision. We ask for kicks the same way with
 * avail_event: while kicks are on, every pop sets it to our next index;
 * to turn them off we park it one behind our index, which the driver has
 * already crossed, so it does not kick again before its index wraps (one
 * harmless kick per 65536 buffers). Without event idx, used->flags
 * NO_NOTIFY and avail->flags NO_INTERRUPT do the same, coarsely.
 *
 * Resuming: SET_VRING_BASE gives the next avail index (QEMU 7.2 sends
 * last_avail_idx only; we take the low 16 bits); our used index is read
 * back from used->idx, which we ourselves last published. A guest may
 * have scribbled on it: any 16-bit value is as good as another for
 * memory safety, since every slot is taken mod N.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/util.h"
#include "virtq.h"

/* virtq_split_used_event() - the driver's used_event, after avail ring. */
static uint16_t *virtq_split_used_event(const struct virtq *vq)
{
	return &vq->s.avail->ring[vq->size];
}

/* virtq_split_avail_event() - our avail_event, after the used ring. */
static uint16_t *virtq_split_avail_event(const struct virtq *vq)
{
	return (uint16_t *)&vq->s.used->ring[vq->size];
}

/* virtq_split_init() - layout part of virtq_init(): alignment of the
 * avail (2) and used (4) rings, power-of-two size; writes our
 * notification fields with kicks enabled. Returns 0 or -EINVAL. */
int virtq_split_init(struct virtq *vq, void *desc, void *avail, void *used,
		     uint32_t base)
{
	struct virtq_split *s = &vq->s;

	if ((uintptr_t)avail & 1 || (uintptr_t)used & 3 ||
	    (vq->size & (vq->size - 1)))
		return -EINVAL;
	s->desc = desc;
	s->avail = avail;
	s->used = used;
	s->last_avail = (uint16_t)base;
	s->used_idx = virtq_ld16(&s->used->idx);
	s->signalled = s->used_idx;
	if (vq->event_idx)
		virtq_st16(&s->used->flags, 0);
	virtq_split_notify(vq, true);
	return 0;
}

/* virtq_split_desc_get() - copy descriptor @i (< size) of the table into
 * @d, one volatile load per field. */
static void virtq_split_desc_get(const struct virtq *vq, unsigned int i,
				 struct virtq_desc *d)
{
	struct virtq_sdesc *g = &vq->s.desc[i];

	d->addr = virtq_ld64(&g->addr);
	d->len = virtq_ld32(&g->len);
	d->flags = virtq_ld16(&g->flags);
	d->aux = virtq_ld16(&g->next);
}

/* virtq_split_walk() - validate the chain starting at @head (< size) and
 * map it into @e. Returns 0, or -EIO with @vq broken. */
static int virtq_split_walk(struct virtq *vq, struct virtq_elem *e,
			    uint16_t head)
{
	unsigned int i = head, count = 0, max = vq->size;
	struct virtq_table t = {.n = 0};
	bool in_table = false;
	struct virtq_chain c;
	struct virtq_desc d;
	int rc;

	virtq_elem_start(e, &c);
	e->id = head;
	for (;;) {
		/* A chain visits each entry of its table at most once, so
		 * more than max descriptors means a loop. */
		if (++count > max)
			return virtq_fail(vq, VIRTQ_FAULT_CHAIN_LONG);
		if (in_table) {
			virtq_table_get(&t, i, VIRTQ_SPLIT, &d);
		} else {
			virtq_split_desc_get(vq, i, &d);
			e->ndesc++;
		}
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (in_table)
				return virtq_fail(vq,
						  VIRTQ_FAULT_INDIRECT_NESTED);
			if (!vq->indirect)
				return virtq_fail(vq,
						  VIRTQ_FAULT_INDIRECT_FEATURE);
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return virtq_fail(vq,
						  VIRTQ_FAULT_INDIRECT_NEXT);
			rc = virtq_table_map(vq, &d, &t);
			if (rc)
				return rc;
			/* The chain continues at entry 0 of the table and
			 * ends there: the pointer had no NEXT. */
			in_table = true;
			i = 0;
			count = 0;
			max = t.n;
			continue;
		}
		rc = virtq_elem_add(vq, e, &c, &d);
		if (rc)
			return rc;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.aux >= max)
			return virtq_fail(vq, VIRTQ_FAULT_NEXT_RANGE);
		i = d.aux;
	}
}

/* virtq_split_pop() - virtq_pop() for split rings. */
int virtq_split_pop(struct virtq *vq, struct virtq_elem *e)
{
	struct virtq_split *s = &vq->s;
	uint16_t avail_idx, n, head;
	int rc;

	/* Acquire: see "Barriers" above. */
	avail_idx = le16toh(__atomic_load_n(&s->avail->idx, __ATOMIC_ACQUIRE));
	n = (uint16_t)(avail_idx - s->last_avail);
	if (n > vq->size)
		return virtq_fail(vq, VIRTQ_FAULT_AVAIL_JUMP);
	if (!n)
		return -EAGAIN;
	if (vq->inuse >= vq->size)
		return virtq_fail(vq, VIRTQ_FAULT_INFLIGHT);
	head = virtq_ld16(&s->avail->ring[s->last_avail & (vq->size - 1)]);
	if (head >= vq->size)
		return virtq_fail(vq, VIRTQ_FAULT_HEAD_RANGE);
	rc = virtq_split_walk(vq, e, head);
	if (rc)
		return rc;
	s->last_avail++;
	vq->inuse++;
	/* No barrier: this only moves the kick threshold forward; the
	 * ordering that matters before sleeping is virtq_notify_enable()'s
	 * full fence. */
	if (vq->event_idx && vq->kick_on)
		virtq_st16(virtq_split_avail_event(vq), s->last_avail);
	return 0;
}

/* virtq_split_fill() - virtq_fill() for split rings: write the used
 * entry, not yet visible through used->idx. */
void virtq_split_fill(struct virtq *vq, const struct virtq_elem *e,
		      uint32_t len, unsigned int idx)
{
	struct virtq_split *s = &vq->s;
	struct virtq_used_elem *u;

	ASSERT(idx < vq->inuse);
	u = &s->used->ring[(s->used_idx + idx) & (vq->size - 1U)];
	virtq_st32(&u->id, e->id);
	virtq_st32(&u->len, len);
}

/* virtq_split_flush() - virtq_flush() for split rings. */
void virtq_split_flush(struct virtq *vq, unsigned int count)
{
	struct virtq_split *s = &vq->s;

	ASSERT(count <= vq->inuse);
	s->used_idx = (uint16_t)(s->used_idx + count);
	/* Release: entries written by virtq_split_fill() first. */
	__atomic_store_n(&s->used->idx, htole16(s->used_idx), __ATOMIC_RELEASE);
	vq->inuse -= count;
}

/* virtq_split_unpop() - virtq_unpop() for split rings: the heads are
 * re-read from the avail ring (and re-validated) on the next pops. */
void virtq_split_unpop(struct virtq *vq, unsigned int n)
{
	ASSERT(n <= vq->inuse);
	vq->s.last_avail = (uint16_t)(vq->s.last_avail - n);
	vq->inuse -= n;
}

/* virtq_split_should_notify() - virtq_should_notify() for split rings. */
bool virtq_split_should_notify(struct virtq *vq)
{
	struct virtq_split *s = &vq->s;
	uint16_t old = s->signalled, new = s->used_idx, ev;

	/* Full fence: see "Barriers" above. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	s->signalled = new;
	if (new == old)
		return false;
	if (!vq->event_idx)
		return !(virtq_ld16(&s->avail->flags) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	ev = virtq_ld16(virtq_split_used_event(vq));
	/* Did we publish the entry at index ev, i.e. is ev in [old, new)? */
	return (uint16_t)(ev - old) < (uint16_t)(new - old);
}

/* virtq_split_notify() - ask for kicks (@on) or not; see "Event idx". */
void virtq_split_notify(struct virtq *vq, bool on)
{
	struct virtq_split *s = &vq->s;

	if (vq->event_idx)
		virtq_st16(virtq_split_avail_event(vq),
			   on ? s->last_avail : (uint16_t)(s->last_avail - 1));
	else
		virtq_st16(&s->used->flags, on ? 0 : VIRTQ_USED_F_NO_NOTIFY);
}

/* virtq_split_get_base() - the next avail index, for GET_VRING_BASE. */
uint32_t virtq_split_get_base(const struct virtq *vq)
{
	return vq->s.last_avail;
}
