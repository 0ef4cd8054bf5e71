// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwd_spec.c - parse port-forwarding specifications (-t, -u, -T, -U) into
 * a struct fwd_spec, and look ports up in one.
 *
 * Theory of operation
 *
 * The grammar is in fwd_spec.h. Parsing is pure: no system calls, no
 * allocation, and the input is only ever read up to its terminating NUL.
 * A value is parsed into a copy of the spec and the copy replaces the
 * caller's spec only once the whole value proved valid, so a bad value
 * leaves no half-added rules behind.
 *
 * Limits: FWD_RULES_MAX rules per spec (exclusions are a bitmap and cost
 * no rule), ports 1-65535, interface names shorter than IFNAMSIZ.
 * Error reasons are short, lower case, and quote the offending token
 * (truncated to FWD_TOKEN_SHOW characters).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../core/util.h"
#include "fwd_spec.h"

#define FWD_TOKEN_SHOW 40 /* longest token quoted in an error */
#define FWD_PORT_DIGITS 5 /* "65535" */

/* A half-open span [p, end) of the input string. */
struct fwd_tok {
	const char *p;
	const char *end;
};

/* fwd_fail() - format the reason into @why (if there is room) and return
 * -1, so error paths read "return fwd_fail(...)". */
static int __printf(3, 4)
	fwd_fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* fwd_tok_show() - the length of @t, as an int for "%.*s" (capped so a
 * quoted token never floods the error line). */
static int fwd_tok_show(const struct fwd_tok *t)
{
	size_t n = (size_t)(t->end - t->p);

	return (int)MIN(n, (size_t)FWD_TOKEN_SHOW);
}

/* fwd_tok_is() - true if @t is exactly the NUL-free word @w. */
static bool fwd_tok_is(const struct fwd_tok *t, const char *w)
{
	size_t n = (size_t)(t->end - t->p);

	return strlen(w) == n && !memcmp(t->p, w, n);
}

/* fwd_tok_chr() - the first @c in @t, or NULL. */
static const char *fwd_tok_chr(const struct fwd_tok *t, char c)
{
	return memchr(t->p, c, (size_t)(t->end - t->p));
}

/* fwd_port() - parse @t as a decimal port 1-65535 into @port. Only digits
 * are accepted (no sign, no spaces); returns false otherwise. */
