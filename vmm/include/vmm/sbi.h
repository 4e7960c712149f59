/* SPDX-License-Identifier: MIT */
/*
 * SBI emulation: one file per extension, each a descriptor in one table
 * (sbi.c). A backend hands every ecall it does not finish itself to
 * sbi_dispatch(); KVM keeps base, time, IPI, RFENCE, HSM and SRST in the
 * kernel and forwards the legacy console and experimental extensions.
 */
#ifndef VMM_SBI_H
#define VMM_SBI_H

#include "vmm/types.h"

struct vcpu;
struct vm;

/* Error codes (SBI spec, table 1). */
#define SBI_SUCCESS		  0
#define SBI_ERR_FAILED		  -1
#define SBI_ERR_NOT_SUPPORTED	  -2
#define SBI_ERR_INVALID_PARAM	  -3
#define SBI_ERR_DENIED		  -4
#define SBI_ERR_INVALID_ADDRESS	  -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED	  -7
#define SBI_ERR_ALREADY_STOPPED	  -8

/* Extension IDs. */
#define SBI_EXT_LEGACY_SET_TIMER	  0x00
#define SBI_EXT_LEGACY_PUTCHAR		  0x01
#define SBI_EXT_LEGACY_GETCHAR		  0x02
#define SBI_EXT_LEGACY_CLEAR_IPI	  0x03
#define SBI_EXT_LEGACY_SEND_IPI		  0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I	  0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA  0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN		  0x08
#define SBI_EXT_BASE			  0x10
#define SBI_EXT_TIME			  0x54494D45
#define SBI_EXT_IPI			  0x735049
#define SBI_EXT_RFENCE			  0x52464E43
#define SBI_EXT_HSM			  0x48534D
#define SBI_EXT_SRST			  0x53525354
/* Ours, in the experimental range (which KVM forwards to user space):
 * exit with a status, and a null call for hypercall round trips. */
#define SBI_EXT_DVB  0x08445642
#define SBI_DVB_EXIT 0
#define SBI_DVB_NOP  1

/* Base functions. */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID	  1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT	  3
#define SBI_BASE_GET_MVENDORID	  4
#define SBI_BASE_GET_MARCHID	  5
#define SBI_BASE_GET_MIMPID	  6

#define SBI_SPEC_VERSION 0x01000000 /* 1.0 */
#define SBI_IMPL_ID	 0x4456	    /* "DV": the evaluation suite's VMM core */
#define SBI_IMPL_VERSION 1

#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND_IPI   0

#define SBI_RFENCE_FENCE_I	    0
#define SBI_RFENCE_SFENCE_VMA	    1
#define SBI_RFENCE_SFENCE_VMA_ASID  2
#define SBI_RFENCE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_HFENCE_GVMA	    4
#define SBI_RFENCE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_HFENCE_VVMA	    6

#define SBI_HSM_HART_START	0
#define SBI_HSM_HART_STOP	1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND	3
/* Suspend types: the two defaults; bit 31 set is non-retentive. The rest of
 * 0..0xffffffff is reserved or platform-specific (we have none), above is
 * reserved. */
#define SBI_HSM_SUSPEND_RET_DEFAULT	0x00000000
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000

#define SBI_SRST_RESET		0
#define SBI_SRST_SHUTDOWN	0
#define SBI_SRST_COLD_REBOOT	1
#define SBI_SRST_WARM_REBOOT	2
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE 1

/* A call as the guest made it. The layout is KVM's kvm_run.riscv_sbi, and
 * DuVisor saves a7, a6, a0..a5 in this order: both hand their saved
 * registers to vcpu_sbi_call() in place, without a copy. */
struct sbi_call {
	u64 ext, fid;
	u64 args[6];
	s64 error; /* returned in a0 */
	u64 value; /* returned in a1 */
};

struct sbi_ext {
	const char *name;
	u64 eid_start, eid_end;
	int stat; /* enum vcpu_stat counted per call */
	/* Fill call->error/value; return VMM_RESUME, VMM_STOP or -errno. */
	int (*handler)(struct vcpu *vcpu, struct sbi_call *call);
	/* Optional: whether this VM offers the extension (base probe_extension). */
	bool (*probe)(struct vm *vm);
	/* Bit f (f < 64): function f's answer depends on nothing but the VM
	 * (no argument, no state, no effect): see sbi_const_call(). */
	u64 const_fids;
};

extern const struct sbi_ext sbi_ext_legacy, sbi_ext_base, sbi_ext_time, sbi_ext_ipi, sbi_ext_rfence,
	sbi_ext_hsm, sbi_ext_srst, sbi_ext_dvb;

/* Every extension, for the unit tests; sbi_find_ext() switches on the id. */
extern const struct sbi_ext *const sbi_ext_table[];
extern const unsigned sbi_ext_table_size;

const struct sbi_ext *sbi_find_ext(u64 eid);
/* Look the call up and run its handler; an unknown extension or function
 * answers SBI_ERR_NOT_SUPPORTED and counts STAT_SBI_UNSUPPORTED. */
int sbi_dispatch(struct vcpu *vcpu, struct sbi_call *call);
/* For a backend that answers constant calls itself (DuVisor's exit stub):
 * if call->ext and call->fid name a function in const_fids that this VM
 * offers, fill call->error and call->value with the handler's answer and
 * *ext with the extension (whose stat, with STAT_EXIT_SBI, such an answer
 * must count as vcpu_sbi_call would) and return 0; else -ENOENT. Counts
 * nothing itself. */
int sbi_const_call(struct vcpu *vcpu, struct sbi_call *call, const struct sbi_ext **ext);

/* For handlers: the harts named by (hart_mask, hart_mask_base); -1 in base
 * means all. Returns a bitmap of vCPU ids, or -1 if a hart does not exist. */
long sbi_hart_mask(struct vm *vm, u64 mask, u64 base);

/* Shared by the legacy calls and their v0.2 extensions; SBI error codes. */
int sbi_time_set(struct vcpu *vcpu, u64 deadline);
int sbi_ipi_send(struct vcpu *vcpu, unsigned long harts);
int sbi_rfence_do(struct vcpu *vcpu, unsigned long harts, unsigned long fid, u64 start, u64 size,
		  u64 asid);

#endif
