// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "conlog.h"

static void classify_result_row(void **state)
{
	const char *payload = NULL;

	(void)state;
	assert_int_equal(conlog_classify("DVRESULT,kvm,hypercall,,insn,10000,812,cycles", &payload),
			 CONLOG_RESULT);
	assert_string_equal(payload, "kvm,hypercall,,insn,10000,812,cycles");
	assert_int_equal(conlog_classify("[    1.000] DVRESULT,a,b", &payload), CONLOG_RESULT);
	assert_string_equal(payload, "a,b");
}

static void classify_panics(void **state)
{
	(void)state;
	assert_int_equal(
		conlog_classify("[    0.52] Kernel panic - not syncing: No working init found.",
				NULL),
		CONLOG_PANIC);
	assert_int_equal(
		conlog_classify("Unable to handle kernel paging request at virtual address 0",
				NULL),
		CONLOG_PANIC);
	assert_int_equal(conlog_classify("[    3.1] BUG: scheduling while atomic", NULL),
			 CONLOG_PANIC);
	assert_int_equal(conlog_classify("Oops - illegal instruction [#1]", NULL), CONLOG_PANIC);
}

static void classify_plain_text(void **state)
{
	(void)state;
	assert_int_equal(conlog_classify("kvm [1]: hypervisor extension available", NULL),
			 CONLOG_TEXT);
	assert_int_equal(conlog_classify("", NULL), CONLOG_TEXT);
	/* A word that merely contains "BUG" is not a failure. */
	assert_int_equal(conlog_classify("DEBUG: all fine", NULL), CONLOG_TEXT);
}

static void markers_are_anchored(void **state)
{
	(void)state;
	assert_true(conlog_has_marker("DUVISOR-INIT: up harts=2", "DUVISOR-INIT: up"));
	assert_true(conlog_has_marker("[    0.9] DUVISOR-INIT: up", "DUVISOR-INIT: up"));
	assert_true(conlog_has_marker("[    0.9]DUVISOR-INIT: up", "DUVISOR-INIT: up"));
	assert_false(conlog_has_marker("echo XDUVISOR-INIT: up", "DUVISOR-INIT: up"));
	assert_false(conlog_has_marker("DUVISOR-INIT: u", "DUVISOR-INIT: up"));
	assert_false(conlog_has_marker("anything", ""));
}

static void chomp_line_endings(void **state)
{
	char a[] = "line\r\n", b[] = "line\n", c[] = "line", d[] = "\n";

	(void)state;
	assert_int_equal(conlog_chomp(a), 4);
	assert_string_equal(a, "line");
	assert_int_equal(conlog_chomp(b), 4);
	assert_int_equal(conlog_chomp(c), 4);
	assert_int_equal(conlog_chomp(d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify_result_row), cmocka_unit_test(classify_panics),
		cmocka_unit_test(classify_plain_text), cmocka_unit_test(markers_are_anchored),
		cmocka_unit_test(chomp_line_endings),
	};

	return cmocka_run_group_tests_name("conlog", tests, NULL, NULL);
}
