// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vhost_user.c - the vhost-user control protocol, driven over a
 * socketpair with hand-built messages in the order QEMU 7.2 sends them
 * (docs/research/vhost-user-virtio.md, "Observed QEMU 7.2 sequences"):
 * negotiation, memory table from memfds, ring set-up with eventfds and
 * with pipes, start and stop events, GET_VRING_BASE through the hook
 * (split and packed), REPLY_ACK, reconnection, and hostile messages, each
 * of which must end the session cleanly without leaking a descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "transport/vhost_user.h"

#define UVA 0x7f1200000000ULL /* the front-end's address of guest RAM */
#define RAM 0x100000	      /* 1 MiB of guest RAM at gpa 0 */
#define NEED VU_FLAG_NEED_REPLY

/* The front-end side of one session. */
struct fe {
	int fe, be;		    /* our end, the back-end's end */
	struct vu_dev d;	    /* the device under test */
	struct vu_hooks hooks;	    /* get_base -> fe_get_base */
	uint32_t base_ret[2];	    /* what the data path reports */
	unsigned int base_calls[2]; /* how often it was asked */
	int ram;		    /* our copy of the RAM memfd */
};

/* count_fds() - open descriptors of this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* fe_get_base() - the data path's hook: count the call, report the
 * configured index. */
static uint32_t fe_get_base(void *opaque, unsigned int ring)
{
	struct fe *f = opaque;

	assert_true(ring < VU_QUEUES);
	f->base_calls[ring]++;
	return f->base_ret[ring];
}

