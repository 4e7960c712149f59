/* SPDX-License-Identifier: MIT */
/*
 * A made-up backend and a VM with the real device models, for the
 * coverage-guided fuzzers of the VMM core (fuzz/fuzz_NAME.c, libFuzzer). Every
 * input gets a fresh VM, so runs are reproducible from the input alone.
 */
#ifndef FUZZ_VM_H
#define FUZZ_VM_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/devices.h"
#include "vmm/virtio.h"
#include "vmm/vm.h"

#define FUZZ_RAM_SIZE (256ULL << 10)

/* Input reader: bytes run out as zeros. */
struct fin {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fin_take(struct fin *f, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = 0;

		if (f->n) {
			b = *f->p++;
			f->n--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static u64 fuzz_regs[VMM_MAX_VCPUS][VMM_REG__NR];
/* Guest RAM, zeroed for every input (an allocation per input would cost a
 * mmap and munmap under ASan). */
static u8 fuzz_ram[FUZZ_RAM_SIZE];

static int fz_set_timer(struct vcpu *vcpu, u64 deadline)
{
	return 0;
}
static int fz_set_irq(struct vcpu *vcpu, unsigned irq, bool level)
{
	return irq < 64 ? 0 : -1;
}
static int fz_remote_fence(struct vcpu *vcpu, unsigned long fid, u64 start, u64 size, u64 asid)
{
	return 0;
}
static int fz_set_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 val)
{
	if (reg >= VMM_REG__NR)
		abort();
	fuzz_regs[vcpu->id][reg] = val;
	return 0;
}
static int fz_get_reg(struct vcpu *vcpu, enum vmm_reg reg, u64 *val)
{
	if (reg >= VMM_REG__NR)
		abort();
	*val = fuzz_regs[vcpu->id][reg];
	return 0;
}
static int fz_vcpu_run(struct vcpu *vcpu)
{
	vcpu->exit.reason = VMM_EXIT_NONE;
	return 0;
}

static const struct vmm_backend_ops fuzz_ops = {
	.name = "fuzz",
	.max_vcpus = VMM_MAX_VCPUS,
	.set_timer = fz_set_timer,
	.set_irq = fz_set_irq,
	.remote_fence = fz_remote_fence,
	.set_reg = fz_set_reg,
	.get_reg = fz_get_reg,
	.vcpu_run = fz_vcpu_run,
};

static struct vm_config fuzz_cfg = { .append = "console=ttyS0", .nr_vcpus = 4 };

static inline struct irq_line fuzz_line(struct vm *vm, unsigned irq)
{
	return (struct irq_line){ .set = plic_set_irq, .ctl = vm->plic, .irq = irq };
}

/* A VM of nr vCPUs with FUZZ_RAM_SIZE of RAM; with devices: PLIC, UART,
 * test device, and (blk_path) a virtio-blk disk and a virtio console, all
 * on the MMIO bus at their usual addresses. Console output goes to
 * /dev/null. Returns NULL on failure. */
static inline struct vm *fuzz_vm(unsigned nr, bool devices, const char *blk_path)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	memset(fuzz_regs, 0, sizeof(fuzz_regs));
	vm->ops = &fuzz_ops;
	vm->cfg = &fuzz_cfg;
	vm->nr_vcpus = nr;
	vm->out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	vm->mem.base = MM_RAM_BASE;
	vm->mem.size = FUZZ_RAM_SIZE;
	memset(fuzz_ram, 0, sizeof(fuzz_ram));
	vm->mem.hva = fuzz_ram;
	vm->timebase_freq = 10000000;
	strcpy(vm->isa, "rv64imafdc");
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	for (unsigned i = 0; i < nr; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].hsm = i ? HSM_STOPPED : HSM_STARTED;
	}
	if (!devices)
		return vm;
	vm->plic = plic_create(nr, vm_plic_notify, vm);
	vm->uart = uart_create(fuzz_line(vm, IRQ_UART), vm->out_fd);
	vm->test = test_dev_create(vm);
	mmio_bus_register(&vm->bus, MM_PLIC_BASE, MM_PLIC_SIZE, "plic", &plic_mmio_ops, vm->plic);
	mmio_bus_register(&vm->bus, MM_UART_BASE, MM_UART_SIZE, "uart", &uart_mmio_ops, vm->uart);
	mmio_bus_register(&vm->bus, MM_TEST_BASE, MM_TEST_SIZE, "test", &test_mmio_ops, vm->test);
	if (blk_path) {
		struct virtio_dev *v[2] = {
			virtio_blk_create(&vm->mem, fuzz_line(vm, IRQ_VIRTIO_BASE), blk_path,
					  false),
			virtio_console_create(&vm->mem, fuzz_line(vm, IRQ_VIRTIO_BASE + 1),
					      vm->out_fd),
		};
		for (unsigned i = 0; i < 2; i++) {
			if (!v[i])
				continue;
			v[i]->base = MM_VIRTIO_BASE + i * MM_VIRTIO_SIZE;
			vm->virtio[vm->nr_virtio++] = v[i];
			mmio_bus_register(&vm->bus, v[i]->base, MM_VIRTIO_SIZE, v[i]->ops->name,
					  &virtio_mmio_ops, v[i]);
		}
	}
	return vm;
}

static inline void fuzz_vm_free(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_virtio; i++)
		virtio_dev_destroy(vm->virtio[i]);
	if (vm->uart)
		uart_destroy(vm->uart);
	if (vm->plic)
		plic_destroy(vm->plic);
	free(vm->test);
	if (vm->out_fd >= 0)
		close(vm->out_fd);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
}

#endif
