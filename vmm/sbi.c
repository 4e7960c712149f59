// SPDX-License-Identifier: MIT
/* SBI dispatch: one table of extensions, one file per extension. */
#include "vmm/sbi.h"
#include "vmm/faultinj.h"
#include "vmm/vm.h"

static const struct sbi_ext *const sbi_exts[] = {
	&sbi_ext_legacy, &sbi_ext_base, &sbi_ext_time, &sbi_ext_ipi,
	&sbi_ext_rfence, &sbi_ext_hsm,	&sbi_ext_srst, &sbi_ext_dvb,
};

const struct sbi_ext *sbi_find_ext(u64 eid)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sbi_exts); i++)
		if (eid >= sbi_exts[i]->eid_start && eid <= sbi_exts[i]->eid_end)
			return sbi_exts[i];
	return NULL;
}

int sbi_dispatch(struct vcpu *vcpu, struct sbi_call *call)
{
	const struct sbi_ext *ext = sbi_find_ext(call->ext);

	call->error = SBI_ERR_NOT_SUPPORTED;
	call->value = 0;
	if (!ext || (ext->probe && !ext->probe(vcpu->vm))) {
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	vcpu_stat_inc(vcpu, ext->stat);
	VMM_FAULT(vmm_fault_sbi(call->ext, call->fid));
	return ext->handler(vcpu, call);
}

long sbi_hart_mask(struct vm *vm, u64 mask, u64 base)
{
	unsigned long all = (1UL << vm->nr_vcpus) - 1;

	if (base == ~0ULL)
		return all;
	if (base >= vm->nr_vcpus)
		return mask ? -1 : 0;
	if (base + 64 > vm->nr_vcpus && (mask >> (vm->nr_vcpus - base)))
		return -1;
	return (long)((mask << base) & all);
}
