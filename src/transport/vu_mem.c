// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vu_mem.c - the guest memory table of a vhost-user front-end.
 *
 * Theory of operation
 *
 * The table holds at most VU_MEM_REGIONS_MAX (8) regions; lookups are a
 * linear scan, which for eight entries is cheaper than anything clever.
 * Each region is the whole file mapped from offset 0 for mmap_offset + size
 * bytes (the offset need not be page-aligned, so we do not map from it),
 * and guest-physical gpa is at mmap_addr + mmap_offset.
 *
 * Invariants of an installed table, established by vu_mem_set() and relied
 * on by every translation:
 *   - 0 < size, and gpa + size, uva + size and mmap_offset + size do not
 *     overflow 64 bits (so "end" values are exact); mmap_offset + size
 *     fits a size_t;
 *   - no two regions overlap in guest-physical space, so a guest-physical
 *     address has at most one translation;
 *   - the file was at least mmap_offset + size bytes long when mapped.
 * Regions may overlap in the front-end's virtual space (it may alias RAM);
 * vu_mem_uva() then takes the first region in table order, which is as
 * good as any: both translations reach memory we mapped.
 *
 * Trust: the front-end chooses the table; it is validated here, once. A
 * front-end that shrinks a file after we mapped it makes later accesses
 * fault (SIGBUS); the front-end is QEMU running the guest on that very
 * memory, so it would break its own guest first. Guests choose only the
 * addresses translated, and no address or length they write can produce
 * a pointer outside a mapping.
 *
 * #syscalls mmap munmap close fstat newfstatat
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/util.h"
#include "vu_mem.h"

/* vu_mem_find() - the region whose [start, start + size) holds @a, where
 * start is the region's gpa (@by_uva false) or uva (@by_uva true); NULL if
 * none does. */
static const struct vu_mem_region *vu_mem_find(const struct vu_mem *m,
					       uint64_t a, bool by_uva)
{
	unsigned int i;

	for (i = 0; i < m->n && i < VU_MEM_REGIONS_MAX; i++) {
		const struct vu_mem_region *r = &m->r[i];
		uint64_t start = by_uva ? r->uva : r->gpa;

		if (a >= start && a - start < r->size)
			return r;
	}
	return NULL;
}

/* vu_mem_ptr() - our pointer to the byte at offset @off of region @r;
 * the caller has checked @off < r->size. */
static void *vu_mem_ptr(const struct vu_mem_region *r, uint64_t off)
{
	return (uint8_t *)r->mmap_addr + r->mmap_offset + off;
}

/* vu_mem_range() - common part of vu_mem_gpa() and vu_mem_uva(): a pointer
 * to [a, a + len) if that range is inside one region, else NULL. */
static void *vu_mem_range(const struct vu_mem *m, uint64_t a, uint64_t len,
			  bool by_uva)
{
	const struct vu_mem_region *r;
	uint64_t off;

	if (!len)
		return NULL;
	r = vu_mem_find(m, a, by_uva);
	if (!r)
		return NULL;
	off = a - (by_uva ? r->uva : r->gpa);
	/* off < size, so size - off cannot wrap: no overflow of a + len. */
	if (len > r->size - off)
		return NULL;
	return vu_mem_ptr(r, off);
}

/* vu_mem_gpa() - our pointer to guest-physical [gpa, gpa + len), or NULL
 * if that range is not entirely inside one region (or len is 0). */
void *vu_mem_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len)
{
	return vu_mem_range(m, gpa, len, false);
}

/* vu_mem_uva() - our pointer to front-end virtual [uva, uva + len), or
 * NULL if that range is not entirely inside one region (or len is 0). */
void *vu_mem_uva(const struct vu_mem *m, uint64_t uva, uint64_t len)
{
	return vu_mem_range(m, uva, len, true);
}

/* vu_mem_iov() - map guest-physical [gpa, gpa + len) into at most @max
 * iovecs, one per region crossed. A @len of 0 needs no iovec: returns 0.
 * Returns the number used, or -1 if a byte is outside every region (a
 * range running past 2^64 included) or @max is too small; @iov may then
 * have been partly written. */
int vu_mem_iov(const struct vu_mem *m, uint64_t gpa, uint64_t len,
	       struct iovec *iov, unsigned int max)
{
	unsigned int used = 0;

