/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp.h - TCP translation between the guest's segments and host stream
 * sockets, without a TCP stack or data buffers of our own.
 */
#ifndef BURROW_TCP_H
#define BURROW_TCP_H

#include <stdint.h>

#include "../conf/conf.h"
#include "../epoll_ref.h"
#include "../net/net.h"

#define TCP_HANDSHAKE_TIMEOUT_MS 10000 /* SYN to SYN-ACK, either side */
#define TCP_FIN_TIMEOUT 120	       /* s: half-closed and idle */
#define TCP_IDLE_TIMEOUT 7200	       /* s: established and idle */
#define TCP_RTO_INIT_MS 1000	       /* first retransmission to the guest */
#define TCP_RTO_MAX_MS 30000
#define TCP_RETRIES_MAX 8   /* then the connection is reset */
#define TCP_DELACK_MS 1	    /* a small segment's ACK waits for data this long */
#define TCP_DELACK_MAX 1024 /* payload bytes: larger segments are ACKed now */

struct tcp_stats {
	unsigned long refused_full; /* new connections refused: table full */
	unsigned long refused_host; /* host connect() failed: RST sent */
	unsigned long rst_unknown;  /* segments for no connection: RST */
	unsigned long retransmits;  /* rewinds of host->guest data */
	unsigned long short_writes; /* host socket took less than sent */
	unsigned long out_of_order; /* guest segments not at rcv_nxt */
};
extern struct tcp_stats tcp_stats;

/* tcp_init() - remember the epoll instance; listen on the -t ports.
 * Dies with one clear line if a forwarded port cannot be bound. */
void tcp_init(const struct conf *c, int epfd);
/* tcp_from_guest() - one segment from the guest. */
void tcp_from_guest(const struct conf *c, const struct net_l4 *l4,
		    uint64_t now_ms);
/* tcp_sock_ready() - events on a connection's host socket. */
void tcp_sock_ready(const struct conf *c, union epoll_ref ref, uint32_t events,
		    uint64_t now_ms);
/* tcp_listen_auto() - -t auto: listen on host port @port (any address,
 * each enabled family, to the same guest port) if @on, else close those
 * sockets (accepted connections stay). Returns 0 if @on and one family
 * or more listens, or when closing; else -errno of the failure. */
int tcp_listen_auto(const struct conf *c, uint16_t port, bool on);
/* tcp_listen_ready() - a -t socket has connections to accept. */
void tcp_listen_ready(const struct conf *c, union epoll_ref ref,
		      uint64_t now_ms);
/* tcp_batch_end() - send the ACKs and window updates owed to the guest
 * after a batch of its frames, and resume reads the batch unblocked. */
void tcp_batch_end(const struct conf *c, uint64_t now_ms);
/* tcp_pending() - true if some connection waits for room in the transmit
 * queue: the loop flushes and calls tcp_batch_end() again without
 * sleeping. */
bool tcp_pending(void);
/* tcp_wait_ms() - how long the loop may sleep before a delayed ACK is
 * due: -1 for as long as it likes. */
int tcp_wait_ms(uint64_t now);
/* tcp_debug_dump() - every connection's state, at debug level. */
void tcp_debug_dump(void);
/* tcp_guest_gone() - the guest went away (a VM's front-end disconnected):
 * reset every connection's host side, so host peers see the end at once
 * instead of after the retransmissions time out. */
void tcp_guest_gone(void);
/* tcp_timer() - handshake and idle timeouts, retransmissions. */
void tcp_timer(const struct conf *c, uint64_t now_ms);

#endif /* BURROW_TCP_H */
