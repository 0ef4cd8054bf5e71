// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwd_auto.c - "auto" forwarding, pasta's semantics: -t auto and -u auto
 * forward the host ports on which something in the namespace listens;
 * -T auto and -U auto forward the namespace's loopback ports on which
 * something on the host listens.
 *
 * Theory of operation
 *
 * Once a second the scan reads the other side's /proc/net tables
 * (procnet.c): the namespace's through descriptors the broker opened in
 * there (ns_broker.c), the host's through descriptors opened at start-up;
 * the sandbox leaves no file system to open them later. Each direction
 * keeps a bitmap of the ports it forwards; the difference with what the
 * scan found opens forwards (tcp.c, udp.c for -t/-u; the broker and
 * ns_lsn.c for -T/-U) and closes those whose listener went away.
 * Connections already made through a closed forward are not touched; UDP
 * flows answering through a closed socket go with it.
 *
 * Loops: a -T socket burrow holds in the namespace shows up there as a
 * listener, and -t auto would forward it back to the host (and the other
 * way round). So the ports a direction forwards, statically or by auto,
 * are never followed by the opposite direction of the same protocol.
 *
 * A port that cannot be forwarded (in use on this side, no permission)
 * is logged once and tried again only after it disappeared from the
 * other side. At most FWD_AUTO_MAX ports per direction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/util.h"
#include "../ns/ns_broker.h"
#include "fwd_auto.h"
#include "ns_lsn.h"
#include "procnet.h"
#include "tcp.h"
#include "udp.h"
#include "udp_ns.h"

#define BITMAP_BYTES (65536 / 8)

enum fwd_auto_dir {
	FA_TCP_IN,  /* -t auto: host port -> guest, follows the namespace */
	FA_UDP_IN,  /* -u auto */
	FA_TCP_OUT, /* -T auto: namespace loopback -> host, follows the host */
	FA_UDP_OUT, /* -U auto */
	FA_COUNT,
};

struct fwd_auto_state {
	const char *opt;	      /* "-t", ... for messages */
	unsigned int n;		      /* bits set in cur */
	int fd[2];		      /* /proc/net tables to read, or -1 */
	bool on;		      /* this option is "auto" */
	uint8_t proto;		      /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t fixed[BITMAP_BYTES];  /* static forwards of this direction */
	uint8_t cur[BITMAP_BYTES];    /* ports forwarded by auto */
	uint8_t failed[BITMAP_BYTES]; /* ports that could not be */
};

static struct fwd_auto_state fa[FA_COUNT];
static bool fa_any;

static bool bit(const uint8_t *m, unsigned int p)
{
	return m[p / 8] & (1U << (p % 8));
}

static void bit_set(uint8_t *m, unsigned int p, bool v)
{
	if (v)
		m[p / 8] |= (uint8_t)(1U << (p % 8));
	else
		m[p / 8] &= (uint8_t) ~(1U << (p % 8));
}

/* fwd_auto_fixed() - fwd_spec_each() callback: mark a static port. */
static void fwd_auto_fixed(const struct fwd_rule *r, uint16_t port, uint16_t to,
			   void *arg)
{
	(void)r;
	(void)to;
	bit_set(arg, port, true);
}

/* fwd_auto_host_table() - open the host's /proc/net table @name. */
static int fwd_auto_host_table(const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/net/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		die("auto forwarding: cannot open %s: %s", path,
		    strerror(errno));
	return fd;
}

void fwd_auto_init(const struct conf *c, const struct ns_guest *g, int epfd)
{
	const struct fwd_spec *spec[FA_COUNT] = {&c->tcp_in, &c->udp_in,
						 &c->tcp_out, &c->udp_out};
	static const char *const opt[FA_COUNT] = {"-t", "-u", "-T", "-U"};
	unsigned int d, spare = 0;

	for (d = 0; d < FA_COUNT; d++) {
		fa[d].on = spec[d]->mode == FWD_MODE_AUTO;
		fa[d].opt = opt[d];
		fa[d].proto = d == FA_TCP_IN || d == FA_TCP_OUT ? IPPROTO_TCP
								: IPPROTO_UDP;
		fa[d].fd[0] = fa[d].fd[1] = -1;
		fwd_spec_each(spec[d], fwd_auto_fixed, fa[d].fixed);
		fa_any = fa_any || fa[d].on;
	}
	if (fa[FA_TCP_OUT].on || fa[FA_UDP_OUT].on)
		spare = 2 * FWD_AUTO_MAX;
	ns_lsn_init(g->lsn, g->lsn_n, spare, epfd);
	if (!fa_any)
		return;
	if (c->mode != CONF_MODE_NS)
		die("auto forwarding needs a namespace, not a VM");

	ns_broker_start(c, g);
	fa[FA_TCP_IN].fd[0] = ns_broker_procnet(NS_PROCNET_TCP);
	fa[FA_TCP_IN].fd[1] = ns_broker_procnet(NS_PROCNET_TCP6);
	fa[FA_UDP_IN].fd[0] = ns_broker_procnet(NS_PROCNET_UDP);
	fa[FA_UDP_IN].fd[1] = ns_broker_procnet(NS_PROCNET_UDP6);
	if (fa[FA_TCP_OUT].on) {
		fa[FA_TCP_OUT].fd[0] = fwd_auto_host_table("tcp");
		fa[FA_TCP_OUT].fd[1] = fwd_auto_host_table("tcp6");
	}
	if (fa[FA_UDP_OUT].on) {
		fa[FA_UDP_OUT].fd[0] = fwd_auto_host_table("udp");
		fa[FA_UDP_OUT].fd[1] = fwd_auto_host_table("udp6");
	}
	for (d = 0; d < FA_COUNT; d++) {
		if (fa[d].on && fa[d].fd[0] < 0 && fa[d].fd[1] < 0)
			die("%s auto: no /proc/net table to follow", fa[d].opt);
	}
	fwd_auto_scan(c);
}

