/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap.h - --pcap FILE: every frame exchanged with the guest, in the
 * classic pcap format (microsecond timestamps, LINKTYPE_ETHERNET).
 */
#ifndef BURROW_PCAP_H
#define BURROW_PCAP_H

#include <stddef.h>
#include <sys/uio.h>

/* pcap_open() - create/truncate @path and write the file header; dies with
 * a clear line on failure. Does nothing for an empty path. */
void pcap_open(const char *path);
/* pcap_frame() - record one frame made of @n segments, @len bytes in all.
 * A no-op unless a file is open; write errors disable capture (logged). */
void pcap_frame(const struct iovec *iov, unsigned int n, size_t len);
/* pcap_frame_buf() - the same for a contiguous frame. */
void pcap_frame_buf(const void *buf, size_t len);

#endif /* BURROW_PCAP_H */
