// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vu_net.c - the vhost-user virtio-net device: frames between the guest's
 * virtqueues and the loop. Knows rings and the virtio-net header, not IP.
 *
 * Theory of operation
 *
 * Queue 1 (the guest's TX) carries frames from the guest: each chain is a
 * 12-byte virtio-net header (VERSION_1 always has num_buffers) and the
 * frame. What is parsed is copied out of guest memory once, into our
 * receive buffers, before anything parses it: the guest may rewrite shared
 * memory at any moment, and a copy is the only way its bytes stay what
 * the parser checked. That is the whole frame, except for a TCP segment:
 * its first VU_HEAD bytes (every header) are copied and its payload is
 * handed up in place, as further segments of the frame, and written to
 * the host socket from there (sendmsg() straight from guest memory).
 * Nothing parses TCP payload, so a guest changing it meanwhile only
 * changes its own stream. The chains go back used (length 0) once the
 * batch is handled (vu_net_rx_done()), with at most one interrupt.
 *
 * Queue 0 (the guest's RX) takes frames to the guest: the header and the
 * frame are written into as many chains as needed (MRG_RXBUF; num_buffers
 * says how many), published in batches. When the guest has posted no
 * buffers, frames stay in the txq (flows stop reading their sockets) and
 * the guest's kick on queue 0 resumes the flush.
 *
 * Host data to the guest needs no copy by us: the txq's direct placement
 * (txq_direct_reserve()) lends a flow the guest's receive chains, the
 * flow peeks its socket's bytes straight into them behind the room for
 * the headers, and the commit writes the virtio-net header and the frame
 * headers in front, gives back (unpops) the chains the data did not
 * need, and publishes the rest. Only with GUEST_CSUM (the L4 checksum
 * stays partial: nothing reads the payload again) and without --pcap.
 * Frames queued in the txq are sent first, so the order holds; one
 * interrupt at the loop's flush covers them all.
 *
 * Checksums: CSUM and GUEST_CSUM are offered. A frame from the guest with
 * NEEDS_CSUM has its checksum completed in our copy (vnet_hdr.c), except
 * TCP's, which nothing verifies; a frame to the guest whose checksum the
 * builders left partial (txq_partial_ok: no --pcap) goes with NEEDS_CSUM
 * if the guest took GUEST_CSUM, else it is completed here first.
 *
 * The control socket is served one message per wake-up by vhost_user.c;
 * the events it returns start, stop and re-map the rings here. A guest
 * that breaks its rings gets the queue marked broken (virtq.c): we stop
 * touching it and log once; the front-end must reset the device.
 *
 * #syscalls read write recvmsg sendmsg epoll_ctl close mmap munmap fstat
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../core/log.h"
#include "../core/pcap.h"
#include "../core/txq.h"
#include "../core/util.h"
#include "../epoll_ref.h"
#include "tap.h"
#include "vhost_user.h"
#include "virtq.h"
#include "vnet_hdr.h"
#include "vu_net.h"

#define VNET_HDR_LEN 12	    /* struct virtio_net_hdr_v1 */
#define VU_RX_CHAINS_MAX 64 /* chains one frame to the guest may use */
#define VU_RXQ 0	    /* the guest's receive queue: frames to it */
#define VU_TXQ 1	    /* the guest's transmit queue: frames from it */
#define VU_HEAD                                                                \
	192 /* bytes of a frame always copied: every header of a
		     * TCP segment (14 + 60 + 60 at most over IPv4) */

static struct vu_dev vu_dev;
static struct virtq vu_vq[VU_QUEUES];
static bool vu_running[VU_QUEUES];
static int vu_ctl_fd = -1;
static int vu_lfd = -1;
static int vu_epfd = -1;
static unsigned int vu_tx_more; /* chains may be waiting on queue 1 */

static uint8_t vu_rx_buf[TAP_RX_BATCH][FRAME_MAX] __attribute__((aligned(64)));
static struct virtq_elem vu_elem[VU_RX_CHAINS_MAX];
/* Chains popped from queue 1, given back by vu_net_rx_done() */
static struct virtq_elem vu_tx_elem[TAP_RX_BATCH];
static unsigned int vu_tx_held;
static struct iovec vu_tx_iov[TAP_RX_BATCH][TAP_FRAME_SEGS];
/* The direct placement's reservation: chains popped from queue 0, frame i
 * owning [vu_dir_first[i], vu_dir_first[i + 1]). */
static struct virtq_elem vu_dir_elem[VIRTQ_BATCH_MAX];
static unsigned int vu_dir_first[TXQ_DIRECT_FRAMES + 1];
static unsigned int vu_dir_chains, vu_dir_frames;
static bool vu_rx_owed; /* frames published on queue 0, no notify yet */

static void vu_net_direct_init(void);

/* vu_net_get_base() - vhost_user.c's hook: stop @ring, report its index. */
static uint32_t vu_net_get_base(void *opaque, unsigned int ring)
{
	(void)opaque;
	if (ring >= VU_QUEUES || !vu_running[ring])
		return 0;
	vu_running[ring] = false;
	return virtq_get_base(&vu_vq[ring]);
}

static const struct vu_hooks vu_net_hooks = {.get_base = vu_net_get_base};

/* vu_net_ring_start() - translate ring @i's areas and set its queue up. */
static void vu_net_ring_start(unsigned int i)
{
	const struct vu_vring_cfg *r = &vu_dev.vring[i];
	enum virtq_layout l =
		vu_ring_packed(&vu_dev) ? VIRTQ_PACKED : VIRTQ_SPLIT;
	uint16_t n = (uint16_t)r->num;
	union epoll_ref ref = {.kind = EPOLL_KIND_VU_KICK, .idx = i};
	struct epoll_event ev = {.events = EPOLLIN};
	void *desc, *drv, *dev;

	desc = vu_mem_uva(&vu_dev.mem, r->desc_uva,
			  virtq_area_len(l, n, VIRTQ_AREA_DESC));
	drv = vu_mem_uva(&vu_dev.mem, r->avail_uva,
			 virtq_area_len(l, n, VIRTQ_AREA_DRIVER));
	dev = vu_mem_uva(&vu_dev.mem, r->used_uva,
			 virtq_area_len(l, n, VIRTQ_AREA_DEVICE));
	if (virtq_init(&vu_vq[i], l, n, desc, drv, dev,
		       vu_dev.features & VU_BIT(VU_F_EVENT_IDX),
		       vu_dev.features & VU_BIT(VU_F_INDIRECT_DESC),
		       &vu_dev.mem, r->base)) {
		warn("vhost-user: ring %u cannot start (bad size, address or "
		     "base)",
		     i);
		return;
	}
	vu_running[i] = true;
	debug("vhost-user: ring %u started (%s, %u entries; partial "
	      "checksums from the guest %s, to it %s)",
	      i, l == VIRTQ_PACKED ? "packed" : "split", n,
	      vu_dev.features & VU_BIT(VU_F_CSUM) ? "yes" : "no",
	      vu_dev.features & VU_BIT(VU_F_GUEST_CSUM) ? "yes" : "no");
	if (r->kick_fd >= 0) {
		ref.fd = r->kick_fd;
		ev.data.u64 = ref.u64;
		if (epoll_ctl(vu_epfd, EPOLL_CTL_ADD, r->kick_fd, &ev) &&
		    errno != EEXIST)
			warn("vhost-user: cannot watch ring %u's kicks: %s", i,
			     strerror(errno));
	}
	if (i == VU_TXQ)
		vu_tx_more = 1;
}

/* vu_net_ring_stop() - stop using ring @i (its kick fd may be closed by
 * vhost_user.c right after, which also removes it from epoll). */
static void vu_net_ring_stop(unsigned int i)
{
	if (vu_running[i])
		vu_dev.vring[i].base = vu_net_get_base(NULL, i);
	vu_running[i] = false;
	if (vu_dev.vring[i].kick_fd >= 0)
		epoll_ctl(vu_epfd, EPOLL_CTL_DEL, vu_dev.vring[i].kick_fd,
			  NULL);
}

void vu_net_init(const char *path, int epfd)
{
	union epoll_ref ref = {.kind = EPOLL_KIND_VU_LISTEN};
	struct epoll_event ev = {.events = EPOLLIN};

	vu_epfd = epfd;
	vu_dev_init(&vu_dev);
	vu_net_direct_init();
	vu_lfd = vu_listen(path);
	if (vu_lfd < 0)
		die("--vhost-user: cannot listen on %s: %s", path,
		    strerror(-vu_lfd));
	ref.fd = vu_lfd;
	ev.data.u64 = ref.u64;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, vu_lfd, &ev))
		die_perror("epoll_ctl");
	info("vhost-user: listening on %s; QEMU: -chardev socket,id=c0,"
	     "path=%s -netdev vhost-user,id=n0,chardev=c0 -device "
	     "virtio-net-pci,netdev=n0 (guest memory shared)",
	     path, path);
}

