/* SPDX-License-Identifier: MIT */
/*
 * Console and result lines shared by the bare-metal DV-Ext tests (isa.c runs
 * as the firmware, fw.c as an S-mode payload): the 16550 of QEMU virt,
 * polled, and "ok - what" / "not ok - what" lines that the dvext suite reads.
 */
#ifndef DVEXT_TEST_REPORT_H
#define DVEXT_TEST_REPORT_H

#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000UL)

static void putc_(char c)
{
	while (!(UART[5] & 0x20))
		;
	UART[0] = (uint8_t)c;
}
static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}
static void putx(unsigned long v)
{
	int i;

	puts_("0x");
	for (i = 0; i < 16; i++)
		putc_("0123456789abcdef"[(v >> (60 - 4 * i)) & 15]);
}
static void __attribute__((unused)) putu(unsigned long v)
{
	char b[24];
	int i = 23;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(&b[i]);
}
static int failed, passed;
static void check(int cond, const char *what)
{
	puts_(cond ? "ok - " : "not ok - ");
	puts_(what);
	puts_("\n");
	if (cond)
		passed++;
	else
		failed++;
}
static void __attribute__((unused)) note(const char *what, unsigned long v)
{
	puts_("# ");
	puts_(what);
	puts_(" ");
	putx(v);
	puts_("\n");
}

#endif
