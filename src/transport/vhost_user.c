// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_user.c - the vhost-user control protocol, back-end side.
 *
 * Theory of operation
 *
 * One front-end (QEMU) at a time talks to us over a UNIX stream socket.
 * Each message is a 12-byte header (request, flags, size: native-endian
 * u32) and exactly `size` payload bytes; file descriptors ride along as
 * SCM_RIGHTS. vu_handle() reads one whole message, checks it, acts on it,
 * answers when the request has an answer (GET_*), or with REPLY_ACK when
 * NEED_REPLY is set and that protocol feature was acked.
 *
 * What we store: the acked feature words, the memory table (vu_mem.c maps
 * it), and per ring its size, addresses, base index and kick/call/err
 * descriptors. We never touch a ring: the data path does, and learns of
 * changes through the events vu_handle() returns (see vhost_user.h).
 *
 * Ring states. A ring runs (START reported) exactly when all of these
 * hold: SET_FEATURES seen, memory table present, SET_VRING_NUM and
 * SET_VRING_ADDR seen, kick received (SET_VRING_KICK, "started") and
 * enabled (SET_VRING_ENABLE(1), or from SET_FEATURES on when the front-end
 * did not ack PROTOCOL_FEATURES). Before START the ring's configuration is
 * checked once more as a whole: size against the layout (split: a power of
 * two; packed: any, both at most 32768), base against the layout, and the
 * three areas (split: 16N, 6+2N, 6+8N bytes; packed: 16N, 4, 4) must lie
 * inside one region each, suitably aligned in our mapping. A ring stops
 * (STOP reported, hooks->get_base() asked for its index first) on
 * GET_VRING_BASE, on SET_VRING_ENABLE(0), when its kick fd is replaced
 * (it then starts again at once with the new fd), and on RESET_OWNER.
 * GET_VRING_BASE also drops the kick fd and clears "started": the
 * front-end sends a new kick before it runs the ring again. We keep the
 * call fd: QEMU 7.2 resends it anyway, and keeping it costs nothing.
 * NUM, ADDR and BASE for a started ring are protocol violations (the
 * front-end stops a ring before it reconfigures it).
 *
 * Trust. Every message is hostile input. The size field is capped at
 * VU_PAYLOAD_MAX (4096) before anything is read, and each known request
 * must carry exactly its payload shape (SET_MEM_TABLE: 8 + 32 bytes per
 * region, 1 to 8 regions) and exactly its descriptors (one per region;
 * KICK/CALL/ERR: one, or none with the NOFD bit). Payloads are read
 * through the bounds-checked cursor. Ring indices are below VU_QUEUES,
 * feature words within what we offered, VERSION_1 required (legacy virtio
 * is not supported). Nothing is allocated: the message lives on the
 * stack, the tables are fixed.
 *
 * Descriptors: every fd that arrives is either kept (kick/call/err) or
 * consumed by vu_mem_set(), or closed before vu_handle() returns, on every
 * path. More than VU_FDS_MAX in one message, or truncated control data,
 * end the session (the kernel closes those it could not hand us).
 *
 * Violations end the session: one warning naming the request and the
 * cause, then VU_EV_DISCONNECT (the caller closes the socket and resets
 * us). That is the "device broken" answer of a daemon serving one VM: the
 * front-end may reconnect, and nothing half-configured survives.
 * Requests we do not implement are different: a front-end only sends
 * them if we offered a feature, except the few it may send regardless;
 * with REPLY_ACK and NEED_REPLY we answer failure, otherwise we ignore
 * them (closing any fds), logging once per request type and session.
 * Ignoring is safe because QEMU waits for nothing then. The exceptions
 * are requests whose answer the front-end waits for (GET_CONFIG,
 * CREATE_CRYPTO_SESSION, POSTCOPY_ADVISE, GET_INFLIGHT_FD,
 * GET_MAX_MEM_SLOTS, GET_STATUS): it would hang, so those end the
 * session. SET_LOG_BASE and SET_LOG_FD are
 * refused the same soft way: we offer neither LOG_ALL nor LOG_SHMFD.
 *
 * Kick and call descriptors may be eventfds (Linux) or pipes (QEMU's
 * fallback elsewhere); we treat both alike: a kick is drained with one
 * read of up to 64 bytes (eventfd: the 8-byte counter; pipe: as many
 * 8-byte records as arrived), a call writes an 8-byte value. Both are set
 * non-blocking on arrival, so a front-end that never reads its call pipe
 * cannot block us (QEMU's own ends are non-blocking already).
 *
 * The socket: vu_accept() gives it one-second timeouts, so a front-end
 * that stops in the middle of a message ends its session instead of
 * holding the loop. The caller runs everything in one thread: the memory
 * table is unmapped during vu_handle(), before the data path hears of it.
 *
 * #syscalls recvmsg sendmsg close fcntl read write accept4 setsockopt
 * #syscalls:setup socket bind listen connect unlink lstat newfstatat
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/pkt.h"
#include "vhost_user.h"

static_assert(VU_QUEUES <= 8, "ring events are 8 bits wide");
static_assert(VU_FDS_MAX >= VU_MEM_REGIONS_MAX, "one fd per region");
static_assert(VU_MEM_MSG_HDR + VU_MEM_REGIONS_MAX * VU_MEM_MSG_REGION <=
		      VU_PAYLOAD_MAX,
	      "a full memory table fits the payload buffer");

/* One received message. */
struct vu_msg {
	uint32_t request;		 /* enum vu_request, or anything */
	uint32_t flags;			 /* VU_FLAG_* */
	uint32_t size;			 /* payload bytes, <= VU_PAYLOAD_MAX */
	int fds[VU_FDS_MAX];		 /* received; -1 once kept or closed */
	unsigned int nfds;		 /* entries used in fds[] */
	bool fds_lost;			 /* more fds came than fit */
	uint8_t payload[VU_PAYLOAD_MAX]; /* the first size bytes are valid */
};

/* What a request handler did. */
enum vu_result {
	VU_OK,	    /* done: REPLY_ACK answers 0 */
	VU_REPLIED, /* done, and answered with a reply body */
	VU_REFUSED, /* not done, session goes on: REPLY_ACK answers 1 */
	VU_BROKEN,  /* protocol violation, logged: end the session */
};

/* State of one vu_handle() call. */
struct vu_ctx {
	struct vu_dev *d;	      /* the device */
	int fd;			      /* the front-end's socket */
	const struct vu_hooks *hooks; /* the data path, may be NULL */
	struct vu_msg *m;	      /* the message being handled */
	int ev;			      /* VU_EV_* collected so far */
};

typedef enum vu_result (*vu_handler)(struct vu_ctx *c, struct pkt *p);

/* How each request is checked and handled. */
struct vu_req_info {
	const char *name; /* for log lines */
	vu_handler fn;	  /* NULL: not implemented */
	int size;	  /* exact payload size, -1: the handler checks */
	unsigned int fds; /* at most this many fds (handler: exactly) */
	bool owner;	  /* only after SET_OWNER */
	bool waits;	  /* not implemented, front-end waits for a body */
};

/* vu_bad() - log a protocol violation in the current request as one line
 * naming the cause. Returns VU_BROKEN, for "return vu_bad(...)". */
static enum vu_result vu_bad(struct vu_ctx *c, const char *fmt, ...)
	__printf(2, 3);

/* vu_name() - the name of request @req for log lines. */
static const char *vu_name(uint32_t req);

static enum vu_result vu_bad(struct vu_ctx *c, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	warn("vhost-user: %s (request %u): %s; disconnecting front-end",
	     vu_name(c->m->request), c->m->request, why);
	return VU_BROKEN;
}

/* vu_u32() - read a native-endian u32 from @p (0 and a sticky error if
 * the payload is short: the caller checks pkt_ok() once). */
static uint32_t vu_u32(struct pkt *p)
{
	uint32_t v;

	if (!pkt_copy(p, &v, sizeof(v)))
		return 0;
	return v;
}

/* vu_u64() - read a native-endian u64 from @p, as vu_u32(). */
static uint64_t vu_u64(struct pkt *p)
{
	uint64_t v;

	if (!pkt_copy(p, &v, sizeof(v)))
		return 0;
	return v;
}

/* vu_close() - close *@fd if open, and mark it closed. */
static void vu_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* vu_send() - send a reply to request @req with @size bytes of @payload,
 * as one sendmsg() (partial writes continued). Returns 0 or -errno. */
static int vu_send(int fd, uint32_t req, const void *payload, uint32_t size)
{
	uint32_t hdr[3] = {req, VU_FLAG_VERSION | VU_FLAG_REPLY, size};
	struct iovec iov[2] = {
		{hdr, sizeof(hdr)},
		{(void *)(uintptr_t)payload, size},
	};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};

	static_assert(sizeof(hdr) == VU_HDR_LEN, "header size");
	while (mh.msg_iovlen) {
		ssize_t r = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (mh.msg_iovlen && (size_t)r >= mh.msg_iov->iov_len) {
			r -= (ssize_t)mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov->iov_base =
				(uint8_t *)mh.msg_iov->iov_base + r;
			mh.msg_iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* vu_reply() - answer the current request with @size bytes of @payload.
 * Returns VU_REPLIED, or VU_BROKEN (logged) if the socket failed. */
static enum vu_result vu_reply(struct vu_ctx *c, const void *payload,
			       uint32_t size)
{
	int rc = vu_send(c->fd, c->m->request, payload, size);

	if (rc)
		return vu_bad(c, "reply failed: %s", strerror(-rc));
	return VU_REPLIED;
}

/* vu_reply_u64() - answer with a u64 payload. */
static enum vu_result vu_reply_u64(struct vu_ctx *c, uint64_t v)
{
	return vu_reply(c, &v, sizeof(v));
}

/* vu_ring_stop() - if ring @i runs, ask the data path to stop it and
 * store the index it reports as the ring's base; report STOP. */
static void vu_ring_stop(struct vu_ctx *c, unsigned int i)
{
	struct vu_dev *d = c->d;

	if (!(d->running & (1U << i)))
		return;
	if (c->hooks && c->hooks->get_base)
		d->vring[i].base = c->hooks->get_base(c->hooks->opaque, i);
	d->running &= ~(1U << i);
	c->ev |= VU_EV_RING_STOP(i);
}

/* vu_ring_idx() - check ring index @idx of the current request. Returns
 * true if it names one of our rings, else logs the violation. */
static bool vu_ring_idx(struct vu_ctx *c, uint32_t idx)
{
	if (idx < VU_QUEUES)
		return true;
	vu_bad(c, "ring index %u out of range (we have %u rings)", idx,
	       VU_QUEUES);
	return false;
}

/* vu_state() - parse a vring state payload {u32 index, u32 num} with a
 * valid ring index. Returns false (violation logged) if bad. */
static bool vu_state(struct vu_ctx *c, struct pkt *p, uint32_t *idx,
		     uint32_t *num)
{
	*idx = vu_u32(p);
	*num = vu_u32(p);
	if (!pkt_ok(p)) {
		vu_bad(c, "short payload");
		return false;
	}
	return vu_ring_idx(c, *idx);
}

/* vu_get_features() - GET_FEATURES: our virtio feature offer. */
static enum vu_result vu_get_features(struct vu_ctx *c, struct pkt *p)
{
	(void)p;
	return vu_reply_u64(c, c->d->features_offer);
}

/* vu_set_features() - SET_FEATURES: the features the driver accepted, a
 * subset of our offer that includes VERSION_1. Without PROTOCOL_FEATURES
 * rings are enabled from now on (no SET_VRING_ENABLE will come). */
static enum vu_result vu_set_features(struct vu_ctx *c, struct pkt *p)
{
	struct vu_dev *d = c->d;
	uint64_t f = vu_u64(p);
	unsigned int i;

	if (!pkt_ok(p))
		return vu_bad(c, "short payload");
	if (f & ~d->features_offer)
		return vu_bad(c, "features %#llx were not offered",
			      (unsigned long long)(f & ~d->features_offer));
	if (!(f & VU_BIT(VU_F_VERSION_1)))
		return vu_bad(c, "VERSION_1 not acked: legacy virtio is not "
				 "supported");
	if (d->running && f != d->features)
		return vu_bad(c, "features changed while a ring runs");
	d->features = f;
	d->features_set = true;
	if (!(f & VU_BIT(VU_F_PROTOCOL_FEATURES))) {
		for (i = 0; i < VU_QUEUES; i++)
			d->vring[i].enabled = true;
	}
	return VU_OK;
}

/* vu_set_owner() - SET_OWNER: the session begins. A repeated one is
 * harmless and accepted. */
static enum vu_result vu_set_owner(struct vu_ctx *c, struct pkt *p)
{
	(void)p;
	c->d->owner = true;
	return VU_OK;
}

/* vu_vring_clear() - ring @r back to its initial configuration, its fds
 * closed. */
static void vu_vring_clear(struct vu_vring_cfg *r)
{
	vu_close(&r->kick_fd);
	vu_close(&r->call_fd);
	vu_close(&r->err_fd);
	memset(r, 0, sizeof(*r));
	r->kick_fd = r->call_fd = r->err_fd = -1;
}

/* vu_reset_owner() - RESET_OWNER (deprecated): stop every ring and forget
 * the session's ring, feature and memory state. Protocol features stay:
 * the front-end negotiates them once per connection and keeps relying on
 * them (REPLY_ACK). */
static enum vu_result vu_reset_owner(struct vu_ctx *c, struct pkt *p)
{
	struct vu_dev *d = c->d;
	unsigned int i;

	(void)p;
	for (i = 0; i < VU_QUEUES; i++) {
		vu_ring_stop(c, i);
		vu_vring_clear(&d->vring[i]);
	}
	if (d->mem.n)
		c->ev |= VU_EV_MEM;
	vu_mem_clear(&d->mem);
	d->features = 0;
	d->features_set = false;
	d->addr_set = 0;
	d->owner = false;
	return VU_OK;
}

/* vu_set_mem_table() - SET_MEM_TABLE: {u32 nregions, u32 padding,
 * regions[nregions] of {u64 gpa, size, uva, mmap_offset}}, one fd per
 * region in the same order. Replaces the table, all or nothing. */
static enum vu_result vu_set_mem_table(struct vu_ctx *c, struct pkt *p)
{
	struct vu_mem_region r[VU_MEM_REGIONS_MAX];
	struct vu_msg *m = c->m;
	const char *why;
	uint32_t n, i;
	int rc;

	n = vu_u32(p);
	(void)vu_u32(p); /* padding */
	if (!pkt_ok(p))
		return vu_bad(c, "short payload");
	if (!n || n > VU_MEM_REGIONS_MAX)
		return vu_bad(c, "%u regions (1 to %u allowed)", n,
			      VU_MEM_REGIONS_MAX);
	if (m->size != VU_MEM_MSG_HDR + n * VU_MEM_MSG_REGION)
		return vu_bad(c, "payload of %u bytes for %u regions", m->size,
			      n);
	if (m->nfds != n)
		return vu_bad(c, "%u fds for %u regions", m->nfds, n);
	memset(r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		r[i].gpa = vu_u64(p);
		r[i].size = vu_u64(p);
		r[i].uva = vu_u64(p);
		r[i].mmap_offset = vu_u64(p);
	}
	if (!pkt_ok(p))
		return vu_bad(c, "short payload");
	why = vu_mem_check(r, n);
	if (why)
		return vu_bad(c, "memory table rejected: %s", why);
	rc = vu_mem_set(&c->d->mem, r, m->fds, n);
	for (i = 0; i < n; i++)
		m->fds[i] = -1; /* consumed by vu_mem_set() */
	if (rc)
		return vu_bad(c,
			      "memory table rejected: a region's fd is not "
			      "a file of at least mmap_offset + size bytes, "
			      "or cannot be mapped (%s)",
			      strerror(-rc));
	c->ev |= VU_EV_MEM;
	return VU_OK;
}

/* vu_set_log() - SET_LOG_BASE, SET_LOG_FD: refused, we offer no dirty
 * logging (no LOG_ALL, no LOG_SHMFD). The caller closes any fd. */
static enum vu_result vu_set_log(struct vu_ctx *c, struct pkt *p)
{
	(void)p;
	(void)c;
	warn_rl("vhost-user: dirty page logging requested, not supported");
	return VU_REFUSED;
}

/* vu_ring_cfg_ok() - common checks of NUM, ADDR and BASE: a valid ring
 * index, not started. Returns false (violation logged) if bad. */
static bool vu_ring_cfg_ok(struct vu_ctx *c, uint32_t idx)
{
	if (!vu_ring_idx(c, idx))
		return false;
	if (c->d->vring[idx].started) {
		vu_bad(c, "ring %u reconfigured while started", idx);
		return false;
	}
	return true;
}

/* vu_set_vring_num() - SET_VRING_NUM: ring size, 1 to VU_RING_MAX, a
 * power of two unless packed (checked again when the ring starts, in case
 * the layout was not known yet). */
static enum vu_result vu_set_vring_num(struct vu_ctx *c, struct pkt *p)
{
	struct vu_dev *d = c->d;
	uint32_t idx, num;

	if (!vu_state(c, p, &idx, &num) || !vu_ring_cfg_ok(c, idx))
		return VU_BROKEN;
	if (!num || num > VU_RING_MAX)
		return vu_bad(c, "ring %u size %u out of range", idx, num);
	if (d->features_set && !vu_ring_packed(d) && (num & (num - 1)))
		return vu_bad(c, "split ring %u size %u not a power of two",
			      idx, num);
	d->vring[idx].num = num;
	return VU_OK;
}

/* vu_set_vring_addr() - SET_VRING_ADDR: {u32 index, u32 flags, u64 desc,
 * used, avail, log} in front-end virtual addresses; the log address is
 * ignored (no dirty logging), flags may only hold VU_VRING_F_LOG. The
 * addresses are checked against the table when the ring starts. */
static enum vu_result vu_set_vring_addr(struct vu_ctx *c, struct pkt *p)
{
	struct vu_vring_cfg *r;
	uint32_t idx, flags;
	uint64_t desc, used, avail;

	idx = vu_u32(p);
	flags = vu_u32(p);
	desc = vu_u64(p);
	used = vu_u64(p);
	avail = vu_u64(p);
	(void)vu_u64(p); /* log: guest-physical, for dirty logging */
	if (!pkt_ok(p))
		return vu_bad(c, "short payload");
	if (!vu_ring_cfg_ok(c, idx))
		return VU_BROKEN;
	if (flags & ~VU_VRING_F_LOG)
		return vu_bad(c, "unknown flags %#x", flags);
	r = &c->d->vring[idx];
	r->flags = flags;
	r->desc_uva = desc;
	r->used_uva = used;
	r->avail_uva = avail;
	c->d->addr_set |= 1U << idx;
	return VU_OK;
}

/* vu_set_vring_base() - SET_VRING_BASE: where the ring resumes. Split:
 * below 65536; packed: the 32-bit encoding, checked against the size when
 * the ring starts. */
static enum vu_result vu_set_vring_base(struct vu_ctx *c, struct pkt *p)
{
	struct vu_dev *d = c->d;
	uint32_t idx, base;

	if (!vu_state(c, p, &idx, &base) || !vu_ring_cfg_ok(c, idx))
		return VU_BROKEN;
	if (d->features_set && !vu_ring_packed(d) && base > 0xffff)
		return vu_bad(c, "split ring %u base %u above 65535", idx,
			      base);
	d->vring[idx].base = base;
	return VU_OK;
}

/* vu_get_vring_base() - GET_VRING_BASE: stop the ring, answer {index,
 * base} with the index the data path reports (or the stored base if the
 * ring never ran), drop the kick fd. */
static enum vu_result vu_get_vring_base(struct vu_ctx *c, struct pkt *p)
{
	struct vu_vring_cfg *r;
	uint32_t idx, num, reply[2];

	if (!vu_state(c, p, &idx, &num))
		return VU_BROKEN;
	r = &c->d->vring[idx];
	vu_ring_stop(c, idx);
	vu_close(&r->kick_fd);
	r->started = false;
	reply[0] = idx;
	reply[1] = r->base;
	return vu_reply(c, reply, sizeof(reply));
}

/* vu_vring_fd() - common part of SET_VRING_KICK/CALL/ERR: a u64 with the
 * ring index in bits 0-7 and NOFD in bit 8 (other bits must be clear), and
 * exactly one fd unless NOFD. On success *@ring is the ring, *@fd the new
 * descriptor (non-blocking, now ours) or -1. */
static bool vu_vring_fd(struct vu_ctx *c, struct pkt *p,
			struct vu_vring_cfg **ring, unsigned int *ring_idx,
			int *fd)
{
	uint64_t v = vu_u64(p);
	unsigned int want;
	int fl;

	if (!pkt_ok(p)) {
		vu_bad(c, "short payload");
		return false;
	}
	if (v & ~(VU_VRING_IDX_MASK | VU_VRING_NOFD)) {
		vu_bad(c, "unknown bits in %#llx", (unsigned long long)v);
		return false;
	}
	if (!vu_ring_idx(c, (uint32_t)(v & VU_VRING_IDX_MASK)))
		return false;
	want = (v & VU_VRING_NOFD) ? 0 : 1;
	if (c->m->nfds != want) {
		vu_bad(c, "%u fds attached, %u expected", c->m->nfds, want);
		return false;
	}
	*ring_idx = (unsigned int)(v & VU_VRING_IDX_MASK);
	*ring = &c->d->vring[*ring_idx];
	*fd = -1;
	if (!want)
		return true;
	/* Shared file status: QEMU's notifiers are non-blocking already. */
	fl = fcntl(c->m->fds[0], F_GETFL);
	if (fl < 0 || fcntl(c->m->fds[0], F_SETFL, fl | O_NONBLOCK) < 0) {
		vu_bad(c, "unusable fd: %s", strerror(errno));
		return false;
	}
	*fd = c->m->fds[0];
	c->m->fds[0] = -1;
	return true;
}

/* vu_set_vring_kick() - SET_VRING_KICK: the ring is started. A running
 * ring is stopped first, so that the data path watches the new fd when
 * it starts again. NOFD (kick_fd -1) means the data path must poll. */
static enum vu_result vu_set_vring_kick(struct vu_ctx *c, struct pkt *p)
{
	struct vu_vring_cfg *r;
	unsigned int i;
	int fd;

	if (!vu_vring_fd(c, p, &r, &i, &fd))
		return VU_BROKEN;
	vu_ring_stop(c, i);
	vu_close(&r->kick_fd);
	r->kick_fd = fd;
	r->started = true;
	return VU_OK;
}

/* vu_set_vring_call() - SET_VRING_CALL: the fd to signal used buffers. */
static enum vu_result vu_set_vring_call(struct vu_ctx *c, struct pkt *p)
{
	struct vu_vring_cfg *r;
	unsigned int i;
	int fd;

	if (!vu_vring_fd(c, p, &r, &i, &fd))
		return VU_BROKEN;
	vu_close(&r->call_fd);
	r->call_fd = fd;
	return VU_OK;
}

/* vu_set_vring_err() - SET_VRING_ERR: the fd to signal ring errors. */
static enum vu_result vu_set_vring_err(struct vu_ctx *c, struct pkt *p)
{
	struct vu_vring_cfg *r;
	unsigned int i;
	int fd;

	if (!vu_vring_fd(c, p, &r, &i, &fd))
		return VU_BROKEN;
	vu_close(&r->err_fd);
	r->err_fd = fd;
	return VU_OK;
}

/* vu_get_protocol_features() - GET_PROTOCOL_FEATURES: our offer. Valid
 * before SET_FEATURES, as the specification requires. */
static enum vu_result vu_get_protocol_features(struct vu_ctx *c, struct pkt *p)
{
	(void)p;
	return vu_reply_u64(c, c->d->protocol_offer);
}

/* vu_set_protocol_features() - SET_PROTOCOL_FEATURES: a subset of our
 * offer. */
static enum vu_result vu_set_protocol_features(struct vu_ctx *c, struct pkt *p)
{
	uint64_t f = vu_u64(p);

	if (!pkt_ok(p))
		return vu_bad(c, "short payload");
	if (f & ~c->d->protocol_offer)
		return vu_bad(c, "protocol features %#llx were not offered",
			      (unsigned long long)(f & ~c->d->protocol_offer));
	c->d->protocol_features = f;
	return VU_OK;
}

/* vu_get_queue_num() - GET_QUEUE_NUM: how many virtqueues (not pairs). */
static enum vu_result vu_get_queue_num(struct vu_ctx *c, struct pkt *p)
{
	(void)p;
	return vu_reply_u64(c, VU_QUEUES);
}

/* vu_set_vring_enable() - SET_VRING_ENABLE: {index, 0 or 1}. Whether the
 * ring then starts or stops is decided in vu_update(). */
static enum vu_result vu_set_vring_enable(struct vu_ctx *c, struct pkt *p)
{
	uint32_t idx, on;

	if (!vu_state(c, p, &idx, &on))
		return VU_BROKEN;
	if (on > 1)
		return vu_bad(c, "ring %u enable value %u", idx, on);
	c->d->vring[idx].enabled = on;
	return VU_OK;
}

#define VU_STATE_LEN 8 /* {u32 index, u32 num} */
#define VU_ADDR_LEN 40 /* {u32 index, u32 flags, u64 desc, used, avail, log} */
#define VU_U64_LEN 8

/* The requests, by number; names for the ones we do not implement. */
static const struct vu_req_info vu_req[VU_REQ_COUNT] = {
	[VU_REQ_NONE] = {"NONE", NULL, -1, 0, false, false},
	[VU_REQ_GET_FEATURES] = {"GET_FEATURES", vu_get_features, 0, 0, false,
				 false},
	[VU_REQ_SET_FEATURES] = {"SET_FEATURES", vu_set_features, VU_U64_LEN, 0,
				 true, false},
	[VU_REQ_SET_OWNER] = {"SET_OWNER", vu_set_owner, 0, 0, false, false},
	[VU_REQ_RESET_OWNER] = {"RESET_OWNER", vu_reset_owner, 0, 0, false,
				false},
	[VU_REQ_SET_MEM_TABLE] = {"SET_MEM_TABLE", vu_set_mem_table, -1,
				  VU_MEM_REGIONS_MAX, true, false},
	[VU_REQ_SET_LOG_BASE] = {"SET_LOG_BASE", vu_set_log, -1, 1, false,
				 false},
	[VU_REQ_SET_LOG_FD] = {"SET_LOG_FD", vu_set_log, -1, 1, false, false},
	[VU_REQ_SET_VRING_NUM] = {"SET_VRING_NUM", vu_set_vring_num,
				  VU_STATE_LEN, 0, true, false},
	[VU_REQ_SET_VRING_ADDR] = {"SET_VRING_ADDR", vu_set_vring_addr,
				   VU_ADDR_LEN, 0, true, false},
	[VU_REQ_SET_VRING_BASE] = {"SET_VRING_BASE", vu_set_vring_base,
				   VU_STATE_LEN, 0, true, false},
	[VU_REQ_GET_VRING_BASE] = {"GET_VRING_BASE", vu_get_vring_base,
				   VU_STATE_LEN, 0, true, false},
	[VU_REQ_SET_VRING_KICK] = {"SET_VRING_KICK", vu_set_vring_kick,
				   VU_U64_LEN, 1, true, false},
	[VU_REQ_SET_VRING_CALL] = {"SET_VRING_CALL", vu_set_vring_call,
				   VU_U64_LEN, 1, true, false},
	[VU_REQ_SET_VRING_ERR] = {"SET_VRING_ERR", vu_set_vring_err, VU_U64_LEN,
				  1, true, false},
	[VU_REQ_GET_PROTOCOL_FEATURES] = {"GET_PROTOCOL_FEATURES",
					  vu_get_protocol_features, 0, 0, false,
					  false},
	[VU_REQ_SET_PROTOCOL_FEATURES] = {"SET_PROTOCOL_FEATURES",
					  vu_set_protocol_features, VU_U64_LEN,
					  0, false, false},
	[VU_REQ_GET_QUEUE_NUM] = {"GET_QUEUE_NUM", vu_get_queue_num, 0, 0,
				  false, false},
	[VU_REQ_SET_VRING_ENABLE] = {"SET_VRING_ENABLE", vu_set_vring_enable,
				     VU_STATE_LEN, 0, true, false},
	[VU_REQ_SEND_RARP] = {"SEND_RARP", NULL, -1, 0, false, false},
	[VU_REQ_NET_SET_MTU] = {"NET_SET_MTU", NULL, -1, 0, false, false},
	[VU_REQ_SET_SLAVE_REQ_FD] = {"SET_SLAVE_REQ_FD", NULL, -1, 0, false,
				     false},
	[VU_REQ_IOTLB_MSG] = {"IOTLB_MSG", NULL, -1, 0, false, false},
	[VU_REQ_SET_VRING_ENDIAN] = {"SET_VRING_ENDIAN", NULL, -1, 0, false,
				     false},
	[VU_REQ_GET_CONFIG] = {"GET_CONFIG", NULL, -1, 0, false, true},
	[VU_REQ_SET_CONFIG] = {"SET_CONFIG", NULL, -1, 0, false, false},
	[VU_REQ_CREATE_CRYPTO_SESSION] = {"CREATE_CRYPTO_SESSION", NULL, -1, 0,
					  false, true},
	[VU_REQ_CLOSE_CRYPTO_SESSION] = {"CLOSE_CRYPTO_SESSION", NULL, -1, 0,
					 false, false},
	[VU_REQ_POSTCOPY_ADVISE] = {"POSTCOPY_ADVISE", NULL, -1, 0, false,
				    true},
	[VU_REQ_POSTCOPY_LISTEN] = {"POSTCOPY_LISTEN", NULL, -1, 0, false,
				    false},
	[VU_REQ_POSTCOPY_END] = {"POSTCOPY_END", NULL, -1, 0, false, false},
	[VU_REQ_GET_INFLIGHT_FD] = {"GET_INFLIGHT_FD", NULL, -1, 0, false,
				    true},
	[VU_REQ_SET_INFLIGHT_FD] = {"SET_INFLIGHT_FD", NULL, -1, 0, false,
				    false},
	[VU_REQ_GPU_SET_SOCKET] = {"GPU_SET_SOCKET", NULL, -1, 0, false, false},
	[VU_REQ_RESET_DEVICE] = {"RESET_DEVICE", NULL, -1, 0, false, false},
	[VU_REQ_VRING_KICK] = {"VRING_KICK", NULL, -1, 0, false, false},
	[VU_REQ_GET_MAX_MEM_SLOTS] = {"GET_MAX_MEM_SLOTS", NULL, -1, 0, false,
				      true},
	[VU_REQ_ADD_MEM_REG] = {"ADD_MEM_REG", NULL, -1, 0, false, false},
	[VU_REQ_REM_MEM_REG] = {"REM_MEM_REG", NULL, -1, 0, false, false},
	[VU_REQ_SET_STATUS] = {"SET_STATUS", NULL, -1, 0, false, false},
	[VU_REQ_GET_STATUS] = {"GET_STATUS", NULL, -1, 0, false, true},
};
static_assert(ARRAY_SIZE(vu_req) == VU_REQ_COUNT, "request table");

static const char *vu_name(uint32_t req)
{
	if (req < VU_REQ_COUNT && vu_req[req].name)
		return vu_req[req].name;
	return "unknown request";
}

/* vu_area() - check that front-end range [uva, uva + len) lies in one
 * region and that our pointer to it is @align-aligned. */
static bool vu_area(const struct vu_dev *d, uint64_t uva, uint64_t len,
		    uintptr_t align)
{
	void *ptr = vu_mem_uva(&d->mem, uva, len);

	return ptr && !((uintptr_t)ptr & (align - 1));
}

#define VU_AREA_BAD "outside one memory region, or misaligned"

/* vu_ring_check() - the whole configuration of ring @i, before it runs:
 * size and base for the layout, areas inside the table. Returns NULL if
 * good, else the reason. */
static const char *vu_ring_check(const struct vu_dev *d, unsigned int i)
{
	const struct vu_vring_cfg *r = &d->vring[i];
	uint64_t n = r->num;

	if (!n || n > VU_RING_MAX)
		return "ring size out of range";
	if (vu_ring_packed(d)) {
		if ((r->base & 0x7fff) >= n || ((r->base >> 16) & 0x7fff) >= n)
			return "packed ring base beyond the ring size";
		if (!vu_area(d, r->desc_uva, 16 * n, 16))
			return "descriptor ring " VU_AREA_BAD;
		if (!vu_area(d, r->avail_uva, 4, 4))
			return "driver event area " VU_AREA_BAD;
		if (!vu_area(d, r->used_uva, 4, 4))
			return "device event area " VU_AREA_BAD;
		return NULL;
	}
	if (n & (n - 1))
		return "split ring size not a power of two";
	if (r->base > 0xffff)
		return "split ring base above 65535";
	if (!vu_area(d, r->desc_uva, 16 * n, 16))
		return "descriptor table " VU_AREA_BAD;
	if (!vu_area(d, r->avail_uva, 6 + 2 * n, 2))
		return "avail ring " VU_AREA_BAD;
	if (!vu_area(d, r->used_uva, 6 + 8 * n, 4))
		return "used ring " VU_AREA_BAD;
	return NULL;
}

/* vu_update() - after a request: start the rings that became ready,
 * stop those that no longer are. Returns false (violation logged) if a
 * ready ring's configuration is invalid. */
static bool vu_update(struct vu_ctx *c)
{
	struct vu_dev *d = c->d;
	unsigned int i;

	for (i = 0; i < VU_QUEUES; i++) {
		const struct vu_vring_cfg *r = &d->vring[i];
		bool ready = d->features_set && d->mem.n && r->num &&
			     (d->addr_set & (1U << i)) && r->started &&
			     r->enabled;
		const char *why;

		if (!ready) {
			vu_ring_stop(c, i);
			continue;
		}
		why = vu_ring_check(d, i);
		if (why) {
			vu_bad(c, "ring %u: %s", i, why);
			return false;
		}
		if (!(d->running & (1U << i))) {
			d->running |= 1U << i;
			c->ev |= VU_EV_RING_START(i);
		}
	}
	return true;
}

/* vu_fds_take() - collect the SCM_RIGHTS descriptors of @mh into @m;
 * those beyond VU_FDS_MAX are closed at once and flag the message. */
static void vu_fds_take(struct vu_msg *m, struct msghdr *mh)
{
	struct cmsghdr *cm;

	if (mh->msg_flags & MSG_CTRUNC)
		m->fds_lost = true; /* the kernel closed what did not fit */
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t n, k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < n; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int),
			       sizeof(fd));
			if (m->nfds < VU_FDS_MAX) {
				m->fds[m->nfds++] = fd;
			} else {
				close(fd);
				m->fds_lost = true;
			}
		}
	}
}

