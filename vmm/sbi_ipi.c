// SPDX-License-Identifier: MIT
#include "vmm/sbi.h"
#include "vmm/vm.h"

int sbi_ipi_send(struct vcpu *vcpu, unsigned long harts)
{
	struct vm *vm = vcpu->vm;

	if (!vm->ops->set_irq)
		return SBI_ERR_NOT_SUPPORTED;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if ((harts >> i) & 1 && vm->ops->set_irq(&vm->vcpus[i], IRQ_S_SOFT, true))
			return SBI_ERR_FAILED;
	return SBI_SUCCESS;
}

static int ipi_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	long harts;

	if (call->fid != SBI_IPI_SEND_IPI) {
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	harts = sbi_hart_mask(vcpu->vm, call->args[0], call->args[1]);
	call->error = harts < 0 ? SBI_ERR_INVALID_PARAM : sbi_ipi_send(vcpu, harts);
	return VMM_RESUME;
}

static bool ipi_probe(struct vm *vm)
{
	return vm->ops->set_irq != NULL;
}

const struct sbi_ext sbi_ext_ipi = {
	.name = "ipi",
	.eid_start = SBI_EXT_IPI,
	.eid_end = SBI_EXT_IPI,
	.stat = STAT_SBI_IPI,
	.handler = ipi_handler,
	.probe = ipi_probe,
};
