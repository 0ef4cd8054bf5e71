// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns_broker.c - sockets in the guest's namespace after set-up.
 *
 * Theory of operation
 *
 * burrow lives in the host's network namespace, and once sandboxed it has
 * no capability left to enter the guest's. "auto" forwarding from the
 * namespace's loopback to the host's (-T auto, -U auto) still has to bind
 * new ports in there whenever the host starts listening on one. So at
 * set-up, if that is asked for, burrow forks a broker that joins the
 * guest's user and network namespaces and stays there. The broker:
 *
 *   - opens the namespace's /proc/net/{tcp,tcp6,udp,udp6} (a file of
 *     /proc/self/net shows the namespace of whoever opened it, for as long
 *     as it is open) and sends the descriptors to burrow, which reads
 *     them to follow the guest's listening ports (-t auto, -u auto);
 *   - closes every other descriptor, sets no-new-privs and installs its
 *     own seccomp filter: socket, setsockopt, bind, listen, sendmsg,
 *     recvmsg, close and exit, nothing else;
 *   - then answers requests, one SOCK_SEQPACKET datagram each way: the
 *     request is {proto, family, port (network order)}, the answer a
 *     32-bit 0 or -errno, with the socket attached on success.
 *
 * It gets SIGKILL when burrow dies, and exits when burrow closes its end.
 * The user namespace is joined for the capabilities that binding in the
 * network namespace needs (it owns that namespace); inside it the broker
 * is root, which is why it is confined to those few calls.
 *
 * #syscalls sendmsg recvmsg
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "../core/log.h"
#include "../core/util.h"
#include "../sandbox/sandbox.h"
#include "ns_broker.h"

/* A request: the socket wanted. */
struct ns_broker_req {
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t six;   /* 1: AF_INET6 */
	uint16_t port; /* network order */
};

/* The broker's first word: whether it joined, which tables follow. */
struct ns_broker_hello {
	int err;	   /* 0, or -errno of setns() */
	unsigned int mask; /* bit N: table N (enum ns_procnet) attached */
};

static int broker_sock = -1;
static int broker_procnet[NS_PROCNET_COUNT] = {-1, -1, -1, -1};

int ns_lo_socket(uint8_t proto, int af, uint16_t port)
{
	union {
		struct sockaddr_in a4;
		struct sockaddr_in6 a6;
	} sa;
	int fd, one = 1, e;

	if ((af != AF_INET && af != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	if (af == AF_INET) {
		sa.a4.sin_family = AF_INET;
		sa.a4.sin_port = htons(port);
		sa.a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		sa.a6.sin6_family = AF_INET6;
		sa.a6.sin6_port = htons(port);
		sa.a6.sin6_addr = in6addr_loopback;
	}
	fd = socket(af,
		    (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
			    SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa,
		 af == AF_INET ? sizeof(sa.a4) : sizeof(sa.a6)) ||
	    (proto == IPPROTO_TCP && listen(fd, 128))) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* ns_broker_send() - send @len bytes of @data with up to @nfd descriptors
 * @fds (those < 0 are left out). Returns 0 or -errno. */
static int ns_broker_send(int sock, const void *data, size_t len,
			  const int *fds, unsigned int nfd)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * NS_PROCNET_COUNT)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = (void *)(uintptr_t)data,
			    .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	unsigned int i, n = 0;
	int pass[NS_PROCNET_COUNT];

	for (i = 0; i < nfd && i < NS_PROCNET_COUNT; i++) {
		if (fds[i] >= 0)
			pass[n++] = fds[i];
	}
	if (n) {
		struct cmsghdr *cm;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(cm), pass, sizeof(int) * n);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* ns_broker_recv() - receive one datagram into @data (@len bytes at most)
 * and up to @nfd descriptors into @fds (the rest set to -1). Returns the
 * datagram's length, 0 at end of file, or -errno. Descriptors beyond
 * @nfd are closed. */
static ssize_t ns_broker_recv(int sock, void *data, size_t len, int *fds,
			      unsigned int nfd)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * NS_PROCNET_COUNT)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = data, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.b,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	unsigned int i;
	ssize_t r;

	for (i = 0; i < nfd; i++)
		fds[i] = -1;
	do {
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t n;
		int got[NS_PROCNET_COUNT];

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (n > NS_PROCNET_COUNT)
			n = NS_PROCNET_COUNT;
		memcpy(got, CMSG_DATA(cm), n * sizeof(int));
		for (i = 0; i < n; i++) {
			if (i < nfd)
				fds[i] = got[i];
			else
				close(got[i]);
		}
	}
	return r;
}

