// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "insn.h"

static int decode32(u32 insn, struct mmio_insn *d)
{
	unsigned op = insn & 0x7f, f3 = (insn >> 12) & 7;

	d->len = 4;
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
	memset(d, 0, sizeof(*d));
	return insn_len(insn) == 4 ? decode32(insn, d) : decode16(insn & 0xffff, d);
}

int mmio_decode_tinst(u32 tinst, struct mmio_insn *d)
{
	/* A transformed load/store is the 32-bit form with rs1 = 0; bit 1
	 * clear means the original was a 16-bit instruction. */
	bool compressed = !(tinst & 2);
	int err;

	if (!tinst)
		return -EINVAL;
	err = mmio_decode(tinst | 3, d);
	if (!err && compressed)
		d->len = 2;
	return err;
}
