// SPDX-License-Identifier: MIT
/*
 * guestfuzz: a seeded bare-metal guest fuzzer (issue 12, part 3), the same
 * program and seeds on KVM (dv-kvm) and DuVisor. Boot arguments:
 *   seed=N   the stream of inputs (splitmix64)
 *   ops=N    how many inputs (default 2000)
 *   from=N   skip the first N inputs (generated, not executed): with ops=1
 *            it replays input N alone
 *   verbose=1  print each input (kind and parameters) before it runs
 * Each input is one of:
 *   mmio    a load or store at any device region (PLIC, UART, test device,
 *           doorbell, the 8 virtio-mmio slots, unmapped space), any width
 *           (1/2/4/8) and alignment, random values
 *   virtq   a virtio device driven through a random setup with a random
 *           descriptor table, random ring indices and a notify
 *   sbi     an SBI call: every extension (legacy v0.1 included), random and
 *           edge function IDs and arguments
 *   insn    a random privileged (SYSTEM opcode) or illegal instruction
 *   paging  a random Sv39 guest page table (identity for RAM and devices,
 *           random entries elsewhere), then loads, stores and MMIO through it
 * The guest keeps going through its own exceptions (skipped, counted) and
 * masks interrupts. Calls that would end the run (SRST, legacy shutdown,
 * our exit call, the test device's PASS/FAIL/RESET values, HSM stop and
 * suspend of itself) are left out; console output is left out (noise).
 * Progress: "GFUZZ: at N" every 256 inputs; at the end
 * "GFUZZ: done seed=S ops=N exceptions=E ..." and exit 0.
 */
#include <stdint.h>
#include <string.h>

#include "dvguest.h"

static uint64_t st;
static uint64_t verbose;

