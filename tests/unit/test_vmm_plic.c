// SPDX-License-Identifier: MIT
/* PLIC: gateway, claim/complete, priorities, thresholds, contexts. */
#include "fake.h"

#include <errno.h>
#include <unistd.h>

#include "vmm/devices.h"

static bool out[VMM_MAX_VCPUS];
static unsigned notes;

static void notify(void *opaque, unsigned ctx, bool level)
{
	out[ctx] = level;
	notes++;
}

static struct plic *mk(unsigned nr)
{
	memset(out, 0, sizeof(out));
	notes = 0;
	return plic_create(nr, notify, NULL);
}

static u32 rd(struct plic *p, u64 off)
{
	u64 v = 0xdead;

	assert_int_equal(plic_mmio_ops.read(p, off, 4, &v), 0);
	return v;
}

static void wr(struct plic *p, u64 off, u32 v)
{
	assert_int_equal(plic_mmio_ops.write(p, off, 4, v), 0);
}

#define PRIO(i)	  (PLIC_PRIORITY_BASE + 4 * (i))
#define ENABLE(c) (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (c))
#define THRESH(c) (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c))
#define CLAIM(c)  (THRESH(c) + 4)

static void claim_complete_level(void **state)
{
	struct plic *p = mk(1);

	wr(p, PRIO(10), 1);
	wr(p, ENABLE(0), 1U << 10);
	plic_set_irq(p, 10, true);
	assert_true(out[0]);
	assert_int_equal(rd(p, PLIC_PENDING_BASE), 1U << 10);
	assert_int_equal(rd(p, CLAIM(0)), 10);
	assert_false(out[0]);
	assert_int_equal(rd(p, PLIC_PENDING_BASE), 0);
	/* In flight: the line being high does not pend it again. */
	plic_set_irq(p, 10, true);
	assert_false(out[0]);
	assert_int_equal(rd(p, CLAIM(0)), 0);
	/* Completion with the line still high: pending again. */
	wr(p, CLAIM(0), 10);
	assert_true(out[0]);
	assert_int_equal(rd(p, CLAIM(0)), 10);
	plic_set_irq(p, 10, false);
	wr(p, CLAIM(0), 10);
	assert_false(out[0]);
	assert_int_equal(rd(p, PLIC_PENDING_BASE), 0);
	plic_destroy(p);
}

static void priority_and_threshold(void **state)
{
	struct plic *p = mk(1);

	wr(p, PRIO(3), 2);
	wr(p, PRIO(5), 5);
	wr(p, PRIO(7), 5);
	wr(p, ENABLE(0), (1U << 3) | (1U << 5) | (1U << 7));
	wr(p, THRESH(0), 4);
	plic_set_irq(p, 3, true);
	assert_false(out[0]); /* priority 2 <= threshold 4 */
	plic_set_irq(p, 7, true);
	plic_set_irq(p, 5, true);
	assert_true(out[0]);
	assert_int_equal(rd(p, CLAIM(0)), 5); /* tie: lowest ID */
	assert_int_equal(rd(p, CLAIM(0)), 7);
	assert_false(out[0]);
	wr(p, THRESH(0), 0);
	assert_true(out[0]);
	assert_int_equal(rd(p, CLAIM(0)), 3);
	/* Priority 0 never interrupts. */
	wr(p, PRIO(9), 0);
	wr(p, ENABLE(0), 1U << 9);
	plic_set_irq(p, 9, true);
	assert_int_equal(rd(p, CLAIM(0)), 0);
	assert_int_equal(rd(p, PRIO(5)), 5);
	wr(p, PRIO(5), 0xff);
	assert_int_equal(rd(p, PRIO(5)), 7); /* 3 priority bits */
	plic_destroy(p);
}

static void contexts(void **state)
{
	struct plic *p = mk(2);

	wr(p, PRIO(1), 1);
	wr(p, ENABLE(1), 1U << 1);
	plic_set_irq(p, 1, true);
	assert_false(out[0]);
	assert_true(out[1]);
	assert_int_equal(rd(p, ENABLE(1)), 1U << 1);
	/* A completion from a context the source is not enabled on is ignored. */
	assert_int_equal(rd(p, CLAIM(1)), 1);
	wr(p, CLAIM(0), 1);
	plic_set_irq(p, 1, false);
	plic_set_irq(p, 1, true);
	assert_false(out[1]);
	wr(p, CLAIM(1), 1);
	assert_true(out[1]);
	plic_destroy(p);
}

