/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost_user.h - the vhost-user control protocol, back-end side, for one
 * virtio-net device with one RX/TX queue pair.
 *
 * Theory of operation: see vhost_user.c. In short, the loop accepts one
 * front-end at a time (vu_listen(), vu_accept()), calls vu_handle() each
 * time the connection is readable, and acts on the events it returns:
 *
 *   1. VU_EV_RING_STOP(i): ring i no longer runs. The data path was already
 *      asked to stop through hooks->get_base() (except on disconnect, where
 *      nobody needs its index); stop watching its kick fd.
 *   2. VU_EV_MEM: the memory table changed; re-translate ring addresses of
 *      running rings.
 *   3. VU_EV_RING_START(i): ring i runs from now on with d->vring[i]
 *      (num, addresses, kick fd), resuming at d->vring[i].base.
 *   4. VU_EV_DISCONNECT: close the connection, vu_dev_reset(), accept the
 *      next front-end.
 * Handle them in that order: one message can stop and restart a ring.
 *
 * The data path reads d->vring[i].call_fd each time it signals (the
 * front-end may replace it at any time) and never caches it.
 */
#ifndef BURROW_VHOST_USER_H
#define BURROW_VHOST_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "vu_mem.h"

#define VU_QUEUES 2 /* one RX (0) and one TX (1) virtqueue: no multiqueue */
#define VU_RING_MAX 32768   /* largest ring size (virtio limit) */
#define VU_PAYLOAD_MAX 4096 /* larger "size" fields end the session */
#define VU_FDS_MAX 8	    /* descriptors accepted with one message */

/* virtio and virtio-net feature bits (virtio spec), as bit numbers. */
#define VU_F_CSUM 0		  /* device: partial checksums accepted on TX */
#define VU_F_GUEST_CSUM 1	  /* driver: partial/valid checksums on RX */
#define VU_F_MTU 3		  /* device reports an MTU */
#define VU_F_MRG_RXBUF 15	  /* RX packets may span several chains */
#define VU_F_INDIRECT_DESC 28	  /* indirect descriptor tables */
#define VU_F_EVENT_IDX 29	  /* used_event / avail_event */
#define VU_F_PROTOCOL_FEATURES 30 /* vhost-user: protocol feature words */
#define VU_F_VERSION_1 32	  /* modern virtio (required) */
#define VU_F_RING_PACKED 34	  /* packed virtqueues */

/* vhost-user protocol feature bits. */
#define VU_PF_MQ 0	  /* GET_QUEUE_NUM */
#define VU_PF_LOG_SHMFD 1 /* not offered */
#define VU_PF_REPLY_ACK 3 /* NEED_REPLY gets a u64 status */

#define VU_BIT(n) (1ULL << (n))

/* What GET_FEATURES offers; vu_dev_init() copies it to d->features_offer,
 * which the caller may change before the first message (for example to
 * leave out RING_PACKED while a ring layout is unavailable). */
#define VU_FEATURES_OFFER                                                      \
	(VU_BIT(VU_F_VERSION_1) | VU_BIT(VU_F_MRG_RXBUF) |                     \
	 VU_BIT(VU_F_EVENT_IDX) | VU_BIT(VU_F_INDIRECT_DESC) |                 \
	 VU_BIT(VU_F_RING_PACKED) | VU_BIT(VU_F_PROTOCOL_FEATURES) |           \
	 VU_BIT(VU_F_CSUM) | VU_BIT(VU_F_GUEST_CSUM))

/* What GET_PROTOCOL_FEATURES offers (d->protocol_offer). MQ only makes
 * the front-end ask GET_QUEUE_NUM, answered VU_QUEUES (a count of
 * virtqueues, so one pair). */
#define VU_PROTOCOL_FEATURES_OFFER (VU_BIT(VU_PF_MQ) | VU_BIT(VU_PF_REPLY_ACK))

