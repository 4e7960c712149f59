// SPDX-License-Identifier: MIT
#include "hotpaths.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"
#include "stage2.h"
#include "vmm/memmap.h"
#include "vmm/mmio.h"
#include "vmm/sbi.h"
#include "vmm/virtio.h"

/* ---- MMIO bus ---- */
static struct mmio_bus bus;

static int dev_read(void *dev, u64 off, u32 len, u64 *val)
{
	(void)dev;
	(void)len;
	*val = off;
	return 0;
}

static int dev_write(void *dev, u64 off, u32 len, u64 val)
{
	(void)dev;
	(void)off;
	(void)len;
	(void)val;
	return 0;
}

static const struct mmio_ops dev_ops = { .read = dev_read, .write = dev_write };

int hp_mmio_setup(void)
{
	int err;

	memset(&bus, 0, sizeof(bus));
	err = mmio_bus_register(&bus, MM_TEST_BASE, MM_TEST_SIZE, "test", &dev_ops, NULL);
	err = err ?: mmio_bus_register(&bus, MM_PLIC_BASE, MM_PLIC_SIZE, "plic", &dev_ops, NULL);
	err = err ?: mmio_bus_register(&bus, MM_UART_BASE, MM_UART_SIZE, "uart", &dev_ops, NULL);
	for (unsigned i = 0; i < MM_VIRTIO_COUNT && !err; i++)
		err = mmio_bus_register(&bus, MM_VIRTIO_BASE + i * MM_VIRTIO_SIZE, MM_VIRTIO_SIZE,
					"virtio", &dev_ops, NULL);
	return err;
}

uint64_t hp_mmio_read(uint64_t addr)
{
	u64 v = 0;

	mmio_bus_read(&bus, addr, 4, &v);
	return v;
}

uint64_t hp_mmio_read_search(uint64_t addr)
{
	u64 v = 0;

	__atomic_store_n(&bus.last, NULL, __ATOMIC_RELAXED);
	mmio_bus_read(&bus, addr, 4, &v);
	return v;
}

/* ---- SBI lookup ---- */
const void *hp_sbi_find(uint64_t eid)
{
	return sbi_find_ext(eid);
}

const void *hp_sbi_find_linear(uint64_t eid)
{
	for (unsigned i = 0; i < sbi_ext_table_size; i++)
		if (eid >= sbi_ext_table[i]->eid_start && eid <= sbi_ext_table[i]->eid_end)
			return sbi_ext_table[i];
	return NULL;
}

/* ---- decode ---- */
int hp_decode(uint32_t insn)
{
	struct mmio_insn d;

	return mmio_decode(insn, &d) ? -1 : (int)d.width;
}

/* A guest with an Sv39 table: VA 0xffffffc000003000 -> GPA 0x80004000,
 * where "lw a0, 0(a5)" sits at offset 0x10. */
#define DG_VA 0xffffffc000003010ULL
static u8 *dg_ram;
static struct guest_mem dg_mem;
static u64 dg_satp;
static struct mmio_dcache dg_cache;

int hp_decode_setup(void)
{
	u64 *root, *l1, *l0;
	u32 lw = 0x0007a503;

	dg_ram = aligned_alloc(4096, 0x10000);
	if (!dg_ram)
		return -ENOMEM;
	memset(dg_ram, 0, 0x10000);
	dg_mem = (struct guest_mem){ .base = 0x80000000, .size = 0x10000, .hva = dg_ram };
	root = (u64 *)dg_ram;
	l1 = (u64 *)(dg_ram + 0x1000);
	l0 = (u64 *)(dg_ram + 0x2000);
	root[256] = ((0x80001000ULL >> 12) << 10) | 1;
	l1[0] = ((0x80002000ULL >> 12) << 10) | 1;
	l0[3] = ((0x80004000ULL >> 12) << 10) | 0xcf;
	memcpy(dg_ram + 0x4010, &lw, 4);
	dg_satp = (8ULL << 60) | (0x80000000ULL >> 12);
	memset(&dg_cache, 0, sizeof(dg_cache));
	return 0;
}

int hp_decode_fetch_walk(void)
{
	struct mmio_insn d;
	u32 insn;

	if (gw_fetch(&dg_mem, dg_satp, DG_VA, &insn) || mmio_decode(insn, &d))
		return -1;
	return d.width;
}

int hp_decode_tinst(void)
{
	struct mmio_insn d;

	return mmio_decode_tinst(0x00002503, &d) ? -1 : (int)d.width;
}

int hp_decode_cache(void)
{
	struct mmio_insn d;

	return mmio_dcache_decode(&dg_cache, &dg_mem, dg_satp, DG_VA, &d) ? -1 : (int)d.width;
}

/* ---- stage 2 ---- */
#define POOL_PAGES 512
static u8 *pool;
static unsigned pool_used, s2_pages;
static struct s2_pt pt;

