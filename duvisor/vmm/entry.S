/* SPDX-License-Identifier: MIT */
/*
 * HU entry and exit: the only assembly of DuVisor.
 *
 * dv_enter(ctx) saves the host's callee-saved registers in ctx, loads the
 * guest's x1..x31 and executes HURET. A delegated exit lands at
 * dv_exit_entry (hu_ehb) in HU mode with the guest's registers live: it
 * stores them in ctx (found through hu_scratch), reloads the host's and
 * returns from dv_enter. The guest's FP registers stay in the hardware: the
 * exit path is integer-only, and the kernel saves them with the thread.
 *
 * A signal delivered to a vCPU thread while it runs the guest interrupts
 * the guest (two-step trap) and finds the guest's sp, tp and gp: its handler
 * must run on the alternate stack and must not need TLS. dv_signal_return
 * is such a handler: it only makes the interrupted run loop look at its flags.
 */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "entry.S"
#include "dvext/dvext.h"

#define HURET .word DVEXT_INSN_HURET

	.text
	.globl dv_enter
	.type dv_enter, @function
	.balign 4
dv_enter:
	sd ra, 256(a0)
	sd sp, 264(a0)
	sd gp, 272(a0)
	sd tp, 280(a0)
	sd s0, 288(a0)
	sd s1, 296(a0)
	sd s2, 304(a0)
	sd s3, 312(a0)
	sd s4, 320(a0)
	sd s5, 328(a0)
	sd s6, 336(a0)
	sd s7, 344(a0)
	sd s8, 352(a0)
	sd s9, 360(a0)
	sd s10, 368(a0)
	sd s11, 376(a0)
	csrw DVEXT_CSR_HU_SCRATCH, a0
	ld x1, 8(a0)
	ld x2, 16(a0)
	ld x3, 24(a0)
	ld x4, 32(a0)
	ld x5, 40(a0)
	ld x6, 48(a0)
	ld x7, 56(a0)
	ld x8, 64(a0)
	ld x9, 72(a0)
	ld x11, 88(a0)
	ld x12, 96(a0)
	ld x13, 104(a0)
	ld x14, 112(a0)
	ld x15, 120(a0)
	ld x16, 128(a0)
	ld x17, 136(a0)
	ld x18, 144(a0)
	ld x19, 152(a0)
	ld x20, 160(a0)
	ld x21, 168(a0)
	ld x22, 176(a0)
	ld x23, 184(a0)
	ld x24, 192(a0)
	ld x25, 200(a0)
	ld x26, 208(a0)
	ld x27, 216(a0)
	ld x28, 224(a0)
	ld x29, 232(a0)
	ld x30, 240(a0)
	ld x31, 248(a0)
	ld x10, 80(a0)
	HURET
	.size dv_enter, . - dv_enter

	.globl dv_exit_entry
	.type dv_exit_entry, @function
	.balign 4
dv_exit_entry:
	csrrw a0, DVEXT_CSR_HU_SCRATCH, a0
	sd x1, 8(a0)
	sd x2, 16(a0)
	sd x3, 24(a0)
	sd x4, 32(a0)
	sd x5, 40(a0)
	sd x6, 48(a0)
	sd x7, 56(a0)
	sd x8, 64(a0)
	sd x9, 72(a0)
	sd x11, 88(a0)
	sd x12, 96(a0)
	sd x13, 104(a0)
	sd x14, 112(a0)
	sd x15, 120(a0)
	sd x16, 128(a0)
	sd x17, 136(a0)
	sd x18, 144(a0)
	sd x19, 152(a0)
	sd x20, 160(a0)
	sd x21, 168(a0)
	sd x22, 176(a0)
	sd x23, 184(a0)
	sd x24, 192(a0)
	sd x25, 200(a0)
	sd x26, 208(a0)
	sd x27, 216(a0)
	sd x28, 224(a0)
	sd x29, 232(a0)
	sd x30, 240(a0)
	sd x31, 248(a0)
	csrr t0, DVEXT_CSR_HU_SCRATCH
	sd t0, 80(a0)
	csrw DVEXT_CSR_HU_SCRATCH, a0
	ld ra, 256(a0)
	ld sp, 264(a0)
	ld gp, 272(a0)
	ld tp, 280(a0)
	ld s0, 288(a0)
	ld s1, 296(a0)
	ld s2, 304(a0)
	ld s3, 312(a0)
	ld s4, 320(a0)
	ld s5, 328(a0)
	ld s6, 336(a0)
	ld s7, 344(a0)
	ld s8, 352(a0)
	ld s9, 360(a0)
	ld s10, 368(a0)
	ld s11, 376(a0)
	ret
	.size dv_exit_entry, . - dv_exit_entry

	.globl dv_signal_return
	.type dv_signal_return, @function
	.balign 4
dv_signal_return:
	ret
	.size dv_signal_return, . - dv_signal_return

	.section .note.GNU-stack, "", @progbits