/* vu_recv() - read exactly @len bytes into @buf, collecting descriptors
 * into @m; *@got counts the bytes read. Returns 0 when all arrived, 1 on
 * end of file before that, or -errno (-EAGAIN: nothing more within the
 * socket's timeout, or at all on a non-blocking socket). */
static int vu_recv(int fd, void *buf, size_t len, struct vu_msg *m, size_t *got)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VU_FDS_MAX)];
		struct cmsghdr align;
	} ctl;

	*got = 0;
	while (*got < len) {
		struct iovec iov = {(uint8_t *)buf + *got, len - *got};
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.buf,
			.msg_controllen = sizeof(ctl.buf),
		};
		ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		vu_fds_take(m, &mh);
		if (!r)
			return 1;
		*got += (size_t)r;
	}
	return 0;
}

/* vu_fds_close() - close every descriptor of @m not kept by a handler. */
static void vu_fds_close(struct vu_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nfds; i++)
		vu_close(&m->fds[i]);
}

/* vu_unknown() - a request without a handler. Returns VU_BROKEN if the
 * front-end waits for an answer we cannot give, else VU_REFUSED (logged
 * once per request type and session). */
static enum vu_result vu_unknown(struct vu_ctx *c)
{
	uint32_t req = c->m->request;
	unsigned int bit = MIN(req, 127U);

