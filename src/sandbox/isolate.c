// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isolate.c - detach from the host once set-up is done: namespaces, an
 * empty root, no capabilities, no-new-privs, resource limits.
 *
 * Theory of operation
 *
 * Goal: a burrow taken over through a bug in the data path sees no file,
 * no process and no IPC object of the host, holds no capability, and can
 * gain none (the seccomp filter, installed right after, forbids execve
 * and everything else it does not need).
 *
 * Steps, each keeping what the next needs:
 *
 *   1. unshare() user, mount, IPC and UTS namespaces. Not the network
 *      namespace: every flow opens a new socket in the host's. Not a PID
 *      namespace: it would only apply to children, and we start none.
 *   2. Map our own uid and gid to themselves in the new user namespace
 *      (setgroups denied, as the kernel wants for an unprivileged map).
 *      Kernel-side ids do not change, so nothing the host checks against
 *      them (ping_group_range, file owners) sees a difference.
 *   3. Make every mount private (nothing propagates back to the host),
 *      mount an empty read-only tmpfs, pivot_root() into it and detach the
 *      old root: /proc/PID/root is an empty directory. chroot() if
 *      pivot_root() is refused.
 *   4. Resource limits: the soft descriptor limit up to the hard one (one
 *      descriptor per flow), no new processes, no core files, no locked
 *      memory, no message queues.
 *   5. Drop every capability: the bounding set while we still hold
 *      CAP_SETPCAP, ambient, then permitted, effective and inheritable.
 *   6. No-new-privs (also required for an unprivileged seccomp filter),
 *      and not dumpable: a process of the same user cannot ptrace us or
 *      read our memory through /proc.
 *
 * What the data path keeps: every descriptor opened at set-up (tap,
 * --pcap, forwarding sockets, epoll, signalfd, timerfd, the command's
 * pidfd), new UDP and ping sockets, SO_BINDTODEVICE on them (no
 * capability needed since Linux 5.7 for a socket not yet bound to a
 * device).
 *
 * What it loses, on purpose: a root burrow's capabilities in the host's
 * network namespace. An outbound UDP flow then keeps the guest's source
 * port only at or above net.ipv4.ip_unprivileged_port_start (1024 by
 * default); below, udp.c falls back to an ephemeral port.
 *
 * RLIMIT_FSIZE is deliberately left alone: stderr may be a regular file,
 * and a write past the limit raises SIGXFSZ; no file can be opened after
 * the sandbox anyway.
 *
 * Without user namespaces (disabled, exhausted, or burrow inside a
 * chroot): a privileged burrow still gets the mount, IPC and UTS
 * namespaces and the empty root, only not its own user ids; an
 * unprivileged one keeps the host's file system in view. One warning line
 * says which. Capabilities, limits, no-new-privs and seccomp apply in
 * every case.
 *
 * #syscalls:setup unshare openat write close mount chdir pivot_root
 * #syscalls:setup umount2 chroot prlimit64 prctl capset
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../core/log.h"
#include "../core/util.h"
#include "sandbox.h"

/* Namespaces we leave, apart from the user namespace. */
#define ISOLATE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)
/* The empty root: one page, no room for a file even if it were writable */
#define ISOLATE_TMPFS_OPTS "size=4k,nr_inodes=1,mode=0555"

/* What isolate_unshare() managed. */
enum isolate_ns {
	ISOLATE_NS_USER, /* user, mount, IPC, UTS */
	ISOLATE_NS_PRIV, /* mount, IPC, UTS: privileged, no user ns */
	ISOLATE_NS_NONE, /* none */
	ISOLATE_NS_COUNT,
};

/* isolate_write() - write @text to the existing file @path. Returns 0 or
 * -errno; a short write is -EIO. */
static int isolate_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	e = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return e;
}

/* isolate_map_self() - in a user namespace we just created, map @uid and
 * @gid (our ids outside) to themselves. Returns 0 or -errno. */
static int isolate_map_self(uid_t uid, gid_t gid)
{
	char line[64];
	int r;

	/* Absent before Linux 3.19, where gid_map needs no "deny" */
	r = isolate_write("/proc/self/setgroups", "deny");
	if (r && r != -ENOENT)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", uid, uid);
	r = isolate_write("/proc/self/uid_map", line);
	if (r)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", gid, gid);
	return isolate_write("/proc/self/gid_map", line);
}

/* isolate_unshare() - leave the namespaces we can. Returns what we left;
 * prints one warning line for anything less than ISOLATE_NS_USER. */
