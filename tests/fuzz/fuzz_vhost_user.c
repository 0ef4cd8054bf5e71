// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_vhost_user.c - libFuzzer target for vu_handle(): a byte stream fed
 * as a sequence of vhost-user messages, with descriptors, through a
 * socketpair.
 *
 * Input: chunks of
 *   u8 ctl     bits 0-3: descriptors to attach (0 to 15, at most 64 per
 *              input in all), bits 4-5: their kind (0 /dev/null, 1 a
 *              64 KiB memfd, 2 an eventfd, 3 one end of a fresh pipe:
 *              read end for even positions, write end for odd ones)
 *   u16 len    (little-endian) bytes that follow, cut to what is left
 *   len bytes  written to the socket; with descriptors, as one sendmsg()
 * The stream need not respect message boundaries: chunks are just
 * writes. After the last one our end is shut for writing and vu_handle()
 * runs until it reports a disconnect (end of file at the latest).
 *
 * While it runs, the target plays the data path: on START it touches the
 * first and last byte of each ring area vu_handle() validated (a bad
 * validation faults), it drains kicks and signals calls on every ring fd,
 * and the get_base hook reports the ring's stored index.
 *
 * Guarantees checked: no crash, no sanitizer report, and the number of
 * open descriptors is the same after each input (vu_dev_reset() included)
 * as before it: otherwise abort().
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/log.h"
#include "transport/vhost_user.h"

#define FUZZ_FDS_TOTAL 64 /* descriptors per input, at most */
#define FUZZ_FD_CHUNK 15  /* per chunk, at most (VU_FDS_MAX is 8) */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* count_fds() - open descriptors of this process. */
static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int c = 0;

	if (!dir)
		abort();
	while ((de = readdir(dir)))
		c += de->d_name[0] != '.';
	closedir(dir);
	return c;
}

/* fuzz_fd() - a descriptor of @kind for position @i; -1 on failure. */
static int fuzz_fd(unsigned int kind, unsigned int i)
{
	int fd, p[2];

	switch (kind) {
	case 0:
		return open("/dev/null", O_RDWR | O_CLOEXEC);
	case 1:
		fd = memfd_create("fuzz", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, 0x10000)) {
			close(fd);
			return -1;
		}
		return fd;
	case 2:
		return eventfd(0, EFD_CLOEXEC);
	default:
		if (pipe2(p, O_CLOEXEC))
			return -1;
		close(p[!(i & 1)]);
		return p[i & 1];
	}
}

/* fuzz_send() - write @len bytes with @nfds descriptors (closed here
 * afterwards: the kernel holds them in flight). A failed or short write
 * just ends what the back-end will read. */
