// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_procnet.c - procnet_parse() on the kernel's formats (IPv4, IPv6,
 * TCP and UDP states, loopback, wildcard and other addresses), broken and
 * incomplete lines; procnet_scan() on this process's real
 * /proc/self/net/tcp with a socket listening on a known port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "flow/procnet.h"

static uint8_t ports[65536 / 8];

static bool has(unsigned int p)
{
	return ports[p / 8] & (1U << (p % 8));
}

static unsigned int count(void)
{
	unsigned int p, n = 0;

	for (p = 0; p < 65536; p++)
		n += has(p);
	return n;
}

static const char tcp4[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
	"retrnsmt   uid  timeout inode\n"
	/* 127.0.0.1:8080 listening */
	"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	"00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n"
	/* 0.0.0.0:22 listening */
	"   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 "
	"00000000     0        0 2 1 0000000000000000 100 0 0 10 0\n"
	/* 192.168.100.2:443 listening */
	"   2: 0264A8C0:01BB 00000000:0000 0A 00000000:00000000 00:00000000 "
	"00000000     0        0 3 1 0000000000000000 100 0 0 10 0\n"
	/* 192.168.100.2:50000 established to .1:80: not listening */
	"   3: 0264A8C0:C350 0164A8C0:0050 01 00000000:00000000 00:00000000 "
	"00000000     0        0 4 1 0000000000000000 20 4 30 10 -1\n";

static const char tcp6[] =
	"  sl  local_address                         remote_address          "
	"              st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	"timeout inode\n"
	/* [::1]:8081 */
	"   0: 00000000000000000000000001000000:1F91 "
	"00000000000000000000000000000000:0000 0A 00000000:00000000 "
	"00:00000000 00000000     0        0 5 1 0 100 0 0 10 0\n"
	/* [::]:80 */
	"   1: 00000000000000000000000000000000:0050 "
	"00000000000000000000000000000000:0000 0A 00000000:00000000 "
	"00:00000000 00000000     0        0 6 1 0 100 0 0 10 0\n"
	/* [::ffff:127.0.0.1]:10000 */
	"   2: 0000000000000000FFFF00000100007F:2710 "
	"00000000000000000000000000000000:0000 0A 00000000:00000000 "
	"00:00000000 00000000     0        0 7 1 0 100 0 0 10 0\n"
	/* [2001:db8::1]:9000 */
	"   3: B80D0120000000000000000001000000:2328 "
	"00000000000000000000000000000000:0000 0A 00000000:00000000 "
	"00:00000000 00000000     0        0 8 1 0 100 0 0 10 0\n";

static void setup_clear(void)
{
	memset(ports, 0, sizeof(ports));
}

static void test_tcp4_remote(void **state)
{
	(void)state;
	setup_clear();
	assert_int_equal(procnet_parse(tcp4, sizeof(tcp4) - 1,
				       PROCNET_TCP_LISTEN, PROCNET_REACH_REMOTE,
				       ports),
			 sizeof(tcp4) - 1);
	assert_true(has(22) && has(443));
	assert_false(has(8080));  /* loopback only */
	assert_false(has(50000)); /* established */
	assert_int_equal(count(), 2);
}

static void test_tcp4_loop(void **state)
{
	(void)state;
	setup_clear();
	procnet_parse(tcp4, sizeof(tcp4) - 1, PROCNET_TCP_LISTEN,
		      PROCNET_REACH_LOOP, ports);
	assert_true(has(8080) && has(22));
	assert_false(has(443)); /* another address: not on loopback */
	assert_int_equal(count(), 2);
}

static void test_tcp6(void **state)
{
	(void)state;
	setup_clear();
	procnet_parse(tcp6, sizeof(tcp6) - 1, PROCNET_TCP_LISTEN,
		      PROCNET_REACH_LOOP, ports);
	assert_true(has(8081) && has(80) && has(10000));
	assert_false(has(9000));
	assert_int_equal(count(), 3);
	setup_clear();
	procnet_parse(tcp6, sizeof(tcp6) - 1, PROCNET_TCP_LISTEN,
		      PROCNET_REACH_REMOTE, ports);
	assert_true(has(80) && has(9000));
	assert_int_equal(count(), 2);
}

static void test_udp_state(void **state)
{
	static const char udp[] =
		"   0: 00000000:0035 00000000:0000 07 00000000:00000000 "
		"00:00000000 00000000     0        0 9 2 0 0\n"
		"   1: 0264A8C0:9C40 0164A8C0:0035 01 00000000:00000000 "
		"00:00000000 00000000     0        0 10 2 0 0\n";

	(void)state;
	setup_clear();
	procnet_parse(udp, sizeof(udp) - 1, PROCNET_UDP_UNCONN,
		      PROCNET_REACH_REMOTE, ports);
	assert_true(has(53));
	assert_int_equal(count(), 1); /* the connected one is not a server */
}

static void test_incomplete_and_garbage(void **state)
{
	static const char bad[] =
		"garbage\n"
		"   0: 0100007G:1F90 00000000:0000 0A x\n"  /* bad hex */
		"   0: 0100007F:1F90 00000000:0000 0AB x\n" /* long state */
		"   0: 01007F:1F90 00000000:0000 0A x\n"    /* short addr */
		"   0: 00000000:0000 00000000:0000 0A x\n"  /* port 0 */
		"0:00000000:0050 00000000:0000 0A x\n"	    /* no space */
		"\n"
		"   0: 00000000:0051 00000000:0000 0A\n" /* ends at state */
		"   7: 00000000:0052 00000000:00";	 /* cut */
	size_t len = sizeof(bad) - 1, used;

	(void)state;
	setup_clear();
	used = procnet_parse(bad, len, PROCNET_TCP_LISTEN, PROCNET_REACH_LOOP,
			     ports);
	assert_int_equal(bad[used - 1], '\n');
	assert_string_equal(bad + used, "   7: 00000000:0052 00000000:00");
	assert_true(has(0x51));
	assert_int_equal(count(), 1);
}

/* A real listener on 127.0.0.1 shows up in the real table. */
static void test_scan_real(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int s, fd, i, held[200];
	uint16_t port;

	(void)state;
	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 1), 0);
	/* Enough other listeners that the table spans several reads */
	for (i = 0; i < 200; i++) {
		struct sockaddr_in a = sa;

		held[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(held[i] >= 0);
		assert_int_equal(
			bind(held[i], (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(held[i], 1), 0);
	}
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	fd = open("/proc/self/net/tcp", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	setup_clear();
	assert_int_equal(
		procnet_scan(fd, PROCNET_TCP_LISTEN, PROCNET_REACH_LOOP, ports),
		0);
	assert_true(has(port));
	assert_true(count() >= 201);
	/* Read again through the same descriptor: still there, then gone */
	close(s);
	setup_clear();
	assert_int_equal(
		procnet_scan(fd, PROCNET_TCP_LISTEN, PROCNET_REACH_LOOP, ports),
		0);
	assert_false(has(port));
	for (i = 0; i < 200; i++)
		close(held[i]);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_remote),
		cmocka_unit_test(test_tcp4_loop),
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_udp_state),
		cmocka_unit_test(test_incomplete_and_garbage),
		cmocka_unit_test(test_scan_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
