// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcp.c - TCP translation.
 *
 * Theory of operation
 *
 * Each connection is a flow (key: guest address and port, remote address
 * and port as the guest sees them) with one host stream socket. burrow
 * keeps no copy of the data and no TCP stack of its own; it keeps the
 * sequence numbers that make the guest's TCP and the host's agree:
 *
 *   host -> guest: bytes stay in the host socket's receive queue until the
 *   guest acknowledges them. They are read with MSG_PEEK into transmit-
 *   queue slots (SO_PEEK_OFF makes each peek continue after the bytes in
 *   flight), sent as segments of at most the guest's MSS and within its
 *   window, and discarded from the socket (recv with MSG_TRUNC) exactly
 *   when the guest's ACK covers them. A retransmission is a re-peek from
 *   the acknowledged offset. snd_una/snd_nxt count our sequence space.
 *
 *   guest -> host: in-order payload is written to the host socket; the
 *   guest is acknowledged for what the socket took (rcv_nxt), and the
 *   window we advertise is the socket's free send-buffer space (SO_SNDBUF
 *   minus SIOCOUTQ), so a guest that respects it never sends more than
 *   fits. If a write is short anyway, the remainder is dropped and, as
 *   soon as the socket has room again (EPOLLOUT), three duplicate ACKs
 *   make the guest retransmit at once instead of waiting for its RTO.
 *   While the window is small, EPOLLOUT is watched so that a window
 *   update goes out the moment the host peer drains the socket.
 *
 * States: CONNECTING (guest SYN seen, host connect() in flight) ->
 * SYNACK (our SYN-ACK sent) -> ESTABLISHED; inbound (-t): SYN_GUEST (host
 * connection accepted, our SYN sent) -> ESTABLISHED. Half-close is a set
 * of flags on ESTABLISHED: the guest's FIN becomes shutdown(SHUT_WR); the
 * host's end of stream becomes our FIN once every byte before it has been
 * sent; the connection is freed when both FINs are acknowledged. RST either
 * way aborts the other side (SO_LINGER 0 towards the host). A refused host
 * connection is answered with RST+ACK at once.
 *
 * Timers run from the loop's 100 ms tick: handshake timeouts, our
 * retransmissions (RTO doubling from 1 s, at most TCP_RETRIES_MAX), and
 * half-closed connections idle for TCP_FIN_TIMEOUT.
 *
 * Limits: FLOW_MAX connections (shared with the other protocols); a full
 * table refuses new ones with RST. No SACK, no timestamps: the guest link
 * is memory and does not lose or reorder frames, so they buy nothing.
 *
 * Trust: everything in a guest segment is checked against the connection's
 * state (sequence and acknowledgement ranges) before it moves anything.
 *
 * #syscalls socket connect accept4 bind listen setsockopt getsockopt
 * #syscalls recvmsg recvfrom sendto shutdown ioctl epoll_ctl getrandom
 */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/csum.h"
#include "../core/frame.h"
#include "../core/log.h"
#include "../core/txq.h"
#include "flow.h"
#include "nat.h"
#include "sock.h"
#include "tcp.h"

#define TCP_HLEN 20
#define TCP_WS_OURS 8	    /* our window scale: windows up to 16 MiB */
#define TCP_MSS_NOOPT 536   /* RFC 9293 3.7.1 */
#define TCP_BATCH 64	    /* segments per peek, at most */
#define TCP_DIRECT_IOV 1024 /* guest buffer pieces per peek (IOV_MAX) */
static_assert(TCP_BATCH <= TXQ_DIRECT_FRAMES, "a peek fits a reservation");
#define TCP_SYN_RETRIES 3

#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GE(a, b) ((int32_t)((a) - (b)) >= 0)

enum tcp_state {
	TCP_S_FREE,
	TCP_S_CONNECTING, /* guest SYN seen, host connect() in flight */
	TCP_S_SYNACK,	  /* our SYN-ACK sent, the guest's ACK awaited */
	TCP_S_SYN_GUEST,  /* accepted on the host, our SYN sent to guest */
	TCP_S_ESTABLISHED,
	TCP_S_COUNT,
};

/* Connection flags */
#define TCP_C_GUEST_FIN 0x01 /* guest's FIN passed on (SHUT_WR) */
#define TCP_C_HOST_EOF 0x02  /* host peer ended its stream */
#define TCP_C_FIN_SENT 0x04  /* our FIN is in flight (in snd_nxt) */
#define TCP_C_FIN_ACKED 0x08 /* the guest acknowledged our FIN */
#define TCP_C_ACK_DUE 0x10   /* an ACK / window update is owed */
#define TCP_C_REFUSED 0x20   /* a short write dropped guest data */
#define TCP_C_WANT_OUT 0x40  /* EPOLLOUT is watched */
#define TCP_C_PENDING 0x80   /* on the pending list: try to send data */

/* Per-connection state, indexed like the flow table. Private to tcp.c. */
struct tcp_conn {
	uint8_t state;	    /* enum tcp_state */
	uint8_t flags;	    /* TCP_C_* */
	uint8_t ws_guest;   /* shift the guest applies to its windows */
	uint8_t ws_ours;    /* shift we apply to ours (0 if no scaling) */
	uint8_t retries;    /* retransmissions without progress */
	uint8_t dup_acks;   /* duplicate ACKs seen from the guest */
	bool drained;	    /* the last peek took every byte there was: no
			     * need to peek again before the next EPOLLIN
			     * (edge-triggered, so new data always brings
			     * one) or a rewind */
	bool delack_listed; /* on tcp_delack_list */
	bool seg_owed;	    /* the ACK of a large segment waits for the
			     * next one (or TCP_DELACK_MS) */
	uint16_t mss;	    /* largest payload we send to the guest */
	uint32_t snd_una;   /* oldest byte not acknowledged by the guest */
	uint32_t snd_nxt;   /* next byte we send */
	uint32_t rcv_nxt;   /* next byte expected from the guest */
	uint32_t wnd_guest; /* the guest's window, bytes */
	uint32_t wnd_adv;   /* the window we last computed, bytes */
	uint32_t wnd_edge;  /* its right edge (rcv_nxt + wnd_adv then): what
			     * we advertise never moves it, nor goes past
			     * it, until the next computation */
	uint32_t rto_ms;    /* current retransmission timeout */
	uint64_t deadline;  /* ms: handshake or retransmission deadline */
	uint64_t delack_at; /* ms: send the delayed ACK then, 0: none */
	uint64_t last;	    /* ms: last activity either way */
};

/* A -t forwarding socket. */
struct tcp_listen {
	int fd;	       /* listening host socket */
	int af;	       /* its family */
	uint16_t port; /* host port */
	uint16_t to;   /* guest port */
};

struct tcp_stats tcp_stats;

