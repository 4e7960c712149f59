// SPDX-License-Identifier: MIT
/*
 * Fuzzer: the device-tree builder's inputs: vCPU count, RAM size, the ISA
 * string, the kernel command line (any bytes), an initrd range, devices,
 * vpost, and the size of the output buffer. Checked: no crash or overflow
 * of the buffer (ASan), and a tree the builder says it built passes
 * libfdt's full check and holds the command line as given.
 */
#include <libfdt.h>

#include "fuzz_vm.h"
#include "vmm/fdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = { data, size };
	unsigned nr = fin_take(&f, 1) % VMM_MAX_VCPUS + 1, flags = fin_take(&f, 1);
	size_t bufsize = fin_take(&f, 2) + 64;
	u64 memsize = fin_take(&f, 8);
	gpa_t is = fin_take(&f, 8), ie = fin_take(&f, 8);
	struct vm_config cfg = fuzz_cfg;
	char append[512], isa[64];
	size_t alen, ilen;
	struct vm *vm;
	void *buf;
	int r;

	ilen = fin_take(&f, 1) % sizeof(isa);
	for (size_t i = 0; i < ilen; i++)
		isa[i] = fin_take(&f, 1);
	isa[ilen] = 0;
	alen = f.n < sizeof(append) - 1 ? f.n : sizeof(append) - 1;
	memcpy(append, f.p, alen);
	append[alen] = 0;
	cfg.append = flags & 1 ? NULL : append;
	vm = fuzz_vm(nr, flags & 2, flags & 4 ? "/dev/null" : NULL);
	if (!vm)
		abort();
	vm->cfg = &cfg;
	vm->mem.size = memsize; /* the builder reads no RAM: only describes it */
	memcpy(vm->isa, isa, ilen + 1);
	vm->vpost = flags & 8;
	vm->initrd_start = is;
	vm->initrd_end = ie;
	buf = malloc(bufsize);
	r = vm_fdt_build(vm, buf, bufsize);
	if (r == 0) {
		int node, len;
		const char *ba;

		if (fdt_check_full(buf, bufsize))
			abort();
		node = fdt_path_offset(buf, "/chosen");
		ba = node < 0 ? NULL : fdt_getprop(buf, node, "bootargs", &len);
		if (!ba || strcmp(ba, cfg.append ? append : ""))
			abort();
	}
	free(buf);
	vm->mem.size = FUZZ_RAM_SIZE;
	fuzz_vm_free(vm);
	return 0;
}
