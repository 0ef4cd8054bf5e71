// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcpv6.c - stateful DHCPv6 server for one address.
 *
 * Theory of operation
 *
 * There is one guest and one address, c->addr6, so there is no lease
 * table: every client that asks gets c->addr6 in the first IA_NA of its
 * message, with infinite lifetimes and T1 = T2 = infinity (RFC 8415
 * 21.4: never renew), because the address is ours to give for as long as
 * burrow runs. Release and Decline have nothing to free: they get a
 * Success status. The router advertisements (ndp.c) set M=1 and
 * announce the prefix with A=0, so this is how the guest gets c->addr6.
 *
 * Messages (RFC 8415 section 16 validation, section 18.3 answers):
 *   Solicit            client ID, no server ID -> Advertise (preference
 *                      255, so the client need not wait for others), or
 *                      Reply if it asked for Rapid Commit and has an IA_NA
 *   Request, Renew     client ID, our server ID -> Reply with the address
 *   Rebind             client ID, no server ID -> Reply with the address
 *   Confirm            client ID, no server ID -> Reply: Success if every
 *                      address is in our prefix, else NotOnLink; ignored
 *                      without addresses
 *   Release, Decline   client ID, our server ID -> Reply: Success
 *   Information-Request  no IA, server ID ours if present -> Reply
 * A message for another server's DUID is ignored (it may be a second
 * server on the link, in theory). Relay messages and server messages
 * are ignored: there is no relay between us and the guest. Only IA_NA is
 * served; IA_TA and IA_PD are not answered, and a Solicit/Request without
 * an IA_NA gets a NoAddrsAvail status.
 *
 * Options out: client ID (echoed), server ID (DUID-LL from c->our_mac),
 * IA_NA, DNS servers (23) and domain list (24), always, whether or not
 * the Option Request option asked for them (RFC 8415 18.3 allows this).
 *
 * Limits: the client DUID is at most DHCPV6_DUID_MAX bytes; only the
 * first IA_NA is answered; nesting is walked one level deep (IA_NA's
 * sub-options, whose own options are bounds-checked but not read);
 * replies are at most DHCPV6_REPLY_MAX bytes.
 */
#include <string.h>

#include "../core/log.h"
#include "dhcpv6.h"
#include "dname.h"

const char *const dhcpv6_verdict_name[] = {
	[DHCPV6_REPLY] = "reply",
	[DHCPV6_IGNORE] = "ignore",
	[DHCPV6_OTHER_SERVER] = "other server",
	[DHCPV6_BAD_LENGTH] = "bad length",
	[DHCPV6_BAD_OPTION] = "bad option",
	[DHCPV6_BAD_CLIENT_ID] = "bad client id",
	[DHCPV6_BAD_SERVER_ID] = "bad server id",
	[DHCPV6_BAD_IA] = "bad ia",
	[DHCPV6_BAD_SOURCE] = "bad source",
	[DHCPV6_NO_ROOM] = "no room for reply",
};
static_assert(ARRAY_SIZE(dhcpv6_verdict_name) == DHCPV6_VERDICT_COUNT,
	      "dhcpv6 verdict names");

/* Message types (RFC 8415 7.3). */
enum {
	DHCPV6_SOLICIT = 1,
	DHCPV6_ADVERTISE = 2,
	DHCPV6_REQUEST = 3,
	DHCPV6_CONFIRM = 4,
	DHCPV6_RENEW = 5,
	DHCPV6_REBIND = 6,
	DHCPV6_REPLY_MSG = 7,
	DHCPV6_RELEASE = 8,
	DHCPV6_DECLINE = 9,
	DHCPV6_INFO_REQUEST = 11,
};

/* Option codes (RFC 8415 21, RFC 3646). */
enum {
	DHCPV6_OPT_CLIENTID = 1,
	DHCPV6_OPT_SERVERID = 2,
	DHCPV6_OPT_IA_NA = 3,
	DHCPV6_OPT_IA_TA = 4,
	DHCPV6_OPT_IAADDR = 5,
	DHCPV6_OPT_PREFERENCE = 7,
	DHCPV6_OPT_STATUS = 13,
	DHCPV6_OPT_RAPID_COMMIT = 14,
	DHCPV6_OPT_DNS = 23,
	DHCPV6_OPT_DOMAINS = 24,
	DHCPV6_OPT_IA_PD = 25,
};

/* Status codes (RFC 8415 21.13). */
enum {
	DHCPV6_ST_SUCCESS = 0,
	DHCPV6_ST_NO_ADDRS = 2,
	DHCPV6_ST_NOT_ON_LINK = 4,
};

