/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dname.h - domain names from dotted text to the uncompressed wire form of
 * RFC 1035 section 3.1 (length-prefixed labels, a zero byte at the end),
 * as used by the DNSSL option of router advertisements (RFC 8106) and
 * the DHCPv6 domain list option (RFC 3646, RFC 8415 section 10).
 */
#ifndef BURROW_DNAME_H
#define BURROW_DNAME_H

#include <stddef.h>

#include "../core/pkt.h"

#define DNAME_LABEL_MAX 63 /* longest label (RFC 1035 2.3.4) */
#define DNAME_WIRE_MAX 255 /* longest name in wire form, with the root */

/* dname_wire_len() - length of @text (dotted, an optional final dot) in
 * wire form, or 0 if it is not a valid name: an empty label, a label
 * longer than 63 bytes, or a total beyond 255 bytes. The root (""
 * or ".") is valid and takes 1 byte. */
size_t dname_wire_len(const char *text);

/* dname_put() - append @text in wire form to @b. Returns the bytes
 * written, or 0 (and writes nothing) if @text is not a valid name; a
 * full builder sets its sticky error as usual. */
size_t dname_put(struct pbuf *b, const char *text);

#endif /* BURROW_DNAME_H */
