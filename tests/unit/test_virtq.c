// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_virtq.c - the device side of split and packed virtqueues against a
 * small test driver that lays rings out in a buffer playing guest memory,
 * adds buffers as a driver would and reads used entries back.
 *
 * Guest memory is GMEM_SIZE (8 KiB) at guest-physical GPA_BASE, as one
 * region or as two of 4 KiB (so buffers can cross a region boundary); the
 * rings sit at fixed offsets (DESC_OFF, DRV_OFF, DEV_OFF) and buffers in
 * the data area above DATA_OFF. This is exactly fuzz_virtq's layout: with
 * BURROW_SEED_DIR set, tests write their ring images there as seeds
 * (header of FUZZ_HDR bytes, then the memory image).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <cmocka.h>

#include "core/util.h"
#include "transport/virtq.h"
#include "transport/vu_mem.h"

/* Must match tests/fuzz/fuzz_virtq.c */
#define GMEM_SIZE 8192
#define GPA_BASE 0x10000ULL
#define DESC_OFF 0x000
#define DRV_OFF 0x400
#define DEV_OFF 0x600
#define DATA_OFF 0x900
#define FUZZ_HDR 6
#define TSIZE_MAX 64 /* DESC_OFF..DRV_OFF holds 64 descriptors */

/* A buffer segment as the driver describes it. */
struct tseg {
	uint32_t off; /* offset in guest memory */
	uint32_t len; /* bytes */
	bool write;   /* device-writable */
};

/* The test driver. */
struct tdrv {
	uint8_t *mem;	 /* guest memory, GMEM_SIZE bytes */
	struct vu_mem m; /* its memory table */
	enum virtq_layout layout;
	uint16_t size;
	bool ev, ind, two;	   /* event idx, indirect, two regions */
	uint32_t base;		   /* SET_VRING_BASE value used */
	struct virtq vq;	   /* the device under test */
	uint16_t avail_idx;	   /* split: next avail idx we publish */
	uint16_t used_last;	   /* split: next used idx we read */
	uint16_t next_desc;	   /* split: next descriptor we hand out */
	uint16_t p_next;	   /* packed: next ring slot we fill */
	bool p_wrap;		   /* packed: driver wrap counter */
	uint16_t p_used;	   /* packed: next slot to read used from */
	bool p_used_wrap;	   /* packed: wrap counter expected there */
	uint16_t next_id;	   /* packed: next buffer id */
	uint16_t ndesc[TSIZE_MAX]; /* packed: ring slots per buffer id */
	uint32_t data;		   /* next free offset in the data area */
};

/* gpa() - guest-physical address of guest memory offset @off. */
static uint64_t gpa(uint32_t off)
{
	return GPA_BASE + off;
}

/* tdrv_table() - fill @t->m for one region or two of 4 KiB. */
static void tdrv_table(struct tdrv *t)
{
	memset(&t->m, 0, sizeof(t->m));
	if (!t->two) {
		t->m.n = 1;
		t->m.r[0] = (struct vu_mem_region){
			.gpa = GPA_BASE,
			.size = GMEM_SIZE,
			.uva = 0x7f0000000000ULL,
			.mmap_addr = t->mem,
			.mmap_len = GMEM_SIZE,
		};
		return;
	}
	t->m.n = 2;
	t->m.r[0] = (struct vu_mem_region){
		.gpa = GPA_BASE,
		.size = GMEM_SIZE / 2,
		.uva = 0x7f0000000000ULL,
		.mmap_addr = t->mem,
		.mmap_len = GMEM_SIZE / 2,
	};
	t->m.r[1] = (struct vu_mem_region){
		.gpa = GPA_BASE + GMEM_SIZE / 2,
		.size = GMEM_SIZE / 2,
		.uva = 0x7f1000000000ULL,
		.mmap_addr = t->mem + GMEM_SIZE / 2,
		.mmap_len = GMEM_SIZE / 2,
	};
}

/* tdrv_new() - a driver with fresh (zeroed) rings; not yet started. */
static struct tdrv *tdrv_new(enum virtq_layout layout, uint16_t size, bool ev,
			     bool ind, bool two)
{
	struct tdrv *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->mem = calloc(1, GMEM_SIZE);
	assert_non_null(t->mem);
	t->layout = layout;
	t->size = size;
	t->ev = ev;
	t->ind = ind;
	t->two = two;
	t->p_wrap = true;
	t->p_used_wrap = true;
	t->data = DATA_OFF;
	t->base = layout == VIRTQ_PACKED ? 0x80008000U : 0;
	tdrv_table(t);
	return t;
}

/* tdrv_init() - virtq_init() on @t's rings with @t->base. */
static int tdrv_init(struct tdrv *t)
{
	return virtq_init(&t->vq, t->layout, t->size, t->mem + DESC_OFF,
			  t->mem + DRV_OFF, t->mem + DEV_OFF, t->ev, t->ind,
			  &t->m, t->base);
}

/* tdrv_start() - a started driver and device. */
static struct tdrv *tdrv_start(enum virtq_layout layout, uint16_t size, bool ev,
			       bool ind, bool two)
{
	struct tdrv *t = tdrv_new(layout, size, ev, ind, two);

	assert_int_equal(tdrv_init(t), 0);
	assert_false(virtq_broken(&t->vq));
	return t;
}

static void tdrv_free(struct tdrv *t)
{
	free(t->mem);
	free(t);
}

/* Ring accessors for the driver side. */
static struct virtq_sdesc *sdesc(struct tdrv *t, unsigned int i)
{
	return (struct virtq_sdesc *)(t->mem + DESC_OFF) + i;
}

static struct virtq_pdesc *pdesc(struct tdrv *t, unsigned int i)
{
	return (struct virtq_pdesc *)(t->mem + DESC_OFF) + i;
}

static struct virtq_avail *avail(struct tdrv *t)
{
	return (struct virtq_avail *)(t->mem + DRV_OFF);
}

static struct virtq_used *used(struct tdrv *t)
{
	return (struct virtq_used *)(t->mem + DEV_OFF);
}

static struct virtq_event *drv_ev(struct tdrv *t)
{
	return (struct virtq_event *)(t->mem + DRV_OFF);
}

static struct virtq_event *dev_ev(struct tdrv *t)
{
	return (struct virtq_event *)(t->mem + DEV_OFF);
}

static uint16_t *used_event(struct tdrv *t)
{
	return &avail(t)->ring[t->size];
}

static uint16_t *avail_event(struct tdrv *t)
{
	return (uint16_t *)&used(t)->ring[t->size];
}

/* tdrv_alloc() - @len bytes of the data area, 16-aligned, cycling. */
static uint32_t tdrv_alloc(struct tdrv *t, uint32_t len)
{
	uint32_t off;

	t->data = (t->data + 15) & ~15U;
	if (t->data + len > GMEM_SIZE)
		t->data = DATA_OFF;
	off = t->data;
	t->data += len;
	assert_true(off + len <= GMEM_SIZE);
	return off;
}

