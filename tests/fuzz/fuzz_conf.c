// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - libFuzzer target for the whole command line:
 * conf_parse_args(), the pure half of conf_parse() (no host lookups, no
 * files, no exit). The input is split at NUL bytes and newlines into at
 * most FUZZ_ARGC_MAX - 1 words, "burrow" goes in front, and the vector is
 * parsed twice: once with a roomy error buffer, once with a small one (or
 * none). Both runs must agree (getopt's global state is reset by
 * conf_parse_args() itself), the short error must be a prefix of the long
 * one, and a successful parse must leave a struct conf that keeps the
 * invariants the rest of burrow relies on.
 *
 * --help and --version print to stdout: that goes into a private buffer,
 * thrown away after every input. Warnings (--mtu below 1280) are muted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>

#include "conf/conf.h"
#include "core/log.h"
#include "core/util.h"

#define FUZZ_INPUT_MAX 16384 /* longest input looked at */
#define FUZZ_ARGC_MAX 64     /* "burrow" included */
#define FUZZ_ERR_LEN 512     /* the roomy error buffer */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* fuzz_terminated() - whether the @len bytes at @s hold a NUL. */
static bool fuzz_terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* fuzz_check_spec() - invariants of a port specification after a parse
 * that succeeded (the same as fuzz_fwd_spec.c checks). */
static void fuzz_check_spec(const struct fwd_spec *spec)
{
	unsigned int i, j;

	ASSERT(spec->mode < FWD_MODE_COUNT);
	ASSERT(spec->n <= FWD_RULES_MAX);
	ASSERT(spec->mode == FWD_MODE_SPEC || spec->mode == FWD_MODE_ALL ||
	       !spec->n);
	for (i = 0; i < spec->n; i++) {
		const struct fwd_rule *r = &spec->rule[i];

		ASSERT(r->first >= 1 && r->first <= r->last);
		ASSERT(r->to >= 1 && r->to + (r->last - r->first) <= 65535);
		ASSERT(!r->has_addr || r->af == AF_INET || r->af == AF_INET6);
		ASSERT(fuzz_terminated(r->ifname, sizeof(r->ifname)));
		for (j = 0; j < i; j++)
			ASSERT(r->last < spec->rule[j].first ||
			       r->first > spec->rule[j].last);
	}
}

/* fuzz_check_conf() - invariants of @c after conf_parse_args() returned 0
 * for the @argc words of @argv. */
static void fuzz_check_conf(const struct conf *c, int argc, char **argv)
{
	unsigned int i;

	ASSERT(c->mode < CONF_MODE_COUNT);
	ASSERT(c->v4 || c->v6);
	ASSERT(c->mtu >= CONF_MTU_MIN && c->mtu <= CONF_MTU_MAX);
	ASSERT(!c->v6 || c->mtu >= CONF_MTU6_MIN);
	ASSERT(c->busy_poll_us <= CONF_BUSY_POLL_MAX);
	ASSERT(c->prefix4 <= 32);
	ASSERT(c->prefix6 == CONF_PREFIX6_DEFAULT);
	ASSERT(c->dns4_n <= CONF_DNS_MAX && c->dns6_n <= CONF_DNS_MAX);
	ASSERT(c->search_n <= CONF_SEARCH_MAX);
	for (i = 0; i < c->search_n; i++) {
		ASSERT(fuzz_terminated(c->search[i], sizeof(c->search[i])));
		ASSERT(c->search[i][0]);
	}
	ASSERT(!c->search_n || c->search_given);
	ASSERT(!c->dns4_n || c->dns_given);
	ASSERT(!c->dns6_n || c->dns_given);
	ASSERT(fuzz_terminated(c->ifname, sizeof(c->ifname)));
	ASSERT(fuzz_terminated(c->netns, sizeof(c->netns)));
	ASSERT(fuzz_terminated(c->userns, sizeof(c->userns)));
	ASSERT(fuzz_terminated(c->socket, sizeof(c->socket)));
	ASSERT(fuzz_terminated(c->pcap, sizeof(c->pcap)));
	ASSERT(fuzz_terminated(c->pidfile, sizeof(c->pidfile)));
	ASSERT(!c->userns[0] || c->netns[0]);
	ASSERT(!c->gw4.s_addr || c->gw4.s_addr != c->addr4.s_addr);

	/* -s tcp:ADDR:PORT: a loopback address, and only from the -s that
	 * stands (a later -s PATH must not leave an earlier one's) */
	ASSERT(!c->socket_tcp_len == !!strncmp(c->socket, "tcp:", 4));
	if (c->socket_tcp_len == sizeof(c->socket_tcp.a4)) {
		ASSERT(c->socket_tcp.a4.sin_family == AF_INET);
		ASSERT(c->socket_tcp.a4.sin_port);
		ASSERT((ntohl(c->socket_tcp.a4.sin_addr.s_addr) >> 24) == 127);
	} else if (c->socket_tcp_len) {
		ASSERT(c->socket_tcp_len == sizeof(c->socket_tcp.a6));
		ASSERT(c->socket_tcp.a6.sin6_family == AF_INET6);
		ASSERT(c->socket_tcp.a6.sin6_port);
		ASSERT(IN6_IS_ADDR_LOOPBACK(&c->socket_tcp.a6.sin6_addr));
	}

	if (c->mode == CONF_MODE_NS) {
		ASSERT(c->fd == -1 && !c->socket[0] && !c->one_off);
		ASSERT(c->netns[0] || c->foreground);
		ASSERT(!c->netns[0] || !c->cmd_n);
	} else {
		ASSERT(!c->netns[0] && !c->cmd_n && !c->config_net);
		ASSERT((c->fd >= 3) != !!c->socket[0]);
		ASSERT(c->mode != CONF_MODE_VM_VU ||
		       (c->socket[0] && !c->socket_tcp_len));
		ASSERT(c->tcp_out.mode != FWD_MODE_SPEC &&
		       c->tcp_out.mode != FWD_MODE_ALL);
		ASSERT(c->udp_out.mode != FWD_MODE_SPEC &&
		       c->udp_out.mode != FWD_MODE_ALL);
	}
	if (c->cmd_n) {
		ASSERT(c->cmd && c->cmd_n > 0 && c->cmd_n < argc);
		ASSERT(c->cmd + c->cmd_n == argv + argc);
	} else {
		ASSERT(!c->cmd);
	}

	fuzz_check_spec(&c->tcp_in);
	fuzz_check_spec(&c->udp_in);
	fuzz_check_spec(&c->tcp_out);
	fuzz_check_spec(&c->udp_out);
}

