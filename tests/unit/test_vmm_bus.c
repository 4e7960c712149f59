// SPDX-License-Identifier: MIT
/* The MMIO bus: registration, lookup, access sizes, refusals. */
#include "fake.h"

#include <errno.h>

#include "vmm/mmio.h"

struct reg_dev {
	u64 last_off, last_val;
	u32 last_len;
	unsigned reads, writes;
	bool refuse;
};

static int dev_read(void *d, u64 off, u32 len, u64 *val)
{
	struct reg_dev *r = d;

	r->reads++;
	r->last_off = off;
	r->last_len = len;
	*val = 0x1122334455667788ULL;
	return r->refuse ? -EINVAL : 0;
}

static int dev_write(void *d, u64 off, u32 len, u64 val)
{
	struct reg_dev *r = d;

	r->writes++;
	r->last_off = off;
	r->last_len = len;
	r->last_val = val;
	return r->refuse ? -EINVAL : 0;
}

static const struct mmio_ops ops = { .read = dev_read, .write = dev_write };

static void register_and_route(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { 0 }, b = { 0 }, c = { 0 };
	u64 v;

	assert_int_equal(mmio_bus_register(&bus, 0x3000, 0x100, "c", &ops, &c), 0);
	assert_int_equal(mmio_bus_register(&bus, 0x1000, 0x100, "a", &ops, &a), 0);
	assert_int_equal(mmio_bus_register(&bus, 0x2000, 0x1000, "b", &ops, &b), 0);
	assert_int_equal(bus.nr, 3);
	assert_true(bus.regions[0].base < bus.regions[1].base);
	assert_true(bus.regions[1].base < bus.regions[2].base);

	assert_int_equal(mmio_bus_read(&bus, 0x2010, 4, &v), MMIO_OK);
	assert_int_equal(b.reads, 1);
	assert_int_equal(b.last_off, 0x10);
	assert_int_equal(v, 0x55667788);
	assert_int_equal(mmio_bus_write(&bus, 0x10ff, 1, 0xabcd), MMIO_OK);
	assert_int_equal(a.last_off, 0xff);
	assert_int_equal(a.last_val, 0xcd);
	assert_int_equal(mmio_bus_write(&bus, 0x3008, 8, 0x1234), MMIO_OK);
	assert_int_equal(c.last_len, 8);
	assert_int_equal(bus.regions[0].accesses, 1);
}

static void unmapped_and_straddling(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { 0 };
	u64 v = 99;

	assert_int_equal(mmio_bus_register(&bus, 0x1000, 0x100, "a", &ops, &a), 0);
	assert_int_equal(mmio_bus_read(&bus, 0x0fff, 1, &v), MMIO_UNMAPPED);
	assert_int_equal(v, 0);
	assert_int_equal(mmio_bus_read(&bus, 0x1100, 4, &v), MMIO_UNMAPPED);
	/* An access that starts inside and ends outside the device is not its. */
	assert_int_equal(mmio_bus_read(&bus, 0x10fe, 4, &v), MMIO_UNMAPPED);
	assert_int_equal(mmio_bus_write(&bus, 0x10fc, 8, 1), MMIO_UNMAPPED);
	/* Sizes other than 1, 2, 4, 8 never reach a device. */
	assert_int_equal(mmio_bus_read(&bus, 0x1000, 3, &v), MMIO_UNMAPPED);
	assert_int_equal(mmio_bus_read(&bus, 0x1000, 0, &v), MMIO_UNMAPPED);
	assert_int_equal(a.reads + a.writes, 0);
	assert_int_equal(mmio_bus_read(&bus, ~0ULL, 8, &v), MMIO_UNMAPPED);
}

static void refused_reads_zero(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { .refuse = true };
	u64 v = 99;

	assert_int_equal(mmio_bus_register(&bus, 0x1000, 0x100, "a", &ops, &a), 0);
	assert_int_equal(mmio_bus_read(&bus, 0x1000, 4, &v), MMIO_REFUSED);
	assert_int_equal(v, 0);
	assert_int_equal(mmio_bus_write(&bus, 0x1000, 4, 1), MMIO_REFUSED);
}

