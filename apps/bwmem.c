/*
 * bwmem: memory bandwidth as lmbench's bw_mem operations (the paper's
 * Fig. 9b; lmbench is not in Debian), written for this suite.
 *
 *   bwmem [-n PASSES] [-r REPS] [-x OP] SIZE[K|M] [OP...]
 *
 * OP (default: all nine, in this order), over 32-bit words as bw_mem's:
 *   rd     read every 8th word (32-byte stride), summed
 *   wr     write every 8th word
 *   rdwr   read every 8th word, then write it back plus one
 *   cp     copy every 8th word to a second buffer
 *   frd    read every word, summed
 *   fwr    write every word
 *   fcp    copy every word
 *   bzero  memset() the buffer to zero
 *   bcopy  memmove() the buffer to a second one
 * Each operation, REPS times (default 1): the buffers (SIZE bytes each) are
 * filled first (untimed: first-touch faults are not measured), then PASSES
 * passes over SIZE are timed with CLOCK_MONOTONIC (under icount: virtual
 * time, so the MB/s are model time and deterministic), then the result is
 * checked against what the operation must have produced (sums in closed
 * form, every word of the buffers), untimed. The median time of the REPS is
 * reported (as bw_mem does; a timer interrupt inside one repetition does
 * not count). One line per operation:
 *   bwmem: op=rd size=S passes=P reps=R bytes=B ns=T mbps=X check=ok
 * (MB = 2^20 bytes; bytes = SIZE x PASSES, as bw_mem counts the buffer
 * size whatever the stride) and at the end "bwmem: ops=N failed=F".
 * Exit status: 0 if every check passed, 1 if one failed, 2 on bad usage.
 * -x OP spoils OP's result after its passes (a sum or one word), so that a
 * test can see the check fail (tests/suites/apps).
 *
 * How it differs from lmbench 3's bw_mem: one process (no -P), a fixed
 * number of passes and repetitions (bw_mem sizes its repetitions by time,
 * with warm-up runs), plain loops left to the compiler (bw_mem unrolls by
 * hand), and results checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRIDE 8 /* words: 32 bytes, as bw_mem's rd/wr/rdwr/cp */

static uint32_t *src, *dst;
static size_t nw; /* words per buffer */
static char why[160];
static const char *spoil; /* -x OP */