void vu_net_accept(void)
{
	union epoll_ref ref = {.kind = EPOLL_KIND_VU_CTL};
	struct epoll_event ev = {.events = EPOLLIN};
	int fd = vu_accept(vu_lfd);

	if (fd < 0)
		return;
	if (vu_ctl_fd >= 0) {
		warn("vhost-user: a front-end is connected already, refusing "
		     "another");
		close(fd);
		return;
	}
	vu_ctl_fd = fd;
	ref.fd = fd;
	ev.data.u64 = ref.u64;
	if (epoll_ctl(vu_epfd, EPOLL_CTL_ADD, fd, &ev))
		die_perror("epoll_ctl");
	tap_init(TAP_VU, fd);
	info("vhost-user: front-end connected");
}

/* vu_net_disconnect() - the front-end is gone: forget rings and memory;
 * wait for the next one. */
static void vu_net_disconnect(void)
{
	unsigned int i;

	for (i = 0; i < VU_QUEUES; i++)
		vu_net_ring_stop(i);
	if (vu_ctl_fd >= 0)
		epoll_ctl(vu_epfd, EPOLL_CTL_DEL, vu_ctl_fd, NULL);
	vu_dev_reset(&vu_dev);
	tap_close(); /* closes vu_ctl_fd */
	vu_ctl_fd = -1;
	vu_tx_more = 0;
	vu_rx_owed = false;
	vu_tx_held = 0; /* (given back already: frames are handled at once) */
	info("vhost-user: front-end disconnected");
}

