// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - start-up, and the epoll loop with its one dispatch switch.
 *
 * Each iteration: wait, dispatch every ready descriptor by the kind in its
 * tag (frames from the tap go up through net/, datagrams from host sockets
 * come down as frames into the txq), then flush the txq to the transport
 * once.
 *
 * #syscalls epoll_wait epoll_ctl read unlinkat
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/frame.h"
#include "core/log.h"
#include "core/pcap.h"
#include "core/pkt.h"
#include "core/txq.h"
#include "epoll_ref.h"
#include "flow/flow.h"
#include "flow/icmp.h"
#include "flow/tcp.h"
#include "flow/fwd_auto.h"
#include "flow/tcp_splice.h"
#include "flow/udp_ns.h"
#include "flow/udp.h"
#include "net/net.h"
#include "ns/ns.h"
#include "sandbox/sandbox.h"
#include "transport/tap.h"
#include "transport/vu_net.h"

#define EVENTS_MAX 64
#define RA_INTERVAL 300 /* seconds between unsolicited RAs */
#define TICK_MS 100	/* timer tick: TCP retransmissions, timeouts */

static struct conf conf;

/* now_us() - monotonic microseconds, for the busy-poll budget. */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* now_ms() - monotonic milliseconds, for timeouts. */
static uint64_t now_ms(void)
{
	return now_us() / 1000;
}

static struct {
	unsigned long polled, found, slept;
} busy_stats;

/* main_wait() - epoll_wait() for up to @timeout ms, busy-polling first.
 *
 * Waking a sleeping CPU costs a round trip more than the work burrow does
 * for it (on this project's 2-vCPU VM, most of a 64-byte TCP round trip).
 * So while events come closer together than --busy-poll, the wait polls
 * without sleeping for up to that long, then sleeps as before. The gap to
 * the event before decides: a wait that had to sleep (or ran out of
 * budget) past the budget turns polling off until a wait is short again,
 * so traffic slower than the budget costs no CPU and a busy flow none
 * either (its events are always there). Returns what epoll_wait does.
 */
static int main_wait(int epfd, struct epoll_event *ev, int timeout)
{
	static uint64_t last_gap = UINT64_MAX;
	uint64_t t0, t;
	int n;

	if (!timeout)
		return epoll_wait(epfd, ev, EVENTS_MAX, 0);
	t0 = now_us();
	if (conf.busy_poll_us && last_gap < conf.busy_poll_us) {
		busy_stats.polled++;
		do {
			n = epoll_wait(epfd, ev, EVENTS_MAX, 0);
			t = now_us();
			if (n) {
				busy_stats.found++;
				last_gap = t - t0;
				return n;
			}
		} while (t - t0 < conf.busy_poll_us);
	}
	busy_stats.slept++;
	n = epoll_wait(epfd, ev, EVENTS_MAX, timeout);
	last_gap = now_us() - t0;
	return n;
}

static void epoll_add(int epfd, int fd, enum epoll_kind kind)
{
	union epoll_ref ref = {.kind = kind, .fd = fd};
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ref.u64};

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		die_perror("epoll_ctl");
}

/* main_tap_ready() - read a batch of frames and hand each up. */
static bool main_tap_ready(uint64_t now)
{
	struct tap_frame frames[TAP_RX_BATCH];
	unsigned int n, i;
	bool gone;

	n = tap_rx(frames, &gone);
	for (i = 0; i < n; i++) {
		struct net_l4 l4;
		struct pkt p;

		pkt_init(&p, frames[i].iov, frames[i].niov);
		if (net_frame_in(&conf, &p, &l4) != NET_FLOW)
			continue;
		if (l4.proto == IPPROTO_TCP)
			tcp_from_guest(&conf, &l4, now);
		else if (l4.proto == IPPROTO_UDP)
			udp_from_guest(&conf, &l4, (time_t)(now / 1000));
		else
			icmp_from_guest(&conf, &l4, (time_t)(now / 1000));
	}
	tap_rx_done();
	return !gone;
}

/* main_guest_gone() - a VM's front-end went away: its flows go with it
 * (a new one starts afresh); the -t/-u listeners stay. */
static void main_guest_gone(time_t sec)
{
	tcp_guest_gone();
	udp_timer(sec, true);
	icmp_timer(sec, true);
}

/* main_accept() - a front-end connects to --socket: serve it, unless
 * one is served already. */
