/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * epoll_ref.h - every kind of file descriptor the loop waits on, and the
 * packed tag each one carries in its epoll data: the loop dispatches with
 * one switch on the kind, never a search.
 */
#ifndef BURROW_EPOLL_REF_H
#define BURROW_EPOLL_REF_H

#include <assert.h>
#include <stdint.h>

enum epoll_kind {
	EPOLL_KIND_NONE,
	EPOLL_KIND_TAP,		  /* the transport: frames from the guest */
	EPOLL_KIND_STREAM_LISTEN, /* --socket: a front-end may connect */
	EPOLL_KIND_CMD,		  /* pidfd of the command in the namespace */
	EPOLL_KIND_SIGNAL,	  /* signalfd: SIGTERM, SIGINT, SIGHUP */
	EPOLL_KIND_TIMER,	  /* timerfd: once a second, flow expiry */
	EPOLL_KIND_UDP,		  /* a UDP flow's own host socket */
	EPOLL_KIND_UDP_LISTEN,	  /* a -u forward: listening host socket */
	EPOLL_KIND_ICMP,	  /* an echo flow's ping socket */
	EPOLL_KIND_TCP,		  /* a TCP connection's host socket */
	EPOLL_KIND_TCP_LISTEN,	  /* a -t forward: listening host socket */
	EPOLL_KIND_SPLICE,	  /* either socket of a -T spliced pair */
	EPOLL_KIND_SPLICE_LISTEN, /* a -T socket in the namespace */
	EPOLL_KIND_UDP_NS,	  /* a -U flow's host socket */
	EPOLL_KIND_UDP_NS_LISTEN, /* a -U socket in the namespace */
	EPOLL_KIND_VU_LISTEN,	  /* --vhost-user: a front-end may connect */
	EPOLL_KIND_VU_CTL,	  /* the vhost-user control socket */
	EPOLL_KIND_VU_KICK,	  /* a virtqueue's kick (idx: ring) */
	EPOLL_KIND_COUNT,
};

union epoll_ref {
	struct {
		uint32_t kind : 8; /* enum epoll_kind */
		uint32_t idx : 16; /* flow index, forward index, ... */
		uint32_t gen : 8;  /* flow generation: stale events (the
				    * flow was freed and its index and fd
				    * reused in the same batch) are told
				    * apart from the new flow's */
		int32_t fd;	   /* the descriptor itself */
	};
	uint64_t u64;
};
static_assert(sizeof(union epoll_ref) == sizeof(uint64_t),
	      "epoll_ref must fit epoll_data");
static_assert(EPOLL_KIND_COUNT <= 256, "epoll kind must fit 8 bits");

#endif /* BURROW_EPOLL_REF_H */
