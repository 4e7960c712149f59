// SPDX-License-Identifier: MIT
/*
 * The exit table: a delegated exit's cause selects one handler. Handlers see
 * the trap only as a struct dv_trap (captured once after the exit), keep
 * the resume point in v->vpc / v->vstatus, and follow one return rule:
 * DV_RESUME to re-enter the guest, DV_CORE when vcpu->exit describes work
 * for the shared core (MMIO, SBI), a negative errno when DuVisor cannot go
 * on. A guest that does something wrong gets an exception injected and a
 * counter, never a DuVisor failure.
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
	if (v->vstatus & DVEXT_HU_VSTATUS_SPVP)
		vsstatus |= SR_SPP;
	if (vsstatus & SR_SIE)
		vsstatus |= SR_SPIE;
	vsstatus &= ~SR_SIE;
	dv_csr_write(DVEXT_CSR_HU_VSSTATUS, vsstatus);
	dv_csr_write(DVEXT_CSR_HU_VSCAUSE, cause);
	dv_csr_write(DVEXT_CSR_HU_VSTVAL, tval);
	dv_csr_write(DVEXT_CSR_HU_VSEPC, v->vpc);
	/* Exceptions always go to the base of stvec, vectored or not. */
	v->vpc = dv_csr_read(DVEXT_CSR_HU_VSTVEC) & ~3UL;
	v->vstatus = DVEXT_HU_VSTATUS_SPVP;
	dv_stat_inc(v, DV_INJECT);
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

int dv_s2_map_ram(struct vm *vm, gpa_t gpa)
{
	struct dv_vm *d = vm->priv;
	u64 gran = d->page_size;
	gpa_t base = ALIGN_DOWN(gpa, gran);
	int err;

	if (!gmem_contains(&vm->mem, gpa))
		return -EINVAL;
	VMM_FAULT(vmm_fault_s2(&vm->mem, gpa));
	if (base < vm->mem.base || base + gran > vm->mem.base + vm->mem.size) {
		gran = SZ_4K;
		base = ALIGN_DOWN(gpa, gran);
	}
	pthread_mutex_lock(&d->s2_lock);
	err = s2_map(&d->s2, base, d->info.mem_hpa + (base - vm->mem.base), gran, S2_PTE_RWX);
	pthread_mutex_unlock(&d->s2_lock);
	if (!err)
		dv_huflushgpa(base);
	return err;
}

static u64 guest_reg(const struct dv_vcpu *v, unsigned r)
{
	return r ? v->ctx.gpr[r] : 0;
}

/* The instruction at the guest's pc, through its own page table. */
static int fetch(struct dv_vcpu *v, u64 pc, u32 *insn)
{
	return gw_fetch(&v->vcpu->vm->mem, dv_csr_read(DVEXT_CSR_HU_VSATP), pc, insn);
}

static int exit_ecall(struct dv_vcpu *v, const struct dv_trap *t)
{
	struct vmm_exit *e = &v->vcpu->exit;

	dv_stat_inc(v, DV_EXIT_ECALL);
	e->reason = VMM_EXIT_SBI;
	e->sbi.ext = v->ctx.gpr[17];
	e->sbi.fid = v->ctx.gpr[16];
	for (int i = 0; i < 6; i++)
		e->sbi.args[i] = v->ctx.gpr[10 + i];
	e->sbi.error = 0;
	e->sbi.value = 0;
	return DV_CORE;
}

