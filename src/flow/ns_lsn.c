// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns_lsn.c - the namespace's -T/-U sockets: one table, fixed size, with
 * free entries (fd -1) reused. An epoll tag carries the entry's index and
 * descriptor; an event for an entry that was closed since, or closed and
 * reused with another descriptor, is recognised and dropped. (Reused with
 * the same descriptor number in the same batch: the event goes to a socket
 * of the same kind that simply has nothing to read yet, which is
 * harmless.)
 *
 * #syscalls epoll_ctl close
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../core/log.h"
#include "../epoll_ref.h"
#include "ns_lsn.h"

static struct ns_listen *lsn_tab; /* allocated once, at start-up */
static unsigned int lsn_used;	  /* entries ever used: [0, lsn_used) */
static unsigned int lsn_max;
static int lsn_epfd = -1;

/* ns_lsn_watch() - epoll on entry @i. Returns 0 or -errno. */
static int ns_lsn_watch(unsigned int i)
{
	const struct ns_listen *l = &lsn_tab[i];
	union epoll_ref ref = {.kind = l->proto == IPPROTO_TCP
					       ? EPOLL_KIND_SPLICE_LISTEN
					       : EPOLL_KIND_UDP_NS_LISTEN,
			       .idx = i,
			       .fd = l->fd};
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ref.u64};

	if (epoll_ctl(lsn_epfd, EPOLL_CTL_ADD, l->fd, &ev))
		return -errno;
	return 0;
}

void ns_lsn_init(const struct ns_listen *lsn, unsigned int n,
		 unsigned int spare, int epfd)
{
	unsigned int i;

	lsn_epfd = epfd;
	lsn_max = n + spare;
	if (lsn_max > 65536)
		lsn_max = 65536; /* what an epoll tag's index can say */
	if (!lsn_max)
		return;
	lsn_tab = calloc(lsn_max, sizeof(*lsn_tab));
	if (!lsn_tab)
		die("out of memory for %u namespace sockets", lsn_max);
	for (i = 0; i < n && i < lsn_max; i++) {
		lsn_tab[i] = lsn[i];
		if (ns_lsn_watch(i))
			die_perror("epoll_ctl");
	}
	lsn_used = i;
}

int ns_lsn_add(const struct ns_listen *l)
{
	unsigned int i;
	int r;

	for (i = 0; i < lsn_used && lsn_tab[i].fd >= 0; i++)
		;
	if (i == lsn_max) {
		close(l->fd);
		return -ENOSPC;
	}
	lsn_tab[i] = *l;
	r = ns_lsn_watch(i);
	if (r) {
		close(l->fd);
		lsn_tab[i].fd = -1;
		return r;
	}
	if (i == lsn_used)
		lsn_used++;
	return 0;
}

void ns_lsn_del(uint8_t proto, uint16_t port, void (*forget)(int fd))
{
	unsigned int i;

	for (i = 0; i < lsn_used; i++) {
		struct ns_listen *l = &lsn_tab[i];

		if (l->fd < 0 || l->proto != proto || l->port != port)
			continue;
		if (forget)
			forget(l->fd);
		epoll_ctl(lsn_epfd, EPOLL_CTL_DEL, l->fd, NULL);
		close(l->fd);
		l->fd = -1;
	}
}

const struct ns_listen *ns_lsn_at(union epoll_ref ref)
{
	if (ref.idx >= lsn_used || lsn_tab[ref.idx].fd < 0 ||
	    lsn_tab[ref.idx].fd != ref.fd)
		return NULL;
	return &lsn_tab[ref.idx];
}
