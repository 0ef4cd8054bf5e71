/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp_splice.h - -T: the namespace's loopback to the host's, by splice().
 */
#ifndef BURROW_TCP_SPLICE_H
#define BURROW_TCP_SPLICE_H

#include <stdint.h>

#include "../epoll_ref.h"
#include "../ns/ns.h"

struct tcp_splice_stats {
	unsigned long connections; /* joined pairs */
	unsigned long refused;	   /* table full, or the host side refused */
	unsigned long bytes;	   /* moved, both directions */
};
extern struct tcp_splice_stats tcp_splice_stats;

/* tcp_splice_init() - remember the epoll instance. The listening sockets
 * are in ns_lsn.c's table. */
void tcp_splice_init(int epfd);
/* tcp_splice_listen_ready() - accept and join new connections. */
void tcp_splice_listen_ready(union epoll_ref ref);
/* tcp_splice_ready() - events on either socket of a joined pair. */
void tcp_splice_ready(union epoll_ref ref, uint32_t events);

#endif /* BURROW_TCP_SPLICE_H */
