// SPDX-License-Identifier: MIT
/*
 * The exit table: a delegated exit's cause selects one handler. The exit
 * stub (entry.S) calls dv_exit() on every exit; the exit itself stays in
 * the hu_* registers (each handler reads what it needs), the guest's
 * registers are in v->ctx (s0..s11 only when v->ctx.full), and the resume
 * point is hu_vpc / hu_vstatus, which HURET uses. SBI calls and MMIO go to
 * the shared core's code from here (vcpu_sbi_call on the saved registers in
 * place, vcpu_mmio_read/write). Handlers follow one return rule (ctx.h):
 * DV_RESUME to re-enter the guest, DV_FULL to be called again with s0..s11
 * saved, DV_LEAVE / DV_RESTART for the run loop, a negative errno when
 * DuVisor cannot go on. A guest that does something wrong gets an exception
 * injected and a counter, never a DuVisor failure.
 */
#include <errno.h>
#include <string.h>

#include "dv.h"
#include "hw.h"
#include "vmm/faultinj.h"

const char *const dv_stat_names[DV_STAT__NR] = {
	[DV_EXIT_ECALL] = "hu_exit_ecall",
	[DV_EXIT_S2_MAP] = "hu_exit_s2_map",
	[DV_EXIT_MMIO] = "hu_exit_mmio",
	[DV_EXIT_WFI] = "hu_exit_wfi",
	[DV_EXIT_VINSN] = "hu_exit_virtual_insn",
	[DV_EXIT_IRQ] = "irq_exit",
	[DV_EXIT_OTHER] = "hu_exit_other",
	[DV_INJECT] = "injected",
	[DV_MMIO_REFETCH] = "mmio_refetch",
	[DV_MMIO_MISALIGNED] = "mmio_misaligned",
	[DV_MMIO_FULL] = "mmio_full_save",
	[DV_WFI_SLEEP] = "wfi_sleep",
	[DV_POST] = "posted",
	[DV_POST_IO] = "io_posted",
	[DV_WAKE] = "wakes",
	[DV_WFI_PENDING] = "wfi_pending",
	[DV_WFI_TIMER_DUE] = "wfi_timer_due",
	[DV_WFI_TIMER_MASKED] = "wfi_timer_masked",
};

void dv_inject(struct dv_vcpu *v, u64 cause, u64 tval)
{
	unsigned long vsstatus = dv_csr_read(DVEXT_CSR_HU_VSSTATUS);

	vsstatus &= ~(SR_SPP | SR_SPIE);
	if (dv_csr_read(DVEXT_CSR_HU_VSTATUS) & DVEXT_HU_VSTATUS_SPVP)
		vsstatus |= SR_SPP;
	if (vsstatus & SR_SIE)
		vsstatus |= SR_SPIE;
	vsstatus &= ~SR_SIE;
	dv_csr_write(DVEXT_CSR_HU_VSSTATUS, vsstatus);
	dv_csr_write(DVEXT_CSR_HU_VSCAUSE, cause);
	dv_csr_write(DVEXT_CSR_HU_VSTVAL, tval);
	dv_csr_write(DVEXT_CSR_HU_VSEPC, dv_csr_read(DVEXT_CSR_HU_VPC));
	/* Exceptions always go to the base of stvec, vectored or not. */
	dv_csr_write(DVEXT_CSR_HU_VPC, dv_csr_read(DVEXT_CSR_HU_VSTVEC) & ~3UL);
	dv_csr_write(DVEXT_CSR_HU_VSTATUS, DVEXT_HU_VSTATUS_SPVP);
	dv_stat_own(v, DV_INJECT);
}

/* Resume the guest past the instruction that exited. */
static inline void skip_insn(unsigned len)
{
	dv_csr_write(DVEXT_CSR_HU_VPC, dv_csr_read(DVEXT_CSR_HU_VPC) + len);
}