/* fe_open() - a connected pair and a fresh device. */
static void fe_open(struct fe *f)
{
	struct timeval tv = {.tv_sec = 1};
	int sv[2];

	memset(f, 0, sizeof(*f));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	f->fe = sv[0];
	f->be = sv[1];
	/* A test bug must not hang the suite. */
	assert_int_equal(
		setsockopt(f->be, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(
		setsockopt(f->fe, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	vu_dev_init(&f->d);
	f->hooks.get_base = fe_get_base;
	f->hooks.opaque = f;
	f->ram = -1;
}

/* fe_close() - end the session as the loop does: close, reset. */
static void fe_close(struct fe *f)
{
	if (f->fe >= 0)
		close(f->fe);
	close(f->be);
	if (f->ram >= 0)
		close(f->ram);
	vu_dev_reset(&f->d);
}

/* fe_send() - one message with @nfds descriptors attached. */
static void fe_send(struct fe *f, uint32_t req, uint32_t flags,
		    const void *payload, uint32_t size, const int *fds,
		    unsigned int nfds)
{
	uint32_t hdr[3] = {req, VU_FLAG_VERSION | flags, size};
	struct iovec iov[2] = {{hdr, sizeof(hdr)},
			       {(void *)(uintptr_t)payload, size}};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = size ? 2 : 1};
	ssize_t want = (ssize_t)(sizeof(hdr) + size);

	assert_true(nfds <= 16);
	if (nfds) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	assert_int_equal(sendmsg(f->fe, &mh, 0), want);
}

/* fe_do() - send a message and let the back-end handle it; returns the
 * events. */
static int fe_do(struct fe *f, uint32_t req, uint32_t flags,
		 const void *payload, uint32_t size, const int *fds,
		 unsigned int nfds)
{
	fe_send(f, req, flags, payload, size, fds, nfds);
	return vu_handle(&f->d, f->be, &f->hooks);
}

/* fe_reply() - read the back-end's reply to @req: exactly @size bytes of
 * payload into @out. */
static void fe_reply(struct fe *f, uint32_t req, void *out, uint32_t size)
{
	uint32_t hdr[3];

	assert_int_equal(recv(f->fe, hdr, sizeof(hdr), MSG_WAITALL),
			 sizeof(hdr));
	assert_int_equal(hdr[0], req);
	assert_int_equal(hdr[1], VU_FLAG_VERSION | VU_FLAG_REPLY);
	assert_int_equal(hdr[2], size);
	assert_int_equal(recv(f->fe, out, size, MSG_WAITALL), size);
}

/* fe_no_reply() - nothing waits on our end. */
static void fe_no_reply(struct fe *f)
{
	char c;

	assert_int_equal(recv(f->fe, &c, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

/* fe_get_u64() - a GET_* request answered with a u64. */
static uint64_t fe_get_u64(struct fe *f, uint32_t req)
{
	uint64_t v;

	assert_int_equal(fe_do(f, req, 0, NULL, 0, NULL, 0), 0);
	fe_reply(f, req, &v, sizeof(v));
	return v;
}

/* fe_u64() - a request with a u64 payload; returns the events. */
static int fe_u64(struct fe *f, uint32_t req, uint32_t flags, uint64_t v,
		  const int *fds, unsigned int nfds)
{
	return fe_do(f, req, flags, &v, sizeof(v), fds, nfds);
}

/* fe_state() - a request with a vring state payload. */
static int fe_state(struct fe *f, uint32_t req, uint32_t idx, uint32_t num)
{
	uint32_t s[2] = {idx, num};

	return fe_do(f, req, 0, s, sizeof(s), NULL, 0);
}

/* fe_ack() - read a REPLY_ACK answer to @req and return its value. */
static uint64_t fe_ack(struct fe *f, uint32_t req)
{
	uint64_t v;

	fe_reply(f, req, &v, sizeof(v));
	return v;
}

/* fe_negotiate() - the start of QEMU 7.2's sequence: features, protocol
 * features (REPLY_ACK and MQ), owner, the "masked" call and err fds for
 * both rings (eventfds), rings enabled while the driver starts. */
static void fe_negotiate(struct fe *f)
{
	unsigned int i;

	assert_int_equal(fe_get_u64(f, VU_REQ_GET_FEATURES), VU_FEATURES_OFFER);
	assert_int_equal(fe_get_u64(f, VU_REQ_GET_PROTOCOL_FEATURES),
			 VU_PROTOCOL_FEATURES_OFFER);
	assert_int_equal(fe_u64(f, VU_REQ_SET_PROTOCOL_FEATURES, 0,
				VU_BIT(VU_PF_REPLY_ACK) | VU_BIT(VU_PF_MQ),
				NULL, 0),
			 0);
	assert_int_equal(fe_get_u64(f, VU_REQ_GET_QUEUE_NUM), 2);
	assert_int_equal(fe_do(f, VU_REQ_SET_OWNER, 0, NULL, 0, NULL, 0), 0);
	assert_int_equal(fe_get_u64(f, VU_REQ_GET_FEATURES), VU_FEATURES_OFFER);
	for (i = 0; i < VU_QUEUES; i++) {
		int call = eventfd(0, EFD_CLOEXEC), err = eventfd(0, 0);

		assert_int_equal(
			fe_u64(f, VU_REQ_SET_VRING_CALL, 0, i, &call, 1), 0);
		assert_int_equal(fe_u64(f, VU_REQ_SET_VRING_ERR, 0, i, &err, 1),
				 0);
		close(call);
		close(err);
	}
	for (i = 0; i < VU_QUEUES; i++)
		assert_int_equal(fe_state(f, VU_REQ_SET_VRING_ENABLE, i, 1), 0);
	fe_no_reply(f);
}

/* fe_features() - SET_FEATURES @features with NEED_REPLY, acked 0. */
static void fe_features(struct fe *f, uint64_t features)
{
	assert_int_equal(
		fe_u64(f, VU_REQ_SET_FEATURES, NEED, features, NULL, 0), 0);
	assert_int_equal(fe_ack(f, VU_REQ_SET_FEATURES), 0);
}

/* fe_mem() - SET_MEM_TABLE with one RAM region from a fresh memfd, with
 * NEED_REPLY as QEMU 7.2 sends it. */
static void fe_mem(struct fe *f)
{
	uint64_t msg[1 + 4] = {1, 0, RAM, UVA, 0};
	int fd = memfd_create("ram", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, RAM), 0);
	assert_int_equal(
		fe_do(f, VU_REQ_SET_MEM_TABLE, NEED, msg, sizeof(msg), &fd, 1),
		VU_EV_MEM);
	assert_int_equal(fe_ack(f, VU_REQ_SET_MEM_TABLE), 0);
	if (f->ram >= 0)
		close(f->ram);
	f->ram = fd;
	assert_int_equal(f->d.mem.n, 1);
}

/* fe_addr_at() - SET_VRING_ADDR for ring @i with these addresses. */
static int fe_addr_at(struct fe *f, uint32_t i, uint64_t desc, uint64_t avail,
		      uint64_t used)
{
	uint8_t msg[40];
	uint32_t idx = i, flags = 0;
	uint64_t log = 0;

	memcpy(msg, &idx, 4);
	memcpy(msg + 4, &flags, 4);
	memcpy(msg + 8, &desc, 8);
	memcpy(msg + 16, &used, 8);
	memcpy(msg + 24, &avail, 8);
	memcpy(msg + 32, &log, 8);
	return fe_do(f, VU_REQ_SET_VRING_ADDR, 0, msg, sizeof(msg), NULL, 0);
}

/* fe_addr() - SET_VRING_ADDR for ring @i at 64 KiB per ring in RAM. */
static int fe_addr(struct fe *f, uint32_t i)
{
	uint64_t desc = UVA + 0x10000 * (i + 1);

	return fe_addr_at(f, i, desc, desc + 0x4000, desc + 0x8000);
}

/* fe_ring() - NUM, BASE, ADDR for ring @i: no event yet. */
static void fe_ring(struct fe *f, uint32_t i, uint32_t num, uint32_t base)
{
	assert_int_equal(fe_state(f, VU_REQ_SET_VRING_NUM, i, num), 0);
	assert_int_equal(fe_state(f, VU_REQ_SET_VRING_BASE, i, base), 0);
	assert_int_equal(fe_addr(f, i), 0);
}

/* fe_kick() - SET_VRING_KICK for ring @i with fd @fd (-1: NOFD). */
static int fe_kick(struct fe *f, uint32_t i, int fd)
{
	if (fd < 0)
		return fe_u64(f, VU_REQ_SET_VRING_KICK, 0, i | VU_VRING_NOFD,
			      NULL, 0);
	return fe_u64(f, VU_REQ_SET_VRING_KICK, 0, i, &fd, 1);
}

/* fe_get_base() - GET_VRING_BASE for ring @i; returns the events, the
 * reported base in *@base. */
static int fe_get_base_msg(struct fe *f, uint32_t i, uint32_t *base)
{
	uint32_t s[2];
	int ev = fe_state(f, VU_REQ_GET_VRING_BASE, i, 0);

	fe_reply(f, VU_REQ_GET_VRING_BASE, s, sizeof(s));
	assert_int_equal(s[0], i);
	*base = s[1];
	return ev;
}

#define F_SPLIT                                                                \
	(VU_BIT(VU_F_VERSION_1) | VU_BIT(VU_F_MRG_RXBUF) |                     \
	 VU_BIT(VU_F_PROTOCOL_FEATURES))

/* The QEMU 7.2 boot sequence with eventfds on ring 0 and pipes on ring 1,
 * notifications in both directions through both kinds, then power-off. */
static void test_boot_eventfd_and_pipe(void **state)
{
	int base = count_fds(), kick0, kick1[2], call1[2];
	uint64_t v;
	uint32_t b;
	struct fe f;

	(void)state;
	fe_open(&f);
	fe_negotiate(&f);
	assert_true(f.d.owner);
	assert_int_equal(f.d.protocol_features, 0x9);
	fe_features(&f, F_SPLIT);
	fe_mem(&f);

	/* Ring 0: eventfds. START as soon as the kick arrives (enabled
	 * earlier); the CALL after it changes nothing. */
	kick0 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fe_ring(&f, 0, 256, 0);
	assert_int_equal(fe_kick(&f, 0, kick0), VU_EV_RING_START(0));
	assert_true(f.d.vring[0].started);
	assert_true(f.d.vring[0].kick_fd >= 0);
	assert_int_equal(f.d.vring[0].num, 256);
	assert_int_equal(f.d.vring[0].desc_uva, UVA + 0x10000);
	assert_int_equal(f.d.vring[0].avail_uva, UVA + 0x14000);
	assert_int_equal(f.d.vring[0].used_uva, UVA + 0x18000);
	{
		int call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

		assert_int_equal(
			fe_u64(&f, VU_REQ_SET_VRING_CALL, 0, 0, &call, 1), 0);
		/* Kick: the front-end writes its eventfd, we drain. */
		v = 1;
		assert_int_equal(write(kick0, &v, 8), 8);
		vu_kick_drain(f.d.vring[0].kick_fd);
		assert_int_equal(read(kick0, &v, 8), -1);
		assert_int_equal(errno, EAGAIN);
		/* Call: we signal, the front-end reads 1. */
		vu_call_signal(f.d.vring[0].call_fd);
		assert_int_equal(read(call, &v, 8), 8);
		assert_int_equal(v, 1);
		close(call);
	}

	/* Ring 1: pipes (QEMU's fallback without eventfd). */
	assert_int_equal(pipe2(kick1, O_CLOEXEC), 0);
	assert_int_equal(pipe2(call1, O_CLOEXEC), 0);
	fe_ring(&f, 1, 256, 0);
	assert_int_equal(fe_kick(&f, 1, kick1[0]), VU_EV_RING_START(1));
	assert_int_equal(fe_u64(&f, VU_REQ_SET_VRING_CALL, 0, 1, &call1[1], 1),
			 0);
	close(kick1[0]);
	close(call1[1]);
	/* Three kicks coalesce in the pipe: one drain takes them all. */
	v = 1;
	assert_int_equal(write(kick1[1], &v, 8), 8);
	assert_int_equal(write(kick1[1], &v, 8), 8);
	assert_int_equal(write(kick1[1], &v, 8), 8);
	vu_kick_drain(f.d.vring[1].kick_fd);
	assert_int_equal(fcntl(f.d.vring[1].kick_fd, F_GETFL) & O_NONBLOCK,
			 O_NONBLOCK);
	vu_kick_drain(f.d.vring[1].kick_fd); /* empty: must not block */
	/* Signal through the pipe: 8 bytes arrive. */
	vu_call_signal(f.d.vring[1].call_fd);
	assert_int_equal(read(call1[0], &v, 8), 8);
	/* A call pipe nobody reads never blocks us. */
	{
		int i;

		for (i = 0; i < 20000; i++)
			vu_call_signal(f.d.vring[1].call_fd);
	}
	assert_int_equal(f.d.running, 3);

	/* Power-off: GET_VRING_BASE for both, the hook reports. */
	f.base_ret[0] = 0x1234;
	f.base_ret[1] = 0x77;
	assert_int_equal(fe_get_base_msg(&f, 0, &b), VU_EV_RING_STOP(0));
	assert_int_equal(b, 0x1234);
	assert_int_equal(f.base_calls[0], 1);
	assert_false(f.d.vring[0].started);
	assert_int_equal(f.d.vring[0].kick_fd, -1);
	assert_int_equal(fe_get_base_msg(&f, 1, &b), VU_EV_RING_STOP(1));
	assert_int_equal(b, 0x77);
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 0), 0);
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 1, 0), 0);
	/* A second GET_VRING_BASE of a stopped ring: the stored index, the
	 * data path is not asked again. */
	assert_int_equal(fe_get_base_msg(&f, 0, &b), 0);
	assert_int_equal(b, 0x1234);
	assert_int_equal(f.base_calls[0], 1);
	fe_no_reply(&f);

	/* QEMU goes away. */
	close(f.fe);
	f.fe = -1;
	assert_int_equal(vu_handle(&f.d, f.be, &f.hooks), VU_EV_DISCONNECT);
	fe_close(&f);
	close(kick0);
	close(kick1[1]);
	close(call1[0]);
	assert_int_equal(count_fds(), base);
}

/* Enable after the kick: START comes with the enable; disable stops the
 * ring through the hook, re-enable resumes from the reported index. */
static void test_enable_disable(void **state)
{
	int base = count_fds(), k = eventfd(0, EFD_CLOEXEC);
	struct fe f;

	(void)state;
	fe_open(&f);
	fe_negotiate(&f);
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 0), 0);
	fe_features(&f, F_SPLIT);
	fe_mem(&f);
	fe_ring(&f, 0, 1024, 7);
	assert_int_equal(fe_kick(&f, 0, k), 0); /* disabled: no START */
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 1),
			 VU_EV_RING_START(0));
	assert_int_equal(f.d.vring[0].base, 7);
	f.base_ret[0] = 99;
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 0),
			 VU_EV_RING_STOP(0));
	assert_int_equal(f.base_calls[0], 1);
	assert_int_equal(f.d.vring[0].base, 99);
	assert_int_equal(fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 1),
			 VU_EV_RING_START(0));
	/* A new kick fd under a running ring: stop and start again. */
	assert_int_equal(fe_kick(&f, 0, k),
			 VU_EV_RING_STOP(0) | VU_EV_RING_START(0));
	assert_int_equal(f.base_calls[0], 2);
	/* A new memory table under a running ring that still covers it. */
	{
		uint64_t msg[1 + 4] = {1, 0, RAM, UVA, 0};
		int fd = memfd_create("ram2", MFD_CLOEXEC);

		assert_int_equal(ftruncate(fd, RAM), 0);
		assert_int_equal(fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg,
				       sizeof(msg), &fd, 1),
				 VU_EV_MEM);
		close(fd);
	}
	/* Disconnect with a running ring: STOP with DISCONNECT, no hook. */
	close(f.fe);
	f.fe = -1;
	assert_int_equal(vu_handle(&f.d, f.be, &f.hooks),
			 VU_EV_DISCONNECT | VU_EV_RING_STOP(0));
	assert_int_equal(f.base_calls[0], 2);
	fe_close(&f);
	close(k);
	assert_int_equal(count_fds(), base);
}