static bool fwd_port(const struct fwd_tok *t, uint16_t *port)
{
	size_t n = (size_t)(t->end - t->p), i;
	unsigned int v = 0;

	if (!n || n > FWD_PORT_DIGITS)
		return false;
	for (i = 0; i < n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return false;
		v = v * 10 + (unsigned int)(t->p[i] - '0');
	}
	if (!v || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* fwd_range() - parse @t as PORT[-PORT] into [@first, @last]; @item is the
 * whole item, quoted in errors. Guarantees 1 <= first <= last on success. */
static int fwd_range(const struct fwd_tok *t, const struct fwd_tok *item,
		     uint16_t *first, uint16_t *last, char *why, size_t why_len)
{
	const char *dash = fwd_tok_chr(t, '-');
	struct fwd_tok a = {t->p, dash ? dash : t->end};
	struct fwd_tok b = {dash ? dash + 1 : t->end, t->end};

	if (a.p == a.end || (dash && b.p == b.end))
		return fwd_fail(why, why_len, "bad range '%.*s'",
				fwd_tok_show(item), item->p);
	if (!fwd_port(&a, first))
		return fwd_fail(why, why_len, "bad port '%.*s'",
				fwd_tok_show(&a), a.p);
	*last = *first;
	if (dash && !fwd_port(&b, last))
		return fwd_fail(why, why_len, "bad port '%.*s'",
				fwd_tok_show(&b), b.p);
	if (*first > *last)
		return fwd_fail(why, why_len, "bad range '%.*s'",
				fwd_tok_show(t), t->p);
	return 0;
}

/* fwd_ifname_ok() - whether @t is a name the kernel would accept for a
 * network interface: 1 to IFNAMSIZ-1 bytes, not "." or "..", no '/', ':',
 * '%' or white space or control bytes. */
static bool fwd_ifname_ok(const struct fwd_tok *t)
{
	size_t n = (size_t)(t->end - t->p), i;

	if (!n || n >= IFNAMSIZ || fwd_tok_is(t, ".") || fwd_tok_is(t, ".."))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t->p[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' ||
		    ch == '%')
			return false;
	}
	return true;
}

/* fwd_addr() - parse the part before '/' (@t: ADDR, ADDR%IF, [ADDR],
 * [ADDR]%IF or [ADDR%IF]) into the address fields of @r. Brackets are for
 * IPv6 only. On success @r->has_addr is set and @r->af is AF_INET or
 * AF_INET6; @r->ifname is set if an interface was named. */
static int fwd_addr(const struct fwd_tok *t, struct fwd_rule *r, char *why,
		    size_t why_len)
{
	struct fwd_tok a = *t, ifn = {NULL, NULL};
	char buf[INET6_ADDRSTRLEN];
	bool bracket = false;
	const char *pct;
	size_t n;

	if (a.p < a.end && *a.p == '[') {
		const char *rb = fwd_tok_chr(t, ']');

		if (!rb)
			goto bad;
		bracket = true;
		a.p++;
		a.end = rb;
		if (rb + 1 < t->end) {
			if (rb[1] != '%' || fwd_tok_chr(&a, '%'))
				goto bad;
			ifn.p = rb + 2;
			ifn.end = t->end;
		}
	}
	pct = fwd_tok_chr(&a, '%');
	if (pct) {
		ifn.p = pct + 1;
		ifn.end = a.end;
		a.end = pct;
	}

	n = (size_t)(a.end - a.p);
	if (!n || n >= sizeof(buf))
		goto bad;
	memcpy(buf, a.p, n);
	buf[n] = '\0';
	if (!bracket && inet_pton(AF_INET, buf, &r->addr4) == 1)
		r->af = AF_INET;
	else if (inet_pton(AF_INET6, buf, &r->addr6) == 1)
		r->af = AF_INET6;
	else
		goto bad;
	r->has_addr = true;

	if (ifn.p) {
		if (!fwd_ifname_ok(&ifn))
			return fwd_fail(why, why_len,
					"bad interface name '%.*s'",
					fwd_tok_show(&ifn), ifn.p);
		memcpy(r->ifname, ifn.p, (size_t)(ifn.end - ifn.p));
		r->ifname[ifn.end - ifn.p] = '\0';
	}
	return 0;
bad:
	return fwd_fail(why, why_len, "bad address '%.*s'", fwd_tok_show(t),
			t->p);
}

/* fwd_add() - append rule @r to @spec: fails on a full table or when a
 * host port of @r is already in another rule. */
static int fwd_add(struct fwd_spec *spec, const struct fwd_rule *r, char *why,
		   size_t why_len)
{
	unsigned int i;

	for (i = 0; i < spec->n; i++) {
		const struct fwd_rule *o = &spec->rule[i];

		if (r->first <= o->last && o->first <= r->last)
			return fwd_fail(why, why_len,
					"port %u is forwarded twice",
					(unsigned int)MAX(r->first, o->first));
	}
	if (spec->n >= FWD_RULES_MAX)
		return fwd_fail(why, why_len, "too many rules (max %u)",
				(unsigned int)FWD_RULES_MAX);
	spec->rule[spec->n++] = *r;
	return 0;
}

/* fwd_excl() - mark host ports [@first, @last] excluded in @spec. */
static void fwd_excl(struct fwd_spec *spec, unsigned int first,
		     unsigned int last)
{
	unsigned int p;

	for (p = first; p <= last; p++)
		spec->excl[p / 8] |= (uint8_t)(1U << (p % 8));
}

/* fwd_item() - parse one list item @it (not "all", not empty) into @spec:
 * an exclusion goes to the bitmap, anything else becomes a rule copying the
 * address fields of @proto. Sets *@rules when a rule was added. */
static int fwd_item(struct fwd_spec *spec, const struct fwd_tok *it,
		    const struct fwd_rule *proto, bool *rules, char *why,
		    size_t why_len)
{
	struct fwd_rule r = *proto;
	const char *colon;
	struct fwd_tok src;
	uint16_t f = 0, l = 0, tf = 0, tl = 0;

	if (*it->p == '~') {
		src.p = it->p + 1;
		src.end = it->end;
		if (fwd_range(&src, it, &f, &l, why, why_len))
			return -1;
		fwd_excl(spec, f, l);
		return 0;
	}

	colon = fwd_tok_chr(it, ':');
	src.p = it->p;
	src.end = colon ? colon : it->end;
	if (fwd_range(&src, it, &f, &l, why, why_len))
		return -1;
	tf = f;
	if (colon) {
		struct fwd_tok dst = {colon + 1, it->end};

		if (fwd_range(&dst, it, &tf, &tl, why, why_len))
			return -1;
		if (tl - tf != l - f)
			return fwd_fail(why, why_len,
					"range lengths differ in '%.*s'",
					fwd_tok_show(it), it->p);
	}
	r.first = f;
	r.last = l;
	r.to = tf;
	if (fwd_add(spec, &r, why, why_len))
		return -1;
	*rules = true;
	return 0;
}

/* fwd_list() - parse @s (the whole value, for messages) from @list on:
 * comma-separated items, with @proto giving the bind address of new rules.
 * Decides the mode as fwd_spec.h describes. */
static int fwd_list(struct fwd_spec *spec, const char *s, const char *list,
		    const struct fwd_rule *proto, char *why, size_t why_len)
{
	bool rules = false, all = false, excl = false;
	struct fwd_tok whole = {s, s + strlen(s)};
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ',');
		struct fwd_tok it = {p, comma ? comma : p + strlen(p)};

		if (it.p == it.end)
			return fwd_fail(why, why_len, "empty item in '%.*s'",
					fwd_tok_show(&whole), s);
		if (fwd_tok_is(&it, "all")) {
			if (all || spec->mode == FWD_MODE_ALL)
				return fwd_fail(why, why_len,
						"'all' given twice");
			all = true;
		} else {
			if (*it.p == '~')
				excl = true;
			if (fwd_item(spec, &it, proto, &rules, why, why_len))
				return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}

	if (all && rules)
		return fwd_fail(why, why_len,
				"'all' cannot combine with port ranges");
	if (all || (excl && !rules && spec->mode == FWD_MODE_UNSET)) {
		struct fwd_rule r = *proto;

		r.first = 1;
		r.last = 65535;
		r.to = 1;
		if (fwd_add(spec, &r, why, why_len))
			return -1;
		spec->mode = FWD_MODE_ALL;
	} else if (rules && spec->mode == FWD_MODE_UNSET) {
		spec->mode = FWD_MODE_SPEC;
	}
	return 0;
}

