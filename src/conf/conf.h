/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h - burrow's configuration: what the command line and the host
 * decided at start-up. Filled once by conf_parse() and read-only after.
 */
#ifndef BURROW_CONF_H
#define BURROW_CONF_H

#include <limits.h>
#include <stddef.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "fwd_spec.h"

#define CONF_DNS_MAX 3	     /* resolvers handed to the guest, per family */
#define CONF_SEARCH_MAX 6    /* search domains */
#define CONF_SEARCH_LEN 254  /* longest search domain, in text form */
#define CONF_RESOLVERS_MAX 4 /* host resolvers we forward to, per family */
#define CONF_MTU_MIN 68
#define CONF_MTU_MAX 65520
#define CONF_MTU_DEFAULT 65520
#define CONF_BUSY_POLL_MAX 1000 /* --busy-poll, microseconds */
#define CONF_BUSY_POLL_DEFAULT 50
#define CONF_MTU6_MIN 1280 /* below this IPv6 is disabled on the link */

enum conf_mode {
	CONF_MODE_NS,	     /* pasta-like: a network namespace behind a tap */
	CONF_MODE_VM_STREAM, /* passt-like: QEMU over a UNIX stream socket */
	CONF_MODE_VM_VU,     /* vhost-user virtio-net back-end */
	CONF_MODE_COUNT,
};

struct conf {
	enum conf_mode mode;

	/* Families */
	bool v4; /* IPv4 enabled (not -6 only, and usable) */
	bool v6; /* IPv6 enabled */

	/* IPv4 as seen by the guest */
	struct in_addr addr4; /* guest address (-a) */
	unsigned int prefix4; /* prefix length (-n) */
	struct in_addr gw4;   /* gateway (-g); reaches the host itself */
	struct in_addr dns4[CONF_DNS_MAX]; /* DNS servers handed out (-D) */
	unsigned int dns4_n;

	/* IPv6 as seen by the guest */
	struct in6_addr addr6; /* guest global address */
	unsigned int prefix6;  /* on-link prefix length, normally 64 */
	struct in6_addr gw6;   /* gateway global address; reaches the host */
	struct in6_addr ll6;   /* our link-local address: router, NDP */
	struct in6_addr dns6[CONF_DNS_MAX];
	unsigned int dns6_n;

	/* Search domains (-S), dotted text, handed out by DHCP/DHCPv6/RA */
	char search[CONF_SEARCH_MAX][CONF_SEARCH_LEN + 1];
	unsigned int search_n;

	/*
	 * DNS forwarding: queries the guest sends to dns_fwd4/6 port 53 go to
	 * the host's resolvers from /etc/resolv.conf (first that is set).
	 * Zero address: no forwarding for that family.
	 */
	struct in_addr dns_fwd4;
	struct in6_addr dns_fwd6;
	struct in_addr resolver4[CONF_RESOLVERS_MAX];
	unsigned int resolver4_n;
	struct in6_addr resolver6[CONF_RESOLVERS_MAX];
	unsigned int resolver6_n;

	/* Link */
	uint8_t our_mac[6];    /* our (the gateway's) MAC address */
	unsigned int mtu;      /* --mtu, announced by DHCP and RA */
	char ifname[IFNAMSIZ]; /* -I: tap name inside the namespace */

	/* Services */
	bool no_dhcp, no_ndp, no_dhcpv6, no_ra;
	bool config_net; /* --config-net: configure the tap ourselves */
	bool no_map_gw;	 /* --no-map-gw: gateway is not the host */

	/* Namespace */
	char netns[PATH_MAX];  /* --netns PATH, or /proc/PID/ns/net; "" new */
	char userns[PATH_MAX]; /* --userns PATH; "" = none/own */

	/* Port forwarding */
	struct fwd_spec tcp_in;	 /* -t: host ports to the guest */
	struct fwd_spec udp_in;	 /* -u */
	struct fwd_spec tcp_out; /* -T: guest loopback to host loopback */
	struct fwd_spec udp_out; /* -U */
	uint16_t ephemeral_min;	 /* "all" forwards stop below this port:
				  * the host's ip_local_port_range start */

	/* VM mode (--socket / --fd) */
	char socket[108]; /* -s: UNIX socket path to listen on */
	/* -s tcp:ADDR:PORT: a loopback TCP address instead (QEMU's old
	 * -netdev socket,connect=), socket_tcp_len 0 if not */
	union {
		struct sockaddr_in a4;
		struct sockaddr_in6 a6;
	} socket_tcp;
	unsigned int socket_tcp_len;
	int fd;	      /* -F: an already connected socket, or -1 */
	bool one_off; /* -1: exit when the front-end goes away */

	/* Process */
	bool foreground; /* -f */
	bool quiet, debug, trace;
	char pcap[PATH_MAX];	/* --pcap FILE, "" = none */
	char pidfile[PATH_MAX]; /* -P FILE, "" = none */
	/* --busy-poll: after a wake-up, poll this long (microseconds) for
	 * the next event before sleeping, while events come that fast */
	unsigned int busy_poll_us;
	char **cmd; /* command to run (NULL: the user's shell) */
	int cmd_n;
	/* --debug-forbidden-syscall (hidden): after entering the sandbox,
	 * make a system call the filter forbids, for the tests */
	bool debug_forbidden_syscall;

	/* What the command line gave explicitly (conf_host_defaults() fills
	 * in the rest from the host) */
	bool dns_given;	   /* -D given, "none" included */
	bool search_given; /* -S given, "none" included */
};

#define CONF_IFNAME_DEFAULT "eth0" /* without a host default route */
#define CONF_PREFIX6_DEFAULT 64
/* our_mac default: locally administered, "burrw" */
#define CONF_MAC_DEFAULT                                                       \
	{                                                                      \
		0x02, 0x62, 0x75, 0x72, 0x72, 0x77                             \
	}

/* conf_parse() - fill @c from the command line and the host's network
 * state (default route, addresses, resolv.conf). On any bad option or
 * value prints one line naming the option and the reason and exits 1;
 * --help and --version print and exit 0. */
void conf_parse(struct conf *c, int argc, char **argv);

/* conf_parse_args() - the command-line half of conf_parse(): zero @c, set
 * the built-in defaults, apply the options. No host lookups (testable).
 * Returns 0 to go on; 1 if --help or --version was printed to stdout (the
 * caller exits 0); -1 on a bad option or value, with one line "OPTION:
 * reason" (the option as the user spelled it, no "burrow: " prefix, no
 * newline) in @err. Leaves getopt's state reset for the next call. */
int conf_parse_args(struct conf *c, int argc, char **argv, char *err,
		    size_t err_len);

/* conf_host_defaults() - the host half: fill whatever the options left
 * open from the host's default routes, addresses (netlink) and
 * /etc/resolv.conf, as --help describes. Dies with one line if neither
 * IPv4 nor IPv6 is left usable. Defined in conf_host.c, so that programs
 * using only conf_parse_args() do not need netlink. */
void conf_host_defaults(struct conf *c);

#endif /* BURROW_CONF_H */
