/* SPDX-License-Identifier: MIT */
/*
 * Guest microbenchmarks: one table of {name, prepare, run, iterations}
 * entries (benches.c) and the harness that times them (microbench.c), on top
 * of the bare-metal guest library. The same binary runs under every VMM.
 *
 * Boot arguments (the VMM's --append, i.e. /chosen/bootargs):
 *   bench=NAME[,NAME...]  which entries (default: all)
 *   iters=N               iterations per repetition of the primitives (default 10000)
 *   iters.NAME=N          iterations of one entry (also passes/loads of the memory ones)
 *   membuf=MIB            buffer of the memory benchmarks (default 8)
 *   reps=R                repetitions; the median is reported (default 5)
 *   profile=NAME          timing profile, copied into the result rows
 *   ram=MIB               guest RAM in MiB (default 128), for the stage-2 fault region
 *   timebase=HZ           timer frequency (default 10000000, QEMU virt)
 */
#ifndef MICROBENCH_H
#define MICROBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "dvguest.h"

enum mb_kind {
	MB_COST,      /* cycles per operation, the empty loop subtracted */
	MB_BANDWIDTH, /* bytes per 1000 cycles (= MB/s of virtual time at 1 cycle/ns) */
	MB_LATENCY,   /* cycles per dependent load, no subtraction (the loop is the load) */
	MB_TIME_NS,   /* nanoseconds per operation from the run's own sums */
};

struct mb_ctx {
	uint64_t iters; /* per repetition; prepare() may lower it */
	unsigned reps;	/* measured repetitions */
	unsigned rep;	/* repetition index (warm-up is rep 0 when the entry has one) */
	uint64_t ops;	/* operations of the benchmarked kind performed, for the exit check */
	uint64_t bytes; /* MB_BANDWIDTH: bytes moved per run */
	uint64_t ns;	/* MB_TIME_NS: summed nanoseconds of one run */
	void *priv;
};

struct mb_bench {
	const char *name;
	const char *phase;
	const char *param;
	enum mb_kind kind;
	uint64_t iterations; /* default per repetition */
	bool no_warmup;	     /* e.g. first-touch faults: a warm-up would use up pages */
	bool fixed_iters;    /* iters= does not apply (passes, loads); iters.NAME= does */
	/* Returns NULL when the benchmark can run, else why not (printed as a skip). */
	const char *(*prepare)(struct mb_ctx *c);
	/* n operations. MB_COST/MB_LATENCY/MB_BANDWIDTH: timed by the harness
	 * with rdcycle around the call; MB_TIME_NS: sets c->ns itself. */
	void (*run)(struct mb_ctx *c, uint64_t n);
	/* MB_COST: the same loop without the operation (default: an empty loop). */
	void (*empty)(struct mb_ctx *c, uint64_t n);
	/* Optional: undo prepare (stop a partner vCPU, mask interrupts). */
	void (*finish)(struct mb_ctx *c);
	const char *unit; /* default from the kind */
};

extern const struct mb_bench mb_benches[];
extern const unsigned mb_nr_benches;

/* The timebase in Hz (boot argument timebase=, default QEMU virt's 10 MHz). */
uint64_t mb_timebase(void);
/* Guest RAM end (from ram=MIB) and the first free byte after the image. */
uintptr_t mb_ram_end(void);
uintptr_t mb_free_start(void);

/* The harness's empty loop: n iterations of nothing the compiler may drop. */
void mb_empty_loop(struct mb_ctx *c, uint64_t n);

#endif
