#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/vm.sh - the VM section of the benchmark: QEMU guests (TCG) served
# by burrow over a stream socket, burrow as a vhost-user back-end (split
# and packed rings), and Debian's passt over a stream socket, side by
# side in one run. Prints a table of medians with the ratios X/passt and
# writes the raw numbers as JSON. No asserts.
#
#   bench/vm.sh [--quick] [--out FILE] [--peers LIST] [--runs N] [--secs S]
#
# Network safety: the daemons and the host-side ends of every test run in
# a network namespace made here, bv-host-T (a veth to a second one,
# bv-net-T, gives it an address and a default route to derive the guest's
# configuration from; nothing listens there). The QEMUs run in a third,
# empty namespace, bv-vm-T: a guest's only link is its daemon's unix
# socket, and the guests reach the host namespace's loopback through the
# daemons' gateway mapping. On exit (also on failure or ^C) the trap stops
# every process started here, by PID, then whatever is left inside these
# namespaces, and deletes the namespaces and the work directory.
#
# The guest side and the measurements: bench/vm_driver.py and
# bench/vm-guest.sh. What the figures mean: bench/README.md.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")

QUICK=0
OUT="$HERE/last-vm-run.json"
PEERS="passt burrow-stream burrow-vu-split burrow-vu-packed"
RUNS=
SECS=
UP_MIB=0
DOWN_MIB=0
BURROW_BIN=${BURROW_BIN:-$REPO/burrow}
PASST_BIN=${PASST_BIN:-passt}
# passt drops root by itself (to nobody); its socket directory must be
# writable by that identity.
PASST_RUNAS=${PASST_RUNAS:-nobody}
GUEST_DIR=${BURROW_GUEST_DIR:-$REPO/build/guest}

usage() {
	cat <<EOF
Usage: bench/vm.sh [OPTION]...
TCP throughput both ways, TCP and ICMP round-trip latency, daemon CPU
per GiB and peak RSS for QEMU (TCG) guests served by burrow (stream,
vhost-user split, vhost-user packed) and passt (stream). Needs root
(network namespaces); everything runs in namespaces made here.

  --quick          CI smoke: 1 run, 1 s figures (about 1 min in all)
  --out FILE       raw numbers as JSON (default: bench/last-vm-run.json)
  --peers LIST     subset, space or comma separated
                   (default: "$PEERS")
  --runs N         runs per figure (default 5; --quick: 1)
  --secs S         target seconds per transfer and per TCP RR run
                   (default 4; --quick: 1)
  --mib UP[,DOWN]  fixed transfer sizes in MiB (default: sized from the
                   warm-up so that a transfer takes about S seconds)
  -h, --help       this text

Environment: BURROW_BIN (default ./burrow), PASST_BIN, PASST_RUNAS
(default nobody), BURROW_ARGS (extra burrow options), BURROW_GUEST_DIR
(a prebuilt guest; default build/guest, built by tests/guest/build.sh),
BENCH_KEEP=1 keeps the work dir (daemon logs, guest consoles).
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--out) OUT=$2; shift ;;
	--out=*) OUT=${1#--out=} ;;
	--peers) PEERS=${2//,/ }; shift ;;
	--peers=*) PEERS=${1#--peers=}; PEERS=${PEERS//,/ } ;;
	--runs) RUNS=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--mib) UP_MIB=${2%%,*}; DOWN_MIB=${2##*,}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "vm.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	RUNS=${RUNS:-1}
	SECS=${SECS:-1}
else
	RUNS=${RUNS:-5}
	SECS=${SECS:-4}
fi
case "$RUNS$SECS$UP_MIB$DOWN_MIB" in
*[!0-9]*) echo "vm.sh: --runs, --secs and --mib take integers" >&2; exit 2 ;;
esac
for p in $PEERS; do
	case "$p" in
	passt|burrow-stream|burrow-vu-split|burrow-vu-packed) ;;
	*) echo "vm.sh: unknown peer $p" >&2; exit 2 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "vm.sh: needs root (network namespaces)" >&2
	exit 1
