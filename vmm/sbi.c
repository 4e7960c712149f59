// SPDX-License-Identifier: MIT
/* SBI dispatch: one table of extensions, one file per extension. */
#include <errno.h>

#include "vmm/sbi.h"
#include "vmm/faultinj.h"
#include "vmm/vm.h"

const struct sbi_ext *const sbi_ext_table[] = {
	&sbi_ext_legacy, &sbi_ext_base, &sbi_ext_time, &sbi_ext_ipi,
	&sbi_ext_rfence, &sbi_ext_hsm,	&sbi_ext_srst, &sbi_ext_dvb,
};
const unsigned sbi_ext_table_size = ARRAY_SIZE(sbi_ext_table);

/* On the exit path of every ecall: a switch on the id, no search. The unit
 * test checks it against each extension's eid_start..eid_end. */
static inline const struct sbi_ext *find_ext(u64 eid)
{
	switch (eid) {
	case SBI_EXT_BASE:
		return &sbi_ext_base;
	case SBI_EXT_TIME:
		return &sbi_ext_time;
	case SBI_EXT_IPI:
		return &sbi_ext_ipi;
	case SBI_EXT_RFENCE:
		return &sbi_ext_rfence;
	case SBI_EXT_HSM:
		return &sbi_ext_hsm;
	case SBI_EXT_SRST:
		return &sbi_ext_srst;
	case SBI_EXT_DVB:
		return &sbi_ext_dvb;
	default:
		return eid <= SBI_EXT_LEGACY_SHUTDOWN ? &sbi_ext_legacy : NULL;
	}
}

const struct sbi_ext *sbi_find_ext(u64 eid)
{
	return find_ext(eid);
}

static inline int dispatch(struct vcpu *vcpu, struct sbi_call *call)
{
	const struct sbi_ext *ext = find_ext(call->ext);

	call->error = SBI_ERR_NOT_SUPPORTED;
	call->value = 0;
	if (!ext || (ext->probe && !ext->probe(vcpu->vm))) {
		vcpu_stat_inc_own(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
	vcpu_stat_inc_own(vcpu, ext->stat);
	VMM_FAULT(vmm_fault_sbi(call->ext, call->fid));
	return ext->handler(vcpu, call);
}

int sbi_dispatch(struct vcpu *vcpu, struct sbi_call *call)
{
	return dispatch(vcpu, call);
}

int sbi_const_call(struct vcpu *vcpu, struct sbi_call *call, const struct sbi_ext **ext)
{
	const struct sbi_ext *e = find_ext(call->ext);

	if (!e || call->fid >= 64 || !(e->const_fids & (1ULL << call->fid)) ||
	    (e->probe && !e->probe(vcpu->vm)))
		return -ENOENT;
	call->error = SBI_ERR_NOT_SUPPORTED;
	call->value = 0;
	if (e->handler(vcpu, call) != VMM_RESUME)
		return -ENOENT;
	*ext = e;
	return 0;
}

/* The backends' entry (vm.h): the call in place, one function deep. */
int vcpu_sbi_call(struct vcpu *vcpu, struct sbi_call *call)
{
	int r;

	vcpu_stat_inc_own(vcpu, STAT_EXIT_SBI);
	/* A handler that restarts the hart (HSM) clears the exit reason. */
	vcpu->exit.reason = VMM_EXIT_SBI;
	r = dispatch(vcpu, call);
	if (vcpu->exit.reason != VMM_EXIT_SBI)
		return r == VMM_RESUME ? VMM_RESTART : r;
	vcpu->exit.reason = VMM_EXIT_NONE;
	return r;
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
