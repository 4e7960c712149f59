// SPDX-License-Identifier: MIT
/*
 * The KVM backend: Linux KVM runs the guest and keeps the timer, IPIs, remote
 * fences, HSM and SBI base in the kernel; MMIO, the legacy console, system
 * reset and our experimental SBI extension come out of KVM_RUN to the core.
 * MMIO and SBI exits go to the core's code (vcpu_mmio_read/write,
 * vcpu_sbi_call on kvm_run's riscv_sbi in place) and straight back into
 * KVM_RUN, as DuVisor's exit table does; the core's run loop sees the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "kvm.h"
#include "vmm/err.h"
#include "vmm/sbi.h"
#include "vmm/irq.h"
#include "vmm/vm.h"

/* kvm_run.riscv_sbi is a struct sbi_call: the core answers it in place. */
_Static_assert(offsetof(struct kvm_run, riscv_sbi.function_id) -
			       offsetof(struct kvm_run, riscv_sbi.extension_id) ==
		       offsetof(struct sbi_call, fid),
	       "riscv_sbi layout");
_Static_assert(offsetof(struct kvm_run, riscv_sbi.args) -
			       offsetof(struct kvm_run, riscv_sbi.extension_id) ==
		       offsetof(struct sbi_call, args),
	       "riscv_sbi layout");
_Static_assert(offsetof(struct kvm_run, riscv_sbi.ret) -
			       offsetof(struct kvm_run, riscv_sbi.extension_id) ==
		       offsetof(struct sbi_call, error),
	       "riscv_sbi layout");
_Static_assert(sizeof(((struct kvm_run *)0)->riscv_sbi) == sizeof(struct sbi_call),
	       "riscv_sbi layout");

#define KVM_DEV	 "/dev/kvm"
#define KICK_SIG SIGUSR1

/*
 * KVM-OPT user-level posting (baseline-kvm/kvm-opt/0002-*.patch; the build
 * host's uapi headers are vanilla): a thread registered post-only writes
 * hu_vitr itself and reads the target's "awake" byte in kvm_run.
 */
#ifndef KVM_RISCV_DVEXT_POST_ONLY
#define KVM_RISCV_DVEXT_POST_ONLY _IO(KVMIO, 0xdd)
#endif
#ifndef KVM_RISCV_DVEXT_RUN_AWAKE
#define KVM_RISCV_DVEXT_RUN_AWAKE 2
#endif
#define CSR_HU_VITR	  0x809
#define CSR_HU_HTIMEDELTA 0x84a
#define HU_VITR_VSEI	  (10ULL << 32)
_Static_assert(KVM_RISCV_DVEXT_RUN_AWAKE == offsetof(struct kvm_run, padding1),
	       "the awake flag is kvm_run's first padding byte");

struct kvm_vm {
	int kvm_fd, vm_fd;
	size_t run_size;
	bool upost; /* --vpost on a kernel with KVM_RISCV_DVEXT_POST_ONLY */
	/* The VM's guest-time offset as a post-only thread reads it (exact),
	 * and as read_time_delta() estimates it around an ioctl. */
	u64 upost_delta, est_delta;
};

struct kvm_vcpu {
	int fd;
	int stats_fd; /* KVM's binary statistics of this vCPU, or -1 */
	struct kvm_run *run;
	pthread_t tid;
	bool has_tid;
	/* External interrupts posted to this vCPU from user mode: enough
	 * alone, or followed by KVM_INTERRUPT (the vCPU was blocked). */
	u64 upost, upost_fallback;
};

/* This thread's post-only registration: 0 not yet, 1 registered, -1 never
 * (it runs a vCPU: KVM_RUN is refused to a post-only thread). */
static _Thread_local int upost_self;

static u64 reg_id(u64 type, u64 index)
{
	return KVM_REG_RISCV | KVM_REG_SIZE_U64 | type | index;
}

static int one_reg(struct vcpu *vcpu, bool set, u64 id, u64 *val)
{
	struct kvm_vcpu *kv = vcpu->priv;
	struct kvm_one_reg r = { .id = id, .addr = (u64)(uintptr_t)val };

	return ioctl(kv->fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r) ? -errno : 0;
}

static void kick_handler(int sig)
{
	(void)sig;
}

/* Guest RAM is mapped without reserve: more than the host has runs, until the
 * guest touches too much of it and the kernel kills the VMM. */
