// SPDX-License-Identifier: MIT
/* Sv39x4 stage-2 tables: three levels, a 2048-entry root (GPA bits 40:30). */
#include <errno.h>
#include <string.h>

#include "stage2.h"

#define LEVELS 3

static unsigned idx(gpa_t gpa, int level)
{
	unsigned shift = 12 + 9 * level;

	return (gpa >> shift) & (level == LEVELS - 1 ? S2_ROOT_PTES - 1 : S2_TABLE_PTES - 1);
}

static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * level);
}

static hpa_t pte_addr(u64 pte)
{
	return ((pte & S2_PTE_PPN_MASK) >> S2_PTE_PPN_SHIFT) << 12;
}

static bool is_leaf(u64 pte)
{
	return (pte & S2_PTE_V) && (pte & S2_PTE_RWX);
}

static int size_level(u64 size)
{
	for (int l = 0; l < LEVELS; l++)
		if (size == level_size(l))
			return l;
	return -1;
}

/* The table one level below the entry, allocated if alloc; NULL otherwise. */
static u64 *next_table(struct s2_pt *pt, u64 *pte, bool alloc, int *err)
{
	hpa_t hpa;
	u64 *t;

	if (*pte & S2_PTE_V) {
		if (is_leaf(*pte)) {
			*err = -EEXIST;
			return NULL;
		}
		t = pt->a.hva(pt->a.opaque, pte_addr(*pte));
		if (!t)
			*err = -EFAULT;
		return t;
	}
	if (!alloc) {
		*err = -ENOENT;
		return NULL;
	}
	t = pt->a.alloc(pt->a.opaque, &hpa);
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	/* The table is zeroed; publish it only once it is. */
	__atomic_store_n(pte, ((hpa >> 12) << S2_PTE_PPN_SHIFT) | S2_PTE_V, __ATOMIC_RELEASE);
	return t;
}

static bool bad_gpa(gpa_t gpa)
{
	return gpa >> S2_GPA_BITS;
}

u64 *s2_table(struct s2_pt *pt, gpa_t gpa, int level, int *err)
{
	u64 *table = pt->root;

	*err = 0;
	if (level < 0 || level >= LEVELS || bad_gpa(gpa)) {
		*err = -EINVAL;
		return NULL;
	}
	for (int l = LEVELS - 1; l > level && table; l--)
		table = next_table(pt, &table[idx(gpa, l)], true, err);
	return table;
}

int s2_map(struct s2_pt *pt, gpa_t gpa, hpa_t hpa, u64 size, u64 prot)
{
	int level = size_level(size), err = 0;
	u64 *table;

	if (level < 0 || (gpa | hpa) & (size - 1) || bad_gpa(gpa) || bad_gpa(gpa + size - 1) ||
	    !(prot & S2_PTE_RWX) || (prot & ~S2_PTE_RWX) ||
	    ((prot & S2_PTE_W) && !(prot & S2_PTE_R)) || hpa >> 56)
		return -EINVAL;
	table = s2_table(pt, gpa, level, &err);
	if (!table)
		return err;
	return s2_set_leaf(&table[idx(gpa, level)], hpa, prot);
}

int s2_unmap(struct s2_pt *pt, gpa_t gpa, u64 size)
{
	int level = size_level(size), err = 0;
	u64 *table = pt->root, *pte;

	if (level < 0 || gpa & (size - 1) || bad_gpa(gpa))
		return -EINVAL;
	for (int l = LEVELS - 1; l > level; l--) {
		table = next_table(pt, &table[idx(gpa, l)], false, &err);
		if (!table)
			return err == -EEXIST ? -ENOENT : err;
	}
	pte = &table[idx(gpa, level)];
	if (!is_leaf(*pte))
		return -ENOENT;
	__atomic_store_n(pte, 0, __ATOMIC_RELEASE);
	return 0;
}

int s2_lookup(const struct s2_pt *pt, gpa_t gpa, hpa_t *hpa, u64 *size, u64 *prot)
{
	const u64 *table = pt->root;

	if (bad_gpa(gpa))
		return -ENOENT;
	for (int l = LEVELS - 1; l >= 0; l--) {
		u64 pte = __atomic_load_n(&table[idx(gpa, l)], __ATOMIC_ACQUIRE);

		if (!(pte & S2_PTE_V))
			return -ENOENT;
		if (is_leaf(pte)) {
			u64 sz = level_size(l);

			if (hpa)
				*hpa = pte_addr(pte) + (gpa & (sz - 1));
			if (size)
				*size = sz;
			if (prot)
				*prot = pte & S2_PTE_RWX;
			return 0;
		}
		if (l == 0)
			return -ENOENT;
		table = pt->a.hva(pt->a.opaque, pte_addr(pte));
		if (!table)
			return -EFAULT;
	}
	return -ENOENT;
}

void s2_clear(struct s2_pt *pt)
{
	memset(pt->root, 0, S2_ROOT_SIZE);
}
