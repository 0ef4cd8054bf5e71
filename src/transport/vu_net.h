/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu_net.h - the vhost-user virtio-net device (--vhost-user).
 */
#ifndef BURROW_VU_NET_H
#define BURROW_VU_NET_H

#include <stdbool.h>
#include <sys/uio.h>

#include "../epoll_ref.h"

/* vu_net_init() - listen on @path for a vhost-user front-end; dies with a
 * clear line on failure. */
void vu_net_init(const char *path, int epfd);
/* vu_net_accept() - a front-end connects (only one at a time). */
void vu_net_accept(void);
/* vu_net_ctl_ready() - serve one control message; false if the front-end
 * went away (everything about it is forgotten). */
bool vu_net_ctl_ready(void);
/* vu_net_kick() - a kick on a ring: drain it; queue 1 has frames. */
void vu_net_kick(union epoll_ref ref);
/* vu_net_rx_more() - frames may wait on the guest's transmit queue. */
bool vu_net_rx_more(void);
/* vu_net_rx() - up to TAP_RX_BATCH frames from the guest: headers copied
 * out of its memory into our buffers, and so is the whole frame unless
 * it is a TCP segment, whose payload stays where the guest wrote it. The
 * chains stay ours until vu_net_rx_done(). */
unsigned int vu_net_rx(struct tap_frame *frames);
/* vu_net_rx_done() - give the chains of the last vu_net_rx() back to the
 * guest, with at most one interrupt. */
void vu_net_rx_done(void);
/* vu_net_flush() - as many queued frames as the guest has buffers for;
 * true if the txq is empty afterwards. */
bool vu_net_flush(void);

#endif /* BURROW_VU_NET_H */
