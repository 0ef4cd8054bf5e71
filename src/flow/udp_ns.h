/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_ns.h - -U: datagrams from the namespace's loopback to the host's.
 */
#ifndef BURROW_UDP_NS_H
#define BURROW_UDP_NS_H

#include <time.h>

#include "../epoll_ref.h"
#include "../ns/ns.h"

/* udp_ns_init() - remember the epoll instance. The namespace sockets
 * are in ns_lsn.c's table. */
void udp_ns_init(int epfd);
/* udp_ns_listen_ready() - a -U socket in the namespace is readable:
 * datagrams towards the host, creating flows for new peers. */
void udp_ns_listen_ready(union epoll_ref ref, time_t now);
/* udp_ns_ready() - a flow's host socket is readable: replies. */
void udp_ns_ready(union epoll_ref ref, time_t now);
/* udp_ns_forget() - close the flows that answer through namespace socket
 * @listen_fd, which is about to be closed. */
void udp_ns_forget(int listen_fd);
/* udp_ns_timer() - close flows idle for UDP_IDLE_TIMEOUT. */
void udp_ns_timer(time_t now);

#endif /* BURROW_UDP_NS_H */
