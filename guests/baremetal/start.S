/* SPDX-License-Identifier: MIT */
/* Entry of bare-metal guests: a0 = hart id, a1 = device tree. Each hart gets
 * its own stack below __stack_top and TLS block (picolibc keeps errno there)
 * at tp; sscratch holds the hart id. */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "start.S"
#define STACK_SIZE 8192
#define FRAME	   (32 * 8)
/* Per-hart TLS blocks of 256 bytes: see guest.ld. */

	.section .text.start, "ax"
	.globl _start
_start:
	csrw	sscratch, a0
	la	tp, __tls_area
	slli	t0, a0, 8
	add	tp, tp, t0
	la	sp, __stack_top
	li	t0, STACK_SIZE
	mul	t0, t0, a0
	sub	sp, sp, t0
	la	t0, dv_trap_entry
	csrw	stvec, t0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	dv_boot
3:	j	3b

/* Harts started by SBI HSM: a0 = hart id, a1 = opaque (a struct dv_start). */
	.globl _secondary_start
_secondary_start:
	csrw	sscratch, a0
	la	tp, __tls_area
	slli	t0, a0, 8
	add	tp, tp, t0
	la	sp, __stack_top
	li	t0, STACK_SIZE
	mul	t0, t0, a0
	sub	sp, sp, t0
	la	t0, dv_trap_entry
	csrw	stvec, t0
	call	dv_secondary
4:	j	4b

	.balign 4
	.globl dv_trap_entry
dv_trap_entry:
	addi	sp, sp, -FRAME
	sd	ra, 1*8(sp)
	sd	gp, 3*8(sp)
	sd	tp, 4*8(sp)
	sd	t0, 5*8(sp)
	sd	t1, 6*8(sp)
	sd	t2, 7*8(sp)
	sd	s0, 8*8(sp)
	sd	s1, 9*8(sp)
	sd	a0, 10*8(sp)
	sd	a1, 11*8(sp)
	sd	a2, 12*8(sp)
	sd	a3, 13*8(sp)
	sd	a4, 14*8(sp)
	sd	a5, 15*8(sp)
	sd	a6, 16*8(sp)
	sd	a7, 17*8(sp)
	sd	t3, 28*8(sp)
	sd	t4, 29*8(sp)
	sd	t5, 30*8(sp)
	sd	t6, 31*8(sp)
	mv	a0, sp
	call	dv_trap
	ld	ra, 1*8(sp)
	ld	gp, 3*8(sp)
	ld	tp, 4*8(sp)
	ld	t0, 5*8(sp)
	ld	t1, 6*8(sp)
	ld	t2, 7*8(sp)
	ld	s0, 8*8(sp)
	ld	s1, 9*8(sp)
	ld	a0, 10*8(sp)
	ld	a1, 11*8(sp)
	ld	a2, 12*8(sp)
	ld	a3, 13*8(sp)
	ld	a4, 14*8(sp)
	ld	a5, 15*8(sp)
	ld	a6, 16*8(sp)
	ld	a7, 17*8(sp)
	ld	t3, 28*8(sp)
	ld	t4, 29*8(sp)
	ld	t5, 30*8(sp)
	ld	t6, 31*8(sp)
	addi	sp, sp, FRAME
	sret
