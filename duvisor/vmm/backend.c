// SPDX-License-Identifier: MIT
/*
 * The DuVisor backend of the shared VMM core: the VM comes from the
 * DV-driver, each vCPU thread registers itself and then runs the guest with
 * HURET, handling exits in HU mode (entry.S calls exit.c's table, which
 * calls the core's SBI and MMIO code); the run loop here only sees kicks,
 * stops, restarts and errors. Interrupts are posted with
 * hu_vitr from whichever thread raises them (the thread registers as an I/O
 * thread the first time); a vCPU blocked in WFI sleeps on a futex that every
 * post to it bumps. The guest timer is vstimecmp (Sstc): it fires without
 * an exit. With --vpost the VM is created with DUVISOR_VM_VPOST and the
 * guest (told by /chosen "duvisor,vpost") posts IPIs itself, writing hu_vitr
 * from V mode with no exit on either side.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dv.h"
#include "hw.h"
#include "vmm/err.h"
#include "vmm/irq.h"
#include "vmm/memmap.h"
#include "vmm/sbi.h"

#define KICK_SIG      SIGUSR1
#define ALTSTACK_SIZE (64 * 1024)
#define DV_DELEG                                                                          \
	((1UL << DVEXT_CAUSE_VS_ECALL) | (1UL << DVEXT_CAUSE_INST_GUEST_PAGE_FAULT) |     \
	 (1UL << DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT) | (1UL << DVEXT_CAUSE_VIRTUAL_INST) | \
	 (1UL << DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT))
#define HENVCFG_STCE (1UL << 63)
#define HVIP_VSSIP   (1UL << DVEXT_IRQ_VSSI)
#define HVIP_VSEIP   (1UL << DVEXT_IRQ_VSEI)

/* The thread's registration with the driver: the vCPU it runs, or the VM
 * it posts to as an I/O thread. Unregistered by the key's destructor. */
struct dv_thread {
	struct dv_vm *d;
	struct dv_vcpu *v; /* NULL for an I/O thread */
};
static pthread_key_t dv_thread_key;
static pthread_once_t dv_key_once = PTHREAD_ONCE_INIT;
static __thread struct dv_thread *dv_self;

/* Whether this is the vCPU's own thread: its hart state holds the guest CSRs. */
static bool own_thread(struct dv_vcpu *v)
{
	return dv_self && dv_self->v == v;
}

