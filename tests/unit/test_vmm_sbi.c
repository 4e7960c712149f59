// SPDX-License-Identifier: MIT
/* SBI dispatch and each extension, and the exit table, with a made-up backend
 * and fabricated exits: no hypervisor needed. */
#include "fake.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "vmm/devices.h"
#include "vmm/sbi.h"

static struct vm *vm;

static int setup(void **state)
{
	vm = fake_vm(4);
	return 0;
}

static int teardown(void **state)
{
	fake_vm_free(vm);
	return 0;
}

static struct sbi_call call(u64 ext, u64 fid, u64 a0, u64 a1, u64 a2)
{
	return (struct sbi_call){ .ext = ext, .fid = fid, .args = { a0, a1, a2 } };
}

static int run(struct sbi_call *c)
{
	return sbi_dispatch(&vm->vcpus[0], c);
}

static void base(void **state)
{
	struct sbi_call c = call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);

	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(c.value, SBI_SPEC_VERSION);
	c = call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	run(&c);
	assert_int_equal(c.value, SBI_IMPL_ID);
	c = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_HSM, 0, 0);
	run(&c);
	assert_int_equal(c.value, 1);
	c = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, 0x12345678, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(c.value, 0);
	c = call(SBI_EXT_BASE, 99, 0, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(vm->vcpus[0].stat[STAT_SBI_BASE], 5);
}

static void unknown(void **state)
{
	struct sbi_call c = call(0x0a000000, 0, 0, 0, 0);

	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(vm->vcpus[0].stat[STAT_SBI_UNSUPPORTED], 1);
	c = call(SBI_EXT_TIME, 7, 0, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(vm->vcpus[0].stat[STAT_SBI_UNSUPPORTED], 2);
	assert_int_equal(fake.timer_calls, 0);
}

static void time_ext(void **state)
{
	struct sbi_call c = call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 123456, 0, 0);

	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(fake.timer_calls, 1);
	assert_int_equal(fake.timer_deadline, 123456);
	c = call(SBI_EXT_LEGACY_SET_TIMER, 0, 777, 0, 0);
	run(&c);
	assert_int_equal(fake.timer_deadline, 777);
}

static void ipi(void **state)
{
	struct sbi_call c = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x5, 0, 0);

	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(fake.irq_calls, 2);
	assert_int_equal(fake.irq_vcpu[0], 0);
	assert_int_equal(fake.irq_vcpu[1], 2);
	assert_int_equal(fake.irq_num[1], IRQ_S_SOFT);
	assert_true(fake.irq_level[1]);
	c = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x1, 3, 0); /* base 3: hart 3 */
	run(&c);
	assert_int_equal(fake.irq_vcpu[2], 3);
	c = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, ~0ULL, 0); /* all */
	run(&c);
	assert_int_equal(fake.irq_calls, 7);
	c = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x10, 0, 0); /* hart 4 does not exist */
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	c = call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 9, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	assert_int_equal(fake.irq_calls, 7);
}

static void rfence(void **state)
{
	struct sbi_call c = call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 0x6, 0, 0);

	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(fake.fence_calls, 2);
	assert_int_equal(fake.fence_mask, 0x6);
	c = call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA, 1, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
}

static void legacy(void **state)
{
	int pfd[2];
	char ch = 0;
	u64 mask = 0x8;
	struct sbi_call c;

	assert_int_equal(pipe2(pfd, O_NONBLOCK), 0);
	vm->out_fd = pfd[1];
	c = call(SBI_EXT_LEGACY_PUTCHAR, 0, 'Q', 0, 0);
	run(&c);
	assert_int_equal(c.error, 0);
	assert_int_equal(read(pfd[0], &ch, 1), 1);
	assert_int_equal(ch, 'Q');
	c = call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0);
	run(&c);
	assert_int_equal(c.error, -1);
	/* The hart mask is read from guest memory... */
	memcpy(vm->mem.hva + 0x100, &mask, 8);
	c = call(SBI_EXT_LEGACY_SEND_IPI, 0, MM_RAM_BASE + 0x100, 0, 0);
	run(&c);
	assert_int_equal(c.error, 0);
	assert_int_equal(fake.irq_vcpu[0], 3);
	/* ...and must be in RAM. */
	c = call(SBI_EXT_LEGACY_SEND_IPI, 0, 0x1000, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_ADDRESS);
	c = call(SBI_EXT_LEGACY_SEND_IPI, 0, MM_RAM_BASE + FAKE_RAM_SIZE - 4, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_ADDRESS);
	assert_int_equal(vm->vcpus[0].stat[STAT_SBI_LEGACY], 5);
	close(pfd[0]);
	close(pfd[1]);
}

