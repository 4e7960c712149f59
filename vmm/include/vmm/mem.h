/* SPDX-License-Identifier: MIT */
#ifndef VMM_MEM_H
#define VMM_MEM_H

#include "vmm/types.h"

/* One contiguous range of guest RAM and where the VMM has it mapped. */
struct guest_mem {
	gpa_t base;
	u64 size;
	hva_t hva;
};

/* The host address of [gpa, gpa + len), or NULL if any byte of it is not RAM.
 * Every guest-supplied address goes through here. */
static inline hva_t gmem_ptr(const struct guest_mem *m, gpa_t gpa, u64 len)
{
	if (gpa < m->base || len > m->size || gpa - m->base > m->size - len)
		return NULL;
	return m->hva + (gpa - m->base);
}

static inline bool gmem_contains(const struct guest_mem *m, gpa_t gpa)
{
	return gpa >= m->base && gpa - m->base < m->size;
}

#endif
