// SPDX-License-Identifier: MIT
/* The suite's own extension: exit with a status, and a null call whose round
 * trip the hypercall benchmark measures. */
#include "vmm/sbi.h"
#include "vmm/vm.h"

static int dvb_handler(struct vcpu *vcpu, struct sbi_call *call)
{
	u64 code = call->args[0];

	switch (call->fid) {
	case SBI_DVB_EXIT:
		vm_request_stop(vcpu->vm, VM_STOP_SHUTDOWN, code == 0 ? 0 : (code & 0xff) ?: 1);
		return VMM_STOP;
	case SBI_DVB_NOP:
		call->error = SBI_SUCCESS;
		call->value = code;
		return VMM_RESUME;
	default:
		vcpu_stat_inc(vcpu, STAT_SBI_UNSUPPORTED);
		return VMM_RESUME;
	}
}

const struct sbi_ext sbi_ext_dvb = {
	.name = "dvb",
	.eid_start = SBI_EXT_DVB,
	.eid_end = SBI_EXT_DVB,
	.stat = STAT_SBI_DVB,
	.handler = dvb_handler,
};
