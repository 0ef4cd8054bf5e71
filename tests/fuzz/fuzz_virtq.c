// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_virtq.c - libFuzzer target for the device side of virtqueues: the
 * input is the guest's memory, rings and all, plus a few bytes of set-up.
 *
 * Input: a 6-byte header, then the guest memory image (zero-filled up to
 * GMEM_SIZE, 8 KiB, at guest-physical GPA_BASE).
 *   byte 0: bit 0 packed (else split), bit 1 indirect negotiated,
 *           bit 2 event idx negotiated, bit 3 memory as two 4 KiB regions
 *           (else one), bits 4-7 size selector: split 1 << min(sel, 6),
 *           packed fuzz_sizes[sel]
 *   bytes 1-4: SET_VRING_BASE value, little-endian
 *   byte 5: bits 0-1 chains to unpop per batch, bit 2 fill a batch in
 *           reverse order, bit 3 disable kicks while popping,
 *           bits 4-7 batch size - 1
 * Rings: descriptors at 0x000, driver area at 0x400, device area at 0x600
 * (queues up to 64 entries fit), data from 0x900; the layout of
 * tests/unit/test_virtq.c, which writes the seeds.
 *
 * We pop until -EAGAIN or -EIO (at most 4 * size + 16 pops), complete what
 * we popped, and check that every iovec handed out lies inside guest
 * memory; ASan checks that nothing else is touched (the memory is an
 * exact-size heap block).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "transport/virtq.h"
#include "transport/vu_mem.h"

#define GMEM_SIZE 8192
#define GPA_BASE 0x10000ULL
#define DESC_OFF 0x000
#define DRV_OFF 0x400
#define DEV_OFF 0x600
#define FUZZ_HDR 6
#define FUZZ_BATCH 16

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* Packed sizes: the first seven match split's powers of two. */
static const uint16_t fuzz_sizes[16] = {1, 2, 4, 8,  16, 32, 64, 3,
					5, 6, 7, 13, 31, 33, 63, 64};

/* fuzz_table() - the memory table over @mem: one region or two. */
static void fuzz_table(struct vu_mem *m, uint8_t *mem, bool two)
{
	unsigned int i, k = two ? 2 : 1;

	memset(m, 0, sizeof(*m));
	m->n = k;
	for (i = 0; i < k; i++) {
		m->r[i].gpa = GPA_BASE + i * (GMEM_SIZE / k);
		m->r[i].size = GMEM_SIZE / k;
		m->r[i].uva = 0x7f0000000000ULL + i * 0x1000000000ULL;
		m->r[i].mmap_addr = mem + i * (GMEM_SIZE / k);
		m->r[i].mmap_len = GMEM_SIZE / k;
	}
}

/* fuzz_check() - every iovec of @e is inside @mem; touch its ends (read
 * the readable ones, write the writable ones) so ASan sees the access.
 * Returns the bytes writable, as the length to complete with. */
static uint32_t fuzz_check(const struct virtq_elem *e, uint8_t *mem)
{
	uint64_t in = 0;
	unsigned int i;

	ASSERT(e->out_num + e->in_num <= VIRTQ_IOV_MAX);
	for (i = 0; i < e->out_num + e->in_num; i++) {
		uint8_t *b = e->iov[i].iov_base;
		size_t l = e->iov[i].iov_len;

		ASSERT(l > 0);
		ASSERT(b >= mem && b < mem + GMEM_SIZE);
		ASSERT(l <= (size_t)(mem + GMEM_SIZE - b));
		if (i < e->out_num) {
			volatile uint8_t x = b[0];

			x = b[l - 1];
			(void)x;
		} else {
			b[0] = 0x55;
			b[l - 1] = 0xaa;
			in += l;
		}
	}
	ASSERT(in <= UINT32_MAX);
	return (uint32_t)in;
}

/* LLVMFuzzerTestOneInput() - one guest memory image through pop, unpop,
 * fill, flush and the notification calls; aborts if a guarantee breaks. */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct virtq_elem e[FUZZ_BATCH];
	static uint32_t len[FUZZ_BATCH];
	unsigned int batch, unpop, pops = 0, bound, k, i;
	enum virtq_layout layout;
	uint8_t flags, script;
	struct vu_mem m;
	struct virtq vq;
	uint16_t size;
	uint8_t *mem;
	uint32_t base;
	int rc = 0;

	if (n < FUZZ_HDR)
		return 0;
	flags = d[0];
	base = (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 |
	       (uint32_t)d[4] << 24;
	script = d[5];
	layout = flags & 1 ? VIRTQ_PACKED : VIRTQ_SPLIT;
	size = layout == VIRTQ_SPLIT ? (uint16_t)(1U << MIN(flags >> 4, 6))
				     : fuzz_sizes[flags >> 4];
	unpop = script & 3;
	batch = (script >> 4) + 1U;

	mem = calloc(1, GMEM_SIZE);
	if (!mem)
		return 0;
	memcpy(mem, d + FUZZ_HDR, MIN(n - FUZZ_HDR, (size_t)GMEM_SIZE));
	fuzz_table(&m, mem, flags & 8);
	if (virtq_init(&vq, layout, size, mem + DESC_OFF, mem + DRV_OFF,
		       mem + DEV_OFF, flags & 4, flags & 2, &m, base)) {
		free(mem);
		return 0;
	}
	/* The base round-trips before anything moves (split: 16 bits). */
	ASSERT(virtq_get_base(&vq) ==
	       (layout == VIRTQ_PACKED ? base : (base & 0xffff)));

	bound = 4U * size + 16;
	while (pops < bound) {
		if (script & 8)
			virtq_notify_disable(&vq);
		for (k = 0; k < batch && pops < bound; k++) {
			rc = virtq_pop(&vq, &e[k]);
			if (rc)
				break;
			pops++;
			ASSERT(e[k].ndesc >= 1 && e[k].ndesc <= size);
			ASSERT(e[k].id < size);
			len[k] = fuzz_check(&e[k], mem);
		}
		ASSERT(rc == 0 || rc == -EAGAIN || rc == -EIO);
		ASSERT((rc == -EIO) == virtq_broken(&vq));
		if (unpop && k && !rc) {
			unsigned int u = MIN(unpop, k);

			virtq_unpop(&vq, u);
			k -= u;
		}
		for (i = 0; i < k; i++) {
			unsigned int j = script & 4 ? k - 1 - i : i;

			virtq_fill(&vq, &e[j], len[j], i);
		}
		virtq_flush(&vq, k);
		if (virtq_broken(&vq))
			ASSERT(!virtq_should_notify(&vq));
		else
			(void)virtq_should_notify(&vq);
		if (script & 8)
			virtq_notify_enable(&vq);
		if (rc)
			break;
	}
	if (!virtq_broken(&vq))
		ASSERT(vq.inuse == 0);
	(void)virtq_get_base(&vq);
	free(mem);
	return 0;
}
