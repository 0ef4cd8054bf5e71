#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run.sh - one benchmark run of burrow against its peers (pasta,
# slirp4netns) and the host's loopback, on this machine, in one go.
# Prints a table and writes the raw numbers as JSON. No asserts.
#
#   bench/run.sh [--quick] [--out FILE] [--peers LIST] [--runs N] [--secs S]
#
# Network safety: everything runs in namespaces this script creates:
#
#   bb-g-<peer>-T --tap (daemon)-- bb-host-T --veth-- bb-net-T
#   (one guest per daemon)         198.51.100.2/24     198.51.100.1/24
#                                  servers on 0.0.0.0  (nothing listens)
#
# The daemons (burrow, pasta, slirp4netns) and every server run inside
# bb-host-T, never in the machine's own namespace; the veth pair is
# created inside bb-host-T directly. Clients talk to the host namespace's
# loopback (through each daemon's gateway mapping) and to the namespaces'
# own addresses only. On exit (also on failure or ^C) the trap stops
# every process started here (by PID, and whatever is left inside our
# namespaces) and deletes the namespaces.
#
# See bench/README.md for what each figure means and the caveats.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")

QUICK=0
OUT="$HERE/last-run.json"
PEERS="loopback pasta slirp4netns burrow"
RUNS=
SECS=
FIGURES="tput fwd lat conn"
BURROW_BIN=${BURROW_BIN:-$REPO/burrow}
PASTA_BIN=${PASTA_BIN:-pasta}
SLIRP_BIN=${SLIRP_BIN:-slirp4netns}
# pasta refuses to keep root; it opens /dev/net/tun (mode 0600 here) and
# the namespace before it drops to this identity.
PASTA_RUNAS=${PASTA_RUNAS:-0}

usage() {
	cat <<EOF
Usage: bench/run.sh [OPTION]...
Measure TCP throughput, request/response latency, connection rate and
peak RSS for host loopback, pasta, slirp4netns and burrow. Needs root
(network namespaces); everything runs in namespaces made here.

  --quick          CI smoke: 1 run x 1 s per figure (about 30 s total)
  --out FILE       raw numbers as JSON (default: bench/last-run.json)
  --peers LIST     subset, space or comma separated
                   (default: "$PEERS")
  --runs N         runs per figure (default 3; --quick: 1)
  --secs S         seconds per run, integer (default 5; --quick: 1)
  --figures LIST   subset of "$FIGURES" (throughput, -t forward,
                   latency, connection rate), space or comma separated
  -h, --help       this text

Environment: BURROW_BIN (default ./burrow), PASTA_BIN, SLIRP_BIN,
PASTA_RUNAS (pasta --runas, default 0), BURROW_ARGS (extra burrow
options, e.g. -d), BENCH_KEEP=1 keeps the work dir (daemon logs).
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
	--figures) FIGURES=${2//,/ }; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
for f in $FIGURES; do
	case "$f" in
	tput|fwd|lat|conn) ;;
	*) echo "run.sh: unknown figure $f (tput, fwd, lat, conn)" >&2; exit 2 ;;
	esac
done
if [ "$QUICK" = 1 ]; then
	RUNS=${RUNS:-1}
	SECS=${SECS:-1}
else
	RUNS=${RUNS:-3}
	SECS=${SECS:-5}
fi
case "$RUNS$SECS" in
*[!0-9]*) echo "run.sh: --runs and --secs take integers" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: needs root (network namespaces)" >&2
	exit 1
fi
for t in ip iperf3 python3 cc; do
	command -v "$t" >/dev/null || {
		echo "run.sh: $t is missing (tests/install-deps.sh)" >&2
		exit 1
	}
done
HAVE_SOCKPERF=0
command -v sockperf >/dev/null && HAVE_SOCKPERF=1