#define DHCPV6_IA_NA_LEN 12  /* IAID, T1, T2 */
#define DHCPV6_IAADDR_LEN 24 /* address, preferred and valid lifetime */
#define DHCPV6_DUID_LL 3     /* DUID-LL type (RFC 8415 11.4) */
#define DHCPV6_HW_ETHER 1    /* hardware type: Ethernet */
#define DHCPV6_SERVER_DUID_LEN 10

/* What a client message says, as far as we care. */
struct dhcpv6_req {
	uint8_t type;		       /* message type */
	uint8_t xid[3];		       /* transaction ID, echoed */
	uint8_t duid[DHCPV6_DUID_MAX]; /* client DUID (first client ID) */
	size_t duid_len;	       /* its length, 0: no client ID */
	bool server;		       /* a server ID is present */
	bool server_ours;	       /* ... and it is our DUID */
	bool rapid;		       /* Rapid Commit requested */
	bool ia_na;		       /* an IA_NA is present */
	uint8_t iaid[4];	       /* IAID of the first IA_NA */
	bool ia_any;		       /* any IA_NA, IA_TA or IA_PD */
	unsigned int addrs;	       /* IA addresses in all IA_NAs */
	unsigned int offlink;	       /* ... of which not in our prefix */
};

/* dhcpv6_server_duid() - our DUID-LL into @duid (10 bytes). */
static void dhcpv6_server_duid(const struct conf *c, uint8_t *duid)
{
	put_be16(duid, DHCPV6_DUID_LL);
	put_be16(duid + 2, DHCPV6_HW_ETHER);
	memcpy(duid + 4, c->our_mac, 6);
}

/* dhcpv6_on_link() - true if @a is within c->addr6/c->prefix6. */
static bool dhcpv6_on_link(const struct conf *c, const uint8_t *a)
{
	unsigned int plen = MIN(c->prefix6, 128U), full = plen / 8;
	uint8_t mask;

	if (memcmp(a, c->addr6.s6_addr, full))
		return false;
	if (!(plen % 8))
		return true;
	mask = (uint8_t)(0xff00 >> (plen % 8));
	return !((a[full] ^ c->addr6.s6_addr[full]) & mask);
}

/* dhcpv6_ia_na() - parse an IA_NA option body in @p: note the IAID of
 * the first one, count its addresses and those off our link. Every
 * sub-option must end within the IA_NA. Returns false if malformed. */
static bool dhcpv6_ia_na(const struct conf *c, struct pkt *p,
			 struct dhcpv6_req *r)
{
	uint8_t iaid[4];

	if (!pkt_copy(p, iaid, 4) || !pkt_skip(p, 8))
		return false;
	if (!r->ia_na) {
		r->ia_na = true;
		memcpy(r->iaid, iaid, 4);
	}
	while (pkt_left(p)) {
		uint16_t code, len;
		uint8_t addr[16];
		struct pkt sub;

		if (!pkt_be16(p, &code) || !pkt_be16(p, &len) ||
		    !pkt_sub(p, len, &sub))
			return false;
		if (code != DHCPV6_OPT_IAADDR)
			continue;
		if (len < DHCPV6_IAADDR_LEN || !pkt_copy(&sub, addr, 16))
			return false;
		r->addrs++;
		if (!dhcpv6_on_link(c, addr))
			r->offlink++;
	}
	return pkt_ok(p);
}

/* dhcpv6_parse() - read the header and walk every option of @msg into
 * @r. Returns DHCPV6_REPLY if the message is well-formed (nothing is
 * decided about it yet), or the verdict that ends it. */
static enum dhcpv6_verdict dhcpv6_parse(const struct conf *c, struct pkt *msg,
					struct dhcpv6_req *r)
{
	uint8_t ours[DHCPV6_SERVER_DUID_LEN];

	memset(r, 0, sizeof(*r));
	if (!pkt_u8(msg, &r->type) || !pkt_copy(msg, r->xid, 3))
		return DHCPV6_BAD_LENGTH;
	switch (r->type) {
	case DHCPV6_SOLICIT:
	case DHCPV6_REQUEST:
	case DHCPV6_CONFIRM:
	case DHCPV6_RENEW:
	case DHCPV6_REBIND:
	case DHCPV6_RELEASE:
	case DHCPV6_DECLINE:
	case DHCPV6_INFO_REQUEST:
		break;
	default:
		/* Server and relay messages (whose header differs), unknown
		 * types: not ours, and not worth a look at the options. */
		return DHCPV6_IGNORE;
	}
	dhcpv6_server_duid(c, ours);