/* ns_broker_seccomp() - the broker's own allow-list; false on failure. */
static bool ns_broker_seccomp(void)
{
	static const int allow[] = {
		SCMP_SYS(socket),
		SCMP_SYS(setsockopt),
		SCMP_SYS(bind),
		SCMP_SYS(listen),
		SCMP_SYS(sendmsg),
		SCMP_SYS(recvmsg),
		SCMP_SYS(close),
		SCMP_SYS(exit),
		SCMP_SYS(exit_group),
		SCMP_SYS(rt_sigreturn),
#if SANDBOX_ASAN
		SCMP_SYS(mmap),
		SCMP_SYS(munmap),
		SCMP_SYS(mprotect),
		SCMP_SYS(madvise),
		SCMP_SYS(futex),
		SCMP_SYS(sigaltstack),
		SCMP_SYS(write),
		SCMP_SYS(getpid),
		SCMP_SYS(gettid),
		SCMP_SYS(tgkill),
		SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(rt_sigaction),
#endif
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	size_t i;

	if (!ctx)
		return false;
	for (i = 0; i < ARRAY_SIZE(allow); i++) {
		if (allow[i] >= 0 &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0) < 0)
			return false;
	}
	return seccomp_load(ctx) == 0;
}

/* ns_broker_serve() - the broker's life after fork(): join the
 * namespaces open at @userfd (may be -1) and @netfd, hand over the
 * /proc/net tables, sandbox, serve. Never returns. */
static void __attribute__((noreturn))
ns_broker_serve(int sock, int userfd, int netfd, pid_t ppid)
{
	static const char *const path[NS_PROCNET_COUNT] = {
		"/proc/self/net/tcp", "/proc/self/net/tcp6",
		"/proc/self/net/udp", "/proc/self/net/udp6"};
	int procnet[NS_PROCNET_COUNT];
	struct ns_broker_hello h = {0};
	unsigned int i;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != ppid)
		_exit(1);
	if ((userfd >= 0 && setns(userfd, CLONE_NEWUSER)) ||
	    setns(netfd, CLONE_NEWNET))
		h.err = -errno;
	for (i = 0; i < NS_PROCNET_COUNT; i++) {
		procnet[i] = h.err ? -1 : open(path[i], O_RDONLY | O_CLOEXEC);
		if (procnet[i] >= 0)
			h.mask |= 1U << i;
	}
	if (ns_broker_send(sock, &h, sizeof(h), procnet, NS_PROCNET_COUNT) ||
	    h.err)
		_exit(1);
	/* Only the socket stays; sock > 2 (the pair was made after 0-2) */
	if (close_range(3, (unsigned int)sock - 1, 0) ||
	    close_range((unsigned int)sock + 1, ~0U, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || !ns_broker_seccomp())
		_exit(1);
	for (;;) {
		struct ns_broker_req q;
		ssize_t n = ns_broker_recv(sock, &q, sizeof(q), NULL, 0);
		int fd[1], r;

		if (n <= 0)
			_exit(0); /* burrow is gone */
		if (n != (ssize_t)sizeof(q))
			continue;
		fd[0] = ns_lo_socket(q.proto, q.six ? AF_INET6 : AF_INET,
				     ntohs(q.port));
		r = fd[0] < 0 ? fd[0] : 0;
		if (ns_broker_send(sock, &r, sizeof(r), fd, 1))
			_exit(0);
		if (fd[0] >= 0)
			close(fd[0]);
	}
}

