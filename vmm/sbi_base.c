// SPDX-License-Identifier: MIT
#include "vmm/sbi.h"
#include "vmm/vm.h"

/* Out of line: the other functions need no stack frame. */
static __attribute__((noinline)) u64 probe_ext(struct vm *vm, u64 eid)
{
	const struct sbi_ext *ext = sbi_find_ext(eid);

	return ext && (!ext->probe || ext->probe(vm));
}

static int base_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	call->error = SBI_SUCCESS;
	switch (call->fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		call->value = SBI_SPEC_VERSION;
		break;
	case SBI_BASE_GET_IMPL_ID:
		call->value = SBI_IMPL_ID;
		break;
	case SBI_BASE_GET_IMPL_VERSION:
		call->value = SBI_IMPL_VERSION;
		break;
	case SBI_BASE_PROBE_EXT:
		call->value = probe_ext(vcpu->vm, call->args[0]);
		break;
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		call->value = 0;
		break;
	default:
		call->error = SBI_ERR_NOT_SUPPORTED;
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		break;
	}
	return VMM_RESUME;
}

const struct sbi_ext sbi_ext_base = {
	.name = "base",
	.eid_start = SBI_EXT_BASE,
	.eid_end = SBI_EXT_BASE,
	.stat = STAT_SBI_BASE,
	.handler = base_handler,
	.const_fids = 1ULL << SBI_BASE_GET_SPEC_VERSION | 1ULL << SBI_BASE_GET_IMPL_ID |
		      1ULL << SBI_BASE_GET_IMPL_VERSION | 1ULL << SBI_BASE_GET_MVENDORID |
		      1ULL << SBI_BASE_GET_MARCHID | 1ULL << SBI_BASE_GET_MIMPID,
};
