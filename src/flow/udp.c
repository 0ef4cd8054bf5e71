// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp.c - UDP translation.
 *
 * Theory of operation
 *
 * Outbound: the first datagram from guest port G to remote R:P creates a
 * flow with a host socket bound to port G when it is free (so the peer
 * sees the guest's port) or an ephemeral port, and connected to R:P after
 * the address mapping of nat.c. Replies are read with recvmmsg() straight
 * into transmit-queue slots behind the room for the headers, so the
 * payload is copied once, by the kernel.
 *
 * Inbound (-u): one socket per forwarded host port and family. A datagram
 * from host peer H:Q creates a flow without a socket of its own; the
 * guest's replies go out of the forwarding socket with sendto(H:Q).
 *
 * Flows idle for UDP_IDLE_TIMEOUT seconds are closed. A full flow table
 * refuses new flows (datagram dropped, rate-limited warning).
 *
 * #syscalls recvmmsg sendto connect bind socket setsockopt getsockname
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/frame.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "flow.h"
#include "nat.h"
#include "sock.h"
#include "udp.h"

struct udp_stats udp_stats;

/* A -u forwarding socket. */
struct udp_listen {
	int fd;	       /* bound host socket */
	int af;	       /* its family */
	uint16_t port; /* host port */
	uint16_t to;   /* guest port */
};

static int udp_epfd = -1;
static struct udp_listen *udp_listen_tab; /* allocated once, at start-up */
static unsigned int udp_listen_n;	  /* entries used, some may be free */
static unsigned int udp_listen_max;

static void udp_epoll_add(union epoll_ref ref)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ref.u64};

	if (epoll_ctl(udp_epfd, EPOLL_CTL_ADD, ref.fd, &ev))
		die_perror("epoll_ctl");
}

/* udp_listen_put() - bound socket @fd into the first free entry of the
 * table, watched by epoll. Returns 0, or -ENOSPC with @fd closed. */
static int udp_listen_put(int af, uint16_t port, uint16_t to, int fd)
{
	unsigned int i;

	for (i = 0; i < udp_listen_n && udp_listen_tab[i].fd >= 0; i++)
		;
	if (i == udp_listen_max) {
		close(fd);
		return -ENOSPC;
	}
	udp_listen_tab[i] =
		(struct udp_listen){.fd = fd, .af = af, .port = port, .to = to};
	udp_epoll_add((union epoll_ref){
		.kind = EPOLL_KIND_UDP_LISTEN, .idx = i, .fd = fd});
	if (i == udp_listen_n)
		udp_listen_n++;
	return 0;
}

/* udp_listen_add() - bind one forwarding socket; dies on failure unless
 * @soft (forwarding "all": ports in use on the host are skipped). */
static void udp_listen_add(const struct fwd_rule *r, int af, uint16_t port,
			   uint16_t to, bool soft)
{
	int fd;

	if (udp_listen_n >= udp_listen_max) {
		warn_rl("-u: too many forwarding sockets, port %u skipped",
			port);
		return;
	}
	fd = sock_bound(SOCK_DGRAM, af, r, port);
	if (fd == -EAFNOSUPPORT)
		return;
	if (fd < 0) {
		if (soft && (fd == -EMFILE || fd == -ENFILE))
			warn_rl("-u all: out of descriptors, port %u and "
				"others skipped",
				port);
		if (soft)
			return;
		die("-u: cannot bind UDP port %u (%s): %s", port,
		    af == AF_INET ? "IPv4" : "IPv6", strerror(-fd));
	}
	udp_listen_put(af, port, to, fd);
}

/* udp_listen_port() - fwd_spec_each() callback: both families. */
static void udp_listen_port(const struct fwd_rule *r, uint16_t port,
			    uint16_t to, void *arg)
{
	const struct conf *c = arg;
	bool all = c->udp_in.mode == FWD_MODE_ALL;

	if (all && port >= c->ephemeral_min)
		return;
	if (c->v4)
		udp_listen_add(r, AF_INET, port, to, all);
	if (c->v6)
		udp_listen_add(r, AF_INET6, port, to, all);
}

void udp_init(const struct conf *c, int epfd)
{
	unsigned int max;

	udp_epfd = epfd;
	max = 2 * fwd_spec_each(&c->udp_in, NULL, NULL);
	if (c->udp_in.mode == FWD_MODE_AUTO)
		max = 2 * FWD_AUTO_MAX;
	if (max > 65536)
		max = 65536; /* what an epoll tag's index can say */
	if (!max)
		return;
	udp_listen_tab = calloc(max, sizeof(*udp_listen_tab));
	if (!udp_listen_tab)
		die("-u: out of memory for %u forwarding sockets", max);
	udp_listen_max = max;
	fwd_spec_each(&c->udp_in, udp_listen_port, (void *)(uintptr_t)c);
	info("UDP: %u forwarding sockets", udp_listen_n);
}