static u64 *dv_pool_alloc(void *opaque, hpa_t *hpa)
{
	struct dv_vm *d = opaque;
	u64 off = __atomic_fetch_add(&d->pool_next, SZ_4K, __ATOMIC_RELAXED);

	if (off + SZ_4K > d->info.pool_size)
		return NULL;
	*hpa = d->info.pool_hpa + off;
	memset(d->pool + off, 0, SZ_4K);
	return (u64 *)(d->pool + off);
}

static u64 *dv_pool_hva(void *opaque, hpa_t hpa)
{
	struct dv_vm *d = opaque;

	if (hpa < d->info.pool_hpa || hpa - d->info.pool_hpa >= d->info.pool_size || hpa & 0xfff)
		return NULL;
	return (u64 *)(d->pool + (hpa - d->info.pool_hpa));
}

/* Set up the stage-2 table over the driver's pool (root at offset 0). */
void dv_s2_init(struct dv_vm *d)
{
	d->s2.root = (u64 *)d->pool;
	d->s2.root_hpa = d->info.pool_hpa;
	d->s2.a = (struct s2_alloc){ .alloc = dv_pool_alloc, .hva = dv_pool_hva, .opaque = d };
	d->pool_next = S2_ROOT_SIZE;
	s2_clear(&d->s2);
}

/* Map the 4 KiB page of gpa (RAM) in the vCPU's cached leaf table. No
 * lock: the leaf goes in with a compare-and-swap (another vCPU may map the
 * same page at the same time: then it is there, fine). */
static inline int s2_fault_leaf(struct dv_vcpu *v, u64 *table, gpa_t gpa)
{
	struct vm *vm = v->vcpu->vm;
	struct dv_vm *d = vm->priv;
	gpa_t base = ALIGN_DOWN(gpa, SZ_4K);
	int err;

	err = s2_set_leaf(&table[(gpa >> 12) & (S2_TABLE_PTES - 1)],
			  d->info.mem_hpa + (base - vm->mem.base), S2_PTE_RWX);
	if (err)
		return err;
	dv_huflushgpa(base);
	dv_stat_own(v, DV_EXIT_S2_MAP);
	return DV_RESUME;
}

/* Another 2 MiB region: under the lock, allocate the tables above its leaf
 * table and cache that; or map a megapage when the VM uses them. */
static __attribute__((noinline)) int s2_fault_slow(struct dv_vcpu *v, gpa_t gpa)
{
	struct vm *vm = v->vcpu->vm;
	struct dv_vm *d = vm->priv;
	gpa_t base = ALIGN_DOWN(gpa, SZ_2M);
	u64 *table = NULL;
	int err = 0;

	pthread_mutex_lock(&d->s2_lock);
	if (d->page_size == SZ_2M && base >= vm->mem.base &&
	    base + SZ_2M <= vm->mem.base + vm->mem.size) {
		err = s2_map(&d->s2, base, d->info.mem_hpa + (base - vm->mem.base), SZ_2M,
			     S2_PTE_RWX);
		if (!err) {
			dv_huflushgpa(base);
			dv_stat_own(v, DV_EXIT_S2_MAP);
		}
	} else {
		/* 4 KiB pages (also at the ends of RAM with 2 MiB ones) */
		table = s2_table(&d->s2, gpa, 0, &err);
	}
	pthread_mutex_unlock(&d->s2_lock);
	if (!table)
		return err;
	v->s2_leaf = table;
	v->s2_region = gpa >> 21;
	return s2_fault_leaf(v, table, gpa);
}

int dv_s2_fault(struct dv_vcpu *v, gpa_t gpa)
{
	VMM_FAULT(vmm_fault_s2(&v->vcpu->vm->mem, gpa));
	/* the common case: a page in the region of the last fault */
	if (!v->s2_leaf || gpa >> 21 != v->s2_region)
		return s2_fault_slow(v, gpa);
	return s2_fault_leaf(v, v->s2_leaf, gpa);
}