static u64 *pool_alloc(void *opaque, hpa_t *hpa)
{
	(void)opaque;
	if (pool_used == POOL_PAGES)
		return NULL;
	*hpa = 0x100000000ULL + (u64)pool_used * 4096;
	memset(pool + (size_t)pool_used * 4096, 0, 4096);
	return (u64 *)(pool + (size_t)pool_used++ * 4096);
}

static u64 *pool_hva(void *opaque, hpa_t hpa)
{
	u64 off = hpa - 0x100000000ULL;

	(void)opaque;
	if (hpa < 0x100000000ULL || off >= (u64)pool_used * 4096)
		return NULL;
	return (u64 *)(pool + off);
}

int hp_s2_setup(unsigned npages)
{
	pool = aligned_alloc(S2_ROOT_SIZE, (size_t)POOL_PAGES * 4096 + S2_ROOT_SIZE);
	if (!pool)
		return -ENOMEM;
	s2_pages = npages;
	pt.root = (u64 *)(pool + (size_t)POOL_PAGES * 4096);
	pt.root_hpa = 0x200000000ULL;
	pt.a = (struct s2_alloc){ .alloc = pool_alloc, .hva = pool_hva };
	return 0;
}

/* Map npages consecutive pages from a fresh table pool, as a VM's first
 * touches would; the per-page cost includes the table allocations. */
static pthread_mutex_t s2_lock = PTHREAD_MUTEX_INITIALIZER;

/* Before: every fault took the lock and walked from the root. */
int hp_s2_map_all(void)
{
	int err = 0;

	memset(pt.root, 0, S2_ROOT_SIZE);
	pool_used = 0;
	for (unsigned i = 0; i < s2_pages && !err; i++) {
		pthread_mutex_lock(&s2_lock);
		err = s2_map(&pt, MM_RAM_BASE + (u64)i * 4096, 0x300000000ULL + (u64)i * 4096, 4096,
			     S2_PTE_RWX);
		pthread_mutex_unlock(&s2_lock);
	}
	return err;
}

/* Now (duvisor/vmm/exit.c, dv_s2_fault): the region's leaf table cached,
 * the lock only to allocate one, the leaf by compare-and-swap. */
int hp_s2_map_all_cas(void)
{
	u64 *leaf = NULL, region = ~0ULL;
	int err = 0;

	memset(pt.root, 0, S2_ROOT_SIZE);
	pool_used = 0;
	for (unsigned i = 0; i < s2_pages && !err; i++) {
		gpa_t gpa = MM_RAM_BASE + (u64)i * 4096;

		if (!leaf || gpa >> 21 != region) {
			pthread_mutex_lock(&s2_lock);
			leaf = s2_table(&pt, gpa, 0, &err);
			pthread_mutex_unlock(&s2_lock);
			if (!leaf)
				return err;
			region = gpa >> 21;
		}
		err = s2_set_leaf(&leaf[(gpa >> 12) & 511], 0x300000000ULL + (u64)i * 4096,
				  S2_PTE_RWX);
	}
	return err;
}

/* ---- virtqueue ---- */
#define QN   16
#define QMEM (1U << 20)
static struct guest_mem mem;
static struct virtq vq;
static unsigned nseg;
static struct virtq_elem elem;

int hp_virtq_setup(unsigned n)
{
	mem.base = MM_RAM_BASE;
	mem.size = QMEM;
	mem.hva = aligned_alloc(4096, QMEM);
	if (!mem.hva || n == 0 || n > QN)
		return -EINVAL;
	memset(mem.hva, 0, QMEM);
	nseg = n;
	memset(&vq, 0, sizeof(vq));
	vq.num = QN;
	vq.desc = MM_RAM_BASE;
	vq.avail = MM_RAM_BASE + 0x1000;
	vq.used = MM_RAM_BASE + 0x2000;
	vq.ready = true;
	if (virtq_setup(&vq, &mem))
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		struct vring_desc *d = &vq.desc_h[i];

		d->addr = MM_RAM_BASE + 0x10000 + i * 0x1000;
		d->len = 512;
		d->flags =
			(i + 1 < n ? VRING_DESC_F_NEXT : 0) | (i + 1 == n ? VRING_DESC_F_WRITE : 0);
		d->next = i + 1 < n ? i + 1 : 0;
	}
	return 0;
}

int hp_virtq_roundtrip(void)
{
	u16 idx = vq.avail_h[1];
	int r;

	vq.avail_h[2 + idx % QN] = 0; /* head */
	__atomic_store_n(&vq.avail_h[1], (u16)(idx + 1), __ATOMIC_RELEASE);
	r = virtq_pop(&vq, &mem, &elem);
	if (r != 1)
		return -1;
	virtq_push(&vq, &elem, 1);
	return (int)(elem.nr_out + elem.nr_in);
}
