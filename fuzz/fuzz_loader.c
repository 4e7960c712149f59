// SPDX-License-Identifier: MIT
/*
 * Fuzzer: the image loaders: the format probe, the Linux Image and ELF
 * loaders and raw images, and the initrd loader, on files of any content
 * (a memfd holds the input). Checked: no crash, no write outside guest RAM
 * (ASan), a loaded image lies inside RAM and its entry point in RAM.
 */
#include <stdio.h>
#include <sys/mman.h>

#include "fuzz_vm.h"
#include "vmm/loader.h"

#define RAM (4ULL << 20)

static uint8_t *ram;
static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem m = { .base = MM_RAM_BASE, .size = RAM };
	struct load_info li;
	enum kernel_format fmt;
	unsigned sel = size ? data[0] : 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-image", 0);
		ram = malloc(RAM);
		if (fd < 0 || !ram)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	m.hva = ram;
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (kernel_probe(path, &fmt) == 0) {
		if (sel & 0x80)
			fmt = KFMT_RAW;
		memset(&li, 0, sizeof(li));
		if (kernel_check(path, fmt) == 0 &&
		    kernel_load(&m, path, fmt, MM_RAM_BASE + (sel & 0x40 ? RAM - 4096 : 0), &li) ==
			    0) {
			if (li.start < m.base || li.end > m.base + m.size || li.start > li.end)
				abort();
			if (!gmem_contains(&m, li.entry) && fmt != KFMT_ELF)
				abort();
		}
	}
	memset(&li, 0, sizeof(li));
	if (initrd_load(&m, path, m.base + m.size - (sel & 7) * 4096, m.base + (sel & 0x38) * 4096,
			&li) == 0) {
		if (li.start < m.base || li.end > m.base + m.size || li.start > li.end)
			abort();
	}
	return 0;
}
