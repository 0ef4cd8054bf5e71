/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sock.h - host sockets bound the way flows and forwards need them.
 */
#ifndef BURROW_SOCK_H
#define BURROW_SOCK_H

#include <stdint.h>

#include "../conf/fwd_spec.h"

/* sock_bound() - a non-blocking, close-on-exec socket of @type
 * (SOCK_STREAM or SOCK_DGRAM) and family @af, bound to @rule's address
 * and interface (any address if @rule is NULL or names none) and @port
 * (0: ephemeral); a stream socket also listens. IPv6 sockets are
 * IPv6-only; stream sockets reuse addresses. Returns the descriptor,
 * -EAFNOSUPPORT if @rule binds an address of the other family (nothing
 * to do for @af), or -errno. */
int sock_bound(int type, int af, const struct fwd_rule *rule, uint16_t port);

#endif /* BURROW_SOCK_H */