	while (pkt_left(msg)) {
		uint8_t buf[DHCPV6_SERVER_DUID_LEN];
		uint16_t code, len;
		const uint8_t *v;
		struct pkt opt;

		if (!pkt_be16(msg, &code) || !pkt_be16(msg, &len) ||
		    !pkt_sub(msg, len, &opt))
			return DHCPV6_BAD_OPTION;

		switch (code) {
		case DHCPV6_OPT_CLIENTID:
			if (len < 2 || len > DHCPV6_DUID_MAX)
				return DHCPV6_BAD_CLIENT_ID;
			if (r->duid_len)
				break; /* only the first one counts */
			if (!pkt_copy(&opt, r->duid, len))
				return DHCPV6_BAD_OPTION;
			r->duid_len = len;
			break;
		case DHCPV6_OPT_SERVERID:
			r->server = true;
			if (len != sizeof(ours))
				break;
			v = pkt_pull(&opt, len, buf);
			if (!v)
				return DHCPV6_BAD_OPTION;
			if (!memcmp(v, ours, sizeof(ours)))
				r->server_ours = true;
			break;
		case DHCPV6_OPT_RAPID_COMMIT:
			r->rapid = true;
			break;
		case DHCPV6_OPT_IA_NA:
			r->ia_any = true;
			if (!dhcpv6_ia_na(c, &opt, r))
				return DHCPV6_BAD_OPTION;
			break;
		case DHCPV6_OPT_IA_TA:
		case DHCPV6_OPT_IA_PD:
			r->ia_any = true;
			break;
		default:
			break;
		}
	}
	return pkt_ok(msg) ? DHCPV6_REPLY : DHCPV6_BAD_OPTION;
}

/* dhcpv6_check() - the per-type rules on client and server IDs and IA
 * options (RFC 8415 16). Returns DHCPV6_REPLY if @r may be answered. */
static enum dhcpv6_verdict dhcpv6_check(const struct dhcpv6_req *r)
{
	bool need_server;

	switch (r->type) {
	case DHCPV6_SOLICIT:
	case DHCPV6_REBIND:
	case DHCPV6_CONFIRM:
		need_server = false;
		break;
	case DHCPV6_REQUEST:
	case DHCPV6_RENEW:
	case DHCPV6_RELEASE:
	case DHCPV6_DECLINE:
		need_server = true;
		break;
	case DHCPV6_INFO_REQUEST:
		if (r->ia_any)
			return DHCPV6_BAD_IA;
		if (r->server && !r->server_ours)
			return DHCPV6_OTHER_SERVER;
		return DHCPV6_REPLY;
	default:
		return DHCPV6_IGNORE; /* filtered by dhcpv6_parse() */
	}

	if (!r->duid_len)
		return DHCPV6_BAD_CLIENT_ID;
	if (need_server && !r->server)
		return DHCPV6_BAD_SERVER_ID;
	if (!need_server && r->server)
		return DHCPV6_BAD_SERVER_ID;
	if (need_server && !r->server_ours)
		return DHCPV6_OTHER_SERVER;
	if (r->type == DHCPV6_CONFIRM && !r->addrs)
		return DHCPV6_IGNORE; /* RFC 8415 18.3.3: no reply */
	return DHCPV6_REPLY;
}

/* dhcpv6_put_status() - a Status Code option with @code, no message. */
static void dhcpv6_put_status(struct pbuf *out, uint16_t code)
{
	pbuf_be16(out, DHCPV6_OPT_STATUS);
	pbuf_be16(out, 2);
	pbuf_be16(out, code);
}

/* dhcpv6_put_ia_na() - the IA_NA for @r's first IAID with c->addr6, or
 * a NoAddrsAvail status if the client sent no IA_NA. */
static void dhcpv6_put_ia_na(const struct conf *c, const struct dhcpv6_req *r,
			     struct pbuf *out)
{
	if (!r->ia_na) {
		dhcpv6_put_status(out, DHCPV6_ST_NO_ADDRS);
		return;
	}
	pbuf_be16(out, DHCPV6_OPT_IA_NA);
	pbuf_be16(out, DHCPV6_IA_NA_LEN + 4 + DHCPV6_IAADDR_LEN);
	pbuf_bytes(out, r->iaid, 4);
	pbuf_be32(out, DHCPV6_LIFETIME); /* T1 */
	pbuf_be32(out, DHCPV6_LIFETIME); /* T2 */
	pbuf_be16(out, DHCPV6_OPT_IAADDR);
	pbuf_be16(out, DHCPV6_IAADDR_LEN);
	pbuf_bytes(out, &c->addr6, 16);
	pbuf_be32(out, DHCPV6_LIFETIME); /* preferred */
	pbuf_be32(out, DHCPV6_LIFETIME); /* valid */
}

/* dhcpv6_put_dns() - DNS servers (23) and domain list (24) options, each
 * only if there is something in it; invalid domain names are skipped. */
