// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icmp.c - echo requests from the guest, through ping sockets.
 *
 * Theory of operation: one flow per (guest address, echo identifier,
 * destination), holding a SOCK_DGRAM/IPPROTO_ICMP(V6) socket. The kernel
 * gives that socket an identifier of its own and rewrites requests with
 * it; replies come back with it, and we put the guest's identifier back
 * and fix the checksum. Ping sockets need the host's
 * net.ipv4.ping_group_range to include our group; when it does not, echo
 * requests are dropped with a rate-limited warning naming the sysctl.
 *
 * #syscalls socket sendto recvfrom
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/csum.h"
#include "../core/frame.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "flow.h"
#include "icmp.h"
#include "nat.h"

#define ICMP_BATCH 16

struct icmp_stats icmp_stats;
static int icmp_epfd = -1;

void icmp_init(int epfd)
{
	icmp_epfd = epfd;
}

static struct flow *icmp_flow_new(const struct conf *c,
				  const struct flow_key *k)
{
	union epoll_ref ref = {.kind = EPOLL_KIND_ICMP};
	struct epoll_event ev = {.events = EPOLLIN};
	struct in6_addr host;
	struct flow *f;
	int fd, af;

	if (!nat_outbound(c, IPPROTO_ICMP, &k->raddr, 0, &host))
		return NULL;
	af = inany_is4(&host) ? AF_INET : AF_INET6;
	if (af == AF_INET6 && inany_is4(&k->gaddr))
		return NULL;
	fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0) {
		icmp_stats.sock_err++;
		warn_rl("ICMP: cannot open a ping socket (%s): check "
			"net.ipv4.ping_group_range",
			strerror(errno));
		return NULL;
	}
	f = flow_alloc(k);
	if (!f) {
		icmp_stats.refused_full++;
		warn_rl("flow table full (%u flows): echo request dropped",
			flow_count());
		close(fd);
		return NULL;
	}
	f->fd = fd;
	sockaddr_from_inany(&f->peer, &host, 0);
	ref = flow_ref(f, EPOLL_KIND_ICMP, fd);
	ev.data.u64 = ref.u64;
	if (epoll_ctl(icmp_epfd, EPOLL_CTL_ADD, fd, &ev))
		die_perror("epoll_ctl");
	return f;
}

void icmp_from_guest(const struct conf *c, const struct net_l4 *l4, time_t now)
{
	static uint8_t scratch[65536];
	struct pkt msg;
	struct flow_key k;
	const void *data;
	struct flow *f;
	socklen_t sl;
	size_t len;

	flow_key_init(&k, FLOW_ICMP);
	k.gport = l4->sport;
	k.gaddr = l4->src;
	k.raddr = l4->dst;
	f = flow_lookup(&k);
	if (!f)
		f = icmp_flow_new(c, &k);
	if (!f)
		return;
	f->last = now;

	pkt_clone(&msg, &l4->payload);
	len = pkt_left(&msg);
	data = pkt_pull(&msg, len, scratch);
	if (!data)
		return;
	sl = f->peer.sa.sa_family == AF_INET ? sizeof(f->peer.sa4)
					     : sizeof(f->peer.sa6);
	if (sendto(f->fd, data, len, MSG_DONTWAIT, &f->peer.sa, sl) < 0) {
		icmp_stats.send_drop++;
		trace("ICMP: sendto failed: %s", strerror(errno));
	}
}

void icmp_sock_ready(const struct conf *c, union epoll_ref ref, time_t now)
{
	struct flow *f = flow_at_ref(ref);
	unsigned int i;

	if (!f || f->fd != ref.fd)
		return;
	for (i = 0; i < ICMP_BATCH; i++) {
		bool v4 = inany_is4(&f->key.gaddr);
		size_t off = v4 ? FRAME_L4_OFF4 : FRAME_L4_OFF6;
		size_t maxl = c->mtu - (v4 ? IP4_HLEN : IP6_HLEN);
		uint8_t *slot = txq_reserve();
		uint8_t *m;
		ssize_t n;

		if (!slot)
			return;
		m = slot + off;
		n = recv(f->fd, m, maxl, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return;
		if ((size_t)n > maxl || n < 8)
			continue;
		if (m[0] != (v4 ? 0 : 129)) /* echo replies only */
			continue;
		f->last = now;
		put_be16(m + 4, f->key.gport);
		put_be16(m + 2, 0);
		if (v4) {
			put_be16(m + 2, csum(m, (size_t)n, 0));
			txq_commit(frame_ip4(slot, frame_mac.guest,
					     inany_v4(&f->key.raddr),
					     inany_v4(&f->key.gaddr),
					     IPPROTO_ICMP, (size_t)n));
		} else {
			put_be16(m + 2,
				 csum(m, (size_t)n,
				      csum_pseudo6(&f->key.raddr, &f->key.gaddr,
						   IPPROTO_ICMPV6,
						   (uint32_t)n)));
			txq_commit(frame_ip6(slot, frame_mac.guest,
					     &f->key.raddr, &f->key.gaddr,
					     IPPROTO_ICMPV6, (size_t)n, 64));
		}
	}
}

void icmp_timer(time_t now, bool all)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_ICMP ||
		    (!all && now - f->last < ICMP_IDLE_TIMEOUT))
			continue;
		close(f->fd);
		flow_free(f);
	}
}