static struct tcp_conn tcp_conn[FLOW_MAX];
/* Flows with TCP_C_PENDING, each once; while tcp_batch_end() walks it, a
 * flow it served may be listed again (at most once more): hence twice
 * the table size. */
static uint32_t tcp_pending_list[2 * FLOW_MAX];
static unsigned int tcp_pending_n;
static uint32_t tcp_due_list[FLOW_MAX]; /* flows with TCP_C_ACK_DUE */
/* Flows whose ACK waits a moment for data to carry it; an index freed
 * and reused while listed may be listed again, hence twice the size. */
static uint32_t tcp_delack_list[2 * FLOW_MAX];
static unsigned int tcp_delack_n;
static unsigned int tcp_due_n;
static int tcp_epfd = -1;
static struct tcp_listen *tcp_listen_tab; /* allocated once, at start-up */
static unsigned int tcp_listen_n;	  /* entries used, some may be free */
static unsigned int tcp_listen_max;
static uint64_t tcp_rng;

/* tcp_isn() - an initial sequence number nobody can predict. */
static uint32_t tcp_isn(void)
{
	tcp_rng ^= tcp_rng << 13;
	tcp_rng ^= tcp_rng >> 7;
	tcp_rng ^= tcp_rng << 17;
	return (uint32_t)(tcp_rng >> 16);
}

static struct tcp_conn *tcp_of(const struct flow *f)
{
	return &tcp_conn[flow_idx(f)];
}

/* tcp_adv() - the window to put in a segment now: up to the right edge of
 * the last computation. Data from the guest moved rcv_nxt since; sending
 * the old window from the new rcv_nxt would promise buffer space nobody
 * checked (and a guest filling it would meet a short write). */
static uint32_t tcp_adv(const struct tcp_conn *t)
{
	return SEQ_GT(t->wnd_edge, t->rcv_nxt) ? t->wnd_edge - t->rcv_nxt : 0;
}

/* tcp_epoll() - (re)register @f's socket for input, output if @out. */
static void tcp_epoll(struct flow *f, int op, bool out)
{
	union epoll_ref ref = flow_ref(f, EPOLL_KIND_TCP, f->fd);
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (out ? EPOLLOUT : 0),
		.data.u64 = ref.u64,
	};

	if (epoll_ctl(tcp_epfd, op, f->fd, &ev))
		warn_rl("TCP: epoll_ctl: %s", strerror(errno));
}

static void tcp_want_out(struct flow *f, bool on)
{
	struct tcp_conn *t = tcp_of(f);

	if (on == !!(t->flags & TCP_C_WANT_OUT))
		return;
	if (on)
		t->flags |= TCP_C_WANT_OUT;
	else
		t->flags &= (uint8_t)~TCP_C_WANT_OUT;
	tcp_epoll(f, EPOLL_CTL_MOD, on);
}

/* tcp_headers() - the Ethernet, IP and TCP headers of a segment to the
 * guest at @buf, @optlen option bytes after the TCP header (already
 * there) and @plen payload bytes behind those. With @cs the checksum is
 * left partial (pseudo-header sum only) and @cs says where: the payload
 * need not be in @buf (direct placement); without, it goes through
 * frame_l4_csum() and the payload must follow the headers in the
 * reserved slot. Returns the frame length. */
static size_t tcp_headers(uint8_t *buf, const struct flow_key *k, uint32_t seq,
			  uint32_t ack, uint8_t flags, uint32_t win,
			  size_t optlen, size_t plen, struct txq_csum *cs)
{
	bool v4 = inany_is4(&k->gaddr);
	size_t l4off = v4 ? FRAME_L4_OFF4 : FRAME_L4_OFF6;
	uint8_t *th = buf + l4off;
	size_t l4 = TCP_HLEN + optlen + plen;
	uint32_t ps;

	put_be16(th, k->rport);
	put_be16(th + 2, k->gport);
	put_be32(th + 4, seq);
	put_be32(th + 8, (flags & TCP_F_ACK) ? ack : 0);
	th[12] = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	th[13] = flags;
	put_be16(th + 14, (uint16_t)MIN(win, 65535U));
	put_be16(th + 16, 0);
	put_be16(th + 18, 0);
	if (v4) {
		struct in_addr s = inany_v4(&k->raddr), d = inany_v4(&k->gaddr);

		ps = csum_pseudo4(s, d, IPPROTO_TCP, (uint32_t)l4);
	} else {
		ps = csum_pseudo6(&k->raddr, &k->gaddr, IPPROTO_TCP,
				  (uint32_t)l4);
	}
	if (cs) {
		put_be16(th + 16, (uint16_t)~csum_fold(ps));
		*cs = (struct txq_csum){(uint16_t)l4off, 16};
	} else {
		frame_l4_csum(th, l4, 16, ps, l4off, false);
	}
	if (v4)
		return frame_ip4(buf, frame_mac.guest, inany_v4(&k->raddr),
				 inany_v4(&k->gaddr), IPPROTO_TCP, l4);
	return frame_ip6(buf, frame_mac.guest, &k->raddr, &k->gaddr,
			 IPPROTO_TCP, l4, 64);
}

/* tcp_frame() - build and queue a segment to the guest in the reserved
 * @slot: header at the slot's L4 offset, @optlen option bytes after it,
 * @plen payload bytes already behind those. */
static void tcp_frame(uint8_t *slot, const struct flow_key *k, uint32_t seq,
		      uint32_t ack, uint8_t flags, uint32_t win, size_t optlen,
		      size_t plen)
{
	txq_commit(
		tcp_headers(slot, k, seq, ack, flags, win, optlen, plen, NULL));
}

/* tcp_send_ctl() - a segment without payload: SYN (with our options),
 * ACK, FIN, RST. Returns false if the transmit queue is full. */
static bool tcp_send_ctl(const struct conf *c, const struct flow *f,
			 uint8_t flags)
{
	const struct tcp_conn *t = tcp_of(f);
	bool v4 = inany_is4(&f->key.gaddr);
	uint8_t *slot = txq_reserve(), *o;
	uint32_t seq = t->snd_nxt, win = tcp_adv(t);
	size_t optlen = 0;

	if (!slot)
		return false;
	if (flags & TCP_F_SYN) {
		uint16_t mss = (uint16_t)(c->mtu - (v4 ? IP4_HLEN : IP6_HLEN) -
					  TCP_HLEN);

		o = slot + (v4 ? FRAME_L4_OFF4 : FRAME_L4_OFF6) + TCP_HLEN;
		o[0] = 2; /* MSS */
		o[1] = 4;
		put_be16(o + 2, mss);
		optlen = 4;
		if (t->ws_ours) {
			o[4] = 1; /* NOP */
			o[5] = 3; /* window scale */
			o[6] = 3;
			o[7] = t->ws_ours;
			optlen = 8;
		}
		seq = t->snd_una;
	} else if (flags & TCP_F_FIN) {
		seq = t->snd_nxt - 1; /* the FIN is already counted */
	}
	if (!(flags & TCP_F_SYN))
		win >>= t->ws_ours;
	tcp_frame(slot, &f->key, seq, t->rcv_nxt, flags, win, optlen, 0);
	return true;
}