bool vu_net_ctl_ready(void)
{
	int ev, i;

	if (vu_ctl_fd < 0)
		return true;
	ev = vu_handle(&vu_dev, vu_ctl_fd, &vu_net_hooks);
	for (i = 0; i < VU_QUEUES; i++) {
		if (ev & VU_EV_RING_STOP(i))
			vu_net_ring_stop((unsigned int)i);
	}
	if (ev & VU_EV_DISCONNECT) {
		vu_net_disconnect();
		return false;
	}
	if (ev & VU_EV_MEM) {
		/* Ring addresses are front-end addresses: map them again. */
		for (i = 0; i < VU_QUEUES; i++) {
			if (!vu_running[i])
				continue;
			vu_dev.vring[i].base = virtq_get_base(&vu_vq[i]);
			vu_net_ring_start((unsigned int)i);
		}
	}
	for (i = 0; i < VU_QUEUES; i++) {
		if (ev & VU_EV_RING_START(i))
			vu_net_ring_start((unsigned int)i);
	}
	return true;
}

void vu_net_kick(union epoll_ref ref)
{
	if (ref.idx >= VU_QUEUES)
		return;
	vu_kick_drain(ref.fd);
	if (ref.idx == VU_TXQ)
		vu_tx_more = 1;
}

bool vu_net_rx_more(void)
{
	return vu_tx_more && vu_running[VU_TXQ] &&
	       !virtq_broken(&vu_vq[VU_TXQ]);
}

