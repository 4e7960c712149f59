/* SPDX-License-Identifier: MIT */
/*
 * What an MMIO exit needs from the guest's instruction stream: decode the
 * load or store from htinst's transformed form (hu_einst) where the
 * hardware gives it; else fetch the faulting instruction through the
 * guest's own page table (the core's walker, vmm/gwalk.h: a software walk
 * over guest RAM, so a guest that changes its tables under us gets a failed
 * fetch, never a trap in DuVisor), with a small cache of such decodes keyed
 * by the guest pc.
 */
#ifndef DUVISOR_INSN_H
#define DUVISOR_INSN_H

#include <errno.h>

#include "vmm/gwalk.h"
#include "vmm/mem.h"
#include "vmm/types.h"

#define INSN_WFI 0x10500073U

struct mmio_insn {
	u8 len;	  /* instruction length: 2 or 4 */
	u8 width; /* access size: 1, 2, 4, 8 */
	u8 reg;	  /* rd of a load, rs2 of a store */
	bool is_write;
	bool sign; /* sign-extend a load */
};

/* Decode an integer load or store (32-bit or compressed). 0, or -EINVAL. */
int mmio_decode(u32 insn, struct mmio_insn *d);
/*
 * Decode from htinst's transformed form (0 when the hardware gave none):
 * the 32-bit load or store with rs1 and the offset cleared; bit 1 clear
 * when the original was a 16-bit instruction. Inline: every MMIO exit.
 */
static inline int mmio_decode_tinst(u32 tinst, struct mmio_insn *d)
{
	unsigned f3 = (tinst >> 12) & 7;

	switch (tinst & 0x7d) { /* the opcode, bit 1 aside */
	case 0x01:		/* LB LH LW LD LBU LHU LWU */
		if (f3 == 7)
			return -EINVAL;
		d->is_write = false;
		d->width = 1U << (f3 & 3);
		d->sign = !(f3 & 4);
		d->reg = (tinst >> 7) & 31;
		break;
	case 0x21: /* SB SH SW SD */
		if (f3 > 3)
			return -EINVAL;
		d->is_write = true;
		d->width = 1U << f3;
		d->sign = false;
		d->reg = (tinst >> 20) & 31;
		break;
	default:
		return -EINVAL;
	}
	d->len = tinst & 2 ? 4 : 2;
	return 0;
}

/*
 * Decodes of MMIO instructions fetched from the guest, by guest pc (direct
 * mapped). An entry keeps what the fetch depended on: vsatp, every
 * page-table entry the walk read (host address and value) and the
 * instruction bits at the host address it found. It is used only while all
 * of these are unchanged; then the walk and the fetch would read exactly
 * the same memory and give the same instruction, so a guest that rewrites
 * the instruction at a cached pc, or remaps the page, is never served a
 * stale decode: the check fails and the instruction is fetched afresh.
 */
#define MMIO_DCACHE_SIZE 8

struct mmio_dcache_entry {
	u64 pc, vsatp;
	const void *where; /* host address of the instruction; NULL: empty */
	u32 insn;
	struct mmio_insn d;
	struct gw_path path;
};

struct mmio_dcache {
	struct mmio_dcache_entry e[MMIO_DCACHE_SIZE];
	u64 hits, misses;
};

/* The decode of the load or store at pc: 0; -EFAULT if it cannot be
 * fetched, -EINVAL if it is not an integer load or store. */
int mmio_dcache_decode(struct mmio_dcache *c, const struct guest_mem *m, u64 vsatp, u64 pc,
		       struct mmio_insn *d);

#endif
