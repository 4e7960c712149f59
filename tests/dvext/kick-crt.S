/* Cross-hart kick test: every hart gets its own stack and enters kick_main. */
/* The object's file symbol, or the linker names it after gcc's temporary
 * object (a random name: the binary would differ from build to build). */
	.file "kick-crt.S"

	.section .text.init
	.globl _start
_start:
	csrr a0, mhartid
	li t0, 4
	bgeu a0, t0, park /* stacks for harts 0-3 */
	la sp, __stack_top
	slli t0, a0, 13 /* 8 KiB per hart */
	sub sp, sp, t0
	call kick_main
park:
	wfi
	j park
