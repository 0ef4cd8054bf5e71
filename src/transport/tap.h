/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - frames in and out of a tap device (IFF_TAP | IFF_NO_PI): one
 * frame per read() or write(). Knows nothing of IP.
 */
#ifndef BURROW_TAP_H
#define BURROW_TAP_H

#include <stdbool.h>
#include <sys/uio.h>

#define TAP_RX_BATCH 64 /* frames read per wake-up, at most */

struct tap_stats {
	unsigned long rx_frames, rx_bytes;
	unsigned long tx_frames, tx_bytes;
	unsigned long tx_drop; /* write() failed: frame lost */
};
extern struct tap_stats tap_stats;

/* tap_init() - serve the non-blocking tap descriptor @fd. */
void tap_init(int fd);
/* tap_rx() - read up to TAP_RX_BATCH frames; @frames[i] points into our
 * receive buffers, valid until the next call. Returns the count; sets
 * *@gone if the device went away (guest namespace destroyed). */
unsigned int tap_rx(struct iovec *frames, bool *gone);
/* tap_flush() - write every queued frame to the device and empty the
 * transmit queue. */
void tap_flush(void);

#endif /* BURROW_TAP_H */