# -- addresses and ports ------------------------------------------------
TAG=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
HOSTNS=bb-host-$TAG
NETNS=bb-net-$TAG
HOST4=198.51.100.2	# the host namespace's own address (on the veth)
GW4=198.51.100.1	# the net namespace; guest gateway for pasta, burrow
SLIRP_GW=10.0.2.2	# slirp4netns: the host's loopback as the guest sees it
P_IPERF=5201		# host namespace: iperf3 server
P_SOCKPERF=11111	# host namespace: sockperf server
P_CONN=5300		# host namespace: connrate (5300 one-shot, 5301 echo)
P_GUEST=5202		# guests: iperf3 server, the target of -t forwards
declare -A FWD_PORT=([pasta]=5212 [burrow]=5222)

WORK=$(mktemp -d /tmp/burrow-bench.XXXXXX)
RAW=$WORK/raw.txt	# "peer figure value" lines
STATUS=$WORK/status.txt	# "peer ok|failed: reason" lines
: >"$RAW"
: >"$STATUS"
CREATED_NS=()
PIDS=()
declare -A DAEMON_PID=()
declare -A GUEST_NS=()

# -- clean-up, always ---------------------------------------------------
cleanup() {
	local pid ns
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.3
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
		echo "run.sh: work dir kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

log() { echo "[bench] $*" >&2; }

mkns() {
	ip netns add "$1" || return 1
	CREATED_NS+=("$1")
	ip -n "$1" link set lo up
	# Many short connections: a wide port range, per namespace.
	ip netns exec "$1" sysctl -q -w \
		net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1 >/dev/null
}

# bg NS LOG CMD... : start CMD in namespace NS in the background, remember
# its PID (ip netns exec execs it, so it is CMD's own PID).
bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >"$logf" 2>&1 &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# wait_until SECS CMD...: poll CMD until it succeeds.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# -- topology -----------------------------------------------------------
setup_topology() {
	local vh=bbh$TAG vn=bbn$TAG
	mkns "$HOSTNS" && mkns "$NETNS" || return 1
	ip -n "$HOSTNS" link add "$vh" type veth peer name "$vn" \
		netns "$NETNS" || return 1
	ip -n "$HOSTNS" addr add $HOST4/24 dev "$vh"
	ip -n "$NETNS" addr add $GW4/24 dev "$vn"
	ip -n "$HOSTNS" addr add 2001:db8:1::2/64 dev "$vh" nodad
	ip -n "$NETNS" addr add 2001:db8:1::1/64 dev "$vn" nodad
	ip -n "$HOSTNS" link set "$vh" up
	ip -n "$NETNS" link set "$vn" up
	ip -n "$HOSTNS" route add default via $GW4
	ip -n "$HOSTNS" -6 route add default via 2001:db8:1::1
	# The daemons read resolv.conf; point it at nothing outside.
	mkdir -p "/etc/netns/$HOSTNS"
	echo "nameserver 127.0.0.1" >"/etc/netns/$HOSTNS/resolv.conf"
}

start_servers() {
	bg "$HOSTNS" "$WORK/iperf3-host.log" iperf3 -s -p $P_IPERF --idle-timeout 15
	bg "$HOSTNS" "$WORK/connrate-host.log" "$WORK/connrate" server $P_CONN
	if [ $HAVE_SOCKPERF = 1 ]; then
		bg "$HOSTNS" "$WORK/sockperf-host.log" \
			sockperf server --tcp -i 0.0.0.0 -p $P_SOCKPERF
	fi
	wait_until 5 ip netns exec "$HOSTNS" "$WORK/connrate" client \
		127.0.0.1 $P_CONN 0.05 || { log "servers did not start"; return 1; }
	if [ $HAVE_SOCKPERF = 1 ]; then
		wait_until 5 ip netns exec "$HOSTNS" bash -c \
			"exec 3<>/dev/tcp/127.0.0.1/$P_SOCKPERF" ||
			{ log "sockperf server did not start"; return 1; }
	fi
}

# -- peers --------------------------------------------------------------
# peer_target PEER: the address a client in the peer's namespace uses to
# reach the host namespace's servers (its loopback, for the daemons).
peer_target() {
	case "$1" in
	loopback) echo 127.0.0.1 ;;
	slirp4netns) echo $SLIRP_GW ;;
	*) echo $GW4 ;;
	esac
}
peer_ns() {
	if [ "$1" = loopback ]; then echo "$HOSTNS"; else echo "${GUEST_NS[$1]}"; fi
}

