// SPDX-License-Identifier: MIT
/* DuVisor's exit table (duvisor/vmm/exit.c) with exits fabricated in fake
 * DV-Ext registers, over the real VMM core (SBI, MMIO bus): each handler's
 * answer in the saved registers, the resume point, the return code the exit
 * stub acts on, and the counters. Also the fast path's table (the core's
 * constant SBI answers), the stage-2 leaf cache and the MMIO decode cache. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dv.h"
#include "hw.h"
#include "vmm/devices.h"
#include "vmm/memmap.h"

#define RAM_BASE MM_RAM_BASE
#define RAM_SIZE (8ULL << 20)
#define POOL_HPA 0x200000000ULL
#define MEM_HPA	 0x300000000ULL
#define POOL_SZ	 (256ULL << 10)
#define REC_BASE 0x10001000ULL /* a device that records stores */

/* ---- fakes ---- */
static unsigned long csr[4096];
static gpa_t flushed[16];
static unsigned nflushed, nblocked;

unsigned long fake_csr_read(unsigned n)
{
	return csr[n];
}

void fake_csr_write(unsigned n, unsigned long v)
{
	csr[n] = v;
}

void fake_huflushgpa(gpa_t gpa)
{
	if (nflushed < 16)
		flushed[nflushed] = gpa;
	nflushed++;
}

void dv_vcpu_block(struct dv_vcpu *v)
{
	(void)v;
	nblocked++;
}

static struct {
	unsigned n;
	u64 off, val;
	u32 len;
	u64 read_val; /* what a load reads (the bus masks it to len) */
} rec;

static int rec_read(void *dev, u64 off, u32 len, u64 *val)
{
	*val = rec.read_val;
	return 0;
}

static int rec_write(void *dev, u64 off, u32 len, u64 val)
{
	rec.n++;
	rec.off = off;
	rec.len = len;
	rec.val = val;
	return 0;
}

static const struct mmio_ops rec_ops = { .read = rec_read, .write = rec_write };

/* What DuVisor's backend does for the core (backend.c is not linked here). */
static int t_vcpu_reset(struct vcpu *vcpu, bool boot)
{
	struct dv_vcpu *v = vcpu->priv;

	memset(&v->ctx, 0, offsetof(struct dv_ctx, full));
	v->ctx.full = 1;
	v->vpc = 0;
	return 0;
}

static int t_set_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 val)
{
	struct dv_vcpu *v = vcpu->priv;

	if (reg == VMM_REG_PC)
		v->vpc = val;
	else if (reg < 32)
		*dv_reg(&v->ctx, reg) = val;
	return 0;
}

static const struct vmm_backend_ops t_ops = {
	.name = "dv-test",
	.max_vcpus = 2,
	.vcpu_reset = t_vcpu_reset,
	.set_reg = t_set_reg,
};
static struct vm_config t_cfg;

struct fx {
	struct vm vm;
	struct dv_vm d;
	struct dv_vcpu v, v1;
	struct test_dev *test;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	memset(csr, 0, sizeof(csr));
	memset(&rec, 0, sizeof(rec));
	nflushed = nblocked = 0;
	f->vm.ops = &t_ops;
	f->vm.cfg = &t_cfg;
	pthread_mutex_init(&f->vm.lock, NULL);
	pthread_cond_init(&f->vm.cond, NULL);
	f->vm.mem = (struct guest_mem){ .base = RAM_BASE, .size = RAM_SIZE };
	f->vm.mem.hva = aligned_alloc(4096, RAM_SIZE);
	memset(f->vm.mem.hva, 0, RAM_SIZE);
	f->test = test_dev_create(&f->vm);
	assert_int_equal(mmio_bus_register(&f->vm.bus, MM_TEST_BASE, 0x1000, "test", &test_mmio_ops,
					   f->test),
			 0);
	assert_int_equal(mmio_bus_register(&f->vm.bus, REC_BASE, 0x100, "rec", &rec_ops, NULL), 0);
	f->vm.priv = &f->d;
	f->vm.nr_vcpus = 2;
	f->vm.vcpus[0].vm = &f->vm;
	f->vm.vcpus[0].priv = &f->v;
	f->vm.vcpus[1].vm = &f->vm;
	f->vm.vcpus[1].id = 1;
	f->vm.vcpus[1].priv = &f->v1;
	f->d.info.mem_size = RAM_SIZE;
	f->d.info.mem_hpa = MEM_HPA;
	f->d.info.pool_size = POOL_SZ;
	f->d.info.pool_hpa = POOL_HPA;
	f->d.pool = aligned_alloc(16384, POOL_SZ);
	f->d.page_size = SZ_4K;
	pthread_mutex_init(&f->d.s2_lock, NULL);
	dv_s2_init(&f->d);
	f->v.vcpu = &f->vm.vcpus[0];
	f->v1.vcpu = &f->vm.vcpus[1];
	dv_fast_setup(&f->v, false);
	dv_fast_setup(&f->v1, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->vm.mem.hva);
	free(f->d.pool);
	free(f->test);
	free(f);
	return 0;
}

