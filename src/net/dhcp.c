// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp.c - the DHCPv4 responder.
 *
 * Theory of operation
 *
 * There is one client (the guest) and one lease (c->addr4), so there is no
 * lease table and no state: every message is answered from the
 * configuration alone. The server identifier, router and source address
 * of replies is c->gw4.
 *
 *   DISCOVER            -> OFFER c->addr4
 *   REQUEST             -> ignored if its server identifier (option 54)
 *                          names another server (SELECTING state, the
 *                          client chose someone else);
 *                          NAK if the requested address (option 50) or
 *                          ciaddr is set and is not c->addr4 (INIT-REBOOT,
 *                          RENEWING, REBINDING: RFC 2131 4.3.2);
 *                          ACK otherwise
 *   INFORM              -> ACK with configuration but no address or lease
 *   RELEASE, DECLINE    -> nothing: the lease is the configuration, it
 *                          cannot be taken back or given to anyone else
 *   OFFER, ACK, NAK, unknown types -> dropped (a client never sends them)
 *
 * Input limits: the BOOTP header and the magic cookie (240 bytes) must be
 * there; the options field is walked to END or to the end of the datagram,
 * whichever comes first, and every option's length is checked against the
 * bytes left before anything is read. The options we act on (50, 53, 54,
 * 57, 61) must have their RFC 2132 lengths and must not repeat. We
 * deliberately ignore option overload (52): it only matters for clients
 * that need more than ~300 bytes of options, and a message type hidden in
 * 'sname' or 'file' then reads as missing. Relayed messages (giaddr set)
 * are dropped: nothing relays on a point-to-point virtual link.
 *
 * Output: a BOOTREPLY of at least 300 bytes (the BOOTP minimum, RFC 951),
 * at most the client's maximum message size (option 57, never below the
 * 576-byte IP datagram every client must accept, RFC 2131 2) and the
 * builder's capacity. Options are written in priority order; an optional
 * one that does not fit is left out rather than failing the reply.
 * The lease is long and finite (DHCP_LEASE_SECS) with T1/T2 at 1/2 and 7/8:
 * a renewal costs one round trip and always succeeds.
 */
#include <string.h>
#include <strings.h>

#include "../core/log.h"
#include "dhcp.h"

#define DHCP_OP_BOOTREQUEST 1
#define DHCP_OP_BOOTREPLY 2
#define DHCP_HTYPE_ETHER 1
#define DHCP_HLEN_ETHER 6
#define DHCP_FLAG_BROADCAST 0x8000
#define DHCP_CHADDR_LEN 16
#define DHCP_SNAME_LEN 64
#define DHCP_FILE_LEN 128
#define DHCP_HDR_LEN 236 /* op .. file, before the cookie */
#define DHCP_COOKIE_LEN 4
#define DHCP_MSG_MIN 300   /* BOOTP minimum message (RFC 951) */
#define DHCP_DGRAM_MIN 576 /* IP datagram every client accepts */
#define DHCP_IP_UDP_LEN 28 /* IPv4 header without options + UDP */

static_assert(DHCP_HDR_LEN == 4 + 4 + 2 + 2 + 4 * 4 + DHCP_CHADDR_LEN +
				      DHCP_SNAME_LEN + DHCP_FILE_LEN,
	      "BOOTP header layout");

/* Option codes (RFC 2132, 3397) */
enum {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_MASK = 1,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN = 15,
	DHCP_OPT_MTU = 26,
	DHCP_OPT_BCAST = 28,
	DHCP_OPT_REQ_IP = 50,
	DHCP_OPT_LEASE = 51,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_T1 = 58,
	DHCP_OPT_T2 = 59,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_SEARCH = 119,
	DHCP_OPT_END = 255,
};

static const uint8_t dhcp_cookie[DHCP_COOKIE_LEN] = {99, 130, 83, 99};

const char *const dhcp_msg_type_name[DHCP_MSG_COUNT] = {
	[DHCP_MSG_NONE] = "none",	[DHCP_MSG_DISCOVER] = "DISCOVER",
	[DHCP_MSG_OFFER] = "OFFER",	[DHCP_MSG_REQUEST] = "REQUEST",
	[DHCP_MSG_DECLINE] = "DECLINE", [DHCP_MSG_ACK] = "ACK",
	[DHCP_MSG_NAK] = "NAK",		[DHCP_MSG_RELEASE] = "RELEASE",
	[DHCP_MSG_INFORM] = "INFORM",
};
static_assert(ARRAY_SIZE(dhcp_msg_type_name) == DHCP_MSG_COUNT,
	      "DHCP message type names");

