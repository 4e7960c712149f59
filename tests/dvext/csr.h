/* SPDX-License-Identifier: MIT */
/* CSR access by number for the M-mode test programs (isa.c, fw.c, kick.c). */
#ifndef DVEXT_TEST_CSR_H
#define DVEXT_TEST_CSR_H

typedef unsigned long ul;

#define STR(x)	#x
#define XSTR(x) STR(x)
#define csrr(n)                                                         \
	({                                                              \
		ul v_;                                                  \
		asm volatile("csrr %0, " XSTR(n) : "=r"(v_)::"memory"); \
		v_;                                                     \
	})
#define csrw(n, v) asm volatile("csrw " XSTR(n) ", %0" ::"r"((ul)(v)) : "memory")
#define csrs(n, v) asm volatile("csrs " XSTR(n) ", %0" ::"r"((ul)(v)) : "memory")
#define csrc(n, v) asm volatile("csrc " XSTR(n) ", %0" ::"r"((ul)(v)) : "memory")

#endif