/* Fabricate an exit in the hu_* registers, as the hardware leaves it. */
static void exit_regs(u64 cause, u64 tval, gpa_t gpa, u64 tinst, u64 vpc)
{
	csr[DVEXT_CSR_HU_ER] = cause;
	csr[DVEXT_CSR_HU_EINFO] = tval;
	csr[DVEXT_CSR_HU_EGPA] = gpa >> 2;
	csr[DVEXT_CSR_HU_EINST] = tinst;
	csr[DVEXT_CSR_HU_VPC] = vpc;
	csr[DVEXT_CSR_HU_VSTATUS] = DVEXT_HU_VSTATUS_SPVP;
}

static int run(struct fx *f, u64 cause, u64 tval, gpa_t gpa, u64 tinst, u64 vpc)
{
	exit_regs(cause, tval, gpa, tinst, vpc);
	return dv_exit_full(&f->v);
}

static u64 reg(struct fx *f, unsigned n)
{
	return *dv_reg(&f->v.ctx, n);
}

static void set_reg(struct fx *f, unsigned n, u64 val)
{
	*dv_reg(&f->v.ctx, n) = val;
}

static void put_insn(struct fx *f, gpa_t gpa, u32 insn, unsigned len)
{
	memcpy(f->vm.mem.hva + (gpa - RAM_BASE), &insn, len);
}

static int ecall(struct fx *f, u64 ext, u64 fid, u64 a0, u64 a1)
{
	set_reg(f, 17, ext);
	set_reg(f, 16, fid);
	set_reg(f, 10, a0);
	set_reg(f, 11, a1);
	return run(f, DVEXT_CAUSE_VS_ECALL, 0, 0, 0, RAM_BASE + 0x100);
}

/* ---- the register file ---- */

static void register_slots(void **state)
{
	struct fx *f = *state;
	struct sbi_call *c = &f->v.ctx.sbi;
	bool seen[DV_SLOT_S0 + 12] = { false };

	/* a7, a6, a0..a5 are a struct sbi_call in place */
	set_reg(f, 17, 1);
	set_reg(f, 16, 2);
	for (unsigned i = 0; i < 6; i++)
		set_reg(f, 10 + i, 10 + i);
	assert_int_equal(c->ext, 1);
	assert_int_equal(c->fid, 2);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(c->args[i], 10 + i);
	/* every register its own slot, none on the answer slots */
	assert_null(dv_reg(&f->v.ctx, 0));
	for (unsigned n = 1; n < 32; n++) {
		unsigned s = dv_reg(&f->v.ctx, n) - (u64 *)&f->v.ctx;

		assert_true(s < DV_SLOT_S0 + 12);
		assert_true(s != DV_SLOT_ERROR && s != DV_SLOT_ERROR + 1);
		assert_false(seen[s]);
		seen[s] = true;
		assert_int_equal(dv_reg_lazy(n), s >= DV_SLOT_S0);
	}
	assert_true(dv_reg_lazy(8) && dv_reg_lazy(9) && dv_reg_lazy(18) && dv_reg_lazy(27));
	assert_false(dv_reg_lazy(10) || dv_reg_lazy(28) || dv_reg_lazy(1));
}

/* ---- SBI through the C path ---- */

static void ecall_base_in_place(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ecall(f, SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 5, 6), DV_RESUME);
	assert_int_equal(reg(f, 10), 0);
	assert_int_equal(reg(f, 11), SBI_SPEC_VERSION);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x104);
	assert_int_equal(f->v.stat[DV_EXIT_ECALL], 1);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_EXIT_SBI], 1);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_SBI_BASE], 1);
	assert_int_equal(f->vm.vcpus[0].exit.reason, VMM_EXIT_NONE);
	/* probe: an argument, answered by the core */
	assert_int_equal(ecall(f, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_DVB, 0), DV_RESUME);
	assert_int_equal(reg(f, 10), 0);
	assert_int_equal(reg(f, 11), 1);
	assert_int_equal(ecall(f, SBI_EXT_BASE, SBI_BASE_PROBE_EXT, 0x0a000000, 0), DV_RESUME);
	assert_int_equal(reg(f, 11), 0);
}

