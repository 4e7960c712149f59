/* SPDX-License-Identifier: MIT */
/*
 * benchlog: turn the console log of a benchmark plan into result rows and
 * exit-count checks.
 *
 * A plan (scripts/bench/plan.sh) prints, per VMM run:
 *   DVBENCH-CONTEXT: profile=P quantum=Q harts=H dvext=on|off   once per boot
 *   DVBENCH-RUN: system=S bench=B cpus=N                         before the run
 *   ... the VMM's output: DVRESULT rows, DVBENCH-OPS/-SKIP lines,
 *       and with --stats "stats: NAME total=N ..." and
 *       "stats: device NAME@BASE accesses=N" ...
 *   DVBENCH-END: system=S bench=B rc=R                           after it
 *
 * A result row has ten fields (the microbenchmarks):
 *   system,benchmark,phase,parameter,profile,iterations,repetitions,value,unit
 * prefixed by DVRESULT; or seven (the guest library's dv_result()):
 *   system,benchmark,parameter,profile,iterations,value,unit
 * which read as phase "total", one repetition.
 */
#ifndef BENCHLOG_H
#define BENCHLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BL_FIELD 64

struct bl_row {
	char system[BL_FIELD], benchmark[BL_FIELD], phase[BL_FIELD], parameter[BL_FIELD];
	char profile[BL_FIELD], unit[BL_FIELD], value[BL_FIELD];
	uint64_t iterations;
	unsigned repetitions;
};

/* Parse the CSV after "DVRESULT,". 0 on success, -1 if malformed (wrong
 * field count, empty system or benchmark, a value that is not a decimal
 * number, iterations that are not a number). */
int bl_parse_result(const char *payload, struct bl_row *r);

/* "stats: exit_mmio total=10000 vcpu0=10000" -> name "exit_mmio", 10000;
 * "stats: device test@100000 accesses=7" -> name "device:test", 7.
 * 0 on success, -1 if the line is not a counter line. */
int bl_parse_stat(const char *line, char *name, size_t len, uint64_t *value);

/* Value of key in a "TAG: k=v k=v" line, copied into buf; NULL if the line
 * does not start with tag (after console noise) or has no such key. */
const char *bl_kv(const char *line, const char *tag, const char *key, char *buf, size_t len);

/* A decimal number: digits, at most one '.', optional leading '-'. */
bool bl_is_number(const char *s);

/* One line of microbench/expect.csv:
 *   system,benchmark,counter,per_iteration,slack,note
 * counter: a --stats name, or names joined by '-' (the first minus the
 * others, e.g. kvm.exits-exit_sbi-exit_system: the exits KVM kept);
 * slack: empty (exact), "N" or "N+P%": how many more than operations x
 * per_iteration may be counted (P: percent of the operations) (exits outside the timed loops:
 * boot-time stage-2 faults, host timer interrupts). */
struct bl_expect {
	char system[BL_FIELD], benchmark[BL_FIELD], counter[BL_FIELD];
	uint64_t per_iteration;
	uint64_t slack, slack_percent;
};

/* The largest count the expectation allows for `ops` operations:
 * ops x per_iteration + N + ops x P / 100. */
uint64_t bl_expect_max(const struct bl_expect *e, uint64_t ops);

/* Parse one expectation line; 0 ok, 1 comment/blank/header, -1 malformed. */
int bl_parse_expect(const char *line, struct bl_expect *e);

#endif