static void read_only_and_bad(void **state)
{
	struct plic *p = mk(1);
	u64 v;

	wr(p, PRIO(2), 1);
	wr(p, ENABLE(0), 0xffffffff);
	assert_int_equal(rd(p, ENABLE(0)), 0xfffffffe); /* source 0 does not exist */
	wr(p, PLIC_PENDING_BASE, 0xffffffff);
	assert_int_equal(rd(p, PLIC_PENDING_BASE), 0);
	assert_false(out[0]);
	assert_int_equal(plic_mmio_ops.read(p, PRIO(1), 1, &v), -EINVAL);
	assert_int_equal(plic_mmio_ops.write(p, PRIO(1) + 2, 4, 1), -EINVAL);
	assert_int_equal(plic_mmio_ops.read(p, CLAIM(5), 4, &v), -EINVAL);
	assert_int_equal(plic_mmio_ops.write(p, ENABLE(3), 4, 1), -EINVAL);
	assert_int_equal(plic_bad_accesses(p), 4);
	/* Sources beyond the last and priority of source 0 read as zero. */
	assert_int_equal(rd(p, PRIO(0)), 0);
	assert_int_equal(rd(p, PRIO(200)), 0);
	plic_set_irq(p, 0, true);
	plic_set_irq(p, 1000, true);
	assert_int_equal(notes, 0);
	plic_destroy(p);
}

/* The doorbell's I/O thread raises its line through the PLIC. */
static void doorbell_through_plic(void **state)
{
	struct plic *p = mk(1);
	struct doorbell *d =
		doorbell_create((struct irq_line){ .set = plic_set_irq, .ctl = p, .irq = 11 });
	u64 v = 0;

	assert_non_null(d);
	wr(p, PRIO(11), 1);
	wr(p, ENABLE(0), 1U << 11);
	for (int round = 1; round <= 3; round++) {
		assert_int_equal(doorbell_mmio_ops.write(d, DOORBELL_RING, 4, 1), 0);
		for (int i = 0; i < 2000 && !out[0]; i++)
			usleep(1000);
		assert_true(out[0]);
		assert_int_equal(rd(p, CLAIM(0)), 11);
		doorbell_mmio_ops.read(d, DOORBELL_LEVEL, 4, &v);
		assert_int_equal(v, 1);
		assert_int_equal(doorbell_mmio_ops.write(d, DOORBELL_ACK, 4, 1), 0);
		wr(p, CLAIM(0), 11);
		assert_false(out[0]);
		doorbell_mmio_ops.read(d, DOORBELL_COUNT, 4, &v);
		assert_int_equal(v, round);
	}
	assert_int_equal(doorbell_mmio_ops.read(d, DOORBELL_COUNT, 2, &v), -EINVAL);
	doorbell_destroy(d);
	plic_destroy(p);
}

/* Reset forgets configuration and claims; a line still high pends again. */
static void reset(void **state)
{
	struct plic *p = mk(1);

	wr(p, PRIO(4), 3);
	wr(p, ENABLE(0), 1U << 4);
	plic_set_irq(p, 4, true);
	assert_int_equal(rd(p, CLAIM(0)), 4); /* claimed, never completed */
	plic_reset(p);
	assert_int_equal(rd(p, PRIO(4)), 0);
	assert_int_equal(rd(p, ENABLE(0)), 0);
	assert_int_equal(rd(p, PLIC_PENDING_BASE), 1U << 4);
	wr(p, PRIO(4), 1);
	wr(p, ENABLE(0), 1U << 4);
	assert_true(out[0]);
	assert_int_equal(rd(p, CLAIM(0)), 4);
	plic_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(claim_complete_level),
		cmocka_unit_test(priority_and_threshold),
		cmocka_unit_test(contexts),
		cmocka_unit_test(read_only_and_bad),
		cmocka_unit_test(doorbell_through_plic),
		cmocka_unit_test(reset),
	};

	return cmocka_run_group_tests_name("vmm_plic", tests, NULL, NULL);
}