static void ecall_dvb_and_unknown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ecall(f, SBI_EXT_DVB, SBI_DVB_NOP, 42, 0), DV_RESUME);
	assert_int_equal(reg(f, 10), 0);
	assert_int_equal(reg(f, 11), 42);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_SBI_DVB], 1);
	/* an unknown extension: NOT_SUPPORTED, a1 = 0 */
	assert_int_equal(ecall(f, 0x0a000000, 0, 7, 7), DV_RESUME);
	assert_int_equal((s64)reg(f, 10), SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(reg(f, 11), 0);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_SBI_UNSUPPORTED], 1);
	/* a legacy call answers in a0 only */
	assert_int_equal(ecall(f, SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0x55), DV_RESUME);
	assert_int_equal(reg(f, 11), 0x55);
	/* the exit call stops the VM: the run loop takes over */
	assert_int_equal(ecall(f, SBI_EXT_DVB, SBI_DVB_EXIT, 3, 0), DV_LEAVE);
	assert_true(vm_stopping(&f->vm));
	assert_int_equal(f->vm.status, 3);
}

/* SBI HSM hart stop from an exit: the core restarts the hart (another hart
 * starts it), the saved registers are the new ones and nothing is completed. */
static struct fx *hsm_fx;

static void *hsm_stop(void *arg)
{
	struct fx *f = hsm_fx;

	f->vm.vcpus[0].hsm = HSM_STARTED;
	f->v.ctx.s[3] = 0x5353; /* stale: the reset clears it */
	return (void *)(long)ecall(f, SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0);
}

static void ecall_hsm_restart(void **state)
{
	struct fx *f = *state;
	struct sbi_call c = { .ext = SBI_EXT_HSM, .fid = SBI_HSM_HART_START };
	pthread_t t;
	void *ret;

	hsm_fx = f;
	pthread_create(&t, NULL, hsm_stop, NULL);
	while (vcpu_hsm_status(&f->vm.vcpus[0]) != HSM_STOPPED)
		usleep(1000);
	c.args[0] = 0;
	c.args[1] = RAM_BASE + 0x40;
	c.args[2] = 0x77;
	assert_int_equal(vcpu_sbi_call(&f->vm.vcpus[1], &c), VMM_RESUME);
	assert_int_equal(c.error, SBI_SUCCESS);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, DV_RESTART);
	assert_int_equal(f->v.vpc, RAM_BASE + 0x40);
	assert_int_equal(reg(f, 10), 0); /* a0 = hart id, a1 = opaque: not the answer */
	assert_int_equal(reg(f, 11), 0x77);
	assert_int_equal(f->v.ctx.s[3], 0);
	assert_int_equal(f->v.ctx.full, 1); /* the stub must not store s0..s11 over it */
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x100); /* not advanced */
}

/* ---- the stub's fast path: the table it answers from ---- */

static void fast_table_from_core(void **state)
{
	struct fx *f = *state;
	struct dv_ctx *c = &f->v.ctx;
	unsigned answered = 0;

	dv_fast_setup(&f->v, true);
	assert_int_equal(c->fast_ext, SBI_EXT_BASE);
	for (unsigned fid = 0; fid < DV_FAST_FIDS; fid++) {
		if (!(c->fast_mask & (1UL << fid)))
			continue;
		answered++;
		/* the stub's answer is the C path's */
		assert_int_equal(ecall(f, SBI_EXT_BASE, fid, 0, 0), DV_RESUME);
		assert_int_equal(c->fast_ans[fid].error, (s64)reg(f, 10));
		assert_int_equal(c->fast_ans[fid].value, reg(f, 11));
	}
	/* spec/impl versions and ids: 6 functions, not probe (an argument) */
	assert_int_equal(answered, 6);
	assert_false(c->fast_mask & (1UL << SBI_BASE_PROBE_EXT));
	assert_int_equal(c->fast_ans[SBI_BASE_GET_SPEC_VERSION].value, SBI_SPEC_VERSION);
	/* and it counts what the C path counts */
	assert_ptr_equal(c->fast_cnt[0], &f->vm.vcpus[0].stat[STAT_EXIT_SBI]);
	assert_ptr_equal(c->fast_cnt[1], &f->vm.vcpus[0].stat[STAT_SBI_BASE]);
	assert_ptr_equal(c->fast_cnt[2], &f->v.stat[DV_EXIT_ECALL]);
	/* off (DUVISOR_FAST_SBI=0): nothing is answered by the stub */
	dv_fast_setup(&f->v, false);
	assert_int_equal(c->fast_mask, 0);
}

