// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procnet.c - bound ports from /proc/net/{tcp,tcp6,udp,udp6}.
 *
 * The kernel prints one socket per line:
 *
 *   "%4d: %08X:%04X %08X:%04X %02X ..."                    (IPv4)
 *   "%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X %02X ..." (IPv6)
 *
 * the slot number, the local and remote address and port, the state. An
 * address is printed as the 32-bit words of its network-order bytes read
 * as native integers, so storing the parsed words back as native
 * integers gives the address bytes again. The files come from the kernel,
 * but the parser treats them as any outside input: every byte it reads is
 * inside the buffer, and a line that is not in this form is skipped.
 *
 * #syscalls lseek read
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "procnet.h"

#define PROCNET_READ 16384 /* bytes per read() */

/* procnet_hex() - parse exactly @digits hex digits at @*pos of @line
 * (@len bytes) into @v and advance @*pos; false if they are not there. */
static bool procnet_hex(const char *line, size_t len, size_t *pos,
			unsigned int digits, uint32_t *v)
{
	uint32_t x = 0;
	unsigned int i;

	if (len - *pos < digits)
		return false;
	for (i = 0; i < digits; i++) {
		char ch = line[*pos + i];
		uint32_t d;

		if (ch >= '0' && ch <= '9')
			d = (uint32_t)(ch - '0');
		else if (ch >= 'A' && ch <= 'F')
			d = (uint32_t)(ch - 'A' + 10);
		else if (ch >= 'a' && ch <= 'f')
			d = (uint32_t)(ch - 'a' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*pos += digits;
	*v = x;
	return true;
}

/* procnet_char() - consume @ch at @*pos, false if it is not there. */
static bool procnet_char(const char *line, size_t len, size_t *pos, char ch)
{
	if (*pos >= len || line[*pos] != ch)
		return false;
	(*pos)++;
	return true;
}

/* procnet_qualifies() - whether local address @w (@words 32-bit words,
 * native order as printed) counts for @reach. */
static bool procnet_qualifies(const uint32_t *w, unsigned int words,
			      enum procnet_reach reach)
{
	uint8_t a[16];
	bool wild = true, loop;
	unsigned int i;

	memcpy(a, w, (size_t)words * 4);
	for (i = 0; i < (size_t)words * 4; i++)
		wild = wild && !a[i];
	if (words == 1) {
		loop = a[0] == 127;
	} else {
		static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
		static const uint8_t one[16] = {[15] = 1};

		loop = !memcmp(a, one, 16) ||
		       (!memcmp(a, v4mapped, 12) && a[12] == 127);
	}
	if (reach == PROCNET_REACH_REMOTE)
		return !loop;
	return loop || wild;
}

/* procnet_line() - parse one line (@len bytes, no newline): set the port
 * bit if it is a socket in @state that qualifies for @reach. */
static void procnet_line(const char *line, size_t len, uint8_t state,
			 enum procnet_reach reach, uint8_t *ports)
{
	uint32_t w[4], port, st, skip;
	unsigned int words, i;
	size_t pos = 0, start;

	while (pos < len && line[pos] == ' ')
		pos++;
	start = pos;
	while (pos < len && line[pos] >= '0' && line[pos] <= '9')
		pos++;
	if (pos == start || !procnet_char(line, len, &pos, ':') ||
	    !procnet_char(line, len, &pos, ' '))
		return;
	/* The address is 8 or 32 digits, then ':' */
	start = pos;
	while (pos < len && line[pos] != ':' && pos - start <= 32)
		pos++;
	if (pos - start == 8)
		words = 1;
	else if (pos - start == 32)
		words = 4;
	else
		return;
	pos = start;
	for (i = 0; i < words; i++) {
		if (!procnet_hex(line, len, &pos, 8, &w[i]))
			return;
	}
	if (!procnet_char(line, len, &pos, ':') ||
	    !procnet_hex(line, len, &pos, 4, &port) ||
	    !procnet_char(line, len, &pos, ' '))
		return;
	/* Remote address and port: same shape, not needed */
	for (i = 0; i < words; i++) {
		if (!procnet_hex(line, len, &pos, 8, &skip))
			return;
	}
	if (!procnet_char(line, len, &pos, ':') ||
	    !procnet_hex(line, len, &pos, 4, &skip) ||
	    !procnet_char(line, len, &pos, ' ') ||
	    !procnet_hex(line, len, &pos, 2, &st))
		return;
	if (pos < len && line[pos] != ' ')
		return;
	if (st != state || !port || !procnet_qualifies(w, words, reach))
		return;
	ports[port / 8] |= (uint8_t)(1U << (port % 8));
}

size_t procnet_parse(const char *buf, size_t len, uint8_t state,
		     enum procnet_reach reach, uint8_t *ports)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (buf + pos));
		procnet_line(buf + pos, n, state, reach, ports);
		pos += n + 1;
	}
	return pos;
}

int procnet_scan(int fd, uint8_t state, enum procnet_reach reach,
		 uint8_t *ports)
{
	static char buf[PROCNET_READ];
	size_t have = 0, used;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		have += (size_t)n;
		used = procnet_parse(buf, have, state, reach, ports);
		if (!used && have == sizeof(buf))
			used = have; /* a line longer than the buffer: skip */
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	return 0;
}
