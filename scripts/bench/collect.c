// SPDX-License-Identifier: MIT
/*
 * bench-collect: console logs of benchmark plans -> results CSV, and the
 * exit-count check (N iterations made N exits of the expected kind).
 *
 *   bench-collect [--expect FILE] [--results OUT] [--exits OUT] LOG...
 *
 * Prints one TAP line per check ("ok - ...", "not ok - ...", "# SKIP") and
 * exits 1 if any check failed or a VMM run ended with a non-zero status,
 * 2 on a usage or file error. See benchlog.h for the log format and
 * docs/methodology.md for the schema.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlog.h"
#include "conlog.h"

#define MAX_EXPECT   256
#define MAX_COUNTERS 128
#define MAX_OPS	     16

#define RESULTS_HEADER                                                                        \
	"system,benchmark,phase,parameter,profile,iterations,repetitions,value,unit,quantum," \
	"harts,vcpus,dvext,source"
#define EXITS_HEADER                                                                             \
	"system,benchmark,profile,counter,operations,per_iteration,expected,allowed_max,actual," \
	"status,source"

static struct bl_expect expects[MAX_EXPECT];
static unsigned nr_expects;

struct counter {
	char name[BL_FIELD];
	uint64_t value;
};

struct ops {
	char bench[BL_FIELD];
	uint64_t n;
};

struct state {
	const char *source;
	char profile[BL_FIELD], quantum[BL_FIELD], harts[BL_FIELD], dvext[BL_FIELD];
	char system[BL_FIELD], bench[BL_FIELD], cpus[BL_FIELD];
	bool in_run;
	struct counter counters[MAX_COUNTERS];
	unsigned nr_counters;
	struct ops ops[MAX_OPS];
	unsigned nr_ops;
	/* timers the guest saw lost (DVBENCH-LOST: BENCH N) */
	char lost_bench[BL_FIELD];
	unsigned long long lost;
	bool have_lost;
};

static FILE *results, *exits;
static int failures, checks;

static int load_expect(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned lineno = 0;

	if (!f) {
		fprintf(stderr, "bench-collect: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		int r;

		lineno++;
		if (nr_expects == MAX_EXPECT)
			break;
		r = bl_parse_expect(line, &expects[nr_expects]);
		if (r < 0) {
			fprintf(stderr, "bench-collect: %s:%u: malformed expectation\n", path,
				lineno);
			fclose(f);
			return -1;
		}
		if (r == 0)
			nr_expects++;
	}
	fclose(f);
	return 0;
}

static void set(char *dst, const char *src)
{
	snprintf(dst, BL_FIELD, "%s", src ? src : "");
}

static const struct counter *find_counter(const struct state *s, const char *name)
{
	for (unsigned i = 0; i < s->nr_counters; i++)
		if (!strcmp(s->counters[i].name, name))
			return &s->counters[i];
	return NULL;
}

/* A counter or an expression "a-b-c"; false if any name is missing. */
static bool eval_counter(const struct state *s, const char *expr, uint64_t *out)
{
	char buf[BL_FIELD], *tok, *save;
	bool first = true;
	int64_t v = 0;

	snprintf(buf, sizeof(buf), "%s", expr);
	for (tok = strtok_r(buf, "-", &save); tok; tok = strtok_r(NULL, "-", &save)) {
		const struct counter *c = find_counter(s, tok);

		if (!c)
			return false;
		v = first ? (int64_t)c->value : v - (int64_t)c->value;
		first = false;
	}
	*out = v < 0 ? 0 : (uint64_t)v;
	return !first;
}

static void add_counter(struct state *s, const char *name, uint64_t v)
{
	for (unsigned i = 0; i < s->nr_counters; i++)
		if (!strcmp(s->counters[i].name, name)) {
			s->counters[i].value += v;
			return;
		}
	if (s->nr_counters < MAX_COUNTERS) {
		set(s->counters[s->nr_counters].name, name);
		s->counters[s->nr_counters++].value = v;
	}
}

/* "stats: duvisor vcpuN key=value ...": per-vCPU counters of the DuVisor
 * backend, summed over vCPUs as duvisor.KEY. */
static bool backend_stats(struct state *s, const char *l)
{
	const char *p = strstr(l, "stats: duvisor vcpu");
	char key[BL_FIELD], name[BL_FIELD + 16];
	unsigned long long v;
	int n;

	if (!p)
		return false;
	p = strchr(p + strlen("stats: duvisor vcpu"), ' ');
	while (p && sscanf(p, " %63[^= ]=%llu%n", key, &v, &n) == 2) {
		snprintf(name, sizeof(name), "duvisor.%s", key);
		add_counter(s, name, v);
		p += n;
	}
	return true;
}

static const struct bl_expect *find_expect(const char *system, const char *bench,
					   const char *counter)
{
	for (unsigned i = 0; i < nr_expects; i++)
		if (!strcmp(expects[i].system, system) && !strcmp(expects[i].benchmark, bench) &&
		    !strcmp(expects[i].counter, counter))
			return &expects[i];
	return NULL;
}

static void tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	checks++;
	if (!ok)
		failures++;
}

