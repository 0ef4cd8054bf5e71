/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns.h - namespace mode: create or join the guest's user and network
 * namespaces, create the tap device in there, optionally configure it,
 * and run the command.
 */
#ifndef BURROW_NS_H
#define BURROW_NS_H

#include <stdint.h>
#include <sys/types.h>

#include "../conf/conf.h"

/* A listening socket burrow owns inside the guest's namespace, on its
 * loopback: -T (TCP) and -U (UDP) forwards towards the host. */
struct ns_listen {
	int fd;	       /* bound (and for TCP listening) socket */
	int af;	       /* AF_INET (127.0.0.1) or AF_INET6 (::1) */
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port; /* port in the namespace */
	uint16_t to;   /* port on the host's loopback */
};

struct ns_guest {
	int tap_fd;    /* the tap device (IFF_TAP | IFF_NO_PI), nonblocking */
	pid_t cmd_pid; /* the command we run in the namespace, or -1 */
	int cmd_pidfd; /* pidfd of cmd_pid (readable when it exits), or -1 */
	struct ns_listen *lsn; /* -T/-U sockets, allocated at set-up */
	unsigned int lsn_n;    /* ... and how many */
	int ctl_fd; /* our end of the socket to the command's starter,
			 * until ns_go(); -1 when not (or no longer) used */
};

/* ns_setup() - set up the guest side for @c and fill @g. Dies with one
 * clear line on any failure. Without --netns: a new user + network
 * namespace is created, the tap is created inside, configured if
 * --config-net, and the command (default: $SHELL or /bin/sh) is started
 * there; it begins running only once the tap exists. With --netns: the
 * namespace (and --userns, if given) is joined from a short-lived child,
 * no command is run. The caller stays in its own namespaces. */
void ns_setup(const struct conf *c, struct ns_guest *g);

/* ns_go() - let the command start: called by the main loop right before
 * it enters the loop, once burrow is ready to serve the tap. Does nothing
 * with --netns (no command) or when called again. Never fails: if the
 * command's starter is already gone, its pidfd tells the loop. */
void ns_go(struct ns_guest *g);

/* ns_cmd_cleanup() - signal what the command left running in its process
 * group (@sig: SIGKILL once it ended, SIGTERM when burrow is stopped).
 * Harmless if the group is gone. */
void ns_cmd_cleanup(const struct ns_guest *g, int sig);

/* ns_cmd_status() - reap the command after its pidfd became readable;
 * returns an exit status for burrow (the command's status, or 128+signal). */
int ns_cmd_status(struct ns_guest *g);

#endif /* BURROW_NS_H */
