/* SPDX-License-Identifier: MIT */
/*
 * What an MMIO exit needs from the guest's instruction stream: fetch the
 * faulting instruction through the guest's own page table (gw_fetch() of the
 * core, vmm/gwalk.h: a software walk over guest RAM, so a guest that changes
 * its tables under us gets a failed fetch, never a trap in DuVisor), and
 * decode loads and stores.
 */
#ifndef DUVISOR_INSN_H
#define DUVISOR_INSN_H

#include "vmm/gwalk.h"
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

/* Decode an integer load or store (32-bit or compressed). 0, or -EINVAL. */
int mmio_decode(u32 insn, struct mmio_insn *d);
/* Decode from htinst's transformed form (0 when the hardware gave none). */
int mmio_decode_tinst(u32 tinst, struct mmio_insn *d);

#endif
