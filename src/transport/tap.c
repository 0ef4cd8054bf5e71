// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.c - the neutral frame interface: dispatch to the back-end in use.
 */
#include <unistd.h>

#include "../core/txq.h"
#include "tap.h"
#include "vu_net.h"

struct tap_stats tap_stats;

static enum tap_kind tap_cur = TAP_NONE;
static int tap_cur_fd = -1;
static bool tap_blocked;

void tap_init(enum tap_kind kind, int fd)
{
	tap_cur = kind;
	tap_cur_fd = fd;
	tap_blocked = false;
	if (kind == TAP_STREAM)
		tap_stream_reset();
}

enum tap_kind tap_kind(void)
{
	return tap_cur;
}

int tap_fd(void)
{
	return tap_cur_fd;
}

unsigned int tap_rx(struct tap_frame *frames, bool *gone)
{
	static struct iovec one[TAP_RX_BATCH]; /* single-segment back-ends */
	unsigned int n = 0, i;

	*gone = false;
	switch (tap_cur) {
	case TAP_DEV:
		n = tap_dev_rx(tap_cur_fd, one, gone);
		break;
	case TAP_STREAM:
		n = tap_stream_rx(tap_cur_fd, one, gone);
		break;
	case TAP_VU:
		return vu_net_rx(frames);
	case TAP_NONE:
	case TAP_KIND_COUNT:
		break;
	}
	for (i = 0; i < n; i++)
		frames[i] = (struct tap_frame){.iov = &one[i], .niov = 1};
	return n;
}

void tap_rx_done(void)
{
	if (tap_cur == TAP_VU)
		vu_net_rx_done();
}

bool tap_rx_more(void)
{
	if (tap_cur == TAP_VU)
		return vu_net_rx_more();
	return tap_cur == TAP_STREAM && tap_stream_rx_more();
}

void tap_flush(void)
{
	switch (tap_cur) {
	case TAP_DEV:
		tap_dev_flush(tap_cur_fd);
		return;
	case TAP_STREAM:
		tap_blocked = !tap_stream_flush(tap_cur_fd);
		return;
	case TAP_VU:
		/* Out of guest buffers: its kick on queue 0 resumes us. */
		vu_net_flush();
		return;
	case TAP_NONE:
	case TAP_KIND_COUNT:
		break;
	}
	/* Nobody to send to: frames for a guest that is gone are lost. */
	tap_stats.tx_drop += txq_count();
	txq_consume(txq_count());
}

bool tap_tx_blocked(void)
{
	return tap_blocked;
}

void tap_close(void)
{
	if (tap_cur_fd >= 0)
		close(tap_cur_fd);
	tap_cur = TAP_NONE;
	tap_cur_fd = -1;
	tap_blocked = false;
	if (txq_count()) {
		tap_stats.tx_drop += txq_count();
		txq_consume(txq_count());
	}
}