/* vu_net_notify() - interrupt the guest for queue @i if it wants one. */
static void vu_net_notify(unsigned int i)
{
	if (virtq_should_notify(&vu_vq[i]) && vu_dev.vring[i].call_fd >= 0)
		vu_call_signal(vu_dev.vring[i].call_fd);
}

/* vu_net_zero_copy() - whether frame head @h (@hl bytes copied, of a
 * @len-byte frame) may leave its payload in guest memory: a TCP segment
 * straight over IPv4 or IPv6 longer than the head, and a checksum note
 * (@hdr) that asks us to write nothing. Only TCP payload is ever read in
 * place, and only once (sent to the host socket); every other frame is
 * parsed from our copy. */
static bool vu_net_zero_copy(const uint8_t *hdr, const uint8_t *h, size_t hl,
			     size_t len)
{
	uint16_t type;

	if (len <= hl || hl < VU_HEAD)
		return false;
	if ((hdr[0] & VNET_HDR_F_NEEDS_CSUM) && (hdr[8] != 16 || hdr[9]))
		return false;
	type = (uint16_t)(h[12] << 8 | h[13]);
	if (type == 0x0800)
		return h[23] == IPPROTO_TCP;
	return type == 0x86dd && h[20] == IPPROTO_TCP;
}

unsigned int vu_net_rx(struct tap_frame *frames)
{
	struct virtq *vq = &vu_vq[VU_TXQ];
	unsigned int n = 0;

	if (!vu_net_rx_more())
		return 0;
	vu_net_rx_done(); /* not expected: the caller gives them back */
	while (n < TAP_RX_BATCH && vu_tx_held < ARRAY_SIZE(vu_tx_elem)) {
		struct virtq_elem *e = &vu_tx_elem[vu_tx_held];
		struct iovec *fi = vu_tx_iov[n];
		size_t len = 0, skip = VNET_HDR_LEN, got = 0, head;
		uint8_t hdr[VNET_HDR_LEN];
		unsigned int k, nseg = 1;
		int r = virtq_pop(vq, e);

		if (r == -EAGAIN) {
			vu_tx_more = 0;
			break;
		}
		if (r) {
			warn("vhost-user: the guest broke its transmit queue; "
			     "it must reset the device");
			vu_tx_more = 0;
			break;
		}
		vu_tx_held++;
		for (k = 0; k < e->out_num; k++)
			len += e->iov[k].iov_len;
		if (len <= VNET_HDR_LEN || len - VNET_HDR_LEN >= FRAME_MAX) {
			tap_stats.rx_bad++;
			continue; /* no header, empty or oversized: dropped */
		}
		len -= VNET_HDR_LEN;
		/* Copied once: the header, then the head of the frame, then
		 * (unless its payload may stay in place) the rest. */
		head = MIN(len, (size_t)VU_HEAD);
		for (k = 0; k < e->out_num; k++) {
			const uint8_t *src = e->iov[k].iov_base;
			size_t l = e->iov[k].iov_len, c;

			c = MIN(skip, l);
			memcpy(hdr + VNET_HDR_LEN - skip, src, c);
			src += c;
			l -= c;
			skip -= c;
			if (got < head) {
				c = MIN(l, head - got);
				memcpy(vu_rx_buf[n] + got, src, c);
				got += c;
				src += c;
				l -= c;
			}
			if (!l)
				continue;
			if (got == head && nseg == 1 &&
			    !vu_net_zero_copy(hdr, vu_rx_buf[n], head, len)) {
				/* The whole frame into our buffer */
				head = len;
			}
			if (got < head) {
				memcpy(vu_rx_buf[n] + got, src, l);
				got += l;
				continue;
			}
			fi[nseg++] = (struct iovec){
				.iov_base = (void *)(uintptr_t)src,
				.iov_len = l};
		}
		fi[0] = (struct iovec){.iov_base = vu_rx_buf[n],
				       .iov_len = got};
		if (nseg == 1 && !vnet_hdr_in(hdr, vu_rx_buf[n], len)) {
			tap_stats.rx_bad++;
			continue; /* a partial checksum outside the frame */
		}
		frames[n] = (struct tap_frame){.iov = fi, .niov = nseg};
		tap_stats.rx_inplace += nseg > 1;
		pcap_frame(fi, nseg, len);
		tap_stats.rx_frames++;
		tap_stats.rx_bytes += len;
		n++;
	}
	return n;
}