static void warn_host_ram(u64 mem)
{
	struct sysinfo si;
	u64 host;

	if (sysinfo(&si))
		return;
	host = (u64)si.totalram * si.mem_unit;
	if (mem > host)
		vmm_warn("warning: --mem %llu MiB is more than the host's %llu MiB of RAM; the "
			 "kernel kills the VMM if the guest touches too much of it",
			 (unsigned long long)(mem >> 20), (unsigned long long)(host >> 20));
}

static int kvm_init(struct vm *vm)
{
	struct kvm_vm *k = calloc(1, sizeof(*k));
	struct sigaction sa = { .sa_handler = kick_handler };
	int n;

	if (!k)
		return vmm_error(ENOMEM, "out of memory");
	k->vm_fd = -1;
	vm->priv = k;
	k->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0)
		return vmm_error(errno, "cannot open %s: %s (is KVM available in this kernel?)",
				 KVM_DEV, strerror(errno));
	if (ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return vmm_error(ENOTSUP, "%s: unsupported KVM API version", KVM_DEV);
	n = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (n > 0 && vm->nr_vcpus > (unsigned)n)
		return vmm_error(EINVAL, "KVM supports at most %d vCPUs, not %u", n, vm->nr_vcpus);
	warn_host_ram(vm->cfg->mem_size);
	vm->vpost = vm->cfg->vpost; /* checked by vmm_main: the device tree tells the guest */
	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0)
		return vmm_error(errno, "KVM_CREATE_VM: %s", strerror(errno));
	n = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (n <= 0)
		return vmm_error(errno, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	k->run_size = n;
	/* Probe: register this thread post-only and unregister it again; in
	 * between, its hart's htimedelta is the VM's (hu_htimedelta). */
	if (vm->vpost && !ioctl(k->vm_fd, KVM_RISCV_DVEXT_POST_ONLY, 1)) {
		__asm__ volatile("csrr %0, %1" : "=r"(k->upost_delta) : "i"(CSR_HU_HTIMEDELTA));
		k->upost = !ioctl(k->vm_fd, KVM_RISCV_DVEXT_POST_ONLY, 0);
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIG, &sa, NULL))
		return vmm_error(errno, "sigaction: %s", strerror(errno));
	return 0;
}

static void kvm_destroy(struct vm *vm)
{
	struct kvm_vm *k = vm->priv;

	if (!k)
		return;
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	free(k);
	vm->priv = NULL;
}

static int kvm_map(struct vm *vm, gpa_t gpa, hva_t hva, u64 size)
{
	struct kvm_vm *k = vm->priv;
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (u64)(uintptr_t)hva,
	};

	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return vmm_error(errno, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	return 0;
}

