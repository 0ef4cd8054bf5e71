// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcap.c - capture file writer.
 *
 * #syscalls writev
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pcap.h"

#define PCAP_MAGIC 0xa1b2c3d4
#define PCAP_SNAPLEN (65536 + 64)
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_SEGS_MAX 16

static int pcap_fd = -1;

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t sec, usec, caplen, len;
};

void pcap_open(const char *path)
{
	struct pcap_file_hdr h = {
		.magic = PCAP_MAGIC,
		.major = 2,
		.minor = 4,
		.snaplen = PCAP_SNAPLEN,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};

	if (!path || !*path)
		return;
	pcap_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pcap_fd < 0)
		die("--pcap: cannot open %s: %s", path, strerror(errno));
	if (write(pcap_fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		die("--pcap: cannot write %s: %s", path, strerror(errno));
	info("capturing frames to %s", path);
}

void pcap_frame(const struct iovec *iov, unsigned int n, size_t len)
{
	struct iovec v[PCAP_SEGS_MAX + 1];
	struct pcap_rec_hdr r;
	struct timespec ts;
	unsigned int i;

	if (pcap_fd < 0)
		return;
	if (n > PCAP_SEGS_MAX)
		n = PCAP_SEGS_MAX; /* caplen below says what we kept */
	clock_gettime(CLOCK_REALTIME, &ts);
	r.sec = (uint32_t)ts.tv_sec;
	r.usec = (uint32_t)(ts.tv_nsec / 1000);
	r.len = (uint32_t)len;
	r.caplen = 0;
	v[0].iov_base = &r;
	v[0].iov_len = sizeof(r);
	for (i = 0; i < n; i++) {
		v[i + 1] = iov[i];
		r.caplen += (uint32_t)iov[i].iov_len;
	}
	if (writev(pcap_fd, v, (int)n + 1) < 0) {
		err("--pcap: write failed (%s), capture stopped",
		    strerror(errno));
		close(pcap_fd);
		pcap_fd = -1;
	}
}

void pcap_frame_buf(const void *buf, size_t len)
{
	struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};

	pcap_frame(&iov, 1, len);
}
