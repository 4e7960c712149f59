/* ISA tests: entry, M-mode trap handler, and the mode-switch trampolines. */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "crt.S"
#include <dvext/dvext.h>

	.section .text.init
	.globl _start
_start:
	csrr t0, mhartid
	bnez t0, park
	la sp, __stack_top
	la t0, __mstack_top
	csrw mscratch, t0
	la t0, m_trap
	csrw mtvec, t0
	mv s0, a1 /* device tree from QEMU */
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	mv a0, s0
	call main
	j park
park:
	wfi
	j park

/*
 * M-mode trap: record the trap. A trap from M skips the instruction; a trap
 * from a lower mode ends run_lower(), which returns the cause to its caller.
 */
	.align 4
	.globl m_trap
m_trap:
	csrrw sp, mscratch, sp
	sd t0, -8(sp)
	sd t1, -16(sp)
	la t0, mtrap
	csrr t1, mcause
	sd t1, 0(t0)
	csrr t1, mepc
	sd t1, 8(t0)
	csrr t1, mtval
	sd t1, 16(t0)
	csrr t1, mstatus
	sd t1, 24(t0)
	csrr t1, mtval2
	sd t1, 32(t0)
	ld t1, 40(t0)
	addi t1, t1, 1
	sd t1, 40(t0)
	csrr t1, mstatus
	srli t1, t1, 11
	andi t1, t1, 3
	li t0, 3
	bne t1, t0, from_lower
	/* from M: skip the (4-byte) instruction */
	csrr t0, mepc
	addi t0, t0, 4
	csrw mepc, t0
	ld t0, -8(sp)
	ld t1, -16(sp)
	csrrw sp, mscratch, sp
	mret
from_lower:
	ld t0, -8(sp)
	ld t1, -16(sp)
	csrrw sp, mscratch, sp
	/* back to run_lower's caller, in M, V=0 */
	li t0, (3 << 11)
	csrs mstatus, t0
	la t0, lower_ctx
	ld ra, 0(t0)
	ld sp, 8(t0)
	ld s0, 16(t0)
	ld s1, 24(t0)
	ld s2, 32(t0)
	ld s3, 40(t0)
	ld s4, 48(t0)
	ld s5, 56(t0)
	ld s6, 64(t0)
	ld s7, 72(t0)
	ld s8, 80(t0)
	ld s9, 88(t0)
	ld s10, 96(t0)
	ld s11, 104(t0)
	ld gp, 112(t0)
	la t0, mtrap
	ld a0, 0(t0)
	ret

/* long run_lower(void (*fn)(void), unsigned long mstatus_mpp_mpv) */
	.globl run_lower
run_lower:
	la t0, lower_ctx
	sd ra, 0(t0)
	sd sp, 8(t0)
	sd s0, 16(t0)
	sd s1, 24(t0)
	sd s2, 32(t0)
	sd s3, 40(t0)
	sd s4, 48(t0)
	sd s5, 56(t0)
	sd s6, 64(t0)
	sd s7, 72(t0)
	sd s8, 80(t0)
	sd s9, 88(t0)
	sd s10, 96(t0)
	sd s11, 104(t0)
	sd gp, 112(t0)
	csrw mepc, a0
	li t0, (3 << 11)
	csrc mstatus, t0
	li t0, (1 << 39)
	csrc mstatus, t0
	csrs mstatus, a1
	addi sp, sp, -256
	mret

/* HS trap vector: record, then ecall to M (ends run_lower) */
	.align 4
	.globl s_trap
s_trap:
	la t0, strap
	csrr t1, scause
	sd t1, 0(t0)
	csrr t1, sepc
	sd t1, 8(t0)
	csrr t1, stval
	sd t1, 16(t0)
	csrr t1, sstatus
	sd t1, 24(t0)
	csrr t1, hstatus
	sd t1, 32(t0)
	ld t1, 40(t0)
	addi t1, t1, 1
	sd t1, 40(t0)
	csrr t1, htval
	sd t1, 48(t0)
	li t1, -1
	csrw stimecmp, t1
	li t1, 2
	csrc sip, t1
	ecall

/* HU exit handler (hu_ehb): record the exit info, then hu_next or ecall */
	.align 4
	.globl hu_trap
hu_trap:
	la t0, hutrap
	csrr t1, DVEXT_CSR_HU_ER
	sd t1, 0(t0)
	csrr t1, DVEXT_CSR_HU_EINFO
	sd t1, 8(t0)
	csrr t1, DVEXT_CSR_HU_EGPA
	sd t1, 16(t0)
	csrr t1, DVEXT_CSR_HU_EINST
	sd t1, 24(t0)
	csrr t1, DVEXT_CSR_HU_VPC
	sd t1, 32(t0)
	csrr t1, DVEXT_CSR_HU_VSTATUS
	sd t1, 40(t0)
	ld t1, 48(t0)
	addi t1, t1, 1
	sd t1, 48(t0)
	rdcycle t1
	sd t1, 56(t0)
	la t0, hu_next
	ld t0, 0(t0)
	beqz t0, 1f
	jr t0
1:	ecall

	.globl do_huret
do_huret:
	.word DVEXT_INSN_HURET
	ret

	.section .bss
	.align 3
	.globl lower_ctx
lower_ctx:
	.space 128