/* The end of one VMM run: check each counter the expectations name for the
 * benchmarks it ran. */
static void end_run(struct state *s, const char *rc)
{
	const char *who = s->system[0] ? s->system : "?";

	if (!rc || strcmp(rc, "0"))
		tap(false, "%s/%s %s: the VMM run ended with status %s (%s)", who, s->profile,
		    s->bench, rc ? rc : "?", s->source);
	for (unsigned i = 0; i < s->nr_ops; i++) {
		const char *b = s->ops[i].bench;
		bool any = false;

		for (unsigned e = 0; e < nr_expects; e++) {
			const struct bl_expect *x = &expects[e];
			uint64_t want = 0, got = 0, max;
			bool all = true, ok, have;
			char range[64];

			if (strcmp(x->system, who) || strcmp(x->benchmark, b))
				continue;
			any = true;
			/* Other benchmarks of the same run add to the same counter. */
			for (unsigned j = 0; j < s->nr_ops; j++) {
				const struct bl_expect *y =
					find_expect(who, s->ops[j].bench, x->counter);

				if (!y) {
					all = false;
					break;
				}
				want += s->ops[j].n * y->per_iteration;
			}
			if (!all) {
				printf("ok - %s/%s %s: %s not checked (the run mixes benchmarks "
				       "without an expectation for it) # SKIP\n",
				       who, s->profile, b, x->counter);
				continue;
			}
			have = eval_counter(s, x->counter, &got);
			max = want - s->ops[i].n * x->per_iteration + bl_expect_max(x, s->ops[i].n);
			ok = have && got >= want && got <= max;
			if (max == want)
				snprintf(range, sizeof(range), "%llu", (unsigned long long)want);
			else
				snprintf(range, sizeof(range), "%llu to %llu",
					 (unsigned long long)want, (unsigned long long)max);
			tap(ok, "%s/%s %s: %s = %llu, expected %s (%llu operations x %llu)", who,
			    s->profile, b, x->counter, have ? (unsigned long long)got : 0ULL, range,
			    (unsigned long long)s->ops[i].n, (unsigned long long)x->per_iteration);
			if (!have)
				printf("# counter %s missing from the VMM's --stats\n", x->counter);
			if (exits) {
				char actual[32] = "missing";

				if (have)
					snprintf(actual, sizeof(actual), "%llu",
						 (unsigned long long)got);
				fprintf(exits, "%s,%s,%s,%s,%llu,%llu,%llu,%llu,%s,%s,%s\n", who, b,
					s->profile, x->counter, (unsigned long long)s->ops[i].n,
					(unsigned long long)x->per_iteration,
					(unsigned long long)want, (unsigned long long)max, actual,
					ok ? "ok" : "mismatch", s->source);
			}
		}
		if (!any)
			printf("ok - %s/%s %s: no exit-count expectation for %s # SKIP "
			       "not in microbench/expect.csv\n",
			       who, s->profile, b, who);
	}
	/* Lost timers: a VMM's bug. Vanilla KVM 6.1 (and kvm-opt, which keeps
	 * its timer code) has a known one: the guest's SBI set_timer goes to
	 * vstimecmp but not to the vCPU's saved timer state, so a preemption
	 * before the vCPU re-enters restores the stale value
	 * (docs/methodology.md, "Lost timers"). Any other system fails. */
	if (s->have_lost) {
		bool kvm = !strncmp(who, "kvm", 3);
		const char *why = kvm ? ": vanilla KVM 6.1's set_timer race, counted, not ours "
					"to fix (docs/methodology.md, Lost timers)"
				      : "";

		if (!s->lost)
			tap(true, "%s/%s %s: no timer lost", who, s->profile, s->lost_bench);
		else
			tap(kvm,
			    "%s/%s %s: %llu timer(s) lost (no interrupt within 100 ms of the "
			    "deadline; re-armed)%s",
			    who, s->profile, s->lost_bench, s->lost, why);
	}
	s->have_lost = false;
	s->lost = 0;
	s->in_run = false;
	s->nr_counters = s->nr_ops = 0;
}

static void add_ops(struct state *s, const char *label, uint64_t n)
{
	char b[BL_FIELD];

	set(b, label);
	b[strcspn(b, ":")] = '\0';
	for (unsigned i = 0; i < s->nr_ops; i++)
		if (!strcmp(s->ops[i].bench, b)) {
			s->ops[i].n += n;
			return;
		}
	if (s->nr_ops < MAX_OPS) {
		set(s->ops[s->nr_ops].bench, b);
		s->ops[s->nr_ops++].n = n;
	}
}

