// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fwd_spec.c - fwd_spec_parse() and fwd_spec_lookup(): tables of good
 * and bad specifications, the error texts, accumulation over several
 * values, and lookups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "conf/fwd_spec.h"

static struct fwd_spec spec;

/* A spec that must parse, and the mode and rule count it must give. */
struct good {
	const char *s;
	enum fwd_mode mode;
	unsigned int n;
};

static const struct good goods[] = {
	{"22", FWD_MODE_SPEC, 1},
	{"22-25", FWD_MODE_SPEC, 1},
	{"2222:22", FWD_MODE_SPEC, 1},
	{"1000-1010:2000-2010", FWD_MODE_SPEC, 1},
	{"~22", FWD_MODE_ALL, 1},
	{"1-100,~50-60", FWD_MODE_SPEC, 1},
	{"127.0.0.1/22", FWD_MODE_SPEC, 1},
	{"::1/8080", FWD_MODE_SPEC, 1},
	{"[::1]/8080", FWD_MODE_SPEC, 1},
	{"[fe80::1%eth0]/8080", FWD_MODE_SPEC, 1},
	{"[fe80::1]%eth0/8080", FWD_MODE_SPEC, 1},
	{"fe80::1%eth0/8080", FWD_MODE_SPEC, 1},
	{"0.0.0.0%lo/80", FWD_MODE_SPEC, 1},
	{"all", FWD_MODE_ALL, 1},
	{"all,~22", FWD_MODE_ALL, 1},
	{"127.0.0.1/all", FWD_MODE_ALL, 1},
	{"none", FWD_MODE_NONE, 0},
	{"auto", FWD_MODE_AUTO, 0},
	{"1,2,3,~4", FWD_MODE_SPEC, 3},
	{"65535", FWD_MODE_SPEC, 1},
	{"1-65535", FWD_MODE_SPEC, 1},
	{"80:8080,443:8443", FWD_MODE_SPEC, 2},
	{"00022", FWD_MODE_SPEC, 1},
	{"~1-65535", FWD_MODE_ALL, 1},
};

/* A spec that must fail, with the exact reason. */
struct bad {
	const char *s;
	const char *why;
};

static const struct bad bads[] = {
	{"", "empty port specification"},
	{"0", "bad port '0'"},
	{"70000", "bad port '70000'"},
	{"65536", "bad port '65536'"},
	{"123456", "bad port '123456'"},
	{"25-22", "bad range '25-22'"},
	{"1-10:20-30", "range lengths differ in '1-10:20-30'"},
	{"1000-1010:2000", "range lengths differ in '1000-1010:2000'"},
	{"22:", "bad range '22:'"},
	{":22", "bad range ':22'"},
	{"22-", "bad range '22-'"},
	{"-22", "bad range '-22'"},
	{"22,", "empty item in '22,'"},
	{",22", "empty item in ',22'"},
	{"22,,23", "empty item in '22,,23'"},
	{"22x", "bad port '22x'"},
	{"x", "bad port 'x'"},
	{"+22", "bad port '+22'"},
	{" 22", "bad port ' 22'"},
	{"22 ", "bad port '22 '"},
	{"1.2.3/22", "bad address '1.2.3'"},
	{"1.2.3.4.5/22", "bad address '1.2.3.4.5'"},
	{"/22", "bad address ''"},
	{"[1.2.3.4]/22", "bad address '[1.2.3.4]'"},
	{"[::1/22", "bad address '[::1'"},
	{"[::1]x/22", "bad address '[::1]x'"},
	{"::1%/22", "bad interface name ''"},
	{"::1%averyveryverylongname/22",
	 "bad interface name 'averyveryverylongname'"},
	{"::1%a:b/22", "bad interface name 'a:b'"},
	{"127.0.0.1/", "empty item in '127.0.0.1/'"},
	{"127.0.0.1/22/23", "bad port '22/23'"},
	{"none,22", "bad port 'none'"},
	{"22,auto", "bad port 'auto'"},
	{"all,22", "'all' cannot combine with port ranges"},
	{"all,all", "'all' given twice"},
	{"22,22", "port 22 is forwarded twice"},
	{"20-30,25", "port 25 is forwarded twice"},
	{"25,20-30", "port 25 is forwarded twice"},
	{"1-10:100-109,5:7", "port 5 is forwarded twice"},
	{"~22:23", "bad port '22:23'"},
	{"~", "bad range '~'"},
	{"~0", "bad port '0'"},
	{"22:0", "bad port '0'"},
	{"22:70000", "bad port '70000'"},
	{"1:2:3", "bad port '2:3'"},
	{"1-2-3", "bad port '2-3'"},
};

/* Parse @s into a fresh spec; returns what fwd_spec_parse() returned. */
static int parse_fresh(const char *s, char *why, size_t why_len)
{
	memset(&spec, 0, sizeof(spec));
	return fwd_spec_parse(&spec, s, why, why_len);
}

