// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pkt.c - bounds-checked cursor and builder; see pkt.h for the theory.
 */
#include <string.h>

#include "log.h"
#include "pkt.h"

/* pkt_init() - a cursor over all bytes of @niov segments. */
void pkt_init(struct pkt *p, const struct iovec *iov, unsigned int niov)
{
	size_t total = 0;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < niov; i++)
		total += iov[i].iov_len;
	p->iov = iov;
	p->niov = niov;
	p->end = total;
}

/* pkt_init_buf() - a cursor over one contiguous buffer. */
void pkt_init_buf(struct pkt *p, const void *buf, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->one.iov_base = (void *)(uintptr_t)buf;
	p->one.iov_len = len;
	p->iov = &p->one;
	p->niov = 1;
	p->end = len;
}

static void pkt_fail(struct pkt *p, const char *f, int l)
{
	if (!p->err) {
		p->err = true;
		p->err_func = f;
		p->err_line = l;
		trace("pkt: short read in %s:%d at offset %zu", f, l, p->off);
	}
}

/* pkt_check() - true if @len bytes are available from the cursor. */
static bool pkt_check(struct pkt *p, size_t len, const char *f, int l)
{
	if (p->err || len > p->end - p->off) {
		pkt_fail(p, f, l);
		return false;
	}
	return true;
}

/* pkt_locate() - the segment holding absolute offset @off, and the offset
 * within it. Caller guarantees @off < total length. */
static unsigned int pkt_locate(const struct pkt *p, size_t off, size_t *seg_off)
{
	unsigned int i;

	for (i = 0; i < p->niov; i++) {
		if (off < p->iov[i].iov_len) {
			*seg_off = off;
			return i;
		}
		off -= p->iov[i].iov_len;
	}
	ASSERT(0);
	return 0;
}

/* pkt_gather() - copy @len bytes from absolute offset @off into @dst. */
static void pkt_gather(const struct pkt *p, size_t off, void *dst, size_t len)
{
	uint8_t *d = dst;
	size_t so;
	unsigned int i;

	if (!len)
		return;
	i = pkt_locate(p, off, &so);
	while (len) {
		size_t n = MIN(len, p->iov[i].iov_len - so);

		memcpy(d, (const uint8_t *)p->iov[i].iov_base + so, n);
		d += n;
		len -= n;
		so = 0;
		i++;
	}
}

const void *pkt_peek_(struct pkt *p, size_t len, void *buf, const char *f,
		      int l)
{
	static const uint8_t empty;
	size_t so;
	unsigned int i;

	if (!pkt_check(p, len, f, l))
		return NULL;
	if (!len)
		return &empty;
	i = pkt_locate(p, p->off, &so);
	if (p->iov[i].iov_len - so >= len)
		return (const uint8_t *)p->iov[i].iov_base + so;
	pkt_gather(p, p->off, buf, len);
	return buf;
}

const void *pkt_pull_(struct pkt *p, size_t len, void *buf, const char *f,
		      int l)
{
	const void *r = pkt_peek_(p, len, buf, f, l);

	if (r)
		p->off += len;
	return r;
}

bool pkt_skip_(struct pkt *p, size_t len, const char *f, int l)
{
	if (!pkt_check(p, len, f, l))
		return false;
	p->off += len;
	return true;
}

bool pkt_copy_(struct pkt *p, void *dst, size_t len, const char *f, int l)
{
	if (!pkt_check(p, len, f, l))
		return false;
	pkt_gather(p, p->off, dst, len);
	p->off += len;
	return true;
}

bool pkt_u8_(struct pkt *p, uint8_t *v, const char *f, int l)
{
	return pkt_copy_(p, v, 1, f, l);
}

bool pkt_be16_(struct pkt *p, uint16_t *v, const char *f, int l)
{
	uint8_t b[2];

	if (!pkt_copy_(p, b, 2, f, l))
		return false;
	*v = get_be16(b);
	return true;
}

bool pkt_be32_(struct pkt *p, uint32_t *v, const char *f, int l)
{
	uint8_t b[4];

	if (!pkt_copy_(p, b, 4, f, l))
		return false;
	*v = get_be32(b);
	return true;
}

bool pkt_narrow_(struct pkt *p, size_t len, const char *f, int l)
{
	if (!pkt_check(p, len, f, l))
		return false;
	p->end = p->off + len;
	return true;
}

bool pkt_sub_(struct pkt *p, size_t len, struct pkt *sub, const char *f, int l)
{
	if (!pkt_check(p, len, f, l)) {
		memset(sub, 0, sizeof(*sub));
		sub->err = true;
		sub->err_func = f;
		sub->err_line = l;
		return false;
	}
	pkt_clone(sub, p);
	sub->end = p->off + len;
	p->off += len;
	return true;
}

size_t pkt_iter(const struct pkt *p,
		void (*fn)(const void *data, size_t len, void *arg), void *arg)
{
	size_t left = pkt_left(p), done = 0, so;
	unsigned int i;

	if (!left)
		return 0;
	i = pkt_locate(p, p->off, &so);
	while (left) {
		size_t n = MIN(left, p->iov[i].iov_len - so);

		fn((const uint8_t *)p->iov[i].iov_base + so, n, arg);
		left -= n;
		done += n;
		so = 0;
		i++;
	}
	return done;
}

/* Builder */

void pbuf_init(struct pbuf *b, void *mem, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->data = mem;
	b->cap = cap;
}

static void pbuf_fail(struct pbuf *b, const char *f, int l)
{
	if (!b->err) {
		b->err = true;
		b->err_func = f;
		b->err_line = l;
		trace("pbuf: reply overflow in %s:%d", f, l);
	}
}

void *pbuf_put_(struct pbuf *b, size_t len, const char *f, int l)
{
	void *r;

	if (b->err || len > b->cap - b->len) {
		pbuf_fail(b, f, l);
		return NULL;
	}
	r = b->data + b->len;
	memset(r, 0, len);
	b->len += len;
	return r;
}

void pbuf_u8_(struct pbuf *b, uint8_t v, const char *f, int l)
{
	uint8_t *d = pbuf_put_(b, 1, f, l);

	if (d)
		*d = v;
}

void pbuf_be16_(struct pbuf *b, uint16_t v, const char *f, int l)
{
	uint8_t *d = pbuf_put_(b, 2, f, l);

	if (d)
		put_be16(d, v);
}

void pbuf_be32_(struct pbuf *b, uint32_t v, const char *f, int l)
{
	uint8_t *d = pbuf_put_(b, 4, f, l);

	if (d)
		put_be32(d, v);
}

void pbuf_bytes_(struct pbuf *b, const void *src, size_t len, const char *f,
		 int l)
{
	uint8_t *d = pbuf_put_(b, len, f, l);

	if (d && len)
		memcpy(d, src, len);
}

void *pbuf_at_(struct pbuf *b, size_t off, size_t len, const char *f, int l)
{
	if (b->err || off > b->len || len > b->len - off) {
		pbuf_fail(b, f, l);
		return NULL;
	}
	return b->data + off;
}
