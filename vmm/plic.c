// SPDX-License-Identifier: MIT
/*
 * PLIC (RISC-V PLIC spec 1.0.0): level-triggered sources 1..PLIC_NR_SOURCES-1,
 * one context per hart (its S-mode external interrupt). A source whose line is
 * high becomes pending unless a claim of it is still in flight; completion
 * lets a still-high line pend again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/devices.h"
#include "vmm/faultinj.h"
#include "vmm/memmap.h"

#define NR_WORDS ((PLIC_NR_SOURCES + 31) / 32)

struct plic_ctx {
	u32 enable[NR_WORDS];
	u32 threshold;
	bool output;
};

struct plic {
	pthread_mutex_t lock;
	unsigned nr_ctx;
	u32 priority[PLIC_NR_SOURCES];
	u32 level[NR_WORDS];
	u32 pending[NR_WORDS];
	u32 claimed[NR_WORDS];
	struct plic_ctx ctx[VMM_MAX_VCPUS];
	plic_notify_fn notify;
	void *opaque;
	u64 bad_accesses;
};

static bool bit(const u32 *w, unsigned i)
{
	return w[i / 32] >> (i % 32) & 1;
}

static void set_bit_to(u32 *w, unsigned i, bool v)
{
	if (v)
		w[i / 32] |= 1U << (i % 32);
	else
		w[i / 32] &= ~(1U << (i % 32));
}

/* Highest-priority pending and enabled source above the threshold; ties go to
 * the lowest ID. 0 if none. */
static unsigned best_irq(struct plic *p, struct plic_ctx *c)
{
	unsigned irq, best = 0;
	u32 best_prio = 0;

	for (irq = 1; irq < PLIC_NR_SOURCES; irq++) {
		if (!bit(p->pending, irq) || !bit(c->enable, irq))
			continue;
		if (p->priority[irq] > c->threshold && p->priority[irq] > best_prio) {
			best = irq;
			best_prio = p->priority[irq];
		}
	}
	return best;
}

/* Recompute every context's output; tell the VM about changes. Lock held:
 * notify must not call back into the PLIC. */
static void update(struct plic *p)
{
	for (unsigned i = 0; i < p->nr_ctx; i++) {
		bool out = best_irq(p, &p->ctx[i]) != 0;

		if (out != p->ctx[i].output) {
			p->ctx[i].output = out;
			if (p->notify)
				p->notify(p->opaque, i, out);
		}
	}
}

struct plic *plic_create(unsigned nr_ctx, plic_notify_fn notify, void *opaque)
{
	struct plic *p;

	if (nr_ctx == 0 || nr_ctx > VMM_MAX_VCPUS)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->nr_ctx = nr_ctx;
	p->notify = notify;
	p->opaque = opaque;
	return p;
}

void plic_reset(struct plic *p)
{
	pthread_mutex_lock(&p->lock);
	memset(p->priority, 0, sizeof(p->priority));
	memset(p->claimed, 0, sizeof(p->claimed));
	for (unsigned i = 0; i < p->nr_ctx; i++) {
		memset(p->ctx[i].enable, 0, sizeof(p->ctx[i].enable));
		p->ctx[i].threshold = 0;
	}
	/* Device lines are wires: whatever is still high pends again. */
	memcpy(p->pending, p->level, sizeof(p->pending));
	set_bit_to(p->pending, 0, false);
	update(p);
	pthread_mutex_unlock(&p->lock);
}

void plic_destroy(struct plic *p)
{
	if (p)
		pthread_mutex_destroy(&p->lock);
	free(p);
}

u64 plic_bad_accesses(struct plic *p)
{
	return __atomic_load_n(&p->bad_accesses, __ATOMIC_RELAXED);
}

void plic_set_irq(void *opaque, unsigned irq, bool level)
{
	struct plic *p = opaque;

	if (irq == 0 || irq >= PLIC_NR_SOURCES)
		return;
	pthread_mutex_lock(&p->lock);
	set_bit_to(p->level, irq, level);
	if (level && !bit(p->claimed, irq))
		set_bit_to(p->pending, irq, true);
	else if (!level)
		set_bit_to(p->pending, irq, false);
	update(p);
	pthread_mutex_unlock(&p->lock);
}

static u32 claim(struct plic *p, struct plic_ctx *c)
{
	unsigned irq = best_irq(p, c);

	if (irq) {
		set_bit_to(p->pending, irq, false);
		set_bit_to(p->claimed, irq, true);
	}
	return irq;
}

static void complete(struct plic *p, struct plic_ctx *c, u32 irq)
{
	VMM_FAULT(vmm_fault_uaf(VMM_FAULT_PLIC, irq));
	/* The spec ignores a completion for a source not enabled on the context. */
	if (irq == 0 || irq >= PLIC_NR_SOURCES || !bit(c->enable, irq))
		return;
	set_bit_to(p->claimed, irq, false);
	if (bit(p->level, irq))
		set_bit_to(p->pending, irq, true);
}

static int plic_read(void *dev, u64 off, u32 len, u64 *val)
{
	struct plic *p = dev;
	int ret = 0;

	if (len != 4 || off % 4)
		goto bad;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		unsigned irq = off / 4;

		*val = irq < PLIC_NR_SOURCES ? p->priority[irq] : 0;
	} else if (off < PLIC_ENABLE_BASE) {
		unsigned w = (off - PLIC_PENDING_BASE) / 4;

		*val = w < NR_WORDS ? p->pending[w] : 0;
	} else if (off < PLIC_CONTEXT_BASE) {
		unsigned ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		unsigned w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		*val = (ctx < p->nr_ctx && w < NR_WORDS) ? p->ctx[ctx].enable[w] : 0;
	} else {
		unsigned ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		unsigned reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->nr_ctx) {
			ret = -EINVAL;
		} else if (reg == 0) {
			*val = p->ctx[ctx].threshold;
		} else if (reg == 4) {
			*val = claim(p, &p->ctx[ctx]);
			update(p);
		} else {
			*val = 0;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		return 0;
bad:
	__atomic_fetch_add(&p->bad_accesses, 1, __ATOMIC_RELAXED);
	return -EINVAL;
}

static int plic_write(void *dev, u64 off, u32 len, u64 val)
{
	struct plic *p = dev;
	int ret = 0;

	if (len != 4 || off % 4)
		goto bad;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		unsigned irq = off / 4;

		if (irq > 0 && irq < PLIC_NR_SOURCES)
			p->priority[irq] = val & 7;
	} else if (off < PLIC_ENABLE_BASE) {
		/* Pending bits are read-only. */
	} else if (off < PLIC_CONTEXT_BASE) {
		unsigned ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		unsigned w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->nr_ctx && w < NR_WORDS)
			p->ctx[ctx].enable[w] = w == 0 ? (u32)val & ~1U : (u32)val;
		else
			ret = -EINVAL;
	} else {
		unsigned ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		unsigned reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->nr_ctx)
			ret = -EINVAL;
		else if (reg == 0)
			p->ctx[ctx].threshold = val & 7;
		else if (reg == 4)
			complete(p, &p->ctx[ctx], val);
	}
	update(p);
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		return 0;
bad:
	__atomic_fetch_add(&p->bad_accesses, 1, __ATOMIC_RELAXED);
	return -EINVAL;
}

const struct mmio_ops plic_mmio_ops = {
	.read = plic_read,
	.write = plic_write,
};
