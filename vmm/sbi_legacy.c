// SPDX-License-Identifier: MIT
/*
 * SBI v0.1 legacy calls. The hart mask of the legacy IPI and fence calls is
 * read as a guest-physical address: right for a guest running without paging,
 * and refused (SBI_ERR_INVALID_ADDRESS) when it does not point into RAM. Linux
 * uses the v0.2 extensions when they exist, which they do here.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vmm/sbi.h"
#include "vmm/vm.h"

static int read_mask(struct vcpu *vcpu, u64 addr, unsigned long *harts)
{
	hva_t p = gmem_ptr(&vcpu->vm->mem, addr, 8);
	long h;
	u64 mask;

	if (!p)
		return SBI_ERR_INVALID_ADDRESS;
	memcpy(&mask, p, 8);
	h = sbi_hart_mask(vcpu->vm, mask, 0);
	if (h < 0)
		return SBI_ERR_INVALID_PARAM;
	*harts = h;
	return SBI_SUCCESS;
}

static int legacy_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	struct vm *vm = vcpu->vm;
	unsigned long harts = 0;
	u8 c;

	/* v0.1 calls return their result in a0 only. */
	call->value = 0;
	switch (call->ext) {
	case SBI_EXT_LEGACY_SET_TIMER:
		call->error = sbi_time_set(vcpu, call->args[0]);
		break;
	case SBI_EXT_LEGACY_PUTCHAR:
		c = call->args[0];
		if (vm->out_fd >= 0 && write(vm->out_fd, &c, 1) < 0 && errno != EAGAIN)
			call->error = SBI_ERR_FAILED;
		else
			call->error = SBI_SUCCESS;
		break;
	case SBI_EXT_LEGACY_GETCHAR:
		call->error = -1; /* no input: console input goes to the UART */
		break;
	case SBI_EXT_LEGACY_CLEAR_IPI:
		call->error = SBI_SUCCESS;
		if (vm->ops->set_irq)
			vm->ops->set_irq(vcpu, IRQ_S_SOFT, false);
		break;
	case SBI_EXT_LEGACY_SEND_IPI:
		call->error = read_mask(vcpu, call->args[0], &harts);
		if (call->error == SBI_SUCCESS)
			call->error = sbi_ipi_send(vcpu, harts);
		break;
	case SBI_EXT_LEGACY_REMOTE_FENCE_I:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
	case SBI_EXT_LEGACY_REMOTE_SFENCE_ASID:
		call->error = read_mask(vcpu, call->args[0], &harts);
		if (call->error == SBI_SUCCESS)
			call->error = sbi_rfence_do(vcpu, harts,
						    call->ext - SBI_EXT_LEGACY_REMOTE_FENCE_I,
						    call->args[1], call->args[2], call->args[3]);
		break;
	case SBI_EXT_LEGACY_SHUTDOWN:
		vm_request_stop(vm, VM_STOP_SHUTDOWN, 0);
		return VMM_STOP;
	}
	return VMM_RESUME;
}

const struct sbi_ext sbi_ext_legacy = {
	.name = "legacy",
	.eid_start = SBI_EXT_LEGACY_SET_TIMER,
	.eid_end = SBI_EXT_LEGACY_SHUTDOWN,
	.stat = STAT_SBI_LEGACY,
	.handler = legacy_handler,
};