/* tcp_rst_unknown() - answer a segment of no connection (RFC 9293 3.10.7.1):
 * with its ACK's number as our sequence, or RST+ACK covering it. */
static void tcp_rst_unknown(const struct net_l4 *l4)
{
	const struct net_tcp *s = &l4->tcp;
	uint8_t *slot;
	struct flow_key k;
	uint32_t len = (uint32_t)pkt_left(&l4->payload);

	if (s->flags & TCP_F_RST)
		return;
	slot = txq_reserve();
	if (!slot)
		return;
	flow_key_init(&k, FLOW_TCP);
	k.gport = l4->sport;
	k.rport = l4->dport;
	k.gaddr = l4->src;
	k.raddr = l4->dst;
	tcp_stats.rst_unknown++;
	if (s->flags & TCP_F_ACK) {
		tcp_frame(slot, &k, s->ack, 0, TCP_F_RST, 0, 0, 0);
		return;
	}
	len += !!(s->flags & TCP_F_SYN) + !!(s->flags & TCP_F_FIN);
	tcp_frame(slot, &k, 0, s->seq + len, TCP_F_RST | TCP_F_ACK, 0, 0, 0);
}

/* tcp_close() - free @f; with @abort the host peer gets a RST, with
 * @rst_guest the guest does. */
static void tcp_close(const struct conf *c, struct flow *f, bool abort,
		      bool rst_guest)
{
	struct tcp_conn *t = tcp_of(f);

	trace("TCP: close %u->%u state %u flags %x%s%s", f->key.gport,
	      f->key.rport, t->state, t->flags, abort ? " abort" : "",
	      rst_guest ? " rst-guest" : "");
	if (rst_guest)
		tcp_send_ctl(c, f, TCP_F_RST | TCP_F_ACK);
	if (f->fd >= 0) {
		if (abort) {
			struct linger l = {.l_onoff = 1, .l_linger = 0};

			setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		}
		close(f->fd);
	}
	/* Entries on the pending and due lists are skipped once freed. */
	memset(t, 0, sizeof(*t));
	flow_free(f);
}

static void tcp_mark(struct flow *f, uint8_t flag)
{
	struct tcp_conn *t = tcp_of(f);

	if (t->flags & flag)
		return;
	t->flags |= flag;
	if (flag == TCP_C_PENDING) {
		ASSERT(tcp_pending_n < ARRAY_SIZE(tcp_pending_list));
		tcp_pending_list[tcp_pending_n++] = flow_idx(f);
	} else if (flag == TCP_C_ACK_DUE) {
		ASSERT(tcp_due_n < ARRAY_SIZE(tcp_due_list));
		tcp_due_list[tcp_due_n++] = flow_idx(f);
	}
}

/* tcp_delack() - owe the guest an ACK for a small segment it sent, but
 * wait up to TCP_DELACK_MS for data to the guest to carry it: a request
 * whose answer comes at once then costs one frame to the guest, not two
 * (the guest's kernel, like any, takes a late ACK in its stride; its
 * retransmission timer is 200 ms at least). */
static void tcp_delack(struct flow *f, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);

	if (t->flags & TCP_C_ACK_DUE)
		return; /* owed at once already */
	if (!t->delack_listed) {
		if (tcp_delack_n == ARRAY_SIZE(tcp_delack_list)) {
			tcp_mark(f, TCP_C_ACK_DUE);
			return;
		}
		tcp_delack_list[tcp_delack_n++] = flow_idx(f);
		t->delack_listed = true;
	}
	if (!t->delack_at)
		t->delack_at = now + TCP_DELACK_MS;
}

/* tcp_delack_run() - delayed ACKs whose time came become due; entries
 * whose ACK went out with data leave the list. */
static void tcp_delack_run(uint64_t now)
{
	unsigned int i, j;

	for (i = 0, j = 0; i < tcp_delack_n; i++) {
		struct flow *f = flow_at(tcp_delack_list[i]);
		struct tcp_conn *t;

		if (!f || f->key.type != FLOW_TCP)
			continue;
		t = tcp_of(f);
		if (t->delack_at && now >= t->delack_at) {
			t->delack_at = 0;
			tcp_mark(f, TCP_C_ACK_DUE);
		}
		if (!t->delack_at) {
			t->delack_listed = false;
			continue;
		}
		tcp_delack_list[j++] = tcp_delack_list[i];
	}
	tcp_delack_n = j;
}

int tcp_wait_ms(uint64_t now)
{
	uint64_t first = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < tcp_delack_n; i++) {
		struct flow *f = flow_at(tcp_delack_list[i]);

		if (f && f->key.type == FLOW_TCP && tcp_of(f)->delack_at)
			first = MIN(first, tcp_of(f)->delack_at);
	}
	if (first == UINT64_MAX)
		return -1;
	return first > now ? (int)(first - now) : 0;
}

/* tcp_window() - the host socket's free send-buffer space: the window we
 * may offer the guest. Watches EPOLLOUT while less than half is free. */
static uint32_t tcp_window(struct flow *f)
{
	struct tcp_conn *t = tcp_of(f);
	int sndbuf = 0, outq = 0;
	socklen_t sl = sizeof(sndbuf);
	uint32_t w;

	(void)t;
	if (t->flags & TCP_C_GUEST_FIN)
		return t->wnd_adv;
	if (getsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl) ||
	    ioctl(f->fd, SIOCOUTQ, &outq))
		return 0;
	/* The kernel counts buffer overhead against SO_SNDBUF too: keep an
	 * eighth in reserve, so a guest filling the window never meets a
	 * short write (measured: payload takes 98-100% of SO_SNDBUF). */
	sndbuf -= sndbuf / 8;
	w = sndbuf > outq ? (uint32_t)(sndbuf - outq) : 0;
	/* Writable, for poll, means a third of the buffer free: ask to be
	 * told below that, and no busy loop of wake-ups above it. Judged on
	 * the free space itself, not on the window the field can carry:
	 * without window scaling that is at most 64 KiB, always "short", and
	 * the (edge-triggered) EPOLLOUT of a writable socket would come back
	 * after every ACK it caused, for ever. */
	tcp_want_out(f, w < (uint32_t)sndbuf / 3);
	w = MIN(w, 65535U << t->ws_ours);
	w &= ~((1U << t->ws_ours) - 1); /* what the scaled field can say */
	return w;
}

/* tcp_adv_set() - compute the window afresh and fix its right edge. */
static void tcp_adv_set(struct flow *f)
{
	struct tcp_conn *t = tcp_of(f);

	t->wnd_adv = tcp_window(f);
	t->wnd_edge = t->rcv_nxt + t->wnd_adv;
}