static void hsm(void **state)
{
	struct sbi_call c = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 2, 0, 0);

	run(&c);
	assert_int_equal(c.error, 0);
	assert_int_equal(c.value, HSM_STOPPED);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 2, MM_RAM_BASE + 0x1000, 0xabc);
	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(vm->vcpus[2].hsm, HSM_START_PENDING);
	assert_int_equal(vm->vcpus[2].start_addr, MM_RAM_BASE + 0x1000);
	assert_int_equal(vm->vcpus[2].start_opaque, 0xabc);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 2, MM_RAM_BASE, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_ALREADY_AVAILABLE);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 0, MM_RAM_BASE, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_ALREADY_AVAILABLE);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 3, 0x1000, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_ADDRESS);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 4, MM_RAM_BASE, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 99, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	c = call(SBI_EXT_HSM, 4, 0, 0, 0);
	run(&c);
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
}

/* ---- HSM suspend ---- */

/* Reserved and platform-specific types (we implement none) are refused
 * before the hart suspends. */
static void hsm_suspend_bad_types(void **state)
{
	static const u64 bad[] = { 1,	       0x0fffffff, 0x10000000, 0x7fffffff, 0x80000001,
				   0x8fffffff, 0x90000000, 0xffffffff, 1ULL << 32, ~0ULL };

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sbi_call c = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, bad[i], MM_RAM_BASE, 0);

		assert_int_equal(run(&c), VMM_RESUME);
		assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	}
	assert_int_equal(fake.wfi_calls, 0);
	assert_int_equal(vcpu_hsm_status(&vm->vcpus[0]), HSM_STARTED);
}

/* Retentive: one wait, then SUCCESS; no register touched, the ecall's own
 * return (a0, pc + 4) left to the backend. The address is ignored. */
static void hsm_suspend_retentive(void **state)
{
	struct sbi_call c =
		call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0x1000, 7);
	u64 before[VMM_REG__NR];

	for (unsigned r = 0; r < VMM_REG__NR; r++)
		fake.regs[0][r] = 0x1000 + r;
	memcpy(before, fake.regs[0], sizeof(before));
	vm->vcpus[0].exit.reason = VMM_EXIT_SBI;
	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.error, SBI_SUCCESS);
	assert_int_equal(fake.wfi_calls, 1);
	assert_memory_equal(before, fake.regs[0], sizeof(before));
	assert_int_equal(vm->vcpus[0].exit.reason, VMM_EXIT_SBI);
	assert_int_equal(vcpu_hsm_status(&vm->vcpus[0]), HSM_STARTED);
}

/* Non-retentive: resumes at the address with a0 = hart id, a1 = opaque,
 * satp = 0, sstatus.SIE = 0 (its other bits kept), in S mode; the exit is
 * cleared so that the backend does not complete the ecall over it. */
