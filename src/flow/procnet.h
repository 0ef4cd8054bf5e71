/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procnet.h - which ports have sockets bound, from the text of
 * /proc/net/{tcp,tcp6,udp,udp6}: how "auto" forwarding follows the
 * listening ports of the other side.
 */
#ifndef BURROW_PROCNET_H
#define BURROW_PROCNET_H

#include <stddef.h>
#include <stdint.h>

#define PROCNET_TCP_LISTEN 0x0a /* "st" of a listening TCP socket */
#define PROCNET_UDP_UNCONN 0x07 /* "st" of a bound, unconnected UDP socket */

/* Which local addresses count. */
enum procnet_reach {
	PROCNET_REACH_REMOTE, /* reachable from outside: all but loopback */
	PROCNET_REACH_LOOP,   /* reachable on loopback: loopback or wildcard */
};

/* procnet_parse() - parse @len bytes of the file's text in @buf and set
 * the bit of the local port (bitmap @ports, 65536 bits, bit N is byte
 * N / 8, 1 << N % 8) of every socket in state @state whose local address
 * qualifies for @reach. Lines that do not parse (the header, garbage)
 * are skipped. Only lines ending in '\n' are read: returns the length of
 * the part parsed, so that an incomplete last line can be carried over
 * to the next read. Never reads outside @buf. */
size_t procnet_parse(const char *buf, size_t len, uint8_t state,
		     enum procnet_reach reach, uint8_t *ports);

/* procnet_scan() - read the whole file open at @fd from its start and
 * parse it as procnet_parse() does. Returns 0, or -errno if reading
 * failed (@ports then holds what was parsed before). */
int procnet_scan(int fd, uint8_t state, enum procnet_reach reach,
		 uint8_t *ports);

#endif /* BURROW_PROCNET_H */
