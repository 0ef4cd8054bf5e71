// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vu_mem.c - the vhost-user memory table: translation edge cases on a
 * hand-built table, and vu_mem_set() with real memfds, bad tables
 * included, proving that no descriptor leaks on any path.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "transport/vu_mem.h"

#define UVA_A 0x7f0000000000ULL
#define UVA_B 0x7f0000100000ULL

static uint8_t back_a[0x1010], back_b[0x1000], back_top[0x1000];

/* count_fds() - open descriptors of this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* fake_table() - three regions without real mappings: A at gpa 0x1000,
 * B right after it (gpa 0x2000, uva elsewhere), and one ending at the
 * top of the address space. A's file offset is 0x10. */
static void fake_table(struct vu_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->n = 3;
	m->r[0] = (struct vu_mem_region){.gpa = 0x1000,
					 .size = 0x1000,
					 .uva = UVA_A,
					 .mmap_offset = 0x10,
					 .mmap_addr = back_a,
					 .mmap_len = sizeof(back_a)};
	m->r[1] = (struct vu_mem_region){.gpa = 0x2000,
					 .size = 0x1000,
					 .uva = UVA_B,
					 .mmap_offset = 0,
					 .mmap_addr = back_b,
					 .mmap_len = sizeof(back_b)};
	m->r[2] = (struct vu_mem_region){.gpa = UINT64_MAX - 0xfff,
					 .size = 0xfff,
					 .uva = 0x1000,
					 .mmap_offset = 0,
					 .mmap_addr = back_top,
					 .mmap_len = sizeof(back_top)};
}

static void test_gpa_edges(void **state)
{
	struct vu_mem m;

	(void)state;
	fake_table(&m);
	/* Exact region, first and last byte. */
	assert_ptr_equal(vu_mem_gpa(&m, 0x1000, 0x1000), back_a + 0x10);
	assert_ptr_equal(vu_mem_gpa(&m, 0x1fff, 1), back_a + 0x10 + 0xfff);
	assert_ptr_equal(vu_mem_gpa(&m, 0x2fff, 1), back_b + 0xfff);
	/* One byte too many, one before, one past the last region. */
	assert_null(vu_mem_gpa(&m, 0x1000, 0x1001));
	assert_null(vu_mem_gpa(&m, 0x1fff, 2)); /* spans A and B */
	assert_null(vu_mem_gpa(&m, 0xfff, 1));
	assert_null(vu_mem_gpa(&m, 0x3000, 1));
	/* Length 0 is never a valid range. */
	assert_null(vu_mem_gpa(&m, 0x1000, 0));
	/* gpa + len wrapping around 2^64. */
	assert_null(vu_mem_gpa(&m, 0x1800, UINT64_MAX));
	assert_null(vu_mem_gpa(&m, UINT64_MAX - 0x10, 0x20));
	assert_ptr_equal(vu_mem_gpa(&m, UINT64_MAX - 1, 1), back_top + 0xffe);
	assert_null(vu_mem_gpa(&m, UINT64_MAX, 1)); /* region ends before */
	assert_null(vu_mem_gpa(&m, UINT64_MAX - 0xfff, 0x1000));
	/* Empty table. */
	m.n = 0;
	assert_null(vu_mem_gpa(&m, 0x1000, 1));
}

static void test_uva_edges(void **state)
{
	struct vu_mem m;

	(void)state;
	fake_table(&m);
	assert_ptr_equal(vu_mem_uva(&m, UVA_A, 0x1000), back_a + 0x10);
	assert_ptr_equal(vu_mem_uva(&m, UVA_A + 0xfff, 1),
			 back_a + 0x10 + 0xfff);
	assert_null(vu_mem_uva(&m, UVA_A + 0xfff, 2));
	assert_null(vu_mem_uva(&m, UVA_A - 1, 1));
	assert_null(vu_mem_uva(&m, UVA_A, 0));
	assert_null(vu_mem_uva(&m, UVA_A + 0x800, UINT64_MAX));
	assert_ptr_equal(vu_mem_uva(&m, UVA_B + 0x10, 0x10), back_b + 0x10);
	/* Guest-physical addresses mean nothing in this space. */
	assert_null(vu_mem_uva(&m, 0x2000, 1));
}