static void fuzz_send(int fd, const uint8_t *b, size_t len, int *fds,
		      unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * FUZZ_FD_CHUNK)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {(void *)(uintptr_t)b, len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	unsigned int i;

	if (nfds) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	if (len)
		(void)!sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* fuzz_get_base() - the data path's index: a valid one, the ring's
 * stored base (a real data path reports where it got to). */
static uint32_t fuzz_get_base(void *opaque, unsigned int ring)
{
	const struct vu_dev *dev = opaque;

	if (ring >= VU_QUEUES)
		abort();
	return dev->vring[ring].base;
}

/* fuzz_touch() - read the first and last byte of [uva, uva + len), which
 * vu_handle() promised is mapped. */
static void fuzz_touch(const struct vu_dev *dev, uint64_t uva, uint64_t len)
{
	volatile const uint8_t *p = vu_mem_uva(&dev->mem, uva, len);

	if (!p)
		abort();
	(void)p[0];
	(void)p[len - 1];
}

/* fuzz_started() - ring @i started: its areas must be usable. */
static void fuzz_started(const struct vu_dev *dev, unsigned int i)
{
	const struct vu_vring_cfg *r = &dev->vring[i];
	uint64_t num = r->num;

	if (vu_ring_packed(dev)) {
		fuzz_touch(dev, r->desc_uva, 16 * num);
		fuzz_touch(dev, r->avail_uva, 4);
		fuzz_touch(dev, r->used_uva, 4);
	} else {
		if (!num || (num & (num - 1)) || r->base > 0xffff)
			abort();
		fuzz_touch(dev, r->desc_uva, 16 * num);
		fuzz_touch(dev, r->avail_uva, 6 + 2 * num);
		fuzz_touch(dev, r->used_uva, 6 + 8 * num);
	}
}

/* fuzz_data_path() - act on @ev like the loop would, and poke every
 * ring fd. */
static void fuzz_data_path(struct vu_dev *dev, int ev)
{
	unsigned int i;

	for (i = 0; i < VU_QUEUES; i++) {
		if (ev & VU_EV_RING_START(i))
			fuzz_started(dev, i);
		if (dev->vring[i].kick_fd >= 0)
			vu_kick_drain(dev->vring[i].kick_fd);
		if (dev->vring[i].call_fd >= 0)
			vu_call_signal(dev->vring[i].call_fd);
	}
}

/* LLVMFuzzerTestOneInput() - one input as one front-end session. */
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct timeval tv = {.tv_sec = 1};
	static struct vu_dev dev;
	struct vu_hooks hooks = {fuzz_get_base, &dev};
	static uint8_t plain[65536 + 3];
	unsigned int total = 0, rounds;
	size_t off = 0, nplain = 0;
	int sv[2], before, ev;

	/* FUZZ_VU_LOG=1 shows why each session ended (for seed work). */
	log_level = getenv("FUZZ_VU_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR;
	before = count_fds();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return 0;
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	vu_dev_init(&dev);

	/* Writes without descriptors are merged, so that a long input is
	 * a few socket buffers, not thousands. */
	while (off + 3 <= n) {
		unsigned int ctl = d[off], nfds = ctl & 0xf,
			     kind = ctl >> 4 & 3;
		size_t len = (size_t)d[off + 1] | (size_t)d[off + 2] << 8;
		int fds[FUZZ_FD_CHUNK];
		unsigned int i, got = 0;

		off += 3;
		len = len < n - off ? len : n - off;
		if (nfds > FUZZ_FDS_TOTAL - total)
			nfds = FUZZ_FDS_TOTAL - total;
		if (!len)
			nfds = 0; /* nothing would carry them */
		for (i = 0; i < nfds; i++) {
			int fd = fuzz_fd(kind, i);

			if (fd >= 0)
				fds[got++] = fd;
		}
		total += got;
		if (got) {
			fuzz_send(sv[0], plain, nplain, NULL, 0);
			nplain = 0;
			fuzz_send(sv[0], d + off, len, fds, got);
		} else {
			if (nplain + len > sizeof(plain)) {
				fuzz_send(sv[0], plain, nplain, NULL, 0);
				nplain = 0;
			}
			memcpy(plain + nplain, d + off, len);
			nplain += len;
		}
		off += len;
	}
	fuzz_send(sv[0], plain, nplain, NULL, 0);
	shutdown(sv[0], SHUT_WR);

	for (rounds = 0; rounds < 10000; rounds++) {
		ev = vu_handle(&dev, sv[1], &hooks);
		/* Throw replies away so the back-end never blocks on them. */
		while (recv(sv[0], plain, sizeof(plain), MSG_DONTWAIT) > 0)
			;
		if (ev & VU_EV_DISCONNECT)
			break;
		if (ev)
			debug("fuzz: events %#x", (unsigned int)ev);
		fuzz_data_path(&dev, ev);
	}
	if (rounds == 10000)
		abort(); /* each round reads a header, or ends the session */

	close(sv[0]);
	close(sv[1]);
	vu_dev_reset(&dev);
	if (count_fds() != before)
		abort();
	return 0;
}
