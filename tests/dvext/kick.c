// SPDX-License-Identifier: MIT
/*
 * Cross-hart kick (docs/dv-ext.md, "Cross-hart kick"): bare-metal M-mode
 * program for three harts, run as the firmware. Hart 0 (the sender) makes
 * an interrupt pending on hart 2 (the receiver) and then counts in a loop;
 * hart 1 (a bystander) counts all the time. When the receiver's handler
 * runs it records both counters. With -accel tcg,rr-kick=on the sender's
 * slice ends at the write and the receiver runs next, so the handler sees
 * both counters where they were at the write (0 sender iterations, 0
 * bystander iterations); with it off the sender runs on to the end of its
 * slice and the bystander takes its turn first.
 *
 * Paths: CLINT MSIP with the receiver busy and in WFI, a PLIC line enabled
 * for the receiver's M context (the UART's transmit-empty interrupt, raised
 * by hart 0's write of the UART's IER), and a DV-Ext post through hu_vitr to
 * a vCPU that runs on the receiver (the bit lands in its hvip; the receiver
 * polls mip in M). The program prints one "KICK case sender=N bystander=M"
 * line per case and "ok - kick: ..." for what holds with the kick on and off;
 * tests/suites/dvext compares the counters of the two runs.
 */
#include <dvext/dvext.h>
#include <stdint.h>

#include "csr.h"

#define CSR_MIE	    0x304
#define CSR_MIP	    0x344
#define CSR_HVIP    0x645
#define MIE_MSIE    (1UL << 3)
#define MIE_MEIE    (1UL << 11)
#define MIP_VSSIP   (1UL << 2)
#define MSTATUS_MIE 8UL
#define INTR	    (1UL << 63)

#include "report.h"

/* QEMU virt */
#define CLINT_MSIP(h)  ((volatile uint32_t *)(0x02000000UL + 4 * (h)))
#define PLIC	       0x0c000000UL
#define PLIC_PRIO(s)   ((volatile uint32_t *)(PLIC + 4 * (s)))
#define PLIC_EN(c, s)  ((volatile uint32_t *)(PLIC + 0x2000 + 0x80 * (c) + 4 * ((s) / 32)))
#define PLIC_THRESH(c) ((volatile uint32_t *)(PLIC + 0x200000 + 0x1000 * (c)))
#define PLIC_CLAIM(c)  ((volatile uint32_t *)(PLIC + 0x200000 + 0x1000 * (c) + 4))
#define UART_IRQ       10
#define UART_IER       (UART + 1)
#define UART_IER_THRI  2

#define SENDER	  0
#define BYSTANDER 1
#define RECEIVER  2
#define RCV_MCTX  (2 * RECEIVER) /* the receiver's M-mode PLIC context */
#define LIMIT	  1000000UL	 /* sender iterations before it gives up */

enum { C_NONE, C_MSIP_BUSY, C_MSIP_WFI, C_PLIC, C_POST, C_KPOST, C_N, C_DONE = C_N };
static const char *const names[C_N] = { "", "msip-busy", "msip-wfi", "plic", "post", "kpost" };

static volatile ul phase, ready, handled, sender_progress, bystander_progress;
static volatile ul seen_sender, seen_bystander;
static volatile ul claimed, off_done;
static uint64_t vcputab[2] __attribute__((aligned(16)));

static void record(void)
{
	seen_sender = sender_progress;
	seen_bystander = bystander_progress;
	handled = phase;
}

static void __attribute__((interrupt("machine"), aligned(4))) receiver_trap(void)
{
	ul cause = csrr(mcause);

	if (cause == (INTR | 3)) {
		*CLINT_MSIP(RECEIVER) = 0;
		record();
	} else if (cause == (INTR | 11)) {
		ul src = *PLIC_CLAIM(RCV_MCTX);

		*(volatile uint8_t *)UART_IER = 0;
		*PLIC_CLAIM(RCV_MCTX) = (uint32_t)src;
		claimed = src;
		record();
	} else {
		handled = 0x100 | cause; /* unexpected: the check fails */
	}
}

