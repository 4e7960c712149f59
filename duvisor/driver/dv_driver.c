// SPDX-License-Identifier: GPL-2.0
/*
 * DV-driver: the control plane of DuVisor (see include/uapi/duvisor.h and
 * docs/dv-ext.md).
 *
 * The driver gives a process a VM: physically contiguous RAM and a stage-2
 * pool (dma_alloc_coherent, from CMA), a vCPU table for posted interrupts, a
 * VMID and the hgatp value. Threads of the process register as vCPU or I/O
 * threads; a preempt notifier loads the DV-Ext and guest CSR state of the
 * thread when it is scheduled in and saves it (restoring the host's values)
 * when it is scheduled out. The driver never runs on a VM exit: exits are
 * delegated to the thread in HU mode, and everything else reaches the kernel
 * as an ordinary trap from user mode (the two-step trap of DV-Ext).
 *
 * PMC ranges are cached per hart (pmc_cache=1, the default): a hart keeps
 * the V=1 ranges of the last VM whose thread it loaded, and a switch-in of
 * a thread of that VM makes no firmware call. Another VM's thread reloads
 * the whole set with one call (LOAD). The ranges survive a switch-out only
 * towards the idle task or another DuVisor thread; anything else that gets
 * the hart (a KVM vCPU thread, any task, also after idle: a notifier hooked
 * on each hart's idle task) finds them cleared. See "PMC ranges across
 * switches" in docs/dv-ext.md for why this is safe. A post-only thread
 * (DUVISOR_THREAD_POST: h_enable.PO makes HURET illegal for it, hstatus.HU
 * stays clear) never enters V and loads no ranges at all.
 *
 * Lifetime: a VM is reference counted. The open file holds one reference and
 * every registered thread one more. A thread drops its reference when it
 * unregisters or, if it dies registered, after its final context switch
 * (detected in the sched-out notifier, reaped from a work item). So the VM's
 * memory outlives every thread that could still enter the guest.
 */
#define pr_fmt(fmt) "duvisor: " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/csr.h>
#include <asm/hwcap.h>
#include <asm/insn-def.h>
#include <asm/sbi.h>

#include "dvext/dvext.h"
#include "uapi/duvisor.h"

static bool insecure_nopmc;
module_param(insecure_nopmc, bool, 0444);
MODULE_PARM_DESC(insecure_nopmc,
		 "create VMs even when firmware has no PMC extension (no memory isolation)");

/* For the PMC-cost experiment (duvisor-nopmc in make bench): pmc=0 never
 * programs V=1 PMP entries, so V accesses are checked as in stock PMP. */
static bool pmc = true;
module_param(pmc, bool, 0444);
MODULE_PARM_DESC(pmc, "program the VMs' PMC ranges (0: benchmark only, no memory isolation)");

/* 1 keeps a VM's ranges on a hart across switches (see above); 0 programs
 * them range by range at every switch-in and clears them at every
 * switch-out (the driver before the cache, kept for the dv-switch benchmark
 * and for comparison). May be changed at run time: every path below is safe
 * with either value. */
static bool pmc_cache = true;
module_param(pmc_cache, bool, 0644);
MODULE_PARM_DESC(pmc_cache, "keep a VM's PMC ranges on a hart across switches (default 1; 0: "
			    "reprogram at every switch)");

/* Exceptions the guest handles itself. Besides KVM's set, the causes that
 * OpenSBI 1.1 takes in M mode and redirects in software (illegal
 * instruction, access faults, misaligned load/store): redirected to HS they
 * would look like a trap from the kernel (sstatus.SPP = VS) to Linux. */
#define DV_HEDELEG                                                                         \
	(BIT(EXC_INST_MISALIGNED) | BIT(1) | BIT(EXC_INST_ILLEGAL) | BIT(EXC_BREAKPOINT) | \
	 BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(EXC_SYSCALL) | BIT(EXC_INST_PAGE_FAULT) | \
	 BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT))
#define DV_HIDELEG (BIT(IRQ_VS_SOFT) | BIT(IRQ_VS_TIMER) | BIT(IRQ_VS_EXT))
#define DV_PMC_MAX 16 /* NAPOT ranges per VM: RAM in blocks, then the pool */
/* RAM is aligned to this much (or its size, if smaller) so that it splits
 * into few NAPOT ranges; the slack comes from over-allocating. */
#define DV_RAM_ALIGN_MAX SZ_32M

struct dv_vm {
	struct kref ref;
	struct mutex lock; /* threads, vcpu_owner, deleg */
	u32 vmid;
	u32 nr_vcpus;
	u32 flags;
	u64 deleg;
	u64 hgatp;
	bool pmc;
	u64 serial; /* never reused: names the VM in dv_pmc_loaded */
	unsigned int pmc_n;
	/* The LOAD table: kmalloc'ed with the VM, so physically contiguous. */
	struct dvext_pmc_range pmc_r[DV_PMC_MAX];

	void *mem_alloc; /* as allocated; RAM starts at the first 2 MiB boundary */
	dma_addr_t mem_dma;
	size_t mem_alloc_size;
	phys_addr_t mem_pa;
	u64 mem_size;

