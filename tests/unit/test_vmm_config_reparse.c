// SPDX-License-Identifier: MIT
/*
 * Regression (found by fuzz/fuzz_config.c, issue 12): a parse that stops in
 * the middle of a cluster of short options ("-hc": -h returns at once) must
 * not leave getopt pointing into the old argv, which the next parse would
 * read (a use-after-free when the old argv is gone).
 */
#include "fake.h"

#include <fcntl.h>
#include <unistd.h>

#include "vmm/config.h"

static void parse_after_stopped_cluster(void **state)
{
	const struct vm_limits lim = { .max_vcpus = 8 };
	struct vm_config cfg;
	char a1[] = "-hc";
	char *argv1[] = { "dv-test", a1, NULL };
	char *argv2[] = { "dv-test", "--kernel", "k", NULL };
	int out = dup(1), null = open("/dev/null", O_WRONLY);

	dup2(null, 1); /* --help's text */
	assert_int_equal(vm_config_parse(&cfg, 2, argv1, &lim), 1);
	dup2(out, 1);
	close(null);
	close(out);
	/* The old argv changes (as freed memory would): nothing may read it. */
	memset(a1, 'm', sizeof(a1) - 1);
	assert_int_equal(vm_config_parse(&cfg, 3, argv2, &lim), 0);
	assert_string_equal(cfg.kernel, "k");
	assert_int_equal(cfg.nr_vcpus, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_after_stopped_cluster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
