// SPDX-License-Identifier: MIT
/*
 * Fuzzer: the command-line parser (vm_config_parse): options and values
 * from the input, NUL-separated. Checked: no crash, and a configuration
 * the parser accepts is within its limits (vCPUs, RAM, disks, nets).
 */
#include <stdio.h>

#include "fuzz_vm.h"
#include "vmm/config.h"
#include "vmm/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[34];
	int argc = 1, devnull;
	const struct vm_limits lim = { .max_vcpus = VMM_MAX_VCPUS };
	struct vm_config cfg;

	argv[0] = "vmm";
	memcpy(copy, data, size);
	copy[size] = 0;
	for (char *p = copy; p < copy + size && argc < 33; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	memset(&cfg, 0, sizeof(cfg));
	/* --help prints to stdout: keep the fuzzer's output clean. */
	fflush(stdout);
	devnull = dup(1);
	freopen("/dev/null", "w", stdout);
	if (vm_config_parse(&cfg, argc, argv, &lim) == 0) {
		if (cfg.nr_vcpus < 1 || cfg.nr_vcpus > VMM_MAX_VCPUS ||
		    cfg.nr_disks > VM_MAX_DISKS || cfg.nr_nets > VM_MAX_NETS || !cfg.kernel)
			abort();
	}
	fflush(stdout);
	dup2(devnull, 1);
	close(devnull);
	free(copy);
	return 0;
}