/* ---- kicks and attention: the run loop must look ---- */

static void kick_and_attention_leave(void **state)
{
	struct fx *f = *state;

	f->v.kick = 1;
	f->v.ctx.attn = 1; /* what dv_vcpu_kick() sets */
	assert_int_equal(run(f, DVEXT_HU_ER_INTERRUPT | 5, 0, 0, 0, RAM_BASE + 0x44), DV_LEAVE);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x44);
	f->v.kick = 0;
	f->v.ctx.attn = 0;
	assert_int_equal(run(f, DVEXT_HU_ER_INTERRUPT | 5, 0, 0, 0, RAM_BASE + 0x44), DV_RESUME);
	f->v.ctx.attn = 1; /* a lowered external line */
	assert_int_equal(ecall(f, SBI_EXT_DVB, SBI_DVB_NOP, 1, 0), DV_LEAVE);
	assert_int_equal(reg(f, 11), 1); /* finished all the same */
	f->v.ctx.attn = 0;
	assert_int_equal(run(f, DVEXT_HU_ER_INTERRUPT | 5, 0, 0, 0, RAM_BASE + 0x44), DV_RESUME);
	assert_int_equal(f->v.stat[DV_EXIT_IRQ], 3);
	assert_int_equal(f->v.stat[DV_INJECT], 0);
}

/* ---- stage 2 ---- */

static void ram_fault_maps_page(void **state)
{
	struct fx *f = *state;
	hpa_t hpa;
	u64 size, pool;

	assert_int_equal(
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x1234, RAM_BASE + 0x3234, 0, RAM_BASE),
		DV_RESUME);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x3234, &hpa, &size, NULL), 0);
	assert_int_equal(hpa, MEM_HPA + 0x3234);
	assert_int_equal(size, SZ_4K);
	assert_int_equal(nflushed, 1);
	assert_int_equal(flushed[0], RAM_BASE + 0x3000);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE); /* the access is retried */
	assert_int_equal(f->v.stat[DV_EXIT_S2_MAP], 1);
	/* the region's leaf table is cached: the next page needs no table */
	assert_int_equal(f->v.s2_region, (RAM_BASE + 0x3234) >> 21);
	pool = f->d.pool_next;
	assert_int_equal(
		run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x5000, 0, RAM_BASE),
		DV_RESUME);
	assert_int_equal(f->d.pool_next, pool);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x5000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, MEM_HPA + 0x5000);
	/* another vCPU faulting on the same page: no error, one more flush */
	assert_int_equal(dv_s2_fault(&f->v1, RAM_BASE + 0x3000), 0);
	assert_int_equal(nflushed, 3);
	/* the next 2 MiB region: a new leaf table */
	assert_int_equal(
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x200000, 0, RAM_BASE),
		DV_RESUME);
	assert_int_equal(f->d.pool_next, pool + SZ_4K);
	assert_int_equal(f->v.s2_region, (RAM_BASE + 0x200000) >> 21);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x200000, &hpa, NULL, NULL), 0);
	assert_int_equal(hpa, MEM_HPA + 0x200000);
}

static void ram_fault_conflict(void **state)
{
	struct fx *f = *state;

	/* something else in the entry: an error, never an overwrite */
	assert_int_equal(s2_map(&f->d.s2, RAM_BASE + 0x7000, MEM_HPA + 0x9000, SZ_4K, S2_PTE_R), 0);
	assert_int_equal(
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x7000, 0, RAM_BASE),
		-EEXIST);
	assert_int_equal(nflushed, 0);
}

static void ram_fault_megapage(void **state)
{
	struct fx *f = *state;
	u64 size;

	f->d.page_size = SZ_2M;
	assert_int_equal(run(f, DVEXT_CAUSE_INST_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x201000, 0,
			     RAM_BASE + 0x201000),
			 DV_RESUME);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x3fffff, NULL, &size, NULL), 0);
	assert_int_equal(size, SZ_2M);
	assert_int_equal(flushed[0], RAM_BASE + 0x200000);
	assert_null(f->v.s2_leaf);
}

