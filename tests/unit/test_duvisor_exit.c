// SPDX-License-Identifier: MIT
/* DuVisor's exit table (duvisor/vmm/exit.c) with fabricated traps and fake
 * DV-Ext registers: each handler's answer, resume point and counters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dv.h"
#include "hw.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4ULL << 20)
#define POOL_HPA 0x200000000ULL
#define MEM_HPA	 0x300000000ULL
#define POOL_SZ	 (256ULL << 10)

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

struct fx {
	struct vm vm;
	struct dv_vm d;
	struct dv_vcpu v;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	memset(csr, 0, sizeof(csr));
	nflushed = nblocked = 0;
	f->vm.mem = (struct guest_mem){ .base = RAM_BASE, .size = RAM_SIZE };
	f->vm.mem.hva = aligned_alloc(4096, RAM_SIZE);
	memset(f->vm.mem.hva, 0, RAM_SIZE);
	f->vm.priv = &f->d;
	f->vm.nr_vcpus = 1;
	f->vm.vcpus[0].vm = &f->vm;
	f->vm.vcpus[0].priv = &f->v;
	f->d.info.mem_size = RAM_SIZE;
	f->d.info.mem_hpa = MEM_HPA;
	f->d.info.pool_size = POOL_SZ;
	f->d.info.pool_hpa = POOL_HPA;
	f->d.pool = aligned_alloc(16384, POOL_SZ);
	f->d.page_size = SZ_4K;
	pthread_mutex_init(&f->d.s2_lock, NULL);
	dv_s2_init(&f->d);
	f->v.vcpu = &f->vm.vcpus[0];
	f->v.vstatus = DVEXT_HU_VSTATUS_SPVP;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->vm.mem.hva);
	free(f->d.pool);
	free(f);
	return 0;
}

static struct dv_trap trap(u64 cause, u64 tval, gpa_t gpa, u64 tinst, u64 vpc)
{
	return (struct dv_trap){ .cause = cause,
				 .tval = tval,
				 .gpa = gpa,
				 .tinst = tinst,
				 .vpc = vpc,
				 .vstatus = DVEXT_HU_VSTATUS_SPVP };
}

/* Put a 32-bit instruction in guest RAM at gpa. */
static void put_insn(struct fx *f, gpa_t gpa, u32 insn)
{
	memcpy(f->vm.mem.hva + (gpa - RAM_BASE), &insn, 4);
}

static int run(struct fx *f, struct dv_trap t)
{
	f->v.vpc = t.vpc;
	f->v.vstatus = t.vstatus;
	return dv_handle_exit(&f->v, &t);
}

/* ---- cases ---- */

static void ecall_goes_to_core(void **state)
{
	struct fx *f = *state;
	struct vmm_exit *e = &f->vm.vcpus[0].exit;

	f->v.ctx.gpr[17] = 0x10;     /* a7: ext */
	f->v.ctx.gpr[16] = 3;	     /* a6: fid */
	f->v.ctx.gpr[10] = 0x735049; /* a0 */
	f->v.ctx.gpr[15] = 55;	     /* a5 */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_VS_ECALL, 0, 0, 0, RAM_BASE + 0x100)), DV_CORE);
	assert_int_equal(e->reason, VMM_EXIT_SBI);
	assert_int_equal(e->sbi.ext, 0x10);
	assert_int_equal(e->sbi.fid, 3);
	assert_int_equal(e->sbi.args[0], 0x735049);
	assert_int_equal(e->sbi.args[5], 55);
	assert_int_equal(f->v.vpc, RAM_BASE + 0x100); /* the core's answer advances it */
	assert_int_equal(f->v.stat[DV_EXIT_ECALL], 1);
}

static void ram_fault_maps_page(void **state)
{
	struct fx *f = *state;
	hpa_t hpa;
	u64 size;

	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x1234, RAM_BASE + 0x3234,
				     0, RAM_BASE)),
			 DV_RESUME);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x3234, &hpa, &size, NULL), 0);
	assert_int_equal(hpa, MEM_HPA + 0x3234);
	assert_int_equal(size, SZ_4K);
	assert_int_equal(nflushed, 1);
	assert_int_equal(flushed[0], RAM_BASE + 0x3000);
	assert_int_equal(f->v.vpc, RAM_BASE); /* the access is retried */
	assert_int_equal(f->v.stat[DV_EXIT_S2_MAP], 1);
	/* a second vCPU faulting on the same page: no error, one more flush */
	assert_int_equal(
		run(f, trap(DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x3000, 0, RAM_BASE)),
		DV_RESUME);
	assert_int_equal(nflushed, 2);
}