static enum isolate_ns isolate_unshare(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int e, r;

	if (!unshare(CLONE_NEWUSER | ISOLATE_NS_FLAGS)) {
		r = isolate_map_self(uid, gid);
		/* Cosmetic for us: kernel-side ids are what the host checks */
		if (r)
			warn("sandbox: cannot map our ids in the new user "
			     "namespace: %s",
			     strerror(-r));
		return ISOLATE_NS_USER;
	}
	e = errno;
	if (!unshare(ISOLATE_NS_FLAGS)) {
		warn("sandbox: no user namespace (%s): burrow keeps its host "
		     "user ids, without capabilities",
		     strerror(e));
		return ISOLATE_NS_PRIV;
	}
	warn("sandbox: cannot create namespaces (%s): burrow keeps its view "
	     "of the host's file system; capabilities, limits and seccomp "
	     "still apply",
	     strerror(e));
	return ISOLATE_NS_NONE;
}

/* isolate_root() - in our own mount namespace: make the tree private and
 * switch to an empty, read-only tmpfs as root and working directory. On
 * success nothing of the host's file system is reachable by path. Returns
 * 0, or -errno with @*step naming the call that failed. */
static int isolate_root(const char **step)
{
	/* Mount points that exist on any system running burrow; the old
	 * content below is hidden only in our namespace, then detached */
	static const char *const dirs[] = {"/tmp", "/proc"};
	unsigned int i;
	int e = 0;

	*step = "making mounts private";
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	*step = "mounting tmpfs";
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!mount("burrow", dirs[i], "tmpfs",
			   MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   ISOLATE_TMPFS_OPTS))
			break;
		e = -errno;
	}
	if (i == ARRAY_SIZE(dirs))
		return e;
	*step = "chdir";
	if (chdir(dirs[i]))
		return -errno;
	/* The old root ends up stacked on "." and is detached from there */
	if (!syscall(SYS_pivot_root, ".", ".")) {
		*step = "detaching the old root";
		if (umount2(".", MNT_DETACH))
			return -errno;
	} else {
		/* e.g. an initramfs root, which cannot be pivoted away */
		*step = "pivot_root and chroot";
		if (chroot("."))
			return -errno;
	}
	*step = "chdir";
	if (chdir("/"))
		return -errno;
	return 0;
}

/* isolate_rlimits() - raise the soft descriptor limit to the hard one
 * and set to zero those of resources the data path never uses. Failures
 * are logged at debug level: lowering a limit cannot fail, and raising
 * the soft limit to the hard one is always allowed. */
static void isolate_rlimits(void)
{
	static const int zero[] = {RLIMIT_NPROC, RLIMIT_CORE, RLIMIT_MEMLOCK,
				   RLIMIT_MSGQUEUE};
	const struct rlimit none = {0, 0};
	struct rlimit rl;
	unsigned int i;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			debug("sandbox: RLIMIT_NOFILE: %s", strerror(errno));
	}
	for (i = 0; i < ARRAY_SIZE(zero); i++) {
		if (setrlimit(zero[i], &none))
			debug("sandbox: resource limit %d: %s", zero[i],
			      strerror(errno));
	}
}

/* isolate_caps() - drop every capability: bounding set (if we may: it
 * needs CAP_SETPCAP, which an unprivileged burrow without a user
 * namespace lacks), ambient, permitted, effective, inheritable. Dies if
 * the last three cannot be cleared. */
static void isolate_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int cap;

	/* EINVAL past the last capability the kernel knows; EPERM without
	 * CAP_SETPCAP (the bounding set only matters across execve) */
	for (cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			break;
	}
	if (cap < 64 && errno == EPERM)
		debug("sandbox: bounding set kept: no CAP_SETPCAP");
	/* EINVAL before Linux 4.3, which has no ambient set */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d))
		die_perror("sandbox: cannot drop capabilities");
}

/* isolate_enter() - see sandbox.h. */
bool isolate_enter(void)
{
	enum isolate_ns ns = isolate_unshare();
	const char *step = "";
	bool alone = false;
	int r;

	if (ns != ISOLATE_NS_NONE) {
		r = isolate_root(&step);
		if (r)
			warn("sandbox: cannot switch to an empty root (%s: "
			     "%s): burrow keeps its view of the host's files",
			     step, strerror(-r));
		alone = !r;
	}
	isolate_rlimits();
	isolate_caps();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die_perror("sandbox: cannot set no-new-privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		debug("sandbox: cannot clear dumpable: %s", strerror(errno));
	return alone;
}
