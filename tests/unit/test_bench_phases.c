// SPDX-License-Identifier: MIT
/* cmocka tests of the trace phase analyser (scripts/bench/phases.c) on a
 * made-up DV-Ext transition trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "phases.h"

static void parse(void **state)
{
	struct tr_rec r;

	(void)state;
	assert_int_equal(tr_parse("hart,seq,cycle,event,from,to,cause,irq,pc\n", &r), 1);
	assert_int_equal(tr_parse("0,76,62210,exit,VS,HU,5,1,0x80000200\n", &r), 0);
	assert_int_equal(r.hart, 0);
	assert_int_equal(r.seq, 76);
	assert_int_equal(r.cycle, 62210);
	assert_string_equal(r.event, "exit");
	assert_int_equal(r.from, TR_VS);
	assert_int_equal(r.to, TR_HU);
	assert_int_equal(r.cause, 5);
	assert_int_equal(r.irq, 1);
	assert_int_equal(r.pc, 0x80000200);
	assert_int_equal(tr_parse("1,7,9,sret,HS,VU,0,0,0xffffffff800106e4", &r), 0);
	assert_int_equal(r.to, TR_VU);
	assert_int_equal(r.pc, 0xffffffff800106e4ULL);
	/* malformed */
	assert_int_equal(tr_parse("0,76,62210,exit,VS,XX,5,1,0x80000200\n", &r), -1);
	assert_int_equal(tr_parse("0,76,62210,exit,VS,HU,5,2,0x80000200\n", &r), -1);
	assert_int_equal(tr_parse("0,76,62210,exit,VS,HU,5\n", &r), -1);
	assert_int_equal(tr_parse("0,76,62210,exit,VS,HU,5,1,0x80000200,9\n", &r), -1);
	assert_int_equal(tr_parse("DVRESULT,kvm,hypercall\n", &r), -1);
}

/* Feeds lines; returns the number of closed spans, the last one in *last. */
static int feed(struct tr_state *st, const char *const *lines, struct span *spans, int max)
{
	int n = 0;

	for (; *lines; lines++) {
		struct tr_rec r;
		struct span s;

		assert_int_equal(tr_parse(*lines, &r), 0);
		if (tr_feed(st, &r, &s)) {
			assert_true(n < max);
			spans[n++] = s;
		}
	}
	return n;
}

/* KVM: an exit handled in the kernel, then one to the user VMM (with a
 * syscall of the VMM and a pend record inside), then a host interrupt in V. */
static void kvm_spans(void **state)
{
	static const char *const t[] = {
		"0,1,1000,sret,HS,VS,0,0,0x80000000",
		"0,2,1007,trap,VS,HS,8,0,0xffffffff800106e4",  /* guest 7 */
		"0,3,1720,sret,HS,VS,0,0,0x80000e0c",	       /* kernel 713 */
		"0,4,1730,trap,VS,HS,21,0,0xffffffff800106e4", /* guest 10 */
		"0,5,2455,sret,HS,U,0,0,0x3a60c",	       /* exit 725 */
		"0,6,2790,trap,U,HS,8,0,0xffffffff80002d14",   /* VMM 335 */
		"0,7,2800,pend,HS,HS,9,1,0xffffffff80002d20",
		"0,8,4792,sret,HS,U,0,0,0x3999e",	     /* syscall 2002 (in handling) */
		"0,9,4901,trap,U,HS,8,0,0xffffffff80002d14", /* VMM 109 */
		"0,10,6057,sret,HS,VS,0,0,0x80000152",	     /* entry 1156 */
		"0,11,6060,trap,VS,M,7,1,0x800004e8",	     /* guest 3 */
		"0,12,6100,mret,M,VS,0,0,0x80000158",	     /* firmware 40 */
		NULL,
	};
	struct tr_state st;
	struct span s[4];

	(void)state;
	tr_init(&st);
	assert_int_equal(feed(&st, t, s, 4), 3);

	assert_int_equal(s[0].kind, SPAN_KERNEL);
	assert_int_equal(s[0].cause, 8);
	assert_int_equal(s[0].resume_pc, 0x80000e0c);
	assert_int_equal(s[0].ph[PH_GUEST], 7);
	assert_int_equal(s[0].ph[PH_KERNEL], 713);
	assert_int_equal(s[0].ph[PH_EXIT], 0);
	assert_int_equal(s[0].ph[PH_TOTAL], 713);

	assert_int_equal(s[1].kind, SPAN_USER);
	assert_int_equal(s[1].cause, 21);
	assert_int_equal(s[1].ph[PH_GUEST], 10);
	assert_int_equal(s[1].ph[PH_EXIT], 725);
	assert_int_equal(s[1].ph[PH_HANDLING], 335 + 2002 + 109);
	assert_int_equal(s[1].ph[PH_ENTRY], 1156);
	assert_int_equal(s[1].ph[PH_KERNEL], 0);
	assert_int_equal(s[1].ph[PH_TOTAL], 725 + 2446 + 1156);

	assert_int_equal(s[2].kind, SPAN_KERNEL);
	assert_int_equal(s[2].irq, 1);
	assert_int_equal(s[2].ph[PH_FIRMWARE], 40);
	assert_int_equal(s[2].ph[PH_KERNEL], 0);
}

/* DuVisor: delegated exits handled in HU; one with a two-step trap into
 * HS (host interrupt) inside; a VS-internal trap does not end the guest's
 * stretch; a record from another hart interleaves. */
