// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dns.c - checking a DNS query from the guest before forwarding it.
 *
 * Theory of operation
 *
 * The guest's queries go to the host's resolvers unchanged; this check
 * only keeps obvious junk (responses, other opcodes, broken names) off the
 * host's sockets and gives the trace log a safe rendering of the question.
 * Only the 12-byte header and the first question are looked at: further
 * questions and the additional section (EDNS0 OPT) are the resolver's
 * business.
 *
 * Names (RFC 1035 3.1, 4.1.4): labels of 0..63 bytes (length byte top bits
 * 00) or a 14-bit compression pointer (top bits 11) to an offset from the
 * start of the message; top bits 01 and 10 are refused. The name, in wire
 * form with every length byte and the root, is at most 255 bytes. A
 * pointer must point before the start of the piece of name it ends (the
 * name's start, or the previous pointer's target): targets then strictly
 * decrease, so no loop is possible, and DNS_JUMPS_MAX caps the work anyway.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../core/log.h"
#include "dns.h"

#define DNS_FLAG_QR 0x8000
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_OPCODE_QUERY 0
#define DNS_PTR_MASK 0xc0

const char *const dns_verdict_name[DNS_VERDICT_COUNT] = {
	[DNS_OK] = "ok",
	[DNS_BAD_SHORT] = "truncated header",
	[DNS_BAD_RESPONSE] = "not a query",
	[DNS_BAD_OPCODE] = "opcode not QUERY",
	[DNS_BAD_NO_QUESTION] = "no question",
	[DNS_BAD_NAME_TRUNC] = "truncated name",
	[DNS_BAD_LABEL] = "bad label type",
	[DNS_BAD_NAME_LEN] = "name too long",
	[DNS_BAD_POINTER] = "bad compression pointer",
	[DNS_BAD_QUESTION_TRUNC] = "truncated question",
};
static_assert(ARRAY_SIZE(dns_verdict_name) == DNS_VERDICT_COUNT,
	      "DNS verdict names");

/* Escaped text of a name being built, truncated to fit */
struct dns_text {
	char *s;    /* output, NUL-terminated at all times; NULL: none */
	size_t cap; /* its size */
	size_t len; /* characters written */
	bool full;  /* something did not fit: append nothing more */
};

/* dns_text_put() - append @str whole, or nothing and stop appending. */
static void dns_text_put(struct dns_text *t, const char *str)
{
	size_t n = strlen(str);

	if (!t->s || t->full)
		return;
	if (n + 1 > t->cap - t->len) {
		t->full = true;
		return;
	}
	memcpy(t->s + t->len, str, n + 1);
	t->len += n;
}

/* dns_text_label() - append a label, '.'-separated from the previous one;
 * bytes log_escape() would keep, except '.', stay as they are. */
static void dns_text_label(struct dns_text *t, const uint8_t *l, size_t n)
{
	char e[8];
	size_t i;

	if (t->len)
		dns_text_put(t, ".");
	for (i = 0; i < n; i++) {
		if (l[i] == '.')
			snprintf(e, sizeof(e), "\\x%02x", l[i]);
		else
			log_escape(e, sizeof(e), &l[i], 1);
		dns_text_put(t, e);
	}
}

/*
 * dns_name() - walk the name at the cursor.
 * @msg:  cursor at the name; left after the name's last byte in the
 *        message (its root label or first pointer)
 * @base: cursor at the start of the message, for pointers
 * @t:    escaped text of the name
 *
 * Return: DNS_OK or the reason the name is unusable. Reads only inside
 * @msg's window, follows at most DNS_JUMPS_MAX pointers.
 */
static enum dns_verdict dns_name(struct pkt *msg, const struct pkt *base,
				 struct dns_text *t)
{
	size_t seg_start = pkt_offset(msg) - pkt_offset(base), wire = 0;
	unsigned int jumps = 0;
	uint8_t len, lo, label[DNS_LABEL_MAX];
	const uint8_t *d;
	struct pkt jmp, *p = msg;

	for (;;) {
		if (!pkt_u8(p, &len))
			return DNS_BAD_NAME_TRUNC;
		if ((len & DNS_PTR_MASK) == DNS_PTR_MASK) {
			size_t target;

			if (!pkt_u8(p, &lo))
				return DNS_BAD_NAME_TRUNC;
			target = (size_t)(len & ~DNS_PTR_MASK) << 8 | lo;
			if (target >= seg_start || ++jumps > DNS_JUMPS_MAX)
				return DNS_BAD_POINTER;
			pkt_clone(&jmp, base);
			if (!pkt_skip(&jmp, target))
				return DNS_BAD_POINTER;
			p = &jmp;
			seg_start = target;
			continue;
		}
		if (len & DNS_PTR_MASK)
			return DNS_BAD_LABEL;

		wire += 1 + (size_t)len;
		if (wire > DNS_NAME_MAX)
			return DNS_BAD_NAME_LEN;
		if (!len)
			break;
		d = pkt_pull(p, len, label);
		if (!d)
			return DNS_BAD_NAME_TRUNC;
		dns_text_label(t, d, len);
	}
	if (!t->len)
		dns_text_put(t, ".");
	return DNS_OK;
}

enum dns_verdict dns_query_check(struct pkt *msg, char *qname_out,
				 size_t qname_len, uint16_t *qtype)
{
	char local[DNS_NAME_TEXT_MAX]; /* for the trace line, if no output */
	struct dns_text t = {qname_len ? qname_out : NULL, qname_len, 0, false};
	uint16_t id, flags, qd, an, ns, ar, type, class;
	enum dns_verdict v;
	struct pkt base;

	if (!t.s && unlikely(log_level >= LOG_LVL_TRACE)) {
		t.s = local;
		t.cap = sizeof(local);
	}
	if (t.s)
		t.s[0] = '\0';
	pkt_clone(&base, msg);
	if (!pkt_be16(msg, &id) || !pkt_be16(msg, &flags) ||
	    !pkt_be16(msg, &qd) || !pkt_be16(msg, &an) || !pkt_be16(msg, &ns) ||
	    !pkt_be16(msg, &ar)) {
		v = DNS_BAD_SHORT;
		goto out;
	}
	if (flags & DNS_FLAG_QR) {
		v = DNS_BAD_RESPONSE;
		goto out;
	}
	if (DNS_OPCODE(flags) != DNS_OPCODE_QUERY) {
		v = DNS_BAD_OPCODE;
		goto out;
	}
	if (!qd) {
		v = DNS_BAD_NO_QUESTION;
		goto out;
	}
	v = dns_name(msg, &base, &t);
	if (v != DNS_OK)
		goto out;
	if (!pkt_be16(msg, &type) || !pkt_be16(msg, &class)) {
		v = DNS_BAD_QUESTION_TRUNC;
		goto out;
	}
	if (qtype)
		*qtype = type;
	trace("dns: query id %u for %s type %u class %u", id, t.s ? t.s : "?",
	      type, class);
	return DNS_OK;
out:
	trace("dns: dropped query: %s", dns_verdict_name[v]);
	return v;
}