static int exit_ecall(struct dv_vcpu *v, u64 cause)
{
	struct sbi_call *c = &v->ctx.sbi;
	int r;

	dv_stat_own(v, DV_EXIT_ECALL);
	r = vcpu_sbi_call(v->vcpu, c);
	if (r == VMM_RESTART || r < 0)
		return r == VMM_RESTART ? DV_RESTART : r;
	/* a0 = error, a1 = value (the legacy calls return a0 only) */
	c->args[0] = c->error;
	if (c->ext > SBI_EXT_LEGACY_SHUTDOWN)
		c->args[1] = c->value;
	skip_insn(4);
	return r == VMM_STOP ? DV_LEAVE : DV_RESUME;
}

/* The instruction at the guest's pc, through its own page table. */
static int fetch(struct dv_vcpu *v, u64 pc, u32 *insn)
{
	return gw_fetch(&v->vcpu->vm->mem, dv_csr_read(DVEXT_CSR_HU_VSATP), pc, insn);
}

/* A load or store the guest cannot have made to a device: an access fault. */
static int mmio_refuse(struct dv_vcpu *v, bool store, u64 tval)
{
	dv_inject(v, store ? DVEXT_CAUSE_STORE_ACCESS_FAULT : DVEXT_CAUSE_LOAD_ACCESS_FAULT, tval);
	return DV_RESUME;
}

/* The decoded access: the core's MMIO code, the answer into the guest's
 * register, pc past the instruction. Inline: d stays in registers. */
static inline int mmio_access(struct dv_vcpu *v, gpa_t gpa, struct mmio_insn d)
{
	u64 val, *reg;
	int r;

	VMM_FAULT(vmm_fault_isa(gpa));
	if (gpa & (d.width - 1)) {
		/* Devices take naturally aligned accesses only: the guest gets the
		 * address-misaligned exception (vanilla KVM stops the VM with EIO). */
		dv_stat_own(v, DV_MMIO_MISALIGNED);
		dv_inject(v,
			  d.is_write ? DVEXT_CAUSE_STORE_MISALIGNED : DVEXT_CAUSE_LOAD_MISALIGNED,
			  dv_csr_read(DVEXT_CSR_HU_EINFO));
		return DV_RESUME;
	}
	if (dv_reg_lazy(d.reg) && !v->ctx.full) {
		dv_stat_own(v, DV_MMIO_FULL);
		return DV_FULL; /* called again with s0..s11 in ctx */
	}
	reg = dv_reg(&v->ctx, d.reg);
	dv_stat_own(v, DV_EXIT_MMIO);
	if (d.is_write) {
		val = reg ? *reg : 0; /* the bus masks it to the width */
		r = vcpu_mmio_write(v->vcpu, gpa, d.width, val);
	} else {
		/* zero-extended by the bus; sign-extended by shifting up and down */
		unsigned sh = d.sign ? 64 - 8 * d.width : 0;

		r = vcpu_mmio_read(v->vcpu, gpa, d.width, &val);
		val = (u64)((s64)(val << sh) >> sh);
		if (reg)
			*reg = val;
	}
	if (r < 0)
		return r;
	skip_insn(d.len);
	return r == VMM_STOP ? DV_LEAVE : DV_RESUME;
}

/* Everything but an access hu_einst describes: a fetch from a device, an
 * access the hardware gave no instruction for (decoded from the guest's
 * memory through the decode cache), one that does not match the fault. */