	if (req < VU_REQ_COUNT && vu_req[req].waits)
		return vu_bad(c, "not supported, and the front-end waits for "
				 "an answer");
	if (!(c->d->warned[bit / 64] & (1ULL << (bit % 64)))) {
		c->d->warned[bit / 64] |= 1ULL << (bit % 64);
		warn("vhost-user: %s (request %u) not supported, ignored",
		     vu_name(req), req);
	}
	return VU_REFUSED;
}

/* vu_dispatch() - check the current message against its request's shape
 * (size, fds, ownership) and run its handler. */
static enum vu_result vu_dispatch(struct vu_ctx *c, struct pkt *p)
{
	struct vu_msg *m = c->m;
	const struct vu_req_info *ri;

	if (m->request >= VU_REQ_COUNT || !vu_req[m->request].fn)
		return vu_unknown(c);
	ri = &vu_req[m->request];
	if (ri->size >= 0 && m->size != (uint32_t)ri->size)
		return vu_bad(c, "payload of %u bytes, %d expected", m->size,
			      ri->size);
	if (m->nfds > ri->fds)
		return vu_bad(c, "%u fds attached, at most %u expected",
			      m->nfds, ri->fds);
	if (ri->owner && !c->d->owner)
		return vu_bad(c, "sent before SET_OWNER");
	return ri->fn(c, p);
}

