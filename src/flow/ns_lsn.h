/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns_lsn.h - the table of sockets burrow owns in the guest's namespace,
 * on its loopback: -T (TCP, spliced) and -U (UDP) forwards towards the
 * host, fixed at start-up or added and removed by "auto".
 */
#ifndef BURROW_NS_LSN_H
#define BURROW_NS_LSN_H

#include "../epoll_ref.h"
#include "../ns/ns.h"

/* ns_lsn_init() - take the sockets @lsn (@n of them; ns.c made them)
 * into a table with room for @spare more, and watch each with epoll
 * @epfd: EPOLL_KIND_SPLICE_LISTEN for TCP, EPOLL_KIND_UDP_NS_LISTEN for
 * UDP, the table index as the tag's idx. Dies if that fails. */
void ns_lsn_init(const struct ns_listen *lsn, unsigned int n,
		 unsigned int spare, int epfd);

/* ns_lsn_add() - add socket @l to the table and watch it. Returns 0, or
 * -ENOSPC (table full) or -errno of epoll_ctl(); @l->fd is closed then. */
int ns_lsn_add(const struct ns_listen *l);

/* ns_lsn_del() - stop watching and close every socket of @proto on
 * namespace port @port, calling @forget (if not NULL) with each one's
 * descriptor first, so flows using it can go. */
void ns_lsn_del(uint8_t proto, uint16_t port, void (*forget)(int fd));

/* ns_lsn_at() - the socket an epoll event with tag @ref is for, or NULL
 * if that entry was removed (or replaced) since. */
const struct ns_listen *ns_lsn_at(union epoll_ref ref);

#endif /* BURROW_NS_LSN_H */
