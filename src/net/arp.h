/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arp.h - the ARP responder (RFC 826): we answer for every IPv4 address
 * on the link except the guest's own, so all its traffic comes to us.
 */
#ifndef BURROW_ARP_H
#define BURROW_ARP_H

#include "../conf/conf.h"
#include "../core/pkt.h"

#define ARP_LEN 28 /* Ethernet/IPv4 ARP message */

enum arp_verdict {
	ARP_REPLY,	/* @out holds the reply, send to @dst_mac */
	ARP_IGNORE,	/* valid, nothing to answer */
	ARP_BAD_SHORT,	/* shorter than an Ethernet/IPv4 ARP message */
	ARP_BAD_FORMAT, /* not Ethernet/IPv4 or wrong address sizes */
	ARP_BAD_SENDER, /* sender MAC multicast or broadcast */
	ARP_VERDICT_COUNT,
};
extern const char *const arp_verdict_name[ARP_VERDICT_COUNT];

/* arp_reply() - parse the ARP message at @msg and, for a request we
 * answer, write the 28-byte reply to @out and its Ethernet destination to
 * @dst_mac. Reads only through @msg; writes only through @out. */
enum arp_verdict arp_reply(const struct conf *c, struct pkt *msg,
			   struct pbuf *out, uint8_t dst_mac[6]);

#endif /* BURROW_ARP_H */