	void *pool_va;
	dma_addr_t pool_dma;
	phys_addr_t pool_pa;
	u64 pool_size;
	u64 pool_offset;

	struct dvext_vcpu_entry *vcputab; /* one page, never mapped in user space */
	phys_addr_t vcputab_pa;

	struct dv_thread *vcpu_owner[DUVISOR_MAX_VCPUS];
	struct list_head threads;
};

/* The DV-Ext and guest state of a thread while it is off the hart. */
struct dv_state {
	unsigned long hu[8]; /* hu_er .. hu_scratch */
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	unsigned long hvip, htimedelta, vstimecmp, henvcfg_stce;
};

/* What the host had in the hypervisor CSRs before the thread was loaded. */
struct dv_host {
	unsigned long hstatus, hedeleg, hideleg, hcounteren, hgatp, henvcfg, hvip;
};

struct dv_thread {
	struct preempt_notifier pn;
	struct dv_vm *vm;
	struct task_struct *task;
	u32 kind, id;
	bool loaded;
	struct dv_state g;
	struct dv_host h;
	struct duvisor_thread_stats st;
	struct list_head vm_node;  /* vm->threads */
	struct list_head all_node; /* dv_threads */
	struct llist_node reap_node;
};

static struct miscdevice dv_misc;
static DEFINE_MUTEX(dv_global_lock); /* dv_threads */
static LIST_HEAD(dv_threads);
static DEFINE_IDA(dv_vmid_ida);
static unsigned long dv_vmid_max;
static bool dv_has_sstc;
static bool dv_has_po; /* h_enable.PO: post-only threads (HURET illegal) */
static bool dv_fw_pmc, dv_fw_pmc_load;
static atomic64_t dv_vm_serial;
static atomic64_t dv_pmc_calls, dv_pmc_skips, dv_pmc_clears;
/* Per hart: the serial of the VM whose ranges the hart's V=1 entries hold (0: none). */
static DEFINE_PER_CPU(u64, dv_pmc_loaded);
/* Per hart: a notifier on the hart's idle task (hooked the first time a
 * switch-out keeps ranges for it). */
static DEFINE_PER_CPU(struct preempt_notifier, dv_idle_pn);
static DEFINE_PER_CPU(struct task_struct *, dv_idle_task);
static struct preempt_ops dv_preempt_ops;
static unsigned int dv_pmc_first, dv_pmc_count;
static atomic64_t dv_vms_live, dv_threads_live, dv_bytes_live, dv_vms_created;

static LLIST_HEAD(dv_reap_list);
static void dv_reap_fn(struct work_struct *w);
static DECLARE_WORK(dv_reap_work, dv_reap_fn);
static void dv_reap_irq(struct irq_work *iw)
{
	schedule_work(&dv_reap_work);
}
static DEFINE_IRQ_WORK(dv_reap_iw, dv_reap_irq);

/* ---- CSR helpers ---- */

static inline void hfence_gvma_vmid(unsigned long vmid)
{
	/* clang-format off */
	asm volatile(HFENCE_GVMA(zero, %0) : : "r"(vmid) : "memory");
	/* clang-format on */
}

/* Preemption off. Clear every V=1 entry of this hart. */
static void dv_pmc_clear_hart(void)
{
	sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_CLEAR_ALL, 0, 0, 0, 0, 0, 0);
	this_cpu_write(dv_pmc_loaded, 0);
	atomic64_inc(&dv_pmc_clears);
}

/*
 * Preemption off. Make this hart's V=1 entries the VM's ranges. Returns
 * false if the firmware refused (the caller then leaves EN off: the thread
 * cannot enter the guest).
 */
static bool dv_pmc_load(struct dv_thread *t)
{
	struct dv_vm *vm = t->vm;
	struct sbiret r = { 0 };
	unsigned int i;

	if (!vm->pmc) {
		/* Another VM's ranges would confine this VM's guest. */
		if (this_cpu_read(dv_pmc_loaded))
			dv_pmc_clear_hart();
		return true;
	}
	if (pmc_cache && this_cpu_read(dv_pmc_loaded) == vm->serial) {
		t->st.pmc_skip++;
		atomic64_inc(&dv_pmc_skips);
		return true;
	}
	this_cpu_write(dv_pmc_loaded, 0);
	if (pmc_cache && dv_fw_pmc_load) {
		r = sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_LOAD, virt_to_phys(vm->pmc_r),
			      vm->pmc_n, 0, 0, 0, 0);
		t->st.pmc_set++;
		atomic64_inc(&dv_pmc_calls);
	} else {
		/* One call per range (and the stale ones of another VM go first). */
		sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_CLEAR_ALL, 0, 0, 0, 0, 0, 0);
		for (i = 0; i < vm->pmc_n && !r.error; i++)
			r = sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_SET, dv_pmc_first + i,
				      vm->pmc_r[i].addr, vm->pmc_r[i].size, vm->pmc_r[i].perm, 0,
				      0);
		t->st.pmc_set += i + 1;
		atomic64_add(i + 1, &dv_pmc_calls);
	}
	if (r.error) {
		pr_err_ratelimited("VM %u: firmware refused its PMC ranges (%ld)\n", vm->vmid,
				   r.error);
		dv_pmc_clear_hart();
		return false;
	}
	this_cpu_write(dv_pmc_loaded, vm->serial);
	return true;
}