static __attribute__((noinline)) int mmio_slow(struct dv_vcpu *v, u64 cause, gpa_t gpa, u64 tval)
{
	bool store = cause == DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT;
	struct mmio_insn d;
	u64 pc;
	int err;

	if (cause == DVEXT_CAUSE_INST_GUEST_PAGE_FAULT) {
		/* Executing from a device: an instruction access fault. */
		dv_inject(v, DVEXT_CAUSE_INST_ACCESS_FAULT, tval);
		return DV_RESUME;
	}
	if (!mmio_decode_tinst(dv_csr_read(DVEXT_CSR_HU_EINST), &d))
		return mmio_refuse(v, store, tval); /* a load for a store fault, or so */
	pc = dv_csr_read(DVEXT_CSR_HU_VPC);
	err = mmio_dcache_decode(&v->dcache, &v->vcpu->vm->mem, dv_csr_read(DVEXT_CSR_HU_VSATP), pc,
				 &d);
	if (err == -EFAULT) {
		/* The guest changed its page table meanwhile: let it refault,
		 * but not forever (a table we cannot walk is its error). */
		dv_stat_own(v, DV_MMIO_REFETCH);
		if (v->refetch_pc != pc) {
			v->refetch_pc = pc;
			v->refetches = 0;
		}
		if (++v->refetches < DV_REFETCH_MAX)
			return DV_RESUME;
		v->refetches = 0;
		return mmio_refuse(v, store, tval);
	}
	if (err || d.is_write != store)
		return mmio_refuse(v, store, tval);
	return mmio_access(v, gpa, d);
}

/* MMIO: a load or store that hu_einst (htinst) describes, else the slow
 * path. Out of line, so that a stage-2 fault needs no stack frame. */
static __attribute__((noinline)) int exit_mmio(struct dv_vcpu *v, u64 cause, gpa_t gpa, u64 tval)
{
	struct mmio_insn d;

	if (mmio_decode_tinst(dv_csr_read(DVEXT_CSR_HU_EINST), &d) ||
	    d.is_write != (cause == DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT))
		return mmio_slow(v, cause, gpa, tval);
	return mmio_access(v, gpa, d);
}

/* One range check: RAM is mapped in stage 2, anything else is MMIO. */
static int exit_guest_page_fault(struct dv_vcpu *v, u64 cause)
{
	struct vm *vm = v->vcpu->vm;
	u64 tval = dv_csr_read(DVEXT_CSR_HU_EINFO);
	gpa_t gpa = dv_csr_read(DVEXT_CSR_HU_EGPA) << 2 | (tval & 3);

	if (gpa - vm->mem.base < vm->mem.size)
		return dv_s2_fault(v, gpa);
	return exit_mmio(v, cause, gpa, tval);
}

static int exit_virtual_insn(struct dv_vcpu *v, u64 cause)
{
	u32 insn = dv_csr_read(DVEXT_CSR_HU_EINFO);

	if (!insn && fetch(v, dv_csr_read(DVEXT_CSR_HU_VPC), &insn)) {
		dv_stat_own(v, DV_MMIO_REFETCH);
		return DV_RESUME;
	}
	if (insn == INSN_WFI) {
		dv_stat_own(v, DV_EXIT_WFI);
		skip_insn(4);
		dv_vcpu_block(v);
		return DV_RESUME;
	}
	/* Anything else the guest may not do: an illegal instruction, as KVM. */
	dv_stat_own(v, DV_EXIT_VINSN);
	dv_inject(v, DVEXT_CAUSE_ILLEGAL_INST, insn);
	return DV_RESUME;
}

