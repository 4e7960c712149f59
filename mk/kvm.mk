# The KVM baseline VMM: build/baseline-kvm/dv-kvm, static riscv64.
KVM_SRCS := $(wildcard baseline-kvm/*.c)
KVM_VMM := $(B)/baseline-kvm/dv-kvm
TARGETS += $(KVM_VMM)

$(KVM_VMM): $(KVM_SRCS) baseline-kvm/kvm.h $(VMM_HDRS) $(B)/riscv64/vmm/libvmm.a
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(VMM_CFLAGS) -Ibaseline-kvm -static -o $@ $(KVM_SRCS) \
		$(B)/riscv64/vmm/libvmm.a $(LIBFDT_RV)/lib/libfdt.a

# KVM-OPT user-level posting, run in the modelled host (tests/suites/kvmopt).
KVM_UPOST := $(B)/tests/kvmopt-upost
TARGETS += $(KVM_UPOST)

$(KVM_UPOST): tests/kvmopt/upost.c
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -static -o $@ $<

.PHONY: kvm-vmm test-kvm
kvm-vmm: $(KVM_VMM)

# Integration test inside the modelled host (tests/suites/kvm).
test-kvm: all
	@tests/run kvm

# The failure lines of diag.c (no <linux/kvm.h>): a unit test on the build machine.
KVM_UNIT := $(HOST)/tests/test_kvm_diag
UNIT_TESTS += $(KVM_UNIT)

$(KVM_UNIT): tests/unit/test_kvm_diag.c baseline-kvm/diag.c baseline-kvm/kvm.h $(HOST)/vmm/libvmm.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -pthread $(VMM_CFLAGS) -Ibaseline-kvm -o $@ $< baseline-kvm/diag.c \
		$(HOST)/vmm/libvmm.a -lfdt $(CMOCKA_LIBS)