fi
for t in ip python3 qemu-system-x86_64; do
	command -v "$t" >/dev/null || {
		echo "vm.sh: $t is missing (tests/install-deps.sh," \
			"tests/guest/build.sh)" >&2
		exit 1
	}
done
case " $PEERS " in
*" passt "*)
	command -v "$PASST_BIN" >/dev/null || {
		echo "vm.sh: $PASST_BIN is missing (package passt)" >&2
		exit 1
	} ;;
esac
case "$PEERS" in
*burrow*)
	[ -x "$BURROW_BIN" ] || {
		echo "vm.sh: $BURROW_BIN missing (run make)" >&2
		exit 1
	} ;;
esac

log() { echo "[vm-bench] $*" >&2; }

# The guest (cached: quick when up to date).
if [ -z "${BURROW_GUEST_DIR:-}" ]; then
	"$REPO/tests/guest/build.sh" "$GUEST_DIR" </dev/null >&2 || {
		log "tests/guest/build.sh failed"
		exit 1
	}
fi
for f in vmlinuz initramfs.gz; do
	[ -s "$GUEST_DIR/$f" ] || { log "$GUEST_DIR/$f missing"; exit 1; }
done

# -- names --------------------------------------------------------------
TAG=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
HOSTNS=bv-host-$TAG
NETNS=bv-net-$TAG
VMNS=bv-vm-$TAG
HOST4=198.51.100.2	# the host namespace's address: the guests' lease
GW4=198.51.100.1	# bv-net-T; the guests' gateway = host's loopback

WORK=$(mktemp -d /tmp/burrow-vmbench.XXXXXX)
chmod 711 "$WORK"	# passt (nobody) reaches its socket directory
CREATED_NS=()
PIDS=()

# -- clean-up, always ---------------------------------------------------
cleanup() {
	local pid ns pids
	trap - EXIT INT TERM
	# the driver first: it stops its guests on SIGTERM
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.5
	# QEMUs the driver started (if it could not stop them itself)
	if [ -s "$WORK/qemu.pids" ]; then
		while read -r pid; do
			PIDS+=("$pid")
		done <"$WORK/qemu.pids"
	fi
	for pid in "${PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in "${CREATED_NS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -z "$pids" ] && break
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/$HOSTNS"
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "vm.sh: work dir kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'echo "vm.sh: interrupted" >&2; exit 130' INT TERM

mkns() {
	ip netns add "$1" || return 1
	CREATED_NS+=("$1")
	ip -n "$1" link set lo up
}

# bg NS LOG CMD...: CMD in namespace NS, in the background; its PID in
# BG_PID (ip netns exec execs CMD, so it is CMD's own PID).
bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >"$logf" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

wait_sock() {	# PATH PID: until PATH is a socket; fails if PID exits
	local end=$((SECONDS + 10))
	until [ -S "$1" ]; do
		kill -0 "$2" 2>/dev/null || return 1
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# -- topology -----------------------------------------------------------
setup_topology() {
	local vh=bvh$TAG vn=bvn$TAG
	mkns "$HOSTNS" && mkns "$NETNS" && mkns "$VMNS" || return 1
	ip -n "$HOSTNS" link add "$vh" type veth peer name "$vn" \
		netns "$NETNS" || return 1
	ip -n "$HOSTNS" addr add $HOST4/24 dev "$vh"
	ip -n "$NETNS" addr add $GW4/24 dev "$vn"
	ip -n "$HOSTNS" link set "$vh" up
	ip -n "$NETNS" link set "$vn" up
	ip -n "$HOSTNS" route add default via $GW4 || return 1
	# ICMP echo to the gateway becomes a ping socket in the host
	# namespace: allow them for every group (passt runs as nobody).
	ip netns exec "$HOSTNS" sysctl -q -w \
		net.ipv4.ping_group_range="0 2147483647" >/dev/null
	# The daemons read resolv.conf; point it at nothing outside.
	mkdir -p "/etc/netns/$HOSTNS"
	echo "nameserver 127.0.0.1" >"/etc/netns/$HOSTNS/resolv.conf"
}

# -- daemons ------------------------------------------------------------
# Each peer serves one unix socket; QEMU connects to it.
start_peer() {
	local peer=$1 logf=$WORK/$1.log sock transport pid
	mkdir -p "$WORK/$peer"
	sock=$WORK/$peer/sock
	case "$peer" in
	passt)
		transport=stream
		chown "$PASST_RUNAS" "$WORK/$peer" || return 1
		bg "$HOSTNS" "$logf" "$PASST_BIN" -f -e --runas "$PASST_RUNAS" \
			-s "$sock" -t none -u none
		;;
	burrow-stream)
		transport=stream
		# shellcheck disable=SC2086
		bg "$HOSTNS" "$logf" "$BURROW_BIN" -f -q -s "$sock" \
			${BURROW_ARGS:-}
		;;
	burrow-vu-split|burrow-vu-packed)
		transport=vhost-${peer#burrow-vu-}
		# shellcheck disable=SC2086
		bg "$HOSTNS" "$logf" "$BURROW_BIN" -f -q --vhost-user \
			-s "$sock" ${BURROW_ARGS:-}
		;;
	esac
	pid=$BG_PID
	if ! wait_sock "$sock" "$pid"; then
		log "$peer: no socket after 10 s; log: $(tail -c 600 "$logf")"
		return 1
	fi
	PEER_ARGS+=(--peer "$peer:$transport:$sock:$pid:$logf")
	log "$peer: pid $pid, socket $sock"
}