/* tdrv_sdesc_set() - write split descriptor @d. */
static void tdrv_sdesc_set(struct virtq_sdesc *d, uint64_t addr, uint32_t len,
			   uint16_t flags, uint16_t next)
{
	d->addr = htole64(addr);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

/* tdrv_pdesc_set() - write packed descriptor @d, flags last. */
static void tdrv_pdesc_set(struct virtq_pdesc *d, uint64_t addr, uint32_t len,
			   uint16_t id, uint16_t flags)
{
	d->addr = htole64(addr);
	d->len = htole32(len);
	d->id = htole16(id);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	d->flags = htole16(flags);
}

/* tdrv_avail_flags() - AVAIL/USED bits marking available for @wrap. */
static uint16_t tdrv_avail_flags(bool wrap)
{
	return wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED;
}

/* tdrv_split_publish() - put @head in the avail ring and bump idx. */
static void tdrv_split_publish(struct tdrv *t, uint16_t head)
{
	avail(t)->ring[t->avail_idx % t->size] = htole16(head);
	t->avail_idx++;
	__atomic_store_n(&avail(t)->idx, htole16(t->avail_idx),
			 __ATOMIC_RELEASE);
}

/* tdrv_table_write() - write @segs as an indirect table at @off in
 * @layout's format; split entries are chained by next. */
static void tdrv_table_write(struct tdrv *t, uint32_t off,
			     const struct tseg *segs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t f = segs[i].write ? VIRTQ_DESC_F_WRITE : 0;
		uint8_t *p = t->mem + off + i * 16;

		if (t->layout == VIRTQ_SPLIT) {
			struct virtq_sdesc d;

			tdrv_sdesc_set(&d, gpa(segs[i].off), segs[i].len,
				       f | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
				       (uint16_t)(i + 1 < n ? i + 1 : 0));
			memcpy(p, &d, sizeof(d));
		} else {
			struct virtq_pdesc d = {
				.addr = htole64(gpa(segs[i].off)),
				.len = htole32(segs[i].len),
				.flags = htole16(f),
			};
			memcpy(p, &d, sizeof(d));
		}
	}
}

/* tdrv_add() - make a buffer of @n segments available, in ring
 * descriptors or (@indirect) in a table at @table_off (0: allocate one).
 * Returns the split head or the packed buffer id. */
static uint16_t tdrv_add_at(struct tdrv *t, const struct tseg *segs,
			    unsigned int n, bool indirect, uint32_t table_off)
{
	unsigned int i;

	if (indirect && !table_off)
		table_off = tdrv_alloc(t, n * 16);
	if (indirect)
		tdrv_table_write(t, table_off, segs, n);

	if (t->layout == VIRTQ_SPLIT) {
		uint16_t head = t->next_desc;

		if (indirect) {
			tdrv_sdesc_set(sdesc(t, head), gpa(table_off), n * 16,
				       VIRTQ_DESC_F_INDIRECT, 0);
			t->next_desc = (uint16_t)((head + 1) % t->size);
		} else {
			for (i = 0; i < n; i++) {
				uint16_t d = (uint16_t)((head + i) % t->size);
				uint16_t f =
					segs[i].write ? VIRTQ_DESC_F_WRITE : 0;

				if (i + 1 < n)
					f |= VIRTQ_DESC_F_NEXT;
				tdrv_sdesc_set(sdesc(t, d), gpa(segs[i].off),
					       segs[i].len, f,
					       (uint16_t)((d + 1) % t->size));
			}
			t->next_desc = (uint16_t)((head + n) % t->size);
		}
		tdrv_split_publish(t, head);
		return head;
	}

	/* Packed: write all but the head, then the head's flags last. */
	{
		uint16_t id = t->next_id, first = t->p_next;
		uint16_t head_flags = 0;
		unsigned int k = indirect ? 1 : n;

		t->next_id = (uint16_t)((id + 1) % t->size);
		t->ndesc[id] = (uint16_t)k;
		for (i = 0; i < k; i++) {
			uint16_t f = tdrv_avail_flags(t->p_wrap);
			uint64_t a;
			uint32_t l;

			if (indirect) {
				f |= VIRTQ_DESC_F_INDIRECT;
				a = gpa(table_off);
				l = n * 16;
			} else {
				f |= segs[i].write ? VIRTQ_DESC_F_WRITE : 0;
				f |= i + 1 < k ? VIRTQ_DESC_F_NEXT : 0;
				a = gpa(segs[i].off);
				l = segs[i].len;
			}
			if (t->p_next == first && i == 0) {
				head_flags = f;
				tdrv_pdesc_set(pdesc(t, first), a, l, id,
					       pdesc(t, first)->flags);
			} else {
				tdrv_pdesc_set(pdesc(t, t->p_next), a, l, id,
					       f);
			}
			if (++t->p_next == t->size) {
				t->p_next = 0;
				t->p_wrap = !t->p_wrap;
			}
		}
		__atomic_store_n(&pdesc(t, first)->flags, htole16(head_flags),
				 __ATOMIC_RELEASE);
		return id;
	}
}

static uint16_t tdrv_add(struct tdrv *t, const struct tseg *segs,
			 unsigned int n, bool indirect)
{
	return tdrv_add_at(t, segs, n, indirect, 0);
}

/* tdrv_used() - read the next used entry; false if there is none. */
static bool tdrv_used(struct tdrv *t, uint16_t *id, uint32_t *len)
{
	if (t->layout == VIRTQ_SPLIT) {
		uint16_t idx = le16toh(
			__atomic_load_n(&used(t)->idx, __ATOMIC_ACQUIRE));
		struct virtq_used_elem *u;

		if (idx == t->used_last)
			return false;
		u = &used(t)->ring[t->used_last % t->size];
		*id = (uint16_t)le32toh(u->id);
		*len = le32toh(u->len);
		t->used_last++;
		return true;
	}
	{
		struct virtq_pdesc *d = pdesc(t, t->p_used);
		uint16_t f =
			le16toh(__atomic_load_n(&d->flags, __ATOMIC_ACQUIRE));
		bool a = f & VIRTQ_DESC_F_AVAIL, u = f & VIRTQ_DESC_F_USED;

		if (a != t->p_used_wrap || u != t->p_used_wrap)
			return false;
		*id = le16toh(d->id);
		*len = le32toh(d->len);
		assert_true(*id < t->size);
		/* WRITE in a used descriptor: data was written */
		assert_int_equal(!!(f & VIRTQ_DESC_F_WRITE), *len > 0);
		t->p_used += t->ndesc[*id];
		if (t->p_used >= t->size) {
			t->p_used -= t->size;
			t->p_used_wrap = !t->p_used_wrap;
		}
		return true;
	}
}

/* tdrv_seed() - write @t's configuration and ring image as a fuzz_virtq
 * seed named @name, if BURROW_SEED_DIR is set. @script is fuzz_virtq's
 * completion byte. */
