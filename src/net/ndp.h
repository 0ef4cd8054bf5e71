/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ndp.h - the neighbour discovery responder (RFC 4861) and router
 * advertisements with DNS options (RFC 8106).
 *
 * Pure: takes the ICMPv6 message and what the caller parsed from the IPv6
 * header and the frame, builds the reply ICMPv6 message (checksum
 * included) and says where it goes. The caller wraps it in IPv6 (hop
 * limit from struct ndp_out, next header 58) and Ethernet.
 */
#ifndef BURROW_NDP_H
#define BURROW_NDP_H

#include <netinet/in.h>
#include <stdint.h>

#include "../conf/conf.h"
#include "../core/pkt.h"

/* ICMPv6 types handled here (RFC 4861 section 4). */
#define NDP_RS 133
#define NDP_RA 134
#define NDP_NS 135
#define NDP_NA 136
#define NDP_REDIRECT 137

#define NDP_HOP_LIMIT 255	       /* on every NDP message, both ways */
#define NDP_ROUTER_LIFETIME 9000       /* s, the most RFC 4861 6.2.1 allows */
#define NDP_RA_INTERVAL_MAX 600	       /* s, resend ndp_ra_build() this often */
#define NDP_DNS_LIFETIME 9000	       /* s, RDNSS and DNSSL lifetime */
#define NDP_PREFIX_LIFETIME 0xffffffff /* infinite valid/preferred lifetime */
#define NDP_REPLY_MAX 1664 /* largest reply: RA with 3 RDNSS, 6 full domains */

enum ndp_verdict {
	NDP_REPLY,	   /* @out holds a reply, send it as @o says */
	NDP_IGNORE,	   /* valid, or not ours to answer: nothing to send */
	NDP_BAD_HOP_LIMIT, /* IPv6 hop limit was not 255 */
	NDP_BAD_CODE,	   /* ICMPv6 code was not 0 */
	NDP_BAD_LENGTH,	   /* message shorter than its type requires */
	NDP_BAD_OPTION,	   /* option of length 0 or past the end */
	NDP_BAD_TARGET,	   /* NS for a multicast target */
	NDP_BAD_SOURCE,	   /* multicast source, or from :: with a
			     * link-layer option or to a wrong dst */
	NDP_NO_ROOM,	   /* the reply did not fit in @out */
	NDP_VERDICT_COUNT,
};

extern const char *const ndp_verdict_name[NDP_VERDICT_COUNT];

/* What the caller knows from the IPv6 header and the frame. */
struct ndp_in {
	struct in6_addr src; /* IPv6 source */
	struct in6_addr dst; /* IPv6 destination */
	uint8_t hop_limit;   /* IPv6 hop limit as received */
	uint8_t src_mac[6];  /* Ethernet source */
};

/* Where the reply goes; valid only with NDP_REPLY (or ndp_ra_build()
 * returning 0). */
struct ndp_out {
	struct in6_addr src; /* IPv6 source for the reply */
	struct in6_addr dst; /* IPv6 destination for the reply */
	uint8_t hop_limit;   /* IPv6 hop limit: always 255 */
	uint8_t dst_mac[6];  /* Ethernet destination */
};

/* ndp_reply() - answer one NDP message from the guest.
 * @c:   configuration (our addresses, MAC, MTU, DNS, switches)
 * @in:  IPv6/Ethernet facts about the message; the caller has checked the
 *       IPv6 header and the ICMPv6 checksum, nothing else
 * @msg: cursor over the ICMPv6 message from its type byte, narrowed to
 *       the IPv6 payload; it is consumed
 * @out: builder the reply ICMPv6 message is appended to
 * @o:   filled with the reply's addresses on NDP_REPLY
 * Returns NDP_REPLY with a complete, checksummed message appended to
 * @out, or another verdict with @out's length unchanged (NDP_NO_ROOM
 * also leaves @out's sticky error set). */
enum ndp_verdict ndp_reply(const struct conf *c, const struct ndp_in *in,
			   struct pkt *msg, struct pbuf *out,
			   struct ndp_out *o);

/* ndp_ra_build() - an unsolicited router advertisement from c->ll6 to
 * all-nodes (ff02::1), for sending at start and at least every
 * NDP_RA_INTERVAL_MAX seconds. Returns 0 with the message appended to
 * @out and @o filled, -ENOSPC if it did not fit (@out unchanged), or
 * -EPERM if router advertisements are disabled. */
int ndp_ra_build(const struct conf *c, struct pbuf *out, struct ndp_out *o);

#endif /* BURROW_NDP_H */
