# The KVM baseline VMM: build/baseline-kvm/dv-kvm, static riscv64.
KVM_SRCS := $(wildcard baseline-kvm/*.c)
KVM_VMM := $(B)/baseline-kvm/dv-kvm
TARGETS += $(KVM_VMM)

$(KVM_VMM): $(KVM_SRCS) baseline-kvm/kvm.h $(VMM_HDRS) $(B)/riscv64/vmm/libvmm.a
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(VMM_CFLAGS) -Ibaseline-kvm -static -o $@ $(KVM_SRCS) \
		$(B)/riscv64/vmm/libvmm.a $(LIBFDT_RV)/lib/libfdt.a

.PHONY: kvm-vmm test-kvm
kvm-vmm: $(KVM_VMM)

# Integration test inside the modelled host (tests/suites/kvm).
test-kvm: all
	@tests/run kvm