static void overlaps_rejected(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { 0 };

	assert_int_equal(mmio_bus_register(&bus, 0x1000, 0x100, "a", &ops, &a), 0);
	assert_int_equal(mmio_bus_register(&bus, 0x10ff, 0x10, "b", &ops, &a), -EEXIST);
	assert_int_equal(mmio_bus_register(&bus, 0x0f00, 0x101, "b", &ops, &a), -EEXIST);
	assert_int_equal(mmio_bus_register(&bus, 0x0f00, 0x100, "b", &ops, &a), 0);
	assert_int_equal(mmio_bus_register(&bus, 0x5000, 0, "e", &ops, &a), -EINVAL);
	assert_int_equal(mmio_bus_register(&bus, ~0ULL - 4, 0x10, "w", &ops, &a), -EINVAL);
}

static void full_bus(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { 0 };

	for (unsigned i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_int_equal(mmio_bus_register(&bus, 0x1000 * (i + 1), 0x100, "x", &ops, &a),
				 0);
	assert_int_equal(mmio_bus_register(&bus, 0x100000, 0x100, "y", &ops, &a), -ENOSPC);
	/* Every one is still found by the binary search. */
	for (unsigned i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_non_null(mmio_bus_find(&bus, 0x1000 * (i + 1) + 0x80, 4));
	assert_null(mmio_bus_find(&bus, 0x1000 * (MMIO_MAX_REGIONS + 1), 4));
}

/* The last-hit cache: a run of accesses to one device skips the search;
 * an access elsewhere, or one the cached device cannot take, is right. */
static void last_hit_cache(void **state)
{
	struct mmio_bus bus = { 0 };
	struct reg_dev a = { 0 }, b = { 0 };
	u64 v;

	assert_int_equal(mmio_bus_register(&bus, 0x1000, 0x100, "a", &ops, &a), 0);
	assert_int_equal(mmio_bus_register(&bus, 0x2000, 0x100, "b", &ops, &b), 0);
	assert_null(bus.last);
	assert_int_equal(mmio_bus_read(&bus, 0x2010, 4, &v), MMIO_OK);
	assert_ptr_equal(bus.last, &bus.regions[1]);
	assert_int_equal(mmio_bus_read(&bus, 0x20fc, 4, &v), MMIO_OK);
	assert_int_equal(b.reads, 2);
	assert_int_equal(b.last_off, 0xfc);
	/* below and above the cached region: found by the search */
	assert_int_equal(mmio_bus_write(&bus, 0x1008, 1, 7), MMIO_OK);
	assert_int_equal(a.writes, 1);
	assert_ptr_equal(bus.last, &bus.regions[0]);
	assert_int_equal(mmio_bus_read(&bus, 0x2100, 4, &v), MMIO_UNMAPPED);
	assert_int_equal(mmio_bus_read(&bus, 0x0ff0, 4, &v), MMIO_UNMAPPED);
	assert_ptr_equal(bus.last, &bus.regions[0]); /* a miss does not replace it */
	/* straddling the end of the cached region: refused, not cut short */
	assert_int_equal(mmio_bus_read(&bus, 0x10fe, 4, &v), MMIO_UNMAPPED);
	assert_int_equal(a.reads, 0);
	/* registering moves regions: the cache is dropped */
	assert_int_equal(mmio_bus_register(&bus, 0x0800, 0x100, "c", &ops, &b), 0);
	assert_null(bus.last);
	assert_int_equal(mmio_bus_write(&bus, 0x1008, 1, 9), MMIO_OK);
	assert_int_equal(a.writes, 2);
	assert_int_equal(a.last_val, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(register_and_route), cmocka_unit_test(unmapped_and_straddling),
		cmocka_unit_test(refused_reads_zero), cmocka_unit_test(overlaps_rejected),
		cmocka_unit_test(full_bus),	      cmocka_unit_test(last_hit_cache),
	};

	return cmocka_run_group_tests_name("vmm_bus", tests, NULL, NULL);
}