/* Without PROTOCOL_FEATURES the rings are enabled by SET_FEATURES; no
 * REPLY_ACK either, so NEED_REPLY gets no answer. NOFD kicks. */
static void test_no_protocol_features(void **state)
{
	int base = count_fds();
	uint64_t msg[1 + 4] = {1, 0, RAM, UVA, 0};
	struct fe f;
	int fd;

	(void)state;
	fe_open(&f);
	assert_int_equal(fe_do(&f, VU_REQ_SET_OWNER, 0, NULL, 0, NULL, 0), 0);
	assert_int_equal(fe_u64(&f, VU_REQ_SET_FEATURES, NEED,
				VU_BIT(VU_F_VERSION_1), NULL, 0),
			 0);
	fe_no_reply(&f);
	assert_true(f.d.vring[0].enabled && f.d.vring[1].enabled);
	fd = memfd_create("ram", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fd, RAM), 0);
	assert_int_equal(
		fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg, sizeof(msg), &fd, 1),
		VU_EV_MEM);
	close(fd);
	fe_ring(&f, 1, 64, 0);
	assert_int_equal(fe_kick(&f, 1, -1), VU_EV_RING_START(1));
	assert_int_equal(f.d.vring[1].kick_fd, -1);
	fe_no_reply(&f);
	fe_close(&f);
	assert_int_equal(count_fds(), base);
}

