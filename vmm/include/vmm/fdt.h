/* SPDX-License-Identifier: MIT */
#ifndef VMM_FDT_H
#define VMM_FDT_H

#include <stddef.h>

struct vm;

/* Build the guest's device tree from the VM (harts, RAM, devices, /chosen)
 * into buf. Returns 0 or a negative errno with vmm_error() set. */
int vm_fdt_build(struct vm *vm, void *buf, size_t size);

#endif
