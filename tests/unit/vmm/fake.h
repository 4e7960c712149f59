/* SPDX-License-Identifier: MIT */
/* A made-up backend and VM for unit tests of the VMM core on the build machine. */
#ifndef TEST_VMM_FAKE_H
#define TEST_VMM_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vm.h"

#define FAKE_RAM_SIZE (1ULL << 20)

struct fake_log {
	unsigned timer_calls;
	u64 timer_deadline;
	unsigned irq_calls;
	unsigned irq_vcpu[32], irq_num[32];
	bool irq_level[32];
	unsigned fence_calls;
	unsigned fence_mask;
	u64 regs[VMM_MAX_VCPUS][VMM_REG__NR];
	unsigned wfi_calls;
	int wfi_hold;	 /* vcpu_wfi waits for wfi_release (or a stop) */
	int wfi_release; /* set by the test to end a held wait */
};

static struct fake_log fake;

static int fake_set_timer(struct vcpu *vcpu, u64 deadline)
{
	fake.timer_calls++;
	fake.timer_deadline = deadline;
	return 0;
}

static int fake_set_irq(struct vcpu *vcpu, unsigned irq, bool level)
{
	if (fake.irq_calls < 32) {
		fake.irq_vcpu[fake.irq_calls] = vcpu->id;
		fake.irq_num[fake.irq_calls] = irq;
		fake.irq_level[fake.irq_calls] = level;
	}
	fake.irq_calls++;
	return 0;
}

static int fake_remote_fence(struct vcpu *vcpu, unsigned long fid, u64 start, u64 size, u64 asid)
{
	fake.fence_calls++;
	fake.fence_mask |= 1U << vcpu->id;
	return 0;
}

static int fake_set_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 val)
{
	fake.regs[vcpu->id][reg] = val;
	return 0;
}

static int fake_get_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 *val)
{
	*val = fake.regs[vcpu->id][reg];
	return 0;
}

/* The backend's WFI wait, for SBI HSM suspend: returns at once, or with
 * wfi_hold set only once the test sets wfi_release or the VM stops. */
static void fake_vcpu_wfi(struct vcpu *vcpu)
{
	__atomic_fetch_add(&fake.wfi_calls, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&fake.wfi_hold, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&fake.wfi_release, __ATOMIC_SEQ_CST) && !vm_stopping(vcpu->vm))
		usleep(100);
}

/* Runs "the guest" once: records where it would start, then stops the VM. */
static u64 fake_first_pc[VMM_MAX_VCPUS];

static int fake_vcpu_run(struct vcpu *vcpu)
{
	fake_first_pc[vcpu->id] = fake.regs[vcpu->id][VMM_REG_PC];
	vcpu->exit.reason = VMM_EXIT_NONE;
	vm_request_stop(vcpu->vm, VM_STOP_SHUTDOWN, 0);
	return 0;
}

static const struct vmm_backend_ops fake_ops = {
	.name = "fake",
	.max_vcpus = VMM_MAX_VCPUS,
	.set_timer = fake_set_timer,
	.set_irq = fake_set_irq,
	.remote_fence = fake_remote_fence,
	.set_reg = fake_set_reg,
	.get_reg = fake_get_reg,
	.vcpu_run = fake_vcpu_run,
	.vcpu_wfi = fake_vcpu_wfi,
};

static struct vm_config fake_cfg = { .append = "console=ttyS0 test", .nr_vcpus = 4 };

/* A VM with nr vCPUs and FAKE_RAM_SIZE of RAM at MM_RAM_BASE; no devices. */
static inline struct vm *fake_vm(unsigned nr)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	memset(&fake, 0, sizeof(fake));
	vm->ops = &fake_ops;
	vm->cfg = &fake_cfg;
	vm->nr_vcpus = nr;
	vm->out_fd = -1;
	vm->mem.base = MM_RAM_BASE;
	vm->mem.size = FAKE_RAM_SIZE;
	vm->mem.hva = calloc(1, FAKE_RAM_SIZE);
	vm->timebase_freq = 10000000;
	strcpy(vm->isa, "rv64imafdc");
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	for (unsigned i = 0; i < nr; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].hsm = i ? HSM_STOPPED : HSM_STARTED;
	}
	return vm;
}

static inline void fake_vm_free(struct vm *vm)
{
	free(vm->mem.hva);
	free(vm);
}

/* An irq_line target that records the last level per line. */
struct irq_rec {
	bool level[64];
	unsigned changes;
};

static inline void irq_rec_set(void *ctl, unsigned irq, bool level)
{
	struct irq_rec *r = ctl;

	r->level[irq % 64] = level;
	r->changes++;
}

#endif
