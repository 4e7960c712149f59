// SPDX-License-Identifier: MIT
/*
 * The DV-Ext encodings header: every CSR number is unique, lies in the range
 * docs/dv-ext.md gives it, and matches the QEMU model patch (the DVEXT_*
 * defines that patch adds to target/riscv/cpu_bits.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dvext/dvext.h>

#ifndef DVEXT_QEMU_PATCH
#error "build with -DDVEXT_QEMU_PATCH=path of the QEMU model patch"
#endif

struct csr {
	const char *name;
	const char *macro;
	unsigned long num;
};

#define ENTRY(n, m) { #n, #m, m },
static const struct csr csrs[] = { DVEXT_CSR_LIST(ENTRY) };
#define NCSR (sizeof(csrs) / sizeof(csrs[0]))

static void test_unique(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < NCSR; i++)
		for (j = i + 1; j < NCSR; j++) {
			if (csrs[i].num == csrs[j].num)
				fail_msg("%s and %s share 0x%lx", csrs[i].name, csrs[j].name,
					 csrs[i].num);
			if (!strcmp(csrs[i].name, csrs[j].name))
				fail_msg("%s listed twice", csrs[i].name);
		}
}

static void test_ranges(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NCSR; i++) {
		unsigned long n = csrs[i].num;

		if (!strncmp(csrs[i].name, "h_", 2))
			assert_true(n >= 0x6c0 && n <= 0x6ff);
		else
			assert_true(n >= 0x800 && n <= 0x8ff);
	}
}

/* DVEXT_* names and values defined by the patch's added lines */
struct def {
	char name[64];
	unsigned long val;
};

static size_t patch_defs(struct def *out, size_t max)
{
	FILE *f = fopen(DVEXT_QEMU_PATCH, "r");
	char line[512];
	size_t n = 0;

	if (!f)
		fail_msg("cannot open %s", DVEXT_QEMU_PATCH);
	while (fgets(line, sizeof(line), f) && n < max) {
		char name[64];
		char val[64];

		if (sscanf(line, "+#define %63s %63s", name, val) == 2 &&
		    !strncmp(name, "DVEXT_CSR_", 10)) {
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n].val = strtoul(val, NULL, 0);
			n++;
		}
	}
	fclose(f);
	return n;
}

static void test_matches_qemu(void **state)
{
	struct def defs[128];
	size_t n = patch_defs(defs, 128);
	size_t i, j;

	(void)state;
	assert_int_equal(n, NCSR);
	for (i = 0; i < NCSR; i++) {
		int found = 0;

		for (j = 0; j < n; j++)
			if (!strcmp(defs[j].name, csrs[i].macro)) {
				found = 1;
				if (defs[j].val != csrs[i].num)
					fail_msg("%s: header 0x%lx, QEMU 0x%lx", csrs[i].macro,
						 csrs[i].num, defs[j].val);
			}
		if (!found)
			fail_msg("%s missing from the QEMU patch", csrs[i].macro);
	}
}

static void test_aliases(void **state)
{
	static const unsigned long alias[][2] = {
#define A(hu, std) { hu, std },
		DVEXT_ALIAS_LIST(A)
#undef A
	};
	size_t i, j, n = sizeof(alias) / sizeof(alias[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		assert_true(alias[i][0] >= 0x840 && alias[i][0] <= 0x84f);
		for (j = i + 1; j < n; j++) {
			assert_true(alias[i][0] != alias[j][0]);
			assert_true(alias[i][1] != alias[j][1]);
		}
	}
}

static void test_encodings(void **state)
{
	(void)state;
	assert_int_equal(DVEXT_INSN_HURET, 0x00200073);
	/* HUFLUSHGPA a0 is HFENCE.GVMA a0, x0 */
	assert_int_equal(DVEXT_INSN_HUFLUSHGPA(10), 0x62050073);
	assert_int_equal(DVEXT_INSN_HUFLUSHGPA(10) & DVEXT_INSN_HUFLUSHGPA_MASK,
			 DVEXT_INSN_HUFLUSHGPA_MATCH);
	assert_int_equal(DVEXT_H_DELEG_MASK, 0xf00400);
	assert_int_equal(DVEXT_POSTABLE_MASK, 0x444);
	assert_int_equal(sizeof(struct dvext_vcpu_entry), DVEXT_VCPU_ENTRY_SIZE);
	assert_int_equal(offsetof(struct dvext_vcpu_entry, pending), DVEXT_VCPU_ENTRY_PENDING);
	assert_true(DVEXT_SBI_EXT_PMC >= 0x08000000 && DVEXT_SBI_EXT_PMC <= 0x08ffffff);
	assert_int_equal(DVEXT_HU_VITR(3, DVEXT_IRQ_VSEI), 0xa00000003UL);
	{
		/* not only literals: variables of any integer type, expressions */
		volatile unsigned int id = 7;
		volatile unsigned char irq = DVEXT_IRQ_VSSI;

		assert_int_equal(DVEXT_HU_VITR(id, irq), 0x200000007UL);
		assert_int_equal(DVEXT_HU_VITR(id + 1, irq + 4), 0x600000008UL);
		assert_int_equal(DVEXT_HU_VITR(0x1ffffffffUL, 0x1ff), 0xffffffffffUL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique),	     cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_matches_qemu), cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_encodings),
	};

	return cmocka_run_group_tests_name("dvext_csr", tests, NULL, NULL);
}