static void pool_exhaustion_is_an_error(void **state)
{
	struct fx *f = *state;

	f->d.info.pool_size = S2_ROOT_SIZE + SZ_4K; /* room for one table */
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0, RAM_BASE, 0, RAM_BASE),
			 -ENOMEM);
}

/* ---- MMIO ---- */

static void mmio_load_from_tinst(void **state)
{
	struct fx *f = *state;

	/* transformed lw a4 (from c.lw): no fetch */
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, MM_TEST_BASE, MM_TEST_BASE,
			     0x2701, RAM_BASE + 0x40),
			 DV_RESUME);
	assert_int_equal(reg(f, 14), TEST_READ_VALUE);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x42);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 1);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_EXIT_MMIO_READ], 1);
	assert_int_equal(f->vm.bus.regions[0].accesses, 1);
	assert_int_equal(f->v.dcache.misses, 0);
	/* a load into x0 reads and changes nothing */
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, MM_TEST_BASE, MM_TEST_BASE,
			     0x00002003, RAM_BASE),
			 DV_RESUME);
	assert_int_equal(f->vm.bus.regions[0].accesses, 2);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 4);
}

static u64 load(struct fx *f, u32 tinst, u64 value)
{
	rec.read_val = value;
	set_reg(f, 10, 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, tinst, RAM_BASE),
		DV_RESUME);
	return reg(f, 10);
}

static void mmio_widths_and_sign(void **state)
{
	struct fx *f = *state;

	/* transformed loads into a0: lb lh lw ld lbu lhu lwu */
	assert_int_equal(load(f, 0x00000503, 0x80), 0xffffffffffffff80ULL);
	assert_int_equal(load(f, 0x00000503, 0x17f), 0x7f);
	assert_int_equal(load(f, 0x00004503, 0x80), 0x80);
	assert_int_equal(load(f, 0x00001503, 0x8001), 0xffffffffffff8001ULL);
	assert_int_equal(load(f, 0x00005503, 0x8001), 0x8001);
	assert_int_equal(load(f, 0x00002503, 0x180000000ULL), 0xffffffff80000000ULL);
	assert_int_equal(load(f, 0x00006503, 0x180000000ULL), 0x80000000);
	assert_int_equal(load(f, 0x00003503, 0xfedcba9876543210ULL), 0xfedcba9876543210ULL);
}

static void mmio_store_from_register(void **state)
{
	struct fx *f = *state;

	set_reg(f, 11, 0xdeadbeefcafef00dULL);
	/* transformed sw a1 (rs2 = 11) */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE + 8, REC_BASE + 8,
			     0x00b02023, RAM_BASE + 0x80),
			 DV_RESUME);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.off, 8);
	assert_int_equal(rec.len, 4);
	assert_int_equal(rec.val, 0xcafef00d);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x84);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_EXIT_MMIO_WRITE], 1);
	/* sb from x0 */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0x00000023,
			     RAM_BASE),
			 DV_RESUME);
	assert_int_equal(rec.val, 0);
	assert_int_equal(rec.len, 1);
}

/* s0..s11 stay in the hardware on an exit: an access that needs one is
 * handled again once the stub has stored them (DV_FULL). */
static void mmio_callee_saved_register(void **state)
{
	struct fx *f = *state;

	/* lw s1 (x9), transformed */
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, MM_TEST_BASE, MM_TEST_BASE,
			     0x00002483, RAM_BASE),
			 DV_FULL);
	assert_int_equal(f->vm.bus.regions[0].accesses, 0); /* nothing done yet */
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE);
	assert_int_equal(f->v.stat[DV_MMIO_FULL], 1);
	f->v.ctx.full = 1; /* what the stub does, then it calls again */
	assert_int_equal(dv_exit_full(&f->v), DV_RESUME);
	assert_int_equal(f->v.ctx.s[1], TEST_READ_VALUE);
	assert_int_equal(f->vm.bus.regions[0].accesses, 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 4);
	/* sd s11 (x27) */
	f->v.ctx.full = 0;
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0x01b03023,
			     RAM_BASE),
			 DV_FULL);
	f->v.ctx.full = 1;
	f->v.ctx.s[11] = 0x1122334455667788ULL;
	assert_int_equal(dv_exit_full(&f->v), DV_RESUME);
	assert_int_equal(rec.val, 0x1122334455667788ULL);
	assert_int_equal(rec.len, 8);
}