/* Whether task is a registered DuVisor thread (its sched-in sets the hart up). */
static bool dv_task_is_dv(struct task_struct *task)
{
	struct preempt_notifier *pn;

	hlist_for_each_entry (pn, &task->preempt_notifiers, link)
		if (pn->ops == &dv_preempt_ops)
			return true;
	return false;
}

/* The idle task of a hart leaves it: whatever comes next must not find ranges. */
static void dv_idle_out(struct preempt_notifier *pn, struct task_struct *next)
{
	if (this_cpu_read(dv_pmc_loaded) && !dv_task_is_dv(next))
		dv_pmc_clear_hart();
}

static void dv_idle_in(struct preempt_notifier *pn, int cpu)
{
}

static struct preempt_ops dv_idle_ops = {
	.sched_in = dv_idle_in,
	.sched_out = dv_idle_out,
};

/*
 * Preemption off, in the scheduler: next is this hart's idle task, about to
 * run. Hook dv_idle_out on it once. Only this hart runs its idle task, and
 * its notifier list is walked only when it is switched, so adding to it
 * here (before the switch) races with nothing.
 */
static void dv_hook_idle(struct task_struct *idle)
{
	struct preempt_notifier *pn = this_cpu_ptr(&dv_idle_pn);

	if (this_cpu_read(dv_idle_task))
		return;
	preempt_notifier_init(pn, &dv_idle_ops);
	hlist_add_head(&pn->link, &idle->preempt_notifiers);
	this_cpu_write(dv_idle_task, idle);
}

/* In an IPI on each hart at unload: unhook, and leave no ranges behind. */
static void dv_unhook_idle(void *unused)
{
	if (this_cpu_read(dv_idle_task)) {
		hlist_del(&this_cpu_ptr(&dv_idle_pn)->link);
		this_cpu_write(dv_idle_task, NULL);
	}
	if (this_cpu_read(dv_pmc_loaded))
		dv_pmc_clear_hart();
}

/*
 * Preemption off. A thread leaves the hart for next (NULL: it stays, as a
 * plain task). May the hart keep the ranges? Only for the idle task (which
 * enters no guest, and clears them when it hands the hart to anything but
 * a DuVisor thread) and for another DuVisor thread (its sched-in keeps or
 * reloads them). Any other task could be a KVM vCPU thread.
 */
static void dv_pmc_leave(struct dv_thread *t, struct task_struct *next)
{
	if (!this_cpu_read(dv_pmc_loaded))
		return;
	if (pmc_cache && next) {
		if (is_idle_task(next)) {
			dv_hook_idle(next);
			return;
		}
		if (dv_task_is_dv(next))
			return;
	}
	dv_pmc_clear_hart();
	t->st.pmc_clear++;
}

/* Cover [addr, addr + size) with naturally aligned power-of-two ranges. */
static int dv_pmc_add(struct dv_vm *vm, unsigned long addr, unsigned long size, unsigned long perm)
{
	while (size) {
		unsigned long b = addr ? (addr & -addr) : BIT(BITS_PER_LONG - 1);

		while (b > size)
			b >>= 1;
		if (b < DVEXT_SBI_PMC_MIN_SIZE || vm->pmc_n == DV_PMC_MAX)
			return -ENOSPC;
		vm->pmc_r[vm->pmc_n++] = (struct dvext_pmc_range){ addr, b, perm };
		addr += b;
		size -= b;
	}
	return 0;
}