const char *const dhcp_verdict_name[DHCP_VERDICT_COUNT] = {
	[DHCP_REPLY] = "reply",
	[DHCP_IGNORE] = "ignored",
	[DHCP_BAD_SHORT] = "truncated header",
	[DHCP_BAD_OP] = "not a BOOTREQUEST",
	[DHCP_BAD_HTYPE] = "not Ethernet",
	[DHCP_BAD_CHADDR] = "bad client hardware address",
	[DHCP_BAD_COOKIE] = "no magic cookie",
	[DHCP_BAD_OPTION] = "malformed option",
	[DHCP_BAD_NO_TYPE] = "no message type",
	[DHCP_BAD_MSG_TYPE] = "unexpected message type",
	[DHCP_BAD_RELAY] = "relayed",
	[DHCP_ERR_NOSPACE] = "reply buffer too small",
};
static_assert(ARRAY_SIZE(dhcp_verdict_name) == DHCP_VERDICT_COUNT,
	      "DHCP verdict names");

/* What we took from a request */
struct dhcp_req {
	uint32_t xid;			 /* transaction ID, echoed */
	uint16_t flags;			 /* flags, echoed */
	struct in_addr ciaddr;		 /* client's current address */
	struct in_addr giaddr;		 /* relay agent, must be zero */
	uint8_t chaddr[DHCP_CHADDR_LEN]; /* client hardware address */
	uint8_t type;			 /* option 53, 0 if absent */
	bool has_req_ip;		 /* option 50 present */
	struct in_addr req_ip;		 /* option 50: requested address */
	bool has_server_id;		 /* option 54 present */
	struct in_addr server_id;	 /* option 54: chosen server */
	uint16_t max_size;		 /* option 57, 0 if absent */
	uint8_t client_id_len;		 /* option 61 length, 0 if absent */
	uint8_t client_id[255];		 /* option 61, echoed (RFC 6842) */
	uint8_t host_len;		 /* option 12 length (trace only) */
	uint8_t host[64];		 /* option 12, truncated */
};

/*
 * dhcp_parse_header() - read the fixed BOOTP header and the cookie.
 * @p: cursor at the start of the DHCP message; left after the cookie
 * @r: fixed fields are filled in
 *
 * Return: DHCP_REPLY (meaning "go on") or the reason to drop the message.
 */
static enum dhcp_verdict dhcp_parse_header(struct pkt *p, struct dhcp_req *r)
{
	uint8_t op, htype, hlen, hops, cookie[DHCP_COOKIE_LEN];
	struct in_addr yiaddr, siaddr;
	uint16_t secs;
	bool ok;

	if (pkt_left(p) < DHCP_HDR_LEN + DHCP_COOKIE_LEN)
		return DHCP_BAD_SHORT;

	ok = pkt_u8(p, &op) && pkt_u8(p, &htype) && pkt_u8(p, &hlen) &&
	     pkt_u8(p, &hops) && pkt_be32(p, &r->xid) && pkt_be16(p, &secs) &&
	     pkt_be16(p, &r->flags) && pkt_copy(p, &r->ciaddr, 4) &&
	     pkt_copy(p, &yiaddr, 4) && pkt_copy(p, &siaddr, 4) &&
	     pkt_copy(p, &r->giaddr, 4) &&
	     pkt_copy(p, r->chaddr, DHCP_CHADDR_LEN) &&
	     pkt_skip(p, DHCP_SNAME_LEN + DHCP_FILE_LEN) &&
	     pkt_copy(p, cookie, DHCP_COOKIE_LEN);
	if (!ok) /* cannot happen after the length check; be safe anyway */
		return DHCP_BAD_SHORT;

	if (op != DHCP_OP_BOOTREQUEST)
		return DHCP_BAD_OP;
	if (htype != DHCP_HTYPE_ETHER || hlen != DHCP_HLEN_ETHER)
		return DHCP_BAD_HTYPE;
	/* Group bit set (multicast, broadcast) or all zeroes: not a host */
	if ((r->chaddr[0] & 1) ||
	    !memcmp(r->chaddr, (const uint8_t[6]){0}, DHCP_HLEN_ETHER))
		return DHCP_BAD_CHADDR;
	if (memcmp(cookie, dhcp_cookie, DHCP_COOKIE_LEN))
		return DHCP_BAD_COOKIE;
	if (r->giaddr.s_addr)
		return DHCP_BAD_RELAY;
	return DHCP_REPLY;
}