static unsigned long rdtime(void)
{
	unsigned long t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static long futex(u32 *addr, int op, u32 val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

/* ---- per-thread registration ---- */

static void thread_exit(void *arg)
{
	struct dv_thread *t = arg;
	struct rusage ru;

	if (t->v) {
		/* Kept for --stats: the driver's view and the thread's switches. */
		if (!ioctl(t->d->fd, DUVISOR_THREAD_STATS, &t->v->drv)) {
			if (!getrusage(RUSAGE_THREAD, &ru)) {
				t->v->nvcsw = ru.ru_nvcsw;
				t->v->nivcsw = ru.ru_nivcsw;
			}
			__atomic_store_n(&t->v->has_drv, true, __ATOMIC_RELEASE);
		}
	}
	ioctl(t->d->fd, DUVISOR_UNREGISTER);
	free(t);
}

static void make_key(void)
{
	pthread_key_create(&dv_thread_key, thread_exit);
}

static int register_thread(struct dv_vm *d, struct dv_vcpu *v)
{
	/* A thread that posts only registers post-only: HURET is illegal for
	 * it, so its switches need no PMC ranges (a driver without it: I/O). */
	struct duvisor_register r = { .kind = v ? DUVISOR_THREAD_VCPU : DUVISOR_THREAD_POST,
				      .id = v ? v->vcpu->id : 0 };
	struct dv_thread *t;

	if (dv_self)
		return dv_self->d == d && (!v || dv_self->v == v) ? 0 : -EBUSY;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	int ret = ioctl(d->fd, DUVISOR_REGISTER, &r);

	if (ret && errno == EINVAL && !v) {
		r.kind = DUVISOR_THREAD_IO;
		ret = ioctl(d->fd, DUVISOR_REGISTER, &r);
	}
	if (ret) {
		int err = errno;

		free(t);
		return vmm_error(err, "DUVISOR_REGISTER (%s %u): %s", v ? "vCPU" : "I/O thread",
				 r.id, strerror(err));
	}
	t->d = d;
	t->v = v;
	dv_self = t;
	pthread_once(&dv_key_once, make_key);
	pthread_setspecific(dv_thread_key, t);
	return 0;
}

/* ---- VM ---- */

static u64 read_timebase(void)
{
	FILE *f = fopen("/proc/device-tree/cpus/timebase-frequency", "rb");
	unsigned char b[4];
	u64 tb = 0;

	if (f) {
		if (fread(b, 1, 4, f) == 4)
			tb = (u64)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
		fclose(f);
	}
	return tb ? tb : 10000000;
}

/* CmaFree of /proc/meminfo in MiB, or -1. */
static long long cma_free_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CmaFree: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb >> 10;
}

/* Tables for 4 KiB mappings of all RAM, plus the root, as a power of 2. */
static u64 pool_size_for(u64 mem, u64 page)
{
	u64 need = S2_ROOT_SIZE + (mem / SZ_1G + 2) * SZ_4K;
	u64 p = DUVISOR_POOL_MIN;

	if (page == SZ_4K)
		need += (mem / SZ_2M) * SZ_4K;
	while (p < need && p < DUVISOR_POOL_MAX)
		p <<= 1;
	return p >= need ? p : 0;
}

static int dv_init(struct vm *vm)
{
	struct dv_vm *d = calloc(1, sizeof(*d));
	struct sigaction sa = { .sa_handler = dv_signal_return, .sa_flags = SA_ONSTACK };
	const char *page = getenv("DUVISOR_S2_PAGE");
	u64 deleg = DV_DELEG;
	int v;

	if (!d)
		return vmm_error(ENOMEM, "out of memory");
	d->fd = -1;
	vm->priv = d;
	pthread_mutex_init(&d->s2_lock, NULL);
	d->page_size = page && !strcmp(page, "2M") ? SZ_2M : SZ_4K;
	if (vm->cfg->mem_size % DUVISOR_MEM_ALIGN || vm->cfg->mem_size > DUVISOR_MEM_MAX)
		return vmm_error(EINVAL, "DuVisor needs --mem to be a multiple of 2M, at most 4G");
	d->fd = open(DUVISOR_DEV, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return vmm_error(errno, "cannot open %s: %s (is the DV-driver loaded?)",
				 DUVISOR_DEV, strerror(errno));
	v = ioctl(d->fd, DUVISOR_GET_API_VERSION);
	if (v != DUVISOR_API_VERSION)
		return vmm_error(ENOTSUP, "%s: API version %d, DuVisor needs %d", DUVISOR_DEV, v,
				 DUVISOR_API_VERSION);
	d->info.mem_size = vm->cfg->mem_size;
	d->info.pool_size = pool_size_for(d->info.mem_size, d->page_size);
	if (!d->info.pool_size) {
		d->page_size = SZ_2M; /* 4 KiB tables for this much RAM do not fit */
		d->info.pool_size = pool_size_for(d->info.mem_size, d->page_size);
	}
	d->info.nr_vcpus = vm->nr_vcpus;
	if (vm->cfg->vpost)
		d->info.flags |= DUVISOR_VM_VPOST;
	if (ioctl(d->fd, DUVISOR_CREATE_VM, &d->info)) {
		int err = errno;

		if (err == EOPNOTSUPP)
			return vmm_error(err, "the firmware has no PMC extension (the DV-driver "
					      "runs VMs unisolated only with insecure_nopmc=1)");
		if (err == ENOMEM)
			return vmm_error(err,
					 "cannot get %llu MiB of contiguous memory (the host's CMA "
					 "area has %lld MiB free; boot it with a larger cma=)",
					 (unsigned long long)(d->info.mem_size >> 20),
					 cma_free_mib());
		return vmm_error(err, "DUVISOR_CREATE_VM: %s", strerror(err));
	}
	d->pool = mmap(NULL, d->info.pool_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		       d->info.pool_offset);
	if (d->pool == MAP_FAILED) {
		d->pool = NULL;
		return vmm_error(errno, "mmap of the stage-2 pool: %s", strerror(errno));
	}
	d->vpost = vm->cfg->vpost;
	vm->vpost = d->vpost; /* the device tree tells the guest */
	dv_s2_init(d);
	if (ioctl(d->fd, DUVISOR_SET_DELEG, &deleg))
		return vmm_error(errno, "DUVISOR_SET_DELEG: %s", strerror(errno));
	d->timebase = read_timebase();
	vm->timebase_freq = d->timebase;
	d->htimedelta = -rdtime(); /* guest time starts at 0, as with KVM */
	vm->guest_time_delta = d->htimedelta;
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIG, &sa, NULL))
		return vmm_error(errno, "sigaction: %s", strerror(errno));
	return 0;
}