static void tdrv_seed(struct tdrv *t, const char *name, uint8_t script)
{
	const char *dir = getenv("BURROW_SEED_DIR");
	uint8_t hdr[FUZZ_HDR];
	unsigned int sel = 0;
	size_t len = GMEM_SIZE;
	char path[512];
	FILE *f;

	if (!dir)
		return;
	/* size selector: split 1 << sel; packed sizes table in the fuzzer,
	 * whose first 7 entries are the same powers of two */
	while ((1U << sel) < t->size)
		sel++;
	assert_int_equal(1U << sel, t->size);
	hdr[0] = (uint8_t)((t->layout == VIRTQ_PACKED) | t->ind << 1 |
			   t->ev << 2 | t->two << 3 | sel << 4);
	hdr[1] = (uint8_t)t->base;
	hdr[2] = (uint8_t)(t->base >> 8);
	hdr[3] = (uint8_t)(t->base >> 16);
	hdr[4] = (uint8_t)(t->base >> 24);
	hdr[5] = script;
	snprintf(path, sizeof(path), "%s/%s-%s", dir,
		 t->layout == VIRTQ_SPLIT ? "split" : "packed", name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	/* fuzz_virtq zero-fills what the input does not cover */
	while (len && !t->mem[len - 1])
		len--;
	assert_int_equal(fwrite(t->mem, 1, len, f), len);
	fclose(f);
}

/* assert_iov_in() - @iov lies inside guest memory at offset @off. */
static void assert_iov_at(struct tdrv *t, const struct iovec *iov, uint32_t off,
			  size_t len)
{
	assert_ptr_equal(iov->iov_base, t->mem + off);
	assert_int_equal(iov->iov_len, len);
}

/* complete() - fill @e with @len as element 0 and flush it. */
static void complete(struct tdrv *t, const struct virtq_elem *e, uint32_t len)
{
	virtq_fill(&t->vq, e, len, 0);
	virtq_flush(&t->vq, 1);
}

/* expect_used() - the driver sees exactly @id / @len next. */
static void expect_used(struct tdrv *t, uint16_t id, uint32_t len)
{
	uint16_t gid;
	uint32_t glen;

	assert_true(tdrv_used(t, &gid, &glen));
	assert_int_equal(gid, id);
	assert_int_equal(glen, len);
}

/* expect_fault() - the next pop breaks the queue with @f, and the queue
 * then stays broken and inert. */
static void expect_fault(struct tdrv *t, enum virtq_fault f)
{
	struct virtq_elem e;
	uint16_t id;
	uint32_t len;

	assert_int_equal(virtq_pop(&t->vq, &e), -EIO);
	assert_true(virtq_broken(&t->vq));
	assert_int_equal(t->vq.fault, f);
	assert_int_equal(virtq_pop(&t->vq, &e), -EIO);
	virtq_fill(&t->vq, &e, 1, 0);
	virtq_flush(&t->vq, 1);
	assert_false(virtq_should_notify(&t->vq));
	assert_false(tdrv_used(t, &id, &len));
}

#define BOTH(name)                                                             \
	static void name##_split(void **state)                                 \
	{                                                                      \
		(void)state;                                                   \
		name(VIRTQ_SPLIT);                                             \
	}                                                                      \
	static void name##_packed(void **state)                                \
	{                                                                      \
		(void)state;                                                   \
		name(VIRTQ_PACKED);                                            \
	}

/* One readable buffer, one writable: contents in, contents out. */
static void roundtrip(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 8, false, false, false);
	struct tseg out = {DATA_OFF, 100, false};
	struct tseg in = {DATA_OFF + 0x100, 200, true};
	struct virtq_elem e1, e2;
	uint16_t id1, id2;

	memset(t->mem + out.off, 0xab, out.len);
	id1 = tdrv_add(t, &out, 1, false);
	id2 = tdrv_add(t, &in, 1, false);
	tdrv_seed(t, "roundtrip", 0x20);

	assert_int_equal(virtq_pop(&t->vq, &e1), 0);
	assert_int_equal(e1.id, id1);
	assert_int_equal(e1.ndesc, 1);
	assert_int_equal(e1.out_num, 1);
	assert_int_equal(e1.in_num, 0);
	assert_iov_at(t, &e1.iov[0], out.off, out.len);
	assert_int_equal(((uint8_t *)e1.iov[0].iov_base)[99], 0xab);

	assert_int_equal(virtq_pop(&t->vq, &e2), 0);
	assert_int_equal(e2.id, id2);
	assert_int_equal(e2.out_num, 0);
	assert_int_equal(e2.in_num, 1);
	assert_iov_at(t, &e2.iov[0], in.off, in.len);
	memset(e2.iov[0].iov_base, 0x5a, 50);

	assert_int_equal(virtq_pop(&t->vq, &e1), -EAGAIN);
	virtq_fill(&t->vq, &e1, 0, 0);
	virtq_fill(&t->vq, &e2, 50, 1);
	virtq_flush(&t->vq, 2);
	expect_used(t, id1, 0);
	expect_used(t, id2, 50);
	assert_int_equal(t->mem[in.off + 49], 0x5a);
	assert_false(virtq_broken(&t->vq));
	assert_int_equal(t->vq.inuse, 0);
	tdrv_free(t);
}
BOTH(roundtrip)

/* A chain of five descriptors, one crossing the region boundary. */
static void chain(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 8, false, false, true);
	const struct tseg segs[] = {
		{DATA_OFF, 12, false},
		{0xff0, 0x20, false}, /* 16 bytes in each region */
		{DATA_OFF + 0x40, 30, false},
		{DATA_OFF + 0x80, 0, true}, /* empty: accepted, no iovec */
		{0x1100, 64, true},
	};
	struct virtq_elem e;
	uint16_t id;

	id = tdrv_add(t, segs, 5, false);
	tdrv_seed(t, "chain", 0x10);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.id, id);
	assert_int_equal(e.ndesc, 5);
	assert_int_equal(e.out_num, 4);
	assert_int_equal(e.in_num, 1);
	assert_iov_at(t, &e.iov[0], DATA_OFF, 12);
	assert_iov_at(t, &e.iov[1], 0xff0, 16);
	assert_iov_at(t, &e.iov[2], 0x1000, 16);
	assert_iov_at(t, &e.iov[3], DATA_OFF + 0x40, 30);
	assert_iov_at(t, &e.iov[4], 0x1100, 64);
	complete(t, &e, 64);
	expect_used(t, id, 64);
	assert_int_equal(virtq_pop(&t->vq, &e), -EAGAIN);
	tdrv_free(t);
}
BOTH(chain)

