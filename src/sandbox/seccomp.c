// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp.c - the system call allow-list, installed with libseccomp.
 *
 * Theory of operation
 *
 * Each function the data path runs names the system calls it makes,
 * beyond the base set below, on a "#syscalls" line of its header comment.
 * tools/syscalls.sh collects those lines at build time into syscalls.h;
 * SCMP_SYS() turns each name into a number there, so a misspelt name
 * fails the build, and removing a function removes its permission. The
 * forms of the line:
 *
 *   - "#syscalls NAME...": allowed after sandbox_enter();
 *   - "#syscalls:asan NAME...": also allowed with AddressSanitizer;
 *   - "#syscalls:setup NAME...": documentation only, for set-up code,
 *     never allowed.
 *
 * A line counts only if the tag starts it (after the comment marks).
 *
 * Anything else kills the whole process (SCMP_ACT_KILL_PROCESS; SIGSYS,
 * so the integration tests see a crash, not a silent failure). System
 * calls of other ABIs on the same machine (i386, x32) are killed too.
 *
 * Base set, needed whatever the data path does: the loop's wait, reads
 * and writes (the log is stderr), closing flows, the clock where the vDSO
 * falls back to a real call, exit, signal return and restart, and what
 * abort() needs so that a failed ASSERT() reports as SIGABRT.
 *
 * #syscalls exit_group exit rt_sigreturn restart_syscall clock_gettime
 * #syscalls epoll_wait epoll_pwait read write close
 * #syscalls rt_sigprocmask rt_sigaction getpid gettid tgkill
 *
 * The AddressSanitizer run-time maps and unmaps shadow and allocator
 * memory, uses an alternate signal stack and futexes, and on a report
 * tries /proc (in vain after pivot_root: frames are printed as module and
 * offset, for addr2line) and asks whether stderr is a terminal:
 *
 * #syscalls:asan mmap munmap mprotect madvise mremap sigaltstack futex
 * #syscalls:asan sched_yield prctl readlink open openat newfstatat fstat
 * #syscalls:asan getrlimit prlimit64 sched_getaffinity nanosleep ioctl
 *
 * Refused rather than killed (they fail with EACCES, see seccomp_refused):
 * unlink by path, which can only fail after pivot_root() anyway; main.c
 * removes the -P file with unlinkat() through a directory descriptor
 * opened before the sandbox.
 */
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "../core/log.h"
#include "../core/util.h"
#include "sandbox.h"
#include "syscalls.h"

/* One system call: its name (for messages) and number (SCMP_SYS()). */
struct seccomp_call {
	const char *name; /* as on the #syscalls line */
	int nr;		  /* native number; negative if not on this arch */
};

/* A name libseccomp does not know fails the build here, with
 * "__SNR_name undeclared". */
#define SECCOMP_CALL(n) ((struct seccomp_call){.name = #n, .nr = SCMP_SYS(n)})
#define SECCOMP_LIST(n) SECCOMP_CALL(n),

/* From the #syscalls lines (syscalls.h) */
static const struct seccomp_call seccomp_data[] = {SYSCALLS_DATA(SECCOMP_LIST)};

#if SANDBOX_ASAN
static const struct seccomp_call seccomp_asan[] = {SYSCALLS_ASAN(SECCOMP_LIST)};
/* The sanitizers' report path may try to start a symbolizer or stop the
 * world for a leak check: let that fail, not kill the report half-way. */
static const struct seccomp_call seccomp_asan_refused[] = {
	SECCOMP_CALL(clone), SECCOMP_CALL(clone3), SECCOMP_CALL(fork),
	SECCOMP_CALL(vfork), SECCOMP_CALL(execve), SECCOMP_CALL(ptrace),
	SECCOMP_CALL(pipe),  SECCOMP_CALL(pipe2),
};
#endif

/* Fail with EACCES instead of killing (see the comment at the top) */
static const struct seccomp_call seccomp_refused[] = {
	SECCOMP_CALL(unlink),
};

/* seccomp_in() - whether @nr is in @tab of @n entries. */
static bool seccomp_in(const struct seccomp_call *tab, size_t n, long nr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tab[i].nr == nr)
			return true;
	}
	return false;
}

/* seccomp_allowed() - see sandbox.h. */
bool seccomp_allowed(long nr)
{
	if (seccomp_in(seccomp_data, ARRAY_SIZE(seccomp_data), nr))
		return true;
#if SANDBOX_ASAN
	if (seccomp_in(seccomp_asan, ARRAY_SIZE(seccomp_asan), nr))
		return true;
#endif
	return false;
}

/* seccomp_add() - add a rule with @action for each of the @n calls in
 * @tab to @ctx, skipping those this architecture does not have. Returns
 * the number of rules added; dies with one line on a libseccomp error. */
static unsigned int seccomp_add(scmp_filter_ctx ctx, uint32_t action,
				const struct seccomp_call *tab, size_t n)
{
	unsigned int added = 0;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (tab[i].nr < 0) {
			debug("seccomp: %s: not on this architecture",
			      tab[i].name);
			continue;
		}
		r = seccomp_rule_add(ctx, action, tab[i].nr, 0);
		if (r < 0)
			die("seccomp: cannot add a rule for %s: %s",
			    tab[i].name, strerror(-r));
		added++;
	}
	return added;
}

/* seccomp_install() - see sandbox.h. The filter context is deliberately
 * never released: freeing it could hand memory back to the kernel
 * (munmap, brk), which the filter no longer allows. */
void seccomp_install(void)
{
	unsigned int allowed;
	scmp_filter_ctx ctx;
	int r;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		die("seccomp: cannot create a filter");
	allowed = seccomp_add(ctx, SCMP_ACT_ALLOW, seccomp_data,
			      ARRAY_SIZE(seccomp_data));
#if SANDBOX_ASAN
	allowed += seccomp_add(ctx, SCMP_ACT_ALLOW, seccomp_asan,
			       ARRAY_SIZE(seccomp_asan));
	seccomp_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_asan_refused,
		    ARRAY_SIZE(seccomp_asan_refused));
#endif
	seccomp_add(ctx, SCMP_ACT_ERRNO(EACCES), seccomp_refused,
		    ARRAY_SIZE(seccomp_refused));
	r = seccomp_load(ctx);
	if (r < 0)
		die("seccomp: cannot load the filter: %s", strerror(-r));
	debug("seccomp: filter loaded, %u system calls allowed", allowed);
}
