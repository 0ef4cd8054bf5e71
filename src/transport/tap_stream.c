// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap_stream.c - QEMU's stream transport: a UNIX stream socket carrying
 * frames, each prefixed with its length as a 32-bit big-endian integer
 * (QEMU -netdev stream, and the older -netdev socket).
 *
 * Theory of operation
 *
 * Receive: one read() per call into a buffer of STREAM_RX_BUF bytes, as
 * many whole frames as it holds are handed up (at most TAP_RX_BATCH, the
 * rest on the next call, tap_stream_rx_more() tells the loop not to
 * sleep); a frame split across reads stays at the front of the buffer
 * (moved there before the next read) until the rest arrives. A length
 * below an Ethernet header or above FRAME_MAX cannot be resynchronised:
 * the connection is cut (one log line) and burrow waits for the next
 * front-end, or exits with --one-off.
 *
 * Send: the queued frames go out with writev() in as few calls as the
 * iovec limit allows, each with its length prefix. A partial write leaves
 * the stream inside a frame: the rest of that one frame is kept in a
 * small buffer and goes first next time; frames not started stay in the
 * txq, so a slow front-end pushes back on the flows instead of losing
 * data.
 *
 * #syscalls read writev write accept4
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/pcap.h"
#include "../core/txq.h"
#include "../core/util.h"
#include "tap.h"

#define STREAM_RX_BUF (1024 * 1024)
#define STREAM_IOV_MAX 1024 /* UIO_MAXIOV */
#define STREAM_MIN_FRAME 14 /* an Ethernet header */

static uint8_t stream_rx[STREAM_RX_BUF + FRAME_MAX]
	__attribute__((aligned(64)));
static size_t stream_have; /* valid bytes in stream_rx */
static size_t stream_used; /* bytes handed up, dropped on next call */
static uint8_t stream_pend[4 + FRAME_MAX]; /* rest of a half-sent frame */
static size_t stream_pend_len, stream_pend_off;

void tap_stream_reset(void)
{
	stream_have = stream_used = 0;
	stream_pend_len = stream_pend_off = 0;
}

/* tap_stream_parse() - hand up the whole frames at the front. */
static unsigned int tap_stream_parse(struct iovec *frames, bool *gone)
{
	size_t off = 0;
	unsigned int n = 0;

	while (n < TAP_RX_BATCH && stream_have - off >= 4) {
		uint32_t len = get_be32(stream_rx + off);

		if (len < STREAM_MIN_FRAME || len > FRAME_MAX) {
			tap_stats.rx_bad++;
			warn("stream: impossible frame length %u: dropping the "
			     "connection",
			     len);
			*gone = true;
			return 0;
		}
		if (stream_have - off - 4 < len)
			break;
		frames[n].iov_base = stream_rx + off + 4;
		frames[n].iov_len = len;
		pcap_frame(&frames[n], 1, len);
		tap_stats.rx_frames++;
		tap_stats.rx_bytes += len;
		off += 4 + len;
		n++;
	}
	stream_used = off;
	return n;
}

bool tap_stream_rx_more(void)
{
	size_t off = stream_used;

	if (stream_have - off < 4)
		return false;
	return stream_have - off - 4 >= get_be32(stream_rx + off);
}

unsigned int tap_stream_rx(int fd, struct iovec *frames, bool *gone)
{
	ssize_t r;

	if (stream_used) {
		memmove(stream_rx, stream_rx + stream_used,
			stream_have - stream_used);
		stream_have -= stream_used;
		stream_used = 0;
	}
	if (tap_stream_rx_more())
		return tap_stream_parse(frames, gone);
	r = read(fd, stream_rx + stream_have, sizeof(stream_rx) - stream_have);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		info("stream: front-end disconnected%s%s", r ? ": " : "",
		     r ? strerror(errno) : "");
		*gone = true;
		return 0;
	}
	if (r > 0)
		stream_have += (size_t)r;
	return tap_stream_parse(frames, gone);
}

/* tap_stream_pend_write() - finish a half-sent frame; true when done. */
static bool tap_stream_pend_write(int fd)
{
	while (stream_pend_off < stream_pend_len) {
		ssize_t w = write(fd, stream_pend + stream_pend_off,
				  stream_pend_len - stream_pend_off);

		if (w < 0)
			return errno != EAGAIN && errno != EINTR;
		stream_pend_off += (size_t)w;
	}
	stream_pend_len = stream_pend_off = 0;
	return true;
}

bool tap_stream_flush(int fd)
{
	static struct iovec iov[STREAM_IOV_MAX];
	static uint8_t hdr[STREAM_IOV_MAX / 2][4];

	if (!tap_stream_pend_write(fd))
		return false;
	while (txq_count()) {
		unsigned int n = MIN(txq_count(), STREAM_IOV_MAX / 2), i;
		size_t total = 0, done;
		ssize_t w;

		for (i = 0; i < n; i++) {
			size_t len;
			uint8_t *f = txq_frame(i, &len);

			put_be32(hdr[i], (uint32_t)len);
			iov[2 * (size_t)i] = (struct iovec){hdr[i], 4};
			iov[2 * (size_t)i + 1] = (struct iovec){f, len};
			total += 4 + len;
		}
		w = writev(fd, iov, (int)(2 * n));
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return false;
			/* Broken connection: the receive side will see it. */
			tap_stats.tx_drop += txq_count();
			txq_consume(txq_count());
			return true;
		}
		/* Whole frames sent, and the rest of a partial one kept. */
		for (i = 0, done = 0; i < n && done < (size_t)w; i++) {
			size_t len = iov[2 * i + 1].iov_len, fl = 4 + len;

			if ((size_t)w - done < fl) {
				size_t sent = (size_t)w - done;

				memcpy(stream_pend, hdr[i], 4);
				memcpy(stream_pend + 4, iov[2 * i + 1].iov_base,
				       len);
				stream_pend_len = fl;
				stream_pend_off = sent;
			}
			pcap_frame(&iov[2 * i + 1], 1, len);
			tap_stats.tx_frames++;
			tap_stats.tx_bytes += len;
			done += fl;
		}
		txq_consume(i);
		if ((size_t)w < total && !tap_stream_pend_write(fd))
			return false;
	}
	return true;
}

int tap_stream_listen_tcp(const struct sockaddr *sa, unsigned int len,
			  const char *name)
{
	int fd, one = 1;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		die_perror("--socket: socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len))
		die("--socket: cannot bind %s: %s", name, strerror(errno));
	if (listen(fd, 1))
		die("--socket: cannot listen on %s: %s", name, strerror(errno));
	info("listening on %s; start QEMU with -netdev "
	     "socket,id=n0,connect=%s",
	     name, name + 4);
	return fd;
}

int tap_stream_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die("--socket: path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* Replace a stale socket left by a previous run, nothing else. */
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode))
			die("--socket: %s exists and is not a socket", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die_perror("--socket: socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("--socket: cannot bind %s: %s", path, strerror(errno));
	if (listen(fd, 1))
		die("--socket: cannot listen on %s: %s", path, strerror(errno));
	info("listening on %s; start QEMU with -netdev "
	     "stream,id=n0,server=off,addr.type=unix,addr.path=%s",
	     path, path);
	return fd;
}
