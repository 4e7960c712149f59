// SPDX-License-Identifier: MIT
/* Stage-2 mechanics (duvisor/vmm/stage2.c) over a fake pool; MMIO decode,
 * the decode cache and the guest page-table walk (duvisor/vmm/insn.c). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "insn.h"
#include "stage2.h"

#define POOL_HPA   0x100000000ULL
#define POOL_PAGES 64

struct pool {
	u64 *mem; /* POOL_PAGES * 4 KiB, root in the first 16 KiB */
	unsigned next;
	unsigned allocs;
};

static u64 *p_alloc(void *opaque, hpa_t *hpa)
{
	struct pool *p = opaque;

	if (p->next >= POOL_PAGES)
		return NULL;
	*hpa = POOL_HPA + (u64)p->next * 4096;
	p->allocs++;
	return memset(p->mem + p->next++ * 512, 0, 4096);
}

static u64 *p_hva(void *opaque, hpa_t hpa)
{
	struct pool *p = opaque;

	if (hpa < POOL_HPA || hpa >= POOL_HPA + POOL_PAGES * 4096ULL || hpa & 0xfff)
		return NULL;
	return p->mem + (hpa - POOL_HPA) / 8;
}

struct fx {
	struct pool pool;
	struct s2_pt pt;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->pool.mem = aligned_alloc(16384, POOL_PAGES * 4096);
	memset(f->pool.mem, 0, POOL_PAGES * 4096);
	f->pool.next = 4; /* root */
	f->pt.root = f->pool.mem;
	f->pt.root_hpa = POOL_HPA;
	f->pt.a = (struct s2_alloc){ p_alloc, p_hva, &f->pool };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->pool.mem);
	free(f);
	return 0;
}

static void map_lookup_4k(void **state)
{
	struct fx *f = *state;
	hpa_t hpa;
	u64 size, prot;

	assert_int_equal(s2_map(&f->pt, 0x80001000, 0x2000000000ULL, SZ_4K, S2_PTE_RWX), 0);
	assert_int_equal(f->pool.allocs, 2); /* one table per level below the root */
	assert_int_equal(s2_lookup(&f->pt, 0x80001234, &hpa, &size, &prot), 0);
	assert_int_equal(hpa, 0x2000000234ULL);
	assert_int_equal(size, SZ_4K);
	assert_int_equal(prot, S2_PTE_RWX);
	assert_int_equal(s2_lookup(&f->pt, 0x80002000, &hpa, NULL, NULL), -ENOENT);
	/* the root entry of GPA 0x80000000 is index 2 and points at a table */
	assert_true(f->pt.root[2] & S2_PTE_V);
	assert_false(f->pt.root[2] & S2_PTE_RWX);
	/* a second page in the same 2 MiB allocates nothing */
	assert_int_equal(s2_map(&f->pt, 0x80002000, 0x2000001000ULL, SZ_4K, S2_PTE_R), 0);
	assert_int_equal(f->pool.allocs, 2);
}

static void leaf_bits(void **state)
{
	struct fx *f = *state;
	u64 *l1, *l0, pte;

	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x3000000000ULL, SZ_4K, S2_PTE_RWX), 0);
	l1 = p_hva(&f->pool, ((f->pt.root[2] >> 10) & ((1ULL << 44) - 1)) << 12);
	l0 = p_hva(&f->pool, ((l1[0] >> 10) & ((1ULL << 44) - 1)) << 12);
	pte = l0[0];
	/* G-stage leaves: U set, A and D preset, PPN of the host page */
	assert_int_equal(pte & 0xff, S2_PTE_V | S2_PTE_RWX | S2_PTE_U | S2_PTE_A | S2_PTE_D);
	assert_int_equal(pte >> 10, 0x3000000000ULL >> 12);
}

