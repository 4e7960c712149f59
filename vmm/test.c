// SPDX-License-Identifier: MIT
/* Test device: a write ends the run (as QEMU's sifive_test); a read answers a
 * constant, which makes it the target of MMIO round-trip measurements. */
#include <errno.h>
#include <stdlib.h>

#include "vmm/devices.h"
#include "vmm/vm.h"

struct test_dev {
	struct vm *vm;
};

struct test_dev *test_dev_create(struct vm *vm)
{
	struct test_dev *t = calloc(1, sizeof(*t));

	if (t)
		t->vm = vm;
	return t;
}

static int test_read(void *dev, u64 off, u32 len, u64 *val)
{
	*val = off == 0 ? TEST_READ_VALUE : 0;
	return 0;
}

static int test_write(void *dev, u64 off, u32 len, u64 val)
{
	struct test_dev *t = dev;
	u32 code = val >> 16;

	if (off != 0 || len != 4)
		return -EINVAL;
	switch (val & 0xffff) {
	case TEST_PASS:
		vm_request_stop(t->vm, VM_STOP_SHUTDOWN, 0);
		break;
	case TEST_FAIL:
		vm_request_stop(t->vm, VM_STOP_SHUTDOWN, (code & 0xff) ? (code & 0xff) : 1);
		break;
	case TEST_RESET:
		vm_request_stop(t->vm, VM_STOP_RESET, 0);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

const struct mmio_ops test_mmio_ops = {
	.read = test_read,
	.write = test_write,
};
