/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * txq.h - frames queued for the guest.
 *
 * Theory of operation: a fixed array of frame slots, allocated once (BSS).
 * Producers (responders, flows reading host sockets) reserve a slot, build
 * a frame in it in place (for datagrams the payload is received straight
 * into the slot behind the space for headers), and commit its length. The
 * loop has the transport flush the queue once per iteration. When the
 * queue is full, txq_reserve() returns NULL: a responder drops its reply
 * (the guest retries) and a flow stops reading its socket, leaving data in
 * the kernel until the next iteration, so nothing grows.
 */
#ifndef BURROW_TXQ_H
#define BURROW_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define TXQ_SLOTS 128
#define FRAME_MAX (65536 + 64) /* largest frame: 64 KiB L3 + L2 */

/* Per-frame checksum note: the L4 checksum field holds only the folded
 * pseudo-header sum, and the transport must have it completed (the tap's
 * virtio-net header, NEEDS_CSUM) over bytes [start, end of frame). */
struct txq_csum {
	uint16_t start;	 /* offset of the L4 header in the frame; 0: none */
	uint16_t offset; /* of the checksum field within it */
};

/* txq_reserve() - a free slot of FRAME_MAX bytes, or NULL if the queue is
 * full. Only one slot may be reserved at a time. */
uint8_t *txq_reserve(void);
/* txq_commit() - queue the reserved slot as a frame of @len bytes. */
void txq_commit(size_t len);
/* txq_partial() - mark the reserved slot's checksum as partial (see struct
 * txq_csum). Only when txq_partial_ok says the transport completes it. */
void txq_partial(uint16_t start, uint16_t offset);
/* txq_csum() - the checksum note of frame @i. */
struct txq_csum txq_csum(unsigned int i);
/* Set by the loop: the transport completes partial checksums (a tap with
 * a virtio-net header, and no --pcap, which must show whole frames). */
extern bool txq_partial_ok;
/* txq_count() - frames queued. */
unsigned int txq_count(void);
/* txq_frame() - frame @i (0 <= i < txq_count()), its length in @len. */
uint8_t *txq_frame(unsigned int i, size_t *len);
/* txq_consume() - drop the first @n frames (sent, or given up on). */
void txq_consume(unsigned int n);
/* txq_slot_ahead() - the buffer of the @i-th free slot (i < txq_free()),
 * for receiving several datagrams at once: slot 0 is the one the next
 * txq_reserve() returns, slot 1 the one after its commit, and so on. */
uint8_t *txq_slot_ahead(unsigned int i);
/* txq_free() - slots still free. */
unsigned int txq_free(void);

/*
 * Direct placement: a transport whose frames end in buffers it can lend
 * out (vhost-user: the guest's receive chains) registers these, and a
 * producer receives payload straight into those buffers instead of a
 * slot: no copy by us at all. Frames still leave in order: the transport
 * sends what the txq holds first, and refuses when it cannot.
 */
#define TXQ_DIRECT_FRAMES 64 /* frames of one reservation, at most */

struct txq_direct_ops {
	/* See txq_direct_reserve(). */
	unsigned int (*reserve)(unsigned int n, size_t hlen, size_t plen,
				size_t total, struct iovec *iov,
				unsigned int iovmax, unsigned int *niov,
				size_t *room);
	/* See txq_direct_commit(). */
	void (*commit)(unsigned int n, const uint8_t *const *hdr, size_t hlen,
		       const size_t *len, struct txq_csum cs);
};

/* txq_direct_set() - the transport's direct placement, or NULL: none. */
void txq_direct_set(const struct txq_direct_ops *ops);
/* txq_direct_reserve() - buffers for up to @n (<= TXQ_DIRECT_FRAMES)
 * frames, each @hlen header bytes and then at most @plen payload bytes,
 * @total payload bytes in all. Fills @iov (at most @iovmax entries,
 * *@niov used) with the payload areas of the frames, in order, and
 * @room[i] with what frame i takes (> 0). Returns the number of frames;
 * 0 when the transport has no direct placement, no buffers now, or frames
 * queued before that it cannot send first: the producer then uses slots.
 * A slot reserved before is given up; txq_direct_commit() must follow before
 * anything else touches the queue. */
unsigned int txq_direct_reserve(unsigned int n, size_t hlen, size_t plen,
				size_t total, struct iovec *iov,
				unsigned int iovmax, unsigned int *niov,
				size_t *room);
/* txq_direct_commit() - the first @n frames of the reservation go to the
 * guest: frame i is @hdr[i] (@hlen bytes, the L4 checksum partial as @cs
 * says) and @len[i] payload bytes, already in place. Each frame but the
 * last is full (@len[i] == room[i]); the rest of the reservation goes
 * back unused. @n may be 0. */
void txq_direct_commit(unsigned int n, const uint8_t *const *hdr, size_t hlen,
		       const size_t *len, struct txq_csum cs);

#endif /* BURROW_TXQ_H */