static int set_mp_state(struct vcpu *vcpu, bool runnable)
{
	struct kvm_vcpu *kv = vcpu->priv;
	struct kvm_mp_state mp = { .mp_state = runnable ? KVM_MP_STATE_RUNNABLE
							: KVM_MP_STATE_STOPPED };

	return ioctl(kv->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

/* The guest's ISA string for the device tree, from KVM's config register. */
static void read_isa(struct vcpu *vcpu)
{
	static const char order[] = "imafdc";
	struct vm *vm = vcpu->vm;
	u64 isa = 0, freq = 0;
	char *p = vm->isa + 4;

	if (!one_reg(vcpu, false, reg_id(KVM_REG_RISCV_CONFIG, KVM_REG_RISCV_CONFIG_REG(isa)),
		     &isa)) {
		strcpy(vm->isa, "rv64");
		for (const char *c = order; *c; c++)
			if (isa & (1ULL << (*c - 'a')))
				*p++ = *c;
		*p = 0;
	}
	if (!one_reg(vcpu, false, reg_id(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(frequency)),
		     &freq) &&
	    freq)
		vm->timebase_freq = freq;
}

/*
 * guest time - host time, for the doorbell's stamps (vmm/doorbell.c): KVM
 * fixes it when it creates the VM. The time register gives the guest's time
 * now; read between two reads of the host's, it is exact when those two are
 * in the same timer tick (100 ns on QEMU virt).
 */
static void read_time_delta(struct vcpu *vcpu)
{
	u64 h0, h1, g = 0;

	for (int i = 0; i < 16; i++) {
		__asm__ volatile("rdtime %0" : "=r"(h0));
		if (one_reg(vcpu, false, reg_id(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(time)),
			    &g))
			return;
		__asm__ volatile("rdtime %0" : "=r"(h1));
		vcpu->vm->guest_time_delta = g - h0 - (h1 - h0) / 2;
		if (h0 == h1)
			return;
	}
}

static int kvm_vcpu_init(struct vcpu *vcpu)
{
	struct kvm_vm *k = vcpu->vm->priv;
	struct kvm_vcpu *kv = calloc(1, sizeof(*kv));
	int err;

	if (!kv)
		return vmm_error(ENOMEM, "out of memory");
	kv->fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, vcpu->id);
	if (kv->fd < 0) {
		err = errno;
		free(kv);
		return vmm_error(err, "KVM_CREATE_VCPU %u: %s", vcpu->id, strerror(err));
	}
	kv->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
	if (kv->run == MAP_FAILED) {
		err = errno;
		close(kv->fd);
		free(kv);
		return vmm_error(err, "mmap of the vCPU %u run area: %s", vcpu->id, strerror(err));
	}
	vcpu->priv = kv;
	kv->stats_fd = ioctl(kv->fd, KVM_GET_STATS_FD, 0);
	if (vcpu->id == 0) {
		read_isa(vcpu);
		read_time_delta(vcpu);
		/* On kvm-opt with --vpost the kernel tells it exactly: the
		 * estimate is off by the ioctl's asymmetry (about a microsecond
		 * under icount), more than a user-level post takes. */
		k->est_delta = vcpu->vm->guest_time_delta;
		if (k->upost)
			vcpu->vm->guest_time_delta = k->upost_delta;
	}
	/* Secondary harts wait, powered off in KVM, for an SBI HSM start. */
	else if ((err = set_mp_state(vcpu, false)))
		return vmm_error(err, "KVM_SET_MP_STATE vCPU %u: %s", vcpu->id, strerror(-err));
	return 0;
}

static void kvm_vcpu_destroy(struct vcpu *vcpu)
{
	struct kvm_vcpu *kv = vcpu->priv;
	struct kvm_vm *k = vcpu->vm->priv;

	munmap(kv->run, k->run_size);
	if (kv->stats_fd >= 0)
		close(kv->stats_fd);
	close(kv->fd);
	free(kv);
	vcpu->priv = NULL;
}

/* Hand the core's answer to the last exit back to KVM, which finishes the
 * instruction on the next KVM_RUN. */
static void complete_exit(struct vcpu *vcpu, struct kvm_run *run)
{
	struct vmm_exit *e = &vcpu->exit;

	switch (e->reason) {
	case VMM_EXIT_MMIO:
		if (!e->mmio.is_write)
			memcpy(run->mmio.data, &e->mmio.data, e->mmio.len);
		break;
	case VMM_EXIT_SBI:
		run->riscv_sbi.ret[0] = e->sbi.error;
		run->riscv_sbi.ret[1] = e->sbi.value;
		break;
	default:
		break;
	}
	e->reason = VMM_EXIT_NONE;
}

/*
 * KVM reports both SRST reboots as one KVM_SYSTEM_EVENT_RESET; the guest's
 * registers still hold the call (KVM leaves a0 alone on an exit to user
 * space): a warm one is a Linux Image guest's panic (VM_LINUX_PANIC_ARGS).
 */
static bool srst_warm(struct vcpu *vcpu)
{
	u64 a0, a7;

	return !one_reg(vcpu, false, reg_id(KVM_REG_RISCV_CORE, VMM_REG_A7), &a7) &&
	       !one_reg(vcpu, false, reg_id(KVM_REG_RISCV_CORE, VMM_REG_A0), &a0) &&
	       a7 == SBI_EXT_SRST && a0 == SBI_SRST_WARM_REBOOT;
}

/* KVM_RUN failed: say what the guest did, where, if it was the guest. */
static int run_failed(struct vcpu *vcpu, int err)
{
	char line[320];
	u64 pc = 0, satp = 0;
	u32 insn = 0;
	bool have_insn;

	if (one_reg(vcpu, false, reg_id(KVM_REG_RISCV_CORE, VMM_REG_PC), &pc))
		return vmm_error(err, "vcpu%u: KVM_RUN: %s", vcpu->id, strerror(err));
	have_insn = !one_reg(vcpu, false, reg_id(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_REG(satp)),
			     &satp) &&
		    !gw_fetch(&vcpu->vm->mem, satp, pc, &insn);
	if (kvm_describe_stop(line, sizeof(line), vcpu->id, err, pc, have_insn, insn))
		return vmm_error(err, "vcpu%u: KVM_RUN at guest pc %#llx: %s", vcpu->id,
				 (unsigned long long)pc, strerror(err));
	return vmm_error(err, "%s", line);
}

/* An MMIO exit, answered in kvm_run for the next KVM_RUN: VMM_RESUME,
 * VMM_STOP or -errno. data[] is 8 bytes (little-endian); KVM uses len. */
static int kvm_mmio(struct vcpu *vcpu, struct kvm_run *run)
{
	u64 val;
	int r;

	if (run->mmio.is_write) {
		memcpy(&val, run->mmio.data, sizeof(val)); /* the bus masks it to len */
		return vcpu_mmio_write(vcpu, run->mmio.phys_addr, run->mmio.len, val);
	}
	r = vcpu_mmio_read(vcpu, run->mmio.phys_addr, run->mmio.len, &val);
	memcpy(run->mmio.data, &val, sizeof(val));
	return r;
}

static int kvm_vcpu_run(struct vcpu *vcpu)
{
	struct kvm_vcpu *kv = vcpu->priv;
	struct kvm_run *run = kv->run;
	struct vmm_exit *e = &vcpu->exit;
	int r;

	if (!kv->has_tid) {
		kv->tid = pthread_self();
		__atomic_store_n(&kv->has_tid, true, __ATOMIC_RELEASE);
	}
	if (upost_self == 1) /* it posted before it ran a vCPU */
		ioctl(((struct kvm_vm *)vcpu->vm->priv)->vm_fd, KVM_RISCV_DVEXT_POST_ONLY, 0);
	upost_self = -1;
	complete_exit(vcpu, run);
again:
	if (vm_stopping(vcpu->vm))
		return 0;
	if (ioctl(kv->fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		return run_failed(vcpu, errno);
	}
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		r = kvm_mmio(vcpu, run);
		if (r == VMM_RESUME)
			goto again;
		return r < 0 ? r : 0;
	case KVM_EXIT_RISCV_SBI:
		/* HSM is KVM's: no call here restarts the hart (VMM_RESTART) */
		r = vcpu_sbi_call(vcpu, (struct sbi_call *)&run->riscv_sbi);
		if (r == VMM_RESUME)
			goto again;
		return r < 0 ? r : 0;
	case KVM_EXIT_SYSTEM_EVENT:
		e->reason = VMM_EXIT_SYSTEM;
		if (run->system_event.type != KVM_SYSTEM_EVENT_RESET)
			e->system.type = VMM_SYSTEM_SHUTDOWN;
		else if (srst_warm(vcpu))
			e->system.type = VMM_SYSTEM_WARM_RESET;
		else
			e->system.type = VMM_SYSTEM_RESET;
		e->system.reason = run->system_event.ndata ? run->system_event.data[0] : 0;
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = VMM_EXIT_FAIL;
		e->fail.code = run->fail_entry.hardware_entry_failure_reason;
		break;
	default:
		e->reason = VMM_EXIT_FAIL;
		e->fail.code = run->exit_reason;
		break;
	}
	return 0;
}

static void kvm_vcpu_kick(struct vcpu *vcpu)
{
	struct kvm_vcpu *kv = vcpu->priv;

	/* immediate_exit covers a kick that lands before the thread enters
	 * KVM_RUN; the signal covers one that is already inside. */
	__atomic_store_n(&kv->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&kv->has_tid, __ATOMIC_ACQUIRE))
		pthread_kill(kv->tid, KICK_SIG);
}

