/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtq.h - the device side of a virtqueue: split rings (VIRTIO 1.1 2.7,
 * with VIRTIO_F_EVENT_IDX) and packed rings (2.8, wrap counters and event
 * suppression) behind one interface.
 *
 * Theory of operation
 *
 * We are the device. The driver (a guest, hostile by assumption) owns the
 * descriptors it makes available and may rewrite any byte of ring memory
 * at any moment, including while we read it. So:
 *   - every ring entry and descriptor is copied out of guest memory once,
 *     with volatile loads, into a local copy; only the copy is validated
 *     and used, and no validated field is ever read from the ring again;
 *   - every address goes through the memory table (vu_mem_iov()), which
 *     refuses any byte outside a region, so nothing a guest writes can
 *     make us touch memory outside the table;
 *   - a rule violation marks the queue broken (virtq_broken()): every
 *     later call fails fast or does nothing, until the front-end sets the
 *     ring up again (virtq_init()). The first reason is kept in
 *     vq->fault, counted in virtq_fault_count[], and logged rate-limited.
 *
 * Usage from the data path:
 *
 *	virtq_notify_disable(vq);
 *	for (;;) {
 *		while (virtq_pop(vq, &e) == 0) {
 *			... use e.iov, then virtq_fill(vq, &e, len, n++) ...
 *			(or virtq_unpop() what could not be used)
 *		}
 *		virtq_flush(vq, n);
 *		if (n && virtq_should_notify(vq))
 *			... write the call fd ...
 *		virtq_notify_enable(vq);
 *		if (nothing new after one more virtq_pop()) break;
 *		... else keep it, disable again and continue ...
 *	}
 *
 * Limits: queue size 1..32768 (split: a power of two); an element maps to
 * at most VIRTQ_IOV_MAX (64) iovecs; a batch holds at most VIRTQ_BATCH_MAX
 * (256) elements between virtq_fill() and virtq_flush(), and only the last
 * VIRTQ_BATCH_MAX pops can be given back with virtq_unpop(). A chain may
 * hold at most the queue size descriptors, plus as many again in one
 * indirect table; its total length must fit 32 bits. Nothing is allocated:
 * struct virtq holds all state (about 3 KiB).
 *
 * Layouts and barriers are described in virtq_split.c and virtq_packed.c;
 * the helpers shared by both (chain validation, indirect tables) are in
 * virtq.c.
 */
#ifndef BURROW_VIRTQ_H
#define BURROW_VIRTQ_H

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vu_mem.h"

enum virtq_layout {
	VIRTQ_SPLIT,
	VIRTQ_PACKED,
	VIRTQ_LAYOUT_COUNT,
};

#define VIRTQ_SIZE_MAX 32768 /* both layouts: 2^15 entries */
#define VIRTQ_IOV_MAX                                                          \
	64		    /* iovecs per element (buffers may split at \
				region boundaries) */
#define VIRTQ_BATCH_MAX 256 /* filled-but-unflushed elements; unpop depth */

/* Descriptor flags (both layouts) */
#define VIRTQ_DESC_F_NEXT 0x0001
#define VIRTQ_DESC_F_WRITE 0x0002
#define VIRTQ_DESC_F_INDIRECT 0x0004
#define VIRTQ_DESC_F_AVAIL 0x0080 /* packed only */
#define VIRTQ_DESC_F_USED 0x8000  /* packed only */

/* Split ring flags */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 0x0001 /* driver: no used notifications */
#define VIRTQ_USED_F_NO_NOTIFY 0x0001	  /* device: no avail notifications */

/* Packed event suppression: flags values, and the wrap bit of off_wrap */
#define VIRTQ_EVENT_F_ENABLE 0x0
#define VIRTQ_EVENT_F_DISABLE 0x1
#define VIRTQ_EVENT_F_DESC 0x2 /* only with event idx */
#define VIRTQ_EVENT_F_MASK 0x3
#define VIRTQ_EVENT_WRAP 0x8000

/* Ring memory as the spec lays it out; all fields little-endian. */

/* A split descriptor (table and indirect tables): 16 bytes, align 16. */
struct virtq_sdesc {
	uint64_t addr;	/* guest-physical */
	uint32_t len;	/* bytes */
	uint16_t flags; /* VIRTQ_DESC_F_NEXT, _WRITE, _INDIRECT */
	uint16_t next;	/* next descriptor if F_NEXT */
};
static_assert(sizeof(struct virtq_sdesc) == 16, "split descriptor size");

