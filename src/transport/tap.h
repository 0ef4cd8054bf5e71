/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - the neutral frame interface between the loop and a transport:
 * frames in (a batch of iovecs), frames out (the txq, flushed once per loop
 * iteration). Transports know nothing of IP.
 *
 *   tap_dev.c     a tap device (IFF_TAP | IFF_NO_PI): a namespace
 *   tap_stream.c  a UNIX stream socket with 32-bit big-endian length
 *                 prefixes: QEMU's -netdev stream / -netdev socket
 */
#ifndef BURROW_TAP_H
#define BURROW_TAP_H

#include <stdbool.h>
#include <sys/uio.h>

#include "../core/pkt.h"

#define TAP_RX_BATCH 64		    /* frames handed up per wake-up, at most */
#define TAP_FRAME_SEGS PKT_SEGS_MAX /* segments of one frame, at most */

/* A frame from the guest: @niov segments, in our buffers or (vhost-user,
 * the payload of a TCP segment) in guest memory, valid until
 * tap_rx_done(). */
struct tap_frame {
	const struct iovec *iov;
	unsigned int niov;
};

enum tap_kind {
	TAP_NONE,   /* no guest connected (VM mode, between front-ends) */
	TAP_DEV,    /* tap device */
	TAP_STREAM, /* QEMU stream socket */
	TAP_VU,	    /* vhost-user: the control socket's fd */
	TAP_KIND_COUNT,
};

struct tap_stats {
	unsigned long rx_frames, rx_bytes;
	unsigned long tx_frames, tx_bytes;
	unsigned long tx_drop; /* frames lost on the way out */
	unsigned long rx_bad;  /* stream: impossible length, connection cut */
	unsigned long rx_inplace; /* vhost-user: payload left in guest memory */
	unsigned long tx_direct;  /* vhost-user: payload received in place */
};
extern struct tap_stats tap_stats;

/* tap_init() - serve @fd (non-blocking) as a transport of @kind. */
void tap_init(enum tap_kind kind, int fd);
/* tap_kind() - what is connected now. */
enum tap_kind tap_kind(void);
/* tap_fd() - the descriptor in use, or -1. */
int tap_fd(void);
/* tap_rx() - up to TAP_RX_BATCH frames, valid until tap_rx_done(),
 * which must come before anything else of the transport's is called.
 * Sets *@gone if the guest went away (device gone, front-end
 * disconnected or broke the framing). */
unsigned int tap_rx(struct tap_frame *frames, bool *gone);
/* tap_rx_done() - the frames of the last tap_rx() are processed: their
 * buffers may go back to the guest. */
void tap_rx_done(void);
/* tap_rx_more() - whole frames are already buffered: call tap_rx() again
 * without waiting for the descriptor. */
bool tap_rx_more(void);
/* tap_flush() - send the queued frames; what cannot go now stays queued
 * (stream: the socket is full) and tap_tx_blocked() says so. */
void tap_flush(void);
/* tap_tx_blocked() - frames wait for the transport to take them: the loop
 * watches for EPOLLOUT on tap_fd(). */
bool tap_tx_blocked(void);
/* tap_close() - forget the current guest connection (closes its fd). */
void tap_close(void);

/* Back-ends, called through the functions above. */
unsigned int tap_dev_rx(int fd, struct iovec *frames, bool *gone);
void tap_dev_flush(int fd);
unsigned int tap_stream_rx(int fd, struct iovec *frames, bool *gone);
bool tap_stream_flush(int fd);
void tap_stream_reset(void);
bool tap_stream_rx_more(void);
/* tap_stream_listen() - a listening UNIX socket at @path; dies with a
 * clear line on failure. A stale socket file is replaced. */
int tap_stream_listen(const char *path);
/* tap_stream_listen_tcp() - the same on TCP address @sa (@len bytes),
 * called @name ("tcp:ADDR:PORT") in messages. The framing is the same:
 * QEMU's older -netdev socket,connect=ADDR:PORT. */
struct sockaddr;
int tap_stream_listen_tcp(const struct sockaddr *sa, unsigned int len,
			  const char *name);

#endif /* BURROW_TAP_H */