/* pc, x1..x31 and mode are KVM's core registers; satp and sstatus CSRs. */
static u64 kvm_reg_id(enum vmm_reg reg)
{
	if (reg == VMM_REG_SATP)
		return reg_id(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_REG(satp));
	if (reg == VMM_REG_SSTATUS)
		return reg_id(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_REG(sstatus));
	return reg_id(KVM_REG_RISCV_CORE, reg);
}

static int kvm_get_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 *val)
{
	if (reg >= VMM_REG__NR)
		return -EINVAL;
	return one_reg(vcpu, false, kvm_reg_id(reg), val);
}

static int kvm_set_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 val)
{
	if (reg >= VMM_REG__NR)
		return -EINVAL;
	return one_reg(vcpu, true, kvm_reg_id(reg), &val);
}

/*
 * KVM-OPT: raise the external line from user mode, as DuVisor's I/O
 * threads do: write hu_vitr (the kernel's table of this VM, loaded at this
 * thread's switch-in), fence, read the target's "awake" flag. Set: the bit
 * is in its hart's hvip or in the table, which the vCPU takes at its next
 * entry or exit or sees before it blocks; done. Clear: the vCPU is blocked
 * in WFI, so the caller goes on with KVM_INTERRUPT, which posts again and
 * wakes it. False also when this thread cannot post from user mode (not
 * --vpost, an old kernel, a vCPU thread).
 */
