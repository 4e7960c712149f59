/* SPDX-License-Identifier: MIT */
/*
 * Guest virtual to guest physical, through the guest's own page table (vsatp
 * or the satp KVM reports), and the instruction at a guest pc. DuVisor uses it
 * to decode MMIO exits; the KVM backend to say which instruction stopped a
 * guest.
 */
#ifndef VMM_GWALK_H
#define VMM_GWALK_H

#include "vmm/mem.h"
#include "vmm/types.h"

#define GW_MAX_LEVELS 5 /* Sv57 */

/* The page-table entries a walk read: where (host address) and what. */
struct gw_path {
	unsigned n;
	const u64 *pte[GW_MAX_LEVELS];
	u64 val[GW_MAX_LEVELS];
};

/* vsatp mode Bare, Sv39, Sv48 or Sv57: guest VA -> GPA. 0, or -EFAULT. */
int gw_translate(const struct guest_mem *m, u64 vsatp, u64 va, gpa_t *gpa);
/* The same, recording the entries it read in *path (n = 0 for Bare). */
int gw_translate_path(const struct guest_mem *m, u64 vsatp, u64 va, gpa_t *gpa,
		      struct gw_path *path);
/* The instruction at pc (16 or 32 bits). 0, or -EFAULT. */
int gw_fetch(const struct guest_mem *m, u64 vsatp, u64 pc, u32 *insn);
/* Length of an instruction from its low bits: 2 or 4. */
static inline unsigned insn_len(u32 insn)
{
	return (insn & 3) == 3 ? 4 : 2;
}

#endif
