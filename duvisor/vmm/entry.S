/* SPDX-License-Identifier: MIT */
/*
 * HU entry and exit: the only assembly of DuVisor (register slots: ctx.h).
 *
 * dv_enter(ctx) saves the host's callee-saved registers, sp, gp and tp in
 * ctx, loads all of the guest's x1..x31 and executes HURET. Every delegated
 * exit then lands at dv_exit_entry (hu_ehb) in HU mode with the guest's
 * registers live. The stub saves what C code may clobber (ra, sp, gp, tp,
 * t0-t6, a0-a7: 19 registers) into ctx, found through hu_scratch, takes
 * the host's sp (the thread's own stack, below dv_enter's caller), gp and
 * tp, and calls the exit table, dv_exit(ctx) in exit.c. The guest's s0-s11
 * stay in the hardware: C preserves them. On DV_RESUME the stub restores
 * the 19 registers and executes HURET; the host's callee-saved registers
 * are not touched on this path. Only when a handler needs s0-s11 (DV_FULL)
 * or the run loop must take over (DV_LEAVE, DV_RESTART, -errno) does the
 * stub store them; for the run loop it then reloads the host's registers
 * and returns from dv_enter() with dv_exit()'s value.
 *
 * The guest's FP registers stay in the hardware: the exit path is
 * integer-only, and the kernel saves them with the thread.
 *
 * A signal delivered to a vCPU thread while it runs the guest interrupts
 * the guest (two-step trap) and finds the guest's sp, tp and gp: its handler
 * must run on the alternate stack and must not need TLS. dv_signal_return
 * is such a handler: it only makes the interrupted exit look at its flags.
 *
 * The fast path (the null call): before any of that, the stub answers an
 * SBI call whose answer depends on nothing but the VM (ctx.fast_*, filled
 * from the core's own handler by dv_fast_setup(); e.g. SBI base
 * get_spec_version) with two scratch registers: a0 = error, a1 = value,
 * the three counters vcpu_sbi_call() and the exit table would count, pc
 * past the ecall. Anything else, or the attention flag (a kick), takes the
 * ordinary path with every register as the guest left it.
 *
 * "slti x0, x0, N" is a HINT (a no-op) that the model's trace records as a
 * mark (docs/dv-ext.md): it splits the time in HU into the exit stub, the
 * handling and the HURET path (docs/methodology.md).
 */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "entry.S"
#include "ctx.h"
#include "dvext/dvext.h"

#define HURET	   .word DVEXT_INSN_HURET
#define MARK(n)	   slti x0, x0, n
#define SLOT(r, s) DV_OFF(DV_SLOT_##s)(r)

	.text
	.globl dv_enter
	.type dv_enter, @function
	.balign 4