static void test_iov(void **state)
{
	struct iovec iov[4];
	struct vu_mem m;

	(void)state;
	fake_table(&m);
	/* Inside one region: one iovec. */
	assert_int_equal(vu_mem_iov(&m, 0x1100, 0x100, iov, 4), 1);
	assert_ptr_equal(iov[0].iov_base, back_a + 0x10 + 0x100);
	assert_int_equal(iov[0].iov_len, 0x100);
	/* Spanning the adjacent regions A and B: split at the boundary. */
	assert_int_equal(vu_mem_iov(&m, 0x1ff0, 0x20, iov, 4), 2);
	assert_ptr_equal(iov[0].iov_base, back_a + 0x10 + 0xff0);
	assert_int_equal(iov[0].iov_len, 0x10);
	assert_ptr_equal(iov[1].iov_base, back_b);
	assert_int_equal(iov[1].iov_len, 0x10);
	/* Both regions whole. */
	assert_int_equal(vu_mem_iov(&m, 0x1000, 0x2000, iov, 2), 2);
	/* max too small. */
	assert_int_equal(vu_mem_iov(&m, 0x1ff0, 0x20, iov, 1), -1);
	assert_int_equal(vu_mem_iov(&m, 0x1000, 1, iov, 0), -1);
	/* One byte past B. */
	assert_int_equal(vu_mem_iov(&m, 0x1000, 0x2001, iov, 4), -1);
	/* A hole before A. */
	assert_int_equal(vu_mem_iov(&m, 0xfff, 2, iov, 4), -1);
	/* Length 0: nothing to map. */
	assert_int_equal(vu_mem_iov(&m, 0x1000, 0, iov, 4), 0);
	assert_int_equal(vu_mem_iov(&m, 0x9999999, 0, iov, 0), 0);
	/* Past 2^64. */
	assert_int_equal(vu_mem_iov(&m, UINT64_MAX - 0x10, 0x20, iov, 4), -1);
	assert_int_equal(vu_mem_iov(&m, 0x1000, UINT64_MAX, iov, 4), -1);
	assert_int_equal(vu_mem_iov(&m, UINT64_MAX - 0xfff, 0xfff, iov, 4), 1);
	assert_int_equal(vu_mem_iov(&m, UINT64_MAX - 0xfff, 0x1000, iov, 4),
			 -1);
}