static void hsm_suspend_non_retentive(void **state)
{
	struct sbi_call c =
		call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT, 0x1000, 0);

	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.error, SBI_ERR_INVALID_ADDRESS);
	assert_int_equal(fake.wfi_calls, 0);
	fake.regs[2][VMM_REG_SSTATUS] = 0x6122; /* FS, SPP, SPIE, SIE */
	fake.regs[2][VMM_REG_SATP] = 0x8000000000080123ULL;
	fake.regs[2][VMM_REG_MODE] = 0;
	fake.regs[2][VMM_REG_A0] = fake.regs[2][VMM_REG_A1] = 0x5555;
	vm->vcpus[2].hsm = HSM_STARTED;
	vm->vcpus[2].exit.reason = VMM_EXIT_SBI;
	c = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT,
		 MM_RAM_BASE + 0x200, 0xfeed);
	assert_int_equal(sbi_dispatch(&vm->vcpus[2], &c), VMM_RESUME);
	assert_int_equal(fake.wfi_calls, 1);
	assert_int_equal(fake.regs[2][VMM_REG_PC], MM_RAM_BASE + 0x200);
	assert_int_equal(fake.regs[2][VMM_REG_A0], 2);
	assert_int_equal(fake.regs[2][VMM_REG_A1], 0xfeed);
	assert_int_equal(fake.regs[2][VMM_REG_MODE], 1);
	assert_int_equal(fake.regs[2][VMM_REG_SATP], 0);
	assert_int_equal(fake.regs[2][VMM_REG_SSTATUS], 0x6120);
	assert_int_equal(vm->vcpus[2].exit.reason, VMM_EXIT_NONE);
	assert_int_equal(vcpu_hsm_status(&vm->vcpus[2]), HSM_STARTED);
}

static struct sbi_call suspend_call;
static struct vcpu *suspender;

static void *suspend_thread(void *arg)
{
	suspender->exit.reason = VMM_EXIT_SBI;
	return (void *)(long)sbi_dispatch(suspender, &suspend_call);
}

/* With 1, 2 and 4 vCPUs: the last hart suspends (either type); meanwhile
 * HART_GET_STATUS from hart 0 (or, alone, the core's view) says SUSPENDED
 * and a start is refused; an interrupt ends it. */
static void suspend_in_vm_of(unsigned n, u64 type)
{
	struct vm *v = fake_vm(n);
	struct vm *saved = vm;
	struct sbi_call c;
	pthread_t t;
	void *ret;

	vm = v;
	suspender = &vm->vcpus[n - 1];
	suspender->hsm = HSM_STARTED;
	fake.wfi_hold = 1;
	suspend_call = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, type, MM_RAM_BASE + 0x40, 9);
	pthread_create(&t, NULL, suspend_thread, NULL);
	while (vcpu_hsm_status(suspender) != HSM_SUSPENDED)
		usleep(100);
	if (n > 1) {
		c = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, n - 1, 0, 0);
		run(&c);
		assert_int_equal(c.error, SBI_SUCCESS);
		assert_int_equal(c.value, HSM_SUSPENDED);
		c = call(SBI_EXT_HSM, SBI_HSM_HART_START, n - 1, MM_RAM_BASE, 0);
		run(&c);
		assert_int_equal(c.error, SBI_ERR_ALREADY_AVAILABLE);
	}
	__atomic_store_n(&fake.wfi_release, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, VMM_RESUME);
	assert_int_equal(vcpu_hsm_status(suspender), HSM_STARTED);
	if (type == SBI_HSM_SUSPEND_RET_DEFAULT) {
		assert_int_equal(suspend_call.error, SBI_SUCCESS);
		assert_int_equal(suspender->exit.reason, VMM_EXIT_SBI);
	} else {
		assert_int_equal(fake.regs[n - 1][VMM_REG_PC], MM_RAM_BASE + 0x40);
		assert_int_equal(fake.regs[n - 1][VMM_REG_A0], n - 1);
		assert_int_equal(fake.regs[n - 1][VMM_REG_A1], 9);
		assert_int_equal(suspender->exit.reason, VMM_EXIT_NONE);
	}
	vm = saved;
	fake_vm_free(v);
}

static void hsm_suspend_status_1_2_4(void **state)
{
	static const unsigned counts[] = { 1, 2, 4 };

	for (unsigned i = 0; i < ARRAY_SIZE(counts); i++) {
		suspend_in_vm_of(counts[i], SBI_HSM_SUSPEND_RET_DEFAULT);
		suspend_in_vm_of(counts[i], SBI_HSM_SUSPEND_NON_RET_DEFAULT);
	}
}

/* A VM that stops while a hart is suspended: the wait ends, VMM_STOP. */
static void hsm_suspend_then_stop(void **state)
{
	pthread_t t;
	void *ret;

	suspender = &vm->vcpus[1];
	suspender->hsm = HSM_STARTED;
	fake.wfi_hold = 1;
	suspend_call = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0, 0, 0);
	pthread_create(&t, NULL, suspend_thread, NULL);
	while (vcpu_hsm_status(suspender) != HSM_SUSPENDED)
		usleep(100);
	vm_request_stop(vm, VM_STOP_SHUTDOWN, 0);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, VMM_STOP);
}