/* fwd_parse() - fwd_spec_parse() on @spec, which the caller may throw away
 * on failure. */
static int fwd_parse(struct fwd_spec *spec, const char *s, char *why,
		     size_t why_len)
{
	struct fwd_rule proto;
	const char *slash;

	if (!*s)
		return fwd_fail(why, why_len, "empty port specification");

	if (!strcmp(s, "none") || !strcmp(s, "auto")) {
		enum fwd_mode m = *s == 'n' ? FWD_MODE_NONE : FWD_MODE_AUTO;

		if (spec->mode != FWD_MODE_UNSET && spec->mode != m)
			return fwd_fail(why, why_len,
					"'%s' cannot combine with other rules",
					s);
		spec->mode = m;
		return 0;
	}
	if (spec->mode == FWD_MODE_NONE || spec->mode == FWD_MODE_AUTO)
		return fwd_fail(why, why_len,
				"'%s' cannot combine with other rules",
				spec->mode == FWD_MODE_NONE ? "none" : "auto");

	memset(&proto, 0, sizeof(proto));
	slash = strchr(s, '/');
	if (slash) {
		struct fwd_tok a = {s, slash};

		if (fwd_addr(&a, &proto, why, why_len))
			return -1;
		return fwd_list(spec, s, slash + 1, &proto, why, why_len);
	}
	return fwd_list(spec, s, s, &proto, why, why_len);
}

/* fwd_spec_parse() - see fwd_spec.h. Works on a copy: @spec changes only
 * on success. */
int fwd_spec_parse(struct fwd_spec *spec, const char *s, char *why,
		   size_t why_len)
{
	struct fwd_spec tmp; /* ~12 KiB, start-up only */

	if (!s)
		return fwd_fail(why, why_len, "empty port specification");
	memcpy(&tmp, spec, sizeof(tmp));
	if (fwd_parse(&tmp, s, why, why_len))
		return -1;
	memcpy(spec, &tmp, sizeof(tmp));
	return 0;
}

/* fwd_spec_lookup() - see fwd_spec.h. The guest port is computed from the
 * matching rule; the parser guaranteed it stays within 1-65535. */
bool fwd_spec_lookup(const struct fwd_spec *spec, uint16_t port, uint16_t *to,
		     unsigned int *rule)
{
	unsigned int i;

	if (!port || spec->excl[port / 8] & (1U << (port % 8)))
		return false;
	if (spec->mode != FWD_MODE_SPEC && spec->mode != FWD_MODE_ALL)
		return false;
	for (i = 0; i < spec->n && i < FWD_RULES_MAX; i++) {
		const struct fwd_rule *r = &spec->rule[i];

		if (port < r->first || port > r->last)
			continue;
		if (to)
			*to = (uint16_t)(r->to + (port - r->first));
		if (rule)
			*rule = i;
		return true;
	}
	return false;
}

unsigned int fwd_spec_each(const struct fwd_spec *spec,
			   void (*fn)(const struct fwd_rule *r, uint16_t port,
				      uint16_t to, void *arg),
			   void *arg)
{
	unsigned int i, p, n = 0;

	if (spec->mode != FWD_MODE_SPEC && spec->mode != FWD_MODE_ALL)
		return 0;
	for (i = 0; i < spec->n && i < FWD_RULES_MAX; i++) {
		const struct fwd_rule *r = &spec->rule[i];

		for (p = r->first; p <= r->last; p++) {
			if (spec->excl[p / 8] & (1U << (p % 8)))
				continue;
			if (fn)
				fn(r, (uint16_t)p,
				   (uint16_t)(r->to + (p - r->first)), arg);
			n++;
		}
	}
	return n;
}
