#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-deps.sh - install everything burrow's build and tests need, on
# Debian 12 (bookworm). Non-interactive; run as root (or with sudo).
set -euo pipefail

PACKAGES=(
	# build
	gcc clang make pkg-config git libseccomp-dev
	# static checks
	clang-format clang-tidy cppcheck
	# unit tests, fuzzing (libFuzzer + sanitizer runtimes)
	libcmocka-dev libclang-rt-14-dev valgrind
	# integration tests
	python3 python3-pytest python3-scapy
	iproute2 iputils-ping procps psmisc
	busybox udhcpc ndisc6 dnsutils dnsmasq-base tshark socat
	# QEMU test guest (the kernel and busybox-static are fetched with
	# apt-get download by tests/guest/build.sh, not installed)
	qemu-system-x86 xz-utils cpio
	# peers for comparison and benchmarks
	iperf3 passt slirp4netns sockperf
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "install-deps.sh: needs root (or sudo)" >&2
		exit 1
	}
	SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$SUDO debconf-set-selections

$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${PACKAGES[@]}" </dev/null
