# The VMM core (vmm/): one static library per architecture.
#   build/host/vmm/libvmm.a      x86 build, for the cmocka unit tests (Debian libfdt-dev)
#   build/riscv64/vmm/libvmm.a   riscv64 build, linked into the VMM binaries
#                                (libfdt cross-built by vmm/build-libfdt.sh)
VMM_SRCS := $(sort $(wildcard vmm/*.c))
VMM_HDRS := $(wildcard vmm/include/vmm/*.h)
VMM_CFLAGS := -Ivmm/include

RV_CC := riscv64-linux-gnu-gcc
RV_AR := riscv64-linux-gnu-ar
# -fno-pie: the riscv64 programs are static executables; position-dependent
# code reaches globals without a GOT load (on every VM exit path).
RV_CFLAGS := $(filter-out -O2,$(HOST_CFLAGS)) -O2 -pthread -fno-pie
LIBFDT_RV := $(B)/libfdt-riscv64

HOST_VMM_OBJS := $(patsubst vmm/%.c,$(HOST)/vmm/%.o,$(VMM_SRCS))
RV_VMM_OBJS := $(patsubst vmm/%.c,$(B)/riscv64/vmm/%.o,$(VMM_SRCS))

$(HOST)/vmm/%.o: vmm/%.c $(VMM_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -pthread $(VMM_CFLAGS) -c -o $@ $<

$(HOST)/vmm/libvmm.a: $(HOST_VMM_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBFDT_RV)/.done: vmm/build-libfdt.sh
	@vmm/build-libfdt.sh

$(B)/riscv64/vmm/%.o: vmm/%.c $(VMM_HDRS) $(LIBFDT_RV)/.done
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(VMM_CFLAGS) -I$(LIBFDT_RV)/include -c -o $@ $<

$(B)/riscv64/vmm/libvmm.a: $(RV_VMM_OBJS)
	@rm -f $@
	$(RV_AR) rcs $@ $^

# Unit tests: tests/unit/test_vmm_NAME.c -> build/host/tests/test_vmm_NAME
VMM_TESTS := $(patsubst tests/unit/%.c,$(HOST)/tests/%,$(wildcard tests/unit/test_vmm_*.c))
UNIT_TESTS += $(VMM_TESTS)

$(HOST)/tests/test_vmm_%: tests/unit/test_vmm_%.c tests/unit/vmm/*.h $(HOST)/vmm/libvmm.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -pthread $(VMM_CFLAGS) -Itests/unit/vmm -o $@ $< $(HOST)/vmm/libvmm.a \
		-lfdt $(CMOCKA_LIBS)

.PHONY: vmm-host
vmm-host: $(HOST)/vmm/libvmm.a $(VMM_TESTS)
