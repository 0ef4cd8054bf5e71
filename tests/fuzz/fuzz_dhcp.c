// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dhcp.c - dhcp_reply() on arbitrary UDP payloads, contiguous and
 * split over two and three segments: the verdict and the reply must not
 * depend on the split, and a reply must respect the size rules.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/pkt.h"
#include "net/dhcp.h"

#define OUT_CAP 2048
#define GUARD 64

static struct conf fuzz_conf;

/* fuzz_conf_init() - a configuration using every option dhcp_reply() can
 * send, including a compressible search list. */
static void fuzz_conf_init(void)
{
	struct conf *c = &fuzz_conf;

	inet_pton(AF_INET, "10.0.2.15", &c->addr4);
	c->prefix4 = 24;
	inet_pton(AF_INET, "10.0.2.2", &c->gw4);
	inet_pton(AF_INET, "10.0.2.3", &c->dns4[0]);
	inet_pton(AF_INET, "9.9.9.9", &c->dns4[1]);
	c->dns4_n = 2;
	strcpy(c->search[0], "example.com");
	strcpy(c->search[1], "corp.example.com.");
	strcpy(c->search[2], "lab.corp.EXAMPLE.com");
	c->search_n = 3;
	c->mtu = 65520;
}

/* run() - one dhcp_reply() over @niov segments; checks the builder's
 * guard bytes and the reply size rules. */
static enum dhcp_verdict run(const struct iovec *iov, unsigned int niov,
			     uint8_t *out, size_t *len, struct dhcp_out *o)
{
	enum dhcp_verdict v;
	struct pbuf b;
	struct pkt p;
	size_t i;

	memset(out, 0xa5, OUT_CAP + GUARD);
	pkt_init(&p, iov, niov);
	pbuf_init(&b, out, OUT_CAP);
	memset(o, 0, sizeof(*o));
	v = dhcp_reply(&fuzz_conf, &p, &b, o);
	for (i = OUT_CAP; i < OUT_CAP + GUARD; i++)
		if (out[i] != 0xa5)
			abort();
	if ((unsigned int)v >= DHCP_VERDICT_COUNT)
		abort();
	*len = b.len;
	if (v == DHCP_REPLY && (b.len < 300 || b.len > OUT_CAP || out[0] != 2))
		abort();
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t ref[OUT_CAP + GUARD], out[OUT_CAP + GUARD];
	struct dhcp_out ref_o, o;
	size_t ref_len, len;
	enum dhcp_verdict ref_v, v;
	struct iovec iov[3];
	uint8_t *copy;

	if (!fuzz_conf.search_n)
		fuzz_conf_init();

	/* A heap copy: ASan sees a read one byte past the input */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, d, n);
	iov[0] = (struct iovec){copy, n};
	ref_v = run(iov, 1, ref, &ref_len, &ref_o);

	/* The same bytes in three uneven segments */
	iov[0] = (struct iovec){copy, n / 3};
	iov[1] = (struct iovec){copy + n / 3, n / 2 - n / 3};
	iov[2] = (struct iovec){copy + n / 2, n - n / 2};
	v = run(iov, 3, out, &len, &o);
	if (v != ref_v)
		abort();
	if (v == DHCP_REPLY && (len != ref_len || memcmp(out, ref, len) ||
				memcmp(&o, &ref_o, sizeof(o))))
		abort();
	free(copy);
	return 0;
}