static void dhcpv6_put_dns(const struct conf *c, struct pbuf *out)
{
	unsigned int i, n = MIN(c->dns6_n, CONF_DNS_MAX);
	size_t start, len;
	uint8_t *l;

	if (n) {
		pbuf_be16(out, DHCPV6_OPT_DNS);
		pbuf_be16(out, (uint16_t)(16 * n));
		for (i = 0; i < n; i++)
			pbuf_bytes(out, &c->dns6[i], 16);
	}

	start = out->len;
	pbuf_be16(out, DHCPV6_OPT_DOMAINS);
	pbuf_be16(out, 0); /* patched below */
	for (i = 0; i < MIN(c->search_n, CONF_SEARCH_MAX); i++) {
		if (dname_wire_len(c->search[i]) > 1)
			dname_put(out, c->search[i]);
	}
	if (!pbuf_ok(out))
		return;
	len = out->len - start - 4;
	if (!len) {
		out->len = start;
		return;
	}
	l = pbuf_at(out, start + 2, 2);
	if (l)
		put_be16(l, (uint16_t)len); /* at most 6 * 255 */
}

/* dhcpv6_build() - the answer to the checked request @r, appended to
 * @out. Never fails except by the builder's sticky error. */
static void dhcpv6_build(const struct conf *c, const struct dhcpv6_req *r,
			 struct pbuf *out)
{
	uint8_t duid[DHCPV6_SERVER_DUID_LEN];
	uint8_t type = DHCPV6_REPLY_MSG;

	if (r->type == DHCPV6_SOLICIT && !(r->rapid && r->ia_na))
		type = DHCPV6_ADVERTISE;
	pbuf_u8(out, type);
	pbuf_bytes(out, r->xid, 3);
	if (r->duid_len) {
		pbuf_be16(out, DHCPV6_OPT_CLIENTID);
		pbuf_be16(out, (uint16_t)r->duid_len);
		pbuf_bytes(out, r->duid, r->duid_len);
	}
	dhcpv6_server_duid(c, duid);
	pbuf_be16(out, DHCPV6_OPT_SERVERID);
	pbuf_be16(out, sizeof(duid));
	pbuf_bytes(out, duid, sizeof(duid));

	switch (r->type) {
	case DHCPV6_SOLICIT:
		if (type == DHCPV6_ADVERTISE) {
			pbuf_be16(out, DHCPV6_OPT_PREFERENCE);
			pbuf_be16(out, 1);
			pbuf_u8(out, 255);
		} else {
			pbuf_be16(out, DHCPV6_OPT_RAPID_COMMIT);
			pbuf_be16(out, 0);
		}
		/* fall through */
	case DHCPV6_REQUEST:
	case DHCPV6_RENEW:
	case DHCPV6_REBIND:
		dhcpv6_put_ia_na(c, r, out);
		break;
	case DHCPV6_CONFIRM:
		dhcpv6_put_status(out, r->offlink ? DHCPV6_ST_NOT_ON_LINK
						  : DHCPV6_ST_SUCCESS);
		break;
	case DHCPV6_RELEASE:
	case DHCPV6_DECLINE:
		dhcpv6_put_status(out, DHCPV6_ST_SUCCESS);
		return; /* no configuration in these replies */
	default:
		break;
	}
	dhcpv6_put_dns(c, out);
}

/* dhcpv6_reply() - see dhcpv6.h. */
enum dhcpv6_verdict dhcpv6_reply(const struct conf *c,
				 const struct dhcpv6_in *in, struct pkt *msg,
				 struct pbuf *out, struct dhcpv6_out *o)
{
	size_t start = out->len;
	struct dhcpv6_req r;
	enum dhcpv6_verdict v;

	if (!c->v6 || c->no_dhcpv6)
		return DHCPV6_IGNORE;
	if (IN6_IS_ADDR_UNSPECIFIED(&in->src) ||
	    IN6_IS_ADDR_MULTICAST(&in->src))
		return DHCPV6_BAD_SOURCE;

	v = dhcpv6_parse(c, msg, &r);
	if (v == DHCPV6_REPLY)
		v = dhcpv6_check(&r);
	if (v != DHCPV6_REPLY) {
		trace("dhcpv6: type %u: %s", r.type, dhcpv6_verdict_name[v]);
		return v;
	}

	dhcpv6_build(c, &r, out);
	if (!pbuf_ok(out)) {
		out->len = start;
		return DHCPV6_NO_ROOM;
	}
	memset(o, 0, sizeof(*o));
	o->dst = in->src;
	memcpy(o->dst_mac, in->src_mac, 6);
	return DHCPV6_REPLY;
}
