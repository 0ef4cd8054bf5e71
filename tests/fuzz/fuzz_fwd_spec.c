// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fwd_spec.c - libFuzzer target for fwd_spec_parse(): the input is
 * split at newlines into up to four option values parsed into the same
 * spec (as repeated -t options are), then a few lookups run, and the
 * spec's invariants are checked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf/fwd_spec.h"
#include "core/util.h"

#define FUZZ_SPEC_MAX 1024 /* longest input looked at */
#define FUZZ_VALUES_MAX 4  /* values parsed into one spec */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* fuzz_check() - invariants every successfully parsed spec keeps. */
static void fuzz_check(const struct fwd_spec *spec)
{
	unsigned int i, j;

	ASSERT(spec->n <= FWD_RULES_MAX);
	ASSERT(spec->mode < FWD_MODE_COUNT);
	for (i = 0; i < spec->n; i++) {
		const struct fwd_rule *r = &spec->rule[i];

		ASSERT(r->first >= 1 && r->first <= r->last);
		ASSERT(r->to >= 1 && r->to + (r->last - r->first) <= 65535);
		ASSERT(memchr(r->ifname, '\0', sizeof(r->ifname)));
		for (j = 0; j < i; j++)
			ASSERT(r->last < spec->rule[j].first ||
			       r->first > spec->rule[j].last);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint16_t ports[] = {0, 1, 22, 80, 1024, 8080, 65535};
	static struct fwd_spec spec;
	static char buf[FUZZ_SPEC_MAX + 1];
	char why[128], *s = buf;
	unsigned int i, r;
	uint16_t to;

	n = MIN(n, (size_t)FUZZ_SPEC_MAX);
	memcpy(buf, d, n);
	buf[n] = '\0';
	memset(&spec, 0, sizeof(spec));

	for (i = 0; i < FUZZ_VALUES_MAX && s; i++) {
		char *nl = strchr(s, '\n');

		if (nl)
			*nl = '\0';
		if (!fwd_spec_parse(&spec, s, why, sizeof(why)))
			fuzz_check(&spec);
		else
			ASSERT(memchr(why, '\0', sizeof(why)));
		s = nl ? nl + 1 : NULL;
	}

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		if (fwd_spec_lookup(&spec, ports[i], &to, &r)) {
			ASSERT(ports[i] && r < spec.n && to);
			ASSERT(ports[i] >= spec.rule[r].first &&
			       ports[i] <= spec.rule[r].last);
		}
	}
	for (i = 0; i < spec.n; i++)
		(void)fwd_spec_lookup(&spec, spec.rule[i].last, &to, &r);
	return 0;
}
