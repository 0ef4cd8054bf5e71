/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - logging to stderr (foreground) or syslog-less stderr capture.
 *
 * die() is for set-up errors only: one line naming the cause, exit 1.
 * Per-packet events use trace() (only with --trace/--debug) and counters;
 * warn_rl() rate-limits a warning per call site.
 */
#ifndef BURROW_LOG_H
#define BURROW_LOG_H

#include <stdbool.h>
#include <time.h>

#include "util.h"

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
	LOG_LVL_COUNT,
};

/* Current threshold: messages above it are not printed. */
extern enum log_level log_level;

void log_msg(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void die(const char *fmt, ...) __printf(1, 2) __attribute__((noreturn));
void die_perror(const char *what) __attribute__((noreturn));

#define err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define debug(...)                                                             \
	do {                                                                   \
		if (log_level >= LOG_LVL_DEBUG)                                \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                   \
	} while (0)
#define trace(...)                                                             \
	do {                                                                   \
		if (unlikely(log_level >= LOG_LVL_TRACE))                      \
			log_msg(LOG_LVL_TRACE, __VA_ARGS__);                   \
	} while (0)

/* One rate limiter per call site: at most one message per interval. */
struct log_rl {
	time_t last;		  /* second of the last printed message */
	unsigned long suppressed; /* messages dropped since then */
};

bool log_rl_allow(struct log_rl *rl, unsigned long *suppressed);

/* warn_rl() - a warning printed at most once every 5 seconds per site;
 * the count of suppressed ones is appended. */
#define warn_rl(fmt, ...)                                                      \
	do {                                                                   \
		static struct log_rl rl_;                                      \
		unsigned long sup_;                                            \
		if (log_rl_allow(&rl_, &sup_))                                 \
			log_msg(LOG_LVL_WARN, fmt " (%lu suppressed)",         \
				##__VA_ARGS__, sup_);                          \
	} while (0)

/* Escape untrusted bytes for a log line: printable ASCII is kept, the
 * rest becomes \xNN; the output is always NUL-terminated and truncated
 * to fit @out_sz. Returns @out. */
char *log_escape(char *out, size_t out_sz, const void *in, size_t len);

#endif /* BURROW_LOG_H */
