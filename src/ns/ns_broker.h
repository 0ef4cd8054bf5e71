/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns_broker.h - sockets on the guest namespace's loopback, made at set-up
 * or, for "auto" forwarding, at run time by a small process that lives in
 * that namespace; and the namespace's /proc/net tables.
 */
#ifndef BURROW_NS_BROKER_H
#define BURROW_NS_BROKER_H

#include <stdint.h>

#include "../conf/conf.h"
#include "ns.h"

/* Indices of the namespace's /proc/net tables the broker hands over. */
enum ns_procnet {
	NS_PROCNET_TCP,
	NS_PROCNET_TCP6,
	NS_PROCNET_UDP,
	NS_PROCNET_UDP6,
	NS_PROCNET_COUNT,
};

/* ns_lo_socket() - a nonblocking, close-on-exec socket of @proto
 * (IPPROTO_TCP or IPPROTO_UDP) in the calling process's network
 * namespace, bound to its loopback (127.0.0.1 or ::1 by @af) at @port,
 * IPv6-only for AF_INET6, reusing addresses; TCP listens. Returns the
 * descriptor or -errno. */
int ns_lo_socket(uint8_t proto, int af, uint16_t port);

/* ns_broker_start() - start the broker: a child process that joins the
 * guest's user and network namespaces (the command's, or --userns and
 * --netns), opens that namespace's /proc/net/{tcp,tcp6,udp,udp6} for us,
 * then sandboxes itself (no descriptors but its socket, no new
 * privileges, a seccomp filter allowing only what making a socket and
 * passing it takes) and makes loopback sockets on request. It dies with
 * burrow. Call once, at set-up, before the command runs. Dies with one
 * line on failure. */
void ns_broker_start(const struct conf *c, const struct ns_guest *g);

/* ns_broker_socket() - a socket as ns_lo_socket() makes it, made inside
 * the guest's namespace by the broker. Returns the descriptor or -errno
 * (-EPIPE: no broker, or it is gone). Blocks for a round trip (at most
 * NS_BROKER_TIMEOUT_MS). */
int ns_broker_socket(uint8_t proto, int af, uint16_t port);
#define NS_BROKER_TIMEOUT_MS 2000

/* ns_broker_procnet() - descriptor of the namespace's /proc/net table
 * @which, opened by the broker, or -1. */
int ns_broker_procnet(enum ns_procnet which);

#endif /* BURROW_NS_BROKER_H */