/* Preemption off. Put the thread's state on this hart. */
static void dv_load(struct dv_thread *t)
{
	struct dv_vm *vm = t->vm;
	struct dv_state *g = &t->g;
	struct dv_host *h = &t->h;
	unsigned long c0 = csr_read(CSR_CYCLE);
	bool post = t->kind == DUVISOR_THREAD_POST;

	h->hstatus = csr_read(CSR_HSTATUS);
	h->hedeleg = csr_read(CSR_HEDELEG);
	h->hideleg = csr_read(CSR_HIDELEG);
	h->hcounteren = csr_read(CSR_HCOUNTEREN);
	h->hgatp = csr_read(CSR_HGATP);
	h->henvcfg = csr_read(CSR_HENVCFG);
	h->hvip = csr_read(CSR_HVIP);

	csr_write(CSR_HEDELEG, DV_HEDELEG);
	csr_write(CSR_HIDELEG, DV_HIDELEG);
	csr_write(CSR_HCOUNTEREN, -1UL);
	/*
	 * A post-only thread never enters V: HURET is illegal for it
	 * (h_enable.PO) and so is HLV/HSV (hstatus.HU clear), so it needs
	 * neither the stage-2 root nor PMC ranges. Everything HU can reach
	 * (hu_*, the guest-state aliases) is still loaded from its own state
	 * and saved: it must not see another VM's.
	 */
	csr_write(CSR_HSTATUS, (h->hstatus & HSTATUS_VSXL) | (post ? 0 : HSTATUS_HU) | HSTATUS_VTW);
	if (!post) {
		csr_write(CSR_HGATP, vm->hgatp);
		hfence_gvma_vmid(vm->vmid);
	}

	csr_write(CSR_VSSTATUS, g->vsstatus);
	csr_write(CSR_VSIE, g->vsie);
	csr_write(CSR_VSTVEC, g->vstvec);
	csr_write(CSR_VSSCRATCH, g->vsscratch);
	csr_write(CSR_VSEPC, g->vsepc);
	csr_write(CSR_VSCAUSE, g->vscause);
	csr_write(CSR_VSTVAL, g->vstval);
	csr_write(CSR_VSATP, g->vsatp);
	csr_write(CSR_HVIP, g->hvip);
	csr_write(CSR_HTIMEDELTA, g->htimedelta);
	csr_write(CSR_HENVCFG, (h->henvcfg & ~ENVCFG_STCE) | (g->henvcfg_stce & ENVCFG_STCE));
	if (dv_has_sstc)
		csr_write(CSR_VSTIMECMP, g->vstimecmp);

	csr_write(DVEXT_CSR_HU_ER, g->hu[0]);
	csr_write(DVEXT_CSR_HU_EINFO, g->hu[1]);
	csr_write(DVEXT_CSR_HU_EGPA, g->hu[2]);
	csr_write(DVEXT_CSR_HU_EINST, g->hu[3]);
	csr_write(DVEXT_CSR_HU_VPC, g->hu[4]);
	csr_write(DVEXT_CSR_HU_VSTATUS, g->hu[5]);
	csr_write(DVEXT_CSR_HU_EHB, g->hu[6]);
	csr_write(DVEXT_CSR_HU_SCRATCH, g->hu[7]);

	csr_write(DVEXT_CSR_H_VCPUTAB, vm->vcputab_pa);
	csr_write(DVEXT_CSR_H_VCPUNUM, vm->nr_vcpus);
	/* An I/O thread runs no vCPU: an id past the table merges nothing. */
	csr_write(DVEXT_CSR_H_VCPU, t->kind == DUVISOR_THREAD_VCPU ? t->id : DVEXT_VCPUNUM_MAX);
	csr_write(DVEXT_CSR_H_DELEG, t->kind == DUVISOR_THREAD_VCPU ? READ_ONCE(vm->deleg) : 0);
	/* The ranges before EN: with EN on, HURET may enter the guest. */
	if (post)
		csr_write(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN | DVEXT_H_ENABLE_PO);
	else if (dv_pmc_load(t))
		csr_write(DVEXT_CSR_H_ENABLE,
			  DVEXT_H_ENABLE_EN |
				  ((vm->flags & DUVISOR_VM_VPOST) ? DVEXT_H_ENABLE_VPOST : 0));
	t->loaded = true;
	t->st.sched_in++;
	t->st.in_cycles += csr_read(CSR_CYCLE) - c0;
}

/*
 * Preemption off. Take the thread's state off this hart, give the host back
 * its own; next runs after it (NULL: the thread itself goes on, unregistered).
 */