/* tcp_data_to_guest() - peek new host data and send it as segments,
 * within the guest's window; our FIN once the stream ended. The data goes
 * straight into the transport's buffers where it lends them (the guest's
 * receive chains on vhost-user: no copy by us), else into txq slots. */
static void tcp_data_to_guest(const struct conf *c, struct flow *f,
			      uint64_t now)
{
	static struct iovec iov[TCP_DIRECT_IOV];
	struct tcp_conn *t = tcp_of(f);
	bool v4 = inany_is4(&f->key.gaddr);
	size_t poff = (v4 ? FRAME_L4_OFF4 : FRAME_L4_OFF6) + TCP_HLEN;
	struct msghdr mh = {.msg_iov = iov};
	uint8_t *slots[TCP_BATCH] = {0};
	size_t seg[TCP_BATCH];

	if (t->state != TCP_S_ESTABLISHED || (t->flags & TCP_C_FIN_SENT))
		return;
	/* Nothing new since the last peek: saves a failing recvmsg() per
	 * acknowledgement (one system call per request/response). */
	if (t->drained && !(t->flags & TCP_C_HOST_EOF))
		return;
	for (;;) {
		uint32_t in_flight = t->snd_nxt - t->snd_una;
		uint32_t room =
			t->wnd_guest > in_flight ? t->wnd_guest - in_flight : 0;
		unsigned int n = MIN(txq_free(), TCP_BATCH), i, nd = 0;
		unsigned int niov = 0;
		size_t got, want = 0;
		ssize_t r;

		if (room)
			nd = txq_direct_reserve(TCP_BATCH, poff, t->mss, room,
						iov, ARRAY_SIZE(iov), &niov,
						seg);
		if (nd) {
			for (i = 0; i < nd; i++)
				want += seg[i];
			mh.msg_iovlen = niov;
		} else {
			if (!n) {
				tcp_mark(f,
					 TCP_C_PENDING); /* after the flush */
				return;
			}
			for (i = 0; i < n && want < room; i++) {
				slots[i] = txq_slot_ahead(i);
				iov[i].iov_base = slots[i] + poff;
				iov[i].iov_len = MIN(t->mss, room - want);
				seg[i] = iov[i].iov_len;
				want += iov[i].iov_len;
			}
			mh.msg_iovlen = i;
		}
		if (want) {
			r = recvmsg(f->fd, &mh, MSG_PEEK | MSG_DONTWAIT);
		} else {
			int inq = -1;

			/* No window: only a FIN may go, once every byte in
			 * the socket is in flight. */
			if (!(t->flags & TCP_C_HOST_EOF) ||
			    ioctl(f->fd, SIOCINQ, &inq) ||
			    (uint32_t)inq != in_flight)
				return;
			r = 0;
		}
		if (r <= 0)
			txq_direct_commit(0, NULL, poff, NULL,
					  (struct txq_csum){0, 0});
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				trace("TCP: peek: %s", strerror(errno));
				tcp_close(c, f, true, true);
			} else {
				t->drained = true;
			}
			return;
		}
		if (r == 0) {
			/* End of stream, every byte before it sent. */
			t->flags |= TCP_C_HOST_EOF | TCP_C_FIN_SENT;
			t->snd_nxt++;
			if (!tcp_send_ctl(c, f, TCP_F_FIN | TCP_F_ACK)) {
				t->snd_nxt--;
				t->flags &= (uint8_t)~TCP_C_FIN_SENT;
				tcp_mark(f, TCP_C_PENDING);
				return;
			}
			t->flags &= (uint8_t)~TCP_C_ACK_DUE;
			if (!t->deadline)
				t->deadline = now + t->rto_ms;
			return;
		}
		if (nd) {
			uint8_t hb[TCP_BATCH][FRAME_L4_OFF6 + TCP_HLEN];
			const uint8_t *hp[TCP_BATCH];
			struct txq_csum cs = {0, 0};
			size_t len[TCP_BATCH];

			for (got = 0, i = 0; got < (size_t)r && i < nd; i++) {
				len[i] = MIN(seg[i], (size_t)r - got);
				tcp_headers(
					hb[i], &f->key, t->snd_nxt, t->rcv_nxt,
					TCP_F_ACK | (got + len[i] == (size_t)r
							     ? TCP_F_PSH
							     : 0),
					tcp_adv(t) >> t->ws_ours, 0, len[i],
					&cs);
				hp[i] = hb[i];
				t->snd_nxt += (uint32_t)len[i];
				got += len[i];
			}
			txq_direct_commit(i, hp, poff, len, cs);
		}
		for (got = 0, i = 0;
		     !nd && got < (size_t)r && i < mh.msg_iovlen; i++) {
			size_t len = MIN(iov[i].iov_len, (size_t)r - got);
			uint8_t *slot = txq_reserve();

			ASSERT(slot == slots[i]);
			tcp_frame(slot, &f->key, t->snd_nxt, t->rcv_nxt,
				  TCP_F_ACK |
					  (got + len == (size_t)r ? TCP_F_PSH
								  : 0),
				  tcp_adv(t) >> t->ws_ours, 0, len);
			t->snd_nxt += (uint32_t)len;
			got += len;
		}
		t->flags &= (uint8_t)~TCP_C_ACK_DUE; /* data carries the ACK */
		t->delack_at = 0;
		t->seg_owed = false;
		t->last = now;
		if (!t->deadline)
			t->deadline = now + t->rto_ms;
		if ((size_t)r < want) {
			t->drained = true; /* took all there was, for now */
			return;
		}
	}
}

/* tcp_rewind() - retransmit from the oldest unacknowledged byte. */
static void tcp_rewind(const struct conf *c, struct flow *f, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);
	int zero = 0;

	tcp_stats.retransmits++;
	if (setsockopt(f->fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)))
		trace("TCP: SO_PEEK_OFF: %s", strerror(errno));
	t->snd_nxt = t->snd_una;
	t->flags &= (uint8_t)~TCP_C_FIN_SENT;
	t->deadline = 0;
	t->drained = false;
	tcp_data_to_guest(c, f, now);
}

/* tcp_established() - both handshakes done: start the data path. */
static void tcp_established(struct flow *f, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);
	int zero = 0;

	t->state = TCP_S_ESTABLISHED;
	t->deadline = 0;
	t->retries = 0;
	t->rto_ms = TCP_RTO_INIT_MS;
	t->last = now;
	if (setsockopt(f->fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)))
		warn_rl("TCP: SO_PEEK_OFF unsupported: %s", strerror(errno));
	tcp_adv_set(f);
	tcp_mark(f, TCP_C_PENDING);
}