static void test_good(void **state)
{
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		why[0] = '\0';
		if (parse_fresh(goods[i].s, why, sizeof(why)))
			fail_msg("'%s' rejected: %s", goods[i].s, why);
		if (spec.mode != goods[i].mode || spec.n != goods[i].n)
			fail_msg("'%s': mode %d n %u", goods[i].s, spec.mode,
				 spec.n);
	}
}

static void test_bad(void **state)
{
	static struct fwd_spec zero;
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		if (!parse_fresh(bads[i].s, why, sizeof(why)))
			fail_msg("'%s' accepted", bads[i].s);
		if (strcmp(why, bads[i].why))
			fail_msg("'%s': got \"%s\", want \"%s\"", bads[i].s,
				 why, bads[i].why);
		/* unchanged on error */
		assert_memory_equal(&spec, &zero, sizeof(spec));
	}
}

static void test_addresses(void **state)
{
	struct in6_addr a6;
	char why[128];

	(void)state;
	assert_int_equal(parse_fresh("127.0.0.1/22", why, sizeof(why)), 0);
	assert_true(spec.rule[0].has_addr);
	assert_int_equal(spec.rule[0].af, AF_INET);
	assert_int_equal(spec.rule[0].addr4.s_addr, htonl(0x7f000001));
	assert_string_equal(spec.rule[0].ifname, "");

	assert_int_equal(parse_fresh("[::1]/8080", why, sizeof(why)), 0);
	assert_int_equal(spec.rule[0].af, AF_INET6);
	inet_pton(AF_INET6, "::1", &a6);
	assert_memory_equal(&spec.rule[0].addr6, &a6, sizeof(a6));

	assert_int_equal(parse_fresh("[fe80::1%eth0]/80", why, sizeof(why)), 0);
	assert_string_equal(spec.rule[0].ifname, "eth0");
	inet_pton(AF_INET6, "fe80::1", &a6);
	assert_memory_equal(&spec.rule[0].addr6, &a6, sizeof(a6));

	assert_int_equal(parse_fresh("0.0.0.0%lo/80", why, sizeof(why)), 0);
	assert_int_equal(spec.rule[0].af, AF_INET);
	assert_string_equal(spec.rule[0].ifname, "lo");

	/* IFNAMSIZ - 1 characters fit, IFNAMSIZ do not */
	assert_int_equal(parse_fresh("::%abcdefghijklmno/1", why, sizeof(why)),
			 0);
	assert_string_equal(spec.rule[0].ifname, "abcdefghijklmno");
	assert_int_equal(parse_fresh("::%abcdefghijklmnop/1", why, sizeof(why)),
			 -1);

	assert_int_equal(parse_fresh("22", why, sizeof(why)), 0);
	assert_false(spec.rule[0].has_addr);
}

static void test_lookup(void **state)
{
	unsigned int r;
	uint16_t to;
	char why[128];

	(void)state;
	assert_int_equal(
		parse_fresh("22,1000-1010:2000-2010,~1005", why, sizeof(why)),
		0);
	assert_true(fwd_spec_lookup(&spec, 22, &to, &r));
	assert_int_equal(to, 22);
	assert_int_equal(r, 0);
	assert_true(fwd_spec_lookup(&spec, 1000, &to, &r));
	assert_int_equal(to, 2000);
	assert_int_equal(r, 1);
	assert_true(fwd_spec_lookup(&spec, 1010, &to, NULL));
	assert_int_equal(to, 2010);
	assert_false(fwd_spec_lookup(&spec, 1005, &to, &r));
	assert_false(fwd_spec_lookup(&spec, 23, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 0, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 1011, NULL, NULL));

	assert_int_equal(parse_fresh("2222:22", why, sizeof(why)), 0);
	assert_true(fwd_spec_lookup(&spec, 2222, &to, NULL));
	assert_int_equal(to, 22);
	assert_false(fwd_spec_lookup(&spec, 22, &to, NULL));

	assert_int_equal(parse_fresh("~22,~80-90", why, sizeof(why)), 0);
	assert_int_equal(spec.mode, FWD_MODE_ALL);
	assert_true(fwd_spec_lookup(&spec, 1, &to, NULL));
	assert_int_equal(to, 1);
	assert_true(fwd_spec_lookup(&spec, 65535, &to, NULL));
	assert_int_equal(to, 65535);
	assert_false(fwd_spec_lookup(&spec, 22, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 85, NULL, NULL));
	assert_true(fwd_spec_lookup(&spec, 91, NULL, NULL));

	assert_int_equal(parse_fresh("1-100,~50-60", why, sizeof(why)), 0);
	assert_true(fwd_spec_lookup(&spec, 49, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 55, NULL, NULL));
	assert_true(fwd_spec_lookup(&spec, 61, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 101, NULL, NULL));

	assert_int_equal(parse_fresh("none", why, sizeof(why)), 0);
	assert_false(fwd_spec_lookup(&spec, 22, NULL, NULL));
	assert_int_equal(parse_fresh("auto", why, sizeof(why)), 0);
	assert_false(fwd_spec_lookup(&spec, 22, NULL, NULL));

	memset(&spec, 0, sizeof(spec));
	assert_false(fwd_spec_lookup(&spec, 22, NULL, NULL));
}

