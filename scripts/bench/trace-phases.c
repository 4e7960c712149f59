// SPDX-License-Identifier: MIT
/*
 * bench-phases: phase rows for one benchmark from a DV-Ext transition trace
 * (scripts/host-run --trace FILE). Every exit (span) of the trace is keyed
 * by its site: the cause of the transition out of V and the guest pc where V
 * resumed. The benchmark's timed loop is the site with the most spans; the
 * spans of its usual kind (kernel, user VMM, HU) give the median of every
 * phase. Prints rows in results/microbench.csv's format (no header), a
 * summary on stderr. docs/methodology.md defines the phases.
 *
 * usage: bench-phases --system S --bench B --profile P [--quantum Q]
 *                     [--harts H] [--vcpus V] [--dvext on|off] [--source NAME]
 *                     [--min N] TRACE.csv
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phases.h"

struct site {
	unsigned cause;
	int irq;
	uint64_t pc;
	size_t n;
};

static int usage(void)
{
	fprintf(stderr, "usage: bench-phases --system S --bench B --profile P [--quantum Q] "
			"[--harts H] [--vcpus V] [--dvext on|off] [--source NAME] [--min N] "
			"TRACE.csv\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *sys = NULL, *bench = NULL, *prof = NULL, *quantum = "10000", *harts = "2",
		   *vcpus = "1", *dvext = "on", *source = NULL, *path = NULL;
	unsigned long min = 1;
	static struct tr_state st;
	struct span *spans = NULL, sp;
	struct site *sites = NULL;
	size_t nspans = 0, cap = 0, nsites = 0, best = 0, nrec = 0, nbad = 0;
	char line[512];
	FILE *f;

	for (int i = 1; i < argc; i++) {
		const char **opt = NULL;

		if (!strcmp(argv[i], "--system"))
			opt = &sys;
		else if (!strcmp(argv[i], "--bench"))
			opt = &bench;
		else if (!strcmp(argv[i], "--profile"))
			opt = &prof;
		else if (!strcmp(argv[i], "--quantum"))
			opt = &quantum;
		else if (!strcmp(argv[i], "--harts"))
			opt = &harts;
		else if (!strcmp(argv[i], "--vcpus"))
			opt = &vcpus;
		else if (!strcmp(argv[i], "--dvext"))
			opt = &dvext;
		else if (!strcmp(argv[i], "--source"))
			opt = &source;
		else if (!strcmp(argv[i], "--min")) {
			if (i + 1 >= argc)
				return usage();
			min = strtoul(argv[++i], NULL, 10);
			continue;
		} else if (argv[i][0] == '-' || path)
			return usage();
		else {
			path = argv[i];
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		*opt = argv[++i];
	}
	if (!sys || !bench || !prof || !path)
		return usage();
	if (!source) {
		source = strrchr(path, '/');
		source = source ? source + 1 : path;
	}
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 2;
	}
	tr_init(&st);
	while (fgets(line, sizeof(line), f)) {
		struct tr_rec r;
		int k = tr_parse(line, &r);

		if (k < 0)
			nbad++;
		if (k)
			continue;
		nrec++;
		if (!tr_feed(&st, &r, &sp))
			continue;
		if (nspans == cap) {
			cap = cap ? 2 * cap : 4096;
			spans = realloc(spans, cap * sizeof(*spans));
			sites = realloc(sites, cap * sizeof(*sites));
			if (!spans || !sites) {
				fprintf(stderr, "bench-phases: out of memory\n");
				return 2;
			}
		}
		spans[nspans++] = sp;
		size_t s;
		for (s = 0; s < nsites; s++)
			if (sites[s].cause == sp.cause && sites[s].irq == sp.irq &&
			    sites[s].pc == sp.resume_pc)
				break;
		if (s == nsites)
			sites[nsites++] = (struct site){ sp.cause, sp.irq, sp.resume_pc, 0 };
		sites[s].n++;
	}
	fclose(f);
	if (nbad)
		fprintf(stderr, "bench-phases: %s: %zu line(s) are not trace records\n", path,
			nbad);
	if (!nsites) {
		fprintf(stderr, "bench-phases: %s: no complete exit in %zu records\n", path, nrec);
		return 1;
	}
	for (size_t s = 1; s < nsites; s++)
		if (sites[s].n > sites[best].n)
			best = s;

	/* the site's usual kind: a host interrupt inside an exit does not change it */
	size_t nkind[3] = { 0 }, n = 0;
	enum span_kind kind = SPAN_KERNEL;
	for (size_t i = 0; i < nspans; i++)
		if (spans[i].cause == sites[best].cause && spans[i].irq == sites[best].irq &&
		    spans[i].resume_pc == sites[best].pc)
			nkind[spans[i].kind]++;
	for (int k = 1; k < 3; k++)
		if (nkind[k] > nkind[kind])
			kind = (enum span_kind)k;
	uint64_t *v[PH_N];
	for (int p = 0; p < PH_N; p++)
		v[p] = malloc(sites[best].n * sizeof(uint64_t));
	for (size_t i = 0; i < nspans; i++) {
		if (spans[i].cause != sites[best].cause || spans[i].irq != sites[best].irq ||
		    spans[i].resume_pc != sites[best].pc || spans[i].kind != kind)
			continue;
		for (int p = 0; p < PH_N; p++)
			v[p][n] = spans[i].ph[p];
		n++;
	}
	static const char *const kind_name[] = { "kernel", "user VMM", "HU" };
	fprintf(stderr,
		"bench-phases: %s %s %s: %zu records, %zu exits at %zu sites; loop site cause %u%s "
		"resume pc 0x%" PRIx64 ": %zu exits, %zu %s (used)\n",
		sys, bench, prof, nrec, nspans, nsites, sites[best].cause,
		sites[best].irq ? " (irq)" : "", sites[best].pc, sites[best].n, n, kind_name[kind]);
	if (n < min) {
		fprintf(stderr, "bench-phases: %s %s: %zu exits at the loop site, fewer than %lu\n",
			sys, bench, n, min);
		return 1;
	}
	static const int shown[3][PH_N + 1] = {
		[SPAN_KERNEL] = { PH_GUEST, PH_KERNEL, PH_FIRMWARE, PH_TOTAL, -1 },
		[SPAN_USER] = { PH_GUEST, PH_EXIT, PH_HANDLING, PH_ENTRY, PH_TOTAL, -1 },
		[SPAN_HU] = { PH_GUEST, PH_EXIT, PH_HANDLING, PH_ENTRY, PH_KERNEL, PH_FIRMWARE,
			      PH_TOTAL, -1 },
	};
	for (int j = 0; j < PH_N && shown[kind][j] >= 0; j++) {
		int p = shown[kind][j];
		uint64_t med = phases_median(v[p], n);

		if ((p == PH_FIRMWARE ||
		     (kind == SPAN_HU && p != PH_HANDLING && p != PH_GUEST && p != PH_TOTAL)) &&
		    med == 0)
			continue; /* only when the exit usually has it (HU: exit, entry with marks)
				   */
		printf("%s,%s,%s,trace,%s,%zu,1,%" PRIu64 ",cycles,%s,%s,%s,%s,%s\n", sys, bench,
		       p == PH_TOTAL ? "span" : phase_name[p], prof, n, med, quantum, harts, vcpus,
		       dvext, source);
	}
	for (int p = 0; p < PH_N; p++)
		free(v[p]);
	free(spans);
	free(sites);
	return 0;
}
