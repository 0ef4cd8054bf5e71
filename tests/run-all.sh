#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-all.sh - every check CI runs, in order: dependencies, gcc and clang
# -Werror builds, formatting, unit tests (release and ASan+UBSan), fuzz
# corpus replay, a short fuzzing run, and the integration suite against
# the release and the ASan+UBSan binaries.
#
#   tests/run-all.sh                 everything
#   FUZZ_TIME=30 tests/run-all.sh    fuzz longer (seconds per target)
#   SKIP_DEPS=1 tests/run-all.sh     do not run install-deps.sh
#
# The integration tests need root (network namespaces).
set -euo pipefail

cd "$(dirname "$0")/.."

FUZZ_TIME=${FUZZ_TIME:-30}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
PYTEST=${PYTEST:-/usr/bin/python3 -m pytest}
export PYTEST

start_all=$(date +%s)
steps=()

step() {
	local name=$1
	shift
	local t0
	t0=$(date +%s)
	echo
	echo "=== ${name}"
	if ! "$@"; then
		echo "=== ${name}: FAILED"
		summary
		echo "run-all: FAILED at step '${name}'"
		exit 1
	fi
	local dt=$(($(date +%s) - t0))
	steps+=("${name} (${dt}s)")
	echo "=== ${name}: ok (${dt}s)"
}

summary() {
	echo
	echo "=== summary"
	local s
	for s in "${steps[@]+"${steps[@]}"}"; do
		echo "  ok  $s"
	done
}

integration() {
	local bin=$1
	BURROW_BIN=$bin $PYTEST -v -p no:cacheprovider tests/integration
}

if [ "${SKIP_DEPS:-0}" != 1 ]; then
	step "install dependencies" tests/install-deps.sh
fi
step "build (gcc, release)" make -j"$JOBS" CC=gcc
step "build (clang, -Werror)" make -j"$JOBS" clang-build
step "format check" make format-check
step "static analysis (cppcheck)" make cppcheck
step "static analysis (clang-tidy)" make -j"$JOBS" tidy
step "unit tests" make -j"$JOBS" unit
step "unit tests (ASan+UBSan)" make -j"$JOBS" BUILD=asan unit
step "fuzz corpus replay" make -j"$JOBS" fuzz-replay
step "fuzz corpus replay (ASan+UBSan)" make -j"$JOBS" BUILD=asan fuzz-replay
step "fuzz (${FUZZ_TIME}s per target)" make -j"$JOBS" fuzz \
	FUZZ_TIME="$FUZZ_TIME"
step "valgrind smoke" tests/valgrind-smoke.sh
step "QEMU test guest" tests/guest/build.sh
step "integration (release)" env -u BURROW_BIN make integration
step "build (ASan+UBSan)" make -j"$JOBS" BUILD=asan
step "integration (ASan+UBSan)" integration build/asan/burrow

summary
echo "run-all: ${#steps[@]} steps passed in $(($(date +%s) - start_all))s"