/* Packed rings: any size, QEMU's 0x80008000 base, the hook's encoding
 * returned verbatim. */
static void test_packed(void **state)
{
	int base = count_fds(), k = eventfd(0, EFD_CLOEXEC);
	uint32_t b;
	struct fe f;

	(void)state;
	fe_open(&f);
	fe_negotiate(&f);
	fe_features(&f, F_SPLIT | VU_BIT(VU_F_RING_PACKED) |
				VU_BIT(VU_F_EVENT_IDX));
	assert_true(vu_ring_packed(&f.d));
	fe_mem(&f);
	/* A ring that never ran reports its stored base. */
	fe_ring(&f, 1, 1000, 0x80008000);
	assert_int_equal(fe_get_base_msg(&f, 1, &b), 0);
	assert_int_equal(b, 0x80008000);
	assert_int_equal(f.base_calls[1], 0);
	fe_ring(&f, 0, 1000, 0x80008000);
	assert_int_equal(fe_kick(&f, 0, k), VU_EV_RING_START(0));
	f.base_ret[0] = 0x00058005; /* used 5 wrap 0, avail 5 wrap 1 */
	assert_int_equal(fe_get_base_msg(&f, 0, &b), VU_EV_RING_STOP(0));
	assert_int_equal(b, 0x00058005);
	/* Restart from that index. */
	fe_ring(&f, 0, 1000, b);
	assert_int_equal(fe_kick(&f, 0, k), VU_EV_RING_START(0));
	fe_close(&f);
	close(k);
	assert_int_equal(count_fds(), base);
}

