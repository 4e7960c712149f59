// SPDX-License-Identifier: MIT
#include "vmm/sbi.h"
#include "vmm/vm.h"

int sbi_time_set(struct vcpu *vcpu, u64 deadline)
{
	const struct vmm_backend_ops *ops = vcpu->vm->ops;

	if (!ops->set_timer)
		return SBI_ERR_NOT_SUPPORTED;
	return ops->set_timer(vcpu, deadline) ? SBI_ERR_FAILED : SBI_SUCCESS;
}

static int time_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	if (call->fid != SBI_TIME_SET_TIMER) {
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	call->error = sbi_time_set(vcpu, call->args[0]);
	return VMM_RESUME;
}

static bool time_probe(struct vm *vm)
{
	return vm->ops->set_timer != NULL;
}

const struct sbi_ext sbi_ext_time = {
	.name = "time",
	.eid_start = SBI_EXT_TIME,
	.eid_end = SBI_EXT_TIME,
	.stat = STAT_SBI_TIME,
	.handler = time_handler,
	.probe = time_probe,
};