static void main_accept(int epfd, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int sz = 8 * 1024 * 1024, one = 1;

	if (fd < 0)
		return;
	if (tap_kind() != TAP_NONE) {
		warn("stream: a front-end is connected already, refusing "
		     "another");
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (conf.socket_tcp_len) /* frames are not to wait for more */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	info("stream: front-end connected");
	tap_init(TAP_STREAM, fd);
	epoll_add(epfd, fd, EPOLL_KIND_TAP);
}

/* main_signal() - returns true if burrow should exit. */
static bool main_signal(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return false;
	info("signal %u received, exiting", si.ssi_signo);
	return true;
}

static void main_stats(void)
{
	unsigned int i;

	debug("tap: rx %lu frames %lu bytes (%lu with the payload read in "
	      "place), tx %lu frames %lu bytes (%lu received in place), tx "
	      "dropped %lu",
	      tap_stats.rx_frames, tap_stats.rx_bytes, tap_stats.rx_inplace,
	      tap_stats.tx_frames, tap_stats.tx_bytes, tap_stats.tx_direct,
	      tap_stats.tx_drop);
	debug("tcp: refused full %lu, refused by host %lu, RST to unknown "
	      "%lu, retransmits %lu, short writes %lu, out of order %lu",
	      tcp_stats.refused_full, tcp_stats.refused_host,
	      tcp_stats.rst_unknown, tcp_stats.retransmits,
	      tcp_stats.short_writes, tcp_stats.out_of_order);
	debug("busy-poll: %lu waits polled, %lu found an event, %lu slept",
	      busy_stats.polled, busy_stats.found, busy_stats.slept);
	tcp_debug_dump();
	for (i = 0; i < NET_VERDICT_COUNT; i++) {
		if (net_drops[i])
			debug("dropped: %s: %lu", net_verdict_name[i],
			      net_drops[i]);
	}
}

/* main_daemonize() - detach into the background; the parent exits 0. */
static void main_daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		die_perror("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		die_perror("setsid");
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
}

/* main_pidfile() - write our PID to @path; returns a descriptor of its
 * directory, so the file can be removed at exit from inside the sandbox
 * (which has no view of the file system), or -1. */
static int main_pidfile(const char *path)
{
	char dir[PATH_MAX];
	const char *slash;
	FILE *f;

	if (!*path)
		return -1;
	f = fopen(path, "we");
	if (!f)
		die("-P: cannot write %s: %s", path, strerror(errno));
	fprintf(f, "%d\n", getpid());
	fclose(f);
	slash = strrchr(path, '/');
	if (!slash)
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* main_nofile() - flows need a descriptor each: raise the soft limit on
 * open files to the hard one, before any socket is opened. */
static void main_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct itimerspec its = {
		.it_interval = {.tv_nsec = TICK_MS * 1000000L},
		.it_value = {.tv_nsec = TICK_MS * 1000000L},
	};
	struct epoll_event ev[EVENTS_MAX];
	time_t last_ra = 0, last_sec = 0;
	struct ns_guest g = {.tap_fd = -1, .cmd_pid = -1, .cmd_pidfd = -1};
	bool run = true, vm = false, tap_out = false;
	int epfd, sfd, tfd, lfd = -1, pidfile_dir, status = 0;
	sigset_t mask;

	conf_parse(&conf, argc, argv);
	if (conf.trace)
		log_level = LOG_LVL_TRACE;
	else if (conf.debug)
		log_level = LOG_LVL_DEBUG;
	else if (conf.quiet)
		log_level = LOG_LVL_WARN;
	memcpy(frame_mac.our, conf.our_mac, 6);
	signal(SIGPIPE, SIG_IGN);
	main_nofile();

	pcap_open(conf.pcap);
	vm = conf.mode != CONF_MODE_NS;
	if (!vm)
		ns_setup(&conf, &g);
	else if (conf.mode == CONF_MODE_VM_VU)
		; /* listens below, once epoll exists */
	else if (conf.fd < 0)
		lfd = conf.socket_tcp_len
			      ? tap_stream_listen_tcp(
					(struct sockaddr *)&conf.socket_tcp,
					conf.socket_tcp_len, conf.socket)
			      : tap_stream_listen(conf.socket);
	else if (fcntl(conf.fd, F_SETFL, O_NONBLOCK))
		die("--fd: %d is not an open descriptor: %s", conf.fd,
		    strerror(errno));

	if (!conf.cmd_n && g.cmd_pid < 0 && !conf.foreground)
		main_daemonize();
	pidfile_dir = main_pidfile(conf.pidfile);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		die_perror("sigprocmask");
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || epfd < 0)
		die_perror("cannot set up the event loop");
	if (timerfd_settime(tfd, 0, &its, NULL))
		die_perror("timerfd_settime");

	if (!vm) {
		tap_init(TAP_DEV, g.tap_fd);
		/* The tap completes partial checksums; a capture would show
		 * them unfinished, so not with --pcap. */
		txq_partial_ok = !conf.pcap[0];
		epoll_add(epfd, g.tap_fd, EPOLL_KIND_TAP);
	} else if (conf.mode == CONF_MODE_VM_VU) {
		/* vu_net.c completes what a guest without GUEST_CSUM cannot */
		txq_partial_ok = !conf.pcap[0];
		vu_net_init(conf.socket, epfd);
	} else if (lfd >= 0) {
		epoll_add(epfd, lfd, EPOLL_KIND_STREAM_LISTEN);
	} else {
		tap_init(TAP_STREAM, conf.fd);
		epoll_add(epfd, conf.fd, EPOLL_KIND_TAP);
	}
	epoll_add(epfd, sfd, EPOLL_KIND_SIGNAL);
	epoll_add(epfd, tfd, EPOLL_KIND_TIMER);
	if (g.cmd_pidfd >= 0)
		epoll_add(epfd, g.cmd_pidfd, EPOLL_KIND_CMD);
	udp_init(&conf, epfd);
	icmp_init(epfd);
	tcp_init(&conf, epfd);
	tcp_splice_init(epfd);
	udp_ns_init(epfd);
	fwd_auto_init(&conf, &g, epfd);

	if (!vm)
		ns_go(&g);
	sandbox_enter(&conf);

	while (run) {
		int n = main_wait(epfd, ev,
				  tcp_pending() || tap_rx_more()
					  ? 0
					  : tcp_wait_ms(now_ms())),
		    i;
		uint64_t now = now_ms();
		time_t sec = (time_t)(now / 1000);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_perror("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			union epoll_ref ref = {.u64 = ev[i].data.u64};
			uint64_t ticks;

			switch ((enum epoll_kind)ref.kind) {
			case EPOLL_KIND_TAP:
				if (ref.fd != tap_fd())
					break; /* closed earlier this round */
				if (!(ev[i].events &
				      (EPOLLIN | EPOLLHUP | EPOLLERR)) ||
				    main_tap_ready(now))
					break;
				if (!vm) {
					info("tap device gone, exiting");
					run = false;
					break;
				}
				epoll_ctl(epfd, EPOLL_CTL_DEL, tap_fd(), NULL);
				tap_close();
				main_guest_gone(sec);
				tap_out = false;
				if (conf.one_off || lfd < 0)
					run = false;
				break;
			case EPOLL_KIND_STREAM_LISTEN:
				main_accept(epfd, lfd);
				break;
			case EPOLL_KIND_VU_LISTEN:
				vu_net_accept();
				break;
			case EPOLL_KIND_VU_CTL:
				if (vu_net_ctl_ready())
					break;
				main_guest_gone(sec);
				if (conf.one_off)
					run = false;
				break;
			case EPOLL_KIND_VU_KICK:
				vu_net_kick(ref);
				if (ref.idx == 1)
					main_tap_ready(now);
				break;
			case EPOLL_KIND_TCP:
				tcp_sock_ready(&conf, ref, ev[i].events, now);
				break;
			case EPOLL_KIND_TCP_LISTEN:
				tcp_listen_ready(&conf, ref, now);
				break;
			case EPOLL_KIND_SPLICE:
				tcp_splice_ready(ref, ev[i].events);
				break;
			case EPOLL_KIND_SPLICE_LISTEN:
				tcp_splice_listen_ready(ref);
				break;
			case EPOLL_KIND_UDP_NS:
				udp_ns_ready(ref, sec);
				break;
			case EPOLL_KIND_UDP_NS_LISTEN:
				udp_ns_listen_ready(ref, sec);
				break;
			case EPOLL_KIND_UDP:
				udp_sock_ready(&conf, ref, sec);
				break;
			case EPOLL_KIND_UDP_LISTEN:
				udp_listen_ready(&conf, ref, sec);
				break;
			case EPOLL_KIND_ICMP:
				icmp_sock_ready(&conf, ref, sec);
				break;
			case EPOLL_KIND_TIMER:
				if (read(tfd, &ticks, sizeof(ticks)) < 0)
					break;
				tcp_timer(&conf, now);
				if (sec == last_sec)
					break;
				last_sec = sec;
				udp_timer(sec, false);
				udp_ns_timer(sec);
				icmp_timer(sec, false);
				fwd_auto_scan(&conf);
				if (sec - last_ra >= RA_INTERVAL) {
					net_ra_periodic(&conf);
					last_ra = sec;
				}
				break;
			case EPOLL_KIND_SIGNAL:
				if (main_signal(sfd)) {
					ns_cmd_cleanup(&g, SIGTERM);
					run = false;
				}
				break;
			case EPOLL_KIND_CMD:
				ns_cmd_cleanup(&g, SIGKILL);
				status = ns_cmd_status(&g);
				debug("command exited with status %d", status);
				run = false;
				break;
			case EPOLL_KIND_NONE:
			case EPOLL_KIND_COUNT:
				ASSERT(0);
			}
		}
		/* Frames already buffered or queued need no wake-up. */
		if (tap_rx_more())
			main_tap_ready(now);
		tcp_batch_end(&conf, now);
		tap_flush();
		if (tap_kind() != TAP_NONE && tap_tx_blocked() != tap_out) {
			/* Watch for room while frames wait for the guest. */
			union epoll_ref r = {.kind = EPOLL_KIND_TAP,
					     .fd = tap_fd()};
			struct epoll_event e = {
				.events = EPOLLIN | (tap_out ? 0 : EPOLLOUT),
				.data.u64 = r.u64};

			tap_out = !tap_out;
			epoll_ctl(epfd, EPOLL_CTL_MOD, tap_fd(), &e);
		}
	}
	main_stats();
	if (pidfile_dir >= 0) {
		const char *base = strrchr(conf.pidfile, '/');

		unlinkat(pidfile_dir, base ? base + 1 : conf.pidfile, 0);
	}
	return status;
}
