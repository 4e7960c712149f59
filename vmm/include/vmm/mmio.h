/* SPDX-License-Identifier: MIT */
/*
 * The MMIO bus: devices register an address range and two callbacks; a vCPU
 * exit on a non-RAM address becomes one call here. Ranges are registered
 * before the vCPUs start, so lookups take no lock. A lookup first tries the
 * region the last one found (a guest's MMIO comes in runs to one device),
 * then searches the sorted ranges.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include "vmm/types.h"

struct mmio_ops {
	/* off is relative to the range's base; len is 1, 2, 4 or 8. Return 0,
	 * or -EINVAL for an access the device does not accept (size, offset):
	 * the bus then reads as zero and ignores the write. */
	int (*read)(void *dev, u64 off, u32 len, u64 *val);
	int (*write)(void *dev, u64 off, u32 len, u64 val);
};

struct mmio_region {
	gpa_t base;
	u64 size;
	const char *name;
	const struct mmio_ops *ops;
	void *dev;
	u64 accesses;
};

#define MMIO_MAX_REGIONS 16

struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS]; /* sorted by base */
	unsigned nr;
	struct mmio_region *last; /* last hit, any vCPU's (relaxed atomic) */
};

enum mmio_result {
	MMIO_OK = 0,
	MMIO_UNMAPPED = -1, /* no device at this address */
	MMIO_REFUSED = -2,  /* the device refused the access */
};

int mmio_bus_register(struct mmio_bus *bus, gpa_t base, u64 size, const char *name,
		      const struct mmio_ops *ops, void *dev);
struct mmio_region *mmio_bus_find(struct mmio_bus *bus, gpa_t addr, u32 len);
/* Reads that fail leave *val zero. */
enum mmio_result mmio_bus_read(struct mmio_bus *bus, gpa_t addr, u32 len, u64 *val);
enum mmio_result mmio_bus_write(struct mmio_bus *bus, gpa_t addr, u32 len, u64 val);

#endif