static void megapage_and_gigapage(void **state)
{
	struct fx *f = *state;
	hpa_t hpa;
	u64 size;

	assert_int_equal(s2_map(&f->pt, 0x80200000, 0x40200000, SZ_2M, S2_PTE_RWX), 0);
	assert_int_equal(s2_lookup(&f->pt, 0x803fffff, &hpa, &size, NULL), 0);
	assert_int_equal(hpa, 0x403fffff);
	assert_int_equal(size, SZ_2M);
	assert_int_equal(s2_map(&f->pt, 0x140000000ULL, 0x80000000ULL, SZ_1G, S2_PTE_RWX), 0);
	assert_int_equal(s2_lookup(&f->pt, 0x17fffffffULL, &hpa, &size, NULL), 0);
	assert_int_equal(hpa, 0xbfffffffULL);
	assert_int_equal(size, SZ_1G);
	/* a 4 KiB page under a megapage is refused, not silently split */
	assert_int_equal(s2_map(&f->pt, 0x80201000, 0x50000000, SZ_4K, S2_PTE_RWX), -EEXIST);
}

static void remap_same_and_conflict(void **state)
{
	struct fx *f = *state;

	assert_int_equal(s2_map(&f->pt, 0x80005000, 0x7000, SZ_4K, S2_PTE_RWX), 0);
	/* the same leaf again (two vCPUs fault on one page): fine */
	assert_int_equal(s2_map(&f->pt, 0x80005000, 0x7000, SZ_4K, S2_PTE_RWX), 0);
	assert_int_equal(s2_map(&f->pt, 0x80005000, 0x8000, SZ_4K, S2_PTE_RWX), -EEXIST);
	/* a megapage over a table is refused too */
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x200000, SZ_2M, S2_PTE_RWX), -EEXIST);
}

static void bad_arguments(void **state)
{
	struct fx *f = *state;

	assert_int_equal(s2_map(&f->pt, 0x80000800, 0x1000, SZ_4K, S2_PTE_RWX), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1800, SZ_4K, S2_PTE_RWX), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, 8192, S2_PTE_RWX), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 1ULL << 41, 0x1000, SZ_4K, S2_PTE_RWX), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, 0), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, S2_PTE_W), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, S2_PTE_W | S2_PTE_X), -EINVAL);
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, S2_PTE_RWX | S2_PTE_U), -EINVAL);
	assert_int_equal(f->pool.allocs, 0);
	/* the highest GPA Sv39x4 can hold works */
	assert_int_equal(s2_map(&f->pt, (1ULL << 41) - SZ_4K, 0x1000, SZ_4K, S2_PTE_R), 0);
}

static void unmap(void **state)
{
	struct fx *f = *state;

	assert_int_equal(s2_map(&f->pt, 0x80003000, 0x9000, SZ_4K, S2_PTE_RWX), 0);
	assert_int_equal(s2_unmap(&f->pt, 0x80000000, SZ_2M), -ENOENT); /* a table there */
	assert_int_equal(s2_unmap(&f->pt, 0x80003000, SZ_2M), -EINVAL); /* misaligned */
	assert_int_equal(s2_unmap(&f->pt, 0x80003000, SZ_4K), 0);
	assert_int_equal(s2_lookup(&f->pt, 0x80003000, NULL, NULL, NULL), -ENOENT);
	assert_int_equal(s2_unmap(&f->pt, 0x80003000, SZ_4K), -ENOENT);
	assert_int_equal(s2_unmap(&f->pt, 0x90000000, SZ_4K), -ENOENT);
	/* the slot is free again */
	assert_int_equal(s2_map(&f->pt, 0x80003000, 0xa000, SZ_4K, S2_PTE_RWX), 0);
}

static void pool_exhausted(void **state)
{
	struct fx *f = *state;
	int err = 0;

	/* each GiB of GPA space needs a level-1 table and a level-0 table */
	for (u64 g = 0; g < 64 && !err; g++)
		err = s2_map(&f->pt, g << 30, 0x1000, SZ_4K, S2_PTE_R);
	assert_int_equal(err, -ENOMEM);
	assert_int_equal(f->pool.next, POOL_PAGES);
}

