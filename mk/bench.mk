# Benchmarks (issue 6): guest microbenchmarks, the collector, the native
# Google Benchmark group, figures. See docs/methodology.md.
#   make bench        every system that is built, both timing profiles (scripts/bench/run)
#   make bench-smoke  a few iterations on every system (also: tests/run bench)
#   make bench-host   native group on the build machine (Google Benchmark, JSON)
#   make plots        redraw figures and the summary from results/
MB_SRCS := microbench/microbench.c microbench/benches.c
MB_DEPS := $(MB_SRCS) microbench/microbench.h include/dvext/dvext.h $(GUEST_DEPS)
MICROBENCH := $(B)/microbench/microbench
TARGETS += $(MICROBENCH).elf $(MICROBENCH).bin

$(MICROBENCH).elf: $(MB_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CROSS)gcc $(GUEST_CFLAGS) -Imicrobench -Iinclude -T guests/baremetal/guest.ld -o $@ \
		$(GUEST_LIB) $(MB_SRCS)

$(MICROBENCH).bin: $(MICROBENCH).elf
	$(GUEST_CROSS)objcopy -O binary $< $@

.PHONY: microbench
microbench: $(MICROBENCH).elf $(MICROBENCH).bin

# The collector (console logs -> results/*.csv and the exit-count check).
BENCH_COLLECT := $(HOST)/bench-collect
TOOLS += $(BENCH_COLLECT)
BENCHLOG := scripts/bench/benchlog.c scripts/bench/benchlog.h

$(BENCH_COLLECT): scripts/bench/collect.c $(BENCHLOG) tools/conlog.c tools/conlog.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itools -Iscripts/bench -o $@ scripts/bench/collect.c \
		scripts/bench/benchlog.c tools/conlog.c

# Phase breakdowns from the DV-Ext transition trace (scripts/bench/run --trace).
BENCH_PHASES := $(HOST)/bench-phases
TOOLS += $(BENCH_PHASES)
PHASES := scripts/bench/phases.c scripts/bench/phases.h

$(BENCH_PHASES): scripts/bench/trace-phases.c $(PHASES)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iscripts/bench -o $@ $< scripts/bench/phases.c

UNIT_TESTS += $(HOST)/tests/test_bench_phases
$(HOST)/tests/test_bench_phases: tests/unit/test_bench_phases.c $(PHASES)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iscripts/bench -o $@ $< scripts/bench/phases.c $(CMOCKA_LIBS)

UNIT_TESTS += $(HOST)/tests/test_bench_log
$(HOST)/tests/test_bench_log: tests/unit/test_bench_log.c $(BENCHLOG)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iscripts/bench -o $@ $< scripts/bench/benchlog.c $(CMOCKA_LIBS)

# Ring crossings of the modelled host (a static riscv64 Linux program).
RING := $(B)/microbench/ring
TARGETS += $(RING)

$(RING): microbench/host/ring.c include/uapi/duvisor.h
	@mkdir -p $(@D)
	$(RV_CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $(REPRO_CFLAGS) -Iinclude -static -o $@ $<

# The cost of a DuVisor thread switch (DV-driver counters), same in the host.
DVSWITCH := $(B)/microbench/dvswitch
TARGETS += $(DVSWITCH)

$(DVSWITCH): microbench/host/dvswitch.c include/uapi/duvisor.h
	@mkdir -p $(@D)
	$(RV_CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $(REPRO_CFLAGS) -Iinclude -static -pthread -o $@ $<

.PHONY: bench-smoke plots
bench-smoke: all
	@scripts/bench/run --smoke

plots:
	@scripts/bench/plots

# The native group (make bench-host): Google Benchmark on the build machine.
BENCH_NATIVE := $(HOST)/bench-native
HP_SRCS := microbench/native/hotpaths.c duvisor/vmm/stage2.c duvisor/vmm/insn.c
HP_OBJS := $(patsubst %.c,$(HOST)/bench-obj/%.o,$(HP_SRCS))
TOOLS += $(BENCH_NATIVE)

# (mk/duvisor.mk comes after this file: its DV_HDRS would be empty here)
$(HOST)/bench-obj/%.o: %.c microbench/native/hotpaths.h $(VMM_HDRS) $(wildcard duvisor/vmm/*.h)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -DDV_HW_FAKE $(VMM_CFLAGS) -Iinclude -Iduvisor/vmm -c -o $@ $<

$(BENCH_NATIVE): microbench/native/bench_native.cc $(HP_OBJS) $(HOST)/vmm/libvmm.a
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror $(REPRO_CFLAGS) -Imicrobench/native -o $@ $< $(HP_OBJS) \
		$(HOST)/vmm/libvmm.a -lbenchmark -lpthread -lfdt

.PHONY: bench-host
bench-host: deps $(BENCH_NATIVE)
	@scripts/bench/host