static uint64_t rnd(void)
{
	uint64_t z = (st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const uint64_t edges[] = { 0,
				  1,
				  2,
				  7,
				  0xff,
				  0xffff,
				  0x7fffffff,
				  0xffffffff,
				  0x80000000,
				  0x80000000 + (8ULL << 20),
				  0x87fffff8,
				  0x88000000,
				  0x10000000,
				  0x0c000000,
				  0x8000000000000000ULL,
				  0xffffffffffffffffULL,
				  0xfffffffffffffff8ULL };

static uint64_t val(void)
{
	return rnd() % 3 ? rnd() >> (rnd() % 64)
			 : edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
}

static volatile unsigned long n_exc, n_irq;
static unsigned long n_kind[5];

/* Every exception: skip the instruction; every interrupt: mask it. */
__attribute__((interrupt("supervisor"), aligned(4))) static void fz_trap(void)
{
	unsigned long cause, epc;
	uint16_t h;

	__asm__ volatile("csrr %0, scause" : "=r"(cause));
	__asm__ volatile("csrr %0, sepc" : "=r"(epc));
	if ((long)cause < 0) {
		n_irq++;
		__asm__ volatile("csrc sie, %0" ::"r"(1UL << (cause & 63)));
		return;
	}
	n_exc++;
	h = *(volatile uint16_t *)epc;
	epc += (h & 3) == 3 ? 4 : 2;
	__asm__ volatile("csrw sepc, %0" ::"r"(epc));
}

/* ---- mmio ---- */
static const struct {
	uintptr_t base, size;
} regions[] = {
	{ 0x0c000000, 0x400000 },  /* PLIC (its first 4 MiB: sources, enables, contexts) */
	{ 0x10000000, 0x100 },	   /* UART */
	{ 0x00100000, 0x1000 },	   /* test device */
	{ 0x00101000, 0x1000 },	   /* doorbell */
	{ 0x10001000, 0x8000 },	   /* virtio-mmio slots 0-7 */
	{ 0x00000000, 0x80000000 } /* anything below RAM */
};

static int test_dev_safe(uintptr_t a, uint64_t *v)
{
	if (a >= 0x100000 && a < 0x101000) {
		unsigned low = *v & 0xffff;

		if (low == 0x3333 || low == 0x5555 || low == 0x7777)
			*v ^= 1;
	}
	return 0;
}

static void mmio_access(uintptr_t a, unsigned w, int write, uint64_t v)
{
	test_dev_safe(a, &v);
	if (write) {
		switch (w) {
		case 1:
			*(volatile uint8_t *)a = v;
			break;
		case 2:
			*(volatile uint16_t *)a = v;
			break;
		case 4:
			*(volatile uint32_t *)a = v;
			break;
		default:
			*(volatile uint64_t *)a = v;
		}
	} else {
		switch (w) {
		case 1:
			(void)*(volatile uint8_t *)a;
			break;
		case 2:
			(void)*(volatile uint16_t *)a;
			break;
		case 4:
			(void)*(volatile uint32_t *)a;
			break;
		default:
			(void)*(volatile uint64_t *)a;
		}
	}
}

static void op_mmio(void)
{
	unsigned r = rnd() % (sizeof(regions) / sizeof(regions[0]));
	uintptr_t a = regions[r].base + rnd() % regions[r].size;
	unsigned w = 1U << (rnd() % 4);

	if (rnd() % 4)
		a &= ~(uintptr_t)(w - 1); /* mostly aligned */
	int write = rnd() % 2;
	/* UART THR: printable, so the console stays readable */
	uint64_t v = a == 0x10000000 ? 0x2e : val();

	if (verbose)
		dv_printf("GFUZZ: mmio %s %#lx width %u value %#llx\n", write ? "store" : "load",
			  (unsigned long)a, w, (unsigned long long)v);
	mmio_access(a, w, write, v);
}

/* ---- virtqueues ---- */
static uint8_t qmem[3][4096] __attribute__((aligned(4096)));

static void vw(uintptr_t b, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}

static void op_virtq(void)
{
	uintptr_t b = 0x10001000 + 0x1000 * (rnd() % 3);
	unsigned q = rnd() % 3, num = rnd() % 2 ? 8 : (unsigned)rnd() % 512;

	vw(b, 0x70, 0);
	vw(b, 0x70, 1);
	vw(b, 0x70, 3);
	vw(b, 0x24, 1);
	vw(b, 0x20, rnd() % 4 ? 1 : (uint32_t)rnd());
	vw(b, 0x70, 11);
	vw(b, 0x30, q);
	vw(b, 0x38, num);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t a = rnd() % 4 ? (uintptr_t)qmem[i] : val();

		if (a >= 0x80000000 && a < 0x90000000)
			a = (uintptr_t)qmem[i] + a % 64;

		vw(b, 0x80 + 0x10 * i, a);
		vw(b, 0x84 + 0x10 * i, a >> 32);
	}
	/* random descriptors: addresses in and out of RAM, lengths, flags, next */
	for (unsigned i = 0; i < 16; i++) {
		uint64_t *d = (uint64_t *)(qmem[0] + 16 * i);

		d[0] = rnd() % 2 ? (uintptr_t)qmem[2] + rnd() % 4096 : val();
		/* the device may write there: not over the fuzzer's own RAM */
		if (d[0] >= 0x80000000 && d[0] < 0x90000000)
			d[0] = (uintptr_t)qmem[2] + d[0] % 4096;
		d[1] = rnd() % 2 ? ((rnd() % 8192) | (rnd() % 8) << 32 | (rnd() % 20) << 48)
				 : rnd();
	}
	((uint16_t *)qmem[1])[1] = rnd() % 4 ? 1 + rnd() % 4 : (uint16_t)rnd(); /* avail idx */
	for (unsigned i = 0; i < 8; i++)
		((uint16_t *)qmem[1])[2 + i] = rnd() % 4 ? rnd() % 16 : (uint16_t)rnd();
	vw(b, 0x44, 1);
	vw(b, 0x70, rnd() % 4 ? 15 : (uint32_t)rnd());
	vw(b, 0x50, rnd() % 4 ? q : (uint32_t)rnd());
	(void)*(volatile uint32_t *)(b + 0x60);
	vw(b, 0x64, rnd());
	if (rnd() % 2)
		vw(b, 0x70, 0); /* reset */
}

/* ---- SBI ---- */
static const unsigned long exts[] = { 0,	  2,	      3,	  4,	      5,
				      6,	  7,	      0x10,	  0x54494D45, 0x735049,
				      0x52464E43, 0x48534D,   0x08445642, 0x4442434E, 0x504D55,
				      0x53555350, 0x0A000000, 0x09000000, 0x08000000 };

static void op_sbi(void)
{
	unsigned long ext = rnd() % 8 ? exts[rnd() % (sizeof(exts) / sizeof(exts[0]))] : rnd();
	unsigned long fid = rnd() % 4 ? rnd() % 8 : val();
	register unsigned long a0 __asm__("a0") = val(), a1 __asm__("a1") = val();
	register unsigned long a2 __asm__("a2") = val(), a3 __asm__("a3") = val();
	register unsigned long a4 __asm__("a4") = val(), a5 __asm__("a5") = val();
	register unsigned long a6 __asm__("a6"), a7 __asm__("a7");

	/* calls that end or park the run, and console output */
	if (ext == 0x53525354 || ext == 8 || ext == 1 || (ext == 0x08445642 && fid == 0) ||
	    (ext == 0x48534D && (fid == 1 || fid == 3)))
		return;
	/* v0.1 IPI and fence calls take a pointer to a hart mask: mostly a good one */
	if (ext >= 4 && ext <= 7 && rnd() % 2) {
		static unsigned long mask = 1;

		a0 = (unsigned long)&mask;
	}
	if (verbose)
		dv_printf("GFUZZ: sbi ext %#lx fid %#lx a0 %#lx a1 %#lx a2 %#lx\n", ext, fid, a0,
			  a1, a2);
	a6 = fid;
	a7 = ext;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : "memory");
}

