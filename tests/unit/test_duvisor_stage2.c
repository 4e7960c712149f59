// SPDX-License-Identifier: MIT
/* Stage-2 mechanics (duvisor/vmm/stage2.c) over a fake pool; MMIO decode
 * and the guest page-table walk (duvisor/vmm/insn.c). */
#include <errno.h>
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
		cmocka_unit_test(decode_loads_stores),
		cmocka_unit_test(guest_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