static void line(struct state *s, char *l)
{
	char buf[BL_FIELD], name[BL_FIELD];
	const char *payload, *p;
	struct bl_row r;
	uint64_t v;

	if (bl_kv(l, "DVBENCH-CONTEXT:", "profile", buf, sizeof(buf))) {
		set(s->profile, buf);
		set(s->quantum, bl_kv(l, "DVBENCH-CONTEXT:", "quantum", buf, sizeof(buf)));
		set(s->harts, bl_kv(l, "DVBENCH-CONTEXT:", "harts", buf, sizeof(buf)));
		set(s->dvext, bl_kv(l, "DVBENCH-CONTEXT:", "dvext", buf, sizeof(buf)));
		return;
	}
	if (bl_kv(l, "DVBENCH-RUN:", "system", buf, sizeof(buf))) {
		if (s->in_run)
			end_run(s, NULL);
		set(s->system, buf);
		set(s->bench, bl_kv(l, "DVBENCH-RUN:", "bench", buf, sizeof(buf)));
		set(s->cpus, bl_kv(l, "DVBENCH-RUN:", "cpus", buf, sizeof(buf)));
		s->in_run = true;
		return;
	}
	if (bl_kv(l, "DVBENCH-END:", "system", buf, sizeof(buf))) {
		if (s->in_run)
			end_run(s, bl_kv(l, "DVBENCH-END:", "rc", buf, sizeof(buf)));
		return;
	}
	if ((p = strstr(l, "DVBENCH-LOST: "))) {
		unsigned long long n;

		if (sscanf(p, "DVBENCH-LOST: %63s %llu", name, &n) == 2) {
			set(s->lost_bench, name);
			s->lost = n;
			s->have_lost = true;
		}
		return;
	}
	if ((p = strstr(l, "DVBENCH-OPS: "))) {
		unsigned long long n;

		if (sscanf(p, "DVBENCH-OPS: %63s %llu", name, &n) == 2)
			add_ops(s, name, n);
		return;
	}
	if (s->in_run && backend_stats(s, l))
		return;
	if (s->in_run && !bl_parse_stat(l, name, sizeof(name), &v)) {
		add_counter(s, name, v);
		return;
	}
	if (conlog_classify(l, &payload) != CONLOG_RESULT)
		return;
	if (bl_parse_result(payload, &r)) {
		tap(false, "malformed result row in %s: %s", s->source, payload);
		return;
	}
	if (!results)
		return;
	/* The plan names the system (duvisor and duvisor-nopmc run one VMM). */
	fprintf(results, "%s,%s,%s,%s,%s,%llu,%u,%s,%s,%s,%s,%s,%s,%s\n",
		s->in_run && s->system[0] ? s->system : r.system, r.benchmark, r.phase, r.parameter,
		r.profile[0] ? r.profile : s->profile, (unsigned long long)r.iterations,
		r.repetitions, r.value, r.unit, s->quantum, s->harts, s->in_run ? s->cpus : "",
		s->dvext, s->source);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-collect [--expect FILE] [--results OUT.csv] [--exits "
			"OUT.csv] LOG...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *expect = NULL, *rpath = NULL, *epath = NULL;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--expect"))
			expect = argv[++i];
		else if (!strcmp(argv[i], "--results"))
			rpath = argv[++i];
		else if (!strcmp(argv[i], "--exits"))
			epath = argv[++i];
		else
			return usage();
	}
	if (i == argc)
		return usage();
	if (expect && load_expect(expect))
		return 2;
	if (rpath && !(results = fopen(rpath, "w"))) {
		fprintf(stderr, "bench-collect: cannot write %s: %s\n", rpath, strerror(errno));
		return 2;
	}
	if (epath && !(exits = fopen(epath, "w"))) {
		fprintf(stderr, "bench-collect: cannot write %s: %s\n", epath, strerror(errno));
		return 2;
	}
	if (results)
		fprintf(results, "%s\n", RESULTS_HEADER);
	if (exits)
		fprintf(exits, "%s\n", EXITS_HEADER);
	for (; i < argc; i++) {
		static struct state s;
		char l[4096];
		FILE *f = fopen(argv[i], "r");
		const char *base = strrchr(argv[i], '/');

		if (!f) {
			fprintf(stderr, "bench-collect: cannot open %s: %s\n", argv[i],
				strerror(errno));
			return 2;
		}
		memset(&s, 0, sizeof(s));
		s.source = base ? base + 1 : argv[i];
		while (fgets(l, sizeof(l), f)) {
			conlog_chomp(l);
			line(&s, l);
		}
		if (s.in_run)
			end_run(&s, NULL);
		fclose(f);
	}
	if (results)
		fclose(results);
	if (exits)
		fclose(exits);
	printf("# %d check(s), %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