/* udp_listen_close() - close -u socket @l and the inbound flows that
 * answer through it.
 * #syscalls epoll_ctl close
 */
static void udp_listen_close(struct udp_listen *l)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_UDP || f->listen_fd != l->fd)
			continue;
		if (f->fd >= 0)
			close(f->fd);
		flow_free(f);
	}
	epoll_ctl(udp_epfd, EPOLL_CTL_DEL, l->fd, NULL);
	close(l->fd);
	l->fd = -1;
}

/* udp_listen_auto() - see udp.h. Free entries (fd -1) are reused. */
int udp_listen_auto(const struct conf *c, uint16_t port, bool on)
{
	int af[2] = {c->v4 ? AF_INET : -1, c->v6 ? AF_INET6 : -1};
	unsigned int i, k, ok = 0;
	int err = -EAFNOSUPPORT;

	for (i = 0; !on && i < udp_listen_n; i++) {
		if (udp_listen_tab[i].fd >= 0 && udp_listen_tab[i].port == port)
			udp_listen_close(&udp_listen_tab[i]);
	}
	for (k = 0; on && k < 2; k++) {
		int fd;

		if (af[k] < 0)
			continue;
		fd = sock_bound(SOCK_DGRAM, af[k], NULL, port);
		if (fd >= 0)
			fd = udp_listen_put(af[k], port, port, fd);
		if (fd < 0)
			err = fd;
		else
			ok++;
	}
	return !on || ok ? 0 : err;
}

/* udp_flow_new() - an outbound flow for key @k: socket, bind, connect. */
static struct flow *udp_flow_new(const struct conf *c, const struct flow_key *k)
{
	union sockaddr_inany sa;
	struct in6_addr host;
	struct flow *f;
	socklen_t sl;
	int fd, af;

	if (!nat_outbound(c, IPPROTO_UDP, &k->raddr, k->rport, &host)) {
		udp_stats.refused_nat++;
		return NULL;
	}
	af = inany_is4(&host) ? AF_INET : AF_INET6;
	/* Keep the guest's source port when the host has it free. */
	fd = sock_bound(SOCK_DGRAM, af, NULL, k->gport);
	if (fd < 0)
		fd = sock_bound(SOCK_DGRAM, af, NULL, 0);
	if (fd < 0) {
		udp_stats.sock_err++;
		warn_rl("UDP: cannot open a socket: %s", strerror(-fd));
		return NULL;
	}
	sl = sockaddr_from_inany(&sa, &host, k->rport);
	if (connect(fd, &sa.sa, sl)) {
		udp_stats.sock_err++;
		trace("UDP: connect failed: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	f = flow_alloc(k);
	if (!f) {
		udp_stats.refused_full++;
		warn_rl("flow table full (%u flows): new UDP flow refused",
			flow_count());
		close(fd);
		return NULL;
	}
	f->fd = fd;
	f->peer = sa;
	udp_epoll_add(flow_ref(f, EPOLL_KIND_UDP, fd));
	return f;
}

void udp_from_guest(const struct conf *c, const struct net_l4 *l4, time_t now)
{
	static uint8_t scratch[65536];
	struct pkt payload;
	struct flow_key k;
	const void *data;
	struct flow *f;
	size_t len;
	ssize_t n;

	flow_key_init(&k, FLOW_UDP);
	k.gport = l4->sport;
	k.rport = l4->dport;
	k.gaddr = l4->src;
	k.raddr = l4->dst;
	f = flow_lookup(&k);
	if (!f)
		f = udp_flow_new(c, &k);
	if (!f)
		return;
	f->last = now;

	pkt_clone(&payload, &l4->payload);
	len = pkt_left(&payload);
	data = pkt_pull(&payload, len, scratch);
	if (!data)
		return;
	if (f->fd >= 0) {
		n = send(f->fd, data, len, MSG_DONTWAIT);
	} else {
		socklen_t sl = f->peer.sa.sa_family == AF_INET
				       ? sizeof(f->peer.sa4)
				       : sizeof(f->peer.sa6);

		n = sendto(f->listen_fd, data, len, MSG_DONTWAIT, &f->peer.sa,
			   sl);
	}
	if (n < 0) {
		udp_stats.send_drop++;
		trace("UDP: send failed: %s", strerror(errno));
	}
}

/* udp_deliver() - for each of @n datagrams received into consecutive free
 * txq slots at payload offset @poff, build the frame to the guest. Slots
 * of dropped datagrams are closed up so the queue stays dense. */
static void udp_deliver(const struct conf *c, struct mmsghdr *mm,
			unsigned int n, uint8_t **slots, size_t poff,
			size_t maxp, const struct in6_addr *gaddr,
			uint16_t gport, const struct in6_addr *raddr,
			uint16_t rport)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		size_t len = mm[i].msg_len;
		uint8_t *slot;

		if ((mm[i].msg_hdr.msg_flags & MSG_TRUNC) || len > maxp) {
			udp_stats.too_big++;
			continue;
		}
		slot = txq_reserve();
		ASSERT(slot && slots[i]);
		if (slot != slots[i])
			memmove(slot + poff, slots[i] + poff, len);
		if (inany_is4(gaddr))
			txq_commit(frame_udp4(slot, frame_mac.guest,
					      inany_v4(raddr), rport,
					      inany_v4(gaddr), gport, len));
		else
			txq_commit(frame_udp6(slot, frame_mac.guest, raddr,
					      rport, gaddr, gport, len));
	}
	(void)c;
}

