// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "insn.h"

static int decode32(u32 insn, struct mmio_insn *d)
{
	unsigned op = insn & 0x7f, f3 = (insn >> 12) & 7;

	d->len = 4;
	d->sign = false;
	if (op == 0x03) { /* LB LH LW LD LBU LHU LWU */
		if (f3 == 7)
			return -EINVAL;
		d->is_write = false;
		d->width = 1U << (f3 & 3);
		d->sign = !(f3 & 4);
		d->reg = (insn >> 7) & 31;
		return 0;
	}
	if (op == 0x23) { /* SB SH SW SD */
		if (f3 > 3)
			return -EINVAL;
		d->is_write = true;
		d->width = 1U << f3;
		d->sign = false;
		d->reg = (insn >> 20) & 31;
		return 0;
	}
	return -EINVAL;
}

static int decode16(u32 insn, struct mmio_insn *d)
{
	unsigned q = insn & 3, f3 = (insn >> 13) & 7;

	d->len = 2;
	d->sign = true;
	if (q == 0) { /* C.LW C.LD C.SW C.SD: rd'/rs2' in bits 4:2 */
		d->reg = 8 + ((insn >> 2) & 7);
		switch (f3) {
		case 2:
			d->is_write = false;
			d->width = 4;
			return 0;
		case 3:
			d->is_write = false;
			d->width = 8;
			return 0;
		case 6:
			d->is_write = true;
			d->width = 4;
			return 0;
		case 7:
			d->is_write = true;
			d->width = 8;
			return 0;
		}
		return -EINVAL;
	}
	if (q == 2) { /* C.LWSP C.LDSP (rd in 11:7), C.SWSP C.SDSP (rs2 in 6:2) */
		switch (f3) {
		case 2:
		case 3:
			d->reg = (insn >> 7) & 31;
			if (!d->reg)
				return -EINVAL;
			d->is_write = false;
			d->width = f3 == 2 ? 4 : 8;
			return 0;
		case 6:
		case 7:
			d->reg = (insn >> 2) & 31;
			d->is_write = true;
			d->width = f3 == 6 ? 4 : 8;
			return 0;
		}
	}
	return -EINVAL;
}

int mmio_decode(u32 insn, struct mmio_insn *d)
{
	return insn_len(insn) == 4 ? decode32(insn, d) : decode16(insn & 0xffff, d);
}

/* Whether the instruction bits at the entry's host address, and every
 * page-table entry its walk read, are what they were. */
static bool still_valid(const struct mmio_dcache_entry *e)
{
	u16 half[2];

	for (unsigned i = 0; i < e->path.n; i++)
		if (__atomic_load_n(e->path.pte[i], __ATOMIC_RELAXED) != e->path.val[i])
			return false;
	memcpy(half, e->where, e->d.len);
	return (e->d.len == 2 ? half[0] : half[0] | (u32)half[1] << 16) == e->insn;
}

int mmio_dcache_decode(struct mmio_dcache *c, const struct guest_mem *m, u64 vsatp, u64 pc,
		       struct mmio_insn *d)
{
	struct mmio_dcache_entry *e = &c->e[(pc >> 1) % MMIO_DCACHE_SIZE];
	struct gw_path path;
	gpa_t gpa;
	hva_t p;
	u32 insn;
	u16 lo, hi;

	if (e->where && e->pc == pc && e->vsatp == vsatp && still_valid(e)) {
		c->hits++;
		*d = e->d;
		return 0;
	}
	c->misses++;
	if (pc & 1 || gw_translate_path(m, vsatp, pc, &gpa, &path))
		return -EFAULT;
	p = gmem_ptr(m, gpa, 2);
	if (!p)
		return -EFAULT;
	memcpy(&lo, p, 2);
	insn = lo;
	if ((lo & 3) == 3) {
		if ((pc & 0xfff) == 0xffe) {
			/* The second half is on the next page: decode, do not cache. */
			if (gw_fetch(m, vsatp, pc, &insn))
				return -EFAULT;
			return mmio_decode(insn, d);
		}
		if (!gmem_ptr(m, gpa, 4))
			return -EFAULT;
		memcpy(&hi, p + 2, 2);
		insn |= (u32)hi << 16;
	}
	if (mmio_decode(insn, d))
		return -EINVAL;
	*e = (struct mmio_dcache_entry){
		.pc = pc, .vsatp = vsatp, .where = p, .insn = insn, .d = *d, .path = path
	};
	return 0;
}