/* memfd() - a memfd of @size bytes. */
static int memfd(size_t size)
{
	int fd = memfd_create("test_vu_mem", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static void test_set_maps_shared(void **state)
{
	struct vu_mem_region r[2] = {
		{.gpa = 0, .size = 0x10000, .uva = UVA_A, .mmap_offset = 0},
		{.gpa = 0x100000,
		 .size = 0x1000,
		 .uva = UVA_B,
		 .mmap_offset = 0x2010},
	};
	struct vu_mem m = {0};
	int base = count_fds(), fds[2], peek[2];
	uint8_t *p, b = 0;

	(void)state;
	fds[0] = memfd(0x10000);
	fds[1] = memfd(0x4000);
	peek[0] = dup(fds[0]);
	peek[1] = dup(fds[1]);
	assert_int_equal(vu_mem_set(&m, r, fds, 2), 0);
	assert_int_equal(m.n, 2);
	/* The fds were closed: only our dups are left. */
	assert_int_equal(count_fds(), base + 2);
	/* Writes through the table land in the files (MAP_SHARED), at the
	 * region's offset. */
	p = vu_mem_gpa(&m, 0x100000, 1);
	assert_non_null(p);
	*p = 0xab;
	assert_int_equal(pread(peek[1], &b, 1, 0x2010), 1);
	assert_int_equal(b, 0xab);
	p = vu_mem_uva(&m, UVA_A + 0xffff, 1);
	assert_non_null(p);
	*p = 0xcd;
	assert_int_equal(pread(peek[0], &b, 1, 0xffff), 1);
	assert_int_equal(b, 0xcd);
	/* Replace the table: the old one is gone. */
	fds[0] = memfd(0x1000);
	r[0].size = 0x1000;
	assert_int_equal(vu_mem_set(&m, r, fds, 1), 0);
	assert_int_equal(m.n, 1);
	assert_null(vu_mem_gpa(&m, 0x100000, 1));
	assert_non_null(vu_mem_gpa(&m, 0xfff, 1));
	assert_null(vu_mem_gpa(&m, 0x1000, 1));
	vu_mem_clear(&m);
	assert_int_equal(m.n, 0);
	assert_null(vu_mem_gpa(&m, 0, 1));
	close(peek[0]);
	close(peek[1]);
	assert_int_equal(count_fds(), base);
}

/* try_bad() - vu_mem_set() with @n regions @r (fds are fresh memfds of
 * @file bytes) must fail, keep the old table @m, and leave no fd open. */
static void try_bad(struct vu_mem *m, const struct vu_mem_region *r,
		    unsigned int n, size_t file)
{
	int base = count_fds(), fds[VU_MEM_REGIONS_MAX + 1];
	struct vu_mem old = *m;
	unsigned int i;

	for (i = 0; i < n; i++)
		fds[i] = memfd(file);
	assert_true(vu_mem_set(m, r, fds, n) < 0);
	assert_memory_equal(&old, m, sizeof(old));
	assert_int_equal(count_fds(), base);
}

static void test_set_bad(void **state)
{
	const struct vu_mem_region good = {.gpa = 0x1000, .size = 0x1000};
	struct vu_mem_region r[VU_MEM_REGIONS_MAX + 1];
	struct vu_mem m = {0};
	int base = count_fds(), fd, pfd[2];
	unsigned int i;

	(void)state;
	/* A table in place, which every failure must leave alone. */
	fd = memfd(0x2000);
	assert_int_equal(vu_mem_set(&m, &good, &fd, 1), 0);

	/* Size 0. */
	r[0] = good;
	r[0].size = 0;
	try_bad(&m, r, 1, 0x2000);
	/* gpa + size, uva + size, mmap_offset + size overflowing. */
	r[0] = good;
	r[0].gpa = UINT64_MAX - 0xfff;
	try_bad(&m, r, 1, 0x2000);
	r[0] = good;
	r[0].uva = UINT64_MAX - 0x10;
	try_bad(&m, r, 1, 0x2000);
	r[0] = good;
	r[0].mmap_offset = UINT64_MAX - 0x10;
	try_bad(&m, r, 1, 0x2000);
	r[0] = good;
	r[0].size = UINT64_MAX;
	try_bad(&m, r, 1, 0x2000);
	/* Overlapping in gpa: same start, partial, contained, and the second
	 * region mapping fine before the check would fail. */
	r[0] = good;
	r[1] = good;
	try_bad(&m, r, 2, 0x2000);
	r[1].gpa = 0x1fff;
	try_bad(&m, r, 2, 0x2000);
	r[1].gpa = 0x1100;
	r[1].size = 0x10;
	try_bad(&m, r, 2, 0x2000);
	r[1] = good;
	r[1].gpa = 0x800;
	try_bad(&m, r, 2, 0x2000);
	/* Adjacent is fine (below). File shorter than offset + size. */
	r[0] = good;
	r[0].mmap_offset = 0x1001;
	try_bad(&m, r, 1, 0x2000);
	/* A good first region and a bad second one: the first is unmapped
	 * again, nothing changes. */
	r[0] = good;
	r[1] = good;
	r[1].gpa = 0x2000;
	r[1].size = 0x100000;
	try_bad(&m, r, 2, 0x2000);
	/* Too many regions, none at all. */
	for (i = 0; i < VU_MEM_REGIONS_MAX + 1; i++) {
		r[i] = good;
		r[i].gpa = 0x1000 * (i + 1);
	}
	try_bad(&m, r, VU_MEM_REGIONS_MAX + 1, 0x2000);
	try_bad(&m, r, 0, 0x2000);
	/* A negative fd, and a pipe (not a file): the other fd is closed. */
	{
		int fds[2] = {memfd(0x2000), -1};

		r[0] = good;
		r[1] = good;
		r[1].gpa = 0x2000;
		assert_true(vu_mem_set(&m, r, fds, 2) < 0);
		assert_int_equal(count_fds(), base);
	}
	assert_int_equal(pipe(pfd), 0);
	close(pfd[1]);
	r[0] = good;
	assert_int_equal(vu_mem_set(&m, r, &pfd[0], 1), -EINVAL);
	assert_int_equal(count_fds(), base);
	/* The original table still translates. */
	assert_int_equal(m.n, 1);
	assert_non_null(vu_mem_gpa(&m, 0x1000, 0x1000));

	/* All eight regions, adjacent: accepted. */
	for (i = 0; i < VU_MEM_REGIONS_MAX; i++) {
		r[i] = good;
		r[i].gpa = 0x1000 * (i + 1);
		r[i].uva = 0x1000 * (i + 1);
	}
	{
		int fds[VU_MEM_REGIONS_MAX];

		for (i = 0; i < VU_MEM_REGIONS_MAX; i++)
			fds[i] = memfd(0x1000);
		assert_int_equal(vu_mem_set(&m, r, fds, VU_MEM_REGIONS_MAX), 0);
	}
	{
		struct iovec iov[VU_MEM_REGIONS_MAX];

		assert_int_equal(
			vu_mem_iov(&m, 0x1000, 0x8000, iov, VU_MEM_REGIONS_MAX),
			VU_MEM_REGIONS_MAX);
	}
	vu_mem_clear(&m);
	assert_int_equal(count_fds(), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpa_edges),
		cmocka_unit_test(test_uva_edges),
		cmocka_unit_test(test_iov),
		cmocka_unit_test(test_set_maps_shared),
		cmocka_unit_test(test_set_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