/* udp_recv_batch() - recvmmsg() into free txq slots; names into @names if
 * not NULL. Returns the number received (0 on EAGAIN or no room). */
static unsigned int udp_recv_batch(int fd, bool v4, struct mmsghdr *mm,
				   struct iovec *iov, uint8_t **slots,
				   union sockaddr_inany *names, size_t *poff,
				   size_t *maxp, unsigned int mtu)
{
	unsigned int n = MIN(txq_free(), UDP_BATCH), i;
	int r;

	*poff = (v4 ? FRAME_L4_OFF4 : FRAME_L4_OFF6) + UDP_HLEN;
	*maxp = mtu - (v4 ? IP4_HLEN : IP6_HLEN) - UDP_HLEN;
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		slots[i] = txq_slot_ahead(i);
		iov[i].iov_base = slots[i] + *poff;
		iov[i].iov_len = *maxp + 1; /* one more: detect oversize */
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (names) {
			mm[i].msg_hdr.msg_name = &names[i];
			mm[i].msg_hdr.msg_namelen = sizeof(names[i]);
		}
	}
	r = recvmmsg(fd, mm, n, MSG_DONTWAIT, NULL);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			trace("UDP: recvmmsg: %s", strerror(errno));
		return 0;
	}
	return (unsigned int)r;
}

void udp_sock_ready(const struct conf *c, union epoll_ref ref, time_t now)
{
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	uint8_t *slots[UDP_BATCH] = {0};
	struct flow *f = flow_at_ref(ref);
	size_t poff, maxp;
	unsigned int n;
	bool v4;

	if (!f || f->fd != ref.fd)
		return;
	v4 = inany_is4(&f->key.gaddr);
	n = udp_recv_batch(f->fd, v4, mm, iov, slots, NULL, &poff, &maxp,
			   c->mtu);
	if (!n)
		return;
	f->last = now;
	udp_deliver(c, mm, n, slots, poff, maxp, &f->key.gaddr, f->key.gport,
		    &f->key.raddr, f->key.rport);
}

void udp_listen_ready(const struct conf *c, union epoll_ref ref, time_t now)
{
	union sockaddr_inany names[UDP_BATCH];
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	uint8_t *slots[UDP_BATCH] = {0};
	const struct udp_listen *l;
	struct in6_addr gaddr;
	size_t poff, maxp;
	unsigned int n, i;
	bool v4;

	if (ref.idx >= udp_listen_n || udp_listen_tab[ref.idx].fd != ref.fd ||
	    ref.fd < 0)
		return; /* closed (-u auto) since the event */
	l = &udp_listen_tab[ref.idx];
	v4 = l->af == AF_INET;
	if (v4)
		inany_from4(&gaddr, c->addr4);
	else
		gaddr = c->addr6;
	n = udp_recv_batch(l->fd, v4, mm, iov, slots, names, &poff, &maxp,
			   c->mtu);
	for (i = 0; i < n; i++) {
		struct in6_addr paddr, raddr;
		struct flow_key k;
		uint16_t pport;
		struct flow *f;

		inany_from_sockaddr(&paddr, &pport, &names[i]);
		if (!nat_inbound(c, &paddr, &raddr)) {
			mm[i].msg_len = (unsigned int)maxp + 1; /* drop */
			continue;
		}
		flow_key_init(&k, FLOW_UDP);
		k.gport = l->to;
		k.rport = pport;
		k.gaddr = gaddr;
		k.raddr = raddr;
		f = flow_lookup(&k);
		if (!f) {
			f = flow_alloc(&k);
			if (!f) {
				udp_stats.refused_full++;
				warn_rl("flow table full: inbound UDP refused");
				mm[i].msg_len = (unsigned int)maxp + 1;
				continue;
			}
			f->listen_fd = l->fd;
			f->peer = names[i];
		}
		f->last = now;
		/* One datagram at a time: each may belong to a new peer. */
		udp_deliver(c, &mm[i], 1, &slots[i], poff, maxp, &gaddr, l->to,
			    &raddr, pport);
	}
}

void udp_timer(time_t now, bool all)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_UDP ||
		    (!all && now - f->last < UDP_IDLE_TIMEOUT))
			continue;
		if (f->fd >= 0)
			close(f->fd);
		flow_free(f);
	}
}
