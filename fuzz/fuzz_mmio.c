// SPDX-License-Identifier: MIT
/*
 * Fuzzer: the MMIO bus and every device model behind it (PLIC, UART, test
 * device, virtio-mmio with virtio-blk and virtio-console), including the
 * virtqueues the guest builds in RAM. The input is a list of 16-byte
 * records, each an MMIO read or write (any region, offset, width) or a
 * store into guest RAM (descriptor tables, rings, buffers). Checked: no
 * crash or sanitizer report, a failed read returns zero, no access outside
 * guest RAM (ASan), widths other than 1/2/4/8 never reach a device.
 */
#include <stdio.h>

#include "fuzz_vm.h"

static char blk_path[64];
static int blk_fd = -1;
static uint8_t zeros[64 << 10];

static const gpa_t bases[] = { MM_PLIC_BASE, MM_UART_BASE, MM_TEST_BASE, MM_VIRTIO_BASE,
			       MM_VIRTIO_BASE + MM_VIRTIO_SIZE };
static const u64 sizes[] = { MM_PLIC_SIZE, MM_UART_SIZE, MM_TEST_SIZE, MM_VIRTIO_SIZE,
			     MM_VIRTIO_SIZE };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = { data, size };
	struct vm *vm;

	if (blk_fd < 0) {
		strcpy(blk_path, "/tmp/fuzz-mmio-blk.XXXXXX");
		blk_fd = mkstemp(blk_path);
		if (blk_fd < 0)
			abort();
		unlink(blk_path);
		snprintf(blk_path, sizeof(blk_path), "/proc/self/fd/%d", blk_fd);
	}
	if (pwrite(blk_fd, zeros, sizeof(zeros), 0) != (ssize_t)sizeof(zeros))
		abort();
	vm = fuzz_vm(2, true, blk_path);
	if (!vm || vm->nr_virtio != 2)
		abort();
	while (f.n >= 16) {
		unsigned op = fin_take(&f, 1), sel = fin_take(&f, 1);
		u64 off = fin_take(&f, 4);
		unsigned wsel = fin_take(&f, 1);
		u64 val = fin_take(&f, 8);
		unsigned len = 1U << (wsel & 3);
		gpa_t addr;

		fin_take(&f, 1);
		if ((op & 3) >= 2) {
			/* A store into guest RAM, 8-byte aligned or not. */
			off %= FUZZ_RAM_SIZE - 8;
			memcpy(vm->mem.hva + off, &val, (op & 3) == 2 ? 8 : 2);
			continue;
		}
		sel %= sizeof(bases) / sizeof(bases[0]) + 1;
		if (sel < sizeof(bases) / sizeof(bases[0]))
			addr = bases[sel] + off % (sizes[sel] + 16); /* and just past the end */
		else
			addr = off; /* anywhere below 4 GiB */
		if (wsel & 0x80)
			len = 3; /* an odd width the decoder never makes: must be refused */
		if (op & 1) {
			mmio_bus_write(&vm->bus, addr, len, val);
		} else {
			u64 v = 0xdeadbeef;
			enum mmio_result r = mmio_bus_read(&vm->bus, addr, len, &v);

			if (r != MMIO_OK && v != 0)
				abort(); /* a failed read must read as zero */
		}
	}
	fuzz_vm_free(vm);
	return 0;
}
