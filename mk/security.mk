# Security evaluation (issue 12): Tables 1-2 measured, coverage-guided
# fuzzing of the VMM core, the /dev/duvisor fuzzer, the Table 6 fault
# switches, and `make security` (results/security.md).
.PHONY: security-tables

# Tables 1 and 2: host-kernel LoC by subsystem and entry points (cloc).
security-tables: deps platform
	@scripts/security/tables.sh

# ---- coverage-guided fuzzing of the VMM core (libFuzzer, Debian's clang) ----
# build/host/fuzz/fuzz_NAME from fuzz/fuzz_NAME.c over the core's sources,
# every object built with ASan+UBSan and libFuzzer's coverage. Seed corpora
# in fuzz/corpus/NAME (in the tree). 'make fuzz' runs each target for
# FUZZ_TIME seconds (default 300) from its corpus into build/fuzz-corpus/NAME;
# the security suite runs each for a few seconds.
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out -O2,$(HOST_CFLAGS)) -O1 -g $(FUZZ_SAN) -pthread
FUZZ_B := $(HOST)/fuzz
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_NAMES))
FUZZ_CORE_OBJS := $(patsubst vmm/%.c,$(FUZZ_B)/vmm/%.o,$(sort $(wildcard vmm/*.c))) $(FUZZ_B)/dv/insn.o
FUZZ_TIME ?= 300
.SECONDARY: $(FUZZ_CORE_OBJS)
TOOLS += $(FUZZ_BINS)

$(FUZZ_B)/vmm/%.o: vmm/%.c $(wildcard vmm/include/vmm/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ivmm/include -c -o $@ $<

$(FUZZ_B)/dv/insn.o: duvisor/vmm/insn.c duvisor/vmm/insn.h $(wildcard vmm/include/vmm/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ivmm/include -c -o $@ $<

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_vm.h $(FUZZ_CORE_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ivmm/include -Iduvisor/vmm -o $@ $< \
		$(FUZZ_CORE_OBJS) -lfdt

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: deps $(FUZZ_BINS)
	@scripts/security/fuzz-core.sh --time $(FUZZ_TIME) $(FUZZ_NAMES)

# ---- programs run inside the modelled host (static riscv64) ----
SEC_B := $(B)/security
SEC_TPROGS := $(patsubst tests/security/%.c,$(SEC_B)/%,$(wildcard tests/security/*.c))
TARGETS += $(SEC_TPROGS)

$(SEC_B)/%: tests/security/%.c include/uapi/duvisor.h
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -Iinclude -static -o $@ $<

# ---- DuVisor with the Table 6 fault switches (vmm/faultinj.h) ----
# The same sources as build/duvisor/duvisor, with -DVMM_FAULTS; the switches
# stay off unless DV_FAULT names one. The normal binaries have none of it.
DV_FAULTS_BIN := $(SEC_B)/duvisor-faults
TARGETS += $(DV_FAULTS_BIN)

$(DV_FAULTS_BIN): $(wildcard duvisor/vmm/*.c) duvisor/vmm/entry.S $(wildcard duvisor/vmm/*.h) \
		$(wildcard vmm/*.c) $(wildcard vmm/include/vmm/*.h) include/uapi/duvisor.h \
		include/dvext/dvext.h $(B)/libfdt-riscv64/.done
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -DVMM_FAULTS -Ivmm/include -I$(B)/libfdt-riscv64/include -Iinclude \
		-Iduvisor/vmm -static -o $@ $(wildcard duvisor/vmm/*.c) duvisor/vmm/entry.S \
		$(wildcard vmm/*.c) $(B)/libfdt-riscv64/lib/libfdt.a

# The guest that fires them (bare metal, the guests' library).
SEC_GUEST := $(SEC_B)/secguest.elf
TARGETS += $(SEC_GUEST)

$(SEC_GUEST): tests/security/guest/secguest.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CROSS)gcc $(GUEST_CFLAGS) -T guests/baremetal/guest.ld -o $@ $(GUEST_LIB) $<

# ---- make security: everything above, results/security.md ----
.PHONY: security
security: all $(FUZZ_BINS)
	@scripts/security/run.sh

# The guest fuzzer (bare metal), the same image on KVM and DuVisor.
SEC_GFUZZ := $(SEC_B)/guestfuzz.elf
TARGETS += $(SEC_GFUZZ)

$(SEC_GFUZZ): tests/security/guest/guestfuzz.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CROSS)gcc $(GUEST_CFLAGS) -T guests/baremetal/guest.ld -o $@ $(GUEST_LIB) $<