/* The split avail ring: 6 + 2 * size bytes, align 2. */
struct virtq_avail {
	uint16_t flags;	 /* VIRTQ_AVAIL_F_NO_INTERRUPT */
	uint16_t idx;	 /* free-running: next slot the driver fills */
	uint16_t ring[]; /* size heads, then used_event (event idx) */
};

/* One used ring entry. */
struct virtq_used_elem {
	uint32_t id;  /* head of the chain */
	uint32_t len; /* bytes written into its writable buffers */
};
static_assert(sizeof(struct virtq_used_elem) == 8, "used element size");

/* The split used ring: 6 + 8 * size bytes, align 4. */
struct virtq_used {
	uint16_t flags; /* VIRTQ_USED_F_NO_NOTIFY */
	uint16_t idx;	/* free-running: next slot the device fills */
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* A packed descriptor (ring and indirect tables): 16 bytes, align 16. */
struct virtq_pdesc {
	uint64_t addr;	/* guest-physical */
	uint32_t len;	/* bytes; used: bytes written */
	uint16_t id;	/* buffer id, in the last descriptor of a chain */
	uint16_t flags; /* NEXT, WRITE, INDIRECT, AVAIL, USED */
};
static_assert(sizeof(struct virtq_pdesc) == 16, "packed descriptor size");

/* A packed event suppression area: 4 bytes, align 4. */
struct virtq_event {
	uint16_t off_wrap; /* descriptor offset (15 bits) | wrap << 15 */
	uint16_t flags;	   /* VIRTQ_EVENT_F_* */
};
static_assert(sizeof(struct virtq_event) == 4, "event area size");

/* The three areas of a ring, as SET_VRING_ADDR names them. */
enum virtq_area {
	VIRTQ_AREA_DESC,   /* descriptor table / ring */
	VIRTQ_AREA_DRIVER, /* split: avail ring; packed: driver events */
	VIRTQ_AREA_DEVICE, /* split: used ring; packed: device events */
	VIRTQ_AREA_COUNT,
};

/* Why a queue was marked broken; indexes virtq_fault_name[] and
 * virtq_fault_count[]. */
enum virtq_fault {
	VIRTQ_FAULT_NONE,
	VIRTQ_FAULT_AVAIL_JUMP,	      /* split: avail idx moved > size */
	VIRTQ_FAULT_INFLIGHT,	      /* more in flight than the ring holds */
	VIRTQ_FAULT_HEAD_RANGE,	      /* split: head index >= size */
	VIRTQ_FAULT_NEXT_RANGE,	      /* split: next >= table size */
	VIRTQ_FAULT_CHAIN_LONG,	      /* chain longer than table: a loop */
	VIRTQ_FAULT_ADDR,	      /* buffer not inside the memory table */
	VIRTQ_FAULT_LEN_OVERFLOW,     /* chain total does not fit 32 bits */
	VIRTQ_FAULT_ORDER,	      /* readable descriptor after writable */
	VIRTQ_FAULT_IOV_FULL,	      /* needs more than VIRTQ_IOV_MAX iovecs */
	VIRTQ_FAULT_INDIRECT_FEATURE, /* INDIRECT not negotiated */
	VIRTQ_FAULT_INDIRECT_NEXT,    /* INDIRECT with NEXT / inside a list */
	VIRTQ_FAULT_INDIRECT_NESTED,  /* INDIRECT inside an indirect table */
	VIRTQ_FAULT_INDIRECT_LEN,     /* table length 0, not n*16, or > size */
	VIRTQ_FAULT_INDIRECT_ADDR,    /* table not inside the memory table */
	VIRTQ_FAULT_ID_RANGE,	      /* packed: buffer id >= size */
	VIRTQ_FAULT_COUNT,
};

extern const char *const virtq_fault_name[VIRTQ_FAULT_COUNT];
extern unsigned long virtq_fault_count[VIRTQ_FAULT_COUNT];

/* One popped chain: device-readable iovecs first, then device-writable. */
struct virtq_elem {
	uint16_t id;	      /* split: head index; packed: buffer id */
	uint16_t ndesc;	      /* ring descriptors the chain used */
	unsigned int out_num; /* device-readable iovecs first ... */
	unsigned int in_num;  /* ... then device-writable ones */
	struct iovec iov[VIRTQ_IOV_MAX];
};

/* Split ring state. */
struct virtq_split {
	struct virtq_sdesc *desc;  /* descriptor table, size entries */
	struct virtq_avail *avail; /* avail ring (+ used_event) */
	struct virtq_used *used;   /* used ring (+ avail_event) */
	uint16_t last_avail;	   /* next avail ring slot we consume */
	uint16_t used_idx;	   /* our used->idx, published by flush */
	uint16_t signalled;	   /* used_idx at the last notify decision */
};

/* One filled-but-unflushed packed used descriptor. */
struct virtq_pbatch {
	uint16_t id;	/* buffer id */
	uint16_t ndesc; /* descriptors to skip after it */
	uint32_t len;	/* bytes written */
};

/* Packed ring state. */
struct virtq_packed {
	struct virtq_pdesc *desc;	/* descriptor ring, size entries */
	struct virtq_event *drv;	/* driver event area (we read) */
	struct virtq_event *dev;	/* device event area (we write) */
	uint16_t next_avail;		/* next ring slot we consume */
	bool avail_wrap;		/* driver wrap counter expected there */
	uint16_t next_used;		/* next ring slot we write used */
	bool used_wrap;			/* our wrap counter there */
	uint32_t signalled;		/* used position (mod 2 * size) at the
					 last notify decision */
	unsigned int hist_n;		/* pops recorded in hist[] */
	unsigned int hist_head;		/* next slot of hist[] */
	uint16_t hist[VIRTQ_BATCH_MAX]; /* ndesc of the last pops (unpop) */
	struct virtq_pbatch batch[VIRTQ_BATCH_MAX]; /* fill() shadow */
};

/* A virtqueue, device side. */
struct virtq {
	enum virtq_layout layout; /* VIRTQ_SPLIT or VIRTQ_PACKED */
	uint16_t size;		  /* entries, 1..VIRTQ_SIZE_MAX */
	bool event_idx;		  /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;		  /* VIRTIO_F_INDIRECT_DESC negotiated */
	bool broken;		  /* the driver broke a rule: hands off */
	bool kick_on;		  /* we asked for avail notifications */
	enum virtq_fault fault;	  /* the first rule broken */
	unsigned int inuse;	  /* popped, not yet flushed (split: chains,
				       packed: descriptors) */
	const struct vu_mem *mem; /* translates descriptor addresses */
	union {
		struct virtq_split s;  /* layout VIRTQ_SPLIT */
		struct virtq_packed p; /* layout VIRTQ_PACKED */
	};
};

/* virtq_area_len() - bytes the caller must translate (vu_mem_uva()) for
 * area @a of a ring of @size entries, event idx fields included. */
size_t virtq_area_len(enum virtq_layout layout, uint16_t size,
		      enum virtq_area a);

/* virtq_init() - set @vq up from the vring configuration. @desc,
 * @driver_area and @device_area are our pointers to the three areas,
 * which the caller has translated for virtq_area_len() bytes each. @base is
 * SET_VRING_BASE's value: split, the next avail index (low 16 bits);
 * packed, QEMU 7.2's encoding (next avail | avail wrap << 15 in the low
 * half, next used | used wrap << 15 in the high half; 0x80008000 at
 * start). @mem must stay valid until the next virtq_init(). Writes our
 * notification fields (kicks enabled). Returns 0, or -EINVAL for a bad
 * size, a NULL or misaligned area, or a packed index >= size (@vq is then
 * broken: every call fails fast). */
int virtq_init(struct virtq *vq, enum virtq_layout layout, uint16_t size,
	       void *desc, void *driver_area, void *device_area, bool event_idx,
	       bool indirect, const struct vu_mem *mem, uint32_t base);

/* virtq_pop() - take the next available chain. Returns 0 with @e filled
 * (iovecs inside the memory table, readable ones first), -EAGAIN if none
 * is available, -EIO if the queue is (or now becomes) broken. */
int virtq_pop(struct virtq *vq, struct virtq_elem *e);

/* virtq_fill() - record @e as used with @len bytes written, as element
 * @idx (< VIRTQ_BATCH_MAX) of the batch the next virtq_flush() publishes.
 * Elements of a batch may be filled in any order. No-op when broken. */
void virtq_fill(struct virtq *vq, const struct virtq_elem *e, uint32_t len,
		unsigned int idx);

/* virtq_flush() - publish elements 0..@count-1 of the batch at once, with
 * the write barrier the layout needs. No-op when broken. */
void virtq_flush(struct virtq *vq, unsigned int count);

/* virtq_unpop() - give back the last @n popped, unfilled chains (at most
 * VIRTQ_BATCH_MAX): the next pops return them again. */
void virtq_unpop(struct virtq *vq, unsigned int n);

/* virtq_should_notify() - after a flush: does the driver want a used
 * buffer notification for what was published since the last call?
 * Honours used_event / NO_INTERRUPT (split) and the driver event area
 * (packed). Call it after every flush. False when broken. */
bool virtq_should_notify(struct virtq *vq);

/* virtq_notify_disable() - ask the driver not to kick us (we poll). */
void virtq_notify_disable(struct virtq *vq);

/* virtq_notify_enable() - ask the driver to kick us again, followed by a
 * full barrier; the caller must then try virtq_pop() once more before it
 * sleeps, to catch buffers added before the driver saw our request. */
void virtq_notify_enable(struct virtq *vq);

/* virtq_get_base() - the value for GET_VRING_BASE (same encoding as
 * virtq_init()'s @base). Chains popped and not flushed are not counted
 * as consumed-and-returned: flush (or drop) them first. */
uint32_t virtq_get_base(const struct virtq *vq);

/* virtq_broken() - true once the driver broke a rule. */
bool virtq_broken(const struct virtq *vq);

/*
 * Internal: shared by virtq.c, virtq_split.c and virtq_packed.c only.
 */

/* The fields of one descriptor, copied out of guest memory. */
struct virtq_desc {
	uint64_t addr;	/* guest-physical */
	uint32_t len;	/* bytes */
	uint16_t flags; /* VIRTQ_DESC_F_* */
	uint16_t aux;	/* split: next; packed: buffer id */
};

/* A validated indirect table: where its bytes are (it may cross region
 * boundaries) and how many descriptors it holds. */
struct virtq_table {
	struct iovec iov[VU_MEM_REGIONS_MAX]; /* the table's bytes */
	unsigned int niov;		      /* iovecs used */
	unsigned int n;			      /* descriptors in it */
};

/* Walk state of one chain. */
struct virtq_chain {
	uint64_t total; /* bytes so far */
};

/* Volatile little-endian accessors for shared ring memory: each call is
 * exactly one load or store of the field (no tearing for aligned fields,
 * no re-reads invented by the compiler). */
static inline uint16_t virtq_ld16(const uint16_t *p)
{
	return le16toh(*(const volatile uint16_t *)p);
}

static inline uint32_t virtq_ld32(const uint32_t *p)
{
	return le32toh(*(const volatile uint32_t *)p);
}

static inline uint64_t virtq_ld64(const uint64_t *p)
{
	return le64toh(*(const volatile uint64_t *)p);
}

static inline void virtq_st16(uint16_t *p, uint16_t v)
{
	*(volatile uint16_t *)p = htole16(v);
}

static inline void virtq_st32(uint32_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = htole32(v);
}

int virtq_fail(struct virtq *vq, enum virtq_fault f);
void virtq_elem_start(struct virtq_elem *e, struct virtq_chain *c);
int virtq_elem_add(struct virtq *vq, struct virtq_elem *e,
		   struct virtq_chain *c, const struct virtq_desc *d);
int virtq_table_map(struct virtq *vq, const struct virtq_desc *d,
		    struct virtq_table *t);
void virtq_table_get(const struct virtq_table *t, unsigned int i,
		     enum virtq_layout layout, struct virtq_desc *d);

int virtq_split_init(struct virtq *vq, void *desc, void *avail, void *used,
		     uint32_t base);
int virtq_split_pop(struct virtq *vq, struct virtq_elem *e);
void virtq_split_fill(struct virtq *vq, const struct virtq_elem *e,
		      uint32_t len, unsigned int idx);
void virtq_split_flush(struct virtq *vq, unsigned int count);
void virtq_split_unpop(struct virtq *vq, unsigned int n);
bool virtq_split_should_notify(struct virtq *vq);
void virtq_split_notify(struct virtq *vq, bool on);
uint32_t virtq_split_get_base(const struct virtq *vq);

int virtq_packed_init(struct virtq *vq, void *desc, void *drv, void *dev,
		      uint32_t base);
int virtq_packed_pop(struct virtq *vq, struct virtq_elem *e);
void virtq_packed_fill(struct virtq *vq, const struct virtq_elem *e,
		       uint32_t len, unsigned int idx);
void virtq_packed_flush(struct virtq *vq, unsigned int count);
void virtq_packed_unpop(struct virtq *vq, unsigned int n);
bool virtq_packed_should_notify(struct virtq *vq);
void virtq_packed_notify(struct virtq *vq, bool on);
uint32_t virtq_packed_get_base(const struct virtq *vq);

#endif /* BURROW_VIRTQ_H */
