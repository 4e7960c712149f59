// SPDX-License-Identifier: MIT
/* cmocka tests of the benchmark log parser (scripts/bench/benchlog.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "benchlog.h"

static void result_ten_fields(void **state)
{
	struct bl_row r;

	(void)state;
	assert_int_equal(bl_parse_result("kvm,hypercall,total,,insn,10000,5,1234.50,cycles", &r),
			 0);
	assert_string_equal(r.system, "kvm");
	assert_string_equal(r.benchmark, "hypercall");
	assert_string_equal(r.phase, "total");
	assert_string_equal(r.parameter, "");
	assert_string_equal(r.profile, "insn");
	assert_int_equal(r.iterations, 10000);
	assert_int_equal(r.repetitions, 5);
	assert_string_equal(r.value, "1234.50");
	assert_string_equal(r.unit, "cycles");
}

static void result_seven_fields(void **state)
{
	struct bl_row r;

	(void)state;
	assert_int_equal(bl_parse_result("kvm,selftest-mmio,,insn,10000,2438,cycles", &r), 0);
	assert_string_equal(r.benchmark, "selftest-mmio");
	assert_string_equal(r.phase, "total");
	assert_int_equal(r.repetitions, 1);
	assert_string_equal(r.value, "2438");
}

static void result_malformed(void **state)
{
	struct bl_row r;

	(void)state;
	/* wrong field counts */
	assert_int_equal(bl_parse_result("kvm,hypercall,total", &r), -1);
	assert_int_equal(bl_parse_result("", &r), -1);
	assert_int_equal(bl_parse_result("a,b,c,d,e,f,g,h,i,j,k", &r), -1);
	/* value not a number, iterations not a number, zero repetitions */
	assert_int_equal(bl_parse_result("kvm,h,total,,insn,10,5,12x,cycles", &r), -1);
	assert_int_equal(bl_parse_result("kvm,h,total,,insn,ten,5,12,cycles", &r), -1);
	assert_int_equal(bl_parse_result("kvm,h,total,,insn,10,0,12,cycles", &r), -1);
	assert_int_equal(bl_parse_result("kvm,h,total,,insn,-1,5,12,cycles", &r), -1);
	/* empty system, benchmark or unit */
	assert_int_equal(bl_parse_result(",h,total,,insn,10,5,12,cycles", &r), -1);
	assert_int_equal(bl_parse_result("kvm,,total,,insn,10,5,12,cycles", &r), -1);
	assert_int_equal(bl_parse_result("kvm,h,total,,insn,10,5,12,", &r), -1);
	/* a field longer than the row allows */
	assert_int_equal(bl_parse_result("kvm,hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
					 "hhhhhhhhhhhhhhhhhhhh,total,,insn,10,5,12,cycles",
					 &r),
			 -1);
}

static void numbers(void **state)
{
	(void)state;
	assert_true(bl_is_number("0"));
	assert_true(bl_is_number("12.50"));
	assert_true(bl_is_number("-3"));
	assert_false(bl_is_number(""));
	assert_false(bl_is_number("."));
	assert_false(bl_is_number("1.2.3"));
	assert_false(bl_is_number("nan"));
}

static void stats(void **state)
{
	char name[64];
	uint64_t v;

	(void)state;
	assert_int_equal(
		bl_parse_stat("stats: exit_mmio total=10000 vcpu0=10000", name, sizeof(name), &v),
		0);
	assert_string_equal(name, "exit_mmio");
	assert_int_equal(v, 10000);
	assert_int_equal(
		bl_parse_stat("stats: device test@100000 accesses=7", name, sizeof(name), &v), 0);
	assert_string_equal(name, "device:test");
	assert_int_equal(v, 7);
	assert_int_equal(bl_parse_stat("[ 1.2] stats: sbi_base total=0 vcpu0=0 vcpu1=0", name,
				       sizeof(name), &v),
			 0);
	assert_string_equal(name, "sbi_base");
	assert_int_equal(v, 0);
	/* not counter lines */
	assert_int_equal(bl_parse_stat("stats: backend kvm, 1 vCPU(s)", name, sizeof(name), &v),
			 -1);
	assert_int_equal(bl_parse_stat("xstats: a total=1", name, sizeof(name), &v), -1);
	assert_int_equal(bl_parse_stat("stats: a total=", name, sizeof(name), &v), -1);
	assert_int_equal(bl_parse_stat("stats: device plic bad_access=3", name, sizeof(name), &v),
			 -1);
}

static void key_values(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(bl_kv("DVBENCH-RUN: system=kvm bench=vipi cpus=2",
				  "DVBENCH-RUN:", "bench", buf, sizeof(buf)),
			    "vipi");
	assert_string_equal(bl_kv("DVBENCH-END: system=kvm bench=vipi rc=0", "DVBENCH-END:", "rc",
				  buf, sizeof(buf)),
			    "0");
	assert_null(bl_kv("DVBENCH-RUN: system=kvm", "DVBENCH-END:", "system", buf, sizeof(buf)));
	assert_null(bl_kv("DVBENCH-RUN: system=kvm", "DVBENCH-RUN:", "sys", buf, sizeof(buf)));
	assert_null(bl_kv("DVBENCH-RUN: system=muchtoolongforthebufferthatisgiven",
			  "DVBENCH-RUN:", "system", buf, 8));
}

static void expectations(void **state)
{
	struct bl_expect e;

	(void)state;
	assert_int_equal(bl_parse_expect("system,benchmark,counter,per_iteration,slack,note\n", &e),
			 1);
	assert_int_equal(bl_parse_expect("# comment\n", &e), 1);
	assert_int_equal(bl_parse_expect("\n", &e), 1);
	assert_int_equal(bl_parse_expect("kvm,hypercall,sbi_base,0,,in the kernel\n", &e), 0);
	assert_string_equal(e.system, "kvm");
	assert_string_equal(e.counter, "sbi_base");
	assert_int_equal(e.per_iteration, 0);
	assert_int_equal(bl_parse_expect("duvisor,vipi,sbi_ipi,2\n", &e), 0);
	assert_int_equal(e.per_iteration, 2);
	assert_int_equal(bl_expect_max(&e, 10), 20);
	assert_int_equal(bl_parse_expect("kvm,s2pf,kvm.exits-exit_sbi,1,64+2%,note\n", &e), 0);
	assert_string_equal(e.counter, "kvm.exits-exit_sbi");
	assert_int_equal(e.slack, 64);
	assert_int_equal(e.slack_percent, 2);
	assert_int_equal(bl_expect_max(&e, 1000), 1084);
	assert_int_equal(bl_parse_expect("duvisor,s2pf,duvisor.hu_exit_s2_map,1,16,\n", &e), 0);
	assert_int_equal(e.slack, 16);
	assert_int_equal(e.slack_percent, 0);
	assert_int_equal(bl_parse_expect("kvm,s2pf,a,1,64+%\n", &e), -1);
	assert_int_equal(bl_parse_expect("kvm,s2pf,a,1,x\n", &e), -1);
	assert_int_equal(bl_parse_expect("kvm,hypercall\n", &e), -1);
	assert_int_equal(bl_parse_expect("kvm,hypercall,sbi_base,x\n", &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(result_ten_fields),
		cmocka_unit_test(result_seven_fields),
		cmocka_unit_test(result_malformed),
		cmocka_unit_test(numbers),
		cmocka_unit_test(stats),
		cmocka_unit_test(key_values),
		cmocka_unit_test(expectations),
	};

	cmocka_set_test_filter(NULL);
	return cmocka_run_group_tests_name("bench_log", tests, NULL, NULL);
}
