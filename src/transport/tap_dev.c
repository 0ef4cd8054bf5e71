// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap_dev.c - the tap device transport.
 *
 * A tap device gives one frame per read() and takes one per write(); there
 * is no batching interface short of IFF_VNET_HDR offloads (not used yet).
 * A write to a tap never blocks for long: the kernel hands the frame to
 * the namespace's stack or drops it, so a failed write is counted, not
 * retried.
 *
 * #syscalls read write
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/pcap.h"
#include "../core/txq.h"
#include "tap.h"

static uint8_t tap_dev_buf[TAP_RX_BATCH][FRAME_MAX]
	__attribute__((aligned(64)));

unsigned int tap_dev_rx(int fd, struct iovec *frames, bool *gone)
{
	unsigned int n;

	for (n = 0; n < TAP_RX_BATCH; n++) {
		ssize_t r = read(fd, tap_dev_buf[n], FRAME_MAX);

		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				if (errno == EBADFD || errno == EIO)
					*gone = true;
				trace("tap: read: %s", strerror(errno));
			}
			break;
		}
		if (!r) {
			*gone = true;
			break;
		}
		frames[n].iov_base = tap_dev_buf[n];
		frames[n].iov_len = (size_t)r;
		tap_stats.rx_frames++;
		tap_stats.rx_bytes += (size_t)r;
		pcap_frame(&frames[n], 1, (size_t)r);
	}
	return n;
}

void tap_dev_flush(int fd)
{
	unsigned int i, n = txq_count();

	for (i = 0; i < n; i++) {
		size_t len;
		uint8_t *f = txq_frame(i, &len);

		pcap_frame_buf(f, len);
		if (write(fd, f, len) < 0) {
			tap_stats.tx_drop++;
			trace("tap: write: %s", strerror(errno));
			continue;
		}
		tap_stats.tx_frames++;
		tap_stats.tx_bytes += len;
	}
	txq_consume(n);
}
