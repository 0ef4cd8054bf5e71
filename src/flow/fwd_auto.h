/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fwd_auto.h - "auto" port forwarding: follow the ports the other side
 * listens on, as they come and go.
 */
#ifndef BURROW_FWD_AUTO_H
#define BURROW_FWD_AUTO_H

#include "../conf/conf.h"
#include "../ns/ns.h"

#define FWD_AUTO_INTERVAL 1 /* seconds between scans */

/* fwd_auto_init() - take the namespace's -T/-U sockets that set-up made
 * (@g) into their table, with room for "auto" ones; if any option of @c
 * is auto, start the broker in the guest's namespace and open the host's
 * /proc/net tables. At set-up, before the sandbox; dies on failure. */
void fwd_auto_init(const struct conf *c, const struct ns_guest *g, int epfd);

/* fwd_auto_scan() - read the listening ports of both sides and open or
 * close forwards to match: -t/-u auto follow the namespace's ports
 * (bound to other than its loopback), -T/-U auto the host's (bound to
 * its loopback or to any address). Ports burrow itself forwards the other
 * way are never followed back. UDP follows unconnected sockets below the
 * ephemeral port range only. Call every FWD_AUTO_INTERVAL seconds. */
void fwd_auto_scan(const struct conf *c);

#endif /* BURROW_FWD_AUTO_H */