/* The reconnect case: a session ends, the device is reset, a new
 * front-end on a new connection gets everything again. */
static void test_reconnect(void **state)
{
	int base = count_fds(), k = eventfd(0, EFD_CLOEXEC), round;
	struct fe f;

	(void)state;
	for (round = 0; round < 3; round++) {
		fe_open(&f);
		fe_negotiate(&f);
		fe_features(&f, F_SPLIT);
		fe_mem(&f);
		fe_ring(&f, 0, 256, 0);
		fe_ring(&f, 1, 256, 0);
		assert_int_equal(fe_kick(&f, 0, k), VU_EV_RING_START(0));
		assert_int_equal(fe_kick(&f, 1, k), VU_EV_RING_START(1));
		/* QEMU killed: EOF mid-session. */
		close(f.fe);
		f.fe = -1;
		assert_int_equal(vu_handle(&f.d, f.be, &f.hooks),
				 VU_EV_DISCONNECT | VU_EV_RING_STOP(0) |
					 VU_EV_RING_STOP(1));
		fe_close(&f);
		assert_int_equal(f.d.mem.n, 0);
		assert_int_equal(f.d.vring[0].kick_fd, -1);
		assert_int_equal(f.d.vring[0].call_fd, -1);
		assert_int_equal(f.d.features, 0);
		assert_int_equal(f.d.protocol_features, 0);
		assert_int_equal(count_fds(), base + 1);
	}
	close(k);
	assert_int_equal(count_fds(), base);
}

/* Through a real listening socket: vu_listen() replaces a stale socket
 * file, refuses a live one and a regular file; vu_accept(). */
static void test_listen_accept(void **state)
{
	char path[64];
	int base = count_fds(), lfd, l2, cfd, afd;
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	(void)state;
	snprintf(path, sizeof(path), "/tmp/burrow-test-vu-%d.sock", getpid());
	unlink(path);
	lfd = vu_listen(path);
	assert_true(lfd >= 0);
	strcpy(a.sun_path, path);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	afd = vu_accept(lfd);
	assert_true(afd >= 0);
	{
		uint32_t hdr[3] = {VU_REQ_GET_QUEUE_NUM, 1, 0}, rh[3];
		uint64_t v;
		struct vu_dev d;

		vu_dev_init(&d);
		assert_int_equal(write(cfd, hdr, sizeof(hdr)), sizeof(hdr));
		assert_int_equal(vu_handle(&d, afd, NULL), 0);
		assert_int_equal(read(cfd, rh, sizeof(rh)), sizeof(rh));
		assert_int_equal(read(cfd, &v, 8), 8);
		assert_int_equal(v, VU_QUEUES);
		/* Half a header, then silence: the timeout ends it. */
		assert_int_equal(write(cfd, hdr, 5), 5);
		assert_int_equal(vu_handle(&d, afd, NULL), VU_EV_DISCONNECT);
		vu_dev_reset(&d);
	}
	/* Live: left alone (the probe is a connection that ends at once). */
	assert_int_equal(vu_listen(path), -EADDRINUSE);
	close(afd);
	close(cfd);
	close(lfd);
	/* Stale now: replaced. */
	l2 = vu_listen(path);
	assert_true(l2 >= 0);
	close(l2);
	unlink(path);
	/* A regular file is not ours to remove. */
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	assert_int_equal(vu_listen(path), -EEXIST);
	unlink(path);
	assert_int_equal(count_fds(), base);
}

