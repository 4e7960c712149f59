// SPDX-License-Identifier: MIT
/*
 * secguest: the guest side of the Table 6 fault switches (vmm/faultinj.h).
 * Boot argument trigger=CLASS does the one guest action that fires that
 * class's planted bug in a VMM built and run with it:
 *   s2         store to the last 4 KiB of RAM (ram=MIB, default 128): stage-2 fault there
 *   plic       complete PLIC source 0x5ec (no such source)
 *   isa        MMIO load at the test device + 0xec0
 *   exit       ecall with a7 = 0x5ec00004, guest words in a0..a2
 *   sbi-panic  SBI base extension, function 0x5ec0
 *   sbi-loop   SBI base extension, function 0x5ec1
 *   uart       0xec into the UART's scratch register
 * Every action is harmless to a correct VMM (an unknown SBI function, a
 * completion the PLIC ignores, RAM, a register): the guest then prints
 * "SECGUEST: survived CLASS" and exits with status 7, so a run where the
 * VMM lives on is told apart from one where it died.
 */
#include <string.h>

#include "dvguest.h"

int main(void)
{
	char what[16];
	uint64_t ram = dv_arg("ram", 128);

	dv_arg_str("trigger", "none", what, sizeof(what));
	dv_printf("SECGUEST: trigger %s\n", what);
	if (!strcmp(what, "s2")) {
		volatile uint64_t *p = (uint64_t *)(0x80000000UL + (ram << 20) - 4096 + 64);

		*p = 0x4141414141414141ULL;
	} else if (!strcmp(what, "plic")) {
		dv_plic_complete(dv_hartid(), 0x5ec);
	} else if (!strcmp(what, "isa")) {
		(void)dv_read32(0x100000UL + 0xec0);
	} else if (!strcmp(what, "exit")) {
		dv_sbi(0x5ec00004UL, 0, 0x4141414141414141UL, 0x4242424242424242UL,
		       0x4343434343434343UL);
	} else if (!strcmp(what, "sbi-panic")) {
		dv_sbi(0x10, 0x5ec0, 0, 0, 0);
	} else if (!strcmp(what, "sbi-loop")) {
		dv_sbi(0x10, 0x5ec1, 0, 0, 0);
	} else if (!strcmp(what, "uart")) {
		*(volatile uint8_t *)(0x10000000UL + 7) = 0xec;
	} else {
		dv_printf("SECGUEST: unknown trigger\n");
		dv_exit(9);
	}
	dv_printf("SECGUEST: survived %s\n", what);
	dv_exit(7);
}
