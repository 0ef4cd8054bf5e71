/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nl.h - the few rtnetlink requests burrow makes: read the host's default
 * route and addresses at start-up, and configure the tap device inside the
 * namespace (--config-net). Synchronous, one request at a time, replies
 * parsed with length checks. All functions work on the network namespace
 * the calling thread is in when nl_open() was called.
 *
 * Functions return 0 or a negative errno.
 */
#ifndef BURROW_NL_H
#define BURROW_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* nl_open() - a NETLINK_ROUTE socket; returns the fd or -errno. */
int nl_open(void);

/* nl_default_route() - the first default route of family @af: its output
 * interface in @ifindex and its gateway (struct in_addr / struct in6_addr)
 * in @gw (zeroed if the route has none). -ENOENT if there is none. */
int nl_default_route(int nl, int af, int *ifindex, void *gw);

/* nl_addr_get() - the first address of family @af and global scope on
 * @ifindex, into @addr with its prefix length in @prefix. -ENOENT if none.
 * For IPv6, addresses still tentative (DAD) are skipped. */
int nl_addr_get(int nl, int af, int ifindex, void *addr, unsigned int *prefix);

/* nl_link_set() - set @ifindex's MTU (if @mtu is not 0) and bring it up. */
int nl_link_set(int nl, int ifindex, unsigned int mtu);

/* nl_addr_add() - add @addr/@prefix of family @af to @ifindex; IPv6
 * addresses are added with IFA_F_NODAD so they are usable at once. */
int nl_addr_add(int nl, int ifindex, int af, const void *addr,
		unsigned int prefix);

/* nl_route_add_default() - a default route of family @af via @gw on
 * @ifindex. */
int nl_route_add_default(int nl, int ifindex, int af, const void *gw);

/*
 * The pure part: parsing of received datagrams, no socket involved. Exposed
 * for the unit tests (tests/unit/test_nl.c); nothing else should need it.
 */

/* What a message parser made of one message. */
enum nl_verdict {
	NL_MATCH,     /* the message is what we look for; result filled */
	NL_SKIP,      /* well-formed, but not what we look for */
	NL_MALFORMED, /* a length does not add up: message ignored */
	NL_VERDICT_COUNT,
};

/* A parser for the payload (after struct nlmsghdr) of one message. */
typedef enum nl_verdict (*nl_parse_fn)(struct pkt *msg, void *arg);

/* Query and result of nl_route_parse(). */
struct nl_route_q {
	int af;		/* in: AF_INET or AF_INET6 */
	int ifindex;	/* out: output interface */
	uint8_t gw[16]; /* out: gateway (4 or 16 bytes used), zero if none */
};

/* Query and result of nl_addr_parse(). */
struct nl_addr_q {
	int af;		     /* in: AF_INET or AF_INET6 */
	int ifindex;	     /* in: interface, 0 for any */
	uint8_t addr[16];    /* out: the address (4 or 16 bytes used) */
	unsigned int prefix; /* out: its prefix length */
};

/* nl_route_parse() - an RTM_NEWROUTE payload: NL_MATCH if it is a unicast
 * default route of @arg's family in the main table with an output
 * interface (for multipath routes: the first nexthop's). */
enum nl_verdict nl_route_parse(struct pkt *msg, void *arg);

/* nl_addr_parse() - an RTM_NEWADDR payload: NL_MATCH if it is a usable
 * address (universe scope; for IPv6 not tentative nor DAD-failed) of
 * @arg's family on @arg's interface. */
enum nl_verdict nl_addr_parse(struct pkt *msg, void *arg);

/* nl_dump_feed() - one received datagram of a dump answering sequence
 * number @seq: messages of @type are handed to @fn until it returns
 * NL_MATCH (then *@found is set and later ones are ignored); messages with
 * another sequence number are ignored. Returns 1 once NLMSG_DONE is seen,
 * 0 if more datagrams follow, -errno from an error reply, -EPROTO if the
 * message framing is broken. */
int nl_dump_feed(const void *buf, size_t len, uint32_t seq, uint16_t type,
		 nl_parse_fn fn, void *arg, bool *found);

/* nl_ack_feed() - look for the acknowledgement of @seq in one received
 * datagram: returns 1 and its status (0 or -errno) in *@error if found, 0
 * if not there, -EPROTO if the framing is broken. */
int nl_ack_feed(const void *buf, size_t len, uint32_t seq, int *error);

#endif /* BURROW_NL_H */