/* tcp_syn_opts() - take the guest's SYN options. */
static void tcp_syn_opts(const struct conf *c, struct tcp_conn *t,
			 const struct net_l4 *l4)
{
	bool v4 = inany_is4(&l4->src);
	uint16_t max =
		(uint16_t)(c->mtu - (v4 ? IP4_HLEN : IP6_HLEN) - TCP_HLEN);

	t->mss = l4->tcp.mss ? MIN(l4->tcp.mss, max) : TCP_MSS_NOOPT;
	if (t->mss < 64)
		t->mss = 64;
	if (l4->tcp.wscale >= 0) {
		t->ws_guest = (uint8_t)l4->tcp.wscale;
	} else {
		t->ws_guest = 0;
		t->ws_ours = 0;
	}
	t->rcv_nxt = l4->tcp.seq + 1;
	t->wnd_guest = l4->tcp.win; /* never scaled in a SYN */
}

/* tcp_connect() - a SYN from the guest: open the host connection. */
static void tcp_connect(const struct conf *c, const struct net_l4 *l4,
			const struct flow_key *k, uint64_t now)
{
	union sockaddr_inany sa;
	struct in6_addr host;
	struct tcp_conn *t;
	struct flow *f;
	socklen_t sl;
	int fd, one = 1;

	if (!nat_outbound(c, IPPROTO_TCP, &k->raddr, k->rport, &host)) {
		tcp_rst_unknown(l4);
		return;
	}
	fd = socket(inany_is4(&host) ? AF_INET : AF_INET6,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warn_rl("TCP: cannot open a socket: %s", strerror(errno));
		tcp_rst_unknown(l4);
		return;
	}
	f = flow_alloc(k);
	if (!f) {
		tcp_stats.refused_full++;
		warn_rl("flow table full (%u flows): TCP connection refused",
			flow_count());
		close(fd);
		tcp_rst_unknown(l4);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	f->fd = fd;
	t = tcp_of(f);
	memset(t, 0, sizeof(*t));
	t->state = TCP_S_CONNECTING;
	t->ws_ours = TCP_WS_OURS;
	tcp_syn_opts(c, t, l4);
	t->snd_una = tcp_isn();
	t->snd_nxt = t->snd_una + 1;
	t->rto_ms = TCP_RTO_INIT_MS;
	t->deadline = now + TCP_HANDSHAKE_TIMEOUT_MS;
	t->last = now;
	sl = sockaddr_from_inany(&sa, &host, k->rport);
	f->peer = sa;
	if (connect(fd, &sa.sa, sl) && errno != EINPROGRESS) {
		tcp_stats.refused_host++;
		trace("TCP: connect: %s", strerror(errno));
		tcp_close(c, f, false, true);
		return;
	}
	t->flags |= TCP_C_WANT_OUT;
	tcp_epoll(f, EPOLL_CTL_ADD, true);
}

/* tcp_guest_ack() - the ACK field of a segment on an established
 * connection: discard what it covers from the host socket. */
static void tcp_guest_ack(const struct conf *c, struct flow *f,
			  const struct net_l4 *l4, uint32_t plen, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);
	uint32_t ack = l4->tcp.ack, acked, data;
	uint32_t wnd = (uint32_t)l4->tcp.win << t->ws_guest;

	if (SEQ_GT(ack, t->snd_nxt) || SEQ_LT(ack, t->snd_una)) {
		tcp_mark(f, TCP_C_ACK_DUE); /* out of range: re-sync */
		return;
	}
	acked = ack - t->snd_una;
	if (!acked) {
		/* Three duplicate ACKs: the guest lost something. */
		if (!plen && wnd == t->wnd_guest && t->snd_nxt != t->snd_una &&
		    !(l4->tcp.flags & (TCP_F_SYN | TCP_F_FIN)) &&
		    ++t->dup_acks == 3) {
			t->dup_acks = 0;
			tcp_rewind(c, f, now);
		}
		if (wnd != t->wnd_guest) {
			t->wnd_guest = wnd;
			tcp_mark(f, TCP_C_PENDING);
		}
		return;
	}
	data = acked;
	if ((t->flags & TCP_C_FIN_SENT) && ack == t->snd_nxt) {
		t->flags |= TCP_C_FIN_ACKED;
		data--;
	}
	if (data) {
		ssize_t r = recv(f->fd, NULL, data, MSG_TRUNC | MSG_DONTWAIT);

		if (r != (ssize_t)data)
			trace("TCP: discard %u: %zd", data, r);
	}
	t->snd_una = ack;
	t->wnd_guest = wnd;
	t->dup_acks = 0;
	t->retries = 0;
	t->rto_ms = TCP_RTO_INIT_MS;
	t->deadline = t->snd_una == t->snd_nxt ? 0 : now + t->rto_ms;
	tcp_mark(f, TCP_C_PENDING);
}

/* tcp_iov_add() - pkt_iter() callback: one more piece for sendmsg(). */
struct tcp_iov {
	struct iovec iov[PKT_SEGS_MAX];
	unsigned int n;
	bool full; /* more pieces than iov holds */
};

static void tcp_iov_add(const void *data, size_t len, void *arg)
{
	struct tcp_iov *v = arg;

	if (v->n == ARRAY_SIZE(v->iov)) {
		v->full = true;
		return;
	}
	v->iov[v->n++] = (struct iovec){.iov_base = (void *)(uintptr_t)data,
					.iov_len = len};
}

/* tcp_guest_data() - write in-order payload (and a FIN after it) to the
 * host socket, straight from the frame's segments (guest memory, with
 * vhost-user), no copy.
 * #syscalls sendmsg
 */
