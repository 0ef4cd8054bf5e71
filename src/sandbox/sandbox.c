// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.c - entering the sandbox: once, after set-up, before the loop.
 *
 * Theory of operation
 *
 * Set-up needs the host: files (resolv.conf, --pcap, -P), netlink, the
 * namespaces of the guest, a fork. The data path needs only descriptors it
 * already holds, plus new UDP and ping sockets in the host's network
 * namespace. So once set-up is done burrow gives up the rest, in an order
 * where each step still has what it needs:
 *
 *   1. (ASan builds) run LeakSanitizer's end-of-process check now: it
 *      stops the world with a helper task and ptrace(), which the filter
 *      forbids later, and a check at exit would be killed half-way.
 *   2. isolate_enter(): fresh namespaces, empty root, no capabilities,
 *      no-new-privs, resource limits. Needs unshare, mount, /proc/self.
 *   3. seccomp_install(): last, as it forbids what step 2 used.
 *
 * The network namespace is deliberately kept: new host sockets must be
 * opened in it for every flow.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#include "../core/log.h"
#include "sandbox.h"

#if SANDBOX_ASAN
#include <sanitizer/lsan_interface.h>
#endif

/* The self-test's forbidden call: unshare(0) changes nothing if, wrongly,
 * it gets through, and is what an attacker would try first. */
#define SANDBOX_FORBIDDEN_NR SYS_unshare

/* sandbox_forbidden() - --debug-forbidden-syscall: make one system call
 * the filter does not allow. Never returns: the kernel kills us with
 * SIGSYS, or, if the filter let it through, we die with status 1. */
static void __attribute__((noreturn)) sandbox_forbidden(void)
{
	if (seccomp_allowed(SANDBOX_FORBIDDEN_NR))
		die("--debug-forbidden-syscall: unshare is on the allow-list");
	info("sandbox self-test: calling unshare(0), which the filter forbids");
	syscall(SANDBOX_FORBIDDEN_NR, 0);
	die("sandbox self-test: unshare(0) returned (%s): no filter",
	    strerror(errno));
}

/* sandbox_under_valgrind() - true when valgrind runs us (its client
 * request answers 0 natively). Builds without valgrind's header say no. */
static bool sandbox_under_valgrind(void)
{
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
	return RUNNING_ON_VALGRIND != 0;
#endif
#endif
	return false;
}

/* sandbox_enter() - see sandbox.h. */
void sandbox_enter(const struct conf *c)
{
	bool alone;

#if SANDBOX_ASAN
	__lsan_do_leak_check();
#endif
	alone = isolate_enter();
	if (sandbox_under_valgrind()) {
		/* valgrind implements no seccomp(2), and a filter would
		 * also judge valgrind's own system calls. */
		warn("sandbox: running under valgrind: no seccomp filter");
		return;
	}
	seccomp_install();
	debug("sandbox: entered (%s root, seccomp filter on)",
	      alone ? "empty" : "host's");
	if (c->debug_forbidden_syscall)
		sandbox_forbidden();
}