static void mmio_unmapped_reads_zero(void **state)
{
	struct fx *f = *state;

	set_reg(f, 10, 99);
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x40000000, 0x40000000,
			     0x00002503, RAM_BASE),
			 DV_RESUME);
	assert_int_equal(reg(f, 10), 0);
	assert_int_equal(f->vm.vcpus[0].stat[STAT_MMIO_UNHANDLED], 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 4);
}

/* hu_einst 0: the instruction from guest memory, through the decode cache */
static void mmio_decoded_from_guest_memory(void **state)
{
	struct fx *f = *state;

	put_insn(f, RAM_BASE + 0x80, 0x00b7a023, 4); /* sw a1, 0(a5) */
	set_reg(f, 11, 0x1234);
	assert_int_equal(
		run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0, RAM_BASE + 0x80),
		DV_RESUME);
	assert_int_equal(rec.val, 0x1234);
	assert_int_equal(f->v.dcache.misses, 1);
	assert_int_equal(
		run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0, RAM_BASE + 0x80),
		DV_RESUME);
	assert_int_equal(f->v.dcache.hits, 1);
	/* the guest rewrites the instruction at that pc: sb a1 now */
	put_insn(f, RAM_BASE + 0x80, 0x00b78023, 4);
	assert_int_equal(
		run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0, RAM_BASE + 0x80),
		DV_RESUME);
	assert_int_equal(rec.len, 1);
	assert_int_equal(f->v.dcache.misses, 2);
	/* and to a compressed c.sw a4, 0(a5) followed by anything */
	put_insn(f, RAM_BASE + 0x80, 0xc398, 2);
	set_reg(f, 14, 0x77);
	assert_int_equal(
		run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE, REC_BASE, 0, RAM_BASE + 0x80),
		DV_RESUME);
	assert_int_equal(rec.len, 4);
	assert_int_equal(rec.val, 0x77);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x82);
}

static void undecodable_mmio_injects_fault(void **state)
{
	struct fx *f = *state;

	put_insn(f, RAM_BASE + 0x80, 0x0007a507, 4); /* flw: not emulated */
	csr[DVEXT_CSR_HU_VSSTATUS] = SR_SIE;
	csr[DVEXT_CSR_HU_VSTVEC] = 0x80001001; /* vectored: exceptions go to the base */
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
			     RAM_BASE + 0x80),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_ACCESS_FAULT);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], 0x10000000);
	assert_int_equal(csr[DVEXT_CSR_HU_VSEPC], RAM_BASE + 0x80);
	assert_int_equal(csr[DVEXT_CSR_HU_VSSTATUS], SR_SPP | SR_SPIE); /* SIE off, was on */
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], 0x80001000);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTATUS], DVEXT_HU_VSTATUS_SPVP);
	assert_int_equal(f->v.stat[DV_INJECT], 1);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 0);
}

static void load_insn_on_store_fault_refused(void **state)
{
	struct fx *f = *state;

	put_insn(f, RAM_BASE + 0x80, 0x0007a503, 4); /* lw: but the fault says store */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
			     RAM_BASE + 0x80),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_STORE_ACCESS_FAULT);
	/* the same from hu_einst */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000000, 0x10000000,
			     0x00002503, RAM_BASE + 0x80),
			 DV_RESUME);
	assert_int_equal(f->v.stat[DV_INJECT], 2);
	assert_int_equal(rec.n, 0);
}

static void misaligned_mmio_injects_misaligned(void **state)
{
	struct fx *f = *state;

	/* lw a0, 2(a5) -> REC_BASE + 2: no MMIO access, the guest's own trap */
	put_insn(f, RAM_BASE + 0x80, 0x0027a503, 4);
	csr[DVEXT_CSR_HU_VSTVEC] = 0x80002000;
	assert_int_equal(run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0xffffffc000100002ULL,
			     REC_BASE + 2, 0, RAM_BASE + 0x80),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_MISALIGNED);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], 0xffffffc000100002ULL); /* the guest VA */
	assert_int_equal(csr[DVEXT_CSR_HU_VSEPC], RAM_BASE + 0x80);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], 0x80002000);
	assert_int_equal(f->v.stat[DV_MMIO_MISALIGNED], 1);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 0);
	assert_int_equal(rec.n, 0);
	/* transformed sh (tinst): a store misaligned by one byte */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE + 1, REC_BASE + 1,
			     0x00b01023, RAM_BASE + 0x84),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_STORE_MISALIGNED);
	assert_int_equal(f->v.stat[DV_MMIO_MISALIGNED], 2);
	assert_int_equal(rec.n, 0);
	/* a byte access is never misaligned */
	assert_int_equal(run(f, DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, REC_BASE + 1, REC_BASE + 1,
			     0x00b00023, RAM_BASE + 0x84),
			 DV_RESUME);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 1);
	assert_int_equal(rec.n, 1);
}