static void tcp_guest_data(const struct conf *c, struct flow *f,
			   const struct net_l4 *l4, uint32_t plen, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);
	uint32_t seq = l4->tcp.seq, skip;
	struct tcp_iov v = {.n = 0};
	struct msghdr mh = {.msg_iov = v.iov};
	struct pkt p;
	ssize_t n;

	if (t->flags & TCP_C_GUEST_FIN)
		return;
	if (!plen && SEQ_LT(seq, t->rcv_nxt) && !(l4->tcp.flags & TCP_F_FIN)) {
		/* A keepalive or a zero-window probe (sequence one below
		 * rcv_nxt): it wants an ACK with the window as it is now. */
		tcp_mark(f, TCP_C_ACK_DUE);
		return;
	}
	if (plen) {
		if (SEQ_GT(seq, t->rcv_nxt) || SEQ_LE(seq + plen, t->rcv_nxt)) {
			/* A gap (after a short write) or old data: a
			 * duplicate ACK for each, at once, so the guest
			 * retransmits fast instead of on its timer. */
			tcp_stats.out_of_order++;
			tcp_send_ctl(c, f, TCP_F_ACK);
			return;
		}
		skip = t->rcv_nxt - seq;
		pkt_clone(&p, &l4->payload);
		if (!pkt_skip(&p, skip) || !pkt_narrow(&p, plen - skip) ||
		    pkt_iter(&p, tcp_iov_add, &v) != plen - skip || v.full)
			return;
		mh.msg_iovlen = v.n;
		n = sendmsg(f->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* The host side is gone (reset, or its error
				 * taken by this very call, so no EPOLLERR may
				 * follow): the guest must hear of it now. */
				trace("TCP: send to host: %s", strerror(errno));
				tcp_close(c, f, true, true);
				return;
			}
			n = 0;
		}
		t->rcv_nxt += (uint32_t)n;
		if ((uint32_t)n < plen - skip) {
			tcp_stats.short_writes++;
			t->flags |= TCP_C_REFUSED;
			tcp_want_out(f, true);
		}
		/* A small segment's ACK waits for data to carry it; a large
		 * one's for the next large one (an ACK for every second
		 * full segment, RFC 5681 4.2: half the frames, and for a
		 * VM half the interrupts, the guest's sender sees). */
		if ((uint32_t)n == plen - skip &&
		    !(l4->tcp.flags & TCP_F_FIN) &&
		    (n <= TCP_DELACK_MAX || !t->seg_owed)) {
			t->seg_owed = n > TCP_DELACK_MAX;
			tcp_delack(f, now);
		} else {
			tcp_mark(f, TCP_C_ACK_DUE);
		}
	}
	if ((l4->tcp.flags & TCP_F_FIN) && seq + plen == t->rcv_nxt) {
		shutdown(f->fd, SHUT_WR);
		t->rcv_nxt++;
		t->flags |= TCP_C_GUEST_FIN;
		tcp_mark(f, TCP_C_ACK_DUE);
	}
}

void tcp_from_guest(const struct conf *c, const struct net_l4 *l4, uint64_t now)
{
	const struct net_tcp *s = &l4->tcp;
	uint32_t plen = (uint32_t)pkt_left(&l4->payload);
	struct flow_key k;
	struct tcp_conn *t;
	struct flow *f;

	flow_key_init(&k, FLOW_TCP);
	k.gport = l4->sport;
	k.rport = l4->dport;
	k.gaddr = l4->src;
	k.raddr = l4->dst;
	f = flow_lookup(&k);
	if (!f) {
		if ((s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN)
			tcp_connect(c, l4, &k, now);
		else
			tcp_rst_unknown(l4);
		return;
	}
	t = tcp_of(f);
	if (s->flags & TCP_F_RST) {
		/* RFC 5961 3.2: a RST at exactly rcv_nxt resets; one
		 * elsewhere inside the window gets a challenge ACK (a guest
		 * that meant it answers that with an exact RST); outside
		 * the window it is ignored. */
		if (t->state == TCP_S_SYN_GUEST || s->seq == t->rcv_nxt)
			tcp_close(c, f, true, false);
		else if (SEQ_GT(s->seq, t->rcv_nxt) &&
			 SEQ_LE(s->seq, t->rcv_nxt + tcp_adv(t) + 1))
			tcp_mark(f, TCP_C_ACK_DUE);
		return;
	}
	t->last = now;

	switch ((enum tcp_state)t->state) {
	case TCP_S_CONNECTING:
		return; /* a retransmitted SYN: still connecting */
	case TCP_S_SYNACK:
		if (s->flags & TCP_F_SYN) {
			tcp_send_ctl(c, f, TCP_F_SYN | TCP_F_ACK);
			return;
		}
		if (!(s->flags & TCP_F_ACK) || s->ack != t->snd_nxt)
			return;
		t->snd_una = t->snd_nxt;
		t->wnd_guest = (uint32_t)s->win << t->ws_guest;
		tcp_established(f, now);
		break;
	case TCP_S_SYN_GUEST:
		if ((s->flags & (TCP_F_SYN | TCP_F_ACK)) !=
			    (TCP_F_SYN | TCP_F_ACK) ||
		    s->ack != t->snd_nxt)
			return;
		tcp_syn_opts(c, t, l4);
		t->snd_una = t->snd_nxt;
		tcp_established(f, now);
		tcp_mark(f, TCP_C_ACK_DUE);
		return;
	case TCP_S_ESTABLISHED:
		if (s->flags & TCP_F_SYN) {
			tcp_mark(f, TCP_C_ACK_DUE); /* challenge ACK */
			return;
		}
		break;
	case TCP_S_FREE:
	case TCP_S_COUNT:
		ASSERT(0);
	}

	if (s->flags & TCP_F_ACK)
		tcp_guest_ack(c, f, l4, plen, now);
	if (t->state == TCP_S_FREE)
		return; /* a retransmission found the host side dead */
	tcp_guest_data(c, f, l4, plen, now);

	if ((t->flags & TCP_C_GUEST_FIN) && (t->flags & TCP_C_FIN_ACKED)) {
		/* Both directions closed: the last ACK goes out now. */
		tcp_send_ctl(c, f, TCP_F_ACK);
		tcp_close(c, f, false, false);
	}
}

/* tcp_connected() - the host connect() finished: SYN-ACK, or RST. */
static void tcp_connected(const struct conf *c, struct flow *f, uint64_t now)
{
	struct tcp_conn *t = tcp_of(f);
	socklen_t sl = sizeof(int);
	int err = 0;

	if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err) {
		tcp_stats.refused_host++;
		trace("TCP: connect: %s", strerror(err));
		tcp_close(c, f, false, true);
		return;
	}
	t->state = TCP_S_SYNACK;
	tcp_adv_set(f);
	t->rto_ms = TCP_RTO_INIT_MS;
	t->deadline = now + t->rto_ms;
	t->retries = 0;
	tcp_send_ctl(c, f, TCP_F_SYN | TCP_F_ACK);
}

void tcp_sock_ready(const struct conf *c, union epoll_ref ref, uint32_t events,
		    uint64_t now)
{
	struct flow *f = flow_at_ref(ref);
	struct tcp_conn *t;

	if (!f || f->fd != ref.fd || f->key.type != FLOW_TCP)
		return;
	t = tcp_of(f);
	/* Edge-triggered: the end of the host's stream is noted in any
	 * state, or a peer that wrote and closed before the handshake with
	 * the guest ended would never get its FIN through (peeks stop once
	 * the socket is drained, see tcp_data_to_guest()). */
	if (events & (EPOLLRDHUP | EPOLLHUP))
		t->flags |= TCP_C_HOST_EOF;
	if (t->state == TCP_S_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			tcp_connected(c, f, now);
		return;
	}
	if (events & EPOLLERR) {
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		trace("TCP: host socket error: %s", strerror(err));
		tcp_close(c, f, false, true);
		return;
	}
	if (t->state != TCP_S_ESTABLISHED)
		return;
	if (events & EPOLLOUT) {
		/* Edge-triggered: re-armed by tcp_window() if still short. */
		t->flags &= (uint8_t)~TCP_C_WANT_OUT;
		if (t->flags & TCP_C_REFUSED) {
			/* Make the guest resend what did not fit, now. */
			t->flags &= (uint8_t)~TCP_C_REFUSED;
			unsigned int i;

			/* A window update, then three true duplicates. */
			tcp_adv_set(f);
			for (i = 0; i < 4; i++)
				tcp_send_ctl(c, f, TCP_F_ACK);
		} else {
			tcp_mark(f, TCP_C_ACK_DUE);
		}
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
		t->drained = false;
		tcp_data_to_guest(c, f, now);
	}
}

