# DuVisor (issue 5): the DV-driver (Linux module), the user-level hypervisor
# (duvisor/vmm, a backend of the shared VMM core), their unit tests and the
# integration test programs. See include/uapi/duvisor.h for the ABI.
DV_B := $(B)/duvisor

# ---- DV-driver: out-of-tree module, built in build/duvisor/driver ----
DV_KO := $(DV_B)/driver/duvisor.ko
DV_KSRC := duvisor/driver/dv_driver.c duvisor/driver/Kbuild
TARGETS += $(DV_KO)

$(DV_KO): $(DV_KSRC) include/uapi/duvisor.h include/dvext/dvext.h $(B)/linux/.done
	@mkdir -p $(@D)
	@for f in $(DV_KSRC); do ln -sf $(TOP)/$$f $(@D)/; done
	$(MAKE) -s -C $(B)/linux/build M=$(@D) ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- \
		DUVISOR_TOP=$(TOP) modules

# ---- DuVisor: static riscv64 binary over the core (libvmm.a) ----
DV_VMM := $(DV_B)/duvisor
DV_SRCS := $(wildcard duvisor/vmm/*.c) duvisor/vmm/entry.S
DV_HDRS := $(wildcard duvisor/vmm/*.h) include/uapi/duvisor.h include/dvext/dvext.h
DV_CFLAGS := -Iinclude -Iduvisor/vmm
TARGETS += $(DV_VMM)

$(DV_VMM): $(DV_SRCS) $(DV_HDRS) $(VMM_HDRS) $(B)/riscv64/vmm/libvmm.a
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(VMM_CFLAGS) $(DV_CFLAGS) -static -o $@ $(DV_SRCS) \
		$(B)/riscv64/vmm/libvmm.a $(LIBFDT_RV)/lib/libfdt.a

# ---- programs for the integration test (tests/duvisor/*.c), static riscv64 ----
DV_TPROGS := $(patsubst tests/duvisor/%.c,$(DV_B)/tests/%,$(wildcard tests/duvisor/*.c))
TARGETS += $(DV_TPROGS)

$(DV_B)/tests/%: tests/duvisor/%.c duvisor/vmm/stage2.c $(DV_HDRS)
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(VMM_CFLAGS) $(DV_CFLAGS) -static -o $@ $< duvisor/vmm/stage2.c

# ---- unit tests on the build machine (x86): stage 2, decode, exit table ----
DV_UNIT := $(patsubst tests/unit/%.c,$(HOST)/tests/%,$(wildcard tests/unit/test_duvisor_*.c))
UNIT_TESTS += $(DV_UNIT)

$(HOST)/tests/test_duvisor_stage2: DV_UNIT_SRCS := duvisor/vmm/stage2.c duvisor/vmm/insn.c
$(HOST)/tests/test_duvisor_exit: DV_UNIT_SRCS := duvisor/vmm/stage2.c duvisor/vmm/insn.c \
	duvisor/vmm/exit.c
$(HOST)/tests/test_duvisor_%: tests/unit/test_duvisor_%.c $(wildcard duvisor/vmm/*.c) \
		$(DV_HDRS) $(HOST)/vmm/libvmm.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -pthread -DDV_HW_FAKE $(VMM_CFLAGS) $(DV_CFLAGS) -o $@ $< \
		$(DV_UNIT_SRCS) $(HOST)/vmm/libvmm.a -lfdt $(CMOCKA_LIBS)

.PHONY: duvisor test-duvisor
duvisor: $(DV_KO) $(DV_VMM) $(DV_TPROGS)

# Integration test inside the modelled host (tests/suites/duvisor).
test-duvisor: all
	@tests/run duvisor