void vu_net_rx_done(void)
{
	struct virtq *vq = &vu_vq[VU_TXQ];
	unsigned int i;

	if (!vu_tx_held)
		return;
	for (i = 0; i < vu_tx_held; i++)
		virtq_fill(vq, &vu_tx_elem[i], 0, i);
	virtq_flush(vq, vu_tx_held);
	vu_tx_held = 0;
	vu_net_notify(VU_TXQ);
}

/* vu_net_room() - bytes the writable part of @e can take. */
static size_t vu_net_room(const struct virtq_elem *e)
{
	size_t room = 0;
	unsigned int k;

	for (k = e->out_num; k < e->out_num + e->in_num; k++)
		room += e->iov[k].iov_len;
	return room;
}

/* vu_net_write() - @len bytes of @src at byte @off of the writable space
 * of chains @e[0..@k), as far as that space goes. */
static void vu_net_write(const struct virtq_elem *e, unsigned int k, size_t off,
			 const uint8_t *src, size_t len)
{
	unsigned int c, j;

	for (c = 0; c < k && len; c++) {
		for (j = e[c].out_num; j < e[c].out_num + e[c].in_num && len;
		     j++) {
			size_t l = e[c].iov[j].iov_len, t;

			if (off >= l) {
				off -= l;
				continue;
			}
			t = MIN(l - off, len);
			memcpy((uint8_t *)e[c].iov[j].iov_base + off, src, t);
			src += t;
			len -= t;
			off = 0;
		}
	}
}

/* vu_net_fill() - chains @e[0..@k) as used, @bytes written across them
 * in order, as batch elements from *@filled on. */
static void vu_net_fill(struct virtq *vq, const struct virtq_elem *e,
			unsigned int k, size_t bytes, unsigned int *filled)
{
	unsigned int c;

	for (c = 0; c < k; c++) {
		size_t w = MIN(vu_net_room(&e[c]), bytes);

		virtq_fill(vq, &e[c], (uint32_t)w, (*filled)++);
		bytes -= w;
	}
}

