# DuVisor evaluation suite: DuVisor vs KVM on a modelled RISC-V host.
#   make deps       install the Debian packages (idempotent)
#   make            build everything (platform is cached in $(DUVISOR_CACHE))
#   make test       all tests; ends with "N passed, N failed, N skipped"
#   make run-host   the modelled host with both VMMs, the DV-driver and the guests; a shell
#   make run-guest  a Linux guest on a VMM, interactive (VMM=duvisor|kvm CPUS=N MEM=256M)
#   make bench      the paper's microbenchmarks on KVM and DuVisor
# See README.md.

export DUVISOR_CACHE ?= $(HOME)/.cache/duvisor-bench
TOP := $(CURDIR)
B := $(TOP)/build
HOST := $(B)/host

# Every compiler line of ours gets REPRO_CFLAGS: the clone's directory is
# written as '.' in debug info and __FILE__, so the same commit builds the
# same bytes in any directory (what runs in the modelled host must not
# depend on where the clone is; tests/suites/repro).
REPRO_CFLAGS := -ffile-prefix-map=$(TOP)=.
# The bare-metal toolchain's gcc does not pass the map on to the assembler.
REPRO_ASFLAGS := -Wa,--debug-prefix-map,$(TOP)=.

# Host-side C (tools, unit tests): C11, strict warnings.
CC ?= cc
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter $(REPRO_CFLAGS)
CMOCKA_LIBS := -lcmocka

PLATFORM := qemu opensbi linux linux-kvm-opt busybox initramfs apps nuttcp fio perf

.PHONY: all deps platform $(PLATFORM) host targets test test-unit test-platform test-stress \
	format format-check run-host run-guest bench plots clean clean-cache help
.NOTPARALLEL:

.DEFAULT_GOAL := all
all: deps platform host targets

help:
	@sed -n '2,9p' Makefile | sed 's/^# *//'

deps:
	@scripts/deps.sh

platform: $(PLATFORM)
$(PLATFORM):
	@scripts/platform/$@.sh
# The KVM-OPT host kernel is built from the vanilla one's build tree.
linux-kvm-opt: linux
# initramfs packs the busybox binary and uses the kernel's gen_init_cpio.
initramfs: busybox linux
# apps (the application benchmarks' workloads) takes hackbench from the kernel's source.
apps: linux

# ---- host-side tools and unit tests ----
# Each area of the project adds its own rules in mk/<area>.mk and extends:
#   TOOLS       host (x86) programs      UNIT_TESTS  cmocka binaries, run by 'make test'
#   TARGETS     anything else 'make' builds (riscv64 programs, guests, modules)
TOOLS := $(HOST)/conlog
UNIT_TESTS := $(HOST)/tests/test_conlog
TARGETS :=

$(HOST)/conlog: tools/conlog-main.c tools/conlog.c tools/conlog.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itools -o $@ tools/conlog-main.c tools/conlog.c

$(HOST)/tests/test_conlog: tests/unit/test_conlog.c tools/conlog.c tools/conlog.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itools -o $@ tests/unit/test_conlog.c tools/conlog.c $(CMOCKA_LIBS)

include $(sort $(wildcard mk/*.mk))

host: $(TOOLS) $(UNIT_TESTS)
targets: platform $(TARGETS)

# ---- tests ----
test: all
	@tests/run

test-unit: deps host
	@tests/run format unit

test-platform: all
	@tests/run platform

# Flakiness hunt: every host-boot suite N times (LOAD=1: two suites at once).
N ?= 20
STRESS_SUITES ?= platform dvext kvm duvisor bench
test-stress: all
	@scripts/test-stress -n $(N) $(if $(filter 1,$(LOAD)),--load) $(STRESS_SUITES)

format:
	@git ls-files -co --exclude-standard -- '*.c' '*.h' | xargs -r clang-format -i

format-check: deps
	@tests/run format

# ---- the modelled host, by hand (README "Try it by hand"; scripts/try) ----
VMM ?= duvisor
CPUS ?= 1
MEM ?= 256M
run-host: all
	@scripts/try host $(RUN_HOST_ARGS)

run-guest: all
	@scripts/try guest --vmm $(VMM) --cpus $(CPUS) --mem $(MEM) $(RUN_HOST_ARGS)

# the microbenchmarks, then the application benchmarks (BENCH_APPS=0: skip them)
BENCH_APPS ?= 1
# (a failed step of the first does not stop the second; make bench fails if either did)
bench: all
	@rc=0; scripts/bench/run || rc=1; \
	if [ "$(BENCH_APPS)" != 0 ]; then scripts/bench/apps || rc=1; fi; exit $$rc

clean:
	rm -rf $(B)

clean-cache:
	rm -rf $(DUVISOR_CACHE)
