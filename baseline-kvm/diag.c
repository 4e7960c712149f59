// SPDX-License-Identifier: MIT
/*
 * What vanilla KVM (Linux 6.1) does not run, said in one line. KVM_RUN fails
 * instead of answering the guest when the guest
 *   - takes a trap KVM neither delegates to it (hedeleg) nor handles: an
 *     illegal instruction, a misaligned or faulting load/store the hardware
 *     does not complete -> EFAULT (vcpu_exit.c, the default case);
 *   - makes a misaligned MMIO access -> EIO (vcpu_insn.c);
 *   - fetches an instruction from a device, or reaches MMIO with an
 *     instruction KVM does not decode (an AMO, an FP load/store) -> EOPNOTSUPP.
 * The kernel keeps scause to itself (it only prints it with kvm_err), so the
 * cause is told from the errno and the instruction at the guest's pc.
 * No <linux/kvm.h> here: the unit tests build this on the build machine.
 */
#include <errno.h>
#include <stdio.h>

#include "kvm.h"

/* Loads, stores and AMOs, 32-bit and compressed. */
static bool is_mem_insn(u32 insn)
{
	unsigned op = insn & 0x7f, q = insn & 3, f3 = (insn >> 13) & 7;

	if (q == 3)
		return op == 0x03 || op == 0x07 || op == 0x23 || op == 0x27 || op == 0x2f;
	/* quadrants 0 and 2: funct3 1-3 loads, 5-7 stores (C.FLD .. C.SDSP) */
	return (q == 0 || q == 2) && f3 != 0 && f3 != 4;
}

int kvm_describe_stop(char *buf, size_t len, unsigned vcpu, int err, u64 pc, bool have_insn,
		      u32 insn)
{
	int w = insn_len(insn) == 2 ? 4 : 8;

	switch (err) {
	case EFAULT:
		if (!have_insn)
			snprintf(buf, len,
				 "vcpu%u: KVM stopped the guest at pc %#llx: a trap KVM neither "
				 "delegates to the guest nor handles (KVM_RUN failed with EFAULT)",
				 vcpu, (unsigned long long)pc);
		else if (is_mem_insn(insn))
			snprintf(buf, len,
				 "vcpu%u: KVM stopped the guest: misaligned or faulting memory "
				 "access (instruction 0x%0*x) at pc %#llx, a trap KVM neither "
				 "delegates to the guest nor handles (KVM_RUN failed with EFAULT)",
				 vcpu, w, insn, (unsigned long long)pc);
		else
			snprintf(buf, len,
				 "vcpu%u: KVM stopped the guest: illegal instruction 0x%0*x at pc "
				 "%#llx, a trap KVM neither delegates to the guest nor handles "
				 "(KVM_RUN failed with EFAULT)",
				 vcpu, w, insn, (unsigned long long)pc);
		return 0;
	case EIO:
		snprintf(buf, len,
			 "vcpu%u: KVM stopped the guest: misaligned MMIO access at pc %#llx, which "
			 "KVM does not emulate (KVM_RUN failed with EIO)",
			 vcpu, (unsigned long long)pc);
		return 0;
	case EOPNOTSUPP:
		if (!have_insn)
			snprintf(buf, len,
				 "vcpu%u: KVM stopped the guest: instruction fetch from %#llx, "
				 "which "
				 "is not RAM (KVM_RUN failed with EOPNOTSUPP)",
				 vcpu, (unsigned long long)pc);
		else
			snprintf(buf, len,
				 "vcpu%u: KVM stopped the guest: MMIO access by an instruction KVM "
				 "does not emulate (0x%0*x) at pc %#llx (KVM_RUN failed with "
				 "EOPNOTSUPP)",
				 vcpu, w, insn, (unsigned long long)pc);
		return 0;
	default:
		return -1;
	}
}