bool vu_net_flush(void)
{
	struct virtq *vq = &vu_vq[VU_RXQ];
	bool mrg = vu_dev.features & VU_BIT(VU_F_MRG_RXBUF);
	unsigned int sent = 0, done = 0, filled = 0, i;

	if (!vu_running[VU_RXQ] || virtq_broken(vq)) {
		tap_stats.tx_drop += txq_count();
		txq_consume(txq_count());
		return true;
	}
	for (i = 0; i < txq_count(); i++) {
		uint8_t hdr[VNET_HDR_LEN] = {0};
		size_t len, need, have = 0;
		uint8_t *f = txq_frame(i, &len);
		struct txq_csum cs = txq_csum(i);
		unsigned int k = 0;

		need = VNET_HDR_LEN + len;
		if (filled + VU_RX_CHAINS_MAX > VIRTQ_BATCH_MAX) {
			virtq_flush(vq, filled);
			filled = 0;
		}
		bool never = false; /* the guest's buffers cannot hold it */

		while (have < need && k < VU_RX_CHAINS_MAX) {
			int r = virtq_pop(vq, &vu_elem[k]);
			size_t room;

			if (r)
				break;
			room = vu_net_room(&vu_elem[k]);
			k++;
			if (!mrg && room < need) {
				never = true; /* one chain must hold it all */
				break;
			}
			have += room;
		}
		never = never || (have < need && k == VU_RX_CHAINS_MAX);
		if (never) {
			/* Dropped, or it would block every frame behind it;
			 * the buffers stay for those. */
			virtq_unpop(vq, k);
			warn_rl("vhost-user: a %zu-byte frame does not fit the "
				"guest's receive buffers (%s), dropped",
				len,
				mrg ? "more than 64 needed"
				    : "no mergeable buffers, one too small");
			tap_stats.tx_drop++;
			done++;
			continue;
		}
		if (have < need) {
			virtq_unpop(vq, k);
			break; /* out of buffers: the guest's kick resumes */
		}
		/* A partial checksum goes to a guest that takes them (its
		 * kernel completes it if it forwards the frame), else it is
		 * completed here. */
		if (cs.start && (vu_dev.features & VU_BIT(VU_F_GUEST_CSUM)))
			vnet_hdr_out(hdr, cs);
		else if (cs.start)
			vnet_csum_complete(f, len, cs.start, cs.offset);
		/* The header, then the frame, across the k chains. */
		hdr[10] = (uint8_t)k; /* num_buffers, little-endian */
		hdr[11] = (uint8_t)(k >> 8);
		vu_net_write(vu_elem, k, 0, hdr, VNET_HDR_LEN);
		vu_net_write(vu_elem, k, VNET_HDR_LEN, f, len);
		vu_net_fill(vq, vu_elem, k, need, &filled);
		pcap_frame_buf(f, len);
		tap_stats.tx_frames++;
		tap_stats.tx_bytes += len;
		sent++;
		done++;
	}
	if (filled)
		virtq_flush(vq, filled);
	if (sent || vu_rx_owed)
		vu_net_notify(VU_RXQ);
	vu_rx_owed = false;
	txq_consume(done);
	return !txq_count();
}

/* vu_net_span() - iovecs for bytes [@off, @off + @len) of the writable
 * space of chains @e[0..@k), into @iov (at most @max entries). Returns
 * how many, or @max + 1 if they need more. */
static unsigned int vu_net_span(const struct virtq_elem *e, unsigned int k,
				size_t off, size_t len, struct iovec *iov,
				unsigned int max)
{
	unsigned int c, j, n = 0;

	for (c = 0; c < k && len; c++) {
		for (j = e[c].out_num; j < e[c].out_num + e[c].in_num && len;
		     j++) {
			size_t l = e[c].iov[j].iov_len, t;

			if (off >= l) {
				off -= l;
				continue;
			}
			if (n == max)
				return max + 1;
			t = MIN(l - off, len);
			iov[n++] = (struct iovec){
				.iov_base =
					(uint8_t *)e[c].iov[j].iov_base + off,
				.iov_len = t};
			len -= t;
			off = 0;
		}
	}
	return n;
}

/* vu_net_direct_reserve() - txq_direct_reserve() for vhost-user: chains
 * of queue 0 for each frame until they hold its header and payload (one
 * chain without MRG_RXBUF; at most VU_RX_CHAINS_MAX), the payload areas
 * behind the headers. A frame short of buffers takes what there is and
 * ends the reservation. */
