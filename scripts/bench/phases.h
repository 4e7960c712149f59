/* SPDX-License-Identifier: MIT */
/*
 * Phase breakdowns from the DV-Ext model's mode-transition trace
 * (x-dvext-trace, docs/dv-ext.md): every stretch of a hart outside V
 * between a transition out of V and the next one back into V is one "span"
 * (one VM exit); the cycles between consecutive records are attributed to
 * the mode the hart was in. Within HU, "mark" records (the HINT DuVisor
 * executes at the end of its exit stub and at the start of its HURET path)
 * split that time into exit, handling and entry. docs/methodology.md defines
 * the phases.
 */
#ifndef BENCH_PHASES_H
#define BENCH_PHASES_H

#include <stddef.h>
#include <stdint.h>

enum tr_mode { TR_M, TR_HS, TR_HU, TR_U, TR_VS, TR_VU, TR_NMODES, TR_BAD = -1 };

struct tr_rec {
	unsigned hart;
	uint64_t seq, cycle;
	char event[16]; /* trap exit sret mret huret pend mark */
	enum tr_mode from, to;
	unsigned cause;
	int irq;
	uint64_t pc;
};

/* 0: a record; 1: the header line; -1: not a trace line. */
int tr_parse(const char *line, struct tr_rec *r);
enum tr_mode tr_mode_of(const char *name);
int tr_is_v(enum tr_mode m);

/* What ran outside V during one exit. */
enum span_kind {
	SPAN_KERNEL, /* only HS/M: handled in the kernel (KVM in-kernel exit) */
	SPAN_USER,   /* reached plain U: a KVM exit to the user VMM */
	SPAN_HU,     /* reached HU: a DuVisor delegated exit */
};

enum phase {
	PH_GUEST,    /* V: from the last entry into V to this exit (loop, trapping insn) */
	PH_EXIT,     /* SPAN_USER: kernel from the exit to the return to the VMM;
		      * SPAN_HU with marks: HU before the first mark (exit stub) */
	PH_HANDLING, /* SPAN_USER: VMM (U, with its syscalls); SPAN_HU: HU (with
		      * marks: from the exit-stub mark to the last entry mark) */
	PH_ENTRY,    /* SPAN_USER: kernel from the VMM's last trap (KVM_RUN) into V;
		      * SPAN_HU with marks: HU after the entry mark (HURET path) */
	PH_KERNEL,   /* SPAN_KERNEL: all HS; SPAN_HU: HS inside the span */
	PH_FIRMWARE, /* M inside a SPAN_KERNEL or SPAN_HU span */
	PH_TOTAL,    /* the span, guest excluded */
	PH_N
};

extern const char *const phase_name[PH_N];

struct span {
	unsigned hart;
	unsigned cause; /* of the transition out of V */
	int irq;
	uint64_t resume_pc; /* where V resumed */
	enum span_kind kind;
	uint64_t ph[PH_N];
};

/* Streaming analyser: feed records in file order (per hart in seq order). */
#define TR_MAX_HARTS 64
#define SPAN_MAX_IV  64 /* intervals remembered per span; more are folded */

struct tr_hart {
	int valid;	   /* a record was seen */
	int in_span;	   /* outside V after a transition out of V */
	int v_known;	   /* the last entry into V was seen */
	uint64_t v_cycle;  /* its stamp */
	uint64_t last;	   /* stamp of the last record */
	enum tr_mode mode; /* mode since the last record */
	uint64_t guest;
	unsigned cause;
	int irq;
	unsigned mark; /* the last mark in this span (0: none yet) */
	int marked;    /* the span has marks */
	unsigned niv;
	enum tr_mode iv_mode[SPAN_MAX_IV];
	unsigned char iv_mark[SPAN_MAX_IV];
	uint64_t iv_cyc[SPAN_MAX_IV];
};

/* The marks DuVisor's exit stub executes (duvisor/vmm/ctx.h). */
#define TR_MARK_EXIT  1 /* end of the exit stub */
#define TR_MARK_ENTRY 2 /* start of the HURET path */

struct tr_state {
	struct tr_hart h[TR_MAX_HARTS];
	uint64_t gaps; /* records out of order (seq/cycle going back) */
};

void tr_init(struct tr_state *st);
/* Returns 1 and fills *out when the record closes a span (entry into V). */
int tr_feed(struct tr_state *st, const struct tr_rec *r, struct span *out);

/* Median of n values (sorts v in place); 0 for n = 0. */
uint64_t phases_median(uint64_t *v, size_t n);

#endif