static void dv_destroy(struct vm *vm)
{
	struct dv_vm *d = vm->priv;

	if (!d)
		return;
	if (d->pool)
		munmap(d->pool, d->info.pool_size);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
	vm->priv = NULL;
}

/* The core has reserved the range; put the driver's RAM there instead. */
static int dv_map(struct vm *vm, gpa_t gpa, hva_t hva, u64 size)
{
	struct dv_vm *d = vm->priv;
	void *p;

	if (gpa != MM_RAM_BASE || size != d->info.mem_size)
		return vmm_error(EINVAL, "DuVisor maps one RAM range at %#llx",
				 (unsigned long long)MM_RAM_BASE);
	p = mmap(hva, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, d->fd,
		 d->info.mem_offset);
	if (p != hva)
		return vmm_error(errno, "mmap of guest RAM: %s", strerror(errno));
	return 0;
}

/* ---- vCPUs ---- */

static int dv_vcpu_init(struct vcpu *vcpu)
{
	const char *fast = getenv("DUVISOR_FAST_SBI");
	struct dv_vcpu *v;

	if (posix_memalign((void **)&v, 64, sizeof(*v)))
		return vmm_error(ENOMEM, "out of memory");
	memset(v, 0, sizeof(*v));
	v->vcpu = vcpu;
	v->ctx.full = 1;
	v->vstatus = DVEXT_HU_VSTATUS_SPVP;
	v->need_reset = true;
	vcpu->priv = v;
	/* DUVISOR_FAST_SBI=0: every SBI call through the C path (for tests) */
	dv_fast_setup(v, !fast || strcmp(fast, "0"));
	return 0;
}

/* --stats: at the end (the driver's view too), or live on SIGQUIT while
 * the vCPU threads run (their counters read as they are). */
static void dv_print_stats(struct vm *vm, int fd)
{
	u64 st[DV_STAT__NR], hu;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct dv_vcpu *v = vm->vcpus[i].priv;

		if (!v)
			continue;
		for (int s = 0; s < DV_STAT__NR; s++)
			st[s] = __atomic_load_n(&v->stat[s], __ATOMIC_RELAXED);
		hu = st[DV_EXIT_ECALL] + st[DV_EXIT_S2_MAP] + st[DV_EXIT_MMIO] + st[DV_EXIT_WFI] +
		     st[DV_EXIT_VINSN] + st[DV_EXIT_OTHER];
		dprintf(fd, "stats: duvisor vcpu%u hu_exits=%llu irq_exits=%llu", i,
			(unsigned long long)hu, (unsigned long long)st[DV_EXIT_IRQ]);
		for (int s = 0; s < DV_STAT__NR; s++)
			dprintf(fd, " %s=%llu", dv_stat_names[s], (unsigned long long)st[s]);
		if (__atomic_load_n(&v->has_drv, __ATOMIC_ACQUIRE))
			dprintf(fd,
				" driver_sched_in=%llu nvcsw=%llu nivcsw=%llu driver_pmc_set=%llu "
				"driver_pmc_skip=%llu",
				(unsigned long long)v->drv.sched_in, (unsigned long long)v->nvcsw,
				(unsigned long long)v->nivcsw, (unsigned long long)v->drv.pmc_set,
				(unsigned long long)v->drv.pmc_skip);
		dprintf(fd, "\n");
	}
}

