// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolv.c - the host's resolvers and search domains, from resolv.conf.
 *
 * Theory of operation
 *
 * The text is treated as untrusted bytes of any length: it is never
 * NUL-terminated or copied whole, lines may be of any length, and a line
 * we do not understand is skipped. A '#' or ';' starts a comment anywhere
 * on a line (neither can appear in an address or a domain). Words are
 * separated by blanks; NUL bytes count as blanks.
 *
 * "nameserver ADDR": IPv4 and IPv6, up to CONF_RESOLVERS_MAX per family,
 * unspecified addresses skipped. An IPv6 address with a "%scope" suffix
 * is skipped: struct conf has no room for the scope, and a link-local
 * resolver is unusable without it.
 *
 * "search D..." and "domain D": the last such line wins (as in the C
 * library), up to CONF_SEARCH_MAX domains, invalid domains skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/util.h"
#include "resolv.h"

/* resolv_blank() - true for bytes that separate words. */
static bool resolv_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	       ch == '\f' || ch == '\0';
}

/* resolv_word() - the next word in [*@p, @end) into @w/@wn, advancing *@p
 * past it. Returns false when no word is left. */
static bool resolv_word(const char **p, const char *end, const char **w,
			size_t *wn)
{
	const char *s = *p;

	while (s < end && resolv_blank(*s))
		s++;
	if (s == end) {
		*p = s;
		return false;
	}
	*w = s;
	while (s < end && !resolv_blank(*s))
		s++;
	*wn = (size_t)(s - *w);
	*p = s;
	return true;
}

/* resolv_is() - whether the word @w of @wn bytes is @kw. */
static bool resolv_is(const char *w, size_t wn, const char *kw)
{
	return strlen(kw) == wn && !memcmp(w, kw, wn);
}

/* resolv_domain_ok() - see resolv.h. */
bool resolv_domain_ok(const char *s, size_t n)
{
	size_t i, label = 0;

	if (!n || n > CONF_SEARCH_LEN)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '.') {
			/* an empty label, unless it is the trailing root */
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* resolv_nameserver() - add the address word @w to @c's resolvers if it is
 * valid, not unspecified, and there is room. Returns 1 if added, else 0. */
static int resolv_nameserver(const char *w, size_t wn, struct conf *c)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	struct in_addr a4;

	if (wn >= sizeof(buf) || memchr(w, '%', wn))
		return 0;
	memcpy(buf, w, wn);
	buf[wn] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		if (!a4.s_addr || c->resolver4_n >= CONF_RESOLVERS_MAX)
			return 0;
		c->resolver4[c->resolver4_n++] = a4;
		return 1;
	}
	if (inet_pton(AF_INET6, buf, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) ||
		    c->resolver6_n >= CONF_RESOLVERS_MAX)
			return 0;
		c->resolver6[c->resolver6_n++] = a6;
		return 1;
	}
	return 0;
}

/* resolv_search() - replace @c's search list with the valid domains among
 * the words in [@p, @end), at most CONF_SEARCH_MAX. */
static void resolv_search(const char *p, const char *end, struct conf *c)
{
	const char *w;
	size_t wn;

	c->search_n = 0;
	while (c->search_n < CONF_SEARCH_MAX && resolv_word(&p, end, &w, &wn)) {
		if (!resolv_domain_ok(w, wn) || resolv_is(w, wn, "."))
			continue;
		memcpy(c->search[c->search_n], w, wn);
		c->search[c->search_n][wn] = '\0';
		c->search_n++;
	}
}

/* resolv_line() - handle one line [@p, @end), comments included. Returns
 * the number of resolvers added. */
static int resolv_line(const char *p, const char *end, struct conf *c,
		       bool want_search)
{
	const char *hash = memchr(p, '#', (size_t)(end - p));
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *w;
	size_t wn;

	if (hash)
		end = hash;
	if (semi && semi < end)
		end = semi;
	if (!resolv_word(&p, end, &w, &wn))
		return 0;

	if (resolv_is(w, wn, "nameserver")) {
		if (!resolv_word(&p, end, &w, &wn))
			return 0;
		return resolv_nameserver(w, wn, c);
	}
	if (want_search &&
	    (resolv_is(w, wn, "search") || resolv_is(w, wn, "domain")))
		resolv_search(p, end, c);
	return 0;
}

/* resolv_parse() - see resolv.h. Reads only [@text, @text + @len). */
int resolv_parse(const char *text, size_t len, struct conf *c, bool want_search)
{
	const char *p = text, *end;
	int added = 0;

	if (!text)
		return 0;
	end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		added += resolv_line(p, le, c, want_search);
		p = nl ? nl + 1 : end;
	}
	return added;
}

/* resolv_read() - see resolv.h. A file longer than RESOLV_FILE_MAX is cut
 * there; a line cut in half is parsed as it stands.
 * #syscalls:setup openat read close */
int resolv_read(const char *path, struct conf *c, bool want_search)
{
	static char buf[RESOLV_FILE_MAX];
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (ret)
		return ret;
	return resolv_parse(buf, len, c, want_search);
}