static void corrupt_entry_refused(void **state)
{
	struct fx *f = *state;

	/* a table pointer outside the pool is never followed */
	f->pt.root[2] = ((0x5000000000ULL >> 12) << 10) | S2_PTE_V;
	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, S2_PTE_R), -EFAULT);
	assert_int_equal(s2_lookup(&f->pt, 0x80000000, NULL, NULL, NULL), -EFAULT);
}

static void clear_all(void **state)
{
	struct fx *f = *state;

	assert_int_equal(s2_map(&f->pt, 0x80000000, 0x1000, SZ_4K, S2_PTE_R), 0);
	s2_clear(&f->pt);
	assert_int_equal(s2_lookup(&f->pt, 0x80000000, NULL, NULL, NULL), -ENOENT);
}

/* ---- decode ---- */

static void decode_loads_stores(void **state)
{
	struct mmio_insn d;

	(void)state;
	assert_int_equal(mmio_decode(0x0007a503, &d), 0); /* lw a0, 0(a5) */
	assert_false(d.is_write);
	assert_int_equal(d.width, 4);
	assert_int_equal(d.reg, 10);
	assert_true(d.sign);
	assert_int_equal(d.len, 4);
	assert_int_equal(mmio_decode(0x0007c503, &d), 0); /* lbu a0, 0(a5) */
	assert_int_equal(d.width, 1);
	assert_false(d.sign);
	assert_int_equal(mmio_decode(0x00b7b023, &d), 0); /* sd a1, 0(a5) */
	assert_true(d.is_write);
	assert_int_equal(d.width, 8);
	assert_int_equal(d.reg, 11);
	assert_int_equal(mmio_decode(0x4398, &d), 0); /* c.lw a4, 0(a5) */
	assert_int_equal(d.len, 2);
	assert_int_equal(d.reg, 14);
	assert_int_equal(d.width, 4);
	assert_int_equal(mmio_decode(0xc398, &d), 0); /* c.sw a4, 0(a5) */
	assert_true(d.is_write);
	assert_int_equal(mmio_decode(0x6782, &d), 0); /* c.ldsp a5, 0(sp) */
	assert_int_equal(d.reg, 15);
	assert_int_equal(d.width, 8);
	assert_int_equal(mmio_decode(0x00000013, &d), -EINVAL); /* addi: not an access */
	assert_int_equal(mmio_decode(0x0007f503, &d), -EINVAL); /* funct3 7 */
	assert_int_equal(mmio_decode(0x0007a507, &d), -EINVAL); /* flw: not supported */
	/* htinst's transformed form: rs1 cleared, bit 1 clear for a 16-bit original */
	assert_int_equal(mmio_decode_tinst(0x00002701, &d), 0); /* from c.lw a4 */
	assert_int_equal(d.len, 2);
	assert_int_equal(d.reg, 14);
	assert_int_equal(mmio_decode_tinst(0x00002503, &d), 0);
	assert_int_equal(d.len, 4);
	assert_int_equal(mmio_decode_tinst(0, &d), -EINVAL);
}

