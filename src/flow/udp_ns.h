/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_ns.h - -U: datagrams from the namespace's loopback to the host's.
 */
#ifndef BURROW_UDP_NS_H
#define BURROW_UDP_NS_H

#include <time.h>

#include "../epoll_ref.h"
#include "../ns/ns.h"

/* udp_ns_init() - watch the UDP sockets among @lsn; @lsn must stay valid. */
void udp_ns_init(const struct ns_listen *lsn, unsigned int n, int epfd);
/* udp_ns_ready() - a -U socket or a flow's host socket is readable. */
void udp_ns_ready(union epoll_ref ref, time_t now);
/* udp_ns_timer() - close flows idle for UDP_IDLE_TIMEOUT. */
void udp_ns_timer(time_t now);

#endif /* BURROW_UDP_NS_H */
