// SPDX-License-Identifier: MIT
/*
 * Fuzzer: DuVisor's MMIO instruction path: the decoder of loads and stores
 * (32-bit, compressed and htinst's transformed form) and the software walk
 * of the guest's own page tables (Bare, Sv39, Sv48, Sv57) used to fetch the
 * faulting instruction. The input is the instruction word, vsatp, the VA
 * and then the contents of guest RAM (random page tables). Checked: no
 * crash or read outside guest RAM (ASan), decoded widths 1/2/4/8, lengths
 * 2/4, registers < 32, a translation only to an address the walk could read.
 */
#include <stdlib.h>
#include <string.h>

#include "insn.h"
#include "vmm/memmap.h"

#define RAM (64ULL << 10)

static uint8_t ram[RAM];

static u64 take(const uint8_t **p, size_t *n, unsigned bytes)
{
	u64 v = 0;

	for (unsigned i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (u64) * *p << (8 * i);
	return v;
}

static void check(int r, const struct mmio_insn *d)
{
	if (r)
		return;
	if (d->len != 2 && d->len != 4)
		abort();
	if (d->width != 1 && d->width != 2 && d->width != 4 && d->width != 8)
		abort();
	if (d->reg >= 32)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem m = { .base = MM_RAM_BASE, .size = RAM, .hva = ram };
	struct mmio_insn d;
	u32 insn = take(&data, &size, 4), tinst = take(&data, &size, 4);
	u64 vsatp = take(&data, &size, 8), va = take(&data, &size, 8);
	gpa_t gpa;
	u32 fetched;

	memset(&d, 0, sizeof(d));
	check(mmio_decode(insn, &d), &d);
	memset(&d, 0, sizeof(d));
	check(mmio_decode_tinst(tinst, &d), &d);
	/* Point the table root into RAM most of the time. */
	if (!(vsatp & (1ULL << 59)))
		vsatp = (vsatp & ~((1ULL << 44) - 1)) | ((MM_RAM_BASE >> 12) + (vsatp & 0xf));
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data, size < RAM ? size : RAM);
	gw_translate(&m, vsatp, va, &gpa);
	if (!gw_fetch(&m, vsatp, va, &fetched)) {
		memset(&d, 0, sizeof(d));
		check(mmio_decode(fetched, &d), &d);
	}
	return 0;
}