/* Indirect tables: aligned, then unaligned across the region boundary. */
static void indirect(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 8, false, true, true);
	const struct tseg segs[] = {
		{DATA_OFF, 14, false},
		{DATA_OFF + 0x20, 100, false},
		{DATA_OFF + 0x100, 1500, true},
		{0x1200, 300, true},
	};
	struct virtq_elem e;
	uint16_t id, id2;

	id = tdrv_add(t, segs, 4, true);
	/* 0xff4: entry 0 is 4-aligned and crosses into region 2 */
	id2 = tdrv_add_at(t, segs, 4, true, 0xff4);
	tdrv_seed(t, "indirect", 0x20);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.id, id);
	assert_int_equal(e.ndesc, 1);
	assert_int_equal(e.out_num, 2);
	assert_int_equal(e.in_num, 2);
	assert_iov_at(t, &e.iov[2], DATA_OFF + 0x100, 1500);
	assert_iov_at(t, &e.iov[3], 0x1200, 300);
	complete(t, &e, 1800);
	expect_used(t, id, 1800);

	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.id, id2);
	assert_int_equal(e.out_num, 2);
	assert_int_equal(e.in_num, 2);
	assert_iov_at(t, &e.iov[0], DATA_OFF, 14);
	assert_iov_at(t, &e.iov[3], 0x1200, 300);
	complete(t, &e, 0);
	expect_used(t, id2, 0);
	tdrv_free(t);
}
BOTH(indirect)

/* Split: direct descriptors followed by one INDIRECT (spec 2.7.5.3.2). */
static void test_split_direct_then_indirect(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, true, false);
	const struct tseg segs[] = {
		{DATA_OFF + 0x40, 20, false},
		{DATA_OFF + 0x80, 40, true},
	};
	struct virtq_elem e;

	(void)state;
	tdrv_table_write(t, DATA_OFF, segs, 2);
	tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF + 0x100), 10,
		       VIRTQ_DESC_F_NEXT, 1);
	tdrv_sdesc_set(sdesc(t, 1), gpa(DATA_OFF), 32, VIRTQ_DESC_F_INDIRECT,
		       0);
	tdrv_split_publish(t, 0);
	tdrv_seed(t, "direct-indirect", 0x10);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.id, 0);
	assert_int_equal(e.ndesc, 2);
	assert_int_equal(e.out_num, 2);
	assert_int_equal(e.in_num, 1);
	assert_iov_at(t, &e.iov[0], DATA_OFF + 0x100, 10);
	assert_iov_at(t, &e.iov[1], DATA_OFF + 0x40, 20);
	assert_iov_at(t, &e.iov[2], DATA_OFF + 0x80, 40);
	tdrv_free(t);
}

/* More than 3 x size requests of 1..3 descriptors, single and batched
 * with out-of-order fills: indices wrap, packed wrap counters flip. */
static void wrap(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 8, true, false, false);
	unsigned int i, flips = 0;
	bool w = true;

	for (i = 0; i < 3 * 8 + 5; i++) {
		struct tseg segs[3] = {
			{DATA_OFF, 10, false},
			{DATA_OFF + 0x40, 10, false},
			{DATA_OFF + 0x80, 10, true},
		};
		unsigned int n = 1 + i % 3;
		struct virtq_elem e;
		uint16_t id;

		segs[0].len = i + 1;
		id = tdrv_add(t, segs + 3 - n, n, false);
		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		assert_int_equal(e.id, id);
		assert_int_equal(e.ndesc, n);
		complete(t, &e, i);
		expect_used(t, id, i);
		if (l == VIRTQ_PACKED && t->vq.p.used_wrap != w) {
			w = t->vq.p.used_wrap;
			flips++;
		}
	}
	if (l == VIRTQ_PACKED)
		assert_true(flips >= 3);

	/* Batches of three, filled in reverse order. */
	for (i = 0; i < 12; i++) {
		struct tseg s = {DATA_OFF, 4, true};
		struct virtq_elem e[3];
		uint16_t id[3];
		unsigned int k;

		for (k = 0; k < 3; k++)
			id[k] = tdrv_add(t, &s, 1, false);
		for (k = 0; k < 3; k++)
			assert_int_equal(virtq_pop(&t->vq, &e[k]), 0);
		for (k = 0; k < 3; k++)
			virtq_fill(&t->vq, &e[2 - k], 100 + k, k);
		virtq_flush(&t->vq, 3);
		for (k = 0; k < 3; k++)
			expect_used(t, id[2 - k], 100 + k);
	}
	assert_false(virtq_broken(&t->vq));
	assert_int_equal(t->vq.inuse, 0);
	tdrv_free(t);
}
BOTH(wrap)

/* Unpop gives chains back in order; packed chains of several slots. */
static void unpop(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 8, false, false, false);
	const struct tseg segs[2] = {
		{DATA_OFF, 10, true},
		{DATA_OFF + 0x40, 10, true},
	};
	struct virtq_elem e[3], x;
	uint16_t id[3];
	unsigned int k;

	for (k = 0; k < 3; k++)
		id[k] = tdrv_add(t, segs, 2, false);
	for (k = 0; k < 3; k++)
		assert_int_equal(virtq_pop(&t->vq, &e[k]), 0);
	virtq_unpop(&t->vq, 2);
	assert_int_equal(t->vq.inuse, l == VIRTQ_SPLIT ? 1 : 2);
	assert_int_equal(virtq_pop(&t->vq, &x), 0);
	assert_int_equal(x.id, id[1]);
	assert_int_equal(virtq_pop(&t->vq, &x), 0);
	assert_int_equal(x.id, id[2]);
	assert_int_equal(virtq_pop(&t->vq, &x), -EAGAIN);
	for (k = 0; k < 3; k++)
		virtq_fill(&t->vq, &e[k], k, k);
	virtq_flush(&t->vq, 3);
	for (k = 0; k < 3; k++)
		expect_used(t, id[k], k);
	tdrv_free(t);
}
BOTH(unpop)

