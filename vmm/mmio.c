// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/err.h"
#include "vmm/mmio.h"

int mmio_bus_register(struct mmio_bus *bus, gpa_t base, u64 size, const char *name,
		      const struct mmio_ops *ops, void *dev)
{
	unsigned i;

	if (!size || base + size < base)
		return vmm_error(EINVAL, "mmio: %s: empty or wrapping range", name);
	if (bus->nr == MMIO_MAX_REGIONS)
		return vmm_error(ENOSPC, "mmio: %s: too many devices", name);
	for (i = 0; i < bus->nr; i++) {
		struct mmio_region *r = &bus->regions[i];

		if (base < r->base + r->size && r->base < base + size)
			return vmm_error(EEXIST, "mmio: %s at %#llx overlaps %s", name,
					 (unsigned long long)base, r->name);
	}
	for (i = bus->nr; i > 0 && bus->regions[i - 1].base > base; i--)
		bus->regions[i] = bus->regions[i - 1];
	bus->regions[i] = (struct mmio_region){
		.base = base, .size = size, .name = name, .ops = ops, .dev = dev
	};
	bus->nr++;
	bus->last = NULL; /* regions moved */
	return 0;
}

static struct mmio_region *search(struct mmio_bus *bus, gpa_t addr)
{
	unsigned lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct mmio_region *r = &bus->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

struct mmio_region *mmio_bus_find(struct mmio_bus *bus, gpa_t addr, u32 len)
{
	struct mmio_region *r = __atomic_load_n(&bus->last, __ATOMIC_RELAXED);

	/* addr below the base wraps around: a miss as well */
	if (!r || addr - r->base >= r->size) {
		r = search(bus, addr);
		if (!r)
			return NULL;
		__atomic_store_n(&bus->last, r, __ATOMIC_RELAXED);
	}
	/* The whole access must fall inside the one device. */
	if (len > r->size || addr - r->base > r->size - len)
		return NULL;
	return r;
}

static bool valid_len(u32 len)
{
	return len - 1 < 8 && !(len & (len - 1)); /* 1, 2, 4 or 8 */
}

enum mmio_result mmio_bus_read(struct mmio_bus *bus, gpa_t addr, u32 len, u64 *val)
{
	struct mmio_region *r = valid_len(len) ? mmio_bus_find(bus, addr, len) : NULL;

	*val = 0;
	if (!r)
		return MMIO_UNMAPPED;
	__atomic_fetch_add(&r->accesses, 1, __ATOMIC_RELAXED);
	if (!r->ops->read || r->ops->read(r->dev, addr - r->base, len, val)) {
		*val = 0;
		return MMIO_REFUSED;
	}
	if (len < 8)
		*val &= (1ULL << (len * 8)) - 1;
	return MMIO_OK;
}

enum mmio_result mmio_bus_write(struct mmio_bus *bus, gpa_t addr, u32 len, u64 val)
{
	struct mmio_region *r = valid_len(len) ? mmio_bus_find(bus, addr, len) : NULL;

	if (!r)
		return MMIO_UNMAPPED;
	__atomic_fetch_add(&r->accesses, 1, __ATOMIC_RELAXED);
	if (len < 8)
		val &= (1ULL << (len * 8)) - 1;
	if (!r->ops->write || r->ops->write(r->dev, addr - r->base, len, val))
		return MMIO_REFUSED;
	return MMIO_OK;
}
