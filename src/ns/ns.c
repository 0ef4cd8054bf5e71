// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - namespace mode: create or join the guest's namespaces, create and
 * configure the tap device in there, run the command.
 *
 * Theory of operation
 *
 * burrow itself never leaves the host's namespaces: its host sockets must
 * live there. Everything that has to happen inside the guest's namespaces
 * is done by a forked child, which talks to us over a SOCK_SEQPACKET
 * socket pair, one message per datagram, the first byte saying what it is
 * (enum ns_msg). A tap file descriptor keeps working wherever its holder
 * lives, so the child creates the device inside and passes the descriptor
 * out with SCM_RIGHTS.
 *
 * Without --netns (a new namespace, and a command to run in it):
 *
 *   child                                 parent (burrow)
 *   unshare(CLONE_NEWUSER), (NEWNET)
 *   NS_MSG_UNSHARED           ---------->
 *                                         /proc/PID/setgroups "deny",
 *                                         uid_map "0 EUID 1",
 *                                         gid_map "0 EGID 1"
 *                             <---------- NS_MSG_MAPPED
 *   lo up, tap created, MTU, up,
 *   addresses and routes (--config-net)
 *   NS_MSG_READY + tap fd     ---------->  tap fd made nonblocking
 *                                         ... burrow sets up the rest ...
 *                             <---------- NS_MSG_GO  (ns_go())
 *   close every fd but 0-2, execvp()
 *
 * The child becomes the command, so the command's pid is the child's and
 * our pidfd on it tells the loop when it ends. The command starts only
 * once burrow is ready to serve the tap, so it never sees a dead link.
 *
 * With --netns: the child joins --userns (if given and not ours already)
 * and the network namespace with setns(), creates and configures the tap
 * the same way, sends NS_MSG_READY with the descriptor and exits 0. There
 * is no command.
 *
 * Any failure in the child is sent as NS_MSG_ERROR followed by one line of
 * text, and the child exits 1; the parent reaps it and dies with that line.
 *
 * Lifetime: until it execs, the child gets SIGKILL if burrow dies (it is
 * ours and has nothing to clean up). The command then gets SIGTERM if
 * burrow dies (PR_SET_PDEATHSIG, set right before execve): without burrow
 * its network is gone, and SIGTERM rather than SIGKILL lets it clean up.
 * Limits of that: an interactive bash ignores SIGTERM and stays (without a
 * network); the signal is not delivered if the command is a set-user-ID
 * or file-capability program (the kernel clears it on such an execve); and
 * only the command itself gets it, not processes it started.
 *
 * The user namespace maps only our own effective user and group to root
 * inside, which is all an unprivileged user may map, and works the same
 * for root. setgroups is denied, as the kernel requires for an
 * unprivileged gid_map (so setgroups(2) fails inside).
 *
 * Everything here runs at set-up, before the sandbox is entered (right
 * after ns_go()), except ns_cmd_status() (see its #syscalls line).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../core/log.h"
#include "../core/nl.h"
#include "ns.h"
#include "ns_broker.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define NS_TUN_PATH "/dev/net/tun"

static_assert(sizeof(((struct ifreq *)0)->ifr_name) ==
		      sizeof(((struct conf *)0)->ifname),
	      "interface name sizes agree");
#define NS_MSG_MAX 512 /* longest message: type byte and error text */

/* Messages over the control socket pair, one per datagram. */
enum ns_msg {
	NS_MSG_UNSHARED = 'U', /* child: in the new user ns, map me */
	NS_MSG_MAPPED = 'M',   /* parent: uid and gid maps written */
	NS_MSG_READY = 'R',    /* child: tap set up, descriptor attached */
	NS_MSG_LISTEN = 'L',   /* child: a -T/-U socket: "proto af port to" */
	NS_MSG_ERROR = 'E',    /* child: one line of error text follows */
	NS_MSG_GO = 'G',       /* parent: burrow is ready, run the command */
};

/*
 * The control socket.
 */

/* ns_send() - send message @type with optional @text and, if @fd is not
 * -1, the descriptor @fd. Returns 0 or -errno; never raises SIGPIPE. */
static int ns_send(int sock, enum ns_msg type, const char *text, int fd)
{
	char buf[NS_MSG_MAX];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;
	size_t tlen;
	ssize_t n;

	buf[0] = (char)type;
	if (text) {
		tlen = MIN(strlen(text), sizeof(buf) - 1);
		memcpy(buf + 1, text, tlen);
		iov.iov_len += tlen;
	}
	if (fd >= 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.b;
		mh.msg_controllen = sizeof(cbuf.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* ns_recv() - receive one message: its type in @type, its text (always
 * NUL-terminated, escaped for printing) in @text, and in @fd a descriptor
 * that came with it (close-on-exec) or -1. Returns 1, 0 on end of file,
 * or -errno. */
static int ns_recv(int sock, char *type, char *text, size_t text_sz, int *fd)
{
	char buf[NS_MSG_MAX];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.b,
		.msg_controllen = sizeof(cbuf.b),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	}
	if (n == 0)
		return 0;
	*type = buf[0];
	log_escape(text, text_sz, buf + 1, (size_t)n - 1);
	return 1;
}

/*
 * The child's side.
 */

/* ns_child_fail() - report one line of error text to the parent and exit
 * with status 1. Never returns. */
static void __printf(2, 3) __attribute__((noreturn))
ns_child_fail(int sock, const char *fmt, ...)
{
	char text[NS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ns_send(sock, NS_MSG_ERROR, text, -1))
		fprintf(stderr, "burrow: %s\n", text); /* parent gone? */
	_exit(1);
}

/* ns_child_wait() - wait for message @want from the parent; exits quietly
 * if the parent went away (it has reported its own error, or died). */
static void ns_child_wait(int sock, enum ns_msg want)
{
	char type = 0, text[8];
	int fd, r;

	r = ns_recv(sock, &type, text, sizeof(text), &fd);
	if (fd >= 0)
		close(fd);
	if (r <= 0 || type != (char)want)
		_exit(1);
}

/* ns_child_orphan_guard() - make the kernel send @sig to us when burrow
 * (@ppid) dies, and exit at once if it already has. */
static void ns_child_orphan_guard(int sig, pid_t ppid)
{
	if (prctl(PR_SET_PDEATHSIG, sig) || getppid() != ppid)
		_exit(1);
}

/* ns_tap_open() - create the tap device @c->ifname (IFF_TAP | IFF_NO_PI,
 * refusing a device of that name that is already there) in the current
 * network namespace. Returns its descriptor (close-on-exec) and its index
 * in @ifindex, its name (IFNAMSIZ bytes) in @name; on failure reports to the parent and exits. */
static int ns_tap_open(const struct conf *c, int sock, int *ifindex, char *name)
{
	struct ifreq ifr;
	int fd, e;

	fd = open(NS_TUN_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == EACCES || e == EPERM)
			ns_child_fail(
				sock,
				"cannot open %s: %s (it needs read and write permission for this user, usually mode 0666)",
				NS_TUN_PATH, strerror(e));
		if (e == ENOENT || e == ENODEV || e == ENXIO)
			ns_child_fail(
				sock,
				"cannot open %s: %s (is the tun module loaded?)",
				NS_TUN_PATH, strerror(e));
		ns_child_fail(sock, "cannot open %s: %s", NS_TUN_PATH,
			      strerror(e));
	}

	memset(&ifr, 0, sizeof(ifr));
	/* IFF_TUN_EXCL is bit 15: the short field holds it negative */
	ifr.ifr_flags =
		(short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
	memcpy(ifr.ifr_name, c->ifname, sizeof(ifr.ifr_name));
	ifr.ifr_name[sizeof(ifr.ifr_name) - 1] = '\0';
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		if (e == EBUSY || e == EEXIST)
			ns_child_fail(
				sock,
				"cannot create tap device %s: a device of that name exists already",
				c->ifname);
		if (e == EINVAL)
			ns_child_fail(
				sock,
				"cannot create tap device %s: invalid name, or a device of that name exists",
				c->ifname);
		ns_child_fail(sock, "cannot create tap device %s: %s",
			      c->ifname, strerror(e));
	}
	/* The virtio-net header (10 bytes): partial checksums both ways,
	 * TUN_F_CSUM letting the guest's kernel send them to us; not with
	 * --pcap, which must show complete frames. No segmentation. */
	{
		int hs = 10;

		if (ioctl(fd, TUNSETVNETHDRSZ, &hs) ||
		    ioctl(fd, TUNSETOFFLOAD,
			  c->pcap[0] ? 0UL : (unsigned long)TUN_F_CSUM))
			ns_child_fail(sock, "cannot set up tap device %s: %s",
				      c->ifname, strerror(errno));
	}
	ifr.ifr_name[sizeof(ifr.ifr_name) - 1] = '\0';
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	*ifindex = (int)if_nametoindex(ifr.ifr_name);
	if (!*ifindex)
		ns_child_fail(sock,
			      "cannot find the index of tap device %s: %s",
			      ifr.ifr_name, strerror(errno));
	return fd;
}

/* ns_addr_str() - @addr of family @af as text in @buf (static size). */
static const char *ns_addr_str(int af, const void *addr, char *buf,
			       socklen_t sz)
{
	if (!inet_ntop(af, addr, buf, sz))
		snprintf(buf, sz, "?");
	return buf;
}

/* ns_configure() - bring lo up, set @c->mtu on the tap @ifindex and bring
 * it up; with --config-net also add the addresses and default routes of
 * the enabled families. On failure reports to the parent and exits. */
static void ns_configure(const struct conf *c, int sock, int ifindex,
			 const char *ifname)
{
	static const struct in6_addr any6 = IN6ADDR_ANY_INIT;
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	const struct in6_addr *gw6;
	unsigned int lo;
	int nl, r;

	nl = nl_open();
	if (nl < 0)
		ns_child_fail(
			sock,
			"cannot open a netlink socket in the namespace: %s",
			strerror(-nl));
	lo = if_nametoindex("lo");
	if (lo && (r = nl_link_set(nl, (int)lo, 0)))
		ns_child_fail(sock, "cannot bring up lo: %s", strerror(-r));
	r = nl_link_set(nl, ifindex, c->mtu);
	if (r)
		ns_child_fail(sock,
			      "cannot set MTU %u on %s and bring it up: %s",
			      c->mtu, ifname, strerror(-r));
	if (!c->config_net)
		goto out;

	if (c->v4) {
		ns_addr_str(AF_INET, &c->addr4, a, sizeof(a));
		r = nl_addr_add(nl, ifindex, AF_INET, &c->addr4, c->prefix4);
		if (r)
			ns_child_fail(sock,
				      "cannot add address %s/%u to %s: %s", a,
				      c->prefix4, ifname, strerror(-r));
		ns_addr_str(AF_INET, &c->gw4, g, sizeof(g));
		r = nl_route_add_default(nl, ifindex, AF_INET, &c->gw4);
		if (r)
			ns_child_fail(
				sock,
				"cannot add default route via %s on %s: %s", g,
				ifname, strerror(-r));
	}
	/* Below 1280 bytes the kernel disables IPv6 on the link. */
	if (c->v6 && (!c->mtu || c->mtu >= CONF_MTU6_MIN)) {
		ns_addr_str(AF_INET6, &c->addr6, a, sizeof(a));
		r = nl_addr_add(nl, ifindex, AF_INET6, &c->addr6, c->prefix6);
		if (r)
			ns_child_fail(sock,
				      "cannot add address %s/%u to %s: %s", a,
				      c->prefix6, ifname, strerror(-r));
		/* Our link-local address is the router the guest sees
		 * (RAs come from it); the global one only if we have none */
		gw6 = memcmp(&c->ll6, &any6, sizeof(any6)) ? &c->ll6 : &c->gw6;
		ns_addr_str(AF_INET6, gw6, g, sizeof(g));
		r = nl_route_add_default(nl, ifindex, AF_INET6, gw6);
		if (r)
			ns_child_fail(
				sock,
				"cannot add default route via %s on %s: %s", g,
				ifname, strerror(-r));
	}
out:
	close(nl);
}

/* State for ns_child_listen_port(). */
struct ns_child_lsn {
	int sock;      /* control socket to the parent */
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	bool soft;     /* "all": skip ports that cannot be bound */
	uint16_t eph;  /* "all" stops below this port (ephemeral range) */
};

/* ns_child_listen_one() - bind one loopback socket of family @af in the
 * namespace and pass it to the parent. */
static void ns_child_listen_one(const struct ns_child_lsn *l, int af,
				uint16_t port, uint16_t to)
{
	char text[48];
	int fd = ns_lo_socket(l->proto, af, port);

	if (fd < 0) {
		if (l->soft || (af == AF_INET6 && fd == -EADDRNOTAVAIL) ||
		    fd == -EAFNOSUPPORT)
			return; /* "all", or no IPv6 on this loopback */
		ns_child_fail(l->sock,
			      "%s: cannot bind port %u in the "
			      "namespace: %s",
			      l->proto == IPPROTO_TCP ? "-T" : "-U", port,
			      strerror(-fd));
	}
	snprintf(text, sizeof(text), "%u %d %u %u", l->proto, af, port, to);
	if (ns_send(l->sock, NS_MSG_LISTEN, text, fd))
		_exit(1);
	close(fd);
}

/* ns_child_listen_port() - fwd_spec_each() callback. */
static void ns_child_listen_port(const struct fwd_rule *r, uint16_t port,
				 uint16_t to, void *arg)
{
	const struct ns_child_lsn *l = arg;

	(void)r;
	if (l->soft && port >= l->eph)
		return;
	ns_child_listen_one(l, AF_INET, port, to);
	ns_child_listen_one(l, AF_INET6, port, to);
}

/* ns_child_listen() - the -T and -U sockets on the namespace's loopback. */
static void ns_child_listen(const struct conf *c, int sock)
{
	struct ns_child_lsn l = {.sock = sock, .eph = c->ephemeral_min};

	l.proto = IPPROTO_TCP;
	l.soft = c->tcp_out.mode == FWD_MODE_ALL;
	fwd_spec_each(&c->tcp_out, ns_child_listen_port, &l);
	l.proto = IPPROTO_UDP;
	l.soft = c->udp_out.mode == FWD_MODE_ALL;
	fwd_spec_each(&c->udp_out, ns_child_listen_port, &l);
}

/* ns_child_tap() - create and configure the tap in the current network
 * namespace, pass the -T/-U sockets and then the tap's descriptor to the
 * parent. On failure reports to the parent and exits. */
static void ns_child_tap(const struct conf *c, int sock)
{
	char name[IFNAMSIZ];
	int fd, ifindex, r;

	fd = ns_tap_open(c, sock, &ifindex, name);
	ns_configure(c, sock, ifindex, name);
	ns_child_listen(c, sock);
	r = ns_send(sock, NS_MSG_READY, NULL, fd);
	if (r)
		_exit(1); /* parent gone */
	close(fd);
}

/* ns_close_from_3() - close every descriptor above stderr. */
static void ns_close_from_3(void)
{
	long max, fd;

	if (!close_range(3, ~0U, 0))
		return;
	/* Before Linux 5.9: one by one, up to the descriptor limit */
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1L << 20)
		max = 1L << 20;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
}

/* ns_exec() - run the command (@c->cmd, else $SHELL, else /bin/sh) in
 * place of this process with signal dispositions and mask reset, no
 * descriptor but 0-2, the environment unchanged, and SIGTERM on burrow's
 * (@ppid) death. If it cannot be run, prints one line and exits 127. */
static void __attribute__((noreturn)) ns_exec(const struct conf *c, pid_t ppid)
{
	char *shell_argv[2];
	char **argv = shell_argv;
	const char *shell;
	sigset_t none;
	int i, e;

	if (c->cmd && c->cmd_n > 0 && c->cmd[0]) {
		argv = calloc((size_t)c->cmd_n + 1, sizeof(*argv));
		if (!argv) {
			fprintf(stderr, "burrow: cannot run %s: %s\n",
				c->cmd[0], strerror(errno));
			_exit(127);
		}
		for (i = 0; i < c->cmd_n; i++)
			argv[i] = c->cmd[i];
	} else {
		shell = getenv("SHELL");
		if (!shell || !*shell)
			shell = "/bin/sh";
		shell_argv[0] = (char *)(uintptr_t)shell;
		shell_argv[1] = NULL;
	}

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	ns_child_orphan_guard(SIGTERM, ppid);
	ns_close_from_3();
	/* Its own process group, so whatever it leaves running can be
	 * ended with it (ns_cmd_cleanup()). Not on a terminal: an
	 * interactive shell makes its own group and takes the terminal,
	 * and must find itself in the terminal's foreground group. */
	if (!isatty(STDIN_FILENO))
		setpgid(0, 0);

	execvp(argv[0], argv);
	e = errno;
	fprintf(stderr, "burrow: cannot run %s: %s\n", argv[0], strerror(e));
	_exit(127);
}

/* ns_child_create() - the child without --netns: new user and network
 * namespaces, mapped by the parent, tap set up inside, then the command
 * once the parent says go. Never returns. */
static void __attribute__((noreturn))
ns_child_create(const struct conf *c, int sock, pid_t ppid)
{
	int e;

	ns_child_orphan_guard(SIGKILL, ppid);
	if (unshare(CLONE_NEWUSER)) {
		e = errno;
		if (e == EPERM || e == ENOSPC || e == EUSERS || e == EACCES)
			ns_child_fail(
				sock,
				"cannot create a user namespace: %s (user namespaces may be disabled for unprivileged users: check /proc/sys/user/max_user_namespaces and kernel.unprivileged_userns_clone)",
				strerror(e));
		ns_child_fail(sock, "cannot create a user namespace: %s",
			      strerror(e));
	}
	if (unshare(CLONE_NEWNET))
		ns_child_fail(sock, "cannot create a network namespace: %s",
			      strerror(errno));

	if (ns_send(sock, NS_MSG_UNSHARED, NULL, -1))
		_exit(1);
	ns_child_wait(sock, NS_MSG_MAPPED);

	ns_child_tap(c, sock);

	ns_child_wait(sock, NS_MSG_GO);
	ns_exec(c, ppid);
}

/* ns_child_enter() - join the namespace of type @nstype (@what names it)
 * at @path. For a user namespace, does nothing if it is ours already. On
 * failure reports to the parent and exits. */
static void ns_child_enter(const struct conf *c, int sock, const char *path,
			   int nstype, const char *what)
{
	struct stat st, self;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ns_child_fail(sock, "cannot open %s namespace %s: %s", what,
			      path, strerror(errno));
	if (nstype == CLONE_NEWUSER && !fstat(fd, &st) &&
	    !stat("/proc/self/ns/user", &self) && st.st_dev == self.st_dev &&
	    st.st_ino == self.st_ino) {
		close(fd);
		return;
	}
	if (setns(fd, nstype)) {
		e = errno;
		if (e == EINVAL)
			ns_child_fail(
				sock,
				"cannot join %s namespace %s: not a %s namespace, or not joinable",
				what, path, what);
		if (e == EPERM && nstype == CLONE_NEWNET && !c->userns[0])
			ns_child_fail(
				sock,
				"cannot join %s namespace %s: %s (does it belong to another user namespace? see --userns)",
				what, path, strerror(e));
		ns_child_fail(sock, "cannot join %s namespace %s: %s", what,
			      path, strerror(e));
	}
	close(fd);
}

/* ns_child_join() - the child with --netns: join the namespaces, set up
 * the tap, pass it on and exit 0. Never returns. */
static void __attribute__((noreturn))
ns_child_join(const struct conf *c, int sock, pid_t ppid)
{
	ns_child_orphan_guard(SIGKILL, ppid);
	if (c->userns[0])
		ns_child_enter(c, sock, c->userns, CLONE_NEWUSER, "user");
	ns_child_enter(c, sock, c->netns, CLONE_NEWNET, "network");
	ns_child_tap(c, sock);
	_exit(0);
}

/*
 * The parent's side.
 */

/* ns_reap() - wait for the child @pid to end, killing it first if @kill_it.
 * Returns its wait status, or -1 if it could not be reaped. */
static int ns_reap(pid_t pid, bool kill_it)
{
	int st;
	pid_t r;

	if (kill_it)
		kill(pid, SIGKILL);
	do {
		r = waitpid(pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	return r == pid ? st : -1;
}

/* ns_fail() - kill and reap the child @pid, then die with the message.
 * Nothing we started is left behind. */
static void __printf(2, 3) __attribute__((noreturn))
ns_fail(pid_t pid, const char *fmt, ...)
{
	char text[NS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ns_reap(pid, true);
	die("%s", text);
}

/* ns_expect() - wait for message @want from the child @pid; with @fd, a
 * descriptor must come with it and is returned there. If the child
 * reported an error, or ended, or sent anything else, reaps it and dies
 * with one line saying why. */
static void ns_expect(int sock, pid_t pid, enum ns_msg want, int *fd)
{
	char text[NS_MSG_MAX], type = 0;
	int r, rfd, st;

	r = ns_recv(sock, &type, text, sizeof(text), &rfd);
	if (r < 0)
		ns_fail(pid, "namespace set-up: cannot receive from child: %s",
			strerror(-r));
	if (r == 0) {
		st = ns_reap(pid, false);
		if (st != -1 && WIFSIGNALED(st))
			die("namespace set-up: child killed by signal %d",
			    WTERMSIG(st));
		die("namespace set-up: child exited (status %d) without a word",
		    st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	if (type == NS_MSG_ERROR) {
		if (rfd >= 0)
			close(rfd);
		ns_reap(pid, false);
		die("%s", text);
	}
	if (type != (char)want || (fd && rfd < 0) || (!fd && rfd >= 0)) {
		if (rfd >= 0)
			close(rfd);
		ns_fail(pid, "namespace set-up: unexpected message from child");
	}
	if (fd)
		*fd = rfd;
}

/* ns_expect_ready() - take the -T/-U sockets the child sends, then its
 * READY with the tap descriptor, into @g. */
static void ns_expect_ready(const struct conf *c, int sock, pid_t pid,
			    struct ns_guest *g)
{
	unsigned int max = 2 * (fwd_spec_each(&c->tcp_out, NULL, NULL) +
				fwd_spec_each(&c->udp_out, NULL, NULL));
	char text[NS_MSG_MAX], type = 0;
	int r, fd;

	if (max) {
		g->lsn = calloc(max, sizeof(*g->lsn));
		if (!g->lsn)
			ns_fail(pid, "out of memory for %u sockets", max);
	}
	for (;;) {
		struct ns_listen *l;
		unsigned int proto, port, to;
		int af;

		r = ns_recv(sock, &type, text, sizeof(text), &fd);
		if (r <= 0 || type != NS_MSG_LISTEN)
			break;
		l = g->lsn_n < max ? &g->lsn[g->lsn_n] : NULL;
		if (fd < 0 || !l ||
		    /* our own child's words, and checked below: no
		     * conversion can go unnoticed that matters here */
		    // NOLINTNEXTLINE(cert-err34-c)
		    sscanf(text, "%u %d %u %u", &proto, &af, &port, &to) != 4 ||
		    proto > 255 || port > 65535 || to > 65535) {
			if (fd >= 0)
				close(fd);
			ns_fail(pid, "namespace set-up: bad socket message");
		}
		*l = (struct ns_listen){.fd = fd,
					.af = af,
					.proto = (uint8_t)proto,
					.port = (uint16_t)port,
					.to = (uint16_t)to};
		g->lsn_n++;
	}
	if (r > 0 && type == NS_MSG_READY && fd >= 0) {
		g->tap_fd = fd;
		return;
	}
	if (fd >= 0)
		close(fd);
	if (r > 0 && type == NS_MSG_ERROR) {
		ns_reap(pid, false);
		die("%s", text);
	}
	ns_fail(pid, "namespace set-up: the child ended before the tap was "
		     "ready");
}

/* ns_write_proc() - write @text to /proc/@pid/@name; a missing file is
 * fine if @optional. Kills the child and dies on failure. */
static void ns_write_proc(pid_t pid, const char *name, const char *text,
			  bool optional)
{
	char path[64];
	size_t len = strlen(text);
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && optional && errno == ENOENT)
		return;
	if (fd < 0)
		ns_fail(pid, "cannot open %s: %s", path, strerror(errno));
	n = write(fd, text, len);
	e = errno;
	close(fd);
	if (n < 0)
		ns_fail(pid, "cannot write \"%.*s\" to %s: %s",
			(int)strcspn(text, "\n"), text, path, strerror(e));
	if ((size_t)n != len)
		ns_fail(pid, "cannot write to %s: short write", path);
}

/* ns_map() - map our effective user and group to root in the user
 * namespace of the child @pid; setgroups is denied first, as the kernel
 * wants for an unprivileged gid_map. Dies on failure. */
static void ns_map(pid_t pid)
{
	char line[64];

	ns_write_proc(pid, "setgroups", "deny", true);
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned int)geteuid());
	ns_write_proc(pid, "uid_map", line, false);
	snprintf(line, sizeof(line), "0 %u 1\n", (unsigned int)getegid());
	ns_write_proc(pid, "gid_map", line, false);
}

/* ns_tap_nonblock() - make the tap descriptor nonblocking, or die. */
static void ns_tap_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die_perror("cannot make the tap descriptor nonblocking");
}

/* ns_ifname_check() - die unless @name is usable as an interface name
 * (empty: the kernel picks tapN). */
static void ns_ifname_check(const char *name, size_t sz)
{
	size_t len = strnlen(name, sz), i;

	if (len >= IFNAMSIZ || len >= sz)
		die("tap name %.*s is too long: at most %d characters",
		    (int)MIN(len, sz), name, IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		die("invalid tap name %s", name);
	for (i = 0; i < len; i++) {
		if (name[i] == '/' || name[i] == ':' || name[i] <= ' ' ||
		    name[i] == 0x7f)
			die("invalid tap name %s: no '/', ':', spaces or control characters allowed",
			    name);
	}
}

/* ns_fork() - a socket pair and a child running @fn on its end. Returns
 * the child's pid; our end of the pair in @sock. Dies on failure. */
static pid_t ns_fork(const struct conf *c, int *sock,
		     void (*fn)(const struct conf *, int, pid_t))
{
	pid_t pid, self = getpid();
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		die_perror("cannot create a socket pair");
	fflush(NULL); /* nothing buffered may be written twice */
	pid = fork();
	if (pid < 0)
		die_perror("cannot fork");
	if (pid == 0) {
		close(sp[0]);
		fn(c, sp[1], self);
		_exit(1); /* not reached */
	}
	close(sp[1]);
	*sock = sp[0];
	return pid;
}

/* ns_create() - without --netns: new namespaces and the command, which
 * waits for ns_go(). Fills all of @g. */
static void ns_create(const struct conf *c, struct ns_guest *g)
{
	int sock;
	pid_t pid;

	pid = ns_fork(c, &sock, ns_child_create);
	/* The child cannot be reaped before we do it, so its pid is ours */
	g->cmd_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (g->cmd_pidfd < 0)
		ns_fail(pid,
			"cannot get a pidfd for the command (Linux 5.3 or later needed): %s",
			strerror(errno));
	g->cmd_pid = pid;

	ns_expect(sock, pid, NS_MSG_UNSHARED, NULL);
	ns_map(pid);
	if (ns_send(sock, NS_MSG_MAPPED, NULL, -1))
		ns_fail(pid, "namespace set-up: cannot talk to child");
	ns_expect_ready(c, sock, pid, g);
	ns_tap_nonblock(g->tap_fd);
	g->ctl_fd = sock;
}

/* ns_join() - with --netns: the child joins, sets up the tap and exits.
 * Fills all of @g; there is no command. */
static void ns_join(const struct conf *c, struct ns_guest *g)
{
	int sock, st;
	pid_t pid;

	pid = ns_fork(c, &sock, ns_child_join);
	ns_expect_ready(c, sock, pid, g);
	close(sock);
	st = ns_reap(pid, false);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		close(g->tap_fd);
		die("namespace set-up: child failed after creating the tap");
	}
	ns_tap_nonblock(g->tap_fd);
	g->cmd_pid = -1;
	g->cmd_pidfd = -1;
	g->ctl_fd = -1;
}

/* ns_setup() - see ns.h. On return @g->tap_fd is a nonblocking tap in the
 * guest's namespace; without --netns the command exists, blocked until
 * ns_go(). Any failure: one line, exit 1, no child left behind. */
void ns_setup(const struct conf *c, struct ns_guest *g)
{
	ns_ifname_check(c->ifname, sizeof(c->ifname));
	g->tap_fd = g->cmd_pidfd = g->ctl_fd = -1;
	g->cmd_pid = -1;
	g->lsn = NULL;
	g->lsn_n = 0;
	if (c->netns[0])
		ns_join(c, g);
	else
		ns_create(c, g);
}

/* ns_go() - see ns.h. Afterwards @g->ctl_fd is -1. Runs just before
 * sandbox_enter().
 * #syscalls:setup sendmsg close
 */
void ns_go(struct ns_guest *g)
{
	int r;

	if (g->ctl_fd < 0)
		return;
	/* A failure means the command's starter died: the pidfd says so */
	r = ns_send(g->ctl_fd, NS_MSG_GO, NULL, -1);
	if (r)
		debug("namespace: could not start the command: %s",
		      strerror(-r));
	close(g->ctl_fd);
	g->ctl_fd = -1;
}

/* ns_cmd_status() - see ns.h. Blocks until the command has ended if it
 * has not yet; closes the pidfd; afterwards @g has no command. Returns 0
 * if there was none, 1 if it could not be reaped.
 * #syscalls wait4 close
 */
int ns_cmd_status(struct ns_guest *g)
{
	pid_t r;
	int st;

	if (g->cmd_pid < 0)
		return 0;
	do {
		r = waitpid(g->cmd_pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	if (g->cmd_pidfd >= 0)
		close(g->cmd_pidfd);
	if (g->ctl_fd >= 0)
		close(g->ctl_fd);
	g->cmd_pid = -1;
	g->cmd_pidfd = g->ctl_fd = -1;
	if (r < 0)
		return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* ns_cmd_cleanup() - see ns.h.
 * #syscalls kill
 */
void ns_cmd_cleanup(const struct ns_guest *g, int sig)
{
	if (g->cmd_pid > 0)
		kill(-g->cmd_pid, sig);
}
