// SPDX-License-Identifier: MIT
/* The exit table, the vCPU run loop, stopping, and hart state for SBI HSM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "vmm/err.h"
#include "vmm/sbi.h"
#include "vmm/vm.h"

const char *const vcpu_stat_names[STAT__NR] = {
	[STAT_EXIT_MMIO_READ] = "exit_mmio_read",
	[STAT_EXIT_MMIO_WRITE] = "exit_mmio_write",
	[STAT_EXIT_SBI] = "exit_sbi",
	[STAT_EXIT_SYSTEM] = "exit_system",
	[STAT_EXIT_NONE] = "exit_none",
	[STAT_MMIO_UNHANDLED] = "mmio_unhandled",
	[STAT_MMIO_BAD_ACCESS] = "mmio_bad_access",
	[STAT_SBI_UNSUPPORTED] = "sbi_unsupported",
	[STAT_SBI_LEGACY] = "sbi_legacy",
	[STAT_SBI_BASE] = "sbi_base",
	[STAT_SBI_TIME] = "sbi_time",
	[STAT_SBI_IPI] = "sbi_ipi",
	[STAT_SBI_RFENCE] = "sbi_rfence",
	[STAT_SBI_HSM] = "sbi_hsm",
	[STAT_SBI_SRST] = "sbi_srst",
	[STAT_SBI_DVB] = "sbi_dvb",
	[STAT_IRQ_RAISE] = "irq_raise",
	[STAT_IRQ_LOWER] = "irq_lower",
};

void vm_request_stop(struct vm *vm, enum vm_stop_kind kind, int status)
{
	bool first = false;

	pthread_mutex_lock(&vm->lock);
	if (vm->stop == VM_RUNNING) {
		vm->status = status;
		__atomic_store_n(&vm->stop, kind, __ATOMIC_RELEASE);
		first = true;
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (!first)
		return;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->ops && vm->ops->vcpu_kick && vm->vcpus[i].priv)
			vm->ops->vcpu_kick(&vm->vcpus[i]);
	if (vm->has_main_thread)
		pthread_kill(vm->main_thread, SIGUSR2);
}

static int exit_none(struct vcpu *vcpu)
{
	vcpu_stat_inc_own(vcpu, STAT_EXIT_NONE);
	return vm_stopping(vcpu->vm) ? VMM_STOP : VMM_RESUME;
}

static int exit_mmio(struct vcpu *vcpu)
{
	__typeof__(vcpu->exit.mmio) *m = &vcpu->exit.mmio;

	if (m->is_write)
		return vcpu_mmio_write(vcpu, m->addr, m->len, m->data);
	return vcpu_mmio_read(vcpu, m->addr, m->len, &m->data);
}

static int exit_sbi(struct vcpu *vcpu)
{
	__typeof__(vcpu->exit.sbi) *s = &vcpu->exit.sbi;
	struct sbi_call call = { .ext = s->ext, .fid = s->fid };
	int r;

	memcpy(call.args, s->args, sizeof(call.args));
	r = vcpu_sbi_call(vcpu, &call);
	if (r == VMM_RESTART)
		return VMM_RESUME; /* the exit stays cleared: nothing to complete */
	vcpu->exit.reason = VMM_EXIT_SBI;
	s->error = call.error;
	s->value = call.value;
	return r;
}

static int exit_system(struct vcpu *vcpu)
{
	__typeof__(vcpu->exit.system) *s = &vcpu->exit.system;

	vcpu_stat_inc_own(vcpu, STAT_EXIT_SYSTEM);
	if (s->type == VMM_SYSTEM_RESET)
		vm_request_stop(vcpu->vm, VM_STOP_RESET, 0);
	else if (s->type == VMM_SYSTEM_WARM_RESET)
		vm_request_stop(vcpu->vm, VM_STOP_PANIC, 1);
	else
		vm_request_stop(vcpu->vm, VM_STOP_SHUTDOWN, s->reason == 0 ? 0 : 1);
	return VMM_STOP;
}