/* hostile_open() - a session up to a mapped table and SET_FEATURES
 * (split), for the hostile cases. */
static void hostile_open(struct fe *f)
{
	fe_open(f);
	fe_negotiate(f);
	fe_features(f, F_SPLIT);
	fe_mem(f);
}

/* expect_bad() - the message must end the session, close every fd it
 * carried, and answer nothing. */
static void expect_bad(struct fe *f, int ev)
{
	assert_int_equal(ev & VU_EV_DISCONNECT, VU_EV_DISCONNECT);
	fe_no_reply(f);
}

/* hostile_close() - end the session; no fd may be left over. */
static void hostile_close(struct fe *f, int base)
{
	fe_close(f);
	assert_int_equal(count_fds(), base);
}

static void test_hostile_sizes(void **state)
{
	int base = count_fds();
	uint8_t junk[64] = {0};
	struct fe f;

	(void)state;
	/* size above the maximum: nothing more is read. */
	hostile_open(&f);
	{
		uint32_t hdr[3] = {VU_REQ_SET_FEATURES, 1, 5000};

		assert_int_equal(write(f.fe, hdr, sizeof(hdr)), sizeof(hdr));
		expect_bad(&f, vu_handle(&f.d, f.be, &f.hooks));
	}
	hostile_close(&f, base);
	hostile_open(&f);
	{
		uint32_t hdr[3] = {VU_REQ_SET_FEATURES, 1, UINT32_MAX};

		assert_int_equal(write(f.fe, hdr, sizeof(hdr)), sizeof(hdr));
		expect_bad(&f, vu_handle(&f.d, f.be, &f.hooks));
	}
	hostile_close(&f, base);
	/* size not matching the request's payload. */
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_VRING_NUM, 0, junk, 12, NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_GET_FEATURES, 0, junk, 8, NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_VRING_ADDR, 0, junk, 32, NULL, 0));
	hostile_close(&f, base);
	/* Memory table: size disagreeing with nregions. */
	hostile_open(&f);
	{
		uint64_t msg[1 + 8] = {2,      0,      0x1000,	     UVA, 0,
				       0x1000, 0x1000, UVA + 0x1000, 0};
		int fds[2] = {memfd_create("a", 0), memfd_create("b", 0)};

		expect_bad(&f,
			   fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg, 40, fds, 2));
		close(fds[0]);
		close(fds[1]);
	}
	assert_int_equal(f.d.mem.n, 1); /* the old table stays */
	hostile_close(&f, base);
	/* Truncated payload: EOF in the middle. */
	hostile_open(&f);
	{
		uint32_t hdr[3] = {VU_REQ_SET_FEATURES, 1, 8};

		assert_int_equal(write(f.fe, hdr, sizeof(hdr)), sizeof(hdr));
		assert_int_equal(write(f.fe, junk, 3), 3);
		shutdown(f.fe, SHUT_WR);
		expect_bad(&f, vu_handle(&f.d, f.be, &f.hooks));
	}
	hostile_close(&f, base);
	/* Bad version, and a reply flag on a request. */
	hostile_open(&f);
	{
		uint32_t hdr[3] = {VU_REQ_GET_FEATURES, 2, 0};

		assert_int_equal(write(f.fe, hdr, sizeof(hdr)), sizeof(hdr));
		expect_bad(&f, vu_handle(&f.d, f.be, &f.hooks));
	}
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_GET_FEATURES, VU_FLAG_REPLY, NULL, 0,
			     NULL, 0));
	hostile_close(&f, base);
}