static void dv_put(struct dv_thread *t, struct task_struct *next)
{
	struct dv_vm *vm = t->vm;
	struct dv_state *g = &t->g;
	struct dv_host *h = &t->h;
	unsigned long c0;

	if (!t->loaded)
		return;
	c0 = csr_read(CSR_CYCLE);
	/* EN off first: a post from now on goes to the vCPU table, and the
	 * hvip read below sees every post that hit this hart before. */
	csr_write(DVEXT_CSR_H_ENABLE, 0);

	g->hu[0] = csr_read(DVEXT_CSR_HU_ER);
	g->hu[1] = csr_read(DVEXT_CSR_HU_EINFO);
	g->hu[2] = csr_read(DVEXT_CSR_HU_EGPA);
	g->hu[3] = csr_read(DVEXT_CSR_HU_EINST);
	g->hu[4] = csr_read(DVEXT_CSR_HU_VPC);
	g->hu[5] = csr_read(DVEXT_CSR_HU_VSTATUS);
	g->hu[6] = csr_read(DVEXT_CSR_HU_EHB);
	g->hu[7] = csr_read(DVEXT_CSR_HU_SCRATCH);
	g->vsstatus = csr_read(CSR_VSSTATUS);
	g->vsie = csr_read(CSR_VSIE);
	g->vstvec = csr_read(CSR_VSTVEC);
	g->vsscratch = csr_read(CSR_VSSCRATCH);
	g->vsepc = csr_read(CSR_VSEPC);
	g->vscause = csr_read(CSR_VSCAUSE);
	g->vstval = csr_read(CSR_VSTVAL);
	g->vsatp = csr_read(CSR_VSATP);
	g->hvip = csr_read(CSR_HVIP);
	g->htimedelta = csr_read(CSR_HTIMEDELTA);
	g->henvcfg_stce = csr_read(CSR_HENVCFG) & ENVCFG_STCE;
	if (dv_has_sstc) {
		g->vstimecmp = csr_read(CSR_VSTIMECMP);
		/* Disarm: whoever runs V here next (KVM) loads its own. */
		csr_write(CSR_VSTIMECMP, -1UL);
	}

	csr_write(DVEXT_CSR_H_DELEG, 0);
	csr_write(DVEXT_CSR_H_VCPU, 0);
	csr_write(DVEXT_CSR_H_VCPUNUM, 0);
	csr_write(DVEXT_CSR_H_VCPUTAB, 0);
	dv_pmc_leave(t, next);
	/* This VMID may be KVM's too: leave no translation of ours behind. */
	if (t->kind != DUVISOR_THREAD_POST)
		hfence_gvma_vmid(vm->vmid);

	/*
	 * The guest's VS interrupt enables live in the hart's mie (vsie is
	 * its alias while hideleg delegates the bits). Left set, they would
	 * turn any VS-level bit still pending in hvip into an HS interrupt
	 * (cause 2/6/10) once the host's hideleg is back, one Linux has no
	 * handler for and cannot clear: an interrupt storm. So clear them
	 * and hvip while hideleg is still ours, then give back the host's.
	 */
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_HVIP, h->hvip);
	csr_write(CSR_HGATP, h->hgatp);
	csr_write(CSR_HSTATUS, h->hstatus);
	csr_write(CSR_HEDELEG, h->hedeleg);
	csr_write(CSR_HIDELEG, h->hideleg);
	csr_write(CSR_HCOUNTEREN, h->hcounteren);
	csr_write(CSR_HENVCFG, h->henvcfg);
	t->loaded = false;
	t->st.sched_out++;
	t->st.out_cycles += csr_read(CSR_CYCLE) - c0;
}

static inline struct dv_thread *pn_to_thread(struct preempt_notifier *pn)
{
	return container_of(pn, struct dv_thread, pn);
}

static void dv_sched_in(struct preempt_notifier *pn, int cpu)
{
	dv_load(pn_to_thread(pn));
}

static void dv_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	struct dv_thread *t = pn_to_thread(pn);

	dv_put(t, next);
	/*
	 * The final switch of a dead thread: it never runs again. The notifier
	 * list is being walked right now, so the thread is freed later, from a
	 * work item (an irq_work first: no wake-up under the runqueue lock).
	 */
	if (READ_ONCE(current->__state) == TASK_DEAD) {
		llist_add(&t->reap_node, &dv_reap_list);
		irq_work_queue(&dv_reap_iw);
	}
}

static struct preempt_ops dv_preempt_ops = {
	.sched_in = dv_sched_in,
	.sched_out = dv_sched_out,
};

/* ---- VM lifetime ---- */

static void dv_vm_free(struct kref *ref)
{
	struct dv_vm *vm = container_of(ref, struct dv_vm, ref);
	struct device *dev = dv_misc.this_device;

	if (vm->mem_alloc) {
		dma_free_coherent(dev, vm->mem_alloc_size, vm->mem_alloc, vm->mem_dma);
		atomic64_sub(vm->mem_alloc_size, &dv_bytes_live);
	}
	if (vm->pool_va) {
		dma_free_coherent(dev, vm->pool_size, vm->pool_va, vm->pool_dma);
		atomic64_sub(vm->pool_size, &dv_bytes_live);
	}
	if (vm->vcputab)
		free_page((unsigned long)vm->vcputab);
	if (vm->vmid)
		ida_free(&dv_vmid_ida, dv_vmid_max - vm->vmid);
	atomic64_dec(&dv_vms_live);
	kfree(vm);
	module_put(THIS_MODULE);
}

static void dv_vm_put(struct dv_vm *vm)
{
	kref_put(&vm->ref, dv_vm_free);
}

/* Remove a thread that is off every hart for good (unregistered or dead). */
static void dv_thread_release(struct dv_thread *t)
{
	struct dv_vm *vm = t->vm;

	mutex_lock(&dv_global_lock);
	list_del(&t->all_node);
	mutex_unlock(&dv_global_lock);
	mutex_lock(&vm->lock);
	list_del(&t->vm_node);
	if (t->kind == DUVISOR_THREAD_VCPU && vm->vcpu_owner[t->id] == t)
		vm->vcpu_owner[t->id] = NULL;
	mutex_unlock(&vm->lock);
	put_task_struct(t->task);
	kfree(t);
	atomic64_dec(&dv_threads_live);
	dv_vm_put(vm); /* the VM pins the module until flush_work in dv_exit */
}

static void dv_reap_fn(struct work_struct *w)
{
	struct llist_node *list = llist_del_all(&dv_reap_list);
	struct dv_thread *t, *n;

	llist_for_each_entry_safe(t, n, list, reap_node) dv_thread_release(t);
}

static int dv_open(struct inode *inode, struct file *f)
{
	f->private_data = NULL;
	return 0;
}

static int dv_release(struct inode *inode, struct file *f)
{
	struct dv_vm *vm = f->private_data;

	if (vm)
		dv_vm_put(vm);
	return 0;
}