static void dv_vcpu_destroy(struct vcpu *vcpu)
{
	struct dv_vcpu *v = vcpu->priv;

	if (v->altstack)
		munmap(v->altstack, ALTSTACK_SIZE);
	free(v);
	vcpu->priv = NULL;
}

/* First run, on the vCPU's own thread: register it, give it an alternate
 * signal stack (a signal may find the guest's sp) and set hu_ehb. */
static int vcpu_setup(struct dv_vcpu *v)
{
	struct dv_vm *d = v->vcpu->vm->priv;
	stack_t ss = { .ss_size = ALTSTACK_SIZE };
	sigset_t set;
	int err;

	/* After a guest reset the core runs the vCPU on a new thread. */
	if (!v->altstack) {
		v->altstack = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (v->altstack == MAP_FAILED) {
			v->altstack = NULL;
			return vmm_error(errno, "alternate signal stack: %s", strerror(errno));
		}
	}
	ss.ss_sp = v->altstack;
	if (sigaltstack(&ss, NULL))
		return vmm_error(errno, "sigaltstack: %s", strerror(errno));
	sigemptyset(&set);
	sigaddset(&set, KICK_SIG);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	err = register_thread(d, v);
	if (err)
		return err;
	v->tid = syscall(SYS_gettid);
	dv_csr_write(DVEXT_CSR_HU_EHB, (unsigned long)dv_exit_entry);
	v->need_reset = true; /* a new registration starts from the driver's zeros */
	return 0;
}

/* Guest supervisor state at reset, in this thread's hardware. */
static void apply_reset(struct dv_vcpu *v)
{
	struct dv_vm *d = v->vcpu->vm->priv;

	dv_csr_write(DVEXT_CSR_HU_VSSTATUS, 0);
	dv_csr_write(DVEXT_CSR_HU_VSIE, 0);
	dv_csr_write(DVEXT_CSR_HU_VSTVEC, 0);
	dv_csr_write(DVEXT_CSR_HU_VSSCRATCH, 0);
	dv_csr_write(DVEXT_CSR_HU_VSEPC, 0);
	dv_csr_write(DVEXT_CSR_HU_VSCAUSE, 0);
	dv_csr_write(DVEXT_CSR_HU_VSTVAL, 0);
	dv_csr_write(DVEXT_CSR_HU_VSATP, 0);
	dv_csr_write(DVEXT_CSR_HU_HVIP, 0);
	dv_csr_write(DVEXT_CSR_HU_HTIMEDELTA, d->htimedelta);
	dv_csr_write(DVEXT_CSR_HU_HENVCFG, HENVCFG_STCE);
	dv_csr_write(DVEXT_CSR_HU_VSTIMECMP, -1UL);
	v->need_reset = false;
}

/* The external line, as the PLIC drives it, wins over stale posted bits. */
static void sync_ext(struct dv_vcpu *v)
{
	unsigned long hvip = dv_csr_read(DVEXT_CSR_HU_HVIP);
	bool level = __atomic_load_n(&v->ext_level, __ATOMIC_ACQUIRE);

	/* csrc/csrs: other harts may post VSSIP meanwhile */
	if (!level && (hvip & HVIP_VSEIP))
		dv_csr_clear(DVEXT_CSR_HU_HVIP, HVIP_VSEIP);
	else if (level && !(hvip & HVIP_VSEIP))
		dv_csr_set(DVEXT_CSR_HU_HVIP, HVIP_VSEIP);
}

