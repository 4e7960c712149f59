/* SPDX-License-Identifier: MIT */
/*
 * Fault switches for the security evaluation (issue 12, the paper's Table 6):
 * six classes of hypervisor bug, planted where DuVisor handles the matching
 * VM exit, each fired by a guest action. They exist only in a build with
 * -DVMM_FAULTS (build/security/duvisor-faults); in every other build each
 * VMM_FAULT(...) is nothing and its arguments are not even compiled. In the
 * fault build a switch is still off until the run names it:
 *   DV_FAULT=s2|plic|isa|exit|sbi-panic|sbi-loop|uart duvisor-faults ...
 * The trigger of each (what the guest does) is in faultinj.c and
 * tests/security/secguest.c.
 */
#ifndef VMM_FAULTINJ_H
#define VMM_FAULTINJ_H

#include "vmm/mem.h"
#include "vmm/types.h"

#ifdef VMM_FAULTS
enum vmm_fault {
	VMM_FAULT_NONE,
	VMM_FAULT_S2,	     /* stack buffer overrun in stage-2 fault handling */
	VMM_FAULT_PLIC,	     /* use-after-free in the virtual PLIC */
	VMM_FAULT_ISA,	     /* undefined instruction in MMIO (ISA) emulation */
	VMM_FAULT_EXIT,	     /* stack corruption in VM-exit handling */
	VMM_FAULT_SBI_PANIC, /* panic in SBI emulation */
	VMM_FAULT_SBI_LOOP,  /* infinite loop in SBI emulation */
	VMM_FAULT_UART,	     /* use-after-free in the serial device */
};

/* Guest triggers. */
#define VMM_FAULT_PLIC_IRQ	0x5ec	   /* completion of this (invalid) source */
#define VMM_FAULT_ISA_OFF	0xec0	   /* MMIO at MM_TEST_BASE + this */
#define VMM_FAULT_EXIT_EID	0x5ec00004 /* ecall with a7 = this */
#define VMM_FAULT_SBI_PANIC_FID 0x5ec0	   /* base extension, fid = this */
#define VMM_FAULT_SBI_LOOP_FID	0x5ec1
#define VMM_FAULT_UART_SCR	0xec /* this byte into the scratch register */

/* Stage-2 fault at a GPA in the last 4 KiB of RAM. */
void vmm_fault_s2(const struct guest_mem *m, gpa_t gpa);
void vmm_fault_uaf(enum vmm_fault f, u64 val);
void vmm_fault_isa(gpa_t gpa);
void vmm_fault_exit(u64 cause, u64 a7, const u64 *a0_5); /* a7 and a0..a5 of an ecall */
void vmm_fault_sbi(u64 ext, u64 fid);
#define VMM_FAULT(call) call
#else
#define VMM_FAULT(call) ((void)0)
#endif

#endif