static void test_accumulate(void **state)
{
	char why[128];
	uint16_t to;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(fwd_spec_parse(&spec, "22", why, sizeof(why)), 0);
	assert_int_equal(fwd_spec_parse(&spec, "80:8080", why, sizeof(why)), 0);
	assert_int_equal(spec.n, 2);
	assert_int_equal(spec.mode, FWD_MODE_SPEC);
	assert_true(fwd_spec_lookup(&spec, 80, &to, NULL));
	assert_int_equal(to, 8080);

	/* an overlap with an earlier value, and nothing added by it */
	assert_int_equal(fwd_spec_parse(&spec, "30,10-25", why, sizeof(why)),
			 -1);
	assert_string_equal(why, "port 22 is forwarded twice");
	assert_int_equal(spec.n, 2);
	assert_false(fwd_spec_lookup(&spec, 30, NULL, NULL));

	/* exclusions only, after rules: just exclusions */
	assert_int_equal(fwd_spec_parse(&spec, "~22", why, sizeof(why)), 0);
	assert_int_equal(spec.mode, FWD_MODE_SPEC);
	assert_false(fwd_spec_lookup(&spec, 22, NULL, NULL));
	assert_false(fwd_spec_lookup(&spec, 23, NULL, NULL));

	assert_int_equal(fwd_spec_parse(&spec, "none", why, sizeof(why)), -1);
	assert_string_equal(why, "'none' cannot combine with other rules");
	assert_int_equal(fwd_spec_parse(&spec, "all", why, sizeof(why)), -1);
	assert_string_equal(why, "port 22 is forwarded twice");

	/* none, then more */
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(fwd_spec_parse(&spec, "none", why, sizeof(why)), 0);
	assert_int_equal(fwd_spec_parse(&spec, "none", why, sizeof(why)), 0);
	assert_int_equal(fwd_spec_parse(&spec, "22", why, sizeof(why)), -1);
	assert_string_equal(why, "'none' cannot combine with other rules");
	assert_int_equal(fwd_spec_parse(&spec, "auto", why, sizeof(why)), -1);
	assert_string_equal(why, "'auto' cannot combine with other rules");

	/* all, then all again or a rule */
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(fwd_spec_parse(&spec, "~22", why, sizeof(why)), 0);
	assert_int_equal(fwd_spec_parse(&spec, "~23", why, sizeof(why)), 0);
	assert_int_equal(spec.n, 1);
	assert_false(fwd_spec_lookup(&spec, 23, NULL, NULL));
	assert_int_equal(fwd_spec_parse(&spec, "all", why, sizeof(why)), -1);
	assert_string_equal(why, "'all' given twice");
	assert_int_equal(fwd_spec_parse(&spec, "80", why, sizeof(why)), -1);
	assert_string_equal(why, "port 80 is forwarded twice");
}

static void test_limits(void **state)
{
	char buf[1024], why[128];
	unsigned int i;
	size_t o = 0;

	(void)state;
	/* 64 rules in one value fit */
	for (i = 1; i <= FWD_RULES_MAX; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u",
				      i > 1 ? "," : "", i);
	assert_int_equal(parse_fresh(buf, why, sizeof(why)), 0);
	assert_int_equal(spec.n, FWD_RULES_MAX);
	/* the 65th does not, in the same value or a later one */
	assert_int_equal(fwd_spec_parse(&spec, "1000", why, sizeof(why)), -1);
	assert_string_equal(why, "too many rules (max 64)");
	snprintf(buf + o, sizeof(buf) - o, ",65");
	assert_int_equal(parse_fresh(buf, why, sizeof(why)), -1);
	assert_string_equal(why, "too many rules (max 64)");
	assert_int_equal(spec.n, 0);

	/* exclusions cost no rule */
	assert_int_equal(parse_fresh("~1,~2,~3,~4,~5", why, sizeof(why)), 0);
	assert_int_equal(spec.n, 1);

	/* a short or missing error buffer is fine */
	assert_int_equal(parse_fresh("70000", why, 4), -1);
	assert_string_equal(why, "bad");
	assert_int_equal(parse_fresh("70000", NULL, 0), -1);

	/* long tokens are cut in the message */
	memset(buf, '9', 200);
	buf[200] = '\0';
	assert_int_equal(parse_fresh(buf, why, sizeof(why)), -1);
	assert_true(strlen(why) < 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