/* A backend that cannot wait for an interrupt does not offer suspend. */
static void hsm_suspend_needs_a_backend_wait(void **state)
{
	struct vmm_backend_ops ops = fake_ops;
	struct sbi_call c = call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0, 0, 0);

	ops.vcpu_wfi = NULL;
	vm->ops = &ops;
	run(&c);
	vm->ops = &fake_ops;
	assert_int_equal(c.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(fake.wfi_calls, 0);
}

/* A stopped hart restarts at the address another hart gives it. */
static void *stop_self(void *arg)
{
	struct sbi_call c = call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);

	vm->vcpus[1].exit.reason = VMM_EXIT_SBI;
	return (void *)(long)sbi_dispatch(&vm->vcpus[1], &c);
}

static void hsm_stop_start(void **state)
{
	pthread_t t;
	void *ret;
	struct sbi_call c;

	vm->vcpus[1].hsm = HSM_STARTED;
	pthread_create(&t, NULL, stop_self, NULL);
	while (vcpu_hsm_status(&vm->vcpus[1]) != HSM_STOPPED)
		usleep(1000);
	c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, MM_RAM_BASE + 0x40, 0x77);
	run(&c);
	assert_int_equal(c.error, SBI_SUCCESS);
	pthread_join(t, &ret);
	assert_int_equal((long)ret, VMM_RESUME);
	assert_int_equal(vm->vcpus[1].hsm, HSM_STARTED);
	assert_int_equal(fake.regs[1][VMM_REG_PC], MM_RAM_BASE + 0x40);
	assert_int_equal(fake.regs[1][VMM_REG_A0], 1);
	assert_int_equal(fake.regs[1][VMM_REG_A1], 0x77);
	/* The ecall's own return must not overwrite a0/a1. */
	assert_int_equal(vm->vcpus[1].exit.reason, VMM_EXIT_NONE);
}

/* A hart started before its thread first runs still begins at the start
 * address (the race DuVisor's harts=4 run found). */
static void hsm_start_before_thread(void **state)
{
	struct sbi_call c = call(SBI_EXT_HSM, SBI_HSM_HART_START, 3, MM_RAM_BASE + 0x80, 0x5);
	pthread_t t;

	run(&c);
	assert_int_equal(vm->vcpus[3].hsm, HSM_START_PENDING);
	pthread_create(&t, NULL, vcpu_thread, &vm->vcpus[3]);
	pthread_join(t, NULL);
	assert_int_equal(fake_first_pc[3], MM_RAM_BASE + 0x80);
	assert_int_equal(fake.regs[3][VMM_REG_A1], 0x5);
	assert_int_equal(vm->vcpus[3].hsm, HSM_STARTED);
}

static void srst(void **state)
{
	struct sbi_call c = call(SBI_EXT_SRST, SBI_SRST_RESET, 9, 0, 0);

	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.error, SBI_ERR_INVALID_PARAM);
	assert_false(vm_stopping(vm));
	c = call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
	assert_int_equal(run(&c), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_SHUTDOWN);
	assert_int_equal(vm->status, 1);
	/* The first request decides the outcome. */
	c = call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_COLD_REBOOT, 0, 0);
	run(&c);
	assert_int_equal(vm->stop, VM_STOP_SHUTDOWN);
}

static void srst_reboot(void **state)
{
	struct sbi_call c = call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_COLD_REBOOT, 0, 0);

	assert_int_equal(run(&c), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_RESET);
	assert_int_equal(vm->status, 0);
}

/* A warm reboot is how a Linux Image guest ends after a panic
 * (VM_LINUX_PANIC_ARGS): the VM stops as a panic, status 1. */
static void srst_warm_reboot_is_panic(void **state)
{
	struct sbi_call c = call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_WARM_REBOOT, 0, 0);

	assert_int_equal(run(&c), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_PANIC);
	assert_int_equal(vm->status, 1);
}