fail_peer() {	# PEER REASON
	log "$1: $2"
	echo "$1 failed: $2" >>"$STATUS"
}

guest_ready() {	# NS GW: default route via GW and the gateway answers
	ip -n "$1" -4 route show default | grep -q "via $2" &&
		ip netns exec "$1" "$WORK/connrate" client "$2" $P_CONN 0.05 |
		grep -q '^conns [1-9]'
}

start_peer() {
	local peer=$1 g=bb-g-$1-$TAG logf=$WORK/$1.log pid
	mkns "$g" || { fail_peer "$peer" "cannot create namespace"; return 1; }
	GUEST_NS[$peer]=$g
	case "$peer" in
	burrow)
		if [ ! -x "$BURROW_BIN" ]; then
			fail_peer "$peer" "$BURROW_BIN missing (run make)"
			return 1
		fi
		# shellcheck disable=SC2086
		bg "$HOSTNS" "$logf" "$BURROW_BIN" -f -q --config-net \
			--netns "/run/netns/$g" -I eth0 \
			-t "${FWD_PORT[burrow]}:$P_GUEST" ${BURROW_ARGS:-}
		;;
	pasta)
		bg "$HOSTNS" "$logf" "$PASTA_BIN" -f -q -e --config-net \
			--runas "$PASTA_RUNAS" --netns "/run/netns/$g" -I eth0 \
			-t "${FWD_PORT[pasta]}:$P_GUEST" -u none -T none -U none
		;;
	slirp4netns)
		bg "$HOSTNS" "$logf" "$SLIRP_BIN" --configure --mtu=65520 \
			--netns-type=path "/run/netns/$g" tap0
		;;
	esac
	pid=$BG_PID
	DAEMON_PID[$peer]=$pid
	if ! wait_until 10 guest_ready "$g" "$(peer_target "$peer")"; then
		if kill -0 "$pid" 2>/dev/null; then
			fail_peer "$peer" "no connectivity to the gateway after 10 s; log: $(tail -c 600 "$logf" | tr '\n' ' ')"
		else
			wait "$pid" 2>/dev/null
			fail_peer "$peer" "exited ($?) at start; log: $(tail -c 600 "$logf" | tr '\n' ' ')"
		fi
		return 1
	fi
	# The server behind the -t forward (pasta, burrow).
	if [ -n "${FWD_PORT[$peer]:-}" ]; then
		bg "$g" "$WORK/iperf3-$peer.log" iperf3 -s -p $P_GUEST --idle-timeout 15
	fi
	echo "$peer ok" >>"$STATUS"
	log "$peer: up (pid $pid, guest $g, gateway $(peer_target "$peer"))"
}

alive() { [ "$1" = loopback ] || kill -0 "${DAEMON_PID[$1]}" 2>/dev/null; }

# -- measurements: each appends "peer figure value" to $RAW -------------
rec() { echo "$1 $2 $3" >>"$RAW"; }

# iperf_once NS ADDR PORT EXTRA -> Gbit/s on the receiving side, or
# nothing (and the reason on stderr)
iperf_once() {
	local ns=$1 addr=$2 port=$3 j=$WORK/iperf-last.json
	shift 3
	timeout $((SECS + 20)) ip netns exec "$ns" iperf3 -c "$addr" \
		-p "$port" -t "$SECS" -J "$@" >"$j" 2>&1
	python3 - "$j" "$ns $addr:$port $*" <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1]))
    print("%.4f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    try:
        why = json.load(open(sys.argv[1])).get("error", "?")
    except Exception:
        why = open(sys.argv[1]).read()[-300:] or "no output (timeout?)"
    sys.stderr.write("[bench] iperf3 failed (%s): %s\n" % (sys.argv[2], why))
PY
}

