// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp_ns.c - -U: UDP from the namespace's loopback to the host's loopback,
 * socket to socket, no frames.
 *
 * Theory of operation: ns.c bound one socket per forwarded port on the
 * namespace's 127.0.0.1 and ::1. A datagram from namespace peer P creates
 * a flow holding a host socket connected to the host's loopback at the
 * mapped port; replies read from it go back to P through the namespace
 * socket. Flows idle for UDP_IDLE_TIMEOUT are closed; a full table drops
 * new peers' datagrams (rate-limited warning).
 *
 * #syscalls recvfrom sendto socket connect
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/log.h"
#include "flow.h"
#include "ns_lsn.h"
#include "udp.h"
#include "udp_ns.h"

#define UDP_NS_BATCH 32

static uint8_t uns_buf[65536]; /* one datagram at a time */

static int uns_epfd = -1;

void udp_ns_init(int epfd)
{
	uns_epfd = epfd;
}

/* udp_ns_forget() - see udp_ns.h. */
void udp_ns_forget(int listen_fd)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_UDP_NS ||
		    f->listen_fd != listen_fd)
			continue;
		close(f->fd);
		flow_free(f);
	}
}

/* udp_ns_flow() - the flow for namespace peer @peer of socket @l, made if
 * needed; NULL if it cannot be. */
static struct flow *udp_ns_flow(const struct ns_listen *l,
				const union sockaddr_inany *peer, time_t now)
{
	union epoll_ref ref = {.kind = EPOLL_KIND_UDP_NS};
	struct epoll_event ev = {.events = EPOLLIN};
	union sockaddr_inany sa;
	struct in6_addr lo;
	struct flow_key k;
	struct flow *f;
	uint16_t pport;
	int fd;

	if (l->af == AF_INET) {
		struct in_addr a = {.s_addr = htonl(INADDR_LOOPBACK)};

		inany_from4(&lo, a);
	} else {
		lo = in6addr_loopback;
	}
	flow_key_init(&k, FLOW_UDP_NS);
	inany_from_sockaddr(&k.gaddr, &pport, peer);
	k.gport = pport;
	k.rport = l->to;
	k.raddr = lo;
	f = flow_lookup(&k);
	if (f)
		return f;
	fd = socket(l->af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, &sa.sa, sockaddr_from_inany(&sa, &lo, l->to)) ||
	    !(f = flow_alloc(&k))) {
		warn_rl("-U: new flow refused (%s)",
			f ? strerror(errno) : "flow table full");
		close(fd);
		return NULL;
	}
	f->fd = fd;
	f->listen_fd = l->fd;
	f->peer = *peer;
	f->last = now;
	ref = flow_ref(f, EPOLL_KIND_UDP_NS, fd);
	ev.data.u64 = ref.u64;
	if (epoll_ctl(uns_epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		flow_free(f);
		return NULL;
	}
	return f;
}

void udp_ns_listen_ready(union epoll_ref ref, time_t now)
{
	const struct ns_listen *l = ns_lsn_at(ref);
	unsigned int i;

	if (!l)
		return;
	for (i = 0; i < UDP_NS_BATCH; i++) {
		union sockaddr_inany peer;
		socklen_t sl = sizeof(peer);
		struct flow *f;
		ssize_t n = recvfrom(l->fd, uns_buf, sizeof(uns_buf),
				     MSG_DONTWAIT, &peer.sa, &sl);

		if (n < 0)
			return;
		f = udp_ns_flow(l, &peer, now);
		if (!f)
			continue;
		f->last = now;
		if (send(f->fd, uns_buf, (size_t)n, MSG_DONTWAIT) < 0)
			udp_stats.send_drop++;
	}
}

void udp_ns_ready(union epoll_ref ref, time_t now)
{
	struct flow *f = flow_at_ref(ref);
	unsigned int i;
	socklen_t sl;

	/* A flow's host socket: replies back to the namespace peer. */
	if (!f || f->key.type != FLOW_UDP_NS || f->fd != ref.fd)
		return;
	sl = f->peer.sa.sa_family == AF_INET ? sizeof(f->peer.sa4)
					     : sizeof(f->peer.sa6);
	for (i = 0; i < UDP_NS_BATCH; i++) {
		ssize_t n = recv(f->fd, uns_buf, sizeof(uns_buf), MSG_DONTWAIT);

		if (n < 0)
			return;
		f->last = now;
		if (sendto(f->listen_fd, uns_buf, (size_t)n, MSG_DONTWAIT,
			   &f->peer.sa, sl) < 0)
			udp_stats.send_drop++;
	}
}

void udp_ns_timer(time_t now)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_UDP_NS ||
		    now - f->last < UDP_IDLE_TIMEOUT)
			continue;
		close(f->fd);
		flow_free(f);
	}
}