/* The same from a backend that reports it as a system event (KVM). */
static void system_warm_reset(void **state)
{
	struct vcpu *v = &vm->vcpus[0];

	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_SYSTEM,
				     .system = { .type = VMM_SYSTEM_WARM_RESET } };
	assert_int_equal(vcpu_handle_exit(v), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_PANIC);
	assert_int_equal(vm->status, 1);
}

static void dvb(void **state)
{
	struct sbi_call c = call(SBI_EXT_DVB, SBI_DVB_NOP, 5, 0, 0);

	assert_int_equal(run(&c), VMM_RESUME);
	assert_int_equal(c.value, 5);
	c = call(SBI_EXT_DVB, SBI_DVB_EXIT, 0x300, 0, 0); /* low byte 0: still a failure */
	assert_int_equal(run(&c), VMM_STOP);
	assert_int_equal(vm->status, 1);
}

/* ---- the exit table with fabricated exits ---- */
static void exits(void **state)
{
	struct vcpu *v = &vm->vcpus[0];
	struct test_dev *t = test_dev_create(vm);

	assert_int_equal(
		mmio_bus_register(&vm->bus, MM_TEST_BASE, MM_TEST_SIZE, "test", &test_mmio_ops, t),
		0);
	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_MMIO,
				     .mmio = { .addr = MM_TEST_BASE, .len = 4 } };
	assert_int_equal(vcpu_handle_exit(v), VMM_RESUME);
	assert_int_equal(v->exit.mmio.data, TEST_READ_VALUE);
	assert_int_equal(v->stat[STAT_EXIT_MMIO_READ], 1);

	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_MMIO,
				     .mmio = { .addr = 0x40000000, .len = 8, .data = 5 } };
	assert_int_equal(vcpu_handle_exit(v), VMM_RESUME);
	assert_int_equal(v->exit.mmio.data, 0);
	assert_int_equal(v->stat[STAT_MMIO_UNHANDLED], 1);

	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_MMIO,
				     .mmio = { .addr = MM_TEST_BASE, .len = 2, .is_write = true } };
	assert_int_equal(vcpu_handle_exit(v), VMM_RESUME);
	assert_int_equal(v->stat[STAT_MMIO_BAD_ACCESS], 1);

	v->exit = (struct vmm_exit){
		.reason = VMM_EXIT_SBI,
		.sbi = { .ext = SBI_EXT_DVB, .fid = SBI_DVB_NOP, .args = { 9 } }
	};
	assert_int_equal(vcpu_handle_exit(v), VMM_RESUME);
	assert_int_equal(v->exit.sbi.error, 0);
	assert_int_equal(v->exit.sbi.value, 9);
	assert_int_equal(v->stat[STAT_EXIT_SBI], 1);

	v->exit.reason = VMM_EXIT__NR + 3;
	assert_true(vcpu_handle_exit(v) < 0);

	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_MMIO,
				     .mmio = { .addr = MM_TEST_BASE,
					       .len = 4,
					       .is_write = true,
					       .data = TEST_FAIL | (3 << 16) } };
	assert_int_equal(vcpu_handle_exit(v), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_SHUTDOWN);
	assert_int_equal(vm->status, 3);
	free(t);
}

static void system_exit(void **state)
{
	struct vcpu *v = &vm->vcpus[1];

	v->exit = (struct vmm_exit){ .reason = VMM_EXIT_SYSTEM,
				     .system = { .type = VMM_SYSTEM_SHUTDOWN, .reason = 0 } };
	assert_int_equal(vcpu_handle_exit(v), VMM_STOP);
	assert_int_equal(vm->stop, VM_STOP_SHUTDOWN);
	assert_int_equal(vm->status, 0);
}

/* The switch on the extension id finds what each extension's id range says. */
static void find_by_id(void **state)
{
	for (unsigned i = 0; i < sbi_ext_table_size; i++) {
		const struct sbi_ext *e = sbi_ext_table[i];

		assert_ptr_equal(sbi_find_ext(e->eid_start), e);
		assert_ptr_equal(sbi_find_ext(e->eid_end), e);
		if (e->eid_end > e->eid_start)
			assert_ptr_equal(sbi_find_ext(e->eid_start + 1), e);
		for (unsigned j = 0; j < sbi_ext_table_size; j++)
			if (j != i)
				assert_true(e->eid_end < sbi_ext_table[j]->eid_start ||
					    e->eid_start > sbi_ext_table[j]->eid_end);
	}
	assert_null(sbi_find_ext(SBI_EXT_LEGACY_SHUTDOWN + 1));
	assert_null(sbi_find_ext(SBI_EXT_BASE + 1));
	assert_null(sbi_find_ext(0x0a000000));
	assert_null(sbi_find_ext(~0ULL));
}