/* fwd_auto_open() - open (@on) or close the forward of direction @d on
 * @port. Returns 0 or -errno. */
static int fwd_auto_open(const struct conf *c, enum fwd_auto_dir d,
			 uint16_t port, bool on)
{
	static const int afs[2] = {AF_INET, AF_INET6};
	int r = -EAFNOSUPPORT;
	unsigned int k, ok = 0;

	switch (d) {
	case FA_TCP_IN:
		return tcp_listen_auto(c, port, on);
	case FA_UDP_IN:
		return udp_listen_auto(c, port, on);
	case FA_TCP_OUT:
	case FA_UDP_OUT:
		if (!on) {
			ns_lsn_del(fa[d].proto, port,
				   d == FA_UDP_OUT ? udp_ns_forget : NULL);
			return 0;
		}
		for (k = 0; k < 2; k++) {
			struct ns_listen l = {.af = afs[k],
					      .proto = fa[d].proto,
					      .port = port,
					      .to = port};
			int fd;

			if ((afs[k] == AF_INET && !c->v4) ||
			    (afs[k] == AF_INET6 && !c->v6))
				continue;
			fd = ns_broker_socket(fa[d].proto, afs[k], port);
			if (fd < 0) {
				r = fd;
				continue;
			}
			l.fd = fd;
			r = ns_lsn_add(&l);
			if (!r)
				ok++;
		}
		return ok ? 0 : r;
	case FA_COUNT:
		break;
	}
	return -EINVAL;
}

/* fwd_auto_dir() - one direction's scan: read, compare, open, close.
 * @own: ports the opposite direction forwards (statically or by auto). */
static void fwd_auto_dir(const struct conf *c, enum fwd_auto_dir d,
			 const uint8_t *own_fixed, const uint8_t *own_auto)
{
	static uint8_t seen[BITMAP_BYTES];
	struct fwd_auto_state *s = &fa[d];
	bool out = d == FA_TCP_OUT || d == FA_UDP_OUT;
	bool udp = s->proto == IPPROTO_UDP;
	unsigned int k, p;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < 2; k++) {
		int r;

		if (s->fd[k] < 0)
			continue;
		r = procnet_scan(
			s->fd[k], udp ? PROCNET_UDP_UNCONN : PROCNET_TCP_LISTEN,
			out ? PROCNET_REACH_LOOP : PROCNET_REACH_REMOTE, seen);
		if (r) {
			warn_rl("%s auto: cannot read the listening ports: %s",
				s->opt, strerror(-r));
			return; /* keep what is forwarded: better than flapping */
		}
	}
	for (p = 1; p < 65536; p++) {
		bool want, have;
		int r;

		if (!(p % 8) && !seen[p / 8] && !s->cur[p / 8] &&
		    !s->failed[p / 8]) {
			p += 7; /* nothing in this byte */
			continue;
		}
		want = bit(seen, p) && !bit(own_fixed, p) &&
		       !bit(own_auto, p) && !(udp && p >= c->ephemeral_min);
		have = bit(s->cur, p);
		if (!want) {
			bit_set(s->failed, p, false);
			if (!have)
				continue;
			fwd_auto_open(c, d, (uint16_t)p, false);
			bit_set(s->cur, p, false);
			s->n--;
			info("%s auto: port %u no longer forwarded", s->opt, p);
			continue;
		}
		if (have || bit(s->failed, p))
			continue;
		if (s->n >= FWD_AUTO_MAX) {
			warn_rl("%s auto: %u ports forwarded already, port %u "
				"and others not",
				s->opt, s->n, p);
			bit_set(s->failed, p, true);
			continue;
		}
		r = fwd_auto_open(c, d, (uint16_t)p, true);
		if (r) {
			warn("%s auto: cannot forward port %u: %s", s->opt, p,
			     strerror(-r));
			bit_set(s->failed, p, true);
			continue;
		}
		bit_set(s->cur, p, true);
		s->n++;
		info("%s auto: forwarding port %u", s->opt, p);
	}
}

void fwd_auto_scan(const struct conf *c)
{
	if (!fa_any)
		return;
	if (fa[FA_TCP_IN].on)
		fwd_auto_dir(c, FA_TCP_IN, fa[FA_TCP_OUT].fixed,
			     fa[FA_TCP_OUT].cur);
	if (fa[FA_UDP_IN].on)
		fwd_auto_dir(c, FA_UDP_IN, fa[FA_UDP_OUT].fixed,
			     fa[FA_UDP_OUT].cur);
	if (fa[FA_TCP_OUT].on)
		fwd_auto_dir(c, FA_TCP_OUT, fa[FA_TCP_IN].fixed,
			     fa[FA_TCP_IN].cur);
	if (fa[FA_UDP_OUT].on)
		fwd_auto_dir(c, FA_UDP_OUT, fa[FA_UDP_IN].fixed,
			     fa[FA_UDP_IN].cur);
}