static void ram_fault_megapage(void **state)
{
	struct fx *f = *state;
	u64 size;

	f->d.page_size = SZ_2M;
	assert_int_equal(run(f, trap(DVEXT_CAUSE_INST_GUEST_PAGE_FAULT, 0, RAM_BASE + 0x201000, 0,
				     RAM_BASE + 0x201000)),
			 DV_RESUME);
	assert_int_equal(s2_lookup(&f->d.s2, RAM_BASE + 0x3fffff, NULL, &size, NULL), 0);
	assert_int_equal(size, SZ_2M);
	assert_int_equal(flushed[0], RAM_BASE + 0x200000);
}

static void mmio_load_from_tinst(void **state)
{
	struct fx *f = *state;
	struct vmm_exit *e = &f->vm.vcpus[0].exit;

	/* transformed lw a4 (from c.lw): no fetch needed */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x100004, 0x100004, 0x2701,
				     RAM_BASE + 0x40)),
			 DV_CORE);
	assert_int_equal(e->reason, VMM_EXIT_MMIO);
	assert_int_equal(e->mmio.addr, 0x100004);
	assert_int_equal(e->mmio.len, 4);
	assert_false(e->mmio.is_write);
	assert_int_equal(f->v.mmio.reg, 14);
	assert_int_equal(f->v.mmio.len, 2);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 1);
}

static void mmio_store_decoded_from_guest_memory(void **state)
{
	struct fx *f = *state;
	struct vmm_exit *e = &f->vm.vcpus[0].exit;

	put_insn(f, RAM_BASE + 0x80, 0x00b7a023); /* sw a1, 0(a5) */
	f->v.ctx.gpr[11] = 0xdeadbeefcafef00dULL;
	assert_int_equal(run(f, trap(DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
				     RAM_BASE + 0x80)),
			 DV_CORE);
	assert_true(e->mmio.is_write);
	assert_int_equal(e->mmio.len, 4);
	assert_int_equal(e->mmio.data, 0xcafef00d);
	assert_int_equal(f->v.mmio.len, 4);
}

static void undecodable_mmio_injects_fault(void **state)
{
	struct fx *f = *state;

	put_insn(f, RAM_BASE + 0x80, 0x0007a507); /* flw: not emulated */
	csr[DVEXT_CSR_HU_VSSTATUS] = SR_SIE;
	csr[DVEXT_CSR_HU_VSTVEC] = 0x80001001; /* vectored: exceptions go to the base */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
				     RAM_BASE + 0x80)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_ACCESS_FAULT);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], 0x10000000);
	assert_int_equal(csr[DVEXT_CSR_HU_VSEPC], RAM_BASE + 0x80);
	assert_int_equal(csr[DVEXT_CSR_HU_VSSTATUS], SR_SPP | SR_SPIE); /* SIE off, was on */
	assert_int_equal(f->v.vpc, 0x80001000);
	assert_int_equal(f->v.vstatus, DVEXT_HU_VSTATUS_SPVP);
	assert_int_equal(f->v.stat[DV_INJECT], 1);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 0);
}

static void load_insn_on_store_fault_refused(void **state)
{
	struct fx *f = *state;

	put_insn(f, RAM_BASE + 0x80, 0x0007a503); /* lw: but the fault says store */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
				     RAM_BASE + 0x80)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_STORE_ACCESS_FAULT);
}

static void misaligned_mmio_injects_misaligned(void **state)
{
	struct fx *f = *state;

	/* lw a0, 2(a5) -> 0x100002: no MMIO exit, the guest's own trap */
	put_insn(f, RAM_BASE + 0x80, 0x0027a503);
	csr[DVEXT_CSR_HU_VSTVEC] = 0x80002000;
	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0xffffffc000100002ULL,
				     0x100002, 0, RAM_BASE + 0x80)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_MISALIGNED);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], 0xffffffc000100002ULL); /* the guest VA */
	assert_int_equal(csr[DVEXT_CSR_HU_VSEPC], RAM_BASE + 0x80);
	assert_int_equal(f->v.vpc, 0x80002000);
	assert_int_equal(f->v.stat[DV_MMIO_MISALIGNED], 1);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 0);
	/* transformed sh (tinst): a store misaligned by one byte */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000001, 0x10000001,
				     0x00b01023, RAM_BASE + 0x84)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_STORE_MISALIGNED);
	assert_int_equal(f->v.stat[DV_MMIO_MISALIGNED], 2);
	/* a byte access is never misaligned */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT, 0x10000001, 0x10000001,
				     0x00b00023, RAM_BASE + 0x84)),
			 DV_CORE);
	assert_int_equal(f->v.stat[DV_EXIT_MMIO], 1);
}