static int dv_vcpu_run(struct vcpu *vcpu)
{
	struct dv_vcpu *v = vcpu->priv;
	struct vm *vm = vcpu->vm;
	int r, err;

	if ((!dv_self || dv_self->v != v) && (err = vcpu_setup(v)))
		return err;
	for (;;) {
		if (v->need_reset)
			apply_reset(v);
		/* attention first: a kick or a lowered line after this sets it again */
		__atomic_store_n(&v->ctx.attn, 0, __ATOMIC_SEQ_CST);
		if (__atomic_exchange_n(&v->kick, 0, __ATOMIC_ACQ_REL) || vm_stopping(vm))
			return 0;
		sync_ext(v);
		/*
		 * The line was lowered by another thread: a VSEI posted before
		 * that may still sit in the vCPU table, and HURET merges it into
		 * hvip after the sync above. The guest would take it, claim
		 * nothing, and take it again for ever (the PLIC's output stays
		 * low, so nothing lowers it again). Come back after the next exit
		 * and sync once more.
		 */
		if (__atomic_exchange_n(&v->ext_lowered, 0, __ATOMIC_ACQ_REL))
			__atomic_store_n(&v->ctx.attn, 1, __ATOMIC_SEQ_CST);
		/* Before HURET merges the vCPU table: see dv_vcpu_block(). */
		v->entry_seq = __atomic_load_n(&v->wake_seq, __ATOMIC_ACQUIRE);
		dv_csr_write(DVEXT_CSR_HU_VPC, v->vpc);
		dv_csr_write(DVEXT_CSR_HU_VSTATUS, v->vstatus);
		/* The guest runs, and exits are handled, until one needs us. */
		r = dv_enter(&v->ctx);
		if (r == DV_RESTART)
			continue; /* the core set pc and registers (SBI HSM) */
		v->vpc = dv_csr_read(DVEXT_CSR_HU_VPC);
		v->vstatus = dv_csr_read(DVEXT_CSR_HU_VSTATUS) & DVEXT_HU_VSTATUS_SPVP;
		if (r < 0)
			return vmm_error(-r, "vcpu%u: exit cause %#llx at pc %#llx: %s", vcpu->id,
					 (unsigned long long)dv_csr_read(DVEXT_CSR_HU_ER),
					 (unsigned long long)v->vpc, strerror(-r));
	}
}

/*
 * WFI (and SBI HSM suspend): sleep on the futex until a post or a kick bumps
 * wake_seq, or an enabled timer fires. The sequence number is the one taken
 * as the vCPU last entered the guest: a post that landed in the vCPU table
 * after that (this thread was switched out) is not in vsip until the next
 * HURET merges it, but it changed wake_seq, so the wait returns at once.
 * Posts of an interrupt that vsie disables do not wake the vCPU (wait_ie).
 */
void dv_vcpu_block(struct dv_vcpu *v)
{
	struct dv_vm *d = v->vcpu->vm->priv;
	struct timespec ts, *tsp = NULL;
	u64 ticks;

	/* Reading wake_seq here instead missed a post between the exit and the
	 * read: 15 of 115 doorbell=100 runs without icount hung asleep. */
	__atomic_store_n(&v->wait_ie, (u32)dv_csr_read(DVEXT_CSR_HU_VSIE), __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->waiting, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&v->kick, __ATOMIC_SEQ_CST) || vm_stopping(v->vcpu->vm) ||
	    dv_wfi_wait(v, rdtime() + d->htimedelta, &ticks) == DV_WFI_RETURN)
		goto out;
	if (ticks != DV_WFI_FOREVER) {
		u64 ns = ticks > (1ULL << 33) ? ~0ULL >> 2 : ticks * 1000000000ULL / d->timebase;

		ts.tv_sec = ns / 1000000000ULL;
		ts.tv_nsec = ns % 1000000000ULL;
		tsp = &ts;
	}
	if (d->vpost && (!tsp || ts.tv_sec || ts.tv_nsec > DV_VPOST_WFI_NS)) {
		/* A V-mode post to us lands in the vCPU table and wakes nobody. */
		ts.tv_sec = 0;
		ts.tv_nsec = DV_VPOST_WFI_NS;
		tsp = &ts;
	}
	dv_stat_inc(v, DV_WFI_SLEEP);
	futex(&v->wake_seq, FUTEX_WAIT_PRIVATE, v->entry_seq, tsp);
out:
	__atomic_store_n(&v->waiting, 0, __ATOMIC_RELAXED);
	/* The exit stub enters the guest again without the run loop: this read
	 * comes before that HURET. (Exits handled in the stub leave entry_seq
	 * older than wake_seq; a WFI then returns at once, once.) */
	v->entry_seq = __atomic_load_n(&v->wake_seq, __ATOMIC_ACQUIRE);
}

