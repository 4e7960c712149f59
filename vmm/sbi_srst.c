// SPDX-License-Identifier: MIT
#include "vmm/sbi.h"
#include "vmm/vm.h"

static int srst_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	u64 type = call->args[0], reason = call->args[1];

	if (call->fid != SBI_SRST_RESET) {
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	if (reason > SBI_SRST_REASON_FAILURE && reason < 0xe0000000ULL) {
		call->error = SBI_ERR_INVALID_PARAM;
		return VMM_RESUME;
	}
	switch (type) {
	case SBI_SRST_SHUTDOWN:
		vm_request_stop(vcpu->vm, VM_STOP_SHUTDOWN, reason == SBI_SRST_REASON_NONE ? 0 : 1);
		return VMM_STOP;
	case SBI_SRST_COLD_REBOOT:
		vm_request_stop(vcpu->vm, VM_STOP_RESET, 0);
		return VMM_STOP;
	case SBI_SRST_WARM_REBOOT:
		/* What Linux does after a panic with VM_LINUX_PANIC_ARGS. */
		vm_request_stop(vcpu->vm, VM_STOP_PANIC, 1);
		return VMM_STOP;
	default:
		call->error = SBI_ERR_INVALID_PARAM;
		return VMM_RESUME;
	}
}

const struct sbi_ext sbi_ext_srst = {
	.name = "srst",
	.eid_start = SBI_EXT_SRST,
	.eid_end = SBI_EXT_SRST,
	.stat = STAT_SBI_SRST,
	.handler = srst_handler,
};
