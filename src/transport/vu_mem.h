/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu_mem.h - the guest memory table of a vhost-user front-end, and address
 * translation through it.
 *
 * Theory of operation: the front-end (QEMU) shares the guest's memory as
 * up to VU_MEM_REGIONS_MAX regions, each a file descriptor we mmap(). A
 * region is known by its guest-physical address (descriptor addresses are
 * guest-physical) and by the front-end's own virtual address (ring
 * addresses in SET_VRING_ADDR are those). Every translation checks that
 * the whole range [addr, addr + len) lies inside one region, with
 * overflow-safe arithmetic: a guest cannot make us touch a byte outside the
 * mappings, whatever it writes in a descriptor.
 *
 * A zero-initialised struct vu_mem is a valid empty table.
 */
#ifndef BURROW_VU_MEM_H
#define BURROW_VU_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define VU_MEM_REGIONS_MAX 8

struct vu_mem_region {
	uint64_t gpa;	      /* guest-physical start */
	uint64_t size;	      /* length in bytes, not 0 */
	uint64_t uva;	      /* the front-end's virtual address of gpa */
	uint64_t mmap_offset; /* where gpa starts in the mapped file */
	void *mmap_addr;      /* our mapping of the file (from offset 0) */
	size_t mmap_len;      /* its length: mmap_offset + size */
};

struct vu_mem {
	unsigned int n;				    /* regions in use */
	struct vu_mem_region r[VU_MEM_REGIONS_MAX]; /* in table order */
};

/* vu_mem_gpa() - our pointer to guest-physical [gpa, gpa + len), or NULL
 * if that range is not entirely inside one region (or len is 0). */
void *vu_mem_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len);

/* vu_mem_uva() - the same for a range of front-end virtual addresses. */
void *vu_mem_uva(const struct vu_mem *m, uint64_t uva, uint64_t len);

/* vu_mem_iov() - map guest-physical [gpa, gpa + len) into at most @max
 * iovecs, splitting at region boundaries. Returns the number used, or -1
 * if a byte is outside every region or @max is too small. */
int vu_mem_iov(const struct vu_mem *m, uint64_t gpa, uint64_t len,
	       struct iovec *iov, unsigned int max);

/* vu_mem_set() - replace the table with @n regions (gpa, size, uva and
 * mmap_offset filled in; mmap_addr and mmap_len are ignored), region i
 * mapped from @fds[i]. All or nothing: every region is validated (size not
 * 0, no 64-bit overflow of gpa + size, uva + size or mmap_offset + size,
 * no two regions overlapping in guest-physical space, the file at least
 * mmap_offset + size long) and mapped before the old table is unmapped;
 * on failure the old table stays as it was. The @n descriptors are always
 * consumed: closed after mapping, on success and on every error path.
 * Returns 0, -EINVAL (bad table, @n is 0 or above VU_MEM_REGIONS_MAX, a
 * negative fd) or the negative errno of a failed fstat() or mmap(). */
int vu_mem_set(struct vu_mem *m, const struct vu_mem_region *regions,
	       const int *fds, unsigned int n);

/* vu_mem_check() - what vu_mem_set() checks in @n regions before it looks
 * at any file: NULL if they are acceptable, else the reason, for a log
 * line. */
const char *vu_mem_check(const struct vu_mem_region *r, unsigned int n);

/* vu_mem_clear() - unmap every region; the table is then empty. */
void vu_mem_clear(struct vu_mem *m);

#endif /* BURROW_VU_MEM_H */