measure_tput() {	# PEER
	local p=$1 ns addr v
	ns=$(peer_ns "$p")
	addr=$(peer_target "$p")
	v=$(iperf_once "$ns" "$addr" $P_IPERF)
	rec "$p" tcp_g2h_gbps "${v:-nan}"
	v=$(iperf_once "$ns" "$addr" $P_IPERF -R)
	rec "$p" tcp_h2g_gbps "${v:-nan}"
}

# -t forward: an iperf3 client in the host namespace connects to the
# host's own non-loopback address (so pasta takes its tap path, not
# splice), the daemon forwards it to the guest's server. For the
# loopback ceiling: the same client against the host's own server.
measure_fwd() {
	local p=$1 port v
	case "$p" in
	loopback) port=$P_IPERF ;;
	pasta|burrow) port=${FWD_PORT[$p]} ;;
	*) return 0 ;;
	esac
	v=$(iperf_once "$HOSTNS" $HOST4 "$port")
	rec "$p" fwd_h2g_gbps "${v:-nan}"
	v=$(iperf_once "$HOSTNS" $HOST4 "$port" -R)
	rec "$p" fwd_g2h_gbps "${v:-nan}"
}

measure_lat() {
	local p=$1 ns addr out p50 p99
	ns=$(peer_ns "$p")
	addr=$(peer_target "$p")
	if [ $HAVE_SOCKPERF = 1 ]; then
		out=$(timeout $((SECS + 20)) ip netns exec "$ns" sockperf \
			ping-pong --tcp -i "$addr" -p $P_SOCKPERF -t "$SECS" \
			-m 64 --full-rtt 2>&1)
		p50=$(sed -n 's/.*percentile 50\.000 *= *\([0-9.]*\).*/\1/p' \
			<<<"$out" | head -1)
		p99=$(sed -n 's/.*percentile 99\.000 *= *\([0-9.]*\).*/\1/p' \
			<<<"$out" | head -1)
	else
		out=$(timeout $((SECS + 20)) ip netns exec "$ns" \
			"$WORK/connrate" pingpong "$addr" $P_CONN "$SECS" 2>&1)
		p50=$(sed -n 's/.* p50 \([0-9.]*\) .*/\1/p' <<<"$out")
		p99=$(sed -n 's/.* p99 \([0-9.]*\).*/\1/p' <<<"$out")
	fi
	[ -z "$p50" ] && log "$p: latency run failed: $(tail -c 300 <<<"$out")"
	rec "$p" rr_p50_us "${p50:-nan}"
	rec "$p" rr_p99_us "${p99:-nan}"
}

measure_conn() {
	local p=$1 ns addr out v
	ns=$(peer_ns "$p")
	addr=$(peer_target "$p")
	out=$(timeout $((SECS + 30)) ip netns exec "$ns" "$WORK/connrate" \
		client "$addr" $P_CONN "$SECS" 2>&1)
	v=$(sed -n 's/.* rate \([0-9.]*\).*/\1/p' <<<"$out")
	grep -q 'errors [1-9]' <<<"$out" &&
		log "$p: connection errors: $(tr '\n' ' ' <<<"$out")"
	rec "$p" conn_per_s "${v:-nan}"
}

rss() {	# PEER [FIGURE]
	local p=$1 fig=${2:-rss_hwm_kib} pid kib
	[ "$p" = loopback ] && return 0
	pid=${DAEMON_PID[$p]}
	kib=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' \
		"/proc/$pid/status" 2>/dev/null)
	rec "$p" "$fig" "${kib:-nan}"
	[ "$fig" = rss_hwm_kib ] || return 0
	# Anything the daemon forked (not expected): report it.
	# shellcheck disable=SC2013
	for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		log "$p: child process $c ($(cat /proc/"$c"/comm 2>/dev/null))"
	done
}