static void test_hostile_fds(void **state)
{
	int base = count_fds(), i, many[12];
	struct fe f;

	(void)state;
	for (i = 0; i < 12; i++)
		many[i] = eventfd(0, EFD_CLOEXEC);
	base += 12;
	/* Two fds for a CALL. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_CALL, 0, 0, many, 2));
	assert_int_equal(f.d.vring[0].call_fd >= 0, true); /* old one kept */
	hostile_close(&f, base);
	/* None for a KICK without NOFD, one with NOFD. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_KICK, 0, 0, NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_KICK, 0, VU_VRING_NOFD, many,
			      1));
	hostile_close(&f, base);
	/* An fd on a request that takes none. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_FEATURES, 0, F_SPLIT, many, 1));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f,
		   fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 256) |
			   fe_do(&f, VU_REQ_GET_FEATURES, 0, NULL, 0, many, 3));
	hostile_close(&f, base);
	/* Twelve fds on one message: more than we take. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_CALL, 0, 0, many, 12));
	hostile_close(&f, base);
	/* Memory table: one fd for two regions, three for two. */
	hostile_open(&f);
	{
		uint64_t msg[1 + 8] = {2,      0,      0x1000,	     UVA, 0,
				       0x1000, 0x1000, UVA + 0x1000, 0};

		expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg,
				     sizeof(msg), many, 1));
	}
	hostile_close(&f, base);
	hostile_open(&f);
	{
		uint64_t msg[1 + 8] = {2,      0,      0x1000,	     UVA, 0,
				       0x1000, 0x1000, UVA + 0x1000, 0};

		expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg,
				     sizeof(msg), many, 3));
	}
	hostile_close(&f, base);
	/* fds on a truncated header. */
	hostile_open(&f);
	{
		uint32_t hdr = VU_REQ_SET_VRING_CALL;
		struct iovec iov = {&hdr, 4};
		union {
			char buf[CMSG_SPACE(sizeof(int) * 2)];
			struct cmsghdr align;
		} ctl;
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf)};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * 2);
		memcpy(CMSG_DATA(cm), many, sizeof(int) * 2);
		assert_int_equal(sendmsg(f.fe, &mh, 0), 4);
		shutdown(f.fe, SHUT_WR);
		expect_bad(&f, vu_handle(&f.d, f.be, &f.hooks));
	}
	hostile_close(&f, base);
	/* A memfd that is not mappable as claimed: pipe instead of file. */
	hostile_open(&f);
	{
		uint64_t msg[1 + 4] = {1, 0, RAM, UVA, 0};
		int p[2];

		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, msg,
				     sizeof(msg), p, 1));
		close(p[0]);
		close(p[1]);
	}
	hostile_close(&f, base);
	for (i = 0; i < 12; i++)
		close(many[i]);
}

static void test_hostile_values(void **state)
{
	int base = count_fds();
	struct fe f;

	(void)state;
	/* Ring index 7. */
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 7, 256));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_KICK, 0, 7 | VU_VRING_NOFD,
			      NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	{
		uint32_t s[2] = {7, 0};

		expect_bad(&f,
			   fe_do(&f, VU_REQ_GET_VRING_BASE, 0, s, 8, NULL, 0));
	}
	hostile_close(&f, base);
	/* Unknown bits next to the index. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_VRING_CALL, 0,
			      0x200 | VU_VRING_NOFD, NULL, 0));
	hostile_close(&f, base);
	/* num 3, 0 and 65536 for a split ring; base 65536. */
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 3));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 65536));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_BASE, 0, 65536));
	hostile_close(&f, base);
	/* Enable value 2. */
	hostile_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_ENABLE, 0, 2));
	hostile_close(&f, base);
	/* Features not offered; VERSION_1 missing; protocol features not
	 * offered. */
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_FEATURES, 0, F_SPLIT | 1ULL << 40,
			      NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_FEATURES, 0,
			      VU_BIT(VU_F_MRG_RXBUF), NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_u64(&f, VU_REQ_SET_PROTOCOL_FEATURES, 0,
			      VU_BIT(VU_PF_LOG_SHMFD), NULL, 0));
	hostile_close(&f, base);
	/* Reconfiguring a started ring. */
	hostile_open(&f);
	fe_ring(&f, 0, 256, 0);
	assert_int_equal(fe_kick(&f, 0, -1), VU_EV_RING_START(0));
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 128));
	hostile_close(&f, base);
	/* Ring areas outside the memory table: refused when it would
	 * start. */
	hostile_open(&f);
	fe_ring(&f, 0, 256, 0);
	assert_int_equal(
		fe_addr_at(&f, 0, UVA + RAM - 0x100, UVA, UVA + 0x1000), 0);
	expect_bad(&f, fe_kick(&f, 0, -1));
	hostile_close(&f, base);
	hostile_open(&f);
	fe_ring(&f, 0, 256, 0);
	assert_int_equal(fe_addr_at(&f, 0, UVA, UVA + 0x1001, UVA + 0x2000),
			 0); /* avail misaligned */
	expect_bad(&f, fe_kick(&f, 0, -1));
	hostile_close(&f, base);
	hostile_open(&f);
	fe_ring(&f, 0, 256, 0);
	assert_int_equal(fe_addr_at(&f, 0, UVA, UVA + 0x1000, 0x1000), 0);
	expect_bad(&f, fe_kick(&f, 0, -1)); /* used not in the table */
	hostile_close(&f, base);
	/* Ring set-up before SET_OWNER. */
	fe_open(&f);
	expect_bad(&f, fe_state(&f, VU_REQ_SET_VRING_NUM, 0, 256));
	hostile_close(&f, base);
}

