// SPDX-License-Identifier: MIT
/* The guest device tree, written in code with libfdt's sequential API. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "vmm/devices.h"
#include "vmm/err.h"
#include "vmm/fdt.h"
#include "vmm/virtio.h"
#include "vmm/vm.h"

#define PHANDLE_PLIC	1
#define PHANDLE_INTC(n) (2 + (n))

static int prop_reg(void *fdt, u64 base, u64 size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int begin(void *fdt, const char *name, u64 addr)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, buf);
}

static int cpus(void *fdt, struct vm *vm)
{
	int err = 0;

	err |= fdt_begin_node(fdt, "cpus");
	err |= fdt_property_u32(fdt, "#address-cells", 1);
	err |= fdt_property_u32(fdt, "#size-cells", 0);
	err |= fdt_property_u32(fdt, "timebase-frequency", vm->timebase_freq);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		err |= begin(fdt, "cpu", i);
		err |= fdt_property_string(fdt, "device_type", "cpu");
		err |= fdt_property_u32(fdt, "reg", i);
		err |= fdt_property_string(fdt, "status", "okay");
		err |= fdt_property_string(fdt, "compatible", "riscv");
		err |= fdt_property_string(fdt, "riscv,isa", vm->isa);
		err |= fdt_property_string(fdt, "mmu-type", "riscv,sv39");
		err |= fdt_begin_node(fdt, "interrupt-controller");
		err |= fdt_property_u32(fdt, "#address-cells", 0);
		err |= fdt_property_u32(fdt, "#interrupt-cells", 1);
		err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
		err |= fdt_property_string(fdt, "compatible", "riscv,cpu-intc");
		err |= fdt_property_u32(fdt, "phandle", PHANDLE_INTC(i));
		err |= fdt_end_node(fdt);
		err |= fdt_end_node(fdt);
	}
	err |= fdt_end_node(fdt);
	return err;
}

static int plic(void *fdt, struct vm *vm)
{
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t ext[2 * VMM_MAX_VCPUS];
	int err = 0;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		ext[2 * i] = cpu_to_fdt32(PHANDLE_INTC(i));
		ext[2 * i + 1] = cpu_to_fdt32(IRQ_S_EXT);
	}
	err |= begin(fdt, "plic", MM_PLIC_BASE);
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= fdt_property_u32(fdt, "#address-cells", 0);
	err |= fdt_property_u32(fdt, "#interrupt-cells", 1);
	err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
	err |= prop_reg(fdt, MM_PLIC_BASE, MM_PLIC_SIZE);
	err |= fdt_property_u32(fdt, "riscv,ndev", PLIC_NR_SOURCES - 1);
	err |= fdt_property(fdt, "interrupts-extended", ext, 8 * vm->nr_vcpus);
	err |= fdt_property_u32(fdt, "phandle", PHANDLE_PLIC);
	err |= fdt_end_node(fdt);
	return err;
}

static int device(void *fdt, const char *name, const char *compat, u64 base, u64 size, unsigned irq)
{
	int err = 0;

	err |= begin(fdt, name, base);
	err |= fdt_property_string(fdt, "compatible", compat);
	err |= prop_reg(fdt, base, size);
	if (irq) {
		err |= fdt_property_u32(fdt, "interrupts", irq);
		err |= fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
	}
	return err;
}

int vm_fdt_build(struct vm *vm, void *fdt, size_t size)
{
	static const char compat[] = "duvisor-bench,virt\0riscv-virtio";
	char uart_path[64], path[64];
	int err = 0;

	err |= fdt_create(fdt, size);
	err |= fdt_finish_reservemap(fdt);
	err |= fdt_begin_node(fdt, "");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 2);
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= fdt_property_string(fdt, "model", "DuVisor evaluation VM");

	snprintf(uart_path, sizeof(uart_path), "/soc/serial@%llx",
		 (unsigned long long)MM_UART_BASE);
	err |= fdt_begin_node(fdt, "chosen");
	err |= fdt_property_string(fdt, "bootargs",
				   vm->bootargs	     ? vm->bootargs
				   : vm->cfg->append ? vm->cfg->append
						     : "");
	err |= fdt_property_string(fdt, "stdout-path", uart_path);
	err |= fdt_property_string(fdt, "duvisor,vmm", vm->ops ? vm->ops->name : "none");
	snprintf(path, sizeof(path), "/soc/doorbell@%llx", (unsigned long long)MM_DOORBELL_BASE);
	err |= fdt_property_string(fdt, "duvisor,irq-doorbell", path);
	/* The guest may post: hu_vitr = hart id | irq << 32 (docs/dv-ext.md). */
	if (vm->vpost)
		err |= fdt_property_string(fdt, "duvisor,vpost", "hu_vitr");
	if (vm->initrd_end > vm->initrd_start) {
		err |= fdt_property_u64(fdt, "linux,initrd-start", vm->initrd_start);
		err |= fdt_property_u64(fdt, "linux,initrd-end", vm->initrd_end);
	}
	err |= fdt_end_node(fdt);

	err |= begin(fdt, "memory", vm->mem.base);
	err |= fdt_property_string(fdt, "device_type", "memory");
	err |= prop_reg(fdt, vm->mem.base, vm->mem.size);
	err |= fdt_end_node(fdt);

	err |= cpus(fdt, vm);

	err |= fdt_begin_node(fdt, "soc");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 2);
	err |= fdt_property_string(fdt, "compatible", "simple-bus");
	err |= fdt_property(fdt, "ranges", NULL, 0);
	err |= plic(fdt, vm);

	err |= device(fdt, "serial", "ns16550a", MM_UART_BASE, MM_UART_SIZE, IRQ_UART);
	err |= fdt_property_u32(fdt, "clock-frequency", 3686400);
	err |= fdt_end_node(fdt);

	err |= device(fdt, "test", "duvisor-bench,test", MM_TEST_BASE, MM_TEST_SIZE, 0);
	err |= fdt_end_node(fdt);

	err |= device(fdt, "doorbell", "duvisor,irq-doorbell", MM_DOORBELL_BASE, MM_DOORBELL_SIZE,
		      IRQ_DOORBELL);
	err |= fdt_end_node(fdt);

	for (unsigned i = 0; i < vm->nr_virtio; i++) {
		err |= device(fdt, "virtio_mmio", "virtio,mmio",
			      MM_VIRTIO_BASE + i * MM_VIRTIO_SIZE, MM_VIRTIO_SIZE,
			      IRQ_VIRTIO_BASE + i);
		err |= fdt_end_node(fdt);
	}
	err |= fdt_end_node(fdt); /* soc */
	err |= fdt_end_node(fdt); /* root */
	err |= fdt_finish(fdt);
	if (err)
		return vmm_error(ENOSPC, "device tree: does not fit in %zu bytes", size);
	return 0;
}