	/* The last byte is gpa + len - 1: it must exist below 2^64. */
	if (len && len - 1 > UINT64_MAX - gpa)
		return -1;
	while (len) {
		const struct vu_mem_region *r = vu_mem_find(m, gpa, false);
		uint64_t off, chunk;

		if (!r || used >= max)
			return -1;
		off = gpa - r->gpa;
		chunk = MIN(len, r->size - off);
		iov[used].iov_base = vu_mem_ptr(r, off);
		iov[used].iov_len = (size_t)chunk; /* <= size: fits size_t */
		used++;
		/* Cannot wrap: a region never ends beyond UINT64_MAX. */
		gpa += chunk;
		len -= chunk;
	}
	return (int)used;
}

/* vu_mem_unmap() - unmap the first @n regions of @r. */
static void vu_mem_unmap(struct vu_mem_region *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (r[i].mmap_addr)
			munmap(r[i].mmap_addr, r[i].mmap_len);
		r[i].mmap_addr = NULL;
		r[i].mmap_len = 0;
	}
}

/* vu_mem_check() - validate @n regions of @r (see the invariants above)
 * without looking at the files. Returns NULL if good, else the reason. */
const char *vu_mem_check(const struct vu_mem_region *r, unsigned int n)
{
	unsigned int i, j;
	uint64_t end;

	if (!n || n > VU_MEM_REGIONS_MAX)
		return "region count out of range";
	for (i = 0; i < n; i++) {
		if (!r[i].size)
			return "zero-size region";
		if (__builtin_add_overflow(r[i].gpa, r[i].size, &end) ||
		    __builtin_add_overflow(r[i].uva, r[i].size, &end) ||
		    __builtin_add_overflow(r[i].mmap_offset, r[i].size, &end))
			return "region end beyond 2^64";
		/* end = mmap_offset + size: the mapping length, and an off_t
		 * for the file size comparison. */
		if (end > SIZE_MAX || end > (uint64_t)INT64_MAX)
			return "region too large to map";
	}
	/* Half-open intervals [gpa, gpa + size) must be disjoint. */
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (r[i].gpa < r[j].gpa + r[j].size &&
			    r[j].gpa < r[i].gpa + r[i].size)
				return "regions overlap";
		}
	}
	return NULL;
}

/* vu_mem_map_one() - map @fd for region @r (mmap_offset + size bytes from
 * offset 0, shared, read-write), filling mmap_addr and mmap_len. Does not
 * close @fd. Returns 0 or a negative errno. */
static int vu_mem_map_one(struct vu_mem_region *r, int fd)
{
	size_t len = (size_t)(r->mmap_offset + r->size);
	struct stat st;
	void *p;

	if (fd < 0)
		return -EINVAL;
	if (fstat(fd, &st))
		return -errno;
	/* Only files have a length we can check; a mapping beyond the end
	 * of the file would fault on first access. */
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size < r->mmap_offset + r->size)
		return -EINVAL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->mmap_addr = p;
	r->mmap_len = len;
	return 0;
}

/* vu_mem_close_fds() - close the @n descriptors of @fds (negative ones are
 * skipped). */
static void vu_mem_close_fds(const int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
}

/* vu_mem_set() - replace the table, all or nothing; always closes the @n
 * descriptors of @fds (see vu_mem.h). Returns 0 or a negative errno.
 * #syscalls mmap munmap close fstat newfstatat */
int vu_mem_set(struct vu_mem *m, const struct vu_mem_region *regions,
	       const int *fds, unsigned int n)
{
	struct vu_mem_region t[VU_MEM_REGIONS_MAX];
	unsigned int i;
	int rc = 0;

	if (!n || n > VU_MEM_REGIONS_MAX) {
		vu_mem_close_fds(fds, n); /* consumed, as promised */
		return -EINVAL;
	}
	memset(t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		t[i].gpa = regions[i].gpa;
		t[i].size = regions[i].size;
		t[i].uva = regions[i].uva;
		t[i].mmap_offset = regions[i].mmap_offset;
	}
	if (vu_mem_check(t, n)) {
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = vu_mem_map_one(&t[i], fds[i]);
		if (rc) {
			vu_mem_unmap(t, i);
			goto out;
		}
	}
	vu_mem_clear(m);
	memcpy(m->r, t, sizeof(t));
	m->n = n;
out:
	/* A mapping keeps its own reference to the file. */
	vu_mem_close_fds(fds, n);
	return rc;
}

/* vu_mem_clear() - unmap every region; the table is then empty. */
void vu_mem_clear(struct vu_mem *m)
{
	vu_mem_unmap(m->r, MIN(m->n, VU_MEM_REGIONS_MAX));
	memset(m, 0, sizeof(*m));
}
