// SPDX-License-Identifier: MIT
/*
 * The firmware side of DV-Ext: every number the OpenSBI patch
 * (duvisor/dvext/opensbi/) defines for the PMC extension, the V bit and the
 * DV-Ext CSRs equals the one in include/dvext/dvext.h.
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

#ifndef DVEXT_OPENSBI_PATCH
#error "build with -DDVEXT_OPENSBI_PATCH=path of the OpenSBI patch"
#endif

struct pair {
	const char *opensbi;
	unsigned long header;
};

static const struct pair pairs[] = {
	{ "SBI_EXT_DVEXT_PMC", DVEXT_SBI_EXT_PMC },
	{ "SBI_EXT_DVEXT_PMC_SET", DVEXT_SBI_PMC_SET },
	{ "SBI_EXT_DVEXT_PMC_CLEAR", DVEXT_SBI_PMC_CLEAR },
	{ "SBI_EXT_DVEXT_PMC_INFO", DVEXT_SBI_PMC_INFO },
	{ "SBI_EXT_DVEXT_PMC_CLEAR_ALL", DVEXT_SBI_PMC_CLEAR_ALL },
	{ "SBI_EXT_DVEXT_PMC_LOAD", DVEXT_SBI_PMC_LOAD },
	{ "SBI_DVEXT_PMC_PERM_R", DVEXT_SBI_PMC_PERM_R },
	{ "SBI_DVEXT_PMC_PERM_W", DVEXT_SBI_PMC_PERM_W },
	{ "SBI_DVEXT_PMC_PERM_X", DVEXT_SBI_PMC_PERM_X },
	{ "SBI_DVEXT_PMC_PERM_MASK", DVEXT_SBI_PMC_PERM_MASK },
	{ "SBI_DVEXT_PMC_MIN_SIZE", DVEXT_SBI_PMC_MIN_SIZE },
	{ "PMP_DVEXT_V", DVEXT_PMPCFG_V },
	{ "CSR_DVEXT_H_ENABLE", DVEXT_CSR_H_ENABLE },
	{ "CSR_DVEXT_HU_ER", DVEXT_CSR_HU_ER },
	{ "CSR_DVEXT_HU_EINFO", DVEXT_CSR_HU_EINFO },
	{ "CSR_DVEXT_HU_EGPA", DVEXT_CSR_HU_EGPA },
	{ "CSR_DVEXT_HU_EINST", DVEXT_CSR_HU_EINST },
	{ "CSR_DVEXT_HU_VPC", DVEXT_CSR_HU_VPC },
	{ "CSR_DVEXT_HU_VSTATUS", DVEXT_CSR_HU_VSTATUS },
	{ "CSR_DVEXT_HU_EHB", DVEXT_CSR_HU_EHB },
	{ "CSR_DVEXT_HU_VITR", DVEXT_CSR_HU_VITR },
	{ "DVEXT_H_ENABLE_EN", DVEXT_H_ENABLE_EN },
	{ "DVEXT_H_ENABLE_VPOST", DVEXT_H_ENABLE_VPOST },
	{ "DVEXT_HU_VSTATUS_GVA", DVEXT_HU_VSTATUS_GVA },
	{ "DVEXT_HU_VSTATUS_SPVP", DVEXT_HU_VSTATUS_SPVP },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

/* value of "+#define NAME VALUE" in the patch; VALUE may be _UL(x) */
static int patch_value(const char *name, unsigned long *val)
{
	FILE *f = fopen(DVEXT_OPENSBI_PATCH, "r");
	char line[512], n[96], v[96];
	int found = 0;

	if (!f)
		fail_msg("cannot open %s", DVEXT_OPENSBI_PATCH);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "+#define %95s %95s", n, v) != 2 || strcmp(n, name))
			continue;
		*val = strtoul(!strncmp(v, "_UL(", 4) ? v + 4 : v, NULL, 0);
		found++;
	}
	fclose(f);
	return found;
}

static void test_matches_opensbi(void **state)
{
	unsigned long v;
	size_t i;

	(void)state;
	for (i = 0; i < NPAIRS; i++) {
		int found = patch_value(pairs[i].opensbi, &v);

		if (found != 1)
			fail_msg("%s defined %d times in the OpenSBI patch", pairs[i].opensbi,
				 found);
		if (v != pairs[i].header)
			fail_msg("%s: OpenSBI 0x%lx, header 0x%lx", pairs[i].opensbi, v,
				 pairs[i].header);
	}
}

static void test_sbi_numbers(void **state)
{
	(void)state;
	/* experimental range, and the SBI spec's error codes */
	assert_true(DVEXT_SBI_EXT_PMC >= 0x08000000 && DVEXT_SBI_EXT_PMC <= 0x08ffffff);
	assert_int_equal(DVEXT_SBI_ERR_NOT_SUPPORTED, -2);
	assert_int_equal(DVEXT_SBI_ERR_INVALID_PARAM, -3);
	assert_int_equal(DVEXT_SBI_ERR_DENIED, -4);
	assert_int_equal(DVEXT_SBI_ERR_INVALID_ADDRESS, -5);
	assert_int_equal(DVEXT_SBI_PMC_MIN_SIZE & (DVEXT_SBI_PMC_MIN_SIZE - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_opensbi),
		cmocka_unit_test(test_sbi_numbers),
	};

	return cmocka_run_group_tests_name("dvext_sbi", tests, NULL, NULL);
}