/* Split notification decisions, with and without event idx. */
static void test_split_notify(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	struct tseg s = {DATA_OFF, 10, true};
	struct virtq_elem e;
	unsigned int i;

	(void)state;
	/* No event idx: NO_INTERRUPT decides; nothing new: no. */
	assert_false(virtq_should_notify(&t->vq));
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	complete(t, &e, 1);
	assert_true(virtq_should_notify(&t->vq));
	assert_false(virtq_should_notify(&t->vq));
	avail(t)->flags = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	complete(t, &e, 1);
	assert_false(virtq_should_notify(&t->vq));
	/* Kick suppression: used->flags. */
	virtq_notify_disable(&t->vq);
	assert_int_equal(le16toh(used(t)->flags), VIRTQ_USED_F_NO_NOTIFY);
	virtq_notify_enable(&t->vq);
	assert_int_equal(le16toh(used(t)->flags), 0);
	tdrv_free(t);

	/* Event idx: interrupt iff used_event was crossed. */
	t = tdrv_start(VIRTQ_SPLIT, 8, true, false, false);
	*used_event(t) = htole16(2);
	for (i = 0; i < 5; i++) {
		tdrv_add(t, &s, 1, false);
		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		/* kicks on: avail_event follows our next index */
		assert_int_equal(le16toh(*avail_event(t)), i + 1);
		complete(t, &e, 1);
		/* published [i, i + 1): contains 2 only for i == 2 */
		assert_int_equal(virtq_should_notify(&t->vq), i == 2);
	}
	/* A batch [5, 8) crossing used_event 6. */
	*used_event(t) = htole16(6);
	for (i = 0; i < 3; i++)
		tdrv_add(t, &s, 1, false);
	for (i = 0; i < 3; i++) {
		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		virtq_fill(&t->vq, &e, 0, i);
	}
	virtq_flush(&t->vq, 3);
	assert_true(virtq_should_notify(&t->vq));
	/* Kicks off: avail_event parked behind, and stays there. */
	virtq_notify_disable(&t->vq);
	assert_int_equal(le16toh(*avail_event(t)), 7);
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(le16toh(*avail_event(t)), 7);
	virtq_notify_enable(&t->vq);
	assert_int_equal(le16toh(*avail_event(t)), 9);
	/* Wrapping 16-bit indices: used_event 0xffff vs [0xfffe, 0x1). */
	t->vq.s.signalled = 0xfffe;
	t->vq.s.used_idx = 0x0001;
	*used_event(t) = htole16(0xffff);
	assert_true(virtq_should_notify(&t->vq));
	t->vq.s.signalled = 0xfffe;
	*used_event(t) = htole16(0x0001);
	assert_false(virtq_should_notify(&t->vq));
	tdrv_free(t);
}

/* Packed notification decisions: DISABLE, ENABLE, DESC with wraps. */
static void test_packed_notify(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_PACKED, 4, true, false, false);
	struct tseg s = {DATA_OFF, 10, true};
	struct virtq_elem e;
	unsigned int i;

	(void)state;
	assert_int_equal(le16toh(dev_ev(t)->flags), VIRTQ_EVENT_F_ENABLE);
	virtq_notify_disable(&t->vq);
	assert_int_equal(le16toh(dev_ev(t)->flags), VIRTQ_EVENT_F_DISABLE);
	virtq_notify_enable(&t->vq);
	assert_int_equal(le16toh(dev_ev(t)->flags), VIRTQ_EVENT_F_ENABLE);

	drv_ev(t)->flags = htole16(VIRTQ_EVENT_F_DISABLE);
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	complete(t, &e, 1);
	assert_false(virtq_should_notify(&t->vq));
	drv_ev(t)->flags = htole16(VIRTQ_EVENT_F_ENABLE);
	assert_false(virtq_should_notify(&t->vq)); /* nothing new */
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	complete(t, &e, 1);
	assert_true(virtq_should_notify(&t->vq));

	/* DESC: event at slot 1 with wrap 0, i.e. the second lap. Used
	 * positions so far: 0, 1 (lap 1); then 2, 3, 0 (wrap 0), 1 ... */
	drv_ev(t)->off_wrap = htole16(1);
	drv_ev(t)->flags = htole16(VIRTQ_EVENT_F_DESC);
	for (i = 0; i < 5; i++) {
		tdrv_add(t, &s, 1, false);
		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		complete(t, &e, 1);
		/* published slot (2 + i) % 4, lap 2 once 2 + i >= 4 */
		assert_int_equal(virtq_should_notify(&t->vq), i == 3);
	}
	/* DESC without event idx is meaningless: notify. */
	tdrv_free(t);
	t = tdrv_start(VIRTQ_PACKED, 4, false, false, false);
	drv_ev(t)->off_wrap = htole16(3 | VIRTQ_EVENT_WRAP);
	drv_ev(t)->flags = htole16(VIRTQ_EVENT_F_DESC);
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	complete(t, &e, 1);
	assert_true(virtq_should_notify(&t->vq));
	tdrv_free(t);
}

/* SET/GET_VRING_BASE: resume where we stopped, in both encodings. */
static void base(enum virtq_layout l)
{
	struct tdrv *t = tdrv_new(l, 8, false, false, false);
	struct tseg s = {DATA_OFF, 10, true};
	struct virtq_elem e;
	unsigned int i;
	uint32_t b;

	if (l == VIRTQ_SPLIT) {
		/* A ring resumed at index 100, all completed. */
		t->base = 100;
		t->avail_idx = 100;
		t->used_last = 100;
		avail(t)->idx = htole16(100);
		used(t)->idx = htole16(100);
	}
	assert_int_equal(tdrv_init(t), 0);
	assert_int_equal(virtq_get_base(&t->vq), t->base);
	for (i = 0; i < 11; i++) {
		uint16_t id = tdrv_add(t, &s, 1, false);

		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		complete(t, &e, 7);
		expect_used(t, id, 7);
	}
	b = virtq_get_base(&t->vq);
	if (l == VIRTQ_SPLIT)
		assert_int_equal(b, 111);
	else /* 11 = 8 + 3: both at slot 3, wrap counters 0 */
		assert_int_equal(b, 0x00030003);
	/* Reconnect: a new device from GET_VRING_BASE's value. */
	t->base = b;
	assert_int_equal(tdrv_init(t), 0);
	assert_int_equal(virtq_get_base(&t->vq), b);
	for (i = 0; i < 9; i++) {
		uint16_t id = tdrv_add(t, &s, 1, false);

		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		complete(t, &e, 8);
		expect_used(t, id, 8);
	}
	if (l == VIRTQ_PACKED) /* 20 = 2 * 8 + 4 */
		assert_int_equal(virtq_get_base(&t->vq), 0x80048004);
	tdrv_free(t);
}
BOTH(base)

/* virtq_init() refuses bad sizes, misaligned areas and bad bases. */
static void test_init_errors(void **state)
{
	struct tdrv *t = tdrv_new(VIRTQ_SPLIT, 8, false, false, false);
	uint8_t *m = t->mem;
	struct virtq vq;

	(void)state;
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 6, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 0, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_PACKED, 40000, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 8, m + 8, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 8, m, m + DRV_OFF + 1,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 8, m, m + DRV_OFF,
				    m + DEV_OFF + 2, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_PACKED, 8, m, m + DRV_OFF + 2,
				    m + DEV_OFF, false, false, &t->m,
				    0x80008000),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_PACKED, 8, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m,
				    0x80008008),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_PACKED, 8, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m,
				    0x80098000),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_LAYOUT_COUNT, 8, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	assert_int_equal(virtq_init(&vq, VIRTQ_SPLIT, 8, NULL, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m, 0),
			 -EINVAL);
	/* a queue that failed set-up is inert */
	{
		struct virtq_elem e;

		assert_true(virtq_broken(&vq));
		assert_int_equal(virtq_pop(&vq, &e), -EIO);
		virtq_notify_enable(&vq);
		virtq_flush(&vq, 1);
		assert_false(virtq_should_notify(&vq));
	}
	/* Packed: any size; 32768 is the top for both. */
	assert_int_equal(virtq_init(&vq, VIRTQ_PACKED, 6, m, m + DRV_OFF,
				    m + DEV_OFF, false, false, &t->m,
				    0x80058005),
			 0);
	assert_int_equal(virtq_get_base(&vq), 0x80058005);
	assert_int_equal(virtq_area_len(VIRTQ_SPLIT, 256, VIRTQ_AREA_DESC),
			 4096);
	assert_int_equal(virtq_area_len(VIRTQ_SPLIT, 256, VIRTQ_AREA_DRIVER),
			 518);
	assert_int_equal(virtq_area_len(VIRTQ_SPLIT, 256, VIRTQ_AREA_DEVICE),
			 2054);
	assert_int_equal(virtq_area_len(VIRTQ_PACKED, 256, VIRTQ_AREA_DEVICE),
			 4);
	tdrv_free(t);
}

