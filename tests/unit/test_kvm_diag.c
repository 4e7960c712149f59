// SPDX-License-Identifier: MIT
/* The one line dv-kvm prints when vanilla KVM stops a guest (baseline-kvm/diag.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvm.h"

static char line[320];

static void has(const char *text)
{
	if (!strstr(line, text))
		fail_msg("'%s' does not say '%s'", line, text);
	assert_null(strchr(line, '\n'));
}

static void illegal_instruction(void **state)
{
	assert_int_equal(kvm_describe_stop(line, sizeof(line), 0, EFAULT, 0x80001234, true, 0), 0);
	has("vcpu0: KVM stopped the guest: illegal instruction 0x0000 at pc 0x80001234");
	has("KVM_RUN failed with EFAULT");
	/* csrr a0, mhartid from VS mode: a 32-bit illegal instruction */
	kvm_describe_stop(line, sizeof(line), 1, EFAULT, 0x80002000, true, 0xf1402573);
	has("vcpu1: KVM stopped the guest: illegal instruction 0xf1402573 at pc 0x80002000");
}

static void faulting_access(void **state)
{
	/* amoadd.w misaligned, lw, c.ld: memory instructions, not illegal ones */
	static const u32 mem[] = { 0x00b5202f, 0x0007a503, 0x6398 };

	for (unsigned i = 0; i < 3; i++) {
		kvm_describe_stop(line, sizeof(line), 0, EFAULT, 0x80000010, true, mem[i]);
		has("misaligned or faulting memory access");
		has("at pc 0x80000010");
	}
	kvm_describe_stop(line, sizeof(line), 0, EFAULT, 0xffffffff80000000ULL, false, 0);
	has("KVM stopped the guest at pc 0xffffffff80000000: a trap KVM neither delegates");
}

static void mmio(void **state)
{
	kvm_describe_stop(line, sizeof(line), 0, EIO, 0x80000020, true, 0x4108);
	has("misaligned MMIO access at pc 0x80000020");
	has("KVM_RUN failed with EIO");
	kvm_describe_stop(line, sizeof(line), 2, EOPNOTSUPP, 0x100000, false, 0);
	has("vcpu2: KVM stopped the guest: instruction fetch from 0x100000, which is not RAM");
	kvm_describe_stop(line, sizeof(line), 0, EOPNOTSUPP, 0x80000030, true, 0x0007a507);
	has("MMIO access by an instruction KVM does not emulate (0x0007a507) at pc 0x80000030");
}

static void other_errors(void **state)
{
	assert_int_equal(kvm_describe_stop(line, sizeof(line), 0, ENOMEM, 0, false, 0), -1);
	assert_int_equal(kvm_describe_stop(line, sizeof(line), 0, EINVAL, 0, true, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(illegal_instruction),
		cmocka_unit_test(faulting_access),
		cmocka_unit_test(mmio),
		cmocka_unit_test(other_errors),
	};

	return cmocka_run_group_tests_name("kvm_diag", tests, NULL, NULL);
}