static unsigned int vu_net_direct_reserve(unsigned int n, size_t hlen,
					  size_t plen, size_t total,
					  struct iovec *iov,
					  unsigned int iovmax,
					  unsigned int *niov, size_t *room)
{
	struct virtq *vq = &vu_vq[VU_RXQ];
	bool mrg = vu_dev.features & VU_BIT(VU_F_MRG_RXBUF);
	size_t off0 = VNET_HDR_LEN + hlen, sum = 0;
	unsigned int f = 0;

	*niov = 0;
	vu_dir_chains = vu_dir_frames = 0;
	if (!vu_running[VU_RXQ] || virtq_broken(vq) || !txq_partial_ok ||
	    !(vu_dev.features & VU_BIT(VU_F_GUEST_CSUM)))
		return 0;
	if (txq_count() && !vu_net_flush())
		return 0; /* frames queued before must go first */
	while (f < n && sum < total) {
		size_t want = off0 + MIN(plen, total - sum), have = 0, cap;
		unsigned int start = vu_dir_chains, k = 0, m = 0;

		while (have < want && k < VU_RX_CHAINS_MAX &&
		       vu_dir_chains < ARRAY_SIZE(vu_dir_elem)) {
			if (virtq_pop(vq, &vu_dir_elem[vu_dir_chains]))
				break;
			have += vu_net_room(&vu_dir_elem[vu_dir_chains]);
			vu_dir_chains++;
			k++;
			if (!mrg)
				break;
		}
		cap = have > off0 ? MIN(have, want) - off0 : 0;
		if (have < want && f &&
		    vu_dir_chains == ARRAY_SIZE(vu_dir_elem))
			cap = 0; /* our table is full: no short segment */
		if (cap)
			m = vu_net_span(&vu_dir_elem[start], k, off0, cap,
					iov + *niov, iovmax - *niov);
		if (!cap || m > iovmax - *niov) {
			virtq_unpop(vq, k);
			vu_dir_chains = start;
			break;
		}
		*niov += m;
		room[f] = cap;
		vu_dir_first[f++] = start;
		sum += cap;
		if (have < want)
			break; /* out of buffers: that is all for now */
	}
	vu_dir_first[f] = vu_dir_chains;
	vu_dir_frames = f;
	if (!f)
		vu_dir_chains = 0;
	return f;
}

/* vu_net_direct_commit() - txq_direct_commit() for vhost-user: headers in
 * front of each frame's payload, the chains it used filled (num_buffers
 * of them), the chains nobody needed given back, all published at once;
 * the guest is notified at the loop's flush. */
static void vu_net_direct_commit(unsigned int n, const uint8_t *const *hdr,
				 size_t hlen, const size_t *len,
				 struct txq_csum cs)
{
	struct virtq *vq = &vu_vq[VU_RXQ];
	size_t off0 = VNET_HDR_LEN + hlen;
	unsigned int i, end = 0, filled = 0;

	ASSERT(n <= vu_dir_frames);
	/* The last frame may be short: it needs only the chains up to its
	 * last byte; every earlier frame is full and needs all of its own. */
	if (n) {
		size_t bytes = off0 + len[n - 1], have = 0;

		for (end = vu_dir_first[n - 1];
		     end < vu_dir_first[n] &&
		     (have < bytes || end == vu_dir_first[n - 1]);
		     end++)
			have += vu_net_room(&vu_dir_elem[end]);
	}
	if (vu_dir_chains > end)
		virtq_unpop(vq, vu_dir_chains - end);
	for (i = 0; i < n; i++) {
		const struct virtq_elem *e = &vu_dir_elem[vu_dir_first[i]];
		unsigned int k = (i == n - 1 ? end : vu_dir_first[i + 1]) -
				 vu_dir_first[i];
		uint8_t vh[VNET_HDR_LEN];

		vnet_hdr_out(vh, cs);
		vh[10] = (uint8_t)k; /* num_buffers, little-endian */
		vh[11] = (uint8_t)(k >> 8);
		vu_net_write(e, k, 0, vh, VNET_HDR_LEN);
		vu_net_write(e, k, VNET_HDR_LEN, hdr[i], hlen);
		vu_net_fill(vq, e, k, off0 + len[i], &filled);
		tap_stats.tx_frames++;
		tap_stats.tx_direct++;
		tap_stats.tx_bytes += hlen + len[i];
	}
	if (filled) {
		virtq_flush(vq, filled);
		vu_rx_owed = true;
	}
	vu_dir_chains = vu_dir_frames = 0;
}

static const struct txq_direct_ops vu_net_direct_ops = {
	.reserve = vu_net_direct_reserve,
	.commit = vu_net_direct_commit,
};

static void vu_net_direct_init(void)
{
	txq_direct_set(&vu_net_direct_ops);
}
