/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inany.h - one type for IPv4 and IPv6 addresses: struct in6_addr, with
 * IPv4 held as an IPv4-mapped address (::ffff:a.b.c.d), so keys and
 * comparisons need no family switch.
 */
#ifndef BURROW_INANY_H
#define BURROW_INANY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

/* inany_from4() - @a becomes the IPv4-mapped form of @v4. */
static inline void inany_from4(struct in6_addr *a, struct in_addr v4)
{
	memset(a, 0, 10);
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], &v4, 4);
}

/* inany_is4() - true if @a holds an IPv4 address. */
static inline bool inany_is4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

/* inany_v4() - the IPv4 address held in @a (caller checked inany_is4()). */
static inline struct in_addr inany_v4(const struct in6_addr *a)
{
	struct in_addr v4;

	memcpy(&v4, &a->s6_addr[12], 4);
	return v4;
}

static inline bool inany_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* A socket address of either family. */
union sockaddr_inany {
	struct sockaddr sa;
	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
};

/* sockaddr_from_inany() - fill @sa for @a:@port; returns its length. The
 * family follows the address (IPv4-mapped gives AF_INET). */
static inline socklen_t sockaddr_from_inany(union sockaddr_inany *sa,
					    const struct in6_addr *a,
					    uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (inany_is4(a)) {
		sa->sa4.sin_family = AF_INET;
		sa->sa4.sin_port = htons(port);
		sa->sa4.sin_addr = inany_v4(a);
		return sizeof(sa->sa4);
	}
	sa->sa6.sin6_family = AF_INET6;
	sa->sa6.sin6_port = htons(port);
	sa->sa6.sin6_addr = *a;
	return sizeof(sa->sa6);
}

/* inany_from_sockaddr() - the address and port held in @sa. */
static inline void inany_from_sockaddr(struct in6_addr *a, uint16_t *port,
				       const union sockaddr_inany *sa)
{
	/* @sa comes from the kernel (accept4, recvmmsg): filled there. */
	// NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
	if (sa->sa.sa_family == AF_INET) {
		inany_from4(a, sa->sa4.sin_addr);
		*port = ntohs(sa->sa4.sin_port);
	} else {
		*a = sa->sa6.sin6_addr;
		*port = ntohs(sa->sa6.sin6_port);
	}
}

#endif /* BURROW_INANY_H */
