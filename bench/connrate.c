// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * connrate.c - short TCP connections per second, for bench/run.sh.
 *
 *   connrate server PORT           listen on 0.0.0.0:PORT and [::]:PORT
 *                                  (one-shot), PORT+1 (echo)
 *   connrate client ADDR PORT SECS print connections completed per second
 *   connrate pingpong ADDR PORT SECS
 *                                  64-byte request/response on one
 *                                  connection to the echo port PORT+1:
 *                                  round-trip median and p99, in us
 *                                  (the fallback when sockperf is missing)
 *
 * One connection, as the client does it: connect(), send 1 byte, wait for
 * the 1-byte answer, wait for the server's FIN, close(). The server closes
 * first (so TIME_WAIT stays on the server side and the client never runs
 * out of ports), one epoll loop, no threads. A failed connection counts as
 * an error (printed) and does not count; the client stops after 100 of
 * them.
 *
 * Output (client): "conns N errors E secs S rate R" on one line.
 * Output (pingpong): "samples N p50 X p99 Y" (microseconds, full RTT).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listen_on(int family, int port)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int one = 1, s;

	s = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_any;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_ANY);
		sl = sizeof(*a);
	}
	if (bind(s, (struct sockaddr *)&ss, sl) || listen(s, 4096)) {
		close(s);
		return -1;
	}
	return s;
}

/* data.u64: fd | 1 << 32 for a listener | 1 << 33 for the echo port */
#define LISTENER (1ULL << 32)
#define ECHO (1ULL << 33)

static int server(int port)
{
	struct epoll_event ev, evs[256];
	int ep, ls[4], n = 0, i;

	ep = epoll_create1(0);
	ls[0] = listen_on(AF_INET, port);
	ls[1] = listen_on(AF_INET6, port);
	ls[2] = listen_on(AF_INET, port + 1);
	ls[3] = listen_on(AF_INET6, port + 1);
	for (i = 0; i < 4; i++) {
		if (ls[i] < 0)
			continue;
		ev.events = EPOLLIN;
		ev.data.u64 = LISTENER | (i >= 2 ? ECHO : 0) | (unsigned)ls[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, ls[i], &ev);
		n++;
	}
	if (!n) {
		perror("connrate server: listen");
		return 1;
	}
	for (;;) {
		int k = epoll_wait(ep, evs, 256, -1);

		for (i = 0; i < k; i++) {
			int fd = (int)(evs[i].data.u64 & 0xffffffff);
			uint64_t echo = evs[i].data.u64 & ECHO;
			char b[4096];
			ssize_t r;

			if (evs[i].data.u64 & LISTENER) {
				int c, one = 1;

				while ((c = accept4(fd, NULL, NULL,
						    SOCK_NONBLOCK)) >= 0) {
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY,
						   &one, sizeof(one));
					ev.events = EPOLLIN | EPOLLRDHUP;
					ev.data.u64 = echo | (unsigned)c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			r = recv(fd, b, sizeof(b), 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0 && echo) {
				/* small messages: the send buffer has room */
				(void)!send(fd, b, r, MSG_NOSIGNAL);
				continue;
			}
			if (r > 0)
				(void)!send(fd, b, 1, MSG_NOSIGNAL);
			close(fd); /* also drops it from the epoll set */
		}
	}
}

static int client(const char *addr, const char *port, double secs)
{
	struct addrinfo hints = {0}, *ai;
	long conns = 0, errors = 0;
	struct timeval tmo = {.tv_sec = 3};
	double t0, t;
	int rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "connrate: %s: %s\n", addr, gai_strerror(rc));
		return 1;
	}
	t0 = now();
	while ((t = now()) - t0 < secs) {
		int s = socket(ai->ai_family, SOCK_STREAM, 0), one = 1;
		char c = 'x', b[16];
		ssize_t r;

		if (s < 0) {
			perror("connrate client: socket");
			return 1;
		}
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
		if (connect(s, ai->ai_addr, ai->ai_addrlen) ||
		    send(s, &c, 1, MSG_NOSIGNAL) != 1 ||
		    recv(s, b, 1, MSG_WAITALL) != 1 ||
		    (r = recv(s, b, sizeof(b), 0)) != 0) {
			if (errors < 5)
				fprintf(stderr,
					"connrate client: connection "
					"%ld: %s\n",
					conns + errors,
					errno ? strerror(errno) : "short");
			errno = 0;
			close(s);
			if (++errors >= 100)
				break;
			continue;
		}
		close(s);
		conns++;
	}
	t = now() - t0;
	printf("conns %ld errors %ld secs %.3f rate %.1f\n", conns, errors, t,
	       conns / t);
	freeaddrinfo(ai);
	return errors >= 100;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int pingpong(const char *addr, const char *port, double secs)
{
	struct addrinfo hints = {0}, *ai;
	struct timeval tmo = {.tv_sec = 3};
	size_t n = 0, cap = 1 << 16;
	double *rtt = malloc(cap * sizeof(*rtt)), t0;
	char msg[64] = {0}, b[64];
	char eport[16];
	int rc, s, one = 1;

	snprintf(eport, sizeof(eport), "%d", atoi(port) + 1);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, eport, &hints, &ai);
	if (rc || !rtt) {
		fprintf(stderr, "connrate: %s\n",
			rc ? gai_strerror(rc) : "out of memory");
		return 1;
	}
	s = socket(ai->ai_family, SOCK_STREAM, 0);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	if (connect(s, ai->ai_addr, ai->ai_addrlen)) {
		perror("connrate pingpong: connect");
		return 1;
	}
	t0 = now();
	while (now() - t0 < secs) {
		double t = now();

		if (send(s, msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg) ||
		    recv(s, b, sizeof(b), MSG_WAITALL) != sizeof(b)) {
			perror("connrate pingpong");
			return 1;
		}
		if (n == cap) {
			double *r2 = realloc(rtt, 2 * cap * sizeof(*rtt));

			if (!r2)
				break;
			rtt = r2;
			cap *= 2;
		}
		rtt[n++] = (now() - t) * 1e6;
	}
	close(s);
	freeaddrinfo(ai);
	if (!n)
		return 1;
	qsort(rtt, n, sizeof(*rtt), cmp_double);
	printf("samples %zu p50 %.3f p99 %.3f\n", n, rtt[n / 2],
	       rtt[(size_t)(n * 0.99)]);
	free(rtt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], argv[3], atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "pingpong"))
		return pingpong(argv[2], argv[3], atof(argv[4]));
	fprintf(stderr, "usage: connrate server PORT\n"
			"       connrate client ADDR PORT SECS\n"
			"       connrate pingpong ADDR PORT SECS\n");
	return 2;
}
