/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nat.h - the address mapping between the guest's view and the host's.
 *
 * Outbound: the gateway address reaches the host itself (its loopback),
 * unless --no-map-gw; DNS queries to the forwarding address go to the
 * host's resolver. Inbound: a host peer on loopback, or on the address the
 * guest shares with the host, appears to the guest as the gateway.
 */
#ifndef BURROW_NAT_H
#define BURROW_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "../conf/conf.h"
#include "../core/inany.h"

/* nat_outbound() - the host-side destination for traffic the guest sends
 * to @dst port @port with IP protocol @proto, in @host. Returns false if
 * it must not leave (no resolver to forward to, link-local, ...). */
bool nat_outbound(const struct conf *c, uint8_t proto,
		  const struct in6_addr *dst, uint16_t port,
		  struct in6_addr *host);

/* nat_inbound() - how the guest sees host-side peer address @a, in
 * @guest. Returns false if the guest cannot be reached in that family. */
bool nat_inbound(const struct conf *c, const struct in6_addr *a,
		 struct in6_addr *guest);

#endif /* BURROW_NAT_H */
