// SPDX-License-Identifier: MIT
/* The generated device tree: checked with libfdt and with dtc itself. */
#include "fake.h"

#include <libfdt.h>
#include <stdio.h>
#include <unistd.h>

#include "vmm/fdt.h"

static char dtb[MM_FDT_MAX];

static struct vm *build(unsigned cpus, unsigned virtio, bool initrd)
{
	struct vm *vm = fake_vm(cpus);

	vm->nr_virtio = virtio;
	if (initrd) {
		vm->initrd_start = MM_RAM_BASE + 0x800000;
		vm->initrd_end = MM_RAM_BASE + 0x900000;
	}
	assert_int_equal(vm_fdt_build(vm, dtb, sizeof(dtb)), 0);
	assert_int_equal(fdt_check_header(dtb), 0);
	return vm;
}

static const char *str(const char *path, const char *prop)
{
	int off = fdt_path_offset(dtb, path);

	assert_true(off >= 0);
	return fdt_getprop(dtb, off, prop, NULL);
}

static void libfdt_contents(void **state)
{
	struct vm *vm = build(4, 2, true);
	const fdt64_t *reg;
	const fdt32_t *ie;
	int off, len;

	assert_string_equal(str("/chosen", "bootargs"), "console=ttyS0 test");
	assert_string_equal(str("/chosen", "stdout-path"), "/soc/serial@10000000");
	/* A Linux Image's command line, with the panic arguments in front. */
	vm->bootargs = VM_LINUX_PANIC_ARGS " console=ttyS0 test";
	assert_int_equal(vm_fdt_build(vm, dtb, sizeof(dtb)), 0);
	assert_string_equal(str("/chosen", "bootargs"),
			    "panic=-1 reboot=panic_warm console=ttyS0 test");
	vm->bootargs = NULL;
	assert_int_equal(vm_fdt_build(vm, dtb, sizeof(dtb)), 0);
	assert_string_equal(str("/chosen", "duvisor,vmm"), "fake");
	off = fdt_path_offset(dtb, "/chosen");
	reg = fdt_getprop(dtb, off, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_to_cpu(*reg), MM_RAM_BASE + 0x800000);

	off = fdt_path_offset(dtb, "/memory@80000000");
	reg = fdt_getprop(dtb, off, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_to_cpu(reg[0]), MM_RAM_BASE);
	assert_int_equal(fdt64_to_cpu(reg[1]), FAKE_RAM_SIZE);

	assert_string_equal(str("/cpus/cpu@3", "riscv,isa"), "rv64imafdc");
	assert_true(fdt_path_offset(dtb, "/cpus/cpu@4") < 0);
	assert_string_equal(str("/cpus/cpu@0/interrupt-controller", "compatible"),
			    "riscv,cpu-intc");

	off = fdt_path_offset(dtb, "/soc/plic@c000000");
	ie = fdt_getprop(dtb, off, "interrupts-extended", &len);
	assert_int_equal(len, 4 * 8);
	assert_int_equal(fdt32_to_cpu(ie[7]), IRQ_S_EXT);
	assert_int_equal(fdt_node_check_compatible(dtb, off, "riscv,plic0"), 0);

	assert_string_equal(str("/chosen", "duvisor,irq-doorbell"), "/soc/doorbell@101000");
	assert_string_equal(str("/soc/doorbell@101000", "compatible"), "duvisor,irq-doorbell");
	assert_string_equal(str("/soc/virtio_mmio@10001000", "compatible"), "virtio,mmio");
	assert_string_equal(str("/soc/virtio_mmio@10002000", "compatible"), "virtio,mmio");
	assert_true(fdt_path_offset(dtb, "/soc/virtio_mmio@10003000") < 0);
	off = fdt_path_offset(dtb, "/soc/virtio_mmio@10002000");
	ie = fdt_getprop(dtb, off, "interrupts", &len);
	assert_int_equal(fdt32_to_cpu(*ie), IRQ_VIRTIO_BASE + 1);
	fake_vm_free(vm);
}

static void no_initrd(void **state)
{
	struct vm *vm = build(1, 0, false);
	int off = fdt_path_offset(dtb, "/chosen");

	assert_null(fdt_getprop(dtb, off, "linux,initrd-start", NULL));
	assert_true(fdt_path_offset(dtb, "/soc/virtio_mmio@10001000") < 0);
	fake_vm_free(vm);
}

static void too_small(void **state)
{
	struct vm *vm = fake_vm(8);

	assert_true(vm_fdt_build(vm, dtb, 512) < 0);
	fake_vm_free(vm);
}

/* dtc must read the blob back without errors or warnings, and the source it
 * prints must have what Linux looks for. */
static void dtc_reads_it(void **state)
{
	struct vm *vm = build(2, 3, true);
	char path[] = "/tmp/test_vmm_fdt.XXXXXX", cmd[256], line[512], all[16384] = "";
	int fd = mkstemp(path);
	FILE *p;

	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, dtb, fdt_totalsize(dtb)), fdt_totalsize(dtb));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		strncat(all, line, sizeof(all) - strlen(all) - 1);
	assert_int_equal(pclose(p), 0);
	assert_non_null(strstr(all, "compatible = \"ns16550a\""));
	assert_non_null(strstr(all, "\"sifive,plic-1.0.0\\0riscv,plic0\""));
	assert_non_null(strstr(all, "riscv,ndev = <0x1f>"));
	assert_non_null(strstr(all, "virtio_mmio@10003000"));
	assert_non_null(strstr(all, "timebase-frequency = <0x989680>"));
	assert_non_null(strstr(all, "mmu-type = \"riscv,sv39\""));
	assert_non_null(strstr(all, "linux,initrd-end"));
	/* And with warnings on (bad unit names, reg format, phandles): none. */
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dtb -o /dev/null %s 2>&1", path);
	p = popen(cmd, "r");
	all[0] = 0;
	while (fgets(line, sizeof(line), p))
		strncat(all, line, sizeof(all) - strlen(all) - 1);
	assert_int_equal(pclose(p), 0);
	assert_string_equal(all, "");
	unlink(path);
	fake_vm_free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libfdt_contents),
		cmocka_unit_test(no_initrd),
		cmocka_unit_test(too_small),
		cmocka_unit_test(dtc_reads_it),
	};

	return cmocka_run_group_tests_name("vmm_fdt", tests, NULL, NULL);
}
