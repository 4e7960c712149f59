/*
 * Firmware tests: entry of the S-mode payload, the HS trap vector, the guest
 * trampoline and the guest code (run in VS/VU; each piece ends in an ecall).
 */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "fw-crt.S"
#include <dvext/dvext.h>

	.section .text.init
	.globl _start
_start:
	/*
	 * Only the boot hart runs main(): the first hart here. With parallel
	 * harts (MTTCG) OpenSBI's boot hart may be hart 1; the other hart
	 * arrives later, started by main() through SBI HSM.
	 */
	la t0, boot_claim
	li t1, 1
	amoswap.w t1, t1, (t0)
	bnez t1, secondary
	la sp, __stack_top
	la t0, __tstack_top
	csrw sscratch, t0
	la t0, s_trap
	csrw stvec, t0
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	la t0, boot_hart
	sd a0, 0(t0)
	call main
park:
	wfi
	j park

/* a second hart, started by main() through SBI HSM */
secondary:
	la sp, __stack1_top
	la t0, __tstack1_top
	csrw sscratch, t0
	la t0, s_trap
	csrw stvec, t0
	call hart1_main
	j park

/*
 * HS trap: record it. A trap that ends run_guest() returns its cause to
 * run_guest's caller; any other trap (from HS itself) skips the instruction.
 */
	.align 4
	.globl s_trap
s_trap:
	csrrw sp, sscratch, sp
	sd t0, -8(sp)
	sd t1, -16(sp)
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
	la t0, in_guest
	ld t1, 0(t0)
	bnez t1, from_guest
	/* from HS: skip the faulting instruction (2 or 4 bytes) */
	csrr t0, sepc
	lhu t1, 0(t0)
	andi t1, t1, 3
	addi t1, t1, -3
	addi t0, t0, 2
	bnez t1, 1f
	addi t0, t0, 2
1:	csrw sepc, t0
	li t0, (1 << 7) /* a redirected trap may leave hstatus.SPV set */
	csrc hstatus, t0
	ld t0, -8(sp)
	ld t1, -16(sp)
	csrrw sp, sscratch, sp
	sret
from_guest:
	sd zero, 0(t0)
	ld t0, -8(sp)
	ld t1, -16(sp)
	csrrw sp, sscratch, sp
	la t0, guest_ctx
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
	la t0, strap
	ld a0, 0(t0)
	ret

/*
 * long run_guest(void (*fn)(void), unsigned long hstatus_spv_spvp,
 *                unsigned long sstatus_spp, unsigned long arg)
 * Enters fn with a0 = arg through SRET; returns the cause of the HS trap
 * that ends it.
 */
	.globl run_guest
run_guest:
	la t0, guest_ctx
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
	la t0, in_guest
	li t1, 1
	sd t1, 0(t0)
	csrw sepc, a0
	li t0, (1 << 7) | (1 << 8) /* hstatus.SPV, SPVP */
	csrc hstatus, t0
	csrs hstatus, a1
	li t0, (1 << 8) /* sstatus.SPP */
	csrc sstatus, t0
	csrs sstatus, a2
	mv a0, a3
	sret

/* guest code: the access, then an ecall that ends run_guest */
	.globl g_load, g_load_at
g_load:
g_load_at:
	ld t0, 0(a0)
	ecall
1:	j 1b

	.globl g_store, g_store_at
g_store:
g_store_at:
	sd a0, 0(a0)
	ecall
1:	j 1b

	.globl g_ill, g_ill_at
g_ill:
g_ill_at:
	csrr t0, DVEXT_CSR_HU_ER
	ecall
1:	j 1b

/* VS trap vector for the guest: report to HS with an ecall */
	.align 4
	.globl g_vstrap
g_vstrap:
	ecall
1:	j 1b

/* hu_ehb: never reached in these tests (the HS trap comes first) */
	.align 4
	.globl hu_ehb_entry
hu_ehb_entry:
	ecall
1:	j 1b

	.section .bss
	.align 3
guest_ctx:
	.space 128
	.globl in_guest
in_guest:
	.space 8

	.data
	.balign 8
boot_claim:
	.word 0
	.word 0
	.globl boot_hart
boot_hart:
	.dword 0
