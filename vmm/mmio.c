// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "vmm/err.h"
#include "vmm/mmio.h"
#include "vmm/vm.h"

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

static inline struct mmio_region *find(struct mmio_bus *bus, gpa_t addr, u32 len)
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

struct mmio_region *mmio_bus_find(struct mmio_bus *bus, gpa_t addr, u32 len)
{
	return find(bus, addr, len);
}

static bool valid_len(u32 len)
{
	return len - 1 < 8 && !(len & (len - 1)); /* 1, 2, 4 or 8 */
}

static inline enum mmio_result bus_read(struct mmio_bus *bus, gpa_t addr, u32 len, u64 *val)
{
	struct mmio_region *r = valid_len(len) ? find(bus, addr, len) : NULL;

	*val = 0;
	if (!r)
		return MMIO_UNMAPPED;
	__atomic_fetch_add(&r->accesses, 1, __ATOMIC_RELAXED);
	if (!r->ops->read || r->ops->read(r->dev, addr - r->base, len, val)) {
		*val = 0;
		return MMIO_REFUSED;
	}
	*val &= ~0ULL >> (64 - 8 * len); /* len is 1, 2, 4 or 8 */
	return MMIO_OK;
}

static inline enum mmio_result bus_write(struct mmio_bus *bus, gpa_t addr, u32 len, u64 val)
{
	struct mmio_region *r = valid_len(len) ? find(bus, addr, len) : NULL;

	if (!r)
		return MMIO_UNMAPPED;
	__atomic_fetch_add(&r->accesses, 1, __ATOMIC_RELAXED);
	if (len < 8)
		val &= (1ULL << (len * 8)) - 1;
	if (!r->ops->write || r->ops->write(r->dev, addr - r->base, len, val))
		return MMIO_REFUSED;
	return MMIO_OK;
}

enum mmio_result mmio_bus_read(struct mmio_bus *bus, gpa_t addr, u32 len, u64 *val)
{
	return bus_read(bus, addr, len, val);
}

enum mmio_result mmio_bus_write(struct mmio_bus *bus, gpa_t addr, u32 len, u64 val)
{
	return bus_write(bus, addr, len, val);
}

/* ---- a vCPU's MMIO exit (vm.h), the bus inlined ---- */

/* Out of line: the access found no device, or the device refused it. */
static __attribute__((noinline)) void mmio_failed(struct vcpu *vcpu, enum mmio_result r, bool write,
						  gpa_t addr, u32 len)
{
	if (r == MMIO_UNMAPPED) {
		/* Nothing there: reads as zero, writes ignored. */
		if (!vcpu->stat[STAT_MMIO_UNHANDLED])
			vmm_warn("vcpu%u: %s of %u bytes at %#llx: no device there (RAZ/WI)",
				 vcpu->id, write ? "store" : "load", len, (unsigned long long)addr);
		vcpu_stat_inc_own(vcpu, STAT_MMIO_UNHANDLED);
	} else if (r == MMIO_REFUSED) {
		vcpu_stat_inc_own(vcpu, STAT_MMIO_BAD_ACCESS);
	}
}

/* Whether a device asked the VM to stop (vm_stopping(), relaxed: nothing is
 * read on its strength; the stop reaches every vCPU as a kick too). */
static inline bool stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stop, __ATOMIC_RELAXED) != VM_RUNNING;
}

int vcpu_mmio_read(struct vcpu *vcpu, gpa_t addr, u32 len, u64 *val)
{
	enum mmio_result r;

	vcpu_stat_inc_own(vcpu, STAT_EXIT_MMIO_READ);
	r = bus_read(&vcpu->vm->bus, addr, len, val);
	if (r != MMIO_OK)
		mmio_failed(vcpu, r, false, addr, len);
	return stopping(vcpu->vm) ? VMM_STOP : VMM_RESUME;
}

int vcpu_mmio_write(struct vcpu *vcpu, gpa_t addr, u32 len, u64 val)
{
	enum mmio_result r;

	vcpu_stat_inc_own(vcpu, STAT_EXIT_MMIO_WRITE);
	r = bus_write(&vcpu->vm->bus, addr, len, val);
	if (r != MMIO_OK)
		mmio_failed(vcpu, r, true, addr, len);
	return stopping(vcpu->vm) ? VMM_STOP : VMM_RESUME;
}