/* tcp_listen_put() - listening socket @fd into the first free entry of
 * the table, watched by epoll. Returns 0, or -ENOSPC or -errno of
 * epoll_ctl() with @fd closed. */
static int tcp_listen_put(int af, uint16_t port, uint16_t to, int fd)
{
	union epoll_ref ref = {.kind = EPOLL_KIND_TCP_LISTEN, .fd = fd};
	struct epoll_event ev = {.events = EPOLLIN};
	unsigned int i;

	for (i = 0; i < tcp_listen_n && tcp_listen_tab[i].fd >= 0; i++)
		;
	if (i == tcp_listen_max) {
		close(fd);
		return -ENOSPC;
	}
	ref.idx = i;
	ev.data.u64 = ref.u64;
	if (epoll_ctl(tcp_epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int e = errno;

		close(fd);
		return -e;
	}
	tcp_listen_tab[i] =
		(struct tcp_listen){.fd = fd, .af = af, .port = port, .to = to};
	if (i == tcp_listen_n)
		tcp_listen_n++;
	return 0;
}

/* tcp_listen_add() - bind one -t socket; dies on failure unless @soft. */
static void tcp_listen_add(const struct fwd_rule *r, int af, uint16_t port,
			   uint16_t to, bool soft)
{
	int fd;

	if (tcp_listen_n >= tcp_listen_max) {
		warn_rl("-t: too many listening sockets, port %u skipped",
			port);
		return;
	}
	fd = sock_bound(SOCK_STREAM, af, r, port);
	if (fd == -EAFNOSUPPORT)
		return;
	if (fd < 0) {
		if (soft && (fd == -EMFILE || fd == -ENFILE))
			warn_rl("-t all: out of descriptors, port %u and "
				"others skipped",
				port);
		if (soft)
			return;
		die("-t: cannot listen on TCP port %u (%s): %s", port,
		    af == AF_INET ? "IPv4" : "IPv6", strerror(-fd));
	}
	fd = tcp_listen_put(af, port, to, fd);
	if (fd < 0)
		die("-t: cannot watch TCP port %u: %s", port, strerror(-fd));
}

/* tcp_listen_port() - fwd_spec_each() callback: both families. */
static void tcp_listen_port(const struct fwd_rule *r, uint16_t port,
			    uint16_t to, void *arg)
{
	const struct conf *c = arg;
	bool all = c->tcp_in.mode == FWD_MODE_ALL;

	if (all && port >= c->ephemeral_min)
		return;
	if (c->v4)
		tcp_listen_add(r, AF_INET, port, to, all);
	if (c->v6)
		tcp_listen_add(r, AF_INET6, port, to, all);
}

void tcp_init(const struct conf *c, int epfd)
{
	unsigned int max;

	tcp_epfd = epfd;
	if (getrandom(&tcp_rng, sizeof(tcp_rng), 0) != sizeof(tcp_rng) ||
	    !tcp_rng)
		tcp_rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	max = 2 * fwd_spec_each(&c->tcp_in, NULL, NULL);
	if (c->tcp_in.mode == FWD_MODE_AUTO)
		max = 2 * FWD_AUTO_MAX;
	if (max > 65536)
		max = 65536; /* what an epoll tag's index can say */
	if (!max)
		return;
	tcp_listen_tab = calloc(max, sizeof(*tcp_listen_tab));
	if (!tcp_listen_tab)
		die("-t: out of memory for %u listening sockets", max);
	tcp_listen_max = max;
	fwd_spec_each(&c->tcp_in, tcp_listen_port, (void *)(uintptr_t)c);
	info("TCP: %u listening sockets", tcp_listen_n);
}

/* tcp_listen_auto() - see tcp.h. Free entries (fd -1) are reused.
 * #syscalls epoll_ctl close
 */
int tcp_listen_auto(const struct conf *c, uint16_t port, bool on)
{
	int af[2] = {c->v4 ? AF_INET : -1, c->v6 ? AF_INET6 : -1};
	unsigned int i, k, ok = 0;
	int err = -EAFNOSUPPORT;

	for (i = 0; !on && i < tcp_listen_n; i++) {
		struct tcp_listen *l = &tcp_listen_tab[i];

		if (l->fd < 0 || l->port != port)
			continue;
		epoll_ctl(tcp_epfd, EPOLL_CTL_DEL, l->fd, NULL);
		close(l->fd);
		l->fd = -1;
	}
	for (k = 0; on && k < 2; k++) {
		int fd;

		if (af[k] < 0)
			continue;
		fd = sock_bound(SOCK_STREAM, af[k], NULL, port);
		if (fd >= 0)
			fd = tcp_listen_put(af[k], port, port, fd);
		if (fd < 0)
			err = fd;
		else
			ok++;
	}
	return !on || ok ? 0 : err;
}

/* tcp_accept_one() - a host connection through -t: SYN to the guest. */
static void tcp_accept_one(const struct conf *c, const struct tcp_listen *l,
			   int fd, const union sockaddr_inany *peer,
			   uint64_t now)
{
	struct in6_addr paddr, raddr;
	struct flow_key k;
	struct tcp_conn *t;
	struct flow *f;
	uint16_t pport;
	int one = 1;

	inany_from_sockaddr(&paddr, &pport, peer);
	flow_key_init(&k, FLOW_TCP);
	k.gport = l->to;
	k.rport = pport;
	if (l->af == AF_INET)
		inany_from4(&k.gaddr, c->addr4);
	else
		k.gaddr = c->addr6;
	if (!nat_inbound(c, &paddr, &raddr) ||
	    inany_is4(&raddr) != (l->af == AF_INET)) {
		close(fd);
		return;
	}
	k.raddr = raddr;
	f = flow_lookup(&k) ? NULL : flow_alloc(&k);
	if (!f) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		tcp_stats.refused_full++;
		warn_rl("flow table full (%u flows): inbound TCP refused",
			flow_count());
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	f->fd = fd;
	f->peer = *peer;
	t = tcp_of(f);
	memset(t, 0, sizeof(*t));
	t->state = TCP_S_SYN_GUEST;
	t->ws_ours = TCP_WS_OURS;
	t->mss = TCP_MSS_NOOPT;
	t->snd_una = tcp_isn();
	t->snd_nxt = t->snd_una + 1;
	t->rto_ms = TCP_RTO_INIT_MS;
	t->deadline = now + t->rto_ms;
	t->last = now;
	t->wnd_adv = 65535;
	t->wnd_edge = t->rcv_nxt + 65535; /* rcv_nxt unknown yet: reset at
					    * the guest's SYN-ACK */
	tcp_epoll(f, EPOLL_CTL_ADD, false);
	tcp_send_ctl(c, f, TCP_F_SYN);
}

void tcp_listen_ready(const struct conf *c, union epoll_ref ref, uint64_t now)
{
	const struct tcp_listen *l;
	unsigned int i;

	if (ref.idx >= tcp_listen_n || tcp_listen_tab[ref.idx].fd != ref.fd ||
	    ref.fd < 0)
		return; /* closed (-t auto) since the event */
	l = &tcp_listen_tab[ref.idx];
	for (i = 0; i < 64 && txq_free(); i++) {
		union sockaddr_inany peer;
		socklen_t sl = sizeof(peer);
		int fd = accept4(l->fd, &peer.sa, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				warn_rl("TCP: accept: %s", strerror(errno));
			return;
		}
		tcp_accept_one(c, l, fd, &peer, now);
	}
}

void tcp_guest_gone(void)
{
	unsigned long n = 0;
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);

		if (!f || f->key.type != FLOW_TCP)
			continue;
		tcp_close(NULL, f, true, false);
		n++;
	}
	if (n)
		info("TCP: %lu connections reset: the guest is gone", n);
}

