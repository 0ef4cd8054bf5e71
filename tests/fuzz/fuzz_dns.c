// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dns.c - dns_query_check() on arbitrary UDP payloads, contiguous and
 * split over two segments: same verdict, same name, same type, and the
 * name text always terminated within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pkt.h"
#include "net/dns.h"

/* run() - one dns_query_check() over @niov segments into @name. */
static enum dns_verdict run(const struct iovec *iov, unsigned int niov,
			    char *name, size_t name_len, uint16_t *qtype)
{
	enum dns_verdict v;
	struct pkt p;

	pkt_init(&p, iov, niov);
	*qtype = 0;
	v = dns_query_check(&p, name, name_len, qtype);
	if ((unsigned int)v >= DNS_VERDICT_COUNT)
		abort();
	if (strnlen(name, name_len) >= name_len)
		abort();
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char ref[DNS_NAME_TEXT_MAX], name[DNS_NAME_TEXT_MAX], small[13];
	uint16_t ref_t, t;
	enum dns_verdict ref_v, v;
	struct iovec iov[2];
	uint8_t *copy;

	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, d, n);
	iov[0] = (struct iovec){copy, n};
	ref_v = run(iov, 1, ref, sizeof(ref), &ref_t);

	iov[0] = (struct iovec){copy, n / 2};
	iov[1] = (struct iovec){copy + n / 2, n - n / 2};
	v = run(iov, 2, name, sizeof(name), &t);
	if (v != ref_v || strcmp(name, ref) || t != ref_t)
		abort();

	/* A small name buffer truncates but never overruns */
	iov[0] = (struct iovec){copy, n};
	v = run(iov, 1, small, sizeof(small), &t);
	if (v != ref_v || strncmp(small, ref, strlen(small)))
		abort();
	free(copy);
	return 0;
}
