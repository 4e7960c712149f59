// SPDX-License-Identifier: MIT
/*
 * The fault switches of vmm/faultinj.h: real bugs of each Table 6 class,
 * compiled only with -DVMM_FAULTS and armed only by DV_FAULT=CLASS. Each
 * says on stderr that it fires, then does what the bug would do; what
 * follows (a signal, a spin) is the VMM's fate, and only its.
 */
#ifdef VMM_FAULTS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/faultinj.h"
#include "vmm/memmap.h"
#include "vmm/sbi.h"

static enum vmm_fault armed(void)
{
	static int a = -1;
	static const char *const names[] = {
		[VMM_FAULT_S2] = "s2",
		[VMM_FAULT_PLIC] = "plic",
		[VMM_FAULT_ISA] = "isa",
		[VMM_FAULT_EXIT] = "exit",
		[VMM_FAULT_SBI_PANIC] = "sbi-panic",
		[VMM_FAULT_SBI_LOOP] = "sbi-loop",
		[VMM_FAULT_UART] = "uart",
	};
	int v = __atomic_load_n(&a, __ATOMIC_RELAXED);

	if (v < 0) {
		const char *e = getenv("DV_FAULT");

		v = VMM_FAULT_NONE;
		for (unsigned i = 1; e && i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(e, names[i]))
				v = i;
		__atomic_store_n(&a, v, __ATOMIC_RELAXED);
	}
	return v;
}

static void say(const char *what)
{
	dprintf(2, "fault-inject: %s\n", what);
}

/* Kept out of line and opaque to the optimizer, so the bugs stay bugs. */
static volatile size_t guest_len = 4096;

/* CVE-2017-12188 class: a stack buffer overrun while handling a stage-2
 * fault: guest bytes (from the start of its RAM) copied into a small stack
 * buffer, 4 KiB of them, over the frame and the return address. */
__attribute__((noinline)) void vmm_fault_s2(const struct guest_mem *m, gpa_t gpa)
{
	volatile u8 buf[64], *dst = buf;
	const u8 *src;
	size_t len = guest_len;

	if (armed() != VMM_FAULT_S2 || gpa < m->base + m->size - 4096 || gpa >= m->base + m->size)
		return;
	say("s2: stack buffer overrun in stage-2 fault handling");
	src = m->hva;
	__asm__ volatile("" : "+r"(dst)); /* hide the bound from the optimizer */
	for (size_t i = 0; i < len; i++)
		dst[i] = src[i] ^ 0x5a; /* guest data over the frame, return address included */
}

struct fi_obj {
	void (*done)(struct fi_obj *o);
	u64 pad[7];
};

static void fi_done(struct fi_obj *o)
{
	(void)o;
}

/* CVE-2018-16882 / CVE-2019-6974 class: an object freed while a pointer to
 * it is still used; the freed memory is taken again, by data the guest
 * chose (here its trigger value), before the stale pointer's callback runs. */
__attribute__((noinline)) void vmm_fault_uaf(enum vmm_fault f, u64 val)
{
	struct fi_obj *o, *stale;
	volatile u64 *spray;

	if (armed() != f || (f == VMM_FAULT_PLIC && val != VMM_FAULT_PLIC_IRQ) ||
	    (f == VMM_FAULT_UART && (val & 0xff) != VMM_FAULT_UART_SCR))
		return;
	say(f == VMM_FAULT_PLIC ? "plic: use-after-free in the virtual PLIC"
				: "uart: use-after-free in the serial device");
	o = malloc(sizeof(*o));
	if (!o)
		return;
	o->done = fi_done;
	stale = o;
	__asm__ volatile("" : "+r"(stale)); /* a reference kept elsewhere */
	free(o);			    /* the bug: stale is still used below */
	spray = malloc(sizeof(*o));
	for (unsigned i = 0; spray && i < sizeof(*o) / 8; i++)
		spray[i] = val * 0x0101010101010101ULL | 0x8000000000000000ULL;
	stale->done(stale);
}

/* CVE-2016-8630 class: the MMIO emulation meets an instruction it cannot
 * handle and executes an undefined one itself. */
__attribute__((noinline)) void vmm_fault_isa(gpa_t gpa)
{
	if (armed() != VMM_FAULT_ISA || gpa != MM_TEST_BASE + VMM_FAULT_ISA_OFF)
		return;
	say("isa: undefined instruction in MMIO emulation");
#if defined(__riscv)
	__asm__ volatile(".word 0");
#else
	__asm__ volatile("ud2");
#endif
}

/* CVE-2020-8834 class: guest state not isolated from the VMM's stack in
 * VM-exit handling: guest registers written over the handler's frame. */
__attribute__((noinline)) void vmm_fault_exit(u64 cause, u64 a7, const u64 *a0_5)
{
	volatile u64 frame[2], *p = frame;

	if (armed() != VMM_FAULT_EXIT || cause != 10 || a7 != VMM_FAULT_EXIT_EID)
		return;
	say("exit: stack corruption in VM-exit handling");
	__asm__ volatile("" : "+r"(p));
	for (size_t i = 0; i < guest_len / 64; i++)
		p[i] = a0_5[i % 6]; /* a0..a5, over and past the frame */
}

/* CVE-2016-5412 class: a hypercall the emulation cannot survive: a panic,
 * or an endless loop (as the original). */
__attribute__((noinline)) void vmm_fault_sbi(u64 ext, u64 fid)
{
	enum vmm_fault a = armed();

	if (ext != SBI_EXT_BASE)
		return;
	if (a == VMM_FAULT_SBI_PANIC && fid == VMM_FAULT_SBI_PANIC_FID) {
		say("sbi-panic: panic in SBI emulation");
		abort();
	}
	if (a == VMM_FAULT_SBI_LOOP && fid == VMM_FAULT_SBI_LOOP_FID) {
		say("sbi-loop: infinite loop in SBI emulation");
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
}
#endif
