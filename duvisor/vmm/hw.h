/* SPDX-License-Identifier: MIT */
/*
 * The only place DuVisor touches DV-Ext registers and instructions. The
 * exit handlers use these macros; the unit tests build them with
 * DV_HW_FAKE and supply the fake_* functions.
 */
#ifndef DUVISOR_HW_H
#define DUVISOR_HW_H

#include "dvext/dvext.h"
#include "vmm/types.h"

#ifdef DV_HW_FAKE
unsigned long fake_csr_read(unsigned csr);
void fake_csr_write(unsigned csr, unsigned long val);
void fake_huflushgpa(gpa_t gpa);
#define dv_csr_read(csr)	fake_csr_read(csr)
#define dv_csr_write(csr, val)	fake_csr_write(csr, val)
#define dv_csr_set(csr, bits)	fake_csr_write(csr, fake_csr_read(csr) | (bits))
#define dv_csr_clear(csr, bits) fake_csr_write(csr, fake_csr_read(csr) & ~(unsigned long)(bits))
#define dv_huflushgpa(gpa)	fake_huflushgpa(gpa)
#else
#define DV_STR_(x) #x
#define DV_STR(x)  DV_STR_(x)
#define dv_csr_read(csr)                                                            \
	({                                                                          \
		unsigned long __v;                                                  \
		__asm__ volatile("csrr %0, " DV_STR(csr) : "=r"(__v) : : "memory"); \
		__v;                                                                \
	})
#define dv_csr_write(csr, val) \
	__asm__ volatile("csrw " DV_STR(csr) ", %0" : : "r"((unsigned long)(val)) : "memory")
/* Atomic set/clear of bits (csrs/csrc): a read-modify-write in C would undo
 * a bit another hart posted into hvip in between. */
#define dv_csr_set(csr, bits) \
	__asm__ volatile("csrs " DV_STR(csr) ", %0" : : "r"((unsigned long)(bits)) : "memory")
#define dv_csr_clear(csr, bits) \
	__asm__ volatile("csrc " DV_STR(csr) ", %0" : : "r"((unsigned long)(bits)) : "memory")
/* HUFLUSHGPA: HFENCE.GVMA rs1 = GPA >> 2, rs2 = x0, executed in HU. */
static inline void dv_huflushgpa(gpa_t gpa)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, %0, x0" : : "r"(gpa >> 2) : "memory");
}
#endif

/* vsstatus fields used when injecting an exception */
#define SR_SIE	(1UL << 1)
#define SR_SPIE (1UL << 5)
#define SR_SPP	(1UL << 8)

#endif
