// SPDX-License-Identifier: MIT
/* Phase breakdowns from the DV-Ext transition trace: see phases.h. */
#include "phases.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const phase_name[PH_N] = { "guest",	 "exit",     "handling", "entry",
				       "kernel", "firmware", "total" };

static const char *const mode_names[TR_NMODES] = { "M", "HS", "HU", "U", "VS", "VU" };

enum tr_mode tr_mode_of(const char *name)
{
	for (int i = 0; i < TR_NMODES; i++)
		if (!strcmp(name, mode_names[i]))
			return (enum tr_mode)i;
	return TR_BAD;
}

int tr_is_v(enum tr_mode m)
{
	return m == TR_VS || m == TR_VU;
}

/* hart,seq,cycle,event,from,to,cause,irq,pc */
int tr_parse(const char *line, struct tr_rec *r)
{
	char ev[16], from[8], to[8];
	unsigned long long seq, cyc, pc;
	unsigned hart, cause;
	int irq, n;

	if (!strncmp(line, "hart,seq,cycle,", 15))
		return 1;
	n = 0;
	if (sscanf(line, "%u,%llu,%llu,%15[a-z],%7[A-Z],%7[A-Z],%u,%d,%llx%n", &hart, &seq, &cyc,
		   ev, from, to, &cause, &irq, &pc, &n) != 9 ||
	    n == 0)
		return -1;
	if (line[n] && line[n] != '\n' && line[n] != '\r')
		return -1;
	memset(r, 0, sizeof(*r));
	r->hart = hart;
	r->seq = seq;
	r->cycle = cyc;
	snprintf(r->event, sizeof(r->event), "%s", ev);
	r->from = tr_mode_of(from);
	r->to = tr_mode_of(to);
	r->cause = cause;
	r->irq = irq;
	r->pc = pc;
	if (r->from == TR_BAD || r->to == TR_BAD || (irq != 0 && irq != 1))
		return -1;
	return 0;
}

void tr_init(struct tr_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void classify(const struct tr_hart *h, struct span *s)
{
	int first_u = -1, last_u = -1, hu = 0;

	for (unsigned i = 0; i < h->niv; i++) {
		if (h->iv_mode[i] == TR_U) {
			if (first_u < 0)
				first_u = (int)i;
			last_u = (int)i;
		}
		if (h->iv_mode[i] == TR_HU)
			hu = 1;
	}
	memset(s->ph, 0, sizeof(s->ph));
	s->ph[PH_GUEST] = h->guest;
	if (first_u >= 0) {
		s->kind = SPAN_USER;
		for (unsigned i = 0; i < h->niv; i++) {
			enum phase p = (int)i < first_u	  ? PH_EXIT
				       : (int)i <= last_u ? PH_HANDLING
							  : PH_ENTRY;
			s->ph[p] += h->iv_cyc[i];
		}
	} else {
		s->kind = hu ? SPAN_HU : SPAN_KERNEL;
		for (unsigned i = 0; i < h->niv; i++) {
			enum tr_mode m = h->iv_mode[i];
			enum phase p = m == TR_HU  ? PH_HANDLING
				       : m == TR_M ? PH_FIRMWARE
						   : PH_KERNEL;

			/* marks split HU: stub, handling, HURET path */
			if (m == TR_HU && h->marked)
				p = h->iv_mark[i] == 0		     ? PH_EXIT
				    : h->iv_mark[i] == TR_MARK_ENTRY ? PH_ENTRY
								     : PH_HANDLING;
			s->ph[p] += h->iv_cyc[i];
		}
	}
	for (int p = PH_EXIT; p < PH_TOTAL; p++)
		s->ph[PH_TOTAL] += s->ph[p];
}

static void add_interval(struct tr_hart *h, enum tr_mode m, uint64_t cyc)
{
	unsigned char mark = h->mark > 255 ? 255 : (unsigned char)h->mark;

	if (h->niv > 0 && h->iv_mode[h->niv - 1] == m && h->iv_mark[h->niv - 1] == mark) {
		h->iv_cyc[h->niv - 1] += cyc; /* e.g. split by a pend record */
		return;
	}
	if (h->niv == SPAN_MAX_IV) {
		/* fold into the last slot: keeps totals, loses structure */
		h->iv_cyc[SPAN_MAX_IV - 1] += cyc;
		return;
	}
	h->iv_mode[h->niv] = m;
	h->iv_mark[h->niv] = mark;
	h->iv_cyc[h->niv] = cyc;
	h->niv++;
}

int tr_feed(struct tr_state *st, const struct tr_rec *r, struct span *out)
{
	struct tr_hart *h;
	int closed = 0;

	if (r->hart >= TR_MAX_HARTS)
		return 0;
	h = &st->h[r->hart];
	if (h->valid && r->cycle < h->last) {
		/* cannot happen in one hart's ring; restart this hart */
		st->gaps++;
		memset(h, 0, sizeof(*h));
	}
	if (!h->valid) {
		h->valid = 1;
		h->last = r->cycle;
		h->mode = r->to;
		if (tr_is_v(r->to) && !tr_is_v(r->from)) {
			h->v_known = 1;
			h->v_cycle = r->cycle;
		}
		return 0;
	}
	if (h->in_span)
		add_interval(h, h->mode, r->cycle - h->last);
	if (!h->in_span && tr_is_v(r->from) && !tr_is_v(r->to)) {
		/* out of V: a new span; the guest's stretch before it */
		h->in_span = h->v_known;
		h->guest = r->cycle - h->v_cycle;
		h->cause = r->cause;
		h->irq = r->irq;
		h->niv = 0;
		h->mark = 0;
		h->marked = 0;
	} else if (h->in_span && !strcmp(r->event, "mark")) {
		h->mark = r->cause;
		h->marked = 1;
	} else if (tr_is_v(r->to) && !tr_is_v(r->from)) {
		if (h->in_span) {
			out->hart = r->hart;
			out->cause = h->cause;
			out->irq = h->irq;
			out->resume_pc = r->pc;
			classify(h, out);
			closed = 1;
		}
		h->in_span = 0;
		h->v_known = 1;
		h->v_cycle = r->cycle;
	}
	h->last = r->cycle;
	h->mode = r->to;
	return closed;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t phases_median(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
