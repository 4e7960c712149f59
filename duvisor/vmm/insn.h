/* SPDX-License-Identifier: MIT */
/*
 * What an MMIO exit needs from the guest's instruction stream: fetch the
 * faulting instruction through the guest's own page table (a software walk
 * over guest RAM, so a guest that changes its tables under us gets a failed
 * fetch, never a trap in DuVisor), and decode loads and stores.
 */
#ifndef DUVISOR_INSN_H
#define DUVISOR_INSN_H

#include "vmm/mem.h"
#include "vmm/types.h"

#define INSN_WFI 0x10500073U

struct mmio_insn {
	unsigned len;	/* instruction length: 2 or 4 */
	unsigned width; /* access size: 1, 2, 4, 8 */
	unsigned reg;	/* rd of a load, rs2 of a store */
	bool is_write;
	bool sign; /* sign-extend a load */
};

/* vsatp mode Bare, Sv39, Sv48 or Sv57: guest VA -> GPA. 0, or -EFAULT. */
int gw_translate(const struct guest_mem *m, u64 vsatp, u64 va, gpa_t *gpa);
/* The instruction at pc (16 or 32 bits). 0, or -EFAULT. */
int gw_fetch(const struct guest_mem *m, u64 vsatp, u64 pc, u32 *insn);
/* Length of an instruction from its low bits: 2 or 4. */
static inline unsigned insn_len(u32 insn)
{
	return (insn & 3) == 3 ? 4 : 2;
}
/* Decode an integer load or store (32-bit or compressed). 0, or -EINVAL. */
int mmio_decode(u32 insn, struct mmio_insn *d);
/* Decode from htinst's transformed form (0 when the hardware gave none). */
int mmio_decode_tinst(u32 tinst, struct mmio_insn *d);

#endif
