/* SPDX-License-Identifier: GPL-2.0 */
/* What tools/perf/bench/sched-messaging.c needs of perf's bench.h. */
#ifndef APPS_BENCH_H
#define APPS_BENCH_H
#define BENCH_FORMAT_DEFAULT 0
#define BENCH_FORMAT_SIMPLE  1
extern int bench_format;
int bench_sched_messaging(int argc, const char **argv);
#endif