/* vu_disconnect() - end the session: every running ring stops (the data
 * path is not asked for an index: nobody will ask us for it). Returns the
 * events to report. */
static int vu_disconnect(struct vu_ctx *c)
{
	unsigned int i;

	for (i = 0; i < VU_QUEUES; i++) {
		if (c->d->running & (1U << i))
			c->ev |= VU_EV_RING_STOP(i);
	}
	c->d->running = 0;
	return c->ev | VU_EV_DISCONNECT;
}

/* vu_read_msg() - read one message into @m: header, checks of the header,
 * payload. Returns 0 with a message, 1 if there was nothing to read, or
 * -1 if the session must end (cause logged). */
static int vu_read_msg(struct vu_ctx *c, struct vu_msg *m)
{
	uint32_t hdr[3];
	size_t got;
	int rc;

	static_assert(sizeof(hdr) == VU_HDR_LEN, "header size");
	rc = vu_recv(c->fd, hdr, sizeof(hdr), m, &got);
	if (!got && !m->nfds && (rc == 1 || rc == -EAGAIN)) {
		if (rc == -EAGAIN)
			return 1;
		info("vhost-user: front-end closed the connection");
		return -1;
	}
	if (rc) {
		warn("vhost-user: message header: %s after %zu of %u bytes; "
		     "disconnecting front-end",
		     rc == 1 ? "end of file" : strerror(-rc), got, VU_HDR_LEN);
		return -1;
	}
	m->request = hdr[0];
	m->flags = hdr[1];
	m->size = hdr[2];
	if ((m->flags & VU_FLAG_VERSION_MASK) != VU_FLAG_VERSION ||
	    (m->flags & VU_FLAG_REPLY)) {
		vu_bad(c, "bad header flags %#x", m->flags);
		return -1;
	}
	if (m->size > VU_PAYLOAD_MAX) {
		vu_bad(c, "payload size %u above %u", m->size, VU_PAYLOAD_MAX);
		return -1;
	}
	rc = vu_recv(c->fd, m->payload, m->size, m, &got);
	if (rc) {
		vu_bad(c, "payload: %s after %zu of %u bytes",
		       rc == 1 ? "end of file" : strerror(-rc), got, m->size);
		return -1;
	}
	if (m->fds_lost) {
		vu_bad(c, "more than %u fds attached", VU_FDS_MAX);
		return -1;
	}
	return 0;
}

