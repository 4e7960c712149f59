/* SPDX-License-Identifier: MIT */
#ifndef BASELINE_KVM_H
#define BASELINE_KVM_H

#include "vmm/gwalk.h"
#include "vmm/vm.h"

extern const struct vmm_backend_ops kvm_backend_ops;

/*
 * The line for a KVM_RUN that failed with err because of what the guest did
 * (diag.c): insn is the instruction at the guest's pc when have_insn. 0, or
 * -1 when err is not one of those failures.
 */
int kvm_describe_stop(char *buf, size_t len, unsigned vcpu, int err, u64 pc, bool have_insn,
		      u32 insn);

#endif
