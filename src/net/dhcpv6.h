/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcpv6.h - a stateful DHCPv6 server for exactly one address
 * (RFC 8415), with DNS options (RFC 3646).
 *
 * Pure: takes the UDP payload of a client message and builds the UDP
 * payload of the answer. The caller sends it from c->ll6 port 547 to
 * the client's address port 546, as struct dhcpv6_out says.
 */
#ifndef BURROW_DHCPV6_H
#define BURROW_DHCPV6_H

#include <netinet/in.h>
#include <stdint.h>

#include "../conf/conf.h"
#include "../core/pkt.h"

#define DHCPV6_CLIENT_PORT 546
#define DHCPV6_SERVER_PORT 547
#define DHCPV6_DUID_MAX 130	   /* type + 128 bytes (RFC 8415 11.1) */
#define DHCPV6_LIFETIME 0xffffffff /* infinite: T1, T2, lifetimes */

/* Largest reply dhcpv6_reply() builds: header, client and server IDs,
 * preference, rapid commit, IA_NA with one address, status, DNS,
 * domain list. */
#define DHCPV6_REPLY_MAX                                                       \
	(4 + (4 + DHCPV6_DUID_MAX) + (4 + 10) + 5 + 4 + (16 + 28) + 6 +        \
	 (4 + 16 * CONF_DNS_MAX) + (4 + CONF_SEARCH_MAX * 255))

enum dhcpv6_verdict {
	DHCPV6_REPLY,	      /* @out holds a reply, send it to @o */
	DHCPV6_IGNORE,	      /* disabled, relayed, or not a client message */
	DHCPV6_OTHER_SERVER,  /* addressed to another server's DUID */
	DHCPV6_BAD_LENGTH,    /* shorter than the 4-byte header */
	DHCPV6_BAD_OPTION,    /* option or IA sub-option past its end */
	DHCPV6_BAD_CLIENT_ID, /* client ID missing where required, or bad */
	DHCPV6_BAD_SERVER_ID, /* server ID missing, or where forbidden */
	DHCPV6_BAD_IA,	      /* IA option in an Information-Request */
	DHCPV6_BAD_SOURCE,    /* from :: or a multicast address */
	DHCPV6_NO_ROOM,	      /* the reply did not fit in @out */
	DHCPV6_VERDICT_COUNT,
};

extern const char *const dhcpv6_verdict_name[DHCPV6_VERDICT_COUNT];

/* What the caller knows from the IPv6 header and the frame. */
struct dhcpv6_in {
	struct in6_addr src; /* IPv6 source: the client */
	uint8_t src_mac[6];  /* Ethernet source */
};

/* Where the reply goes (from c->ll6, port 547, to port 546). */
struct dhcpv6_out {
	struct in6_addr dst; /* IPv6 destination */
	uint8_t dst_mac[6];  /* Ethernet destination */
};

/* dhcpv6_reply() - answer one client message.
 * @c:   configuration (addr6, prefix6, dns6, search, our_mac, switches)
 * @in:  facts from the IPv6 header and frame
 * @msg: cursor over the UDP payload, narrowed to it; consumed
 * @out: builder the reply UDP payload is appended to
 * @o:   filled with the reply's destination on DHCPV6_REPLY
 * Returns DHCPV6_REPLY with a complete reply appended to @out, or another
 * verdict with @out's length unchanged (DHCPV6_NO_ROOM also leaves its
 * sticky error set). */
enum dhcpv6_verdict dhcpv6_reply(const struct conf *c,
				 const struct dhcpv6_in *in, struct pkt *msg,
				 struct pbuf *out, struct dhcpv6_out *o);

#endif /* BURROW_DHCPV6_H */