static bool user_post(struct vcpu *vcpu, bool *posted)
{
	struct kvm_vm *k = vcpu->vm->priv;
	struct kvm_vcpu *kv = vcpu->priv;

	*posted = false;
	if (!k->upost || upost_self < 0)
		return false;
	if (!upost_self) {
		if (ioctl(k->vm_fd, KVM_RISCV_DVEXT_POST_ONLY, 1)) {
			upost_self = -1;
			return false;
		}
		upost_self = 1;
	}
	irq_post_stamp_now();
	__asm__ volatile("csrw %0, %1\n\tfence rw, rw"
			 :
			 : "i"(CSR_HU_VITR), "r"(HU_VITR_VSEI | vcpu->id)
			 : "memory");
	*posted = true;
	if (__atomic_load_n((u8 *)kv->run + KVM_RISCV_DVEXT_RUN_AWAKE, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&kv->upost, 1, __ATOMIC_RELAXED);
		return true;
	}
	__atomic_fetch_add(&kv->upost_fallback, 1, __ATOMIC_RELAXED);
	return false;
}

static int kvm_set_irq(struct vcpu *vcpu, unsigned irq, bool level)
{
	struct kvm_vcpu *kv = vcpu->priv;
	struct kvm_interrupt i = { .irq = level ? KVM_INTERRUPT_SET : KVM_INTERRUPT_UNSET };
	bool posted = false;

	/* KVM keeps software and timer interrupts itself; only the external
	 * line comes from user space. KVM_INTERRUPT is a vCPU-async ioctl. */
	if (irq != IRQ_S_EXT)
		return -ENOTSUP;
	if (level && user_post(vcpu, &posted))
		return 0;
	if (!posted) /* a fallback keeps the stamp of its user-level post */
		irq_post_stamp_now();
	return ioctl(kv->fd, KVM_INTERRUPT, &i) ? -errno : 0;
}

static int kvm_vcpu_reset(struct vcpu *vcpu, bool boot)
{
	struct kvm_vcpu *kv = vcpu->priv;
	static const size_t csrs[] = {
		KVM_REG_RISCV_CSR_REG(sstatus), KVM_REG_RISCV_CSR_REG(sie),
		KVM_REG_RISCV_CSR_REG(stvec),	KVM_REG_RISCV_CSR_REG(sscratch),
		KVM_REG_RISCV_CSR_REG(sepc),	KVM_REG_RISCV_CSR_REG(scause),
		KVM_REG_RISCV_CSR_REG(stval),	KVM_REG_RISCV_CSR_REG(sip),
		KVM_REG_RISCV_CSR_REG(satp),	KVM_REG_RISCV_CSR_REG(scounteren),
	};
	u64 zero = 0, never = ~0ULL, off = KVM_RISCV_TIMER_STATE_OFF;
	int err = 0;

	for (unsigned r = VMM_REG_PC; r < VMM_REG_MODE; r++)
		err = err ?: one_reg(vcpu, true, reg_id(KVM_REG_RISCV_CORE, r), &zero);
	err = err ?: kvm_set_reg(vcpu, VMM_REG_MODE, KVM_RISCV_MODE_S);
	for (unsigned i = 0; i < ARRAY_SIZE(csrs); i++)
		err = err ?: one_reg(vcpu, true, reg_id(KVM_REG_RISCV_CSR, csrs[i]), &zero);
	if (!err)
		err = one_reg(vcpu, true,
			      reg_id(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(compare)),
			      &never);
	/* Cancelling a timer that was never set fails with EINVAL: harmless. */
	one_reg(vcpu, true, reg_id(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(state)), &off);
	kvm_set_irq(vcpu, IRQ_S_EXT, false);
	err = err ?: set_mp_state(vcpu, boot);
	/* The next run loop is a new thread. */
	kv->run->immediate_exit = 0;
	__atomic_store_n(&kv->has_tid, false, __ATOMIC_RELEASE);
	vcpu->exit.reason = VMM_EXIT_NONE;
	if (err)
		return vmm_error(err, "cannot reset vCPU %u: %s", vcpu->id, strerror(-err));
	return 0;
}