static int exit_guest_page_fault(struct dv_vcpu *v, const struct dv_trap *t)
{
	struct vcpu *vcpu = v->vcpu;
	struct vmm_exit *e = &vcpu->exit;
	bool store = t->cause == DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT;
	struct mmio_insn d;
	u32 insn;
	int err;

	if (gmem_contains(&vcpu->vm->mem, t->gpa)) {
		err = dv_s2_map_ram(vcpu->vm, t->gpa);
		if (err)
			return err;
		dv_stat_inc(v, DV_EXIT_S2_MAP);
		return DV_RESUME;
	}
	if (t->cause == DVEXT_CAUSE_INST_GUEST_PAGE_FAULT) {
		/* Executing from a device: an instruction access fault. */
		dv_inject(v, DVEXT_CAUSE_INST_ACCESS_FAULT, t->tval);
		return DV_RESUME;
	}
	if (mmio_decode_tinst(t->tinst, &d)) {
		if (fetch(v, t->vpc, &insn)) {
			/* The guest changed its page table meanwhile: let it refault,
			 * but not forever (a table we cannot walk is its error). */
			dv_stat_inc(v, DV_MMIO_REFETCH);
			if (v->refetch_pc != t->vpc) {
				v->refetch_pc = t->vpc;
				v->refetches = 0;
			}
			if (++v->refetches < DV_REFETCH_MAX)
				return DV_RESUME;
			v->refetches = 0;
			dv_inject(v,
				  store ? DVEXT_CAUSE_STORE_ACCESS_FAULT
					: DVEXT_CAUSE_LOAD_ACCESS_FAULT,
				  t->tval);
			return DV_RESUME;
		}
		err = mmio_decode(insn, &d);
		if (err || d.is_write != store) {
			dv_inject(v,
				  store ? DVEXT_CAUSE_STORE_ACCESS_FAULT
					: DVEXT_CAUSE_LOAD_ACCESS_FAULT,
				  t->tval);
			return DV_RESUME;
		}
	}
	VMM_FAULT(vmm_fault_isa(t->gpa));
	if (t->gpa & (d.width - 1)) {
		/* Devices take naturally aligned accesses only: the guest gets the
		 * address-misaligned exception (vanilla KVM stops the VM with EIO). */
		dv_stat_inc(v, DV_MMIO_MISALIGNED);
		dv_inject(v, store ? DVEXT_CAUSE_STORE_MISALIGNED : DVEXT_CAUSE_LOAD_MISALIGNED,
			  t->tval);
		return DV_RESUME;
	}
	dv_stat_inc(v, DV_EXIT_MMIO);
	v->mmio = d;
	e->reason = VMM_EXIT_MMIO;
	e->mmio.addr = t->gpa;
	e->mmio.len = d.width;
	e->mmio.is_write = d.is_write;
	e->mmio.data = 0;
	if (d.is_write) {
		u64 val = guest_reg(v, d.reg);

		e->mmio.data = d.width == 8 ? val : val & ((1ULL << (8 * d.width)) - 1);
	}
	return DV_CORE;
}

static int exit_virtual_insn(struct dv_vcpu *v, const struct dv_trap *t)
{
	u32 insn = t->tval;

	if (!insn && fetch(v, t->vpc, &insn)) {
		dv_stat_inc(v, DV_MMIO_REFETCH);
		return DV_RESUME;
	}
	if (insn == INSN_WFI) {
		dv_stat_inc(v, DV_EXIT_WFI);
		v->vpc += 4;
		dv_vcpu_block(v);
		return DV_RESUME;
	}
	/* Anything else the guest may not do: an illegal instruction, as KVM. */
	dv_stat_inc(v, DV_EXIT_VINSN);
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

static int exit_other(struct dv_vcpu *v, const struct dv_trap *t)
{
	dv_stat_inc(v, DV_EXIT_OTHER);
	if (t->cause >= 16)
		return -EPROTO;
	dv_inject(v, t->cause, t->tval);
	return DV_RESUME;
}

static int (*const exit_table[24])(struct dv_vcpu *, const struct dv_trap *) = {
	[DVEXT_CAUSE_VS_ECALL] = exit_ecall,
	[DVEXT_CAUSE_INST_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT] = exit_guest_page_fault,
	[DVEXT_CAUSE_VIRTUAL_INST] = exit_virtual_insn,
};

int dv_handle_exit(struct dv_vcpu *v, const struct dv_trap *t)
{
	VMM_FAULT(vmm_fault_exit(t->cause, v->ctx.gpr));
	if (t->cause & DVEXT_HU_ER_INTERRUPT) {
		/* The kernel took the interrupt already; nothing left to do. */
		dv_stat_inc(v, DV_EXIT_IRQ);
		return DV_RESUME;
	}
	if (t->cause < ARRAY_SIZE(exit_table) && exit_table[t->cause])
		return exit_table[t->cause](v, t);
	return exit_other(v, t);
}