int dv_wfi_wait(struct dv_vcpu *v, u64 now, u64 *ticks)
{
	unsigned long ie = dv_csr_read(DVEXT_CSR_HU_VSIE);
	/* hvip too, in vsip's bit positions: stock QEMU 7.2 read vsip as VSSIP
	 * only (fixed in the model by duvisor/dvext/qemu/0005), so a posted
	 * VSEIP showed only there; an injected bit is pending on any hart. */
	unsigned long ip = dv_csr_read(DVEXT_CSR_HU_VSIP) |
			   (dv_csr_read(DVEXT_CSR_HU_HVIP) & DVEXT_POSTABLE_MASK) >> 1;
	unsigned long cmp;

	*ticks = DV_WFI_FOREVER;
	if (ip & ie) {
		dv_stat_inc(v, DV_WFI_PENDING);
		return DV_WFI_RETURN;
	}
	cmp = dv_csr_read(DVEXT_CSR_HU_VSTIMECMP);
	if (cmp == -1UL)
		return DV_WFI_BLOCK;
	if ((long)(cmp - now) <= 0) {
		/* Reached: vsip may not show it yet (the model raises VSTIP from
		 * a timer of its own), so the enable decides. */
		if (ie & (1UL << IRQ_S_TIMER)) {
			dv_stat_inc(v, DV_WFI_TIMER_DUE);
			return DV_WFI_RETURN;
		}
		dv_stat_inc(v, DV_WFI_TIMER_MASKED);
		return DV_WFI_BLOCK;
	}
	if (ie & (1UL << IRQ_S_TIMER))
		*ticks = cmp - now;
	return DV_WFI_BLOCK;
}

static __attribute__((noinline)) int exit_other(struct dv_vcpu *v, u64 cause)
{
	if (cause & DVEXT_HU_ER_INTERRUPT) {
		/* The kernel took the interrupt already; nothing left to do. */
		dv_stat_own(v, DV_EXIT_IRQ);
		return DV_RESUME;
	}
	dv_stat_own(v, DV_EXIT_OTHER);
	if (cause >= 16)
		return -EPROTO;
	dv_inject(v, cause, dv_csr_read(DVEXT_CSR_HU_EINFO));
	return DV_RESUME;
}

static int (*const exit_table[24])(struct dv_vcpu *, u64 cause) = {
	[DVEXT_CAUSE_VS_ECALL] = exit_ecall,
	[DVEXT_CAUSE_INST_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_VIRTUAL_INST] = exit_virtual_insn,
};

/* A tail call into the table; the exit stub then sends a DV_RESUME to the
 * run loop when ctx.attn is set: the vCPU was kicked (a signal, so the exit
 * may be its interrupt) or its external line lowered: dv_exit_full(). */
int dv_exit(struct dv_vcpu *v)
{
	u64 cause = dv_csr_read(DVEXT_CSR_HU_ER);

	VMM_FAULT(vmm_fault_exit(cause, v->ctx.sbi.ext, v->ctx.sbi.args));

	/* the most frequent exit first; an interrupt's cause (bit 63) is
	 * past the table too */
	if (cause == DVEXT_CAUSE_VS_ECALL)
		return exit_ecall(v, cause);
	if (cause < ARRAY_SIZE(exit_table) && exit_table[cause])
		return exit_table[cause](v, cause);
	return exit_other(v, cause);
}

int dv_exit_full(struct dv_vcpu *v)
{
	int r = dv_exit(v);

	if (r == DV_RESUME && __atomic_load_n(&v->ctx.attn, __ATOMIC_RELAXED))
		return DV_LEAVE;
	return r;
}

void dv_fast_setup(struct dv_vcpu *v, bool on)
{
	struct dv_ctx *c = &v->ctx;
	const struct sbi_ext *ext;

	c->fast_ext = SBI_EXT_BASE;
	c->fast_mask = 0;
	for (unsigned f = 0; on && f < DV_FAST_FIDS; f++) {
		struct sbi_call call = { .ext = c->fast_ext, .fid = f };

		if (sbi_const_call(v->vcpu, &call, &ext))
			continue;
		c->fast_mask |= 1UL << f;
		c->fast_ans[f].error = call.error;
		c->fast_ans[f].value = call.value;
		/* what vcpu_sbi_call and exit_ecall count */
		c->fast_cnt[0] = &v->vcpu->stat[STAT_EXIT_SBI];
		c->fast_cnt[1] = &v->vcpu->stat[ext->stat];
		c->fast_cnt[2] = &v->stat[DV_EXIT_ECALL];
	}
}