/* KVM's own per-vCPU counters (exits handled in the kernel too), read from
 * the binary statistics file of each vCPU: cumulative counters only. */
#define MAX_STATS 64

struct kvm_stat_set {
	unsigned n;
	char names[MAX_STATS][48];
	u64 val[MAX_STATS];
};

static void read_stats(int fd, struct kvm_stat_set *set)
{
	struct kvm_stats_header h;
	u8 buf[8192];
	size_t dsz;

	set->n = 0;
	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return;
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	if (h.num_desc == 0 || dsz * h.num_desc > sizeof(buf) ||
	    pread(fd, buf, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		return;
	for (unsigned i = 0; i < h.num_desc && set->n < MAX_STATS; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(buf + i * dsz);
		u64 v;

		if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1 ||
		    pread(fd, &v, 8, h.data_offset + d->offset) != 8)
			continue;
		snprintf(set->names[set->n], sizeof(set->names[0]), "%.*s", (int)h.name_size,
			 d->name);
		set->val[set->n++] = v;
	}
}

static void print_upost(struct vm *vm, int fd, const char *name, size_t off)
{
	u64 total = 0;

	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		total +=
			__atomic_load_n((u64 *)((char *)vm->vcpus[i].priv + off), __ATOMIC_RELAXED);
	dprintf(fd, "stats: kvm-opt.%s total=%llu", name, (unsigned long long)total);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		dprintf(fd, " vcpu%u=%llu", i,
			(unsigned long long)__atomic_load_n(
				(u64 *)((char *)vm->vcpus[i].priv + off), __ATOMIC_RELAXED));
	dprintf(fd, "\n");
}

static void kvm_print_stats(struct vm *vm, int fd)
{
	static struct kvm_stat_set sets[VMM_MAX_VCPUS];
	struct kvm_vm *k = vm->priv;

	/* User-level posts of the external line (KVM-OPT, --vpost) */
	if (k->upost) {
		dprintf(fd, "stats: kvm-opt.time_delta exact=%lld estimated=%lld\n",
			(long long)k->upost_delta, (long long)k->est_delta);
		print_upost(vm, fd, "user_post", offsetof(struct kvm_vcpu, upost));
		print_upost(vm, fd, "user_post_fallback",
			    offsetof(struct kvm_vcpu, upost_fallback));
	}

	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		read_stats(((struct kvm_vcpu *)vm->vcpus[i].priv)->stats_fd, &sets[i]);
	for (unsigned s = 0; s < sets[0].n; s++) {
		u64 total = 0;

		for (unsigned i = 0; i < vm->nr_vcpus; i++)
			total += s < sets[i].n ? sets[i].val[s] : 0;
		dprintf(fd, "stats: kvm.%s total=%llu", sets[0].names[s],
			(unsigned long long)total);
		for (unsigned i = 0; i < vm->nr_vcpus; i++)
			dprintf(fd, " vcpu%u=%llu", i,
				(unsigned long long)(s < sets[i].n ? sets[i].val[s] : 0));
		dprintf(fd, "\n");
	}
}

/*
 * KVM-OPT (the patches in baseline-kvm/kvm-opt): the host kernel posts VSSI/VSEI
 * through DV-Ext and lets the guest write hu_vitr from V mode. Its module
 * parameter reads Y only when that is on.
 */
#define KVM_OPT_PARAM "/sys/module/kvm/parameters/dvext_post"

static bool kvm_vpost_available(void)
{
	char c = 0;
	int fd = open(KVM_OPT_PARAM, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

const struct vmm_backend_ops kvm_backend_ops = {
	.name = "kvm",
	.max_vcpus = VMM_MAX_VCPUS,
	.mem_note = "(the memory map's limit; more than the host's RAM runs, with a warning)",
	.hsm_in_backend = true,
	.vpost = true,
	.vpost_available = kvm_vpost_available,
	.init = kvm_init,
	.destroy = kvm_destroy,
	.map = kvm_map,
	.vcpu_init = kvm_vcpu_init,
	.vcpu_destroy = kvm_vcpu_destroy,
	.vcpu_run = kvm_vcpu_run,
	.vcpu_kick = kvm_vcpu_kick,
	.get_reg = kvm_get_reg,
	.set_reg = kvm_set_reg,
	.set_irq = kvm_set_irq,
	.vcpu_reset = kvm_vcpu_reset,
	.print_stats = kvm_print_stats,
};
