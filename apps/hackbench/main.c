// SPDX-License-Identifier: GPL-2.0
/*
 * hackbench: Linux 6.1's tools/perf/bench/sched-messaging.c ("perf bench
 * sched messaging", hackbench ported to perf) built alone. rt-tests, the
 * package of the classic hackbench, is missing from the archive mirror here
 * (docs/methodology.md, "Application benchmarks"). Same algorithm and
 * defaults: 10 groups of 20 senders and 20 receivers, Unix stream sockets,
 * processes, 100 messages of 100 bytes per sender and receiver pair.
 *
 *   hackbench [-p] [-t] [-g GROUPS] [-l LOOPS]
 *
 * Prints the messages exchanged in a line "hackbench: groups=G loops=L
 * messages=M bytes=B" after the run (every receiver must have read its
 * count, or a worker exits non-zero and so does hackbench).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "subcmd/parse-options.h"

int bench_format = BENCH_FORMAT_DEFAULT;

static void usage(const char *const u[], const char *msg)
{
	fprintf(stderr, "hackbench: %s (usage: %s)\n", msg, u[0]);
	exit(2);
}

int parse_options(int argc, const char **argv, const struct option *options, const char *const u[],
		  int flags)
{
	int i, n = 0;

	(void)flags;
	for (i = 1; i < argc; i++) {
		const struct option *o;
		const char *a = argv[i];

		if (a[0] != '-' || !a[1] || a[2])
			usage(u, "bad argument");
		for (o = options; o->type != OPTION_END; o++)
			if (o->short_name == a[1])
				break;
		if (o->type == OPTION_END)
			usage(u, "unknown option");
		if (o->type == OPTION_BOOLEAN) {
			*(bool *)o->value = true;
		} else {
			char *end;
			unsigned long v;

			if (++i >= argc)
				usage(u, "option needs a number");
			errno = 0;
			v = strtoul(argv[i], &end, 10);
			if (errno || !*argv[i] || *end || v == 0 || v > 1000000)
				usage(u, "bad number");
			*(unsigned int *)o->value = (unsigned int)v;
		}
		n++;
	}
	return argc - n;
}

int main(int argc, const char **argv)
{
	unsigned long g = 10, l = 100;
	int i;

	/* the same parse again for the summary line (the bench keeps its own) */
	for (i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "-g"))
			g = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "-l"))
			l = strtoul(argv[i + 1], NULL, 10);
	}
	if (bench_sched_messaging(argc, argv))
		return 1;
	printf("hackbench: groups=%lu loops=%lu messages=%lu bytes=%lu\n", g, l, g * 20 * 20 * l,
	       g * 20 * 20 * l * 100);
	return 0;
}