/* ---- privileged and illegal instructions ---- */
static uint32_t code[4] __attribute__((aligned(16)));

static void op_insn(void)
{
	uint32_t w = rnd();
	unsigned csr = w >> 20, f3 = (w >> 12) & 7;

	switch (rnd() % 4) {
	case 0: /* SYSTEM opcode: CSR accesses, fences, hypervisor loads/stores */
		w = (w & ~0x7fU) | 0x73;
		f3 = (w >> 12) & 7;
		csr = w >> 20;
		if (f3 == 0 &&
		    (csr == 0 || csr == 0x102 || csr == 0x302 || csr == 0x105 || (w >> 25) == 0x08))
			w = 0x00100073; /* ecall, sret, mret, wfi, sret-class: an ebreak */
		/* CSRs that would take the fuzzer's own footing away: read only */
		if (f3 &&
		    (csr == 0x100 || csr == 0x104 || csr == 0x105 || csr == 0x180 || csr == 0x140 ||
		     csr == 0x141 || csr == 0x142 || csr == 0x143 || csr == 0x144 || csr == 0x10a))
			w = (w & ~(0x1fU << 15)) | (2U << 12); /* csrrs rd, csr, x0 */
		break;
	case 1: /* custom / reserved opcodes, all-zero, all-ones */
		w = (w & ~0x7fU) | (unsigned)(0x0b + 0x20 * (rnd() % 4));
		if (rnd() % 8 == 0)
			w = rnd() % 2 ? 0 : 0xffffffff;
		break;
	case 2: /* compressed: c.unimp (0) and the reserved quadrant-0 funct3 100 */
		w = rnd() % 4 ? 0x8000 | (rnd() & 0x1ffc) : 0;
		break;
	default: /* FP and AMO opcodes with random fields */
		w = (w & ~0x7fU) | (rnd() % 2 ? 0x53 : 0x2f);
		if ((w & 0x7f) == 0x2f)
			w &= ~(0x1fU << 15); /* AMO address register x0: address 0 */
		break;
	}
	/* rd = x0 keeps the caller's registers */
	if ((w & 3) == 3)
		w &= ~(0x1fU << 7);
	code[0] = (w & 3) == 3 ? w : (w & 0xffff) | 0x00010000; /* a 16-bit word, then c.nop */
	code[1] = 0x00008067;					/* ret */
	if (verbose)
		dv_printf("GFUZZ: insn %#x\n", code[0]);
	__asm__ volatile("fence.i" ::: "memory");
	((void (*)(void))code)();
}

/* ---- guest page tables ---- */
static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));

