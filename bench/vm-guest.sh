#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/vm-guest.sh - /test.sh of the benchmark guest (bench/vm.sh). The
# test guest's /init (tests/guest/init) runs it with the serial console
# (ttyS0) as stdin and stdout. It takes a DHCP lease, says "@R ready",
# then runs one command per line read from the console and answers each
# with one "@R ..." line. The host side (bench/vm_driver.py) listens on
# its loopback, which the daemon under test maps to the gateway address:
#
#   up PORT COUNT     connect to gateway:PORT, send COUNT x 64 KiB of
#                     zeros (dd writes straight into the socket), close
#   down PORT         connect, read to EOF into dd (64 KiB reads), then
#                     write one byte "x" back: the host's end-of-transfer
#                     signal; "@R down RC <dd's records-in line>"
#   rr PORT           connect and echo whatever arrives (cat on the
#                     socket) until the host closes: TCP ping-pong
#   ping COUNT SIZE   busybox ping -A (next request as soon as the reply
#                     is in) to the gateway; "@R ping RC <summary>"
#   quit              exit (the guest powers off)
#
# busybox nc -e PROG runs PROG with the socket as its stdin and stdout;
# everything after -e is PROG's argument list.

# our commands must not be echoed back into the output
stty -echo 2>/dev/null

if ! udhcpc -i eth0 -n -q -t 5 -T 2 >/tmp/udhcpc.log 2>&1; then
	echo "@R fail udhcpc: $(tr '\n' ' ' </tmp/udhcpc.log)"
	exit 10
fi
# shellcheck disable=SC1091 # written by the udhcpc script
. /run/udhcpc.eth0.env
# shellcheck disable=SC2154 # $router and $ip come from the lease
gw=$router
# features: the virtio feature bits the driver accepted, bit 0 first
# shellcheck disable=SC2154
echo "@R ready ip=$ip gw=$gw mtu=$(cat /sys/class/net/eth0/mtu)" \
	"features=$(cat /sys/class/net/eth0/device/features)" \
	"kernel=$(uname -r)"

oneline() { tr '\n' ' ' <"$1"; }

while read -r cmd a b; do
	case "$cmd" in
	up)
		nc -w 10 "$gw" "$a" -e dd if=/dev/zero bs=65536 count="$b" \
			</dev/null >/dev/null 2>/tmp/err
		echo "@R up $? $(oneline /tmp/err)"
		;;
	down)
		rm -f /tmp/dd
		nc -w 10 "$gw" "$a" -e sh -c \
			'dd of=/dev/null bs=65536 iflag=fullblock 2>/tmp/dd; echo x' \
			</dev/null >/dev/null 2>/tmp/err
		rc=$?
		echo "@R down $rc $(head -n 1 /tmp/dd 2>/dev/null)" \
			"$(oneline /tmp/err)"
		;;
	rr)
		nc -w 10 "$gw" "$a" -e cat </dev/null >/dev/null 2>/tmp/err
		echo "@R rr $? $(oneline /tmp/err)"
		;;
	ping)
		ping -q -A -c "$a" -s "${b:-56}" -W 5 "$gw" </dev/null \
			>/tmp/ping 2>&1
		echo "@R ping $? $(oneline /tmp/ping)"
		;;
	quit)
		echo "@R bye"
		exit 0
		;;
	'') ;;
	*) echo "@R err unknown command: $cmd" ;;
	esac
done
echo "@R eof"
