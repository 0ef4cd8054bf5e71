// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sock.c - bound host sockets for flows and port forwards; see sock.h.
 *
 * #syscalls socket setsockopt bind listen close
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/inany.h"
#include "sock.h"

#define SOCK_BACKLOG 128

int sock_bound(int type, int af, const struct fwd_rule *rule, uint16_t port)
{
	union sockaddr_inany sa;
	struct in6_addr a;
	int fd, one = 1;

	if (rule && rule->has_addr) {
		if (rule->af != af)
			return -EAFNOSUPPORT;
		if (af == AF_INET)
			inany_from4(&a, rule->addr4);
		else
			a = rule->addr6;
	} else if (af == AF_INET) {
		struct in_addr any = {.s_addr = INADDR_ANY};

		inany_from4(&a, any);
	} else {
		a = in6addr_any;
	}
	fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if ((rule && rule->ifname[0] &&
	     setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, rule->ifname,
			(socklen_t)strlen(rule->ifname))) ||
	    bind(fd, &sa.sa, sockaddr_from_inany(&sa, &a, port)) ||
	    (type == SOCK_STREAM && listen(fd, SOCK_BACKLOG))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}
