#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build.sh [OUTDIR] - build the small QEMU test guest: Debian's kernel
# (fetched with apt-get download, never installed) plus an initramfs with
# busybox-static and the virtio-net modules. Default OUTDIR: build/guest.
#
# Output: OUTDIR/vmlinuz, OUTDIR/initramfs.gz, OUTDIR/manifest.
# Cached: does nothing when the outputs were built from the same sources
# (set FORCE=1 to rebuild). GUEST_KERNEL=linux-image-X-amd64 pins the
# kernel package (default: what linux-image-amd64 depends on).
#
# Installs qemu-system-x86 with apt-get when it is missing (needs root).
# busybox-static is downloaded and unpacked, not installed: it conflicts
# with the busybox package that the integration tests use.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$ROOT/build/guest}
# modules wanted (their dependencies are added), unless built in
WANT_MODS="virtio_pci virtio_net"

log() { echo "guest/build.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	$SUDO apt-get update -q >&2
	apt_updated=1
}

# --- qemu --------------------------------------------------------------
if ! command -v qemu-system-x86_64 >/dev/null; then
	log "installing qemu-system-x86"
	apt_update
	$SUDO apt-get install -y -q --no-install-recommends qemu-system-x86 \
		</dev/null >&2
fi

# --- cache check -------------------------------------------------------
SRC_HASH=$(cat "$HERE/build.sh" "$HERE/init" "$HERE/udhcpc.script" \
	"$HERE/mkcpio.py" | sha256sum | cut -d' ' -f1)
STAMP="src=$SRC_HASH kernel=${GUEST_KERNEL:-default}"
if [ -z "${FORCE:-}" ] && [ -s "$OUT/vmlinuz" ] &&
	[ -s "$OUT/initramfs.gz" ] &&
	[ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$STAMP" ]; then
	log "up to date: $OUT"
	exit 0
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d "$OUT/.tmp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP" # apt-get download runs as _apt where it can

# apt-get download PKG into $TMP/deb, updating the lists once on failure
# (a stale list names versions the archive no longer has)
download() {
	mkdir -p "$TMP/deb"
	if ! (cd "$TMP/deb" && apt-get download -q "$@" >&2 2>/dev/null); then
		apt_update
		(cd "$TMP/deb" && apt-get download -q "$@" >&2)
	fi
}

# --- kernel ------------------------------------------------------------
KPKG=${GUEST_KERNEL:-}
if [ -z "$KPKG" ]; then
	KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' |
		head -n1)
	if [ -z "$KPKG" ]; then
		apt_update
		KPKG=$(apt-cache depends linux-image-amd64 |
			sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' |
			head -n1)
	fi
	[ -n "$KPKG" ] || die "cannot tell which kernel linux-image-amd64 wants"
fi
log "kernel package: $KPKG"
download "$KPKG" busybox-static
KDIR="$TMP/kernel"
KDEB=$(ls "$TMP"/deb/"$KPKG"_*.deb)
dpkg -x "$KDEB" "$KDIR"
if ! ls "$KDIR"/boot/vmlinuz-* >/dev/null 2>&1; then
	log "$KPKG has no /boot/vmlinuz: trying $KPKG-unsigned"
	rm -rf "$KDIR"
	download "$KPKG-unsigned"
	KDEB=$(ls "$TMP"/deb/"$KPKG"-unsigned_*.deb)
	dpkg -x "$KDEB" "$KDIR"