/* vu_handle() - read one message from @fd, act on it, reply if required.
 * Returns an OR of VU_EV_*; every descriptor received and not kept is
 * closed before it returns. */
int vu_handle(struct vu_dev *d, int fd, const struct vu_hooks *hooks)
{
	struct vu_msg m;
	struct vu_ctx c = {.d = d, .fd = fd, .hooks = hooks, .m = &m};
	enum vu_result res;
	struct pkt p;
	int rc;

	m.request = VU_REQ_NONE;
	m.flags = m.size = 0;
	m.nfds = 0;
	m.fds_lost = false;
	rc = vu_read_msg(&c, &m);
	if (rc) {
		vu_fds_close(&m);
		return rc > 0 ? 0 : vu_disconnect(&c);
	}
	pkt_init_buf(&p, m.payload, m.size);
	res = vu_dispatch(&c, &p);
	vu_fds_close(&m);
	if (res == VU_BROKEN)
		return vu_disconnect(&c);
	if ((res == VU_OK || res == VU_REFUSED) &&
	    (m.flags & VU_FLAG_NEED_REPLY) &&
	    (d->protocol_features & VU_BIT(VU_PF_REPLY_ACK))) {
		if (vu_reply_u64(&c, res == VU_OK ? 0 : 1) == VU_BROKEN)
			return vu_disconnect(&c);
	}
	if (!vu_update(&c))
		return vu_disconnect(&c);
	return c.ev;
}