/* ns_broker_open_ns() - open namespace file @path; die if we cannot. */
static int ns_broker_open_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("auto forwarding: cannot open namespace %s: %s", path,
		    strerror(errno));
	return fd;
}

/* ns_broker_start() - see ns_broker.h.
 * #syscalls:setup socketpair fork openat setns prctl close_range seccomp
 */
void ns_broker_start(const struct conf *c, const struct ns_guest *g)
{
	struct timeval tv = {.tv_sec = NS_BROKER_TIMEOUT_MS / 1000,
			     .tv_usec = NS_BROKER_TIMEOUT_MS % 1000 * 1000L};
	char upath[64], npath[64];
	const char *up = NULL, *np = npath;
	struct ns_broker_hello h = {.err = -EPROTO};
	int sp[2], userfd = -1, netfd, got[NS_PROCNET_COUNT];
	pid_t pid, self = getpid();
	unsigned int i, k = 0;
	struct stat a, b;
	ssize_t n;

	if (g->cmd_pid > 0) {
		snprintf(upath, sizeof(upath), "/proc/%d/ns/user",
			 (int)g->cmd_pid);
		snprintf(npath, sizeof(npath), "/proc/%d/ns/net",
			 (int)g->cmd_pid);
		up = upath;
	} else {
		up = c->userns[0] ? c->userns : NULL;
		np = c->netns;
	}
	if (up) {
		userfd = ns_broker_open_ns(up);
		if (!fstat(userfd, &a) && !stat("/proc/self/ns/user", &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			close(userfd); /* ours already: nothing to join */
			userfd = -1;
		}
	}
	netfd = ns_broker_open_ns(np);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		die_perror("auto forwarding: cannot create a socket pair");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_perror("auto forwarding: cannot fork");
	if (pid == 0) {
		close(sp[0]);
		ns_broker_serve(sp[1], userfd, netfd, self);
	}
	close(sp[1]);
	if (userfd >= 0)
		close(userfd);
	close(netfd);
	broker_sock = sp[0];
	n = ns_broker_recv(broker_sock, &h, sizeof(h), got, NS_PROCNET_COUNT);
	if (n != (ssize_t)sizeof(h) || h.err)
		die("auto forwarding: cannot join the namespace %s: %s", np,
		    n == (ssize_t)sizeof(h) ? strerror(-h.err)
					    : "the helper process failed");
	/* The tables that could be opened come in order, the rest left out */
	for (i = 0; i < NS_PROCNET_COUNT; i++) {
		if (h.mask & (1U << i) && k < NS_PROCNET_COUNT)
			broker_procnet[i] = got[k++];
	}
	for (; k < NS_PROCNET_COUNT; k++) {
		if (got[k] >= 0)
			close(got[k]);
	}
	setsockopt(broker_sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	debug("auto forwarding: helper %d in the guest's namespace", (int)pid);
}

int ns_broker_socket(uint8_t proto, int af, uint16_t port)
{
	struct ns_broker_req q = {
		.proto = proto, .six = af == AF_INET6, .port = htons(port)};
	int r, fd[1] = {-1};
	ssize_t n;

	if (broker_sock < 0)
		return -EPIPE;
	r = ns_broker_send(broker_sock, &q, sizeof(q), NULL, 0);
	if (r)
		return r;
	n = ns_broker_recv(broker_sock, &r, sizeof(r), fd, 1);
	if (n != (ssize_t)sizeof(r)) {
		if (fd[0] >= 0)
			close(fd[0]);
		warn("auto forwarding: the helper in the namespace is gone");
		close(broker_sock);
		broker_sock = -1;
		return -EPIPE;
	}
	if (r == 0 && fd[0] < 0)
		return -EPROTO;
	if (r && fd[0] >= 0)
		close(fd[0]);
	return r ? r : fd[0];
}

int ns_broker_procnet(enum ns_procnet which)
{
	return which < NS_PROCNET_COUNT ? broker_procnet[which] : -1;
}