/*
 * dhcp_parse_option() - take what we need from one option.
 * @r:    request being filled
 * @code: option code (not PAD or END)
 * @v:    cursor over exactly the option's data (its length is checked)
 * @seen: per-code flags, to refuse repeats of single-valued options
 *
 * Return: DHCP_REPLY to go on, DHCP_BAD_OPTION if the option is unusable.
 */
static enum dhcp_verdict dhcp_parse_option(struct dhcp_req *r, uint8_t code,
					   struct pkt *v, bool seen[256])
{
	size_t len = pkt_left(v);
	bool ok = true;

	switch (code) {
	case DHCP_OPT_MSG_TYPE:
	case DHCP_OPT_REQ_IP:
	case DHCP_OPT_SERVER_ID:
	case DHCP_OPT_MAX_SIZE:
	case DHCP_OPT_CLIENT_ID:
		if (seen[code])
			return DHCP_BAD_OPTION;
		seen[code] = true;
		break;
	default:
		break;
	}

	switch (code) {
	case DHCP_OPT_MSG_TYPE:
		ok = len == 1 && pkt_u8(v, &r->type);
		break;
	case DHCP_OPT_REQ_IP:
		ok = len == 4 && pkt_copy(v, &r->req_ip, 4);
		r->has_req_ip = ok;
		break;
	case DHCP_OPT_SERVER_ID:
		ok = len == 4 && pkt_copy(v, &r->server_id, 4);
		r->has_server_id = ok;
		break;
	case DHCP_OPT_MAX_SIZE:
		ok = len == 2 && pkt_be16(v, &r->max_size);
		break;
	case DHCP_OPT_CLIENT_ID:
		/* RFC 2132 9.14: type and at least one byte of identifier */
		ok = len >= 2 && pkt_copy(v, r->client_id, len);
		r->client_id_len = ok ? (uint8_t)len : 0;
		break;
	case DHCP_OPT_HOSTNAME:
		r->host_len = (uint8_t)MIN(len, sizeof(r->host));
		ok = pkt_copy(v, r->host, r->host_len);
		break;
	default:
		break;
	}
	return ok ? DHCP_REPLY : DHCP_BAD_OPTION;
}

/*
 * dhcp_parse_options() - walk the options field (RFC 2132 2).
 * @p: cursor just after the magic cookie; consumed up to END
 * @r: option-derived fields are filled in
 *
 * A missing END is tolerated (the datagram's end closes the field);
 * an option whose length byte or data runs past the end is not.
 * Return: DHCP_REPLY to go on, or the reason to drop the message.
 */
static enum dhcp_verdict dhcp_parse_options(struct pkt *p, struct dhcp_req *r)
{
	bool seen[256] = {false};
	enum dhcp_verdict v;
	uint8_t code, len;
	struct pkt val;

	while (pkt_left(p)) {
		if (!pkt_u8(p, &code))
			return DHCP_BAD_OPTION;
		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			break;
		if (!pkt_u8(p, &len) || !pkt_sub(p, len, &val))
			return DHCP_BAD_OPTION;
		v = dhcp_parse_option(r, code, &val, seen);
		if (v != DHCP_REPLY)
			return v;
	}
	if (!seen[DHCP_OPT_MSG_TYPE])
		return DHCP_BAD_NO_TYPE;
	if (r->type == DHCP_MSG_NONE || r->type >= DHCP_MSG_COUNT)
		return DHCP_BAD_MSG_TYPE;
	return DHCP_REPLY;
}

/*
 * dhcp_opt() - append one option if it fits below @limit, keeping a byte
 * for END. Data longer than 255 bytes is split into consecutive instances
 * of the same option (RFC 3396); the option is written whole or not at all.
 * Return: true if written.
 */
static bool dhcp_opt(struct pbuf *b, size_t limit, uint8_t code,
		     const void *data, size_t len)
{
	size_t need = len + 2 * (len ? (len + 254) / 255 : 1);
	const uint8_t *d = data;

	if (b->len > limit || need + 1 > limit - b->len) {
		trace("dhcp: option %u (%zu bytes) left out: no room", code,
		      len);
		return false;
	}
	do {
		size_t n = MIN(len, 255);

		pbuf_u8(b, code);
		pbuf_u8(b, (uint8_t)n);
		pbuf_bytes(b, d, n);
		d += n;
		len -= n;
	} while (len);
	return true;
}