/* Wake a vCPU for a post of VS interrupt irq (its vsie bit irq - 1), or for
 * anything (irq 0): a kick. A vCPU blocked with that interrupt disabled
 * sleeps on; the post stays pending for its next entry. */
static void wake(struct dv_vcpu *target, unsigned irq)
{
	if (irq && __atomic_load_n(&target->waiting, __ATOMIC_SEQ_CST) &&
	    !(__atomic_load_n(&target->wait_ie, __ATOMIC_SEQ_CST) & (1U << (irq - 1))))
		return;
	__atomic_add_fetch(&target->wake_seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&target->waiting, __ATOMIC_SEQ_CST)) {
		futex(&target->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL);
		if (dv_self && dv_self->v)
			dv_stat_inc(dv_self->v, DV_WAKE);
	}
}

/* SBI HSM suspend: the core's wait, on the vCPU's own thread. */
static void dv_vcpu_wfi(struct vcpu *vcpu)
{
	if (own_thread(vcpu->priv))
		dv_vcpu_block(vcpu->priv);
}

static void dv_vcpu_kick(struct vcpu *vcpu)
{
	struct dv_vcpu *v = vcpu->priv;

	__atomic_store_n(&v->kick, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->ctx.attn, 1, __ATOMIC_SEQ_CST); /* for the exit stub */
	wake(v, 0);
	if (__atomic_load_n(&v->tid, __ATOMIC_ACQUIRE))
		syscall(SYS_tgkill, getpid(), v->tid, KICK_SIG);
}

static int dv_get_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 *val)
{
	struct dv_vcpu *v = vcpu->priv;

	if (reg == VMM_REG_SATP || reg == VMM_REG_SSTATUS) {
		if (!own_thread(v) || v->need_reset)
			return -EINVAL;
		if (reg == VMM_REG_SATP)
			*val = dv_csr_read(DVEXT_CSR_HU_VSATP);
		else
			*val = dv_csr_read(DVEXT_CSR_HU_VSSTATUS);
	} else if (reg == VMM_REG_PC)
		*val = v->vpc;
	else if (reg == VMM_REG_MODE)
		*val = !!(v->vstatus & DVEXT_HU_VSTATUS_SPVP);
	else if (reg > 0 && reg < 32 && (v->ctx.full || !dv_reg_lazy(reg)))
		*val = *dv_reg(&v->ctx, reg);
	else
		return reg > 0 && reg < 32 ? -EBUSY : -EINVAL; /* s0..s11 in the hardware */
	return 0;
}

static int dv_set_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 val)
{
	struct dv_vcpu *v = vcpu->priv;

	if (reg == VMM_REG_SATP || reg == VMM_REG_SSTATUS) {
		if (!own_thread(v) || v->need_reset)
			return -EINVAL;
		if (reg == VMM_REG_SATP)
			dv_csr_write(DVEXT_CSR_HU_VSATP, val);
		else
			dv_csr_write(DVEXT_CSR_HU_VSSTATUS, val);
	} else if (reg == VMM_REG_PC)
		v->vpc = val;
	else if (reg == VMM_REG_MODE)
		v->vstatus = val ? DVEXT_HU_VSTATUS_SPVP : 0;
	else if (reg > 0 && reg < 32 && (v->ctx.full || !dv_reg_lazy(reg)))
		*dv_reg(&v->ctx, reg) = val;
	else
		return reg > 0 && reg < 32 ? -EBUSY : -EINVAL; /* s0..s11 in the hardware */
	return 0;
}

/* Post an interrupt to a vCPU from any thread, exitless on both sides. */
static int post(struct dv_vcpu *target, unsigned irq)
{
	struct dv_vm *d = target->vcpu->vm->priv;
	int err = register_thread(d, NULL);

	if (err)
		return err;
	irq_post_stamp_now();
	dv_csr_write(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(target->vcpu->id, irq));
	if (dv_self->v)
		dv_stat_inc(dv_self->v, DV_POST);
	else
		dv_stat_inc(target, DV_POST_IO); /* a device's I/O thread: counted at the target */
	wake(target, irq);
	return 0;
}