dv_enter:
	sd ra, DV_OFF(DV_SLOT_HOST + 0)(a0)
	sd sp, DV_OFF(DV_SLOT_HOST + 1)(a0)
	sd gp, DV_OFF(DV_SLOT_HOST + 2)(a0)
	sd tp, DV_OFF(DV_SLOT_HOST + 3)(a0)
	sd s0, DV_OFF(DV_SLOT_HOST + 4)(a0)
	sd s1, DV_OFF(DV_SLOT_HOST + 5)(a0)
	sd s2, DV_OFF(DV_SLOT_HOST + 6)(a0)
	sd s3, DV_OFF(DV_SLOT_HOST + 7)(a0)
	sd s4, DV_OFF(DV_SLOT_HOST + 8)(a0)
	sd s5, DV_OFF(DV_SLOT_HOST + 9)(a0)
	sd s6, DV_OFF(DV_SLOT_HOST + 10)(a0)
	sd s7, DV_OFF(DV_SLOT_HOST + 11)(a0)
	sd s8, DV_OFF(DV_SLOT_HOST + 12)(a0)
	sd s9, DV_OFF(DV_SLOT_HOST + 13)(a0)
	sd s10, DV_OFF(DV_SLOT_HOST + 14)(a0)
	sd s11, DV_OFF(DV_SLOT_HOST + 15)(a0)
	csrw DVEXT_CSR_HU_SCRATCH, a0
	MARK(DV_MARK_ENTRY)
	ld s0, DV_OFF(DV_SLOT_S0 + 0)(a0)
	ld s1, DV_OFF(DV_SLOT_S0 + 1)(a0)
	ld s2, DV_OFF(DV_SLOT_S0 + 2)(a0)
	ld s3, DV_OFF(DV_SLOT_S0 + 3)(a0)
	ld s4, DV_OFF(DV_SLOT_S0 + 4)(a0)
	ld s5, DV_OFF(DV_SLOT_S0 + 5)(a0)
	ld s6, DV_OFF(DV_SLOT_S0 + 6)(a0)
	ld s7, DV_OFF(DV_SLOT_S0 + 7)(a0)
	ld s8, DV_OFF(DV_SLOT_S0 + 8)(a0)
	ld s9, DV_OFF(DV_SLOT_S0 + 9)(a0)
	ld s10, DV_OFF(DV_SLOT_S0 + 10)(a0)
	ld s11, DV_OFF(DV_SLOT_S0 + 11)(a0)
	sd zero, SLOT(a0, FULL) /* s0..s11 live in the hardware from here */
	mv a1, a0
	j .Lrestore
	.size dv_enter, . - dv_enter

	.globl dv_exit_entry
	.type dv_exit_entry, @function
	.balign 4
dv_exit_entry:
	/* a0 = ctx; the guest's a0 waits in hu_scratch */
	csrrw a0, DVEXT_CSR_HU_SCRATCH, a0
	sd t0, DV_OFF(DV_SLOT_T0 + 0)(a0)
	sd t1, DV_OFF(DV_SLOT_T0 + 1)(a0)

	/* ---- fast path: an ecall of fast_ext, function a6 < DV_FAST_FIDS with
	 * its bit in fast_mask, and nobody waiting for the run loop ---- */
	csrr t0, DVEXT_CSR_HU_ER
	addi t0, t0, -DVEXT_CAUSE_VS_ECALL
	bnez t0, .Lsave
	ld t0, SLOT(a0, FAST_EXT)
	bne a7, t0, .Lsave
	li t0, DV_FAST_FIDS
	bgeu a6, t0, .Lsave
	ld t0, SLOT(a0, FAST_MASK)
	srl t0, t0, a6
	andi t0, t0, 1
	beqz t0, .Lsave
	lw t0, SLOT(a0, ATTN)
	bnez t0, .Lsave
	MARK(DV_MARK_EXIT)
	/* the counters: exit_sbi, the extension's, hu_exit_ecall */
	ld t1, DV_OFF(DV_SLOT_FAST_CNT + 0)(a0)
	ld t0, 0(t1)
	addi t0, t0, 1
	sd t0, 0(t1)
	ld t1, DV_OFF(DV_SLOT_FAST_CNT + 1)(a0)
	ld t0, 0(t1)
	addi t0, t0, 1
	sd t0, 0(t1)
	ld t1, DV_OFF(DV_SLOT_FAST_CNT + 2)(a0)
	ld t0, 0(t1)
	addi t0, t0, 1
	sd t0, 0(t1)
	csrr t0, DVEXT_CSR_HU_VPC
	addi t0, t0, 4
	csrw DVEXT_CSR_HU_VPC, t0
	/* t0 = &fast_ans[a6]: a1 = value, a0 = error; t0, t1 restored */
	slli t0, a6, 4
	add t0, t0, a0
	MARK(DV_MARK_ENTRY)
	ld a1, DV_OFF(DV_SLOT_FAST_ANS + 1)(t0)
	ld t1, DV_OFF(DV_SLOT_FAST_ANS)(t0)
	ld t0, DV_OFF(DV_SLOT_T0 + 0)(a0)
	csrw DVEXT_CSR_HU_SCRATCH, a0
	mv a0, t1
	csrr t1, DVEXT_CSR_HU_SCRATCH
	ld t1, DV_OFF(DV_SLOT_T0 + 1)(t1)
	HURET

	/* ---- the ordinary path: t0, t1 are saved already ---- */