static int dv_create(struct file *f, struct duvisor_create __user *uarg)
{
	struct device *dev = dv_misc.this_device;
	struct duvisor_create c;
	struct dv_vm *vm;
	phys_addr_t pa;
	u64 align;
	int idx, err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (!c.mem_size || c.mem_size % DUVISOR_MEM_ALIGN || c.mem_size > DUVISOR_MEM_MAX ||
	    c.pool_size < DUVISOR_POOL_MIN || c.pool_size > DUVISOR_POOL_MAX ||
	    !is_power_of_2(c.pool_size) || !c.nr_vcpus || c.nr_vcpus > DUVISOR_MAX_VCPUS ||
	    (c.flags & ~DUVISOR_VM_VPOST))
		return -EINVAL;
	if (!dv_fw_pmc && !insecure_nopmc) {
		pr_warn_once("firmware has no PMC extension: no VM without insecure_nopmc=1\n");
		return -EOPNOTSUPP;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	/* A VM can outlive its file (registered threads): pin the module. */
	__module_get(THIS_MODULE);
	atomic64_inc(&dv_vms_live);
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->threads);
	vm->nr_vcpus = c.nr_vcpus;
	vm->flags = c.flags;
	vm->pmc = dv_fw_pmc && pmc;
	vm->serial = atomic64_inc_return(&dv_vm_serial);

	err = -ENOSPC;
	idx = ida_alloc_max(&dv_vmid_ida, dv_vmid_max - 1, GFP_KERNEL);
	if (idx < 0)
		goto fail;
	/* From the top of the VMID space down: KVM allocates from the bottom. */
	vm->vmid = dv_vmid_max - idx;

	err = -ENOMEM;
	/*
	 * CMA aligns large allocations to 1 MiB. RAM wants at least 2 MiB
	 * (stage-2 megapages) and, for few PMC ranges, up to 32 MiB.
	 */
	align = min_t(u64, rounddown_pow_of_two(c.mem_size), DV_RAM_ALIGN_MAX);
	vm->mem_alloc_size = c.mem_size + align - SZ_1M;
	vm->mem_alloc = dma_alloc_coherent(dev, vm->mem_alloc_size, &vm->mem_dma,
					   GFP_KERNEL | __GFP_NOWARN);
	if (!vm->mem_alloc)
		goto fail;
	atomic64_add(vm->mem_alloc_size, &dv_bytes_live);
	pa = dma_to_phys(dev, vm->mem_dma);
	vm->mem_pa = ALIGN(pa, align);
	if (vm->mem_pa + c.mem_size > pa + vm->mem_alloc_size)
		goto fail;
	vm->mem_size = c.mem_size;
	vm->pool_va =
		dma_alloc_coherent(dev, c.pool_size, &vm->pool_dma, GFP_KERNEL | __GFP_NOWARN);
	if (!vm->pool_va)
		goto fail;
	vm->pool_size = c.pool_size;
	atomic64_add(vm->pool_size, &dv_bytes_live);
	vm->pool_pa = dma_to_phys(dev, vm->pool_dma);
	if (vm->pool_pa % vm->pool_size) /* the allocators align to the order */
		goto fail;
	err = -ENOSPC;
	if (dv_pmc_add(vm, vm->mem_pa, vm->mem_size,
		       DVEXT_SBI_PMC_PERM_R | DVEXT_SBI_PMC_PERM_W | DVEXT_SBI_PMC_PERM_X) ||
	    /* Read-only to V: the walker reads it; DuVisor presets A/D bits. */
	    dv_pmc_add(vm, vm->pool_pa, vm->pool_size, DVEXT_SBI_PMC_PERM_R) ||
	    (vm->pmc && vm->pmc_n > dv_pmc_count)) {
		pr_warn_ratelimited("VM needs %u PMC ranges, firmware offers %u\n", vm->pmc_n,
				    dv_pmc_count);
		goto fail;
	}
	err = -ENOMEM;
	vm->vcputab = (void *)get_zeroed_page(GFP_KERNEL);
	if (!vm->vcputab)
		goto fail;
	vm->vcputab_pa = virt_to_phys(vm->vcputab);
	vm->hgatp = (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
		    (((unsigned long)vm->vmid << HGATP_VMID_SHIFT) & HGATP_VMID_MASK) |
		    (vm->pool_pa >> PAGE_SHIFT);
	vm->pool_offset = ALIGN(c.mem_size, PAGE_SIZE);
	atomic64_inc(&dv_vms_created);

	c.vmid = vm->vmid;
	c.pmc = vm->pmc ? DUVISOR_PMC_ACTIVE : DUVISOR_PMC_OFF;
	c.mem_hpa = vm->mem_pa;
	c.pool_hpa = vm->pool_pa;
	c.mem_offset = 0;
	c.pool_offset = vm->pool_offset;
	c.hgatp = vm->hgatp;
	memset(c.reserved, 0, sizeof(c.reserved));
	err = -EFAULT;
	if (copy_to_user(uarg, &c, sizeof(c)))
		goto fail;
	/* One VM per file; a racing second CREATE_VM loses. */
	err = -EEXIST;
	if (cmpxchg(&f->private_data, NULL, vm))
		goto fail;
	if (!vm->pmc)
		pr_warn_ratelimited(
			"VM %u: no PMC (pmc=0 or insecure_nopmc): guest memory is not isolated\n",
			vm->vmid);
	return 0;

fail:
	dv_vm_put(vm);
	return err;
}

static struct dv_thread *dv_find_current(void)
{
	struct dv_thread *t;

	list_for_each_entry (t, &dv_threads, all_node)
		if (t->task == current)
			return t;
	return NULL;
}

static int dv_register(struct dv_vm *vm, struct duvisor_register __user *uarg)
{
	struct duvisor_register r;
	struct dv_thread *t;
	int err = 0;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (r.kind > DUVISOR_THREAD_POST || (r.kind == DUVISOR_THREAD_POST && !dv_has_po) ||
	    (r.kind == DUVISOR_THREAD_VCPU && r.id >= vm->nr_vcpus))
		return -EINVAL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->vm = vm;
	t->task = current;
	t->kind = r.kind;
	t->id = r.kind == DUVISOR_THREAD_VCPU ? r.id : 0;
	t->g.vstimecmp = -1UL;

	mutex_lock(&dv_global_lock);
	mutex_lock(&vm->lock);
	if (dv_find_current())
		err = -EBUSY;
	else if (r.kind == DUVISOR_THREAD_VCPU && vm->vcpu_owner[r.id])
		err = -EBUSY;
	if (err) {
		mutex_unlock(&vm->lock);
		mutex_unlock(&dv_global_lock);
		kfree(t);
		return err;
	}
	if (r.kind == DUVISOR_THREAD_VCPU)
		vm->vcpu_owner[r.id] = t;
	list_add(&t->vm_node, &vm->threads);
	list_add(&t->all_node, &dv_threads);
	kref_get(&vm->ref);
	get_task_struct(current);
	atomic64_inc(&dv_threads_live);
	mutex_unlock(&vm->lock);
	mutex_unlock(&dv_global_lock);

	preempt_notifier_init(&t->pn, &dv_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&t->pn);
	dv_load(t);
	preempt_enable();
	return 0;
}

static int dv_unregister(struct dv_vm *vm)
{
	struct dv_thread *t;

	mutex_lock(&dv_global_lock);
	t = dv_find_current();
	mutex_unlock(&dv_global_lock);
	if (!t || t->vm != vm)
		return -ENOENT;
	preempt_disable();
	dv_put(t, NULL);
	preempt_notifier_unregister(&t->pn);
	preempt_enable();
	dv_thread_release(t);
	return 0;
}

static int dv_set_deleg(struct dv_vm *vm, u64 __user *uarg)
{
	struct dv_thread *t;
	u64 deleg;

	if (get_user(deleg, uarg))
		return -EFAULT;
	if (deleg & ~DVEXT_H_DELEG_MASK)
		return -EINVAL;
	WRITE_ONCE(vm->deleg, deleg);
	mutex_lock(&dv_global_lock);
	t = dv_find_current();
	mutex_unlock(&dv_global_lock);
	preempt_disable();
	if (t && t->vm == vm && t->loaded && t->kind == DUVISOR_THREAD_VCPU)
		csr_write(DVEXT_CSR_H_DELEG, deleg);
	preempt_enable();
	return 0;
}

static int dv_thread_stats(struct dv_vm *vm, void __user *uarg)
{
	struct duvisor_thread_stats st;
	struct dv_thread *t;

	mutex_lock(&dv_global_lock);
	t = dv_find_current();
	if (t && t->vm == vm)
		st = t->st;
	mutex_unlock(&dv_global_lock);
	if (!t || t->vm != vm)
		return -ENOENT;
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static int dv_driver_stats(void __user *uarg)
{
	struct duvisor_driver_stats st = {
		.vms_live = atomic64_read(&dv_vms_live),
		.threads_live = atomic64_read(&dv_threads_live),
		.bytes_live = atomic64_read(&dv_bytes_live),
		.vms_created = atomic64_read(&dv_vms_created),
		.pmc_calls = atomic64_read(&dv_pmc_calls),
		.pmc_skips = atomic64_read(&dv_pmc_skips),
		.pmc_clears = atomic64_read(&dv_pmc_clears),
	};

	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long dv_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct dv_vm *vm = READ_ONCE(f->private_data);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DUVISOR_GET_API_VERSION:
		return DUVISOR_API_VERSION;
	case DUVISOR_CREATE_VM:
		return vm ? -EEXIST : dv_create(f, uarg);
	case DUVISOR_DRIVER_STATS:
		return dv_driver_stats(uarg);
	}
	if (!vm)
		return -ENXIO;
	switch (cmd) {
	case DUVISOR_SET_DELEG:
		return dv_set_deleg(vm, uarg);
	case DUVISOR_REGISTER:
		return dv_register(vm, uarg);
	case DUVISOR_UNREGISTER:
		return dv_unregister(vm);
	case DUVISOR_FLUSH:
		return sbi_remote_hfence_gvma_vmid(NULL, 0, 0, vm->vmid);
	case DUVISOR_THREAD_STATS:
		return dv_thread_stats(vm, uarg);
	}
	return -ENOTTY;
}

static int dv_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct dv_vm *vm = READ_ONCE(f->private_data);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	phys_addr_t pa;

	if (!vm)
		return -ENXIO;
	if (off < vm->mem_size) {
		if (len > vm->mem_size - off)
			return -EINVAL;
		pa = vm->mem_pa + off;
	} else if (off >= vm->pool_offset && off - vm->pool_offset < vm->pool_size) {
		if (len > vm->pool_size - (off - vm->pool_offset))
			return -EINVAL;
		pa = vm->pool_pa + (off - vm->pool_offset);
	} else {
		return -EINVAL;
	}
	/* Not inherited by children: the VM belongs to this process. */
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP;
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(pa), len, vma->vm_page_prot);
}

