// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_procnet.c - libFuzzer target for procnet_parse(): the input is the
 * text of a /proc/net table; the first byte picks the state and address
 * filter. Checks that the parse stops on a line boundary and that only
 * port bits 1-65535 can be set.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "flow/procnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t ports[65536 / 8];
	uint8_t state;
	enum procnet_reach reach;
	size_t used;

	if (!n)
		return 0;
	state = d[0] & 1 ? PROCNET_TCP_LISTEN : PROCNET_UDP_UNCONN;
	reach = d[0] & 2 ? PROCNET_REACH_LOOP : PROCNET_REACH_REMOTE;
	memset(ports, 0, sizeof(ports));
	used = procnet_parse((const char *)d + 1, n - 1, state, reach, ports);
	ASSERT(used <= n - 1);
	ASSERT(!used || d[used] == '\n'); /* d + 1 + used - 1 */
	ASSERT(!(ports[0] & 1));	  /* port 0 is never "bound" */
	return 0;
}