/* dhcp_opt_addr() - append an option holding one IPv4 address. */
static bool dhcp_opt_addr(struct pbuf *b, size_t limit, uint8_t code,
			  struct in_addr a)
{
	return dhcp_opt(b, limit, code, &a.s_addr, 4);
}

/* dhcp_opt_be32() - append an option holding one 32-bit number. */
static bool dhcp_opt_be32(struct pbuf *b, size_t limit, uint8_t code,
			  uint32_t v)
{
	uint8_t d[4];

	put_be32(d, v);
	return dhcp_opt(b, limit, code, d, sizeof(d));
}

/*
 * dhcp_domain_len() - length of search domain @s in text form without a
 * trailing dot, if it can be encoded as a DNS name: labels of 1 to 63
 * bytes, at most 255 bytes in wire form. Return: 0 if it cannot.
 */
static size_t dhcp_domain_len(const char *s)
{
	size_t n = strnlen(s, CONF_SEARCH_LEN + 1), i, label = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (!n || n + 2 > 255)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '.') {
			if (++label > 63)
				return 0;
			continue;
		}
		if (!label)
			return 0;
		label = 0;
	}
	return label ? n : 0;
}

/* A suffix already written into the search list, for compression */
struct dhcp_suffix {
	const char *s; /* text of the suffix */
	size_t len;    /* its length */
	size_t off;    /* where its wire form starts in the list */
};

#define DHCP_SUFFIX_MAX 64 /* compression is best effort past this */

/*
 * dhcp_search_encode() - the domain search list (RFC 3397) of @c in DNS
 * wire form into @b, with suffixes compressed against earlier names.
 * Names that cannot be encoded are skipped. Return: bytes written.
 */
static size_t dhcp_search_encode(const struct conf *c, struct pbuf *b)
{
	struct dhcp_suffix sfx[DHCP_SUFFIX_MAX];
	unsigned int i, j, nsfx = 0;

	for (i = 0; i < MIN(c->search_n, CONF_SEARCH_MAX); i++) {
		const char *s = c->search[i];
		size_t n = dhcp_domain_len(s), pos = 0;
		bool done = false;

		while (n && pos < n && !done) {
			size_t l = strcspn(s + pos, ".");

			l = MIN(l, n - pos);
			for (j = 0; j < nsfx && !done; j++) {
				if (sfx[j].len != n - pos ||
				    strncasecmp(sfx[j].s, s + pos, n - pos))
					continue;
				pbuf_be16(b, (uint16_t)(0xc000 | sfx[j].off));
				done = true;
			}
			if (done)
				break;
			if (nsfx < DHCP_SUFFIX_MAX && b->len < 0x3fff)
				sfx[nsfx++] = (struct dhcp_suffix){
					s + pos, n - pos, b->len};
			pbuf_u8(b, (uint8_t)l);
			pbuf_bytes(b, s + pos, l);
			pos += l + 1;
		}
		if (n && !done)
			pbuf_u8(b, 0);
	}
	return pbuf_ok(b) ? b->len : 0;
}

/*
 * dhcp_put_config() - the network configuration options, in the order
 * they matter to a client, each left out if it no longer fits.
 */
static void dhcp_put_config(const struct conf *c, struct pbuf *b, size_t limit)
{
	/* Six names of up to 255 bytes each, uncompressed */
	uint8_t list[CONF_SEARCH_MAX * 255];
	unsigned int prefix = MIN(c->prefix4, 32U);
	uint32_t mask = prefix ? ~0U << (32 - prefix) : 0;
	struct in_addr a;
	struct pbuf lb;
	size_t n;

	put_be32(&a.s_addr, mask);
	dhcp_opt_addr(b, limit, DHCP_OPT_MASK, a);
	if (c->gw4.s_addr)
		dhcp_opt_addr(b, limit, DHCP_OPT_ROUTER, c->gw4);
	n = MIN(c->dns4_n, CONF_DNS_MAX);
	if (n)
		dhcp_opt(b, limit, DHCP_OPT_DNS, c->dns4, n * 4);
	if (c->mtu >= CONF_MTU_MIN && c->mtu <= UINT16_MAX) {
		uint8_t mtu[2];

		put_be16(mtu, (uint16_t)c->mtu);
		dhcp_opt(b, limit, DHCP_OPT_MTU, mtu, sizeof(mtu));
	}
	put_be32(&a.s_addr, get_be32(&c->addr4.s_addr) | ~mask);
	dhcp_opt_addr(b, limit, DHCP_OPT_BCAST, a);

	if (c->search_n && (n = dhcp_domain_len(c->search[0])))
		dhcp_opt(b, limit, DHCP_OPT_DOMAIN, c->search[0], n);
	pbuf_init(&lb, list, sizeof(list));
	n = dhcp_search_encode(c, &lb);
	if (n)
		dhcp_opt(b, limit, DHCP_OPT_SEARCH, list, n);
}