static void failed_fetch_resumes(void **state)
{
	struct fx *f = *state;

	/* the pc is not in RAM (the guest remapped it): resume, let it refault */
	assert_int_equal(
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0, 0x40000000),
		DV_RESUME);
	assert_int_equal(f->v.stat[DV_MMIO_REFETCH], 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], 0x40000000);
	assert_int_equal(f->v.stat[DV_INJECT], 0);
	/* ... but a pc that never fetches ends in an access fault, not a livelock */
	for (int i = 1; i < DV_REFETCH_MAX; i++)
		run(f, DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0, 0x40000000);
	assert_int_equal(f->v.stat[DV_INJECT], 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_ACCESS_FAULT);
}

static void fetch_from_device_injects(void **state)
{
	struct fx *f = *state;

	assert_int_equal(
		run(f, DVEXT_CAUSE_INST_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0, 0x10000000),
		DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_INST_ACCESS_FAULT);
}

/* ---- virtual instructions, other causes ---- */

static void wfi_blocks_and_skips(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, DVEXT_CAUSE_VIRTUAL_INST, INSN_WFI, 0, 0, RAM_BASE + 0x10),
			 DV_RESUME);
	assert_int_equal(nblocked, 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], RAM_BASE + 0x14);
	assert_int_equal(f->v.stat[DV_EXIT_WFI], 1);
	/* no instruction bits from the hardware: fetched from the guest */
	put_insn(f, RAM_BASE + 0x20, INSN_WFI, 4);
	assert_int_equal(run(f, DVEXT_CAUSE_VIRTUAL_INST, 0, 0, 0, RAM_BASE + 0x20), DV_RESUME);
	assert_int_equal(nblocked, 2);
}

/* ---- WFI: what wakes it (dv_wfi_wait) ---- */
#define SSIP (1UL << 1)
#define STIP (1UL << 5)
#define SEIP (1UL << 9)

/* Guest interrupt state: vsip, vsie, vsstatus, vstimecmp. */
static void wfi_state(unsigned long ip, unsigned long ie, unsigned long status, unsigned long cmp)
{
	csr[DVEXT_CSR_HU_VSIP] = ip;
	csr[DVEXT_CSR_HU_VSIE] = ie;
	csr[DVEXT_CSR_HU_VSSTATUS] = status;
	csr[DVEXT_CSR_HU_VSTIMECMP] = cmp;
}

static void wfi_pending_and_enabled_returns(void **state)
{
	struct fx *f = *state;
	u64 ticks = 0;

	/* sstatus.SIE = 0 (Linux's idle loop): sie alone decides. */
	wfi_state(SSIP, SSIP | STIP, 0, -1UL);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_RETURN);
	wfi_state(SEIP | STIP, SEIP, SR_SIE, 5000);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_RETURN);
	/* A posted VSEIP in hvip counts even if vsip does not show it (stock
	 * QEMU 7.2 read vsip as SSIP only). */
	wfi_state(0, SEIP, 0, -1UL);
	csr[DVEXT_CSR_HU_HVIP] = 1UL << DVEXT_IRQ_VSEI;
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_RETURN);
	assert_int_equal(f->v.stat[DV_WFI_PENDING], 3);
	/* ... and counts only with its enable. */
	wfi_state(0, SSIP | STIP, 0, -1UL);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	csr[DVEXT_CSR_HU_HVIP] = 0;
}

/* Linux 6.1 after its tick stopped: the compare reached long ago, STIP set,
 * STIE clear. The WFI must sleep (it spun before: issue 13), with no
 * timeout, and say why. */