static int exit_fail(struct vcpu *vcpu)
{
	vmm_warn("vcpu%u: the backend cannot run the guest (reason %#llx)", vcpu->id,
		 (unsigned long long)vcpu->exit.fail.code);
	vm_request_stop(vcpu->vm, VM_STOP_ERROR, 1);
	return VMM_STOP;
}

static int (*const exit_handlers[VMM_EXIT__NR])(struct vcpu *) = {
	[VMM_EXIT_NONE] = exit_none,	 [VMM_EXIT_MMIO] = exit_mmio, [VMM_EXIT_SBI] = exit_sbi,
	[VMM_EXIT_SYSTEM] = exit_system, [VMM_EXIT_FAIL] = exit_fail,
};

int vcpu_handle_exit(struct vcpu *vcpu)
{
	unsigned reason = vcpu->exit.reason;

	if (reason >= VMM_EXIT__NR || !exit_handlers[reason])
		return -EINVAL;
	return exit_handlers[reason](vcpu);
}

/* Lock held. Wait until another hart starts this one (or the VM stops), then
 * point it at the start address. */
static int wait_for_start(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	const struct vmm_backend_ops *ops = vm->ops;
	u64 addr, opaque;

	while (vcpu->hsm != HSM_START_PENDING && vm->stop == VM_RUNNING)
		pthread_cond_wait(&vm->cond, &vm->lock);
	if (vm->stop != VM_RUNNING)
		return VMM_STOP;
	addr = vcpu->start_addr;
	opaque = vcpu->start_opaque;
	vcpu->hsm = HSM_STARTED;
	pthread_mutex_unlock(&vm->lock);
	if (ops->vcpu_reset)
		ops->vcpu_reset(vcpu, false);
	ops->set_reg(vcpu, VMM_REG_MODE, 1);
	ops->set_reg(vcpu, VMM_REG_PC, addr);
	ops->set_reg(vcpu, VMM_REG_A0, vcpu->id);
	ops->set_reg(vcpu, VMM_REG_A1, opaque);
	vcpu->exit.reason = VMM_EXIT_NONE;
	pthread_mutex_lock(&vm->lock);
	return VMM_RESUME;
}