/* Requests (front-end to back-end) this file knows by name. */
enum vu_request {
	VU_REQ_NONE = 0,
	VU_REQ_GET_FEATURES = 1,
	VU_REQ_SET_FEATURES = 2,
	VU_REQ_SET_OWNER = 3,
	VU_REQ_RESET_OWNER = 4,
	VU_REQ_SET_MEM_TABLE = 5,
	VU_REQ_SET_LOG_BASE = 6,
	VU_REQ_SET_LOG_FD = 7,
	VU_REQ_SET_VRING_NUM = 8,
	VU_REQ_SET_VRING_ADDR = 9,
	VU_REQ_SET_VRING_BASE = 10,
	VU_REQ_GET_VRING_BASE = 11,
	VU_REQ_SET_VRING_KICK = 12,
	VU_REQ_SET_VRING_CALL = 13,
	VU_REQ_SET_VRING_ERR = 14,
	VU_REQ_GET_PROTOCOL_FEATURES = 15,
	VU_REQ_SET_PROTOCOL_FEATURES = 16,
	VU_REQ_GET_QUEUE_NUM = 17,
	VU_REQ_SET_VRING_ENABLE = 18,
	VU_REQ_SEND_RARP = 19,
	VU_REQ_NET_SET_MTU = 20,
	VU_REQ_SET_SLAVE_REQ_FD = 21,
	VU_REQ_IOTLB_MSG = 22,
	VU_REQ_SET_VRING_ENDIAN = 23,
	VU_REQ_GET_CONFIG = 24,
	VU_REQ_SET_CONFIG = 25,
	VU_REQ_CREATE_CRYPTO_SESSION = 26,
	VU_REQ_CLOSE_CRYPTO_SESSION = 27,
	VU_REQ_POSTCOPY_ADVISE = 28,
	VU_REQ_POSTCOPY_LISTEN = 29,
	VU_REQ_POSTCOPY_END = 30,
	VU_REQ_GET_INFLIGHT_FD = 31,
	VU_REQ_SET_INFLIGHT_FD = 32,
	VU_REQ_GPU_SET_SOCKET = 33,
	VU_REQ_RESET_DEVICE = 34,
	VU_REQ_VRING_KICK = 35,
	VU_REQ_GET_MAX_MEM_SLOTS = 36,
	VU_REQ_ADD_MEM_REG = 37,
	VU_REQ_REM_MEM_REG = 38,
	VU_REQ_SET_STATUS = 39,
	VU_REQ_GET_STATUS = 40,
	VU_REQ_COUNT,
};

/* Header flags. */
#define VU_FLAG_VERSION 0x1 /* bits 0-1: protocol version 1 */
#define VU_FLAG_VERSION_MASK 0x3
#define VU_FLAG_REPLY 0x4	  /* set on every back-end reply */
#define VU_FLAG_NEED_REPLY 0x8	  /* REPLY_ACK: answer with a u64 */
#define VU_HDR_LEN 12		  /* request, flags, size: u32 each */
#define VU_VRING_IDX_MASK 0xffULL /* KICK/CALL/ERR payload: ring index */
#define VU_VRING_NOFD 0x100ULL	  /* ... and "no fd attached" */
#define VU_VRING_F_LOG 0x1	  /* SET_VRING_ADDR flags: log used ring */
#define VU_MEM_MSG_HDR 8	  /* SET_MEM_TABLE: nregions, padding */
#define VU_MEM_MSG_REGION 32	  /* gpa, size, uva, mmap_offset */

/* Events returned by vu_handle(), ORed. */
#define VU_EV_RING_START(i) (1 << (i))
#define VU_EV_RING_STOP(i) (1 << (8 + (i)))
#define VU_EV_MEM (1 << 16)
#define VU_EV_DISCONNECT (1 << 17)