static void wfi_reached_but_disabled_timer_sleeps(void **state)
{
	struct fx *f = *state;
	u64 ticks = 0;

	wfi_state(STIP, SSIP | SEIP, 0, 500);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, DV_WFI_FOREVER);
	assert_int_equal(f->v.stat[DV_WFI_TIMER_MASKED], 1);
	/* Pending SSIP and SEIP with their enables clear: nothing wakes it either. */
	wfi_state(SSIP | SEIP, STIP, SR_SIE, 2000);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, 1000);
	assert_int_equal(f->v.stat[DV_WFI_PENDING], 0);
}

static void wfi_enabled_timer_sets_the_timeout(void **state)
{
	struct fx *f = *state;
	u64 ticks = 0;

	wfi_state(0, STIP, 0, 1000 + 12345);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, 12345);
	/* Reached, STIE set, VSTIP not (yet) in vsip: return now. */
	wfi_state(0, STIP, 0, 1000);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_RETURN);
	assert_int_equal(f->v.stat[DV_WFI_TIMER_DUE], 1);
	/* A later timer with STIE clear sets no timeout. */
	wfi_state(0, SSIP, 0, 5000);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, DV_WFI_FOREVER);
	/* No timer at all. */
	wfi_state(0, STIP | SSIP | SEIP, 0, -1UL);
	assert_int_equal(dv_wfi_wait(&f->v, 1000, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, DV_WFI_FOREVER);
	/* The compare compares as a signed distance (time wraps). */
	wfi_state(0, STIP, 0, 10);
	assert_int_equal(dv_wfi_wait(&f->v, -10UL, &ticks), DV_WFI_BLOCK);
	assert_int_equal(ticks, 20);
}

static void other_virtual_insn_is_illegal(void **state)
{
	struct fx *f = *state;
	u32 csrr_hgatp = 0x68002573;

	csr[DVEXT_CSR_HU_VSTVEC] = 0x80002000;
	assert_int_equal(run(f, DVEXT_CAUSE_VIRTUAL_INST, csrr_hgatp, 0, 0, RAM_BASE + 0x10),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_ILLEGAL_INST);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], csrr_hgatp);
	assert_int_equal(csr[DVEXT_CSR_HU_VPC], 0x80002000);
	assert_int_equal(nblocked, 0);
}

static void from_vu_mode_injects_with_spp_clear(void **state)
{
	struct fx *f = *state;

	exit_regs(DVEXT_CAUSE_VIRTUAL_INST, 0x12345073, 0, 0, 0x1000);
	csr[DVEXT_CSR_HU_VSTATUS] = 0; /* the guest was in VU */
	csr[DVEXT_CSR_HU_VSSTATUS] = SR_SPP;
	assert_int_equal(dv_exit_full(&f->v), DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSSTATUS] & SR_SPP, 0);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTATUS], DVEXT_HU_VSTATUS_SPVP); /* handler in VS */
}

static void unexpected_causes(void **state)
{
	struct fx *f = *state;

	/* a synchronous cause the table does not know: the guest gets it */
	assert_int_equal(run(f, 3, 0x77, 0, 0, RAM_BASE), DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], 3);
	assert_int_equal(f->v.stat[DV_EXIT_OTHER], 1);
	/* a cause no exception has: DuVisor reports it, never guesses */
	assert_int_equal(run(f, 40, 0, 0, 0, RAM_BASE), -EPROTO);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(register_slots),
		T(ecall_base_in_place),
		T(ecall_dvb_and_unknown),
		T(ecall_hsm_restart),
		T(fast_table_from_core),
		T(kick_and_attention_leave),
		T(ram_fault_maps_page),
		T(ram_fault_conflict),
		T(ram_fault_megapage),
		T(pool_exhaustion_is_an_error),
		T(mmio_load_from_tinst),
		T(mmio_widths_and_sign),
		T(mmio_store_from_register),
		T(mmio_callee_saved_register),
		T(mmio_unmapped_reads_zero),
		T(mmio_decoded_from_guest_memory),
		T(undecodable_mmio_injects_fault),
		T(load_insn_on_store_fault_refused),
		T(misaligned_mmio_injects_misaligned),
		T(failed_fetch_resumes),
		T(fetch_from_device_injects),
		T(wfi_blocks_and_skips),
		T(wfi_pending_and_enabled_returns),
		T(wfi_reached_but_disabled_timer_sleeps),
		T(wfi_enabled_timer_sets_the_timeout),
		T(other_virtual_insn_is_illegal),
		T(from_vu_mode_injects_with_spp_clear),
		T(unexpected_causes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