/*
 * dhcp_build() - write the reply of type @type to @r into @b.
 * @limit: absolute offset in @b the message must not pass
 * Return: DHCP_REPLY, or DHCP_ERR_NOSPACE if even the fixed part, the
 * essential options and the 300-byte minimum did not fit.
 */
static enum dhcp_verdict dhcp_build(const struct conf *c,
				    const struct dhcp_req *r,
				    enum dhcp_msg_type type, struct pbuf *b,
				    size_t limit)
{
	static const char nak_msg[] = "requested address is not available";
	bool inform = r->type == DHCP_MSG_INFORM;
	bool lease = type != DHCP_MSG_NAK && !inform;
	struct in_addr zero = {0};
	size_t start = b->len;
	bool ok;

	pbuf_u8(b, DHCP_OP_BOOTREPLY);
	pbuf_u8(b, DHCP_HTYPE_ETHER);
	pbuf_u8(b, DHCP_HLEN_ETHER);
	pbuf_u8(b, 0); /* hops */
	pbuf_be32(b, r->xid);
	pbuf_be16(b, 0); /* secs */
	pbuf_be16(b, r->flags);
	/* ciaddr: echoed in an ACK (RFC 2131 table 3), else zero */
	pbuf_bytes(b, type == DHCP_MSG_ACK ? &r->ciaddr : &zero, 4);
	pbuf_bytes(b, lease ? &c->addr4 : &zero, 4); /* yiaddr */
	pbuf_bytes(b, &zero, 4);      /* siaddr: no boot server */
	pbuf_bytes(b, &r->giaddr, 4); /* giaddr: zero, relays refused */
	pbuf_bytes(b, r->chaddr, DHCP_CHADDR_LEN);
	pbuf_put(b, DHCP_SNAME_LEN + DHCP_FILE_LEN);
	pbuf_bytes(b, dhcp_cookie, DHCP_COOKIE_LEN);
	if (!pbuf_ok(b))
		return DHCP_ERR_NOSPACE;

	/* Essential: without these the client discards the reply */
	ok = dhcp_opt(b, limit, DHCP_OPT_MSG_TYPE, (const uint8_t[]){type},
		      1) &&
	     dhcp_opt_addr(b, limit, DHCP_OPT_SERVER_ID, c->gw4);
	if (!ok)
		return DHCP_ERR_NOSPACE;
	if (r->client_id_len) /* RFC 6842: MUST echo it */
		dhcp_opt(b, limit, DHCP_OPT_CLIENT_ID, r->client_id,
			 r->client_id_len);

	if (type == DHCP_MSG_NAK) {
		dhcp_opt(b, limit, DHCP_OPT_MESSAGE, nak_msg,
			 sizeof(nak_msg) - 1);
	} else {
		if (lease) {
			dhcp_opt_be32(b, limit, DHCP_OPT_LEASE,
				      DHCP_LEASE_SECS);
			dhcp_opt_be32(b, limit, DHCP_OPT_T1, DHCP_T1_SECS);
			dhcp_opt_be32(b, limit, DHCP_OPT_T2, DHCP_T2_SECS);
		}
		dhcp_put_config(c, b, limit);
	}

	pbuf_u8(b, DHCP_OPT_END);
	if (b->len - start < DHCP_MSG_MIN)
		pbuf_put(b, DHCP_MSG_MIN - (b->len - start));
	return pbuf_ok(b) ? DHCP_REPLY : DHCP_ERR_NOSPACE;
}

/*
 * dhcp_dest() - where the reply goes (RFC 2131 4.1, giaddr being zero):
 * NAKs are broadcast; a client with an address (ciaddr) gets unicast to it;
 * a client that asked for broadcast (flag), or that gets no address
 * (INFORM without ciaddr), gets broadcast; anyone else gets unicast to
 * the offered address at its hardware address.
 */
