/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.h - checking a DNS query (RFC 1035 4.1) from the guest before it is
 * forwarded to the host's resolvers.
 *
 * Pure: no sockets, no state. The forwarder only needs to know that what
 * it passes on looks like a query, and wants the question for trace logs;
 * the resolver does the real parsing.
 */
#ifndef BURROW_DNS_H
#define BURROW_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/pkt.h"

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_LABEL_MAX 63  /* RFC 1035 2.3.4 */
#define DNS_NAME_MAX 255  /* wire form, length bytes and root included */
#define DNS_JUMPS_MAX 128 /* compression pointers followed per name */
/* Longest text dns_query_check() can produce: every byte as \xNN */
#define DNS_NAME_TEXT_MAX (DNS_NAME_MAX * 4 + 1)

/* What dns_query_check() decided; also indexes the forwarder's counters */
enum dns_verdict {
	DNS_OK,			/* a query: forward it */
	DNS_BAD_SHORT,		/* shorter than the 12-byte header */
	DNS_BAD_RESPONSE,	/* QR set: a response, not a query */
	DNS_BAD_OPCODE,		/* opcode other than QUERY */
	DNS_BAD_NO_QUESTION,	/* QDCOUNT is zero */
	DNS_BAD_NAME_TRUNC,	/* the question's name runs past the end */
	DNS_BAD_LABEL,		/* label type 01/10 (extended, obsolete) */
	DNS_BAD_NAME_LEN,	/* name longer than 255 bytes */
	DNS_BAD_POINTER,	/* compression pointer not strictly backwards,
				 * out of the message, or too many of them */
	DNS_BAD_QUESTION_TRUNC, /* QTYPE or QCLASS missing */
	DNS_VERDICT_COUNT,
};
extern const char *const dns_verdict_name[DNS_VERDICT_COUNT];

/*
 * dns_query_check() - check that @msg holds a standard query and parse its
 * first question.
 * @msg:       cursor over the UDP payload (narrowed to the UDP length);
 *             on DNS_OK it is left just after the first question, the
 *             bytes are only read
 * @qname_out: if not NULL, the first question's name as dotted text with
 *             every byte other than printable ASCII (and '.' or '\' inside
 *             a label) written as \xNN; "." for the root. Always
 *             NUL-terminated, truncated to @qname_len; written on every
 *             verdict (empty if the name was not reached)
 * @qname_len: size of @qname_out (DNS_NAME_TEXT_MAX never truncates)
 * @qtype:     if not NULL, the first question's QTYPE on DNS_OK
 *
 * Compression pointers are allowed (some stub resolvers use them even in
 * queries) but each must point before the start of the piece of name that
 * contains it, so every jump goes strictly backwards and the walk ends;
 * at most DNS_JUMPS_MAX are followed.
 * Return: DNS_OK or the reason to drop the message.
 */
enum dns_verdict dns_query_check(struct pkt *msg, char *qname_out,
				 size_t qname_len, uint16_t *qtype);

#endif /* BURROW_DNS_H */
