/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolv.h - read the host's resolvers and search domains from
 * resolv.conf text.
 */
#ifndef BURROW_RESOLV_H
#define BURROW_RESOLV_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define RESOLV_PATH "/etc/resolv.conf"
#define RESOLV_FILE_MAX (64 * 1024) /* bytes of the file we look at */

/* resolv_parse() - parse resolv.conf @text (@len bytes, need not be
 * NUL-terminated). "nameserver" lines append to c->resolver4 / resolver6,
 * up to CONF_RESOLVERS_MAX each, keeping the existing entries. If
 * @want_search, "search" and "domain" lines replace c->search (the last
 * such line wins, as in the C library). Pure; bad lines are skipped.
 * Returns the number of resolvers added. */
int resolv_parse(const char *text, size_t len, struct conf *c,
		 bool want_search);

/* resolv_domain_ok() - whether the @n bytes at @s are a domain name we
 * hand out: 1 to CONF_SEARCH_LEN bytes, dot-separated labels of 1-63
 * letters, digits, '-' or '_', optionally one trailing dot. */
bool resolv_domain_ok(const char *s, size_t n);

/* resolv_read() - resolv_parse() on the first RESOLV_FILE_MAX bytes of
 * @path. Returns the number of resolvers added, or -errno if the file
 * cannot be read. */
int resolv_read(const char *path, struct conf *c, bool want_search);

#endif /* BURROW_RESOLV_H */