static void dhcp_dest(const struct conf *c, const struct dhcp_req *r,
		      enum dhcp_msg_type type, struct dhcp_out *o)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->dst_mac, r->chaddr, sizeof(o->dst_mac));
	o->type = type;
	/* RFC 2131 4.1's order, kept as written: NAK, ciaddr, flag. */
	// NOLINTBEGIN(bugprone-branch-clone)
	if (type == DHCP_MSG_NAK)
		o->broadcast = true;
	else if (r->ciaddr.s_addr)
		o->dst = r->ciaddr;
	else if ((r->flags & DHCP_FLAG_BROADCAST) || r->type == DHCP_MSG_INFORM)
		o->broadcast = true;
	else
		o->dst = c->addr4;
	// NOLINTEND(bugprone-branch-clone)
	if (o->broadcast)
		o->dst.s_addr = htonl(INADDR_BROADCAST);
}

/*
 * dhcp_decide() - the state machine of the theory block: which reply, if
 * any, a valid request of known type gets.
 * Return: DHCP_MSG_OFFER/ACK/NAK, or DHCP_MSG_NONE for no reply.
 */
static enum dhcp_msg_type dhcp_decide(const struct conf *c,
				      const struct dhcp_req *r)
{
	switch (r->type) {
	case DHCP_MSG_DISCOVER:
		return DHCP_MSG_OFFER;
	case DHCP_MSG_REQUEST:
		if (r->has_server_id && r->server_id.s_addr != c->gw4.s_addr)
			return DHCP_MSG_NONE;
		if ((r->has_req_ip && r->req_ip.s_addr != c->addr4.s_addr) ||
		    (r->ciaddr.s_addr && r->ciaddr.s_addr != c->addr4.s_addr))
			return DHCP_MSG_NAK;
		return DHCP_MSG_ACK;
	case DHCP_MSG_INFORM:
		return DHCP_MSG_ACK;
	default: /* RELEASE, DECLINE */
		return DHCP_MSG_NONE;
	}
}

/* dhcp_trace() - one trace line about a request and its outcome. */
static void dhcp_trace(const struct dhcp_req *r, enum dhcp_verdict v,
		       enum dhcp_msg_type reply)
{
	char host[sizeof(r->host) * 4 + 1];
	const uint8_t *m = r->chaddr;

	if (likely(log_level < LOG_LVL_TRACE))
		return;
	log_escape(host, sizeof(host), r->host, r->host_len);
	trace("dhcp: %s from %02x:%02x:%02x:%02x:%02x:%02x host \"%s\": %s%s%s",
	      r->type < DHCP_MSG_COUNT ? dhcp_msg_type_name[r->type] : "?",
	      m[0], m[1], m[2], m[3], m[4], m[5], host, dhcp_verdict_name[v],
	      v == DHCP_REPLY ? " " : "",
	      v == DHCP_REPLY ? dhcp_msg_type_name[reply] : "");
}

enum dhcp_verdict dhcp_reply(const struct conf *c, struct pkt *req,
			     struct pbuf *out, struct dhcp_out *o)
{
	enum dhcp_msg_type type = DHCP_MSG_NONE;
	struct dhcp_req r;
	enum dhcp_verdict v;
	size_t max, limit;

	memset(&r, 0, sizeof(r));
	v = dhcp_parse_header(req, &r);
	if (v != DHCP_REPLY)
		goto out;
	v = dhcp_parse_options(req, &r);
	if (v != DHCP_REPLY)
		goto out;
	if (r.type == DHCP_MSG_OFFER || r.type == DHCP_MSG_ACK ||
	    r.type == DHCP_MSG_NAK) {
		v = DHCP_BAD_MSG_TYPE;
		goto out;
	}

	type = dhcp_decide(c, &r);
	if (type == DHCP_MSG_NONE) {
		v = DHCP_IGNORE;
		goto out;
	}

	max = MAX(r.max_size, DHCP_DGRAM_MIN) - DHCP_IP_UDP_LEN;
	limit = out->len + MIN(max, out->cap - MIN(out->cap, out->len));
	v = dhcp_build(c, &r, type, out, limit);
	if (v == DHCP_REPLY)
		dhcp_dest(c, &r, type, o);
out:
	dhcp_trace(&r, v, type);
	return v;
}