static void guest_walk(void **state)
{
	static u8 ram[0x10000] __attribute__((aligned(4096)));
	struct guest_mem m = { .base = 0x80000000, .size = sizeof(ram), .hva = ram };
	u64 *root = (u64 *)ram, *l1 = (u64 *)(ram + 0x1000), *l0 = (u64 *)(ram + 0x2000);
	u64 satp = (8ULL << 60) | (0x80000000 >> 12);
	gpa_t gpa;
	u32 insn;

	(void)state;
	memset(ram, 0, sizeof(ram));
	/* VA 0xffffffc000000000 -> table; 0xffffffc000003000 -> GPA 0x80004000 */
	root[256] = ((0x80001000ULL >> 12) << 10) | 1;
	l1[0] = ((0x80002000ULL >> 12) << 10) | 1;
	l0[3] = ((0x80004000ULL >> 12) << 10) | 0xcf;
	l0[4] = ((0x80005000ULL >> 12) << 10) | 0xcf;
	assert_int_equal(gw_translate(&m, satp, 0xffffffc000003010ULL, &gpa), 0);
	assert_int_equal(gpa, 0x80004010);
	assert_int_equal(gw_translate(&m, satp, 0xffffffc000006000ULL, &gpa), -EFAULT);
	assert_int_equal(gw_translate(&m, 0, 0x1234, &gpa), 0); /* bare */
	assert_int_equal(gpa, 0x1234);
	/* a 4-byte instruction straddling two pages */
	ram[0x4ffe] = 0x03;
	ram[0x4fff] = 0xa5;
	ram[0x5000] = 0x07;
	ram[0x5001] = 0x00;
	assert_int_equal(gw_fetch(&m, satp, 0xffffffc000003ffeULL, &insn), 0);
	assert_int_equal(insn, 0x0007a503);
	/* a compressed one at the end of a page needs one half only */
	ram[0x4ffe] = 0x98;
	ram[0x4fff] = 0x43;
	assert_int_equal(gw_fetch(&m, satp, 0xffffffc000003ffeULL, &insn), 0);
	assert_int_equal(insn, 0x4398);
	/* page-table pointer out of RAM: a failed fetch, not a crash */
	l0[3] = ((0x10000000ULL >> 12) << 10) | 0xcf;
	assert_int_equal(gw_fetch(&m, satp, 0xffffffc000003000ULL, &insn), -EFAULT);
	root[256] = ((0x90000000ULL >> 12) << 10) | 1;
	assert_int_equal(gw_translate(&m, satp, 0xffffffc000003000ULL, &gpa), -EFAULT);
	assert_int_equal(gw_translate(&m, 5ULL << 60, 0, &gpa), -EFAULT); /* unknown mode */
}

/* ---- table + compare-and-swap leaves (DuVisor's fault path) ---- */

static void table_and_cas_leaf(void **state)
{
	struct fx *f = *state;
	u64 *t, *t2, prot;
	hpa_t hpa;
	int err;

	t = s2_table(&f->pt, 0x80201000, 0, &err);
	assert_non_null(t);
	assert_int_equal(err, 0);
	assert_int_equal(f->pool.allocs, 2); /* level 1 and level 0 */
	/* the same region: the same table, nothing allocated */
	t2 = s2_table(&f->pt, 0x803ff000, 0, &err);
	assert_ptr_equal(t, t2);
	assert_int_equal(f->pool.allocs, 2);
	assert_int_equal(s2_set_leaf(&t[1], 0x900001000ULL, S2_PTE_RWX), 0);
	assert_int_equal(s2_lookup(&f->pt, 0x80201234, &hpa, NULL, &prot), 0);
	assert_int_equal(hpa, 0x900001234ULL);
	assert_int_equal(prot, S2_PTE_RWX);
	/* the same leaf again (another vCPU was first): fine; another: refused */
	assert_int_equal(s2_set_leaf(&t[1], 0x900001000ULL, S2_PTE_RWX), 0);
	assert_int_equal(s2_set_leaf(&t[1], 0x900002000ULL, S2_PTE_RWX), -EEXIST);
	/* a megapage above: no 4 KiB table under it */
	assert_int_equal(s2_map(&f->pt, 0x80600000, 0x900600000ULL, SZ_2M, S2_PTE_RWX), 0);
	assert_null(s2_table(&f->pt, 0x80601000, 0, &err));
	assert_int_equal(err, -EEXIST);
	assert_null(s2_table(&f->pt, 1ULL << 41, 0, &err));
	assert_int_equal(err, -EINVAL);
}

struct race {
	u64 *pte;
	int result;
};