versions() {
	local b p s
	b=$("$BURROW_BIN" --version 2>/dev/null | head -1)
	[ -d "$REPO/.git" ] && b="$b (git $(git -C "$REPO" describe \
		--always --dirty 2>/dev/null))"
	p=$(dpkg-query -W -f '${Version}' passt 2>/dev/null)
	s=$("$SLIRP_BIN" --version 2>/dev/null | tr '\n' ' ')
	printf '%s\n%s\n%s\n' "$b" "${p:-unknown}" "$s"
}

# -- main ---------------------------------------------------------------
cc -O2 -std=gnu11 -o "$WORK/connrate" "$HERE/connrate.c" || exit 1
# Before the daemons start: the binaries they run (a rebuild during the
# run would not change a running daemon, but would change --version).
mapfile -t VERS < <(versions)
setup_topology || { log "topology set-up failed"; exit 1; }
start_servers || exit 1

ACTIVE=()
for p in $PEERS; do
	case "$p" in
	loopback) echo "loopback ok" >>"$STATUS"; ACTIVE+=(loopback) ;;
	pasta|slirp4netns|burrow)
		start_peer "$p" && ACTIVE+=("$p") ;;
	*) log "unknown peer $p, skipped" ;;
	esac
done
[ ${#ACTIVE[@]} -eq 0 ] && { log "no peer started"; exit 1; }

log "mode: $([ $QUICK = 1 ] && echo quick || echo full), $RUNS run(s) x $SECS s, latency with $([ $HAVE_SOCKPERF = 1 ] && echo sockperf || echo connrate pingpong)"
# Round robin: each run visits every peer in turn, so slow drifts in the
# machine's load spread over all of them instead of hitting one.
for ((r = 1; r <= RUNS; r++)); do
	for fig in $FIGURES; do
		for p in "${ACTIVE[@]}"; do
			# Peak RSS from the data paths alone, before the first
			# burst of short connections (slirp4netns keeps memory
			# per closed connection for a while).
			[ $r = 1 ] && [ $fig = conn ] && alive "$p" &&
				rss "$p" rss_hwm_pre_conn_kib
			if ! alive "$p"; then
				log "$p: daemon died (run $r, $fig)"
				continue
			fi
			log "run $r/$RUNS: $fig $p"
			"measure_$fig" "$p"
		done
	done
done
for p in "${ACTIVE[@]}"; do
	if alive "$p"; then
		rss "$p"
	else
		echo "$p failed: daemon died during the run; log: $(tail -c 600 "$WORK/$p.log" | tr '\n' ' ')" >>"$STATUS"
	fi
done

mkdir -p "$(dirname "$OUT")"
python3 - "$RAW" "$STATUS" "$OUT" "$QUICK" "$RUNS" "$SECS" \
	"$HAVE_SOCKPERF" "${VERS[0]}" "${VERS[1]}" "${VERS[2]}" <<'EOF'
import json, math, os, platform, statistics, sys, time

raw, status, out, quick, runs, secs, sockperf, vb, vp, vs = sys.argv[1:]
PEERS = ["loopback", "pasta", "slirp4netns", "burrow"]
FIGS = [  # key, label, unit, higher is better
    ("tcp_g2h_gbps", "TCP guest->host (tap)", "Gbit/s", True),
    ("tcp_h2g_gbps", "TCP host->guest (tap, -R)", "Gbit/s", True),
    ("fwd_h2g_gbps", "TCP host->guest (-t fwd)", "Gbit/s", True),
    ("fwd_g2h_gbps", "TCP guest->host (-t fwd, -R)", "Gbit/s", True),
    ("rr_p50_us", "TCP RR 64 B RTT p50", "us", False),
    ("rr_p99_us", "TCP RR 64 B RTT p99", "us", False),
    ("conn_per_s", "TCP connections", "conn/s", True),
    ("rss_hwm_pre_conn_kib", "peak RSS before conn test", "MiB", False),
    ("rss_hwm_kib", "peak RSS at the end (VmHWM)", "MiB", False),
]

runs_by = {}
for line in open(raw):
    p, f, v = line.split()
    runs_by.setdefault(p, {}).setdefault(f, []).append(float(v))
st = {}
for line in open(status):
    p, rest = line.rstrip("\n").split(" ", 1)
    st[p] = rest

def med(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.median(xs) if xs else None

res = {"meta": {
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "kernel": platform.release(), "cpus": os.cpu_count(),
    "mode": "quick" if quick == "1" else "full",
    "runs": int(runs), "secs_per_run": int(secs),
    "latency_tool": "sockperf ping-pong --tcp -m 64 --full-rtt"
                    if sockperf == "1" else "bench/connrate.c pingpong",
    "versions": {"burrow": vb, "passt (pasta)": vp, "slirp4netns": vs},
    "figures": {k: {"label": l, "unit": u, "higher_is_better": h}
                for k, l, u, h in FIGS}},
    "peers": {}}
for p in PEERS:
    if p not in st:
        continue
    d = {"status": st[p], "figures": {}}
    for k, *_ in FIGS:
        xs = runs_by.get(p, {}).get(k)
        if xs is not None:
            d["figures"][k] = {"runs": [None if math.isnan(x) else x
                                        for x in xs], "median": med(xs)}
    res["peers"][p] = d

# ratios burrow / X per figure
ratios = {}
b = res["peers"].get("burrow", {}).get("figures", {})
for other in ("pasta", "slirp4netns", "loopback"):
    o = res["peers"].get(other, {}).get("figures", {})
    for k, *_ in FIGS:
        bv = b.get(k, {}).get("median")
        ov = o.get(k, {}).get("median")
        if bv is not None and ov:
            ratios.setdefault(other, {})[k] = bv / ov
res["ratios_burrow_over"] = ratios
with open(out, "w") as f:
    json.dump(res, f, indent=1)
    f.write("\n")

def fmt(v, k):
    if v is None:
        return "n/a"
    if k.startswith("rss_"):
        return "%.1f" % (v / 1024)
    if k == "conn_per_s":
        return "%.0f" % v
    if k.endswith("_us"):
        return "%.1f" % v
    return "%.2f" % v

shown = [p for p in PEERS if p in res["peers"]]
hdr = ["figure", "unit"] + shown + ["b/pasta", "b/slirp", "b/lo"]
rows = []
for k, label, unit, hib in FIGS:
    row = [label, unit + (" ^" if hib else " v")]
    for p in shown:
        row.append(fmt(res["peers"][p]["figures"].get(k, {}).get("median"), k))
    for other in ("pasta", "slirp4netns", "loopback"):
        r = ratios.get(other, {}).get(k)
        row.append("%.2f" % r if r is not None else "-")
    rows.append(row)
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
line = lambda r: "  ".join(str(c).ljust(w[i]) if i < 2 else str(c).rjust(w[i])
                           for i, c in enumerate(r))
print()
print("burrow benchmark, %s mode: median of %s run(s) x %s s; %s CPUs, "
      "kernel %s" % (res["meta"]["mode"], runs, secs, os.cpu_count(),
                     platform.release()))
print("latency: " + res["meta"]["latency_tool"])
print(line(hdr))
print(line(["-" * x for x in w]))
for r in rows:
    print(line(r))
print("^ higher is better, v lower is better; b/X = burrow median / X "
      "median")
for p in shown:
    for k, label, *_ in FIGS:
        xs = runs_by.get(p, {}).get(k, [])
        bad = sum(1 for x in xs if math.isnan(x))
        if bad:
            print("%s, %s: %d of %d runs failed (median of the rest)"
                  % (p, label, bad, len(xs)))
for p in shown:
    if not st[p].startswith("ok"):
        print("%s: %s" % (p, st[p]))
print("raw numbers: %s" % out)
EOF
