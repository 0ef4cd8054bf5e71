/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flow.h - the flow table: every conversation between the guest and a host
 * socket, keyed by what the guest sees.
 *
 * Theory of operation
 *
 * A fixed array of FLOW_MAX entries, allocated at start-up; a hash table
 * of chains (indices, not pointers) finds a flow from its key; a free list
 * hands out entries. Only this file writes the key, the chain and the
 * type; protocol files (udp.c, icmp.c) own the rest of their entries. A
 * full table makes flow_alloc() return NULL: the caller refuses the new
 * flow, existing ones are untouched.
 */
#ifndef BURROW_FLOW_H
#define BURROW_FLOW_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../core/inany.h"
#include "../epoll_ref.h"

#define FLOW_MAX 4096
static_assert(FLOW_MAX <= 65536, "flow index must fit epoll_ref.idx");
#define FLOW_NONE UINT32_MAX

enum flow_type {
	FLOW_FREE,
	FLOW_UDP,
	FLOW_ICMP,
	FLOW_TCP,
	FLOW_SPLICE, /* -T: two sockets joined by splice() */
	FLOW_UDP_NS, /* -U: namespace loopback to host loopback */
	FLOW_TYPE_COUNT,
};
extern const char *const flow_type_name[FLOW_TYPE_COUNT];

/* The guest's view of a flow. Compared with memcmp: build with
 * flow_key_init() so padding is zero. */
struct flow_key {
	uint8_t type; /* enum flow_type */
	uint8_t pad;
	uint16_t gport; /* guest's port; ICMP: echo identifier */
	uint16_t rport; /* remote port as the guest sees it */
	uint16_t pad2;
	struct in6_addr gaddr; /* guest address (IPv4-mapped for IPv4) */
	struct in6_addr raddr; /* remote address as the guest sees it */
};

struct flow {
	struct flow_key key;	   /* written by flow.c only */
	uint32_t next;		   /* hash chain, or free list */
	int fd;			   /* own host socket, or -1 */
	int listen_fd;		   /* UDP inbound: the -u socket, or -1 */
	union sockaddr_inany peer; /* host-side peer of this flow */
	uint16_t host_id;	   /* ICMP: identifier our ping socket has */
	uint8_t gen;		   /* bumped at every allocation */
	time_t last;		   /* last activity, monotonic seconds */
};

/* flow_key_init() - a zeroed key of @type. */
void flow_key_init(struct flow_key *k, enum flow_type type);
/* flow_lookup() - the flow with key @k, or NULL. */
struct flow *flow_lookup(const struct flow_key *k);
/* flow_alloc() - a new flow with key @k (fd, listen_fd -1), or NULL if the
 * table is full. The caller makes sure no flow with @k exists. */
struct flow *flow_alloc(const struct flow_key *k);
/* flow_free() - return @f to the free list (the caller closed its fd). */
void flow_free(struct flow *f);
/* flow_at() - the flow at index @idx if in use, else NULL. */
struct flow *flow_at(uint32_t idx);
/* flow_at_ref() - the flow an epoll event is for, or NULL if that flow
 * is gone (even if its index and descriptor were reused since). */
struct flow *flow_at_ref(union epoll_ref ref);
/* flow_ref() - the epoll tag for @f's descriptor @fd, of @kind. */
union epoll_ref flow_ref(const struct flow *f, enum epoll_kind kind, int fd);
/* flow_idx() - the index of @f. */
uint32_t flow_idx(const struct flow *f);
/* flow_count() - flows in use. */
unsigned int flow_count(void);

#endif /* BURROW_FLOW_H */
