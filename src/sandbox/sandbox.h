/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox.h - what burrow gives up once set-up is done: its view of the
 * host (isolate.c), and every system call the data path does not make
 * (seccomp.c). sandbox_enter() runs both, in that order.
 */
#ifndef BURROW_SANDBOX_H
#define BURROW_SANDBOX_H

#include <stdbool.h>

#include "../conf/conf.h"

/* SANDBOX_ASAN: 1 in builds with AddressSanitizer, whose run-time makes
 * system calls of its own (gcc says so with __SANITIZE_ADDRESS__, clang
 * with __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif
#ifndef SANDBOX_ASAN
#define SANDBOX_ASAN 0
#endif

/* sandbox_enter() - called once, after set-up and before the first event
 * is served. On return the process has no capabilities, no-new-privs set,
 * lowered resource limits, and a seccomp filter that kills it on any
 * system call outside the #syscalls lines; when the kernel allows it, it
 * is also alone in fresh user, mount, IPC and UTS namespaces with an
 * empty, read-only root. Every descriptor opened at set-up keeps working.
 * Dies with one line if no-new-privs or the filter cannot be installed;
 * a missing namespace is one warning line. With
 * @c->debug_forbidden_syscall it then makes a forbidden call and is
 * killed by SIGSYS (or dies with status 1 if, wrongly, it was not). */
void sandbox_enter(const struct conf *c);

/* isolate_enter() - everything in sandbox_enter() but the filter. Returns
 * true if burrow now has an empty root of its own, false if it kept the
 * host's (a warning line says why). Dies with one line only if the
 * capabilities cannot be dropped or no-new-privs cannot be set. Defined
 * in isolate.c. */
bool isolate_enter(void);

/* seccomp_install() - load the allow-list (default action: kill the
 * process). Dies with one line on any failure. Defined in seccomp.c. */
void seccomp_install(void);

/* seccomp_allowed() - whether the installed allow-list lets system call
 * number @nr through (for the self-test; false for unknown numbers). */
bool seccomp_allowed(long nr);

#endif /* BURROW_SANDBOX_H */