.Lsave:
	sd a7, SLOT(a0, A7)
	sd a6, DV_OFF(DV_SLOT_A6)(a0)
	sd a1, DV_OFF(DV_SLOT_A0 + 1)(a0)
	sd a2, DV_OFF(DV_SLOT_A0 + 2)(a0)
	sd a3, DV_OFF(DV_SLOT_A0 + 3)(a0)
	sd a4, DV_OFF(DV_SLOT_A0 + 4)(a0)
	sd a5, DV_OFF(DV_SLOT_A0 + 5)(a0)
	sd ra, SLOT(a0, RA)
	sd sp, SLOT(a0, SP)
	sd gp, SLOT(a0, GP)
	sd tp, SLOT(a0, TP)
	sd t2, DV_OFF(DV_SLOT_T0 + 2)(a0)
	sd t3, DV_OFF(DV_SLOT_T3 + 0)(a0)
	sd t4, DV_OFF(DV_SLOT_T3 + 1)(a0)
	sd t5, DV_OFF(DV_SLOT_T3 + 2)(a0)
	sd t6, DV_OFF(DV_SLOT_T3 + 3)(a0)
	csrrw t0, DVEXT_CSR_HU_SCRATCH, a0 /* the guest's a0; hu_scratch = ctx again */
	sd t0, SLOT(a0, A0)
	ld sp, DV_OFF(DV_SLOT_HOST + 1)(a0)
	ld gp, DV_OFF(DV_SLOT_HOST + 2)(a0)
	ld tp, DV_OFF(DV_SLOT_HOST + 3)(a0)
	MARK(DV_MARK_EXIT)
	call dv_exit /* a0 = ctx, which is also the struct dv_vcpu */
	csrr a1, DVEXT_CSR_HU_SCRATCH
	bnez a0, .Lnot_resume
	/* a kick or a lowered line (ctx.attn): the run loop must look */
	lw t0, SLOT(a1, ATTN)
	li a0, DV_LEAVE
	bnez t0, .Lnot_resume
	MARK(DV_MARK_ENTRY)
.Lrestore:
	ld ra, SLOT(a1, RA)
	ld sp, SLOT(a1, SP)
	ld gp, SLOT(a1, GP)
	ld tp, SLOT(a1, TP)
	ld t0, DV_OFF(DV_SLOT_T0 + 0)(a1)
	ld t1, DV_OFF(DV_SLOT_T0 + 1)(a1)
	ld t2, DV_OFF(DV_SLOT_T0 + 2)(a1)
	ld t3, DV_OFF(DV_SLOT_T3 + 0)(a1)
	ld t4, DV_OFF(DV_SLOT_T3 + 1)(a1)
	ld t5, DV_OFF(DV_SLOT_T3 + 2)(a1)
	ld t6, DV_OFF(DV_SLOT_T3 + 3)(a1)
	ld a7, SLOT(a1, A7)
	ld a6, DV_OFF(DV_SLOT_A6)(a1)
	ld a0, DV_OFF(DV_SLOT_A0 + 0)(a1)
	ld a2, DV_OFF(DV_SLOT_A0 + 2)(a1)
	ld a3, DV_OFF(DV_SLOT_A0 + 3)(a1)
	ld a4, DV_OFF(DV_SLOT_A0 + 4)(a1)
	ld a5, DV_OFF(DV_SLOT_A0 + 5)(a1)
	ld a1, DV_OFF(DV_SLOT_A0 + 1)(a1)
	HURET

	/* After DV_FULL: the handler may have set s-registers in ctx. */
