/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pkt.h - the bounds-checked cursor over a received frame, and the
 * checked builder for frames we send.
 *
 * Theory of operation
 *
 * A frame may arrive in one buffer (tap, stream) or split over several
 * segments (vhost-user descriptors). Parsers never see a raw pointer and a
 * length: they hold a struct pkt, a window [off, end) over the segments,
 * and read through the accessors below. Every accessor checks the window
 * first; a failed access sets a sticky error recording the calling
 * function and line (for trace logs) and every later access fails too, so
 * a parser can read a header field by field and check once.
 *
 * pkt_pull() returns a pointer to @len bytes: into the segment when the
 * bytes are contiguous there, otherwise into the caller's @buf after a
 * copy. The pointer has no alignment guarantee: read fields through
 * get_be16()/get_be32() or memcpy, never by casting to a struct.
 *
 * pkt_narrow() shrinks the window's end to what a header claims, after
 * checking the claim against what is there: a layer above cannot then see
 * padding or bytes beyond its datagram.
 *
 * The builder (struct pbuf) writes replies into a fixed buffer with the
 * same discipline: writes past the capacity set a sticky error and write
 * nothing, so a reply can never overrun. Check pbuf_ok() once at the end.
 */
#ifndef BURROW_PKT_H
#define BURROW_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "util.h"

/* Most segments a frame handed up by a transport is made of. */
#define PKT_SEGS_MAX 65

struct pkt {
	const struct iovec *iov; /* segments of the frame */
	unsigned int niov;	 /* number of segments */
	size_t off;		 /* cursor: absolute offset from frame start */
	size_t end;		 /* window end, absolute, exclusive */
	bool err;		 /* sticky: an access failed */
	const char *err_func;	 /* where the first failure happened */
	int err_line;		 /* ... and its line */
	struct iovec one;	 /* storage for pkt_init_buf() */
};

void pkt_init(struct pkt *p, const struct iovec *iov, unsigned int niov);
void pkt_init_buf(struct pkt *p, const void *buf, size_t len);

/* pkt_left() - bytes between the cursor and the window end (0 on error). */
static inline size_t pkt_left(const struct pkt *p)
{
	return p->err ? 0 : p->end - p->off;
}

/* pkt_ok() - false once any access has failed. */
static inline bool pkt_ok(const struct pkt *p)
{
	return !p->err;
}

/* pkt_offset() - the cursor's offset from the start of the frame. */
static inline size_t pkt_offset(const struct pkt *p)
{
	return p->off;
}

/* pkt_clone() - @dst becomes an independent copy of cursor @src (a plain
 * struct copy would leave a single-buffer cursor pointing into @src). */
static inline void pkt_clone(struct pkt *dst, const struct pkt *src)
{
	*dst = *src;
	if (src->iov == &src->one)
		dst->iov = &dst->one;
}

const void *pkt_pull_(struct pkt *p, size_t len, void *buf, const char *f,
		      int l) __must_check;
const void *pkt_peek_(struct pkt *p, size_t len, void *buf, const char *f,
		      int l) __must_check;
bool pkt_skip_(struct pkt *p, size_t len, const char *f, int l) __must_check;
bool pkt_copy_(struct pkt *p, void *dst, size_t len, const char *f,
	       int l) __must_check;
bool pkt_u8_(struct pkt *p, uint8_t *v, const char *f, int l) __must_check;
bool pkt_be16_(struct pkt *p, uint16_t *v, const char *f, int l) __must_check;
bool pkt_be32_(struct pkt *p, uint32_t *v, const char *f, int l) __must_check;
bool pkt_narrow_(struct pkt *p, size_t len, const char *f, int l) __must_check;
bool pkt_sub_(struct pkt *p, size_t len, struct pkt *sub, const char *f,
	      int l) __must_check;

/* Pull @len bytes and advance; returns NULL (and sets the error) if fewer
 * are left. @buf must hold @len bytes for the non-contiguous case. */
#define pkt_pull(p, len, buf) pkt_pull_(p, len, buf, __func__, __LINE__)
/* As pkt_pull() without advancing. */
#define pkt_peek(p, len, buf) pkt_peek_(p, len, buf, __func__, __LINE__)
/* Advance @len bytes. */
#define pkt_skip(p, len) pkt_skip_(p, len, __func__, __LINE__)
/* Copy @len bytes out to @dst and advance. */
#define pkt_copy(p, dst, len) pkt_copy_(p, dst, len, __func__, __LINE__)
#define pkt_u8(p, v) pkt_u8_(p, v, __func__, __LINE__)
#define pkt_be16(p, v) pkt_be16_(p, v, __func__, __LINE__)
#define pkt_be32(p, v) pkt_be32_(p, v, __func__, __LINE__)
/* Shrink the window to @len bytes from the cursor; fails if fewer left. */
#define pkt_narrow(p, len) pkt_narrow_(p, len, __func__, __LINE__)
/* @sub becomes a cursor over the next @len bytes; @p advances past them. */
#define pkt_sub(p, len, sub) pkt_sub_(p, len, sub, __func__, __LINE__)

/* pkt_iter() - visit the contiguous pieces of the window from the cursor,
 * without advancing. Used by checksums and copies out. Returns the number
 * of bytes visited. */
size_t pkt_iter(const struct pkt *p,
		void (*fn)(const void *data, size_t len, void *arg), void *arg);

/* The builder. */
struct pbuf {
	uint8_t *data;	      /* start of the buffer */
	size_t cap;	      /* capacity in bytes */
	size_t len;	      /* bytes written so far */
	bool err;	      /* sticky: a write did not fit */
	const char *err_func; /* where the first failure happened */
	int err_line;
};

void pbuf_init(struct pbuf *b, void *mem, size_t cap);

static inline bool pbuf_ok(const struct pbuf *b)
{
	return !b->err;
}

void *pbuf_put_(struct pbuf *b, size_t len, const char *f, int l);
void pbuf_u8_(struct pbuf *b, uint8_t v, const char *f, int l);
void pbuf_be16_(struct pbuf *b, uint16_t v, const char *f, int l);
void pbuf_be32_(struct pbuf *b, uint32_t v, const char *f, int l);
void pbuf_bytes_(struct pbuf *b, const void *src, size_t len, const char *f,
		 int l);
void *pbuf_at_(struct pbuf *b, size_t off, size_t len, const char *f, int l);

/* Reserve @len zeroed bytes at the end; NULL (sticky error) if no room. */
#define pbuf_put(b, len) pbuf_put_(b, len, __func__, __LINE__)
#define pbuf_u8(b, v) pbuf_u8_(b, v, __func__, __LINE__)
#define pbuf_be16(b, v) pbuf_be16_(b, v, __func__, __LINE__)
#define pbuf_be32(b, v) pbuf_be32_(b, v, __func__, __LINE__)
#define pbuf_bytes(b, src, len) pbuf_bytes_(b, src, len, __func__, __LINE__)
/* A pointer to @len already-written bytes at @off, for patching lengths and
 * checksums; NULL (sticky error) if the range was not written. */
#define pbuf_at(b, off, len) pbuf_at_(b, off, len, __func__, __LINE__)

#endif /* BURROW_PKT_H */