static void op_paging(void)
{
	uint64_t satp;

	/* Random leaves only (R set), never writable over RAM: the fuzzer's
	 * own memory stays intact; the walks, faults and MMIO are what count. */
	for (unsigned i = 0; i < 512; i++) {
		pt_root[i] = rnd() % 4 ? 0 : rnd() | 2;
		pt_l1[i] = (rnd() % 2 ? rnd() : ((rnd() % 0x90000) << 10) | (rnd() & 0xff)) | 2;
		if (((pt_root[i] >> 10) << 12) >= 0x80000000)
			pt_root[i] &= ~4ULL;
		if (((pt_l1[i] >> 10) << 12) >= 0x80000000)
			pt_l1[i] &= ~4ULL;
	}
	/* identity gigapages: devices (VPN2 0) and RAM (VPN2 2); a pointer to the random table */
	pt_root[0] = (0x0ULL << 28) | 0xcf;
	pt_root[2] = (0x80000000ULL >> 2) | 0xcf;
	pt_root[3] = ((uint64_t)(uintptr_t)pt_l1 >> 2) | 1;
	satp = (8ULL << 60) | ((uintptr_t)pt_root >> 12);
	__asm__ volatile("csrw satp, %0; sfence.vma" ::"r"(satp) : "memory");
	for (unsigned i = 0; i < 8; i++) {
		uintptr_t va = rnd() % 2 ? 0xc0000000 + (rnd() % 0x40000000) : rnd();
		unsigned w = 1U << (rnd() % 4);

		if (rnd() % 2) {
			/* through the identity map to a device: MMIO from a paged guest */
			va = regions[rnd() % 5].base + (rnd() % 0x100);
			va &= ~(uintptr_t)(w - 1);
		}
		mmio_access(va, w, rnd() % 2, val());
	}
	__asm__ volatile("csrw satp, zero; sfence.vma" ::: "memory");
}

int main(void)
{
	uint64_t seed = dv_arg("seed", 1), ops = dv_arg("ops", 2000), from = dv_arg("from", 0);

	verbose = dv_arg("verbose", 0);
	static const char *const names[] = { "mmio", "virtq", "sbi", "insn", "paging" };

	st = seed * 0x2545f4914f6cdd1dULL;
	__asm__ volatile("csrc sstatus, %0" ::"r"(2UL)); /* SIE off */
	__asm__ volatile("csrw sie, zero");
	__asm__ volatile("csrw stvec, %0" ::"r"(fz_trap));
	dv_printf("GFUZZ: seed=%llu ops=%llu from=%llu\n", (unsigned long long)seed,
		  (unsigned long long)ops, (unsigned long long)from);
	for (uint64_t i = 0; i < from + ops; i++) {
		uint64_t s0 = st;
		unsigned k = rnd() % 100;

		k = k < 35 ? 0 : k < 45 ? 1 : k < 75 ? 2 : k < 92 ? 3 : 4;
		if (i < from) {
			st = s0 + (i + 1) * 0x632be59bd9b4e019ULL; /* as after running it */
			continue;
		}
		if (i % 256 == 0)
			dv_printf("GFUZZ: at %llu\n", (unsigned long long)i);
		n_kind[k]++;
		if (verbose)
			dv_printf("GFUZZ: input %llu: %s\n", (unsigned long long)i, names[k]);
		switch (k) {
		case 0:
			op_mmio();
			break;
		case 1:
			op_virtq();
			break;
		case 2:
			op_sbi();
			break;
		case 3:
			op_insn();
			break;
		default:
			op_paging();
		}
		/* every input starts from its own state: replayable alone with from= */
		st = s0 + (i + 1) * 0x632be59bd9b4e019ULL;
		__asm__ volatile("csrw stvec, %0" ::"r"(fz_trap));
		__asm__ volatile("csrw satp, zero");
	}
	dv_printf("GFUZZ: done seed=%llu ops=%llu exceptions=%lu interrupts=%lu",
		  (unsigned long long)seed, (unsigned long long)ops, n_exc, n_irq);
	for (unsigned k = 0; k < 5; k++)
		dv_printf(" %s=%lu", names[k], n_kind[k]);
	dv_printf("\n");
	dv_exit(0);
}