/* vu_dev_init() - a device with no front-end and the default offers. */
void vu_dev_init(struct vu_dev *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < VU_QUEUES; i++)
		d->vring[i].kick_fd = d->vring[i].call_fd = d->vring[i].err_fd =
			-1;
	d->features_offer = VU_FEATURES_OFFER;
	d->protocol_offer = VU_PROTOCOL_FEATURES_OFFER;
}

/* vu_dev_reset() - close every fd, unmap memory, forget the session;
 * the offers are kept. */
void vu_dev_reset(struct vu_dev *d)
{
	uint64_t offer = d->features_offer, poffer = d->protocol_offer;
	unsigned int i;

	for (i = 0; i < VU_QUEUES; i++)
		vu_vring_clear(&d->vring[i]);
	vu_mem_clear(&d->mem);
	vu_dev_init(d);
	d->features_offer = offer;
	d->protocol_offer = poffer;
}

/* vu_kick_drain() - consume pending kicks: one read of what is there.
 * #syscalls read */
void vu_kick_drain(int fd)
{
	uint8_t buf[64]; /* >= 8 for an eventfd; 8 pipe records */
	ssize_t r;

	r = read(fd, buf, sizeof(buf));
	(void)r; /* nothing there, or an error: no kick either way */
}

/* vu_call_signal() - notify: write an 8-byte value (non-blocking fd).
 * #syscalls write */
