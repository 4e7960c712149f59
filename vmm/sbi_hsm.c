// SPDX-License-Identifier: MIT
/* SBI HSM when the core owns hart state (see vcpu_hsm_* in vm.c). */
#include "vmm/sbi.h"
#include "vmm/vm.h"

static int hsm_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	struct vm *vm = vcpu->vm;
	u64 hart = call->args[0];
	int r;

	switch (call->fid) {
	case SBI_HSM_HART_START:
		if (hart >= vm->nr_vcpus) {
			call->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		call->error = vcpu_hsm_start(&vm->vcpus[hart], call->args[1], call->args[2]);
		break;
	case SBI_HSM_HART_STOP:
		r = vcpu_hsm_stop(vcpu);
		call->error = r < 0 ? r : SBI_SUCCESS;
		return r < 0 ? VMM_RESUME : r;
	case SBI_HSM_HART_GET_STATUS:
		if (hart >= vm->nr_vcpus) {
			call->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		call->error = SBI_SUCCESS;
		call->value = vcpu_hsm_status(&vm->vcpus[hart]);
		break;
	case SBI_HSM_HART_SUSPEND:
		return vcpu_hsm_suspend(vcpu, call->args[0], call->args[1], call->args[2],
					&call->error);
	default:
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		call->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	return VMM_RESUME;
}

const struct sbi_ext sbi_ext_hsm = {
	.name = "hsm",
	.eid_start = SBI_EXT_HSM,
	.eid_end = SBI_EXT_HSM,
	.stat = STAT_SBI_HSM,
	.handler = hsm_handler,
};