void tcp_batch_end(const struct conf *c, uint64_t now)
{
	unsigned int i, j, n;

	tcp_delack_run(now);
	/* ACKs owed; one that finds the queue full stays owed. */
	for (i = 0, j = 0; i < tcp_due_n; i++) {
		struct flow *f = flow_at(tcp_due_list[i]);
		struct tcp_conn *t;

		if (!f || f->key.type != FLOW_TCP)
			continue;
		t = tcp_of(f);
		if (!(t->flags & TCP_C_ACK_DUE))
			continue;
		if (t->state == TCP_S_ESTABLISHED)
			tcp_adv_set(f);
		if (tcp_send_ctl(c, f, TCP_F_ACK)) {
			t->flags &= (uint8_t)~TCP_C_ACK_DUE;
			t->delack_at = 0;
			t->seg_owed = false;
		} else
			tcp_due_list[j++] = tcp_due_list[i];
	}
	tcp_due_n = j;

	/* Serve the flows listed so far; those that find the queue full
	 * list themselves again, behind. */
	n = tcp_pending_n;
	for (i = 0; i < n; i++) {
		struct flow *f = flow_at(tcp_pending_list[i]);
		struct tcp_conn *t;

		if (!f || f->key.type != FLOW_TCP)
			continue;
		t = tcp_of(f);
		if (!(t->flags & TCP_C_PENDING))
			continue;
		t->flags &= (uint8_t)~TCP_C_PENDING;
		tcp_data_to_guest(c, f, now);
	}
	/* Keep each flow still pending once (the flag marks it taken). */
	for (i = 0, j = 0; i < tcp_pending_n; i++) {
		struct flow *f = flow_at(tcp_pending_list[i]);

		if (!f || f->key.type != FLOW_TCP ||
		    !(tcp_of(f)->flags & TCP_C_PENDING))
			continue;
		tcp_of(f)->flags &= (uint8_t)~TCP_C_PENDING;
		tcp_pending_list[j++] = tcp_pending_list[i];
	}
	for (i = 0; i < j; i++)
		tcp_of(flow_at(tcp_pending_list[i]))->flags |= TCP_C_PENDING;
	tcp_pending_n = j;
}

void tcp_debug_dump(void)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);
		struct tcp_conn *t;
		int inq = -1, outq = -1;

		if (!f || f->key.type != FLOW_TCP)
			continue;
		t = tcp_of(f);
		ioctl(f->fd, SIOCINQ, &inq);
		ioctl(f->fd, SIOCOUTQ, &outq);
		debug("TCP flow %u: %u->%u state %u flags %x una %u nxt %u "
		      "rcv_nxt %u wnd %u adv %u inq %d outq %d",
		      i, f->key.gport, f->key.rport, t->state, t->flags,
		      t->snd_una, t->snd_nxt, t->rcv_nxt, t->wnd_guest,
		      t->wnd_adv, inq, outq);
	}
	debug("TCP lists: pending %u due %u", tcp_pending_n, tcp_due_n);
}

bool tcp_pending(void)
{
	return tcp_pending_n > 0 || tcp_due_n > 0;
}

void tcp_timer(const struct conf *c, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < FLOW_MAX; i++) {
		struct flow *f = flow_at(i);
		struct tcp_conn *t;

		if (!f || f->key.type != FLOW_TCP)
			continue;
		t = tcp_of(f);
		if ((t->flags & (TCP_C_GUEST_FIN | TCP_C_FIN_SENT)) &&
		    now - t->last > TCP_FIN_TIMEOUT * 1000ULL) {
			tcp_close(c, f, true, true);
			continue;
		}
		/* A closed window we offered reopens even if no EPOLLOUT
		 * came: look again every tick, and tell the guest. */
		if (t->state == TCP_S_ESTABLISHED && !tcp_adv(t) &&
		    !(t->flags & TCP_C_GUEST_FIN)) {
			tcp_adv_set(f);
			if (tcp_adv(t))
				tcp_mark(f, TCP_C_ACK_DUE);
		}
		if (!t->deadline || now < t->deadline)
			continue;
		switch ((enum tcp_state)t->state) {
		case TCP_S_CONNECTING:
			tcp_close(c, f, true, true);
			break;
		case TCP_S_SYNACK:
		case TCP_S_SYN_GUEST:
			if (++t->retries > TCP_SYN_RETRIES) {
				tcp_close(c, f, true, t->state == TCP_S_SYNACK);
				break;
			}
			t->rto_ms = MIN(t->rto_ms * 2, TCP_RTO_MAX_MS);
			t->deadline = now + t->rto_ms;
			tcp_send_ctl(c, f,
				     t->state == TCP_S_SYNACK
					     ? TCP_F_SYN | TCP_F_ACK
					     : TCP_F_SYN);
			break;
		case TCP_S_ESTABLISHED:
			if (t->snd_una == t->snd_nxt) {
				t->deadline = 0;
				break;
			}
			if (++t->retries > TCP_RETRIES_MAX) {
				tcp_close(c, f, true, true);
				break;
			}
			t->rto_ms = MIN(t->rto_ms * 2, TCP_RTO_MAX_MS);
			tcp_rewind(c, f, now);
			t->deadline = now + t->rto_ms;
			break;
		case TCP_S_FREE:
		case TCP_S_COUNT:
			ASSERT(0);
		}
	}
}