static void *race_leaf(void *arg)
{
	struct race *r = arg;

	r->result = s2_set_leaf(r->pte, 0x900005000ULL, S2_PTE_RWX);
	return NULL;
}

/* vCPUs faulting on one page at once: both see success, one leaf. */
static void cas_race(void **state)
{
	struct fx *f = *state;
	struct race r[4];
	pthread_t t[4];
	u64 *table;
	hpa_t hpa;
	int err;

	table = s2_table(&f->pt, 0x80005000, 0, &err);
	for (int round = 0; round < 200; round++) {
		table[5] = 0;
		for (int i = 0; i < 4; i++) {
			r[i].pte = &table[5];
			pthread_create(&t[i], NULL, race_leaf, &r[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(r[i].result, 0);
		}
	}
	assert_int_equal(s2_lookup(&f->pt, 0x80005000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, 0x900005000ULL);
}

/* ---- the MMIO decode cache ---- */

struct gfx {
	u8 *ram;
	struct guest_mem m;
	u64 satp;
	u64 *l0;
};

#define G_RAM 0x80000000ULL
#define G_VA  0xffffffc000003000ULL /* -> GPA 0x80004000 */

/* An Sv39 table in guest RAM: G_VA's page at GPA 0x80004000. */
static void guest_setup(struct gfx *g)
{
	u64 *root, *l1;

	g->ram = aligned_alloc(4096, 0x10000);
	memset(g->ram, 0, 0x10000);
	g->m = (struct guest_mem){ .base = G_RAM, .size = 0x10000, .hva = g->ram };
	root = (u64 *)g->ram;
	l1 = (u64 *)(g->ram + 0x1000);
	g->l0 = (u64 *)(g->ram + 0x2000);
	g->satp = (8ULL << 60) | (G_RAM >> 12);
	root[256] = ((0x80001000ULL >> 12) << 10) | 1;
	l1[0] = ((0x80002000ULL >> 12) << 10) | 1;
	g->l0[3] = ((0x80004000ULL >> 12) << 10) | 0xcf;
	g->l0[4] = ((0x80005000ULL >> 12) << 10) | 0xcf;
}

static void put(struct gfx *g, gpa_t gpa, u32 insn, unsigned len)
{
	memcpy(g->ram + (gpa - G_RAM), &insn, len);
}

static void dcache_hits_and_misses(void **state)
{
	struct mmio_dcache c;
	struct mmio_insn d;
	struct gfx g;

	(void)state;
	memset(&c, 0, sizeof(c));
	guest_setup(&g);
	put(&g, 0x80004010, 0x0007a503, 4); /* lw a0, 0(a5) */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.misses, 1);
	assert_int_equal(d.width, 4);
	assert_int_equal(d.reg, 10);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 1);
	assert_int_equal(d.width, 4);
	assert_false(d.is_write);
	/* another pc in the same slot (8 entries by pc >> 1) replaces it */
	put(&g, 0x80004020, 0x00b7a023, 4); /* sw a1, 0(a5) */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x20, &d), 0);
	assert_true(d.is_write);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.misses, 3);
	/* the same pc under another vsatp: a miss (and here no mapping) */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, G_VA + 0x10, &d), -EFAULT);
	assert_int_equal(c.misses, 4);
	/* not a load or store: refused, not cached */
	put(&g, 0x80004030, 0x00000013, 4);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x30, &d), -EINVAL);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x30, &d), -EINVAL);
	assert_int_equal(c.hits, 1);
	free(g.ram);
}

/* Self-modifying guest code: a changed instruction at a cached pc is decoded
 * afresh, because a hit needs the same bits at the same host address. */
