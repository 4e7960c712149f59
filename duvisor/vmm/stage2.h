/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 (G-stage) page-table mechanics for Sv39x4: map, unmap and look up
 * over an allocator the caller supplies. No policy here (what to map on a
 * fault is exit.c's business) and no locking: the caller serializes table
 * allocation; leaves go in with a compare-and-swap. Built for the host too,
 * for the unit tests.
 */
#ifndef DUVISOR_STAGE2_H
#define DUVISOR_STAGE2_H

#include <errno.h>

#include "vmm/types.h"

#define S2_PTE_V	 (1ULL << 0)
#define S2_PTE_R	 (1ULL << 1)
#define S2_PTE_W	 (1ULL << 2)
#define S2_PTE_X	 (1ULL << 3)
#define S2_PTE_U	 (1ULL << 4) /* G-stage leaves must have U: accesses count as user */
#define S2_PTE_A	 (1ULL << 6)
#define S2_PTE_D	 (1ULL << 7)
#define S2_PTE_RWX	 (S2_PTE_R | S2_PTE_W | S2_PTE_X)
#define S2_PTE_PPN_SHIFT 10
#define S2_PTE_PPN_MASK	 (((1ULL << 44) - 1) << S2_PTE_PPN_SHIFT)

#define S2_GPA_BITS   41 /* Sv39x4 */
#define S2_ROOT_SIZE  0x4000ULL
#define S2_ROOT_PTES  2048
#define S2_TABLE_PTES 512

/* The supplied allocator: page tables are 4 KiB pages at a host-physical
 * address that the hardware walks and a host-virtual one that we write. */
struct s2_alloc {
	/* A zeroed 4 KiB table; NULL when out of pages. */
	u64 *(*alloc)(void *opaque, hpa_t *hpa);
	/* Our view of the table at hpa; NULL if hpa is not one of ours (a
	 * corrupt entry is refused, never followed). */
	u64 *(*hva)(void *opaque, hpa_t hpa);
	void *opaque;
};

struct s2_pt {
	u64 *root; /* S2_ROOT_PTES entries, 16 KiB aligned in host-physical memory */
	hpa_t root_hpa;
	struct s2_alloc a;
};

/* size is 4 KiB, 2 MiB or 1 GiB; gpa, hpa aligned to it; prot from S2_PTE_RWX.
 * Returns 0 (also when the same leaf is already there), -EINVAL for a bad
 * argument, -EEXIST when something else is mapped there, -ENOMEM. */
int s2_map(struct s2_pt *pt, gpa_t gpa, hpa_t hpa, u64 size, u64 prot);
/* The table whose entries map pages of level `level` (0: 4 KiB, 1: 2 MiB)
 * around gpa, allocating the tables above it: NULL with *err = -EEXIST
 * when a larger leaf covers gpa, -ENOMEM, -EFAULT or -EINVAL. Allocation
 * must be serialized by the caller; the leaves of the table it returns may
 * then be set concurrently with s2_set_leaf(). */
u64 *s2_table(struct s2_pt *pt, gpa_t gpa, int level, int *err);
/* Put a leaf (hpa aligned to its size, prot as for s2_map) into an empty
 * entry with a compare-and-swap: 0 when the entry now holds it (also when
 * it did already), -EEXIST when it holds something else. Inline: DuVisor's
 * stage-2 fault path. */
static inline int s2_set_leaf(u64 *pte, hpa_t hpa, u64 prot)
{
	/* A and D set: the hardware need not update them in the pool. */
	u64 leaf = ((hpa >> 12) << S2_PTE_PPN_SHIFT) | prot | S2_PTE_V | S2_PTE_U | S2_PTE_A |
		   S2_PTE_D,
	    old = 0;

	if (__atomic_compare_exchange_n(pte, &old, leaf, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return 0;
	return old == leaf ? 0 : -EEXIST;
}
/* Remove the leaf of exactly this size at gpa: 0, or -ENOENT. Tables stay. */
int s2_unmap(struct s2_pt *pt, gpa_t gpa, u64 size);
/* Translate gpa: 0 and the leaf's hpa of gpa, size and prot; -ENOENT. */
int s2_lookup(const struct s2_pt *pt, gpa_t gpa, hpa_t *hpa, u64 *size, u64 *prot);
/* Clear the root (all mappings); tables are the allocator's to reclaim. */
void s2_clear(struct s2_pt *pt);

#endif
