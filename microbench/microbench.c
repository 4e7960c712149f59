// SPDX-License-Identifier: MIT
/*
 * The microbenchmark harness: for each selected entry of mb_benches[], run
 * an optional warm-up, then `reps` repetitions of `iters` operations timed
 * with rdcycle, subtract the entry's empty loop, and print the median as one
 * result row:
 *
 *   DVRESULT,<system>,<benchmark>,<phase>,<parameter>,<profile>,<iterations>,<repetitions>,<value>,<unit>
 *
 * (ten fields; the guest library's dv_result() rows have seven and no phase).
 * Around it, for the exit-count check and for people:
 *   DVBENCH: <name> reps <v1> <v2> ...     every repetition, same unit
 *   DVBENCH-OPS: <name> <n>                operations performed, warm-up included
 *   DVBENCH-SKIP: <name> <why>             the entry cannot run on this VM
 */
#include <stdio.h>
#include <string.h>

#include "microbench.h"

#define MAX_REPS     31
#define DEFAULT_REPS 5

extern char __stack_top[];

uint64_t mb_timebase(void)
{
	return dv_arg("timebase", 10000000);
}

uintptr_t mb_ram_end(void)
{
	return 0x80000000UL + (dv_arg("ram", 128) << 20);
}

uintptr_t mb_free_start(void)
{
	return ((uintptr_t)__stack_top + 0x1fffff) & ~(uintptr_t)0x1fffff;
}

void mb_empty_loop(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
}

static bool selected(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(list, "all"))
		return true;
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static const char *default_unit(enum mb_kind k)
{
	switch (k) {
	case MB_BANDWIDTH:
		return "bytes/kcycle";
	case MB_TIME_NS:
		return "ns";
	default:
		return "cycles";
	}
}

/* One repetition; the result in hundredths of the unit. */
static uint64_t one_rep(const struct mb_bench *b, struct mb_ctx *c, uint64_t n)
{
	uint64_t t0, t1, e0, e1, run, empty;

	c->bytes = c->ns = 0;
	t0 = dv_rdcycle();
	b->run(c, n);
	t1 = dv_rdcycle();
	c->ops += n;
	run = t1 - t0;
	switch (b->kind) {
	case MB_COST:
		e0 = dv_rdcycle();
		(b->empty ? b->empty : mb_empty_loop)(c, n);
		e1 = dv_rdcycle();
		empty = e1 - e0;
		return run > empty ? (run - empty) * 100 / n : 0;
	case MB_LATENCY:
		return run * 100 / n;
	case MB_BANDWIDTH:
		return run ? c->bytes * 1000 * 100 / run : 0;
	case MB_TIME_NS:
		return c->ns * 100 / n;
	}
	return 0;
}

static void run_bench(const struct mb_bench *b, uint64_t iters_arg, unsigned reps)
{
	struct mb_ctx c = { .iters = b->iterations, .reps = reps };
	uint64_t v[MAX_REPS], med;
	const char *why, *vmm = dv_chosen("duvisor,vmm");
	char prof[32], line[400], label[64], key[64];
	int len;

	snprintf(label, sizeof(label), "%s%s%s", b->name, b->param ? ":" : "",
		 b->param ? b->param : "");
	snprintf(key, sizeof(key), "iters.%s", b->name);
	if (iters_arg && !b->fixed_iters)
		c.iters = iters_arg;
	c.iters = dv_arg(key, c.iters);
	why = b->prepare ? b->prepare(&c) : NULL;
	if (!why && !b->run)
		why = "not implemented";
	if (why) {
		dv_printf("DVBENCH-SKIP: %s %s\n", label, why);
		return;
	}
	if (!c.iters) {
		dv_printf("DVBENCH-SKIP: %s zero iterations\n", label);
		if (b->finish)
			b->finish(&c);
		return;
	}
	if (!b->no_warmup) {
		c.rep = 0;
		one_rep(b, &c, c.iters / 10 ? c.iters / 10 : 1);
	}
	for (unsigned r = 0; r < reps; r++) {
		c.rep = r + (b->no_warmup ? 0 : 1);
		v[r] = one_rep(b, &c, c.iters);
	}
	if (b->finish)
		b->finish(&c);
	len = snprintf(line, sizeof(line), "DVBENCH: %s reps", label);
	for (unsigned r = 0; r < reps && len < (int)sizeof(line) - 24; r++)
		len += snprintf(line + len, sizeof(line) - len, " %llu.%02llu",
				(unsigned long long)(v[r] / 100), (unsigned long long)(v[r] % 100));
	dv_printf("%s\n", line);
	dv_printf("DVBENCH-OPS: %s %llu\n", label, (unsigned long long)c.ops);
	sort_u64(v, reps);
	med = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	dv_printf("DVRESULT,%s,%s,%s,%s,%s,%llu,%u,%llu.%02llu,%s\n", vmm ? vmm : "unknown",
		  b->name, b->phase ? b->phase : "total", b->param ? b->param : "",
		  dv_arg_str("profile", "", prof, sizeof(prof)), (unsigned long long)c.iters, reps,
		  (unsigned long long)(med / 100), (unsigned long long)(med % 100),
		  b->unit ? b->unit : default_unit(b->kind));
}

int main(void)
{
	char list[256];
	unsigned reps = dv_arg("reps", DEFAULT_REPS);
	uint64_t iters = dv_arg("iters", 0);
	unsigned done = 0;

	dv_arg_str("bench", "all", list, sizeof(list));
	if (reps < 1)
		reps = 1;
	if (reps > MAX_REPS)
		reps = MAX_REPS;
	dv_printf("DVBENCH-START: vmm=%s bench=%s iters=%llu reps=%u\n",
		  dv_chosen("duvisor,vmm") ? dv_chosen("duvisor,vmm") : "unknown", list,
		  (unsigned long long)iters, reps);
	for (unsigned i = 0; i < mb_nr_benches; i++) {
		if (!selected(list, mb_benches[i].name))
			continue;
		run_bench(&mb_benches[i], iters, reps);
		done++;
	}
	if (!done)
		dv_printf("DVBENCH-SKIP: %s no such benchmark\n", list);
	dv_printf("DVBENCH-DONE: %u benchmark(s), %d failure(s)\n", done, dv_failures);
	return dv_failures ? 1 : 0;
}
