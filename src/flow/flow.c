// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * flow.c - the flow table; see flow.h.
 */
#include <string.h>

#include "../core/util.h"
#include "flow.h"

#define FLOW_BUCKETS (FLOW_MAX * 2)
static_assert((FLOW_BUCKETS & (FLOW_BUCKETS - 1)) == 0,
	      "bucket count must be a power of two");

const char *const flow_type_name[] = {
	[FLOW_FREE] = "free",	      [FLOW_UDP] = "UDP",
	[FLOW_ICMP] = "ICMP",	      [FLOW_TCP] = "TCP",
	[FLOW_SPLICE] = "TCP splice", [FLOW_UDP_NS] = "UDP loopback",
};
static_assert(ARRAY_SIZE(flow_type_name) == FLOW_TYPE_COUNT, "flow type names");

static struct flow flow_tab[FLOW_MAX];
static uint32_t flow_bucket[FLOW_BUCKETS];
static uint32_t flow_free_head;
static unsigned int flow_used;
static bool flow_ready;

/* flow_init() - build the free list on first use. */
static void flow_init(void)
{
	uint32_t i;

	for (i = 0; i < FLOW_BUCKETS; i++)
		flow_bucket[i] = FLOW_NONE;
	for (i = 0; i < FLOW_MAX; i++) {
		flow_tab[i].next = i + 1 < FLOW_MAX ? i + 1 : FLOW_NONE;
		flow_tab[i].fd = -1;
		flow_tab[i].listen_fd = -1;
	}
	flow_free_head = 0;
	flow_ready = true;
}

/* FNV-1a over the key: keys are guest-chosen, but the table is per guest,
 * so a guest colliding its own flows only slows itself down. */
static uint32_t flow_hash(const struct flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h & (FLOW_BUCKETS - 1);
}

void flow_key_init(struct flow_key *k, enum flow_type type)
{
	memset(k, 0, sizeof(*k));
	k->type = (uint8_t)type;
}

struct flow *flow_lookup(const struct flow_key *k)
{
	uint32_t i;

	if (!flow_ready)
		flow_init();
	for (i = flow_bucket[flow_hash(k)]; i != FLOW_NONE;
	     i = flow_tab[i].next) {
		if (!memcmp(&flow_tab[i].key, k, sizeof(*k)))
			return &flow_tab[i];
	}
	return NULL;
}

struct flow *flow_alloc(const struct flow_key *k)
{
	uint32_t i, b;
	struct flow *f;

	if (!flow_ready)
		flow_init();
	ASSERT(k->type != FLOW_FREE && k->type < FLOW_TYPE_COUNT);
	if (flow_free_head == FLOW_NONE)
		return NULL;
	i = flow_free_head;
	f = &flow_tab[i];
	flow_free_head = f->next;
	{
		uint8_t gen = f->gen;

		memset(f, 0, sizeof(*f));
		f->gen = (uint8_t)(gen + 1);
	}
	f->key = *k;
	f->fd = -1;
	f->listen_fd = -1;
	b = flow_hash(k);
	f->next = flow_bucket[b];
	flow_bucket[b] = i;
	flow_used++;
	return f;
}

void flow_free(struct flow *f)
{
	uint32_t i = flow_idx(f), *pp;

	ASSERT(f->key.type != FLOW_FREE);
	for (pp = &flow_bucket[flow_hash(&f->key)]; *pp != FLOW_NONE;
	     pp = &flow_tab[*pp].next) {
		if (*pp == i) {
			*pp = f->next;
			break;
		}
	}
	memset(&f->key, 0, sizeof(f->key));
	f->fd = -1;
	f->listen_fd = -1;
	f->next = flow_free_head;
	flow_free_head = i;
	flow_used--;
}

struct flow *flow_at(uint32_t idx)
{
	if (idx >= FLOW_MAX || flow_tab[idx].key.type == FLOW_FREE)
		return NULL;
	return &flow_tab[idx];
}

struct flow *flow_at_ref(union epoll_ref ref)
{
	struct flow *f = flow_at(ref.idx);

	return f && f->gen == ref.gen ? f : NULL;
}

union epoll_ref flow_ref(const struct flow *f, enum epoll_kind kind, int fd)
{
	union epoll_ref ref = {.kind = kind, .fd = fd};

	ref.idx = flow_idx(f);
	ref.gen = f->gen;
	return ref;
}

uint32_t flow_idx(const struct flow *f)
{
	ASSERT(f >= flow_tab && f < flow_tab + FLOW_MAX);
	return (uint32_t)(f - flow_tab);
}

unsigned int flow_count(void)
{
	return flow_used;
}
