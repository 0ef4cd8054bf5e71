/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * icmp.h - ICMP and ICMPv6 echo through unprivileged ping sockets.
 */
#ifndef BURROW_ICMP_H
#define BURROW_ICMP_H

#include <time.h>

#include "../conf/conf.h"
#include "../epoll_ref.h"
#include "../net/net.h"

#define ICMP_IDLE_TIMEOUT 60 /* seconds */

struct icmp_stats {
	unsigned long refused_full; /* new echo flows refused: table full */
	unsigned long sock_err;	    /* ping socket could not be opened */
	unsigned long send_drop;    /* sendto() failed */
};
extern struct icmp_stats icmp_stats;

/* icmp_init() - remember the epoll instance. */
void icmp_init(int epfd);
/* icmp_from_guest() - send an echo request through its flow's socket. */
void icmp_from_guest(const struct conf *c, const struct net_l4 *l4, time_t now);
/* icmp_sock_ready() - echo replies are waiting: queue them for the guest. */
void icmp_sock_ready(const struct conf *c, union epoll_ref ref, time_t now);
/* icmp_timer() - close echo flows idle for ICMP_IDLE_TIMEOUT, or all of
 * them if @all (the guest went away). */
void icmp_timer(time_t now, bool all);

#endif /* BURROW_ICMP_H */