struct vu_vring_cfg {
	uint32_t num;	    /* ring size, 0 until SET_VRING_NUM */
	uint64_t desc_uva;  /* descriptor table/ring (front-end address) */
	uint64_t used_uva;  /* split: used ring; packed: device event area */
	uint64_t avail_uva; /* split: avail ring; packed: driver event area */
	uint32_t flags;	    /* SET_VRING_ADDR flags (VU_VRING_F_LOG) */
	uint32_t base;	    /* where to resume: split last_avail_idx, or the
			       packed encoding avail | wrap << 15 |
			       (used | wrap << 15) << 16 */
	int kick_fd;	    /* front-end to us; -1: none (or NOFD: poll) */
	int call_fd;	    /* us to front-end; -1: none */
	int err_fd;	    /* us to front-end on ring errors; -1: none */
	bool started;	    /* kick received, not stopped by GET_VRING_BASE */
	bool enabled;	    /* SET_VRING_ENABLE(1), or no PROTOCOL_FEATURES */
};

/* Hooks into the data path. Any may be NULL. */
struct vu_hooks {
	/* get_base() - stop ring @ring now (it was running: START was
	 * reported) and return the index to resume from, encoded as
	 * struct vu_vring_cfg.base. Called for GET_VRING_BASE, for
	 * SET_VRING_ENABLE(0), for a kick fd replaced under a running
	 * ring and for RESET_OWNER, always before the STOP event; a ring
	 * that is not running reports its stored base instead. */
	uint32_t (*get_base)(void *opaque, unsigned int ring);
	void *opaque; /* passed back to the hooks */
};

struct vu_dev {
	uint64_t features;	    /* acked with SET_FEATURES */
	uint64_t protocol_features; /* acked with SET_PROTOCOL_FEATURES */
	struct vu_mem mem;	    /* guest memory table */
	struct vu_vring_cfg vring[VU_QUEUES];
	bool owner;		 /* SET_OWNER seen */
	uint64_t features_offer; /* GET_FEATURES answer */
	uint64_t protocol_offer; /* GET_PROTOCOL_FEATURES answer */
	bool features_set;	 /* SET_FEATURES seen: layout known */
	unsigned int running;	 /* bit i: START reported, STOP not yet */
	unsigned int addr_set;	 /* bit i: SET_VRING_ADDR seen */
	uint64_t warned[2];	 /* unknown request ids (< 128) logged */
};

/* vu_dev_init() - a device with no front-end: no fds, no memory, the
 * default offers. Call once before anything else. */
void vu_dev_init(struct vu_dev *d);

/* vu_dev_reset() - close kick/call/err fds, unmap memory, back to the
 * state of vu_dev_init() (keeping features_offer and protocol_offer). The
 * caller has stopped its rings already. */
void vu_dev_reset(struct vu_dev *d);

/* vu_handle() - read one message from connected socket @fd, act on it,
 * reply if required. Returns an OR of VU_EV_* (0: nothing to report). */
int vu_handle(struct vu_dev *d, int fd, const struct vu_hooks *hooks);

/* vu_ring_packed() - true if the acked features select packed rings. */
static inline bool vu_ring_packed(const struct vu_dev *d)
{
	return d->features & VU_BIT(VU_F_RING_PACKED);
}

/* vu_kick_drain() - consume pending kicks on @fd (an eventfd or the read
 * end of a pipe: one read of what is there, up to 64 bytes). Call when the
 * fd polled readable. */
void vu_kick_drain(int fd);

/* vu_call_signal() - notify through @fd (an eventfd or the write end of a
 * pipe): write an 8-byte value. Never blocks; a full pipe already holds a
 * pending notification, so a failed write loses nothing. */
void vu_call_signal(int fd);

/* vu_listen() - a UNIX stream socket listening at @path (backlog 1). A
 * stale socket file is replaced; a live one (something accepts on it) or
 * a file of another type is left alone. Returns the fd or -errno. */
int vu_listen(const char *path);

/* vu_accept() - accept one front-end on @lfd: a blocking, close-on-exec
 * socket with one-second send and receive timeouts, so a front-end that
 * stops in the middle of a message cannot hold us. Returns the fd or
 * -errno. */
int vu_accept(int lfd);

#endif /* BURROW_VHOST_USER_H */
