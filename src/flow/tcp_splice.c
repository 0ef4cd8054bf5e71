// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcp_splice.c - the loopback fast path (-T): connections from the
 * namespace's loopback to the host's, with no frames at all.
 *
 * Theory of operation
 *
 * The listening sockets live in the guest's namespace (created there at
 * set-up by ns.c, on 127.0.0.1 and ::1). An accepted connection (side 0)
 * is joined to a new connection to the host's loopback at the mapped port
 * (side 1). Bytes move inside the kernel: splice() from one socket into a
 * pipe, and from the pipe into the other socket; one pipe per direction.
 * Nothing is copied to user space and nothing is buffered in burrow beyond
 * the two pipes (SPLICE_PIPE_SIZE each).
 *
 * Flow control: a direction reads its source only while its pipe has room
 * and writes its destination while the pipe holds bytes; the epoll events
 * of each socket follow exactly that (level-triggered: EPOLLIN on a source
 * whose pipe is full would spin, so it is removed until the destination
 * takes bytes, EPOLLOUT is watched only while a pipe waits). End of stream
 * on one side becomes shutdown(SHUT_WR) on the other once its pipe is
 * empty; the connection is freed when both directions ended, or at once
 * with a reset of the other side when either fails. A host side that
 * refuses the connection resets the namespace side.
 *
 * #syscalls splice pipe2 fcntl accept4 socket connect shutdown
 * #syscalls setsockopt getsockopt epoll_ctl close
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/log.h"
#include "flow.h"
#include "ns_lsn.h"
#include "tcp_splice.h"

#define SPLICE_PIPE_SIZE (1024 * 1024)

#define SPL_CONNECTING 0x01 /* side 1's connect() in flight */
#define SPL_EOF0 0x02	    /* side 0 ended its stream */
#define SPL_EOF1 0x04	    /* side 1 ended its stream */
#define SPL_SHUT0 0x08	    /* we shut down writing to side 0 */
#define SPL_SHUT1 0x10	    /* we shut down writing to side 1 */

/* A joined pair; index like the flow table. Private to this file. */
struct tcp_splice_conn {
	int fd[2];	     /* 0: namespace side, 1: host side */
	int pipe[2][2];	     /* pipe[d] carries side d -> side !d */
	uint32_t inpipe[2];  /* bytes waiting in pipe[d] */
	uint32_t pipe_sz[2]; /* capacity of pipe[d] */
	uint32_t events[2];  /* epoll events registered for fd[i] */
	uint8_t flags;	     /* SPL_* */
};

struct tcp_splice_stats tcp_splice_stats;

static struct tcp_splice_conn spl_conn[FLOW_MAX];
static int spl_epfd = -1;

static uint8_t spl_eof(unsigned int side)
{
	return side ? SPL_EOF1 : SPL_EOF0;
}

static uint8_t spl_shut(unsigned int side)
{
	return side ? SPL_SHUT1 : SPL_SHUT0;
}

/* tcp_splice_epoll() - register @want events for side @side (or modify). */
static void tcp_splice_epoll(struct flow *f, unsigned int side, uint32_t want)
{
	struct tcp_splice_conn *s = &spl_conn[flow_idx(f)];
	union epoll_ref ref = flow_ref(f, EPOLL_KIND_SPLICE, s->fd[side]);
	struct epoll_event ev = {.events = want, .data.u64 = ref.u64};

	if (s->events[side] == want)
		return;
	if (epoll_ctl(spl_epfd, EPOLL_CTL_MOD, s->fd[side], &ev))
		warn_rl("splice: epoll_ctl: %s", strerror(errno));
	s->events[side] = want;
}

/* tcp_splice_free() - close everything; with @reset, the sockets send RST. */
static void tcp_splice_free(struct flow *f, bool reset)
{
	struct tcp_splice_conn *s = &spl_conn[flow_idx(f)];
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (s->fd[i] >= 0) {
			if (reset)
				setsockopt(s->fd[i], SOL_SOCKET, SO_LINGER, &lg,
					   sizeof(lg));
			close(s->fd[i]);
		}
		if (s->pipe[i][0] >= 0)
			close(s->pipe[i][0]);
		if (s->pipe[i][1] >= 0)
			close(s->pipe[i][1]);
	}
	memset(s, 0, sizeof(*s));
	f->fd = -1;
	flow_free(f);
}

/* tcp_splice_move() - move what can move from side @d to side !@d.
 * Returns false if the connection failed (the caller frees it). */
