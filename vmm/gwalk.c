// SPDX-License-Identifier: MIT
/*
 * The guest's own page table, walked in software over guest RAM: a guest that
 * changes its tables under us gets a failed walk, never a fault in the VMM.
 */
#include <errno.h>
#include <string.h>

#include "vmm/gwalk.h"

#define SATP_MODE_SHIFT 60
#define SATP_PPN_MASK	((1ULL << 44) - 1)
#define PTE_V		(1ULL << 0)
#define PTE_RWX		(7ULL << 1)

int gw_translate_path(const struct guest_mem *m, u64 vsatp, u64 va, gpa_t *gpa,
		      struct gw_path *path)
{
	unsigned mode = vsatp >> SATP_MODE_SHIFT, levels;
	gpa_t table = (vsatp & SATP_PPN_MASK) << 12;

	path->n = 0;
	switch (mode) {
	case 0:
		*gpa = va;
		return 0;
	case 8:
		levels = 3;
		break;
	case 9:
		levels = 4;
		break;
	case 10:
		levels = 5;
		break;
	default:
		return -EFAULT;
	}
	for (int l = levels - 1; l >= 0; l--) {
		unsigned shift = 12 + 9 * l;
		hva_t p = gmem_ptr(m, table + ((va >> shift) & 511) * 8, 8);
		u64 pte;

		if (!p)
			return -EFAULT;
		pte = __atomic_load_n((u64 *)p, __ATOMIC_RELAXED);
		path->pte[path->n] = (const u64 *)p;
		path->val[path->n++] = pte;
		if (!(pte & PTE_V))
			return -EFAULT;
		table = ((pte >> 10) & SATP_PPN_MASK) << 12;
		if (pte & PTE_RWX) {
			u64 mask = (1ULL << shift) - 1;

			if (table & mask)
				return -EFAULT; /* misaligned superpage */
			*gpa = table | (va & mask);
			return 0;
		}
	}
	return -EFAULT;
}

int gw_translate(const struct guest_mem *m, u64 vsatp, u64 va, gpa_t *gpa)
{
	struct gw_path path;

	return gw_translate_path(m, vsatp, va, gpa, &path);
}

static int fetch16(const struct guest_mem *m, u64 vsatp, u64 va, u16 *half)
{
	gpa_t gpa;
	hva_t p;

	if (gw_translate(m, vsatp, va, &gpa))
		return -EFAULT;
	p = gmem_ptr(m, gpa, 2);
	if (!p)
		return -EFAULT;
	memcpy(half, p, 2);
	return 0;
}

int gw_fetch(const struct guest_mem *m, u64 vsatp, u64 pc, u32 *insn)
{
	u16 lo, hi;

	if (pc & 1 || fetch16(m, vsatp, pc, &lo))
		return -EFAULT;
	if ((lo & 3) != 3) {
		*insn = lo;
		return 0;
	}
	/* The second half may sit on the next page. */
	if (fetch16(m, vsatp, pc + 2, &hi))
		return -EFAULT;
	*insn = lo | (u32)hi << 16;
	return 0;
}