static void test_hostile_mem(void **state)
{
	uint64_t over[1 + 8] = {2,	0,	0x1000,	      UVA, 0,
				0x1000, 0x1000, UVA + 0x1000, 0};
	uint64_t zero[1 + 4] = {1, 0, 0, UVA, 0};
	uint64_t wrap[1 + 4] = {1, 0x1000, UINT64_MAX - 0x800, UVA, 0};
	uint64_t none[1] = {0};
	uint64_t nine[1] = {9};
	int base = count_fds();
	struct fe f;
	int fds[2];

	(void)state;
	/* Overlapping regions: [0, 0x1000) and [0x1000 - ..) overlap by
	 * making the second start inside the first. */
	over[5] = 0x800;
	hostile_open(&f);
	fds[0] = memfd_create("a", MFD_CLOEXEC);
	fds[1] = memfd_create("b", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fds[0], 0x1000), 0);
	assert_int_equal(ftruncate(fds[1], 0x1000), 0);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, NEED, over, sizeof(over),
			     fds, 2));
	close(fds[0]);
	close(fds[1]);
	hostile_close(&f, base);
	/* Zero-size region. */
	hostile_open(&f);
	fds[0] = memfd_create("a", MFD_CLOEXEC);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, zero, sizeof(zero),
			     fds, 1));
	close(fds[0]);
	hostile_close(&f, base);
	/* gpa + size past 2^64. */
	hostile_open(&f);
	fds[0] = memfd_create("a", MFD_CLOEXEC);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, wrap, sizeof(wrap),
			     fds, 1));
	close(fds[0]);
	hostile_close(&f, base);
	/* Zero and nine regions. */
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, none, 8, NULL, 0));
	hostile_close(&f, base);
	hostile_open(&f);
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, nine, 8, NULL, 0));
	hostile_close(&f, base);
	/* A region larger than its file. */
	hostile_open(&f);
	fds[0] = memfd_create("a", MFD_CLOEXEC);
	zero[2] = RAM;
	expect_bad(&f, fe_do(&f, VU_REQ_SET_MEM_TABLE, 0, zero, sizeof(zero),
			     fds, 1));
	close(fds[0]);
	hostile_close(&f, base);
}

/* Requests we do not implement: ignored, or answered failure with
 * REPLY_ACK, fds closed; a request the front-end waits on ends the
 * session. */
static void test_unsupported(void **state)
{
	int base = count_fds(), fd = eventfd(0, EFD_CLOEXEC);
	uint64_t logmsg[2] = {0x1000, 0};
	struct fe f;

	(void)state;
	hostile_open(&f);
	assert_int_equal(fe_do(&f, VU_REQ_SEND_RARP, 0, "abcdefgh", 8, NULL, 0),
			 0);
	fe_no_reply(&f);
	assert_int_equal(
		fe_do(&f, VU_REQ_SET_STATUS, NEED, "abcdefgh", 8, &fd, 1), 0);
	assert_int_equal(fe_ack(&f, VU_REQ_SET_STATUS), 1);
	assert_int_equal(fe_do(&f, 200, NEED, NULL, 0, NULL, 0), 0);
	assert_int_equal(fe_ack(&f, 200), 1);
	assert_int_equal(fe_do(&f, VU_REQ_SET_LOG_BASE, NEED, logmsg,
			       sizeof(logmsg), &fd, 1),
			 0);
	assert_int_equal(fe_ack(&f, VU_REQ_SET_LOG_BASE), 1);
	assert_int_equal(fe_do(&f, VU_REQ_SET_LOG_FD, 0, NULL, 0, &fd, 1), 0);
	fe_no_reply(&f);
	/* The session still works. */
	assert_int_equal(fe_get_u64(&f, VU_REQ_GET_QUEUE_NUM), 2);
	/* GET_CONFIG would leave the front-end waiting. */
	expect_bad(&f, fe_do(&f, VU_REQ_GET_CONFIG, 0, NULL, 0, NULL, 0));
	hostile_close(&f, base + 1);
	close(fd);
	assert_int_equal(count_fds(), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_eventfd_and_pipe),
		cmocka_unit_test(test_enable_disable),
		cmocka_unit_test(test_no_protocol_features),
		cmocka_unit_test(test_packed),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_listen_accept),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_hostile_fds),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_hostile_mem),
		cmocka_unit_test(test_unsupported),
	};

	log_level = getenv("VU_TEST_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