static bool tcp_splice_move(struct tcp_splice_conn *s, unsigned int d)
{
	unsigned int o = !d;

	for (;;) {
		bool moved = false;
		ssize_t n;

		if (s->inpipe[d] < s->pipe_sz[d] && !(s->flags & spl_eof(d))) {
			n = splice(s->fd[d], NULL, s->pipe[d][1], NULL,
				   s->pipe_sz[d] - s->inpipe[d],
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
			if (n == 0) {
				s->flags |= spl_eof(d);
			} else if (n > 0) {
				s->inpipe[d] += (uint32_t)n;
				moved = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				return false;
			}
		}
		if (s->inpipe[d]) {
			n = splice(s->pipe[d][0], NULL, s->fd[o], NULL,
				   s->inpipe[d],
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
			if (n > 0) {
				s->inpipe[d] -= (uint32_t)n;
				tcp_splice_stats.bytes += (unsigned long)n;
				moved = true;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				return false;
			}
		}
		if ((s->flags & spl_eof(d)) && !s->inpipe[d] &&
		    !(s->flags & spl_shut(o))) {
			shutdown(s->fd[o], SHUT_WR);
			s->flags |= spl_shut(o);
		}
		if (!moved)
			return true;
	}
}

/* tcp_splice_update() - epoll interest from the state of both pipes; frees
 * the pair once both directions ended. */
static void tcp_splice_update(struct flow *f)
{
	struct tcp_splice_conn *s = &spl_conn[flow_idx(f)];
	uint32_t want[2] = {0, 0};
	unsigned int d;

	if ((s->flags & SPL_SHUT0) && (s->flags & SPL_SHUT1)) {
		tcp_splice_free(f, false);
		return;
	}
	for (d = 0; d < 2; d++) {
		if (!(s->flags & spl_eof(d)) && s->inpipe[d] < s->pipe_sz[d])
			want[d] |= EPOLLIN | EPOLLRDHUP;
		if (s->inpipe[d])
			want[!d] |= EPOLLOUT;
	}
	tcp_splice_epoll(f, 0, want[0]);
	tcp_splice_epoll(f, 1, want[1]);
}

/* tcp_splice_new() - join accepted namespace connection @fd0 of listener
 * @l to a new connection to the host's loopback. */
static void tcp_splice_new(const struct ns_listen *l, int fd0,
			   const union sockaddr_inany *peer)
{
	union sockaddr_inany sa;
	struct tcp_splice_conn *s;
	struct in6_addr lo, paddr;
	struct flow_key k;
	struct flow *f;
	unsigned int i;
	uint16_t pport;
	int fd1;

	if (l->af == AF_INET) {
		struct in_addr a = {.s_addr = htonl(INADDR_LOOPBACK)};

		inany_from4(&lo, a);
	} else {
		lo = in6addr_loopback;
	}
	inany_from_sockaddr(&paddr, &pport, peer);
	flow_key_init(&k, FLOW_SPLICE);
	k.gport = pport;
	k.rport = l->to;
	k.gaddr = paddr;
	k.raddr = lo;
	fd1 = socket(l->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	f = fd1 < 0 || flow_lookup(&k) ? NULL : flow_alloc(&k);
	if (!f) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		tcp_splice_stats.refused++;
		warn_rl("-T: connection refused (flow table full or no "
			"socket)");
		if (fd1 >= 0)
			close(fd1);
		setsockopt(fd0, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd0);
		return;
	}
	s = &spl_conn[flow_idx(f)];
	memset(s, 0, sizeof(*s));
	s->fd[0] = fd0;
	s->fd[1] = fd1;
	f->fd = fd1;
	s->pipe[0][0] = s->pipe[0][1] = s->pipe[1][0] = s->pipe[1][1] = -1;
	for (i = 0; i < 2; i++) {
		int sz;

		if (pipe2(s->pipe[i], O_NONBLOCK | O_CLOEXEC)) {
			s->pipe[i][0] = s->pipe[i][1] = -1;
			tcp_splice_free(f, true);
			warn_rl("-T: cannot create a pipe: %s",
				strerror(errno));
			return;
		}
		sz = fcntl(s->pipe[i][1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE);
		if (sz < 0)
			sz = fcntl(s->pipe[i][1], F_GETPIPE_SZ);
		s->pipe_sz[i] = sz > 0 ? (uint32_t)sz : 65536;
	}
	s->flags = SPL_CONNECTING;
	for (i = 0; i < 2; i++) {
		union epoll_ref ref = flow_ref(f, EPOLL_KIND_SPLICE, s->fd[i]);
		struct epoll_event ev = {.events = i ? EPOLLOUT : 0,
					 .data.u64 = ref.u64};

		s->events[i] = ev.events;
		if (epoll_ctl(spl_epfd, EPOLL_CTL_ADD, s->fd[i], &ev)) {
			tcp_splice_free(f, true);
			return;
		}
	}
	if (connect(fd1, &sa.sa, sockaddr_from_inany(&sa, &lo, l->to)) &&
	    errno != EINPROGRESS) {
		tcp_splice_stats.refused++;
		tcp_splice_free(f, true);
	}
}

void tcp_splice_init(int epfd)
{
	spl_epfd = epfd;
}

void tcp_splice_listen_ready(union epoll_ref ref)
{
	const struct ns_listen *l = ns_lsn_at(ref);
	unsigned int i;

	if (!l)
		return;
	for (i = 0; i < 64; i++) {
		union sockaddr_inany peer;
		socklen_t sl = sizeof(peer);
		int fd = accept4(l->fd, &peer.sa, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		tcp_splice_new(l, fd, &peer);
	}
}

void tcp_splice_ready(union epoll_ref ref, uint32_t events)
{
	struct flow *f = flow_at_ref(ref);
	struct tcp_splice_conn *s;

	if (!f || f->key.type != FLOW_SPLICE)
		return;
	s = &spl_conn[flow_idx(f)];
	if (ref.fd != s->fd[0] && ref.fd != s->fd[1])
		return;
	if (s->flags & SPL_CONNECTING) {
		int err = 0;
		socklen_t sl = sizeof(err);

		if (ref.fd != s->fd[1])
			return;
		if (getsockopt(s->fd[1], SOL_SOCKET, SO_ERROR, &err, &sl) ||
		    err) {
			tcp_splice_stats.refused++;
			tcp_splice_free(f, true);
			return;
		}
		s->flags &= (uint8_t)~SPL_CONNECTING;
		tcp_splice_stats.connections++;
	} else if (events & EPOLLERR) {
		tcp_splice_free(f, true);
		return;
	}
	if (!tcp_splice_move(s, 0) || !tcp_splice_move(s, 1)) {
		tcp_splice_free(f, true);
		return;
	}
	tcp_splice_update(f);
}
