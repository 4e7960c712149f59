/* SPDX-License-Identifier: MIT */
/*
 * The layout of struct dv_ctx (dv.h), the guest's integer registers while
 * DuVisor runs, for entry.S and C alike: slots of 8 bytes.
 *
 * a7, a6, a0..a5 come first, in the order of struct sbi_call (ext, fid,
 * args[6], then error and value): the core's SBI code works on the saved
 * registers in place. Then what C code may clobber (ra, sp, gp, tp,
 * t0..t6): the exit stub saves those on every exit. s0..s11 are
 * callee-saved in C, so the stub leaves them in the hardware and stores
 * them only when a handler needs them or the run loop takes over; FULL
 * says whether the slots hold them.
 */
#ifndef DUVISOR_CTX_H
#define DUVISOR_CTX_H

#define DV_SLOT_A7    0 /* sbi.ext */
#define DV_SLOT_A6    1 /* sbi.fid */
#define DV_SLOT_A0    2 /* sbi.args[0..5]: a0..a5 */
#define DV_SLOT_ERROR 8 /* sbi.error, sbi.value: the core's answer */
#define DV_SLOT_RA    10
#define DV_SLOT_SP    11
#define DV_SLOT_GP    12
#define DV_SLOT_TP    13
#define DV_SLOT_T0    14 /* t0..t2 */
#define DV_SLOT_T3    17 /* t3..t6 */
#define DV_SLOT_S0    21 /* s0..s11 */
#define DV_SLOT_FULL                                                              \
	33		/* 1: s0..s11 are in their slots; 0: live in the hardware \
			 * (always 0 while the guest runs) */
#define DV_SLOT_HOST 34 /* the host's ra sp gp tp s0..s11 while the guest runs */
#define DV_SLOT_ATTN 50 /* u32, nonzero: the run loop must look (kick, lowered external line) */
/* The stub's answers to constant SBI calls (the null call), from the core. */
#define DV_SLOT_FAST_EXT  51 /* the extension they belong to */
#define DV_SLOT_FAST_MASK 52 /* bit f: function f (< DV_FAST_FIDS) is answered */
#define DV_SLOT_FAST_CNT  53 /* 3 counters to increment per call (addresses) */
#define DV_SLOT_FAST_ANS  56 /* {error, value} per function */
#define DV_FAST_FIDS	  8
#define DV_CTX_SLOTS	  (DV_SLOT_FAST_ANS + 2 * DV_FAST_FIDS)

#define DV_OFF(slot) ((slot)*8)

/* Return values of dv_exit() (exit.c), which the exit stub acts on. */
#define DV_RESUME  0 /* HURET: restore what the stub saved (and s0..s11 if FULL) */
#define DV_FULL	   1 /* a handler needs s0..s11: store them, set FULL, call again */
#define DV_LEAVE   2 /* return from dv_enter() to the run loop (kick, stop) */
#define DV_RESTART 3 /* the same; the core restarted the vCPU (pc and registers are new) */
/* negative: -errno, DuVisor cannot go on (also returned from dv_enter()) */

/* A trace mark (docs/dv-ext.md): "slti x0, x0, N", a custom HINT. */
#define DV_MARK_EXIT  1 /* the exit stub is done: handling starts */
#define DV_MARK_ENTRY 2 /* the handling is done: the HURET path starts */

#endif
