// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - stderr logging, fatal set-up errors, rate limiting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

enum log_level log_level = LOG_LVL_INFO;

static const char *const log_level_name[] = {
	[LOG_LVL_ERR] = "error",   [LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",   [LOG_LVL_DEBUG] = "debug",
	[LOG_LVL_TRACE] = "trace",
};
static_assert(ARRAY_SIZE(log_level_name) == LOG_LVL_COUNT, "log level names");

/* log_msg() - print one line "burrow: LEVEL: message" to stderr. */
void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (lvl > log_level)
		return;
	n = snprintf(buf, sizeof(buf), "burrow: %s: ", log_level_name[lvl]);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
}

/* die() - print one line naming the cause and exit with status 1. */
void die(const char *fmt, ...)
{
	va_list ap;

	fputs("burrow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* die_perror() - die() with strerror(errno) appended. */
void die_perror(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

void util_assert_fail(const char *cond, const char *file, int line)
{
	fprintf(stderr, "burrow: assertion failed: %s at %s:%d\n", cond, file,
		line);
	abort();
}

/* log_rl_allow() - true at most once per 5 s; @suppressed gets the number
 * of calls refused since the last allowed one. */
bool log_rl_allow(struct log_rl *rl, unsigned long *suppressed)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (rl->last && now.tv_sec - rl->last < 5) {
		rl->suppressed++;
		return false;
	}
	rl->last = now.tv_sec ? now.tv_sec : 1;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

char *log_escape(char *out, size_t out_sz, const void *in, size_t len)
{
	const unsigned char *s = in;
	size_t o = 0, i;

	if (!out_sz)
		return out;
	for (i = 0; i < len; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if (o + 1 >= out_sz)
				break;
			out[o++] = (char)s[i];
		} else {
			if (o + 4 >= out_sz)
				break;
			snprintf(out + o, 5, "\\x%02x", s[i]);
			o += 4;
		}
	}
	out[o] = '\0';
	return out;
}