static const struct file_operations dv_fops = {
	.owner = THIS_MODULE,
	.open = dv_open,
	.release = dv_release,
	.unlocked_ioctl = dv_ioctl,
	.mmap = dv_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice dv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "duvisor",
	.fops = &dv_fops,
	.mode = 0600,
};

/* ---- module ---- */

static bool dv_hw_present(void)
{
	struct device_node *cpu;
	const char *isa;
	bool all = true, any = false;

	for_each_of_cpu_node(cpu)
	{
		if (!of_device_is_available(cpu))
			continue;
		if (of_property_read_string(cpu, "riscv,isa", &isa) || !strstr(isa, "_xdvext"))
			all = false;
		else
			any = true;
	}
	return any && all;
}

static void dv_detect(void *unused)
{
	unsigned long old = csr_read(CSR_HGATP);

	csr_write(CSR_HGATP, old | HGATP_VMID_MASK);
	dv_vmid_max = (csr_read(CSR_HGATP) & HGATP_VMID_MASK) >> HGATP_VMID_SHIFT;
	csr_write(CSR_HGATP, old);
	hfence_gvma_vmid(0);
	/* h_enable.PO is WARL: a model without it keeps the bit 0. */
	csr_write(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_PO);
	dv_has_po = csr_read(DVEXT_CSR_H_ENABLE) & DVEXT_H_ENABLE_PO;
	csr_write(DVEXT_CSR_H_ENABLE, 0);
}