static int dv_set_irq(struct vcpu *vcpu, unsigned irq, bool level)
{
	struct dv_vcpu *v = vcpu->priv;
	bool self = own_thread(v);

	switch (irq) {
	case IRQ_S_EXT:
		__atomic_store_n(&v->ext_level, level, __ATOMIC_RELEASE);
		if (level)
			return post(v, DVEXT_IRQ_VSEI);
		/* Another hart's hvip is out of reach: its next entry syncs it. */
		if (self) {
			dv_csr_clear(DVEXT_CSR_HU_HVIP, HVIP_VSEIP);
			/* The same on this thread: a VSEI posted since the last
			 * entry (wake_seq moved) may sit in the vCPU table, which
			 * the stub's HURET would merge after this clear. */
			if (__atomic_load_n(&v->wake_seq, __ATOMIC_ACQUIRE) != v->entry_seq) {
				__atomic_store_n(&v->ext_lowered, 1, __ATOMIC_RELEASE);
				__atomic_store_n(&v->ctx.attn, 1, __ATOMIC_RELEASE);
			}
		} else {
			__atomic_store_n(&v->ext_lowered, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&v->ctx.attn, 1, __ATOMIC_RELEASE); /* dv_exit() */
		}
		return 0;
	case IRQ_S_SOFT:
		if (level)
			return post(v, DVEXT_IRQ_VSSI);
		if (self)
			dv_csr_clear(DVEXT_CSR_HU_HVIP, HVIP_VSSIP);
		return 0;
	default:
		return -ENOTSUP;
	}
}

static int dv_set_timer(struct vcpu *vcpu, u64 deadline)
{
	if (!own_thread(vcpu->priv))
		return -EINVAL; /* only a vCPU's own SBI call sets its timer */
	dv_csr_write(DVEXT_CSR_HU_VSTIMECMP, deadline);
	return 0;
}

/*
 * A remote fence: the target's guest translations must go. The model drops
 * them on every V change, so one exit of the target is enough: kick it. (The
 * call returns without waiting for that exit; see the report of issue 5.)
 */
static int dv_remote_fence(struct vcpu *vcpu, unsigned long fid, u64 start, u64 size, u64 asid)
{
	struct dv_vcpu *v = vcpu->priv;

	if (own_thread(v))
		return 0; /* our own translations went with this exit */
	dv_vcpu_kick(vcpu);
	return 0;
}

static int dv_vcpu_reset(struct vcpu *vcpu, bool boot)
{
	struct dv_vcpu *v = vcpu->priv;

	/* The whole register file is new: the exit stub must not store the
	 * s0..s11 left in the hardware over it (FULL). */
	memset(&v->ctx, 0, offsetof(struct dv_ctx, full));
	v->ctx.full = 1;
	v->vpc = 0;
	v->vstatus = DVEXT_HU_VSTATUS_SPVP;
	__atomic_store_n(&v->ext_level, 0, __ATOMIC_RELEASE);
	vcpu->exit.reason = VMM_EXIT_NONE;
	/* The guest CSRs live in the thread's hart state: its next run resets them. */
	v->need_reset = true;
	return 0;
}

const struct vmm_backend_ops dv_backend_ops = {
	.name = "duvisor",
	.max_vcpus = VMM_MAX_VCPUS,
	.max_mem = DUVISOR_MEM_MAX,
	.mem_note = "(the DV-driver's limit; one contiguous block from the host's CMA\n"
		    "                            area, cma= on its command line)",
	.hsm_in_backend = false,
	.vpost = true,
	.init = dv_init,
	.destroy = dv_destroy,
	.map = dv_map,
	.vcpu_init = dv_vcpu_init,
	.vcpu_destroy = dv_vcpu_destroy,
	.vcpu_run = dv_vcpu_run,
	.vcpu_kick = dv_vcpu_kick,
	.vcpu_wfi = dv_vcpu_wfi,
	.get_reg = dv_get_reg,
	.set_reg = dv_set_reg,
	.set_irq = dv_set_irq,
	.set_timer = dv_set_timer,
	.remote_fence = dv_remote_fence,
	.vcpu_reset = dv_vcpu_reset,
	.print_stats = dv_print_stats,
};