versions() {
	local b p q
	b=$("$BURROW_BIN" --version 2>/dev/null | head -1)
	# the checkout's state says something only about its own binary
	[ "$BURROW_BIN" -ef "$REPO/burrow" ] && [ -d "$REPO/.git" ] &&
		b="$b (checkout: git $(git -C "$REPO" describe --always \
			--dirty 2>/dev/null))"
	b="$b, $BURROW_BIN, sha256 $(sha256sum <"$BURROW_BIN" | cut -c1-16)"
	p=$(dpkg-query -W -f '${Version}' passt 2>/dev/null)
	q=$(qemu-system-x86_64 --version | head -1)
	printf '%s\n%s\n%s\n' "$b" "${p:-unknown}" "$q"
}

# -- main ---------------------------------------------------------------
mapfile -t VERS < <(versions)
setup_topology || { log "topology set-up failed"; exit 1; }
PEER_ARGS=()
for p in $PEERS; do
	start_peer "$p" || log "$p: left out"
done
[ ${#PEER_ARGS[@]} -eq 0 ] && { log "no peer started"; exit 1; }
log "mode: $([ $QUICK = 1 ] && echo quick || echo full), $RUNS run(s)," \
	"$SECS s per figure; load average $(cut -d' ' -f1-3 /proc/loadavg)"

ip netns exec "$HOSTNS" python3 "$HERE/vm_driver.py" \
	--work "$WORK" --guest "$GUEST_DIR" --vmns "$VMNS" --netns "$NETNS" \
	--out "$OUT" \
	--runs "$RUNS" --secs "$SECS" --up-mib "$UP_MIB" \
	--down-mib "$DOWN_MIB" --mode "$([ $QUICK = 1 ] && echo quick ||
		echo full)" \
	--meta "burrow=${VERS[0]}" --meta "passt=${VERS[1]}" \
	--meta "qemu=${VERS[2]}" --meta "burrow_args=${BURROW_ARGS:-}" \
	--meta "passt_runas=$PASST_RUNAS" \
	--meta "guest_manifest=$(tr '\n' ' ' <"$GUEST_DIR/manifest" 2>/dev/null)" \
	"${PEER_ARGS[@]}" &
DRIVER=$!
PIDS+=("$DRIVER")
# the driver's status is the script's (the EXIT trap keeps it)
wait "$DRIVER"
