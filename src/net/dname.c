// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dname.c - dotted text to RFC 1035 wire form; see dname.h.
 *
 * The names come from our own configuration (-S, resolv.conf), never
 * from a guest, but are still checked: a bad one is skipped, not sent.
 */
#include <string.h>

#include "dname.h"

/* dname_wire_len() - see dname.h. Reads at most DNAME_WIRE_MAX + 1 bytes
 * of @text past which it gives up. */
size_t dname_wire_len(const char *text)
{
	size_t len = 1, label = 0;
	const char *p;

	if (!strcmp(text, "."))
		return 1;
	for (p = text; *p; p++) {
		if (*p == '.') {
			if (!label)
				return 0;
			/* A final dot is the root, already counted. */
			label = 0;
			continue;
		}
		if (!label)
			len++;
		if (++label > DNAME_LABEL_MAX)
			return 0;
		if (++len > DNAME_WIRE_MAX)
			return 0;
	}
	return len;
}

/* dname_put() - see dname.h. Writes exactly dname_wire_len(@text) bytes
 * or none. */
size_t dname_put(struct pbuf *b, const char *text)
{
	size_t len = dname_wire_len(text);
	const char *p = text;

	if (!len)
		return 0;
	while (*p && strcmp(p, ".")) {
		size_t n = strcspn(p, ".");

		pbuf_u8(b, (uint8_t)n);
		pbuf_bytes(b, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	pbuf_u8(b, 0);
	return len;
}