/* fuzz_check_getopt_err() - an error about the option words themselves
 * (@err, from a run on the @argc words of @argv) names a word that starts
 * with '-' the way the user wrote it, and never a known letter as
 * unknown: every such error comes from getopt, which only looks at words
 * starting with '-'. */
static void fuzz_check_getopt_err(const char *err, int argc, char **argv)
{
	static const char *const why[] = {
		": unknown option",
		": missing argument",
		": takes no argument",
	};
	/* CONF_SHORTOPTS without the argument markers */
	static const char letters[] = "angDSI46tuTUfqdpPhsF1";
	size_t len = strlen(err), wn, k;
	bool seen = false;
	int i;

	for (k = 0; k < ARRAY_SIZE(why); k++) {
		wn = strlen(why[k]);
		if (len > wn && !strcmp(err + len - wn, why[k]))
			break;
	}
	if (k == ARRAY_SIZE(why))
		return;
	len -= wn; /* the name: err[0, len) */
	ASSERT(err[0] == '-' && len >= 2);
	/* a word (up to any '='), perhaps cut */
	for (i = 1; i < argc && !seen; i++)
		seen = !strncmp(argv[i], err, len);
	if (len == 2) {
		/* or -X: the letter X (maybe '-') is in some word -... */
		for (i = 1; i < argc && !seen; i++)
			seen = argv[i][0] == '-' && strchr(argv[i] + 1, err[1]);
		ASSERT(k != 0 || !strchr(letters, err[1]));
	}
	ASSERT(seen);
}

/* fuzz_stdout_mute() - once: stdout fully buffered into a private buffer
 * larger than anything conf_parse_args() prints, so that __fpurge() after
 * each input discards --help and --version without a system call. */
static void fuzz_stdout_mute(void)
{
	static char buf[1 << 16];
	static bool done;

	if (done)
		return;
	done = true;
	fflush(stdout);
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	log_level = LOG_LVL_ERR;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char burrow[] = "burrow";
	static char buf[FUZZ_INPUT_MAX + 1];
	static char *argv[FUZZ_ARGC_MAX + 1];
	static struct conf c1, c2;
	char err1[FUZZ_ERR_LEN], err2[FUZZ_ERR_LEN];
	size_t i, start, err2_len;
	int argc = 0, r1, r2;

	fuzz_stdout_mute();
	n = MIN(n, (size_t)FUZZ_INPUT_MAX);
	memcpy(buf, d, n);
	buf[n] = '\0';

	/* Words end at NUL or newline; a trailing separator adds no word,
	 * but an empty word between two separators is kept. */
	argv[argc++] = burrow;
	for (start = 0, i = 0; i <= n && argc < FUZZ_ARGC_MAX; i++) {
		if (i < n && buf[i] != '\n' && buf[i] != '\0')
			continue;
		if (i == n && start == n)
			break;
		buf[i] = '\0';
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;

	memset(err1, 0x5a, sizeof(err1));
	r1 = conf_parse_args(&c1, argc, argv, err1, sizeof(err1));
	__fpurge(stdout);
	ASSERT(r1 >= -1 && r1 <= 1);
	ASSERT(fuzz_terminated(err1, sizeof(err1)));
	if (r1 == -1) {
		ASSERT(err1[0] && !strchr(err1, '\n'));
		ASSERT(strstr(err1, ": "));
		fuzz_check_getopt_err(err1, argc, argv);
	} else {
		ASSERT(!err1[0]);
	}
	if (!r1)
		fuzz_check_conf(&c1, argc, argv);

	/* Again, with a short error buffer (none at all for some inputs):
	 * same result, the error line cut, never overrun. */
	err2_len = n % 41;
	memset(err2, 0x5a, sizeof(err2));
	r2 = conf_parse_args(&c2, argc, argv, err2_len ? err2 : NULL, err2_len);
	__fpurge(stdout);
	ASSERT(r2 == r1);
	if (err2_len) {
		size_t len = strnlen(err2, err2_len);

		ASSERT(len < err2_len);
		ASSERT(!memcmp(err1, err2, len));
		ASSERT(r1 != -1 || len == MIN(strlen(err1), err2_len - 1));
		for (i = err2_len; i < sizeof(err2); i++)
			ASSERT(err2[i] == 0x5a);
	}
	if (!r2)
		fuzz_check_conf(&c2, argc, argv);
	return 0;
}