/* A large ring: split and packed at 32768 entries initialise and work. */
static void test_size_max(void **state)
{
	/* desc 512 KiB, avail 64 KiB + 6, used 256 KiB + 6 */
	size_t dl = virtq_area_len(VIRTQ_SPLIT, 32768, VIRTQ_AREA_DESC);
	size_t ul = dl + 0x10010, tot = ul + 0x40010;
	uint8_t *m = aligned_alloc(16, tot);
	struct vu_mem mem = {.n = 1};
	struct virtq_elem e;
	struct virtq vq;
	unsigned int l;

	(void)state;
	assert_non_null(m);
	for (l = 0; l < VIRTQ_LAYOUT_COUNT; l++) {
		memset(m, 0, tot);
		mem.r[0] = (struct vu_mem_region){
			.gpa = 0, .size = tot, .mmap_addr = m};
		assert_int_equal(virtq_init(&vq, l, 32768, m, m + dl, m + ul,
					    true, true, &mem,
					    l ? 0x80008000 : 0),
				 0);
		assert_int_equal(virtq_pop(&vq, &e), -EAGAIN);
	}
	free(m);
}

/* Split lies. */
static void test_split_loop(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);

	(void)state;
	tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_sdesc_set(sdesc(t, 1), gpa(DATA_OFF), 8, VIRTQ_DESC_F_NEXT, 0);
	tdrv_split_publish(t, 0);
	tdrv_seed(t, "loop", 0x10);
	expect_fault(t, VIRTQ_FAULT_CHAIN_LONG);
	tdrv_free(t);

	t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	tdrv_sdesc_set(sdesc(t, 3), gpa(DATA_OFF), 8, VIRTQ_DESC_F_NEXT, 3);
	tdrv_split_publish(t, 3);
	tdrv_seed(t, "self-loop", 0x10);
	expect_fault(t, VIRTQ_FAULT_CHAIN_LONG);
	tdrv_free(t);
}

static void test_split_ranges(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	struct tseg s = {DATA_OFF, 8, false};

	(void)state;
	tdrv_split_publish(t, 8); /* head == size */
	tdrv_seed(t, "head-range", 0x10);
	expect_fault(t, VIRTQ_FAULT_HEAD_RANGE);
	tdrv_free(t);

	t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 8, VIRTQ_DESC_F_NEXT, 8);
	tdrv_split_publish(t, 0);
	tdrv_seed(t, "next-range", 0x10);
	expect_fault(t, VIRTQ_FAULT_NEXT_RANGE);
	tdrv_free(t);

	/* avail idx jumping by size + 1 */
	t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	tdrv_add(t, &s, 1, false);
	avail(t)->idx = htole16(9);
	tdrv_seed(t, "avail-jump", 0x10);
	expect_fault(t, VIRTQ_FAULT_AVAIL_JUMP);
	tdrv_free(t);

	/* ... while a jump of exactly size is legal */
	t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	{
		struct virtq_elem e;
		unsigned int i;

		for (i = 0; i < 8; i++)
			tdrv_add(t, &s, 1, false);
		for (i = 0; i < 8; i++)
			assert_int_equal(virtq_pop(&t->vq, &e), 0);
		/* more heads than descriptors: republish without used */
		avail(t)->ring[0] = 0;
		avail(t)->idx = htole16(9);
		expect_fault(t, VIRTQ_FAULT_INFLIGHT);
	}
	tdrv_free(t);
}

/* Both layouts: addresses outside the table, order, length, segments. */
static void lie_addr(enum virtq_layout l)
{
	struct tseg bad[] = {
		{GMEM_SIZE - 4, 8, false}, /* runs off the end */
	};
	struct tdrv *t = tdrv_start(l, 8, false, false, false);

	tdrv_add(t, bad, 1, false);
	tdrv_seed(t, "addr-end", 0x10);
	expect_fault(t, VIRTQ_FAULT_ADDR);
	tdrv_free(t);

	/* guest-physical 0: below the table */
	t = tdrv_start(l, 8, false, false, false);
	if (l == VIRTQ_SPLIT) {
		tdrv_sdesc_set(sdesc(t, 0), 0, 8, 0, 0);
		tdrv_split_publish(t, 0);
	} else {
		tdrv_pdesc_set(pdesc(t, 0), 0, 8, 0, tdrv_avail_flags(true));
	}
	expect_fault(t, VIRTQ_FAULT_ADDR);
	tdrv_free(t);

	/* 2^64 - 4 + 8 wraps */
	t = tdrv_start(l, 8, false, false, false);
	if (l == VIRTQ_SPLIT) {
		tdrv_sdesc_set(sdesc(t, 0), UINT64_MAX - 3, 8, 0, 0);
		tdrv_split_publish(t, 0);
	} else {
		tdrv_pdesc_set(pdesc(t, 0), UINT64_MAX - 3, 8, 0,
			       tdrv_avail_flags(true));
	}
	tdrv_seed(t, "addr-wrap", 0x10);
	expect_fault(t, VIRTQ_FAULT_ADDR);
	tdrv_free(t);
}
BOTH(lie_addr)

static void lie_order(enum virtq_layout l)
{
	const struct tseg segs[] = {
		{DATA_OFF, 8, true},
		{DATA_OFF + 0x40, 8, false},
	};
	struct tdrv *t = tdrv_start(l, 8, false, true, false);

	tdrv_add(t, segs, 2, false);
	tdrv_seed(t, "order", 0x10);
	expect_fault(t, VIRTQ_FAULT_ORDER);
	tdrv_free(t);

	t = tdrv_start(l, 8, false, true, false);
	tdrv_add(t, segs, 2, true);
	tdrv_seed(t, "order-indirect", 0x10);
	expect_fault(t, VIRTQ_FAULT_ORDER);
	tdrv_free(t);
}
BOTH(lie_order)

/* A chain whose descriptors alias 3 GiB of a reserved (PROT_NONE)
 * region: never touched, only translated, so the length check is what
 * must catch it. */