/* Keep the compiler from merging or dropping passes. */
static inline void barrier(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fill(uint32_t *p, uint32_t base)
{
	for (size_t i = 0; i < nw; i++)
		p[i] = (uint32_t)i + base;
}

/* every word i of p must be want(i): f(i) for strided words, g(i) else */
static int expect(const uint32_t *p, const char *name, uint32_t s_add, uint32_t s_const,
		  int s_is_const, uint32_t o_add, uint32_t o_const, int o_is_const)
{
	for (size_t i = 0; i < nw; i++) {
		int strided = i % STRIDE == 0;
		uint32_t want = strided ? (s_is_const ? s_const : (uint32_t)i + s_add)
					: (o_is_const ? o_const : (uint32_t)i + o_add);
		if (p[i] != want) {
			snprintf(why, sizeof(why),
				 "%s word %zu: 0x%08" PRIx32 ", want 0x%08" PRIx32, name, i, p[i],
				 want);
			return -1;
		}
	}
	return 0;
}

static int run(const char *op, unsigned passes, uint64_t *ns)
{
	uint64_t t0, t1, sum = 0, want;
	size_t m = (nw + STRIDE - 1) / STRIDE; /* strided words */
	/* sums of the fill pattern i (words < 2^32): closed forms */
	uint64_t s_str = (uint64_t)STRIDE * m * (m - 1) / 2, s_all = (uint64_t)nw * (nw - 1) / 2;
	int r = 0;

	fill(src, 0);
	fill(dst, 0x80000000u);
	barrier(src);
	barrier(dst);
	t0 = now_ns();
	if (!strcmp(op, "rd")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i += STRIDE)
				sum += src[i];
			barrier(src);
		}
	} else if (!strcmp(op, "wr")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i += STRIDE)
				src[i] = k + 1;
			barrier(src);
		}
	} else if (!strcmp(op, "rdwr")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i += STRIDE) {
				uint32_t v = src[i];
				sum += v;
				src[i] = v + 1;
			}
			barrier(src);
		}
	} else if (!strcmp(op, "cp")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i += STRIDE)
				dst[i] = src[i];
			barrier(dst);
		}
	} else if (!strcmp(op, "frd")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i++)
				sum += src[i];
			barrier(src);
		}
	} else if (!strcmp(op, "fwr")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i++)
				src[i] = k + 1;
			barrier(src);
		}
	} else if (!strcmp(op, "fcp")) {
		for (unsigned k = 0; k < passes; k++) {
			for (size_t i = 0; i < nw; i++)
				dst[i] = src[i];
			barrier(dst);
		}
	} else if (!strcmp(op, "bzero")) {
		for (unsigned k = 0; k < passes; k++) {
			memset(dst, 0, nw * 4);
			barrier(dst);
		}
	} else if (!strcmp(op, "bcopy")) {
		for (unsigned k = 0; k < passes; k++) {
			memmove(dst, src, nw * 4);
			barrier(dst);
		}
	} else {
		snprintf(why, sizeof(why), "unknown operation");
		return -2;
	}
	t1 = now_ns();
	*ns = t1 - t0;
	if (spoil && !strcmp(spoil, op)) {
		size_t w = (nw / 2) & ~(size_t)(STRIDE - 1);
		if (!strcmp(op, "rd") || !strcmp(op, "frd") || !strcmp(op, "rdwr"))
			sum++;
		else if (!strcmp(op, "wr") || !strcmp(op, "fwr"))
			src[w] ^= 1;
		else
			dst[w] ^= 1;
	}

	/* what the passes must have left */
	why[0] = 0;
	if (!strcmp(op, "rd") || !strcmp(op, "frd")) {
		want = passes * (op[0] == 'f' ? s_all : s_str);
		if (sum != want)
			snprintf(why, sizeof(why), "sum %" PRIu64 ", want %" PRIu64, sum, want),
				r = -1;
		else
			r = expect(src, "src", 0, 0, 0, 0, 0, 0);
	} else if (!strcmp(op, "wr")) {
		r = expect(src, "src", 0, passes, 1, 0, 0, 0);
	} else if (!strcmp(op, "fwr")) {
		r = expect(src, "src", 0, passes, 1, 0, passes, 1);
	} else if (!strcmp(op, "rdwr")) {
		want = passes * s_str + (uint64_t)m * passes * (passes - 1) / 2;
		if (sum != want)
			snprintf(why, sizeof(why), "sum %" PRIu64 ", want %" PRIu64, sum, want),
				r = -1;
		else
			r = expect(src, "src", passes, 0, 0, 0, 0, 0);
	} else if (!strcmp(op, "cp")) {
		r = expect(dst, "dst", 0, 0, 0, 0x80000000u, 0, 0);
	} else if (!strcmp(op, "fcp") || !strcmp(op, "bcopy")) {
		r = expect(dst, "dst", 0, 0, 0, 0, 0, 0);
	} else if (!strcmp(op, "bzero")) {
		r = expect(dst, "dst", 0, 0, 1, 0, 0, 1);
	}
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: bwmem [-n PASSES] [-x OP] SIZE[K|M] "
			"[rd|wr|rdwr|cp|frd|fwr|fcp|bzero|bcopy...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "rd",  "wr",	 "rdwr",  "cp",	  "frd",
					   "fwr", "fcp", "bzero", "bcopy" };
	unsigned long passes = 1, reps = 1;
	unsigned long long size;
	char *end;
	int a = 1, failed = 0, nops;
	const char *const *ops;

	if (a + 1 < argc && !strcmp(argv[a], "-n")) {
		errno = 0;
		passes = strtoul(argv[a + 1], &end, 10);
		if (errno || *end || !passes || passes > 1000000) {
			fprintf(stderr,
				"bwmem: -n wants a number of passes from 1 to 1000000, not '%s'\n",
				argv[a + 1]);
			return 2;
		}
		a += 2;
	}
	if (a + 1 < argc && !strcmp(argv[a], "-r")) {
		errno = 0;
		reps = strtoul(argv[a + 1], &end, 10);
		if (errno || *end || !reps || reps > 99) {
			fprintf(stderr,
				"bwmem: -r wants a number of repetitions from 1 to 99, not '%s'\n",
				argv[a + 1]);
			return 2;
		}
		a += 2;
	}
	if (a + 1 < argc && !strcmp(argv[a], "-x")) {
		spoil = argv[a + 1];
		a += 2;
	}
	if (a >= argc)
		usage();
	errno = 0;
	size = strtoull(argv[a], &end, 10);
	if (*end == 'K' || *end == 'k')
		size <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		size <<= 20, end++;
	if (errno || *end || size < 64 || size % (4 * STRIDE) || size > (1ull << 32)) {
		fprintf(stderr,
			"bwmem: SIZE must be 64 bytes to 4G, a multiple of 32 (K, M suffixes), not "
			"'%s'\n",
			argv[a]);
		return 2;
	}
	a++;
	nw = size / 4;
	ops = a < argc ? (const char *const *)&argv[a] : all;
	nops = a < argc ? argc - a : (int)(sizeof(all) / sizeof(all[0]));
	src = aligned_alloc(64, size);
	dst = aligned_alloc(64, size);
	if (!src || !dst) {
		fprintf(stderr, "bwmem: cannot allocate 2 x %llu bytes\n", size);
		return 2;
	}
	for (int i = 0; i < nops; i++) {
		uint64_t ns = 0, t[99];
		int r = 0;

		for (unsigned long k = 0; k < reps && !r; k++) {
			r = run(ops[i], (unsigned)passes, &t[k]);
			/* insertion into the sorted times so far */
			for (unsigned long j = k; j > 0 && t[j - 1] > t[j]; j--) {
				uint64_t x = t[j];
				t[j] = t[j - 1];
				t[j - 1] = x;
			}
			ns = t[k / 2];
		}
		if (r == -2) {
			fprintf(stderr, "bwmem: unknown operation '%s'\n", ops[i]);
			return 2;
		}
		if (ns == 0)
			ns = 1;
		printf("bwmem: op=%s size=%llu passes=%lu reps=%lu bytes=%llu ns=%" PRIu64
		       " mbps=%.2f check=%s%s%s\n",
		       ops[i], size, passes, reps, size * passes, ns,
		       (double)(size * passes) / 1048576.0 / ((double)ns / 1e9),
		       r ? "FAILED" : "ok", r ? " " : "", r ? why : "");
		failed += r != 0;
	}
	printf("bwmem: ops=%d failed=%d\n", nops, failed);
	return failed ? 1 : 0;
}
