# SPDX-License-Identifier: GPL-2.0-or-later
#
# burrow - build, tests, fuzzing.
#
#   make                 ./burrow (release: -O2, hardening flags)
#   make BUILD=asan      build/asan/burrow with ASan+UBSan
#   make unit            cmocka unit tests (also: make BUILD=asan unit)
#   make integration     pytest integration tests (root, namespaces)
#   make fuzz FUZZ_TIME=30   every libFuzzer target for FUZZ_TIME seconds
#   make fuzz-replay     replay every committed corpus without libFuzzer
#   make format-check    clang-format over the tree
#   make check           everything CI runs

CC ?= cc
BUILD ?= release
FUZZ_TIME ?= 10
PYTEST ?= /usr/bin/python3 -m pytest

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
BASE_CFLAGS := -std=gnu11 -g $(WARN) -D_GNU_SOURCE \
	-DBURROW_VERSION='"$(VERSION)"' -MMD -MP

ifeq ($(BUILD),release)
MODE_CFLAGS := -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
MODE_LDFLAGS := -pie -Wl,-z,relro,-z,now
else ifeq ($(BUILD),asan)
MODE_CFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
MODE_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(BUILD),debug)
MODE_CFLAGS := -O0
MODE_LDFLAGS :=
else
$(error unknown BUILD=$(BUILD): use release, asan or debug)
endif

CFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS := $(BASE_CFLAGS) $(MODE_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(MODE_LDFLAGS) $(LDFLAGS)
LIBS := -lseccomp

B := build/$(BUILD)

# Quiet by default: make V=1 shows the commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRCS := $(sort $(wildcard src/core/*.c src/conf/*.c src/transport/*.c \
	src/net/*.c src/flow/*.c src/ns/*.c src/sandbox/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
MAIN_OBJ := $(B)/src/main.o

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)

.PHONY: all clean unit integration fuzz fuzz-build fuzz-replay format \
	format-check check clang-build tidy cppcheck

ifeq ($(BUILD),release)
all: burrow
burrow: $(B)/burrow
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@
else
all: $(B)/burrow
endif

$(B)/burrow: $(MAIN_OBJ) $(B)/libburrow.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libburrow.a: $(LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The seccomp allow-list: tools/syscalls.sh collects the #syscalls lines of
# every source into syscalls.h, which only seccomp.c includes.
SYSCALL_SRCS := $(sort $(wildcard src/*.[ch] src/*/*.[ch]))

%/syscalls.h: tools/syscalls.sh $(SYSCALL_SRCS)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/syscalls.sh $@ $(SYSCALL_SRCS)

$(B)/src/sandbox/seccomp.o: $(B)/syscalls.h
$(B)/src/sandbox/seccomp.o: ALL_CFLAGS += -I$(B)

# Unit tests: one binary per tests/unit/test_*.c, linked against the real
# library (only system calls are shimmed, inside the tests).
$(B)/tests/unit/%: tests/unit/%.c $(B)/libburrow.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(B)/libburrow.a \
		$(ALL_LDFLAGS) -lcmocka $(LIBS)

unit: $(UNIT_BINS)
	@set -e; fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; $$t || fail=1; done; exit $$fail

integration: all
	$(PYTEST) -v tests/integration

# Fuzzing: clang + libFuzzer with ASan and UBSan, objects in build/fuzz.
FZ := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -DBURROW_FUZZ \
	-DBURROW_VERSION='"fuzz"' -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -Isrc
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FZ)/%.o)

$(FZ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $@"
	$(Q)clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FZ)/src/sandbox/seccomp.o: $(FZ)/syscalls.h
$(FZ)/src/sandbox/seccomp.o: FUZZ_CFLAGS += -I$(FZ)

$(FZ)/libburrow.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FZ)/libburrow.a
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_NAMES:%=$(FZ)/%)

fuzz: fuzz-build
	@set -e; for f in $(FUZZ_NAMES); do \
		c=tests/fuzz/corpus/$${f#fuzz_}; mkdir -p $$c build/fuzz/new/$$f; \
		echo "== $$f for $(FUZZ_TIME)s"; \
		$(FZ)/$$f -max_total_time=$(FUZZ_TIME) -max_len=4096 \
			-print_final_stats=1 -artifact_prefix=build/fuzz/ \
			build/fuzz/new/$$f $$c 2>&1 | tail -n 12; \
	done

# Replay every committed corpus file through every target with ASan+UBSan,
# no libFuzzer needed: fuzz findings stay regression inputs forever.
$(B)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
		$(B)/libburrow.a
	@mkdir -p $(dir $@)
	@echo "  REPLAY  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ $^ $(ALL_LDFLAGS) $(LIBS)

fuzz-replay: $(FUZZ_NAMES:fuzz_%=$(B)/tests/fuzz/replay_%)
	@set -e; for f in $(FUZZ_NAMES:fuzz_%=%); do \
		$(B)/tests/fuzz/replay_$$f tests/fuzz/corpus/$$f; done

FORMAT_FILES := $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

# Static analysis: clang-tidy (.clang-tidy) and cppcheck, warnings fatal.
TIDY_FLAGS := -std=gnu11 -D_GNU_SOURCE -DBURROW_VERSION='"tidy"' -Isrc \
	-I$(B)

tidy: $(B)/syscalls.h
	@set -e; for f in $(LIB_SRCS) src/main.c; do \
		clang-tidy --quiet $$f -- $(TIDY_FLAGS); done

cppcheck: $(B)/syscalls.h
	cppcheck --quiet --enable=warning,portability,performance --std=c11 \
		-D_GNU_SOURCE --inline-suppr -Isrc -I$(B) --error-exitcode=1 src

clang-build:
	$(MAKE) BUILD=debug CC=clang B=build/clang build/clang/burrow

check:
	./tests/run-all.sh

clean:
	rm -rf build burrow

-include $(shell find build -name '*.d' 2>/dev/null)
