// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap_dev.c - the tap device transport.
 *
 * A tap device gives one frame per read() and takes one per write(); there
 * is no batching interface. Every frame is preceded by a 10-byte
 * virtio-net header (IFF_VNET_HDR), and checksums may be partial both ways
 * (NEEDS_CSUM): the guest's kernel sends them so when ns.c asked for
 * TUN_F_CSUM (vnet_hdr_in() completes UDP's; TCP's are not verified), and
 * we send TCP and UDP partial when the frame builders left them so. Each
 * saves a pass over every payload byte, in burrow and in the guest's
 * kernel (which completes checksums only where it needs them, e.g. when
 * forwarding). No segmentation offload is asked for.
 * A write to a tap never blocks for long: the kernel hands the frame to
 * the namespace's stack or drops it, so a failed write is counted, not
 * retried.
 *
 * #syscalls read writev
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/pcap.h"
#include "../core/txq.h"
#include "tap.h"
#include "vnet_hdr.h"

#define TAP_VNET_HDR 10 /* struct virtio_net_hdr, before every frame */

static uint8_t tap_dev_buf[TAP_RX_BATCH][TAP_VNET_HDR + FRAME_MAX]
	__attribute__((aligned(64)));

unsigned int tap_dev_rx(int fd, struct iovec *frames, bool *gone)
{
	unsigned int n, got = 0;

	for (n = 0; n < TAP_RX_BATCH; n++) {
		ssize_t r =
			read(fd, tap_dev_buf[got], TAP_VNET_HDR + FRAME_MAX);

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
		if (r <= TAP_VNET_HDR)
			continue; /* no frame behind the header */
		if (!vnet_hdr_in(tap_dev_buf[got],
				 tap_dev_buf[got] + TAP_VNET_HDR,
				 (size_t)r - TAP_VNET_HDR)) {
			tap_stats.rx_bad++;
			continue;
		}
		frames[got].iov_base = tap_dev_buf[got] + TAP_VNET_HDR;
		frames[got].iov_len = (size_t)r - TAP_VNET_HDR;
		tap_stats.rx_frames++;
		tap_stats.rx_bytes += frames[got].iov_len;
		pcap_frame(&frames[got], 1, frames[got].iov_len);
		got++;
	}
	return got;
}

void tap_dev_flush(int fd)
{
	unsigned int i, n = txq_count();

	for (i = 0; i < n; i++) {
		struct txq_csum cs = txq_csum(i);
		uint8_t hdr[TAP_VNET_HDR] = {0};
		struct iovec iov[2] = {{hdr, TAP_VNET_HDR}, {NULL, 0}};
		size_t len;
		uint8_t *f = txq_frame(i, &len);

		/* NEEDS_CSUM: the guest's kernel completes a partial
		 * checksum when it needs one. */
		vnet_hdr_out(hdr, cs);
		iov[1].iov_base = f;
		iov[1].iov_len = len;
		pcap_frame_buf(f, len);
		if (writev(fd, iov, 2) < 0) {
			tap_stats.tx_drop++;
			trace("tap: write: %s", strerror(errno));
			continue;
		}
		tap_stats.tx_frames++;
		tap_stats.tx_bytes += len;
	}
	txq_consume(n);
}