fi
VMLINUZ=$(find "$KDIR/boot" -name "vmlinuz-*" | head -n1)
KVER=${VMLINUZ##*/vmlinuz-}
MODDIR="$KDIR/lib/modules/$KVER"
[ -d "$MODDIR" ] || die "no $MODDIR in $KPKG"
KPKG_VER=$(dpkg-deb -f "$KDEB" Version)

dpkg -x "$TMP"/deb/busybox-static_*.deb "$TMP/bb"
BUSYBOX="$TMP/bb/bin/busybox"
[ -x "$BUSYBOX" ] || die "no bin/busybox in busybox-static"
BB_VER=$(dpkg-deb -f "$TMP"/deb/busybox-static_*.deb Version)

# --- initramfs tree ----------------------------------------------------
R="$TMP/root"
mkdir -p "$R"/{bin,sbin,etc/udhcpc,proc,sys,dev,tmp,run,root,lib/modules}
cp "$BUSYBOX" "$R/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	case "$applet" in busybox | init | linuxrc) continue ;; esac
	ln -s busybox "$R/bin/$applet"
done
ln -s ../bin/busybox "$R/sbin/busybox"
install -m 755 "$HERE/init" "$R/init"
# Debian's busybox looks for /etc/udhcpc/default.script
install -m 755 "$HERE/udhcpc.script" "$R/etc/udhcpc/default.script"
mkdir -p "$R/usr"
ln -s ../bin "$R/usr/bin"
ln -s ../bin "$R/usr/sbin"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$R/etc/hosts"
: >"$R/etc/resolv.conf"

# modules: the closure of WANT_MODS over "depends=", in dependency order,
# skipping the built-in ones; decompressed (.ko.xz/.ko.zst/.ko.gz)
is_builtin() {
	grep -qE "/$1\.ko$" "$MODDIR/modules.builtin" 2>/dev/null
}
modfile() {
	find "$MODDIR/kernel" \( -name "$1.ko" -o -name "$1.ko.*" \) | head -n1
}
moddeps() {
	local f=$1 tmpf="$TMP/modinfo"
	case "$f" in
	*.xz) xz -dc "$f" >"$tmpf" ;;
	*.zst) zstd -qdc "$f" >"$tmpf" ;;
	*.gz) gzip -dc "$f" >"$tmpf" ;;
	*) cp "$f" "$tmpf" ;;
	esac
	tr '\0' '\n' <"$tmpf" | sed -n 's/^depends=//p' | head -n1 | tr ',' ' '
}
ORDER=()
declare -A SEEN=()
visit() {
	local m=${1//-/_} f d
	[ -n "${SEEN[$m]:-}" ] && return 0
	SEEN[$m]=1
	if is_builtin "$m"; then
		log "module $m: built in"
		return 0
	fi
	f=$(modfile "$m")
	[ -n "$f" ] || die "module $m not found in $KPKG"
	for d in $(moddeps "$f"); do visit "$d"; done
	case "$f" in
	*.xz) xz -dc "$f" >"$R/lib/modules/$m.ko" ;;
	*.zst) zstd -qdc "$f" >"$R/lib/modules/$m.ko" ;;
	*.gz) gzip -dc "$f" >"$R/lib/modules/$m.ko" ;;
	*) cp "$f" "$R/lib/modules/$m.ko" ;;
	esac
	ORDER+=("$m")
}
for m in $WANT_MODS; do visit "$m"; done
printf '%s\n' "${ORDER[@]}" >"$R/lib/modules/order"
log "modules: ${ORDER[*]}"

python3 "$HERE/mkcpio.py" "$TMP/initramfs.gz" "$R" \
	--dev dev/console:c:5:1:600 --dev dev/null:c:1:3:666 \
	--dev dev/ttyS0:c:4:64:600

# --- install -----------------------------------------------------------
install -m 644 "$VMLINUZ" "$OUT/vmlinuz"
install -m 644 "$TMP/initramfs.gz" "$OUT/initramfs.gz"
{
	echo "kernel_package=$KPKG"
	echo "kernel_package_version=$KPKG_VER"
	echo "kernel_release=$KVER"
	echo "busybox_static_version=$BB_VER"
	echo "modules=${ORDER[*]}"
	echo "qemu=$(qemu-system-x86_64 --version | head -n1)"
} >"$OUT/manifest"
echo "$STAMP" >"$OUT/.stamp"
log "built $OUT: vmlinuz $(stat -c %s "$OUT/vmlinuz") bytes," \
	"initramfs.gz $(stat -c %s "$OUT/initramfs.gz") bytes"
