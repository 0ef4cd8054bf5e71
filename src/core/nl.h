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
#include <stdint.h>

/* nl_open() - a NETLINK_ROUTE socket; returns the fd or -errno. */
int nl_open(void);

/* nl_default_route() - the first default route of family @af: its output
 * interface in @ifindex and its gateway (struct in_addr / struct in6_addr)
 * in @gw (zeroed if the route has none). -ENOENT if there is none. */
int nl_default_route(int nl, int af, int *ifindex, void *gw);

/* nl_addr_get() - the first address of family @af and global scope on
 * @ifindex, into @addr with its prefix length in @prefix. -ENOENT if none.
 * For IPv6, addresses still tentative (DAD) are skipped. */
int nl_addr_get(int nl, int af, int ifindex, void *addr,
		unsigned int *prefix);

/* nl_link_set() - set @ifindex's MTU (if @mtu is not 0) and bring it up. */
int nl_link_set(int nl, int ifindex, unsigned int mtu);

/* nl_addr_add() - add @addr/@prefix of family @af to @ifindex; IPv6
 * addresses are added with IFA_F_NODAD so they are usable at once. */
int nl_addr_add(int nl, int ifindex, int af, const void *addr,
		unsigned int prefix);

/* nl_route_add_default() - a default route of family @af via @gw on
 * @ifindex. */
int nl_route_add_default(int nl, int ifindex, int af, const void *gw);

#endif /* BURROW_NL_H */
