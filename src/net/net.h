/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net.h - one frame from the guest in: parse it, answer what is answered
 * locally (ARP, NDP, DHCP, DHCPv6), and describe to the caller what needs
 * a host socket. Touches no sockets: frames out go to the txq.
 *
 * Theory of operation
 *
 * net_frame_in() walks Ethernet -> ARP | IPv4 | IPv6 (extension headers)
 * -> UDP | ICMP | ICMPv6, narrowing the cursor at every layer to what the
 * header claims (after checking the claim), verifying every checksum.
 * Anything malformed is dropped with a verdict that indexes net_drops[];
 * nothing malformed reaches a responder or a flow. IPv4 fragments and
 * IPv6 fragment headers are dropped (no reassembly: the guest's kernel
 * sends at most the MTU we announce, and DF is set on what it sends).
 */
#ifndef BURROW_NET_H
#define BURROW_NET_H

#include <netinet/in.h>
#include <stdint.h>

#include "../conf/conf.h"
#include "../core/pkt.h"

enum net_verdict {
	NET_DONE,	    /* answered or consumed here */
	NET_FLOW,	    /* needs a host socket: see struct net_l4 */
	NET_IGNORE,	    /* valid, not for us (multicast, MLD, ...) */
	NET_DROP_ETH,	    /* truncated Ethernet header */
	NET_DROP_NOT_US,    /* unicast to another MAC, or from a group MAC */
	NET_DROP_ETHERTYPE, /* neither ARP, IPv4 nor IPv6 */
	NET_DROP_ARP,	    /* malformed ARP */
	NET_DROP_IP4,	    /* malformed IPv4 header or lengths */
	NET_DROP_IP4_CSUM,  /* bad IPv4 header checksum */
	NET_DROP_FRAG,	    /* IPv4 or IPv6 fragment */
	NET_DROP_IP6,	    /* malformed IPv6 header or lengths */
	NET_DROP_IP6_EXT,   /* bad or too many extension headers */
	NET_DROP_PROTO,	    /* transport protocol we do not carry */
	NET_DROP_UDP,	    /* malformed UDP header or length */
	NET_DROP_UDP_CSUM,  /* bad UDP checksum */
	NET_DROP_TCP,	    /* malformed TCP header or options */
	NET_DROP_ICMP,	    /* malformed ICMP/ICMPv6 */
	NET_DROP_ICMP_CSUM, /* bad ICMP/ICMPv6 checksum */
	NET_DROP_ICMP_TYPE, /* ICMP type we do not forward */
	NET_DROP_ADDR,	    /* bad source or destination address */
	NET_DROP_DHCP,	    /* malformed DHCP request */
	NET_DROP_NDP,	    /* malformed NDP message */
	NET_DROP_DHCPV6,    /* malformed DHCPv6 message */
	NET_DROP_DNS,	    /* malformed query to the DNS forwarder */
	NET_DROP_TXQ,	    /* a reply did not fit: queue full */
	NET_VERDICT_COUNT,
};
extern const char *const net_verdict_name[NET_VERDICT_COUNT];
extern unsigned long net_drops[NET_VERDICT_COUNT];

/* TCP flags, as in the header's low byte. */
#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

/* What a TCP flow needs from a segment's header. */
struct net_tcp {
	uint32_t seq;  /* sequence number */
	uint32_t ack;  /* acknowledgement number (if TCP_F_ACK) */
	uint16_t win;  /* window field, unscaled */
	uint8_t flags; /* TCP_F_* */
	uint16_t mss;  /* MSS option, 0 if absent (SYN only) */
	int8_t wscale; /* window scale option, -1 if absent (SYN only) */
};

/* What a flow needs to know about a datagram, segment or echo request. */
struct net_l4 {
	uint8_t proto;	     /* IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 */
	struct in6_addr src; /* guest's source (IPv4-mapped for IPv4) */
	struct in6_addr dst; /* destination, as the guest addressed it */
	uint16_t sport;	     /* UDP source port; ICMP echo identifier */
	uint16_t dport;	     /* UDP destination port; 0 for ICMP */
	struct pkt payload;  /* UDP/TCP payload; ICMP: whole echo message */
	struct net_tcp tcp;  /* TCP only */
};

/* net_frame_in() - process one frame from the guest (see above). For
 * NET_FLOW, @l4 describes the datagram and its payload cursor stays valid
 * as long as the frame's buffer. Every verdict but NET_DONE, NET_FLOW and
 * NET_IGNORE is counted in net_drops[]. */
enum net_verdict net_frame_in(const struct conf *c, struct pkt *frame,
			      struct net_l4 *l4);

/* net_ra_periodic() - queue an unsolicited router advertisement. */
void net_ra_periodic(const struct conf *c);

/* Internal to net/: the per-family entry points. */
enum net_verdict net_ip4_in(const struct conf *c, struct pkt *p,
			    const uint8_t *src_mac, struct net_l4 *l4);
/* net_tcp_parse() - the TCP header at @p (narrowed to the segment):
 * offsets, flags and options checked; fills @l4's ports, tcp and payload.
 * The checksum is not verified (see tcp_hdr.c). */
enum net_verdict net_tcp_parse(struct pkt *p, struct net_l4 *l4);
/* net_dns_check() - validate a query to the DNS forwarder (without moving
 * @payload); NET_FLOW if it may be forwarded. */
enum net_verdict net_dns_check(const struct pkt *payload);
enum net_verdict net_ip6_in(const struct conf *c, struct pkt *p,
			    const uint8_t *src_mac, struct net_l4 *l4);

#endif /* BURROW_NET_H */