/* The backends' entry: counts, works in place, tells a restart apart. */
static void vcpu_call(void **state)
{
	struct vcpu *v = &vm->vcpus[0];
	struct sbi_call c = call(SBI_EXT_DVB, SBI_DVB_NOP, 77, 0, 0);

	assert_int_equal(vcpu_sbi_call(v, &c), VMM_RESUME);
	assert_int_equal(c.error, 0);
	assert_int_equal(c.value, 77);
	assert_int_equal(v->stat[STAT_EXIT_SBI], 1);
	assert_int_equal(v->stat[STAT_SBI_DVB], 1);
	assert_int_equal(v->exit.reason, VMM_EXIT_NONE);
	c = call(SBI_EXT_DVB, SBI_DVB_EXIT, 0, 0, 0);
	assert_int_equal(vcpu_sbi_call(v, &c), VMM_STOP);
	assert_int_equal(v->stat[STAT_EXIT_SBI], 2);
}

/* Constant calls: the handler's own answer, no counting; others refused. */
static void const_calls(void **state)
{
	const struct sbi_ext *ext = NULL;
	struct sbi_call c = call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
	unsigned n = 0;

	assert_int_equal(sbi_const_call(&vm->vcpus[0], &c, &ext), 0);
	assert_ptr_equal(ext, &sbi_ext_base);
	assert_int_equal(c.error, 0);
	assert_int_equal(c.value, SBI_SPEC_VERSION);
	c = call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
	assert_int_equal(sbi_const_call(&vm->vcpus[0], &c, &ext), 0);
	assert_int_equal(c.value, SBI_IMPL_ID);
	c = call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_HSM, 0, 0);
	assert_int_equal(sbi_const_call(&vm->vcpus[0], &c, &ext), -ENOENT);
	c = call(SBI_EXT_DVB, SBI_DVB_NOP, 0, 0, 0);
	assert_int_equal(sbi_const_call(&vm->vcpus[0], &c, &ext), -ENOENT);
	c = call(SBI_EXT_BASE, 99, 0, 0, 0);
	assert_int_equal(sbi_const_call(&vm->vcpus[0], &c, &ext), -ENOENT);
	for (unsigned s = 0; s < STAT__NR; s++)
		n += vm->vcpus[0].stat[s];
	assert_int_equal(n, 0);
	/* each constant function answers the same through dispatch */
	for (u64 f = 0; f < 64; f++) {
		struct sbi_call a = call(SBI_EXT_BASE, f, 0, 0, 0), b = a;

		if (!(sbi_ext_base.const_fids & (1ULL << f)))
			continue;
		assert_int_equal(sbi_const_call(&vm->vcpus[0], &a, &ext), 0);
		run(&b);
		assert_int_equal(a.error, b.error);
		assert_int_equal(a.value, b.value);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(base),
		T(unknown),
		T(time_ext),
		T(ipi),
		T(rfence),
		T(legacy),
		T(hsm),
		T(hsm_stop_start),
		T(hsm_start_before_thread),
		T(hsm_suspend_bad_types),
		T(hsm_suspend_retentive),
		T(hsm_suspend_non_retentive),
		T(hsm_suspend_status_1_2_4),
		T(hsm_suspend_then_stop),
		T(hsm_suspend_needs_a_backend_wait),
		T(srst),
		T(srst_reboot),
		T(srst_warm_reboot_is_panic),
		T(dvb),
		T(exits),
		T(system_exit),
		T(system_warm_reset),
		T(find_by_id),
		T(vcpu_call),
		T(const_calls),
	};

	return cmocka_run_group_tests_name("vmm_sbi", tests, NULL, NULL);
}