static int __init dv_init(void)
{
	long info;
	int err;

	if (!dv_hw_present()) {
		pr_err("DV-Ext not present on every hart (riscv,isa has no _xdvext)\n");
		return -ENODEV;
	}
	preempt_disable();
	dv_detect(NULL);
	preempt_enable();
	if (dv_vmid_max < 2) {
		pr_err("hgatp has %lu VMIDs: too few\n", dv_vmid_max + 1);
		return -ENODEV;
	}
	dv_has_sstc = riscv_isa_extension_available(NULL, SSTC);
	if (sbi_probe_extension(DVEXT_SBI_EXT_PMC) > 0) {
		struct sbiret r =
			sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_INFO, 0, 0, 0, 0, 0, 0);

		info = r.error ? 0 : r.value;
		dv_pmc_first = (info >> 16) & 0xffff;
		dv_pmc_count = info & 0xffff;
		dv_fw_pmc = dv_pmc_count >= 2;
		/* LOAD of nothing: clears this hart's V entries (there are none yet). */
		r = sbi_ecall(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_LOAD, 0, 0, 0, 0, 0, 0);
		dv_fw_pmc_load = !r.error;
	}
	err = misc_register(&dv_misc);
	if (err)
		return err;
	err = dma_coerce_mask_and_coherent(dv_misc.this_device, DMA_BIT_MASK(64));
	if (err) {
		misc_deregister(&dv_misc);
		return err;
	}
	preempt_notifier_inc();
	pr_info("ready: %lu VMIDs, sstc %s, post-only %s, PMC %s (%u ranges from pmp%u, %s)%s\n",
		dv_vmid_max, dv_has_sstc ? "yes" : "no", dv_has_po ? "yes" : "no",
		dv_fw_pmc ? "yes" : "no (firmware lacks the extension)", dv_pmc_count, dv_pmc_first,
		dv_fw_pmc_load ? "one LOAD per VM switch" : "no LOAD: one SET per range",
		!dv_fw_pmc && insecure_nopmc ? ", insecure_nopmc: VMs run unisolated" : "");
	return 0;
}

static void __exit dv_exit(void)
{
	misc_deregister(&dv_misc);
	irq_work_sync(&dv_reap_iw);
	flush_work(&dv_reap_work);
	/* No thread is left (each pins the module): unhook idle, clear every hart. */
	on_each_cpu(dv_unhook_idle, NULL, 1);
	preempt_notifier_dec();
	ida_destroy(&dv_vmid_ida);
}

module_init(dv_init);
module_exit(dv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DV-driver: control plane of the DuVisor user-level hypervisor");