static void lie_length(enum virtq_layout l)
{
	const uint64_t big = 3ULL << 30, big_gpa = 1ULL << 32;
	struct tdrv *t = tdrv_start(l, 8, false, false, false);
	void *res = mmap(NULL, big, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(res != MAP_FAILED);
	t->m.n = 2;
	t->m.r[1] = (struct vu_mem_region){
		.gpa = big_gpa, .size = big, .mmap_addr = res, .mmap_len = big};
	if (l == VIRTQ_SPLIT) {
		tdrv_sdesc_set(sdesc(t, 0), big_gpa, (uint32_t)big,
			       VIRTQ_DESC_F_NEXT, 1);
		tdrv_sdesc_set(sdesc(t, 1), big_gpa, (uint32_t)big, 0, 0);
		tdrv_split_publish(t, 0);
	} else {
		tdrv_pdesc_set(pdesc(t, 1), big_gpa, (uint32_t)big, 0,
			       tdrv_avail_flags(true));
		tdrv_pdesc_set(pdesc(t, 0), big_gpa, (uint32_t)big, 0,
			       VIRTQ_DESC_F_NEXT | tdrv_avail_flags(true));
	}
	expect_fault(t, VIRTQ_FAULT_LEN_OVERFLOW);
	munmap(res, big);
	tdrv_free(t);
}
BOTH(lie_length)

/* 33 descriptors each split in two by the region boundary: 66 iovecs. */
static void lie_segments(enum virtq_layout l)
{
	struct tdrv *t = tdrv_start(l, 64, false, false, true);
	struct tseg segs[33];
	struct virtq_elem e;
	unsigned int i;

	for (i = 0; i < 33; i++)
		segs[i] = (struct tseg){0xff8, 16, false};
	tdrv_add(t, segs, 32, false);
	tdrv_seed(t, "segments-ok", 0x10);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.out_num, 64);
	complete(t, &e, 0);
	expect_used(t, e.id, 0);
	tdrv_add(t, segs, 33, false);
	tdrv_seed(t, "segments", 0x10);
	expect_fault(t, VIRTQ_FAULT_IOV_FULL);
	tdrv_free(t);
}
BOTH(lie_segments)

/* Indirect lies. */
static void lie_indirect(enum virtq_layout l)
{
	const struct tseg segs[] = {
		{DATA_OFF + 0x40, 8, false},
		{DATA_OFF + 0x80, 8, true},
	};
	struct tdrv *t;
	uint16_t f = VIRTQ_DESC_F_INDIRECT;
	struct {
		const char *name;
		uint32_t off, len;
		bool ind;
		enum virtq_fault f;
	} cases[] = {
		{"ind-len-odd", DATA_OFF, 24, true, VIRTQ_FAULT_INDIRECT_LEN},
		{"ind-len-0", DATA_OFF, 0, true, VIRTQ_FAULT_INDIRECT_LEN},
		{"ind-len-big", DATA_OFF, 9 * 16, true,
		 VIRTQ_FAULT_INDIRECT_LEN},
		{"ind-addr", GMEM_SIZE - 16, 32, true,
		 VIRTQ_FAULT_INDIRECT_ADDR},
		{"ind-feature", DATA_OFF, 32, false,
		 VIRTQ_FAULT_INDIRECT_FEATURE},
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		t = tdrv_start(l, 8, false, cases[i].ind, false);
		tdrv_table_write(t, DATA_OFF, segs, 2);
		if (l == VIRTQ_SPLIT) {
			tdrv_sdesc_set(sdesc(t, 0), gpa(cases[i].off),
				       cases[i].len, f, 0);
			tdrv_split_publish(t, 0);
		} else {
			tdrv_pdesc_set(pdesc(t, 0), gpa(cases[i].off),
				       cases[i].len, 0,
				       f | tdrv_avail_flags(true));
		}
		tdrv_seed(t, cases[i].name, 0x10);
		expect_fault(t, cases[i].f);
		tdrv_free(t);
	}

	/* INDIRECT inside the table */
	t = tdrv_start(l, 8, false, true, false);
	tdrv_table_write(t, DATA_OFF, segs, 2);
	/* entry 1's flags: split at byte 12, packed at byte 14 */
	t->mem[DATA_OFF + 16 + (l == VIRTQ_SPLIT ? 12 : 14)] |=
		VIRTQ_DESC_F_INDIRECT;
	if (l == VIRTQ_SPLIT) {
		tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 32, f, 0);
		tdrv_split_publish(t, 0);
	} else {
		tdrv_pdesc_set(pdesc(t, 0), gpa(DATA_OFF), 32, 0,
			       f | tdrv_avail_flags(true));
	}
	tdrv_seed(t, "ind-nested", 0x10);
	expect_fault(t, VIRTQ_FAULT_INDIRECT_NESTED);
	tdrv_free(t);

	/* INDIRECT with NEXT (split) / inside a NEXT list (packed) */
	t = tdrv_start(l, 8, false, true, false);
	tdrv_table_write(t, DATA_OFF, segs, 2);
	if (l == VIRTQ_SPLIT) {
		tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 32,
			       f | VIRTQ_DESC_F_NEXT, 1);
		tdrv_sdesc_set(sdesc(t, 1), gpa(DATA_OFF + 0x100), 8, 0, 0);
		tdrv_split_publish(t, 0);
	} else {
		tdrv_pdesc_set(pdesc(t, 1), gpa(DATA_OFF), 32, 0,
			       f | tdrv_avail_flags(true));
		tdrv_pdesc_set(pdesc(t, 0), gpa(DATA_OFF + 0x100), 8, 0,
			       VIRTQ_DESC_F_NEXT | tdrv_avail_flags(true));
	}
	tdrv_seed(t, "ind-next", 0x10);
	expect_fault(t, VIRTQ_FAULT_INDIRECT_NEXT);
	tdrv_free(t);
}
BOTH(lie_indirect)

/* Split indirect table whose next leaves the table. */
static void test_split_indirect_next_range(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, true, false);
	struct virtq_sdesc d[2];

	(void)state;
	tdrv_sdesc_set(&d[0], gpa(DATA_OFF + 0x40), 8, VIRTQ_DESC_F_NEXT, 2);
	tdrv_sdesc_set(&d[1], gpa(DATA_OFF + 0x80), 8, 0, 0);
	memcpy(t->mem + DATA_OFF, d, sizeof(d));
	tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 32, VIRTQ_DESC_F_INDIRECT,
		       0);
	tdrv_split_publish(t, 0);
	tdrv_seed(t, "ind-next-range", 0x10);
	expect_fault(t, VIRTQ_FAULT_NEXT_RANGE);
	tdrv_free(t);

	/* a loop inside the table */
	t = tdrv_start(VIRTQ_SPLIT, 8, false, true, false);
	tdrv_sdesc_set(&d[0], gpa(DATA_OFF + 0x40), 8, VIRTQ_DESC_F_NEXT, 1);
	tdrv_sdesc_set(&d[1], gpa(DATA_OFF + 0x80), 8, VIRTQ_DESC_F_NEXT, 0);
	memcpy(t->mem + DATA_OFF, d, sizeof(d));
	tdrv_sdesc_set(sdesc(t, 0), gpa(DATA_OFF), 32, VIRTQ_DESC_F_INDIRECT,
		       0);
	tdrv_split_publish(t, 0);
	tdrv_seed(t, "ind-loop", 0x10);
	expect_fault(t, VIRTQ_FAULT_CHAIN_LONG);
	tdrv_free(t);
}

