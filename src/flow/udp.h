/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp.h - UDP flows: one connected host socket per guest conversation,
 * kept open for replies until idle; -u forwards from host ports.
 */
#ifndef BURROW_UDP_H
#define BURROW_UDP_H

#include <time.h>

#include "../conf/conf.h"
#include "../epoll_ref.h"
#include "../net/net.h"

#define UDP_IDLE_TIMEOUT 180 /* seconds without traffic before closing */
#define UDP_BATCH 64	     /* datagrams per recvmmsg() */

/* Counters, for logs and tests. */
struct udp_stats {
	unsigned long refused_full; /* new flows refused: table full */
	unsigned long refused_nat;  /* destinations we do not send to */
	unsigned long sock_err;	    /* socket()/bind()/connect() failed */
	unsigned long send_drop;    /* host socket did not take a datagram */
	unsigned long too_big;	    /* host datagram larger than the MTU */
};
extern struct udp_stats udp_stats;

/* udp_init() - remember the epoll instance; bind the -u forwards of @c.
 * Dies with a clear line if a forwarded port cannot be bound. */
void udp_init(const struct conf *c, int epfd);
/* udp_listen_auto() - -u auto: bind host port @port (any address, each
 * enabled family, to the same guest port) if @on, else close those
 * sockets and the flows answering through them. Returns 0 if @on and one
 * family or more is bound, or when closing; else -errno of the failure. */
int udp_listen_auto(const struct conf *c, uint16_t port, bool on);
/* udp_from_guest() - send a guest datagram through its flow's socket,
 * creating the flow if needed. */
void udp_from_guest(const struct conf *c, const struct net_l4 *l4, time_t now);
/* udp_sock_ready() - a flow socket is readable: queue frames for the
 * guest, as many as the txq has room for. */
void udp_sock_ready(const struct conf *c, union epoll_ref ref, time_t now);
/* udp_listen_ready() - a -u socket is readable: the same, creating
 * inbound flows for new peers. */
void udp_listen_ready(const struct conf *c, union epoll_ref ref, time_t now);
/* udp_timer() - close flows idle for UDP_IDLE_TIMEOUT, or every flow
 * of the guest if @all (it went away). */
void udp_timer(time_t now, bool all);

#endif /* BURROW_UDP_H */