static void __attribute__((noreturn)) receiver(void)
{
	ul k, spin = 0;

	csrw(mtvec, (ul)receiver_trap);
	csrw(CSR_MIE, MIE_MSIE | MIE_MEIE);
	*PLIC_THRESH(RCV_MCTX) = 0;
	csrs(mstatus, MSTATUS_MIE);
	for (;;) {
		while ((k = phase) == ready)
			;
		if (k == C_DONE)
			break;
		if (k == C_POST || k == C_KPOST) {
			/* kpost: h_enable.KP alone, as a host kernel around guest entry */
			csrc(mstatus, MSTATUS_MIE);
			csrw(DVEXT_CSR_H_VCPUTAB, (ul)vcputab);
			csrw(DVEXT_CSR_H_VCPUNUM, 1UL);
			csrw(DVEXT_CSR_H_VCPU, 0UL);
			csrw(DVEXT_CSR_H_ENABLE,
			     k == C_POST ? DVEXT_H_ENABLE_EN : DVEXT_H_ENABLE_KP);
			ready = k;
			while (!(csrr(CSR_MIP) & MIP_VSSIP))
				spin++;
			record();
			csrw(DVEXT_CSR_H_ENABLE, 0UL);
			csrc(CSR_HVIP, MIP_VSSIP);
			off_done = k;
			csrs(mstatus, MSTATUS_MIE);
		} else if (k == C_MSIP_WFI) {
			ready = k;
			while (handled != k)
				asm volatile("wfi");
		} else {
			ready = k;
			while (handled != k)
				spin++;
		}
	}
	csrc(mstatus, MSTATUS_MIE);
	for (;;)
		asm volatile("wfi");
}

static void __attribute__((noreturn)) bystander(void)
{
	for (;;)
		bystander_progress = bystander_progress + 1;
}

static void __attribute__((noreturn)) finish(void)
{
	puts_("# kick: ");
	putu((ul)passed);
	puts_(" passed, ");
	putu((ul)failed);
	puts_(" failed\n");
	*(volatile uint32_t *)0x100000UL = 0x5555;
	for (;;)
		;
}

static void run(ul k)
{
	ul by0, n = 0;

	handled = 0;
	phase = k;
	while (ready != k)
		;
	if (k == C_POST || k == C_KPOST) {
		/* the sender's view of the same VM: table and size (EN stays 0) */
		csrw(DVEXT_CSR_H_VCPUTAB, (ul)vcputab);
		csrw(DVEXT_CSR_H_VCPUNUM, 1UL);
	}
	by0 = bystander_progress;
	sender_progress = 0;
	switch (k) {
	case C_MSIP_BUSY:
	case C_MSIP_WFI:
		*CLINT_MSIP(RECEIVER) = 1;
		break;
	case C_PLIC:
		*(volatile uint8_t *)UART_IER = UART_IER_THRI;
		break;
	case C_POST:
	case C_KPOST:
		csrw(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(0UL, DVEXT_IRQ_VSSI));
		break;
	}
	while (handled != k && n < LIMIT)
		sender_progress = ++n;

	puts_("KICK ");
	puts_(names[k]);
	puts_(" sender=");
	putu(seen_sender);
	puts_(" bystander=");
	putu(seen_bystander - by0);
	puts_("\n");
	puts_(handled == k ? "ok - kick: " : "not ok - kick: ");
	puts_(names[k]);
	puts_(": the receiver (hart 2) took it while the sender ran on and the bystander "
	      "counted\n");
	if (handled == k)
		passed++;
	else
		failed++;
	if (k == C_KPOST) {
		/* once the receiver wrote KP=0, posts go to the vCPU table */
		while (off_done != k)
			;
		vcputab[0] = 0;
		csrw(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(0UL, DVEXT_IRQ_VSSI));
		check(vcputab[0] == MIP_VSSIP,
		      "kick: kpost: after the receiver's KP=0 a post lands in the vCPU table");
		vcputab[0] = 0;
	}
	if (k == C_POST || k == C_KPOST)
		csrw(DVEXT_CSR_H_VCPUNUM, 0UL);
}

void kick_main(ul hart);
void kick_main(ul hart)
{
	ul k;

	if (hart == BYSTANDER)
		bystander();
	if (hart == RECEIVER)
		receiver();
	if (hart != SENDER)
		for (;;)
			asm volatile("wfi");

	puts_("# cross-hart kick: sender hart 0, bystander hart 1, receiver hart 2\n");
	/* UART line to the receiver's M context only */
	*PLIC_PRIO(UART_IRQ) = 1;
	*PLIC_EN(RCV_MCTX, UART_IRQ) = 1U << (UART_IRQ % 32);
	for (k = C_MSIP_BUSY; k < C_N; k++)
		run(k);
	check(claimed == UART_IRQ,
	      "kick: plic: the receiver claimed the UART's line from its M context");
	phase = C_DONE;
	finish();
}