/* Packed lies and non-available descriptors. */
static void test_packed_lies(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_PACKED, 8, false, false, false);
	const uint16_t not_avail[] = {
		0,
		VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED,
		VIRTQ_DESC_F_USED,
	};
	struct virtq_elem e;
	unsigned int i;

	(void)state;
	/* Wrong AVAIL/USED bits: not available, not an error. */
	for (i = 0; i < ARRAY_SIZE(not_avail); i++) {
		tdrv_pdesc_set(pdesc(t, 0), gpa(DATA_OFF), 8, 0, not_avail[i]);
		assert_int_equal(virtq_pop(&t->vq, &e), -EAGAIN);
		assert_false(virtq_broken(&t->vq));
	}
	tdrv_free(t);

	/* Every slot NEXT: the chain comes round to its head. */
	t = tdrv_start(VIRTQ_PACKED, 8, false, false, false);
	for (i = 8; i-- > 0;)
		tdrv_pdesc_set(pdesc(t, i), gpa(DATA_OFF), 8, 0,
			       VIRTQ_DESC_F_NEXT | tdrv_avail_flags(true));
	tdrv_seed(t, "chain-long", 0x10);
	expect_fault(t, VIRTQ_FAULT_CHAIN_LONG);
	tdrv_free(t);

	/* A chain of exactly size descriptors is legal. */
	t = tdrv_start(VIRTQ_PACKED, 8, false, false, false);
	for (i = 8; i-- > 0;)
		tdrv_pdesc_set(pdesc(t, i), gpa(DATA_OFF), 8, 5,
			       (i < 7 ? VIRTQ_DESC_F_NEXT : 0) |
				       tdrv_avail_flags(true));
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	assert_int_equal(e.ndesc, 8);
	assert_int_equal(e.id, 5);
	/* ... and then the driver may not publish more: slot 0 again */
	tdrv_pdesc_set(pdesc(t, 0), gpa(DATA_OFF), 8, 1,
		       tdrv_avail_flags(false));
	expect_fault(t, VIRTQ_FAULT_INFLIGHT);
	tdrv_free(t);

	/* Buffer id out of range, in the last descriptor. */
	t = tdrv_start(VIRTQ_PACKED, 8, false, false, false);
	tdrv_pdesc_set(pdesc(t, 1), gpa(DATA_OFF), 8, 8,
		       tdrv_avail_flags(true));
	tdrv_pdesc_set(pdesc(t, 0), gpa(DATA_OFF), 8, 0,
		       VIRTQ_DESC_F_NEXT | tdrv_avail_flags(true));
	tdrv_seed(t, "id-range", 0x10);
	expect_fault(t, VIRTQ_FAULT_ID_RANGE);
	tdrv_free(t);

	/* A chain wrapping the ring end: slots 6, 7, 0 */
	t = tdrv_new(VIRTQ_PACKED, 8, false, false, false);
	t->base = 0x80068006;
	t->p_next = 6;
	t->p_used = 6;
	assert_int_equal(tdrv_init(t), 0);
	{
		const struct tseg segs[3] = {
			{DATA_OFF, 8, false},
			{DATA_OFF + 0x40, 8, true},
			{DATA_OFF + 0x80, 8, true},
		};
		uint16_t id = tdrv_add(t, segs, 3, false);

		tdrv_seed(t, "chain-wrap", 0x10);
		assert_int_equal(virtq_pop(&t->vq, &e), 0);
		assert_int_equal(e.id, id);
		assert_int_equal(e.ndesc, 3);
		assert_int_equal(e.in_num, 2);
		assert_int_equal(t->vq.p.next_avail, 1);
		assert_false(t->vq.p.avail_wrap);
		complete(t, &e, 16);
		expect_used(t, id, 16);
		assert_int_equal(virtq_get_base(&t->vq), 0x00010001);
	}
	tdrv_free(t);
}

/* The guest rewrites a descriptor between our pop and its next pop: each
 * pop validates its own copy. */
static void test_split_rewrite(void **state)
{
	struct tdrv *t = tdrv_start(VIRTQ_SPLIT, 8, false, false, false);
	struct tseg s = {DATA_OFF, 8, true};
	struct virtq_elem e;

	(void)state;
	tdrv_add(t, &s, 1, false);
	assert_int_equal(virtq_pop(&t->vq, &e), 0);
	/* after validation: the element keeps the validated mapping */
	sdesc(t, 0)->addr = htole64(0xdead0000);
	sdesc(t, 0)->len = htole32(0xffffffff);
	assert_iov_at(t, &e.iov[0], DATA_OFF, 8);
	complete(t, &e, 8);
	expect_used(t, 0, 8);
	/* and a republished head with the rewritten descriptor is caught */
	tdrv_split_publish(t, 0);
	expect_fault(t, VIRTQ_FAULT_ADDR);
	tdrv_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_split),
		cmocka_unit_test(roundtrip_packed),
		cmocka_unit_test(chain_split),
		cmocka_unit_test(chain_packed),
		cmocka_unit_test(indirect_split),
		cmocka_unit_test(indirect_packed),
		cmocka_unit_test(test_split_direct_then_indirect),
		cmocka_unit_test(wrap_split),
		cmocka_unit_test(wrap_packed),
		cmocka_unit_test(unpop_split),
		cmocka_unit_test(unpop_packed),
		cmocka_unit_test(test_split_notify),
		cmocka_unit_test(test_packed_notify),
		cmocka_unit_test(base_split),
		cmocka_unit_test(base_packed),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_size_max),
		cmocka_unit_test(test_split_loop),
		cmocka_unit_test(test_split_ranges),
		cmocka_unit_test(lie_addr_split),
		cmocka_unit_test(lie_addr_packed),
		cmocka_unit_test(lie_order_split),
		cmocka_unit_test(lie_order_packed),
		cmocka_unit_test(lie_length_split),
		cmocka_unit_test(lie_length_packed),
		cmocka_unit_test(lie_segments_split),
		cmocka_unit_test(lie_segments_packed),
		cmocka_unit_test(lie_indirect_split),
		cmocka_unit_test(lie_indirect_packed),
		cmocka_unit_test(test_split_indirect_next_range),
		cmocka_unit_test(test_packed_lies),
		cmocka_unit_test(test_split_rewrite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
