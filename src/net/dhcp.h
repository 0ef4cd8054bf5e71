/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp.h - the DHCPv4 responder (RFC 2131, options from RFC 2132, 3397,
 * 3396 and 6842): one lease, the guest's configured address, for ever.
 *
 * Pure: no sockets, no state. The caller hands in the UDP payload of a
 * datagram the guest sent to port 67 and a builder positioned where the
 * reply's DHCP message goes; dhcp_reply() says whether to send it and to
 * whom. The caller wraps it in UDP (67 -> 68), IPv4 (from c->gw4) and
 * Ethernet (from c->our_mac).
 */
#ifndef BURROW_DHCP_H
#define BURROW_DHCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "../conf/conf.h"
#include "../core/pkt.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* Lease handed out: long, finite (some clients mishandle "infinite"),
 * renewal at half of it and rebinding at 7/8 as RFC 2131 4.4.5 suggests. */
#define DHCP_LEASE_SECS 86400U
#define DHCP_T1_SECS (DHCP_LEASE_SECS / 2)
#define DHCP_T2_SECS (DHCP_LEASE_SECS / 8 * 7)

/* Message types (option 53, RFC 2132 9.6) */
enum dhcp_msg_type {
	DHCP_MSG_NONE = 0, /* not a valid type: option absent */
	DHCP_MSG_DISCOVER = 1,
	DHCP_MSG_OFFER = 2,
	DHCP_MSG_REQUEST = 3,
	DHCP_MSG_DECLINE = 4,
	DHCP_MSG_ACK = 5,
	DHCP_MSG_NAK = 6,
	DHCP_MSG_RELEASE = 7,
	DHCP_MSG_INFORM = 8,
	DHCP_MSG_COUNT,
};
extern const char *const dhcp_msg_type_name[DHCP_MSG_COUNT];

/* What dhcp_reply() decided; also indexes the responder's counters. */
enum dhcp_verdict {
	DHCP_REPLY,	  /* a reply was built: send it per struct dhcp_out */
	DHCP_IGNORE,	  /* valid, nothing to send: RELEASE, DECLINE, not us */
	DHCP_BAD_SHORT,	  /* shorter than the BOOTP header + cookie */
	DHCP_BAD_OP,	  /* op is not BOOTREQUEST */
	DHCP_BAD_HTYPE,	  /* not Ethernet: htype != 1 or hlen != 6 */
	DHCP_BAD_CHADDR,  /* client hardware address multicast or zero */
	DHCP_BAD_COOKIE,  /* magic cookie missing: plain BOOTP or junk */
	DHCP_BAD_OPTION,  /* option past the end, bad length, or repeated */
	DHCP_BAD_NO_TYPE, /* no message type option */
	DHCP_BAD_MSG_TYPE, /* message type unknown or server-to-client */
	DHCP_BAD_RELAY,	   /* relayed (giaddr set): we serve our link only */
	DHCP_ERR_NOSPACE,  /* the reply builder was too small */
	DHCP_VERDICT_COUNT,
};
extern const char *const dhcp_verdict_name[DHCP_VERDICT_COUNT];

/* Where a reply goes (RFC 2131 4.1) */
struct dhcp_out {
	bool broadcast;	    /* send to 255.255.255.255, ff:ff:ff:ff:ff:ff */
	struct in_addr dst; /* destination IP; 255.255.255.255 if broadcast */
	uint8_t dst_mac[6]; /* client hardware address (chaddr), always set
			     * on DHCP_REPLY, even when broadcasting */
	enum dhcp_msg_type type; /* type of the reply: OFFER, ACK or NAK */
};

/*
 * dhcp_reply() - answer one DHCP message from the guest.
 * @c:   configuration: the lease (addr4/prefix4), gw4, dns4, search, mtu
 * @req: cursor over the UDP payload (already narrowed to the UDP length);
 *       it is advanced, the bytes are only read
 * @out: builder positioned where the reply's BOOTP header goes; on
 *       DHCP_REPLY it holds the whole message (at least 300 bytes, at most
 *       what the client's option 57 allows), otherwise its contents past
 *       the starting position are unspecified
 * @o:   filled on DHCP_REPLY only
 *
 * Return: DHCP_REPLY, DHCP_IGNORE, or the reason the message was dropped.
 * Never reads outside @req's window, never writes past @out's capacity.
 */
enum dhcp_verdict dhcp_reply(const struct conf *c, struct pkt *req,
			     struct pbuf *out, struct dhcp_out *o);

#endif /* BURROW_DHCP_H */