void vu_call_signal(int fd)
{
	uint64_t one = 1;
	ssize_t r;

	r = write(fd, &one, sizeof(one));
	(void)r; /* EAGAIN: a notification is pending already */
}

/* vu_sockaddr() - fill @a with @path. Returns 0 or -ENAMETOOLONG. */
static int vu_sockaddr(struct sockaddr_un *a, const char *path)
{
	size_t len = strlen(path);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (!len || len >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	memcpy(a->sun_path, path, len);
	return 0;
}

/* vu_stale() - decide whether the socket file at @a may be replaced:
 * nobody listens on it. The probe is a connection, closed at once: a live
 * owner accepts it later and sees end of file, which any back-end has to
 * cope with. Returns 0 if stale, -EADDRINUSE if live (or busy), another
 * -errno on failure. */
static int vu_stale(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	rc = rc ? errno : 0;
	close(fd);
	return rc == ECONNREFUSED ? 0 : -EADDRINUSE;
}

/* vu_listen() - listen at @path, backlog 1; a stale socket file there is
 * replaced. Returns the listening fd or -errno.
 * #syscalls:setup socket bind listen connect unlink lstat newfstatat close */
int vu_listen(const char *path)
{
	struct sockaddr_un a;
	struct stat st;
	int fd, rc;

	rc = vu_sockaddr(&a, path);
	if (rc)
		return rc;
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		rc = vu_stale(&a);
		if (rc)
			return rc;
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* vu_accept() - accept one front-end, with one-second timeouts on the
 * connection. Returns the fd or -errno.
 * #syscalls accept4 setsockopt close */
int vu_accept(int lfd)
{
	struct timeval tv = {.tv_sec = 1};
	int fd, rc;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}