int vcpu_hsm_start(struct vcpu *target, u64 addr, u64 opaque)
{
	struct vm *vm = target->vm;
	int err = SBI_SUCCESS;

	if (!gmem_contains(&vm->mem, addr))
		return SBI_ERR_INVALID_ADDRESS;
	pthread_mutex_lock(&vm->lock);
	if (target->hsm != HSM_STOPPED) {
		err = SBI_ERR_ALREADY_AVAILABLE;
	} else {
		target->start_addr = addr;
		target->start_opaque = opaque;
		target->hsm = HSM_START_PENDING;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
	return err;
}

int vcpu_hsm_stop(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int r;

	pthread_mutex_lock(&vm->lock);
	if (vcpu->hsm != HSM_STARTED) {
		pthread_mutex_unlock(&vm->lock);
		return SBI_ERR_FAILED;
	}
	vcpu->hsm = HSM_STOPPED;
	pthread_cond_broadcast(&vm->cond);
	r = wait_for_start(vcpu);
	pthread_mutex_unlock(&vm->lock);
	return r;
}

int vcpu_hsm_status(struct vcpu *target)
{
	int s;

	pthread_mutex_lock(&target->vm->lock);
	s = target->hsm;
	pthread_mutex_unlock(&target->vm->lock);
	return s;
}

/*
 * SBI HSM HART_SUSPEND on the calling vCPU's thread (SBI spec, HSM chapter).
 * The hart is SUSPENDED until the backend's vcpu_wfi() returns: an interrupt
 * pending and enabled in sie (as for WFI), or an early wake the spec allows
 * (a platform event: a post of an interrupt, a kick). Retentive: the call
 * returns SUCCESS with every register intact. Non-retentive: the hart
 * resumes at addr in S mode with a0 = hart id, a1 = opaque, satp = 0 and
 * sstatus.SIE = 0, as after a start; sie, the timer and pending interrupts
 * stay as they were (OpenSBI 1.1 restores them too), the other registers are
 * undefined by the spec and left as they were. Bad types (reserved, or
 * platform-specific: we have none) are INVALID_PARAM, as SBI 2.0 words it.
 * Returns VMM_RESUME (the answer in *error, or the exit cleared for a
 * non-retentive resume), VMM_STOP, or -errno if the backend failed.
 */
int vcpu_hsm_suspend(struct vcpu *vcpu, u64 type, u64 addr, u64 opaque, s64 *error)
{
	struct vm *vm = vcpu->vm;
	const struct vmm_backend_ops *ops = vm->ops;
	bool retentive = type == SBI_HSM_SUSPEND_RET_DEFAULT;
	u64 sstatus = 0;
	int err = 0;

	if (!retentive && type != SBI_HSM_SUSPEND_NON_RET_DEFAULT) {
		*error = SBI_ERR_INVALID_PARAM;
		return VMM_RESUME;
	}
	if (!ops->vcpu_wfi) {
		*error = SBI_ERR_NOT_SUPPORTED;
		return VMM_RESUME;
	}
	if (!retentive && !gmem_contains(&vm->mem, addr)) {
		*error = SBI_ERR_INVALID_ADDRESS;
		return VMM_RESUME;
	}
	pthread_mutex_lock(&vm->lock);
	vcpu->hsm = HSM_SUSPENDED;
	pthread_mutex_unlock(&vm->lock);
	ops->vcpu_wfi(vcpu);
	pthread_mutex_lock(&vm->lock);
	vcpu->hsm = HSM_STARTED;
	pthread_mutex_unlock(&vm->lock);
	if (vm_stopping(vm))
		return VMM_STOP;
	*error = SBI_SUCCESS;
	if (retentive)
		return VMM_RESUME;
	err = ops->get_reg(vcpu, VMM_REG_SSTATUS, &sstatus);
	err = err ?: ops->set_reg(vcpu, VMM_REG_SSTATUS, sstatus & ~VMM_SSTATUS_SIE);
	err = err ?: ops->set_reg(vcpu, VMM_REG_SATP, 0);
	err = err ?: ops->set_reg(vcpu, VMM_REG_MODE, 1);
	err = err ?: ops->set_reg(vcpu, VMM_REG_PC, addr);
	err = err ?: ops->set_reg(vcpu, VMM_REG_A0, vcpu->id);
	err = err ?: ops->set_reg(vcpu, VMM_REG_A1, opaque);
	if (err)
		return vmm_error(-err, "vcpu%u: cannot resume from a non-retentive suspend: %s",
				 vcpu->id, strerror(-err));
	/* The hart restarts: the ecall's own return must not touch a0/a1/pc. */
	vcpu->exit.reason = VMM_EXIT_NONE;
	return VMM_RESUME;
}

void vm_plic_notify(void *opaque, unsigned ctx, bool level)
{
	struct vm *vm = opaque;
	struct vcpu *vcpu;

	if (ctx >= vm->nr_vcpus)
		return;
	vcpu = &vm->vcpus[ctx];
	vcpu_stat_inc(vcpu, level ? STAT_IRQ_RAISE : STAT_IRQ_LOWER);
	if (vm->ops->set_irq && vm->ops->set_irq(vcpu, IRQ_S_EXT, level))
		vmm_warn("vcpu%u: cannot %s the external interrupt", ctx,
			 level ? "raise" : "lower");
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	int r = VMM_RESUME;

	if (!vm->ops->hsm_in_backend) {
		pthread_mutex_lock(&vm->lock);
		/* START_PENDING too: hart 0 may start us before this thread runs. */
		if (vcpu->hsm != HSM_STARTED)
			r = wait_for_start(vcpu);
		pthread_mutex_unlock(&vm->lock);
	}
	while (r == VMM_RESUME && !vm_stopping(vm)) {
		r = vm->ops->vcpu_run(vcpu);
		if (r < 0) {
			/* The backend's own line when it wrote one (what the guest did). */
			if (vmm_has_error())
				vmm_warn("%s", vmm_last_error());
			else
				vmm_warn("vcpu%u: run failed: %s", vcpu->id, strerror(-r));
			break;
		}
		r = vcpu_handle_exit(vcpu);
	}
	if (r < 0)
		vm_request_stop(vm, VM_STOP_ERROR, 1);
	return NULL;
}