static void duvisor_spans(void **state)
{
	static const char *const t[] = {
		"0,1,100,huret,HU,VS,0,0,0x80000000",
		"0,2,105,exit,VS,HU,10,0,0x3f000", /* guest 5 */
		"1,1,50,trap,U,HS,8,0,0xffffffff80002d14",
		"0,3,572,huret,HU,VS,0,0,0x80000e0c",	     /* HU 467 */
		"0,4,580,trap,VS,VS,1,1,0x80000300",	     /* guest-internal */
		"0,5,590,sret,VS,VS,0,0,0x80000e00",	     /* guest-internal */
		"0,6,600,exit,VS,HU,5,1,0x3f000",	     /* guest 28 */
		"0,7,600,trap,HU,HS,5,1,0xffffffff80002d14", /* two-step */
		"0,8,900,sret,HS,HU,0,0,0x3f000",	     /* kernel 300 */
		"0,9,1000,huret,HU,VS,0,0,0x80000e10",	     /* HU 100 */
		NULL,
	};
	struct tr_state st;
	struct span s[4];

	(void)state;
	tr_init(&st);
	assert_int_equal(feed(&st, t, s, 4), 2);
	assert_int_equal(s[0].kind, SPAN_HU);
	assert_int_equal(s[0].cause, 10);
	assert_int_equal(s[0].ph[PH_GUEST], 5);
	assert_int_equal(s[0].ph[PH_HANDLING], 467);
	assert_int_equal(s[0].ph[PH_TOTAL], 467);
	assert_int_equal(s[1].kind, SPAN_HU);
	assert_int_equal(s[1].irq, 1);
	assert_int_equal(s[1].ph[PH_GUEST], 28);
	assert_int_equal(s[1].ph[PH_HANDLING], 100);
	assert_int_equal(s[1].ph[PH_KERNEL], 300);
	assert_int_equal(s[1].ph[PH_TOTAL], 400);
}

/* DuVisor's marks split HU into exit stub, handling and HURET path, also
 * around a kernel stretch; a mark outside a span changes nothing. */
static void duvisor_marks(void **state)
{
	static const char *const t[] = {
		"0,1,100,huret,HU,VS,0,0,0x80000000",
		"0,2,101,mark,VS,VS,1,0,0x80000004",	     /* not in a span */
		"0,3,105,exit,VS,HU,10,0,0x3f000",	     /* guest 5 */
		"0,4,130,mark,HU,HU,1,0,0x3f060",	     /* exit stub 25 */
		"0,5,170,mark,HU,HU,2,0,0x3f070",	     /* handling 40 */
		"0,6,192,huret,HU,VS,0,0,0x80000e0c",	     /* entry 22 */
		"0,7,200,exit,VS,HU,21,0,0x3f000",	     /* guest 8 */
		"0,8,227,mark,HU,HU,1,0,0x3f060",	     /* exit stub 27 */
		"0,9,250,trap,HU,HS,9,1,0xffffffff80002d14", /* HU 23 */
		"0,10,450,sret,HS,HU,0,0,0x3f100",	     /* kernel 200 */
		"0,11,500,mark,HU,HU,2,0,0x3f070",	     /* HU 50 more handling */
		"0,12,525,huret,HU,VS,0,0,0x80000e20",	     /* entry 25 */
		NULL,
	};
	struct tr_state st;
	struct span s[4];

	(void)state;
	tr_init(&st);
	assert_int_equal(feed(&st, t, s, 4), 2);
	assert_int_equal(s[0].kind, SPAN_HU);
	assert_int_equal(s[0].ph[PH_GUEST], 5);
	assert_int_equal(s[0].ph[PH_EXIT], 25);
	assert_int_equal(s[0].ph[PH_HANDLING], 40);
	assert_int_equal(s[0].ph[PH_ENTRY], 22);
	assert_int_equal(s[0].ph[PH_TOTAL], 87);
	assert_int_equal(s[1].ph[PH_EXIT], 27);
	assert_int_equal(s[1].ph[PH_HANDLING], 73);
	assert_int_equal(s[1].ph[PH_KERNEL], 200);
	assert_int_equal(s[1].ph[PH_ENTRY], 25);
	assert_int_equal(s[1].ph[PH_TOTAL], 325);
}

/* An exit whose entry into V the ring dropped is not counted; a hart
 * whose stamps go back restarts. */
static void partial(void **state)
{
	static const char *const t[] = {
		"0,5,100,trap,VS,HS,8,0,0xffffffff800106e4", /* no V entry seen */
		"0,6,800,sret,HS,VS,0,0,0x80000e0c",
		"0,7,807,trap,VS,HS,8,0,0xffffffff800106e4",
		"0,8,50,sret,HS,VS,0,0,0x80000e0c", /* back in time */
		"0,9,57,trap,VS,HS,8,0,0xffffffff800106e4",
		"0,10,770,sret,HS,VS,0,0,0x80000e0c",
		NULL,
	};
	struct tr_state st;
	struct span s[4];

	(void)state;
	tr_init(&st);
	assert_int_equal(feed(&st, t, s, 4), 1);
	assert_int_equal(st.gaps, 1);
	assert_int_equal(s[0].ph[PH_GUEST], 7);
	assert_int_equal(s[0].ph[PH_KERNEL], 713);
}

static void median(void **state)
{
	uint64_t a[] = { 9, 1, 5 }, b[] = { 4, 1, 3, 2 };

	(void)state;
	assert_int_equal(phases_median(a, 3), 5);
	assert_int_equal(phases_median(b, 4), 2); /* (2 + 3) / 2 */
	assert_int_equal(phases_median(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),	 cmocka_unit_test(kvm_spans),
		cmocka_unit_test(duvisor_spans), cmocka_unit_test(duvisor_marks),
		cmocka_unit_test(partial),	 cmocka_unit_test(median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