static void dcache_self_modifying_code(void **state)
{
	struct mmio_dcache c;
	struct mmio_insn d;
	struct gfx g;

	(void)state;
	memset(&c, 0, sizeof(c));
	guest_setup(&g);
	put(&g, 0x80004010, 0x0007a503, 4); /* lw a0 */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	put(&g, 0x80004010, 0x0007b583, 4); /* ld a1 */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 0);
	assert_int_equal(d.width, 8);
	assert_int_equal(d.reg, 11);
	/* only the upper half changed (same low half: same length) */
	put(&g, 0x80004010, 0x0047b583, 4); /* ld a1, 4(a5) */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 0);
	/* now a compressed store at the same pc */
	put(&g, 0x80004010, 0xc398, 2); /* c.sw a4, 0(a5) */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_true(d.is_write);
	assert_int_equal(d.len, 2);
	assert_int_equal(d.reg, 14);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 1);
	/* and something that is no load or store any more */
	put(&g, 0x80004010, 0x0001, 2); /* c.nop */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), -EINVAL);
	free(g.ram);
}

/* The guest remaps the page of a cached pc: its page-table entry changed,
 * so the cached decode (of the old page's bits) is not used. */
static void dcache_remapped_page(void **state)
{
	struct mmio_dcache c;
	struct mmio_insn d;
	struct gfx g;

	(void)state;
	memset(&c, 0, sizeof(c));
	guest_setup(&g);
	put(&g, 0x80004010, 0x0007a503, 4); /* lw a0 in the old page */
	put(&g, 0x80005010, 0x00b7a023, 4); /* sw a1 in the new one */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_false(d.is_write);
	g.l0[3] = ((0x80005000ULL >> 12) << 10) | 0xcf; /* G_VA -> 0x80005000 */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_true(d.is_write);
	assert_int_equal(c.hits, 0);
	/* an upper level changed (the same leaf value elsewhere): a miss too */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 1);
	((u64 *)(g.ram + 0x1000))[0] |= 1ULL << 9; /* a software bit of the L1 entry */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), 0);
	assert_int_equal(c.hits, 1);
	/* unmapped: a failed fetch, whatever was cached */
	g.l0[3] = 0;
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0x10, &d), -EFAULT);
	free(g.ram);
}

static void dcache_page_crossing_and_bare(void **state)
{
	struct mmio_dcache c;
	struct mmio_insn d;
	struct gfx g;

	(void)state;
	memset(&c, 0, sizeof(c));
	guest_setup(&g);
	/* a 4-byte instruction across two pages: decoded, never cached */
	put(&g, 0x80004ffe, 0xa503, 2);
	put(&g, 0x80005000, 0x0007, 2);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0xffe, &d), 0);
	assert_int_equal(d.reg, 10);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0xffe, &d), 0);
	assert_int_equal(c.hits, 0);
	/* its second page changes: seen */
	put(&g, 0x80005000, 0x0047, 2);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, g.satp, G_VA + 0xffe, &d), 0);
	/* Bare mode: no walk, the bits still checked */
	put(&g, 0x80000100, 0x0007a503, 4);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, 0x80000100, &d), 0);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, 0x80000100, &d), 0);
	assert_int_equal(c.hits, 1);
	put(&g, 0x80000100, 0x0007c503, 4); /* lbu a0 */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, 0x80000100, &d), 0);
	assert_int_equal(d.width, 1);
	assert_int_equal(c.hits, 1);
	/* odd pc, pc outside RAM */
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, 0x80000101, &d), -EFAULT);
	assert_int_equal(mmio_dcache_decode(&c, &g.m, 0, 0x40000000, &d), -EFAULT);
	free(g.ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(map_lookup_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(leaf_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(megapage_and_gigapage, setup, teardown),
		cmocka_unit_test_setup_teardown(remap_same_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_entry_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(clear_all, setup, teardown),
		cmocka_unit_test_setup_teardown(table_and_cas_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(cas_race, setup, teardown),
		cmocka_unit_test(decode_loads_stores),
		cmocka_unit_test(guest_walk),
		cmocka_unit_test(dcache_hits_and_misses),
		cmocka_unit_test(dcache_self_modifying_code),
		cmocka_unit_test(dcache_remapped_page),
		cmocka_unit_test(dcache_page_crossing_and_bare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
