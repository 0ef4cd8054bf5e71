/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fwd_spec.h - the port-forwarding specification shared by -t, -u, -T and
 * -U (pasta's grammar), parsed into a fixed, validated form.
 *
 * Grammar (one option value; an option may be given several times, each
 * adding rules):
 *   none | auto |
 *   [ADDR[%IFNAME]/]ITEM[,ITEM...]
 *   ITEM := PORT[-PORT][:PORT[-PORT]] | ~PORT[-PORT] | all
 *   ADDR := IPv4 | IPv6 | [IPv6]   (IFNAME may also sit inside the brackets)
 * Ports are 1-65535; a mapped range has the length of its source range.
 * A list made of exclusions only (or "all", optionally with exclusions)
 * means "all but these": FWD_MODE_ALL, stored as one rule 1-65535 mapped to
 * itself (carrying the bind address, if any) plus the exclusion bitmap. The
 * parser is pure, so it does not know the host's ephemeral port range:
 * the caller binds only the ports below it. A later value made of
 * exclusions only, given after explicit rules, just adds exclusions.
 * none and auto stand alone, and no rule may be added after them (nor they
 * after rules). A host port may appear in one rule only, whatever the bind
 * address: "port N is forwarded twice" otherwise.
 */
#ifndef BURROW_FWD_SPEC_H
#define BURROW_FWD_SPEC_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWD_RULES_MAX 64
#define FWD_AUTO_MAX 1024 /* ports one "auto" option follows, at most */

enum fwd_mode {
	FWD_MODE_UNSET, /* option not given: mode's default applies */
	FWD_MODE_NONE,	/* none */
	FWD_MODE_SPEC,	/* explicit rules */
	FWD_MODE_ALL,	/* all non-ephemeral ports, minus exclusions */
	FWD_MODE_AUTO,	/* follow the other side's listening ports */
	FWD_MODE_COUNT,
};

struct fwd_rule {
	bool has_addr;	       /* bind to @addr only */
	int af;		       /* AF_INET or AF_INET6 when has_addr */
	struct in_addr addr4;  /* bind address, AF_INET */
	struct in6_addr addr6; /* bind address, AF_INET6 */
	char ifname[IFNAMSIZ]; /* "" or bind-to-device name */
	uint16_t first, last;  /* host-side range, inclusive */
	uint16_t to;	       /* guest-side port for @first */
};

struct fwd_spec {
	enum fwd_mode mode;
	unsigned int n;			     /* rules used */
	struct fwd_rule rule[FWD_RULES_MAX]; /* in order of appearance */
	uint8_t excl[65536 / 8];	     /* bitmap of excluded host ports */
};

/* fwd_spec_parse() - parse one option value @s and add it to @spec.
 * Returns 0, or -1 with a human-readable reason in @why (no option name,
 * no trailing newline). @spec is left unchanged on error. */
int fwd_spec_parse(struct fwd_spec *spec, const char *s, char *why,
		   size_t why_len);

/* fwd_spec_lookup() - whether host port @port is forwarded by @spec, and
 * if so the guest port in @to and the rule's index in @rule (either may be
 * NULL). FWD_MODE_ALL maps every non-excluded port to itself (ephemeral
 * ports included: the caller filters those). FWD_MODE_AUTO, NONE and UNSET
 * forward nothing here: auto's ports are decided at run time. */
bool fwd_spec_lookup(const struct fwd_spec *spec, uint16_t port, uint16_t *to,
		     unsigned int *rule);

/* fwd_spec_each() - call @fn (if not NULL) for every forwarded host port
 * of @spec in rule order, exclusions skipped, with its guest port @to.
 * FWD_MODE_ALL visits 1-65535; other modes but SPEC visit nothing.
 * Returns the number of ports. */
unsigned int fwd_spec_each(const struct fwd_spec *spec,
			   void (*fn)(const struct fwd_rule *r, uint16_t port,
				      uint16_t to, void *arg),
			   void *arg);

#endif /* BURROW_FWD_SPEC_H */
