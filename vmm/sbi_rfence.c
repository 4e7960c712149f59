// SPDX-License-Identifier: MIT
#include "vmm/sbi.h"
#include "vmm/vm.h"

int sbi_rfence_do(struct vcpu *vcpu, unsigned long harts, unsigned long fid, u64 start, u64 size,
		  u64 asid)
{
	struct vm *vm = vcpu->vm;

	if (!vm->ops->remote_fence)
		return SBI_ERR_NOT_SUPPORTED;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if ((harts >> i) & 1 &&
		    vm->ops->remote_fence(&vm->vcpus[i], fid, start, size, asid))
			return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

static int rfence_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	long harts;

	/* The hypervisor fences (HFENCE.*) are for a guest hypervisor: none here. */
	if (call->fid > SBI_RFENCE_SFENCE_VMA_ASID) {
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	harts = sbi_hart_mask(vcpu->vm, call->args[0], call->args[1]);
	if (harts < 0) {
		call->error = SBI_ERR_INVALID_PARAM;
		return VMM_RESUME;
	}
	call->error =
		sbi_rfence_do(vcpu, harts, call->fid, call->args[2], call->args[3], call->args[4]);
	return VMM_RESUME;
}

static bool rfence_probe(struct vm *vm)
{
	return vm->ops->remote_fence != NULL;
}

const struct sbi_ext sbi_ext_rfence = {
	.name = "rfence",
	.eid_start = SBI_EXT_RFENCE,
	.eid_end = SBI_EXT_RFENCE,
	.stat = STAT_SBI_RFENCE,
	.handler = rfence_handler,
	.probe = rfence_probe,
};