static void failed_fetch_resumes(void **state)
{
	struct fx *f = *state;

	/* the pc is not in RAM (the guest remapped it): resume, let it refault */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
				     0x40000000)),
			 DV_RESUME);
	assert_int_equal(f->v.stat[DV_MMIO_REFETCH], 1);
	assert_int_equal(f->v.vpc, 0x40000000);
	assert_int_equal(f->v.stat[DV_INJECT], 0);
	/* ... but a pc that never fetches ends in an access fault, not a livelock */
	for (int i = 1; i < DV_REFETCH_MAX; i++)
		run(f,
		    trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0, 0x40000000));
	assert_int_equal(f->v.stat[DV_INJECT], 1);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_LOAD_ACCESS_FAULT);
}

static void fetch_from_device_injects(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, trap(DVEXT_CAUSE_INST_GUEST_PAGE_FAULT, 0x10000000, 0x10000000, 0,
				     0x10000000)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_INST_ACCESS_FAULT);
}

static void wfi_blocks_and_skips(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, trap(DVEXT_CAUSE_VIRTUAL_INST, INSN_WFI, 0, 0, RAM_BASE + 0x10)),
			 DV_RESUME);
	assert_int_equal(nblocked, 1);
	assert_int_equal(f->v.vpc, RAM_BASE + 0x14);
	assert_int_equal(f->v.stat[DV_EXIT_WFI], 1);
	/* no instruction bits from the hardware: fetched from the guest */
	put_insn(f, RAM_BASE + 0x20, INSN_WFI);
	assert_int_equal(run(f, trap(DVEXT_CAUSE_VIRTUAL_INST, 0, 0, 0, RAM_BASE + 0x20)),
			 DV_RESUME);
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
	assert_int_equal(run(f, trap(DVEXT_CAUSE_VIRTUAL_INST, csrr_hgatp, 0, 0, RAM_BASE + 0x10)),
			 DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], DVEXT_CAUSE_ILLEGAL_INST);
	assert_int_equal(csr[DVEXT_CSR_HU_VSTVAL], csrr_hgatp);
	assert_int_equal(f->v.vpc, 0x80002000);
	assert_int_equal(nblocked, 0);
}

static void interrupt_just_resumes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, trap(DVEXT_HU_ER_INTERRUPT | 5, 0, 0, 0, RAM_BASE + 0x44)),
			 DV_RESUME);
	assert_int_equal(f->v.vpc, RAM_BASE + 0x44);
	assert_int_equal(f->v.stat[DV_EXIT_IRQ], 1);
	assert_int_equal(f->v.stat[DV_INJECT], 0);
}

static void from_vu_mode_injects_with_spp_clear(void **state)
{
	struct fx *f = *state;
	struct dv_trap t = trap(DVEXT_CAUSE_VIRTUAL_INST, 0x12345073, 0, 0, 0x1000);

	t.vstatus = 0; /* the guest was in VU */
	csr[DVEXT_CSR_HU_VSSTATUS] = SR_SPP;
	f->v.vpc = t.vpc;
	f->v.vstatus = 0;
	assert_int_equal(dv_handle_exit(&f->v, &t), DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSSTATUS] & SR_SPP, 0);
	assert_int_equal(f->v.vstatus, DVEXT_HU_VSTATUS_SPVP); /* the handler runs in VS */
}

static void unexpected_causes(void **state)
{
	struct fx *f = *state;

	/* a synchronous cause the table does not know: the guest gets it */
	assert_int_equal(run(f, trap(3, 0x77, 0, 0, RAM_BASE)), DV_RESUME);
	assert_int_equal(csr[DVEXT_CSR_HU_VSCAUSE], 3);
	assert_int_equal(f->v.stat[DV_EXIT_OTHER], 1);
	/* a cause no exception has: DuVisor reports it, never guesses */
	assert_int_equal(run(f, trap(40, 0, 0, 0, RAM_BASE)), -EPROTO);
}

static void pool_exhaustion_is_an_error(void **state)
{
	struct fx *f = *state;
	int r = 0;

	f->d.info.pool_size = S2_ROOT_SIZE + SZ_4K; /* room for one table */
	assert_int_equal(run(f, trap(DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT, 0, RAM_BASE, 0, RAM_BASE)),
			 -ENOMEM);
	(void)r;
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(ecall_goes_to_core),
		T(ram_fault_maps_page),
		T(ram_fault_megapage),
		T(mmio_load_from_tinst),
		T(mmio_store_decoded_from_guest_memory),
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
		T(interrupt_just_resumes),
		T(from_vu_mode_injects_with_spp_clear),
		T(unexpected_causes),
		T(pool_exhaustion_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