.Lrestore_s:
	ld s0, DV_OFF(DV_SLOT_S0 + 0)(a1)
	ld s1, DV_OFF(DV_SLOT_S0 + 1)(a1)
	ld s2, DV_OFF(DV_SLOT_S0 + 2)(a1)
	ld s3, DV_OFF(DV_SLOT_S0 + 3)(a1)
	ld s4, DV_OFF(DV_SLOT_S0 + 4)(a1)
	ld s5, DV_OFF(DV_SLOT_S0 + 5)(a1)
	ld s6, DV_OFF(DV_SLOT_S0 + 6)(a1)
	ld s7, DV_OFF(DV_SLOT_S0 + 7)(a1)
	ld s8, DV_OFF(DV_SLOT_S0 + 8)(a1)
	ld s9, DV_OFF(DV_SLOT_S0 + 9)(a1)
	ld s10, DV_OFF(DV_SLOT_S0 + 10)(a1)
	ld s11, DV_OFF(DV_SLOT_S0 + 11)(a1)
	sd zero, SLOT(a1, FULL)
	j .Lrestore

.Lnot_resume:
	/* s0-s11 hold the guest's values again (C preserved them), unless the
	 * core has rewritten the whole context (FULL already set) */
	ld t0, SLOT(a1, FULL)
	bnez t0, 1f
	sd s0, DV_OFF(DV_SLOT_S0 + 0)(a1)
	sd s1, DV_OFF(DV_SLOT_S0 + 1)(a1)
	sd s2, DV_OFF(DV_SLOT_S0 + 2)(a1)
	sd s3, DV_OFF(DV_SLOT_S0 + 3)(a1)
	sd s4, DV_OFF(DV_SLOT_S0 + 4)(a1)
	sd s5, DV_OFF(DV_SLOT_S0 + 5)(a1)
	sd s6, DV_OFF(DV_SLOT_S0 + 6)(a1)
	sd s7, DV_OFF(DV_SLOT_S0 + 7)(a1)
	sd s8, DV_OFF(DV_SLOT_S0 + 8)(a1)
	sd s9, DV_OFF(DV_SLOT_S0 + 9)(a1)
	sd s10, DV_OFF(DV_SLOT_S0 + 10)(a1)
	sd s11, DV_OFF(DV_SLOT_S0 + 11)(a1)
	li t0, 1
	sd t0, SLOT(a1, FULL)
1:	li t0, DV_FULL
	bne a0, t0, .Lleave
	/* the handler asked for s0-s11: they are in ctx now; call it again,
	 * and resume with s0-s11 from ctx */
	mv a0, a1
	call dv_exit
	csrr a1, DVEXT_CSR_HU_SCRATCH
	bnez a0, .Lnot_resume
	lw t0, SLOT(a1, ATTN)
	li a0, DV_LEAVE
	bnez t0, .Lnot_resume
	MARK(DV_MARK_ENTRY)
	j .Lrestore_s

	/* back to the run loop: return from dv_enter() with a0 */
.Lleave:
	ld ra, DV_OFF(DV_SLOT_HOST + 0)(a1)
	ld s0, DV_OFF(DV_SLOT_HOST + 4)(a1)
	ld s1, DV_OFF(DV_SLOT_HOST + 5)(a1)
	ld s2, DV_OFF(DV_SLOT_HOST + 6)(a1)
	ld s3, DV_OFF(DV_SLOT_HOST + 7)(a1)
	ld s4, DV_OFF(DV_SLOT_HOST + 8)(a1)
	ld s5, DV_OFF(DV_SLOT_HOST + 9)(a1)
	ld s6, DV_OFF(DV_SLOT_HOST + 10)(a1)
	ld s7, DV_OFF(DV_SLOT_HOST + 11)(a1)
	ld s8, DV_OFF(DV_SLOT_HOST + 12)(a1)
	ld s9, DV_OFF(DV_SLOT_HOST + 13)(a1)
	ld s10, DV_OFF(DV_SLOT_HOST + 14)(a1)
	ld s11, DV_OFF(DV_SLOT_HOST + 15)(a1)
	ret
	.size dv_exit_entry, . - dv_exit_entry

	.globl dv_signal_return
	.type dv_signal_return, @function
	.balign 4
dv_signal_return:
	ret
	.size dv_signal_return, . - dv_signal_return

	.section .note.GNU-stack, "", @progbits
