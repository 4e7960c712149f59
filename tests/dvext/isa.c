// SPDX-License-Identifier: MIT
/*
 * DV-Ext ISA tests: one M-mode program that drives HS, HU, VS and VU through
 * run_lower() and checks every rule of docs/dv-ext.md. Output is TAP-like:
 * "ok - rule" / "not ok - rule"; "TIMING name value" lines feed the suite's
 * profile and determinism checks.
 */
#include <dvext/dvext.h>
#include <stdint.h>

#include "csr.h"

#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HIDELEG    0x603
#define CSR_HCOUNTEREN 0x606
#define CSR_HVIP       0x645
#define CSR_HGATP      0x680
#define CSR_VSATP      0x280
#define CSR_VSSCRATCH  0x240
#define CSR_VSEPC      0x241
#define CSR_HENVCFG    0x60a
#define CSR_MENVCFG    0x30a
#define CSR_STIMECMP   0x14d
#define CSR_SCOUNTEREN 0x106
#define CSR_SIE	       0x104
#define CSR_SIP	       0x144
#define CSR_VSIE       0x204
#define CSR_VSIP       0x244
#define CSR_VSTIMECMP  0x24d
#define CSR_HIE	       0x604
#define CSR_MIDELEG    0x303
#define CSR_MIE	       0x304
#define CSR_MIP	       0x344

#define MPP_S  (1UL << 11)
#define MPV    (1UL << 39)
#define RUN_U  0UL
#define RUN_HS MPP_S
#define RUN_VS (MPP_S | MPV)
#define RUN_VU MPV
#define INTR   (1UL << 63)

struct mtrap_rec {
	ul cause, epc, tval, status, tval2, count;
};
struct strap_rec {
	ul cause, epc, tval, status, hstatus, count, htval;
};
struct hutrap_rec {
	ul er, einfo, egpa, einst, vpc, vstatus, count, cycle;
};
volatile struct mtrap_rec mtrap;
volatile struct strap_rec strap;
volatile struct hutrap_rec hutrap;
volatile ul hu_next;

long run_lower(void (*fn)(void), ul mode);
void m_trap(void);
void s_trap(void);
void hu_trap(void);
void do_huret(void);

/* ---- console and exit ---- */
#include "report.h"
static void timing(const char *what, ul v)
{
	puts_("TIMING ");
	puts_(what);
	puts_(" ");
	putu(v);
	puts_("\n");
}
static void __attribute__((noreturn)) finish(void)
{
	puts_("# isa: ");
	putu((ul)passed);
	puts_(" passed, ");
	putu((ul)failed);
	puts_(" failed\n");
	*(volatile uint32_t *)0x100000UL = 0x5555;
	for (;;)
		;
}

/* ---- memory used by the tests ---- */
#define PMC_BASE     0x80000000UL
#define PMC_SIZE     0x400000UL	  /* 4 MiB: the image, its stack and tables */
#define OUT_PAGE     0x80800000UL /* RAM outside the PMC range */
#define OUT_TABLE    0x80801000UL /* a G-stage table outside the range */
#define OUT_VSROOT   0x80802000UL /* a VS-stage root outside the range */
#define GPA_UNMAPPED 0x100000000UL
#define GPA_TEST     0xc0000000UL

/* G-stage Sv39x4: root 16 KiB (2048 entries), identity 1 GiB at GPA 2 GiB */
static uint64_t groot[2048] __attribute__((aligned(16384)));
static uint64_t gl1[512] __attribute__((aligned(4096)));
static uint64_t gl0[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
static struct dvext_vcpu_entry vtab[4] __attribute__((aligned(64)));
volatile ul g_val;

#define PTE_V	   1UL
#define PTE_RWX	   0xeUL
#define PTE_U	   0x10UL
#define PTE_AD	   0xc0UL
#define LEAF	   (PTE_V | PTE_RWX | PTE_U | PTE_AD)
#define PTE(pa, f) ((((ul)(pa)) >> 12) << 10 | (f))

static void gstage_setup(void)
{
	groot[2] = PTE(0x80000000UL, LEAF);
	groot[3] = PTE(gl1, PTE_V);
	gl1[0] = PTE(gl0, PTE_V);
	gl0[0] = PTE(page_a, LEAF);
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	csrw(CSR_HGATP, (8UL << 60) | ((ul)groot >> 12));
	asm volatile(".word 0x62000073" ::: "memory"); /* hfence.gvma */
}

/* ---- code run in lower modes (never returns; ends in a trap) ---- */
#define ECALL() asm volatile("ecall" ::: "memory")
#define HANG()   \
	for (;;) \
	ECALL()

static void u_read_hu_er(void)
{
	g_val = csrr(DVEXT_CSR_HU_ER);
	HANG();
}
static void u_scratch(void)
{
	csrw(DVEXT_CSR_HU_SCRATCH, 0x1234);
	g_val = csrr(DVEXT_CSR_HU_SCRATCH);
	HANG();
}
static void u_read_h_enable(void)
{
	g_val = csrr(DVEXT_CSR_H_ENABLE);
	HANG();
}
static void u_write_vcpuid(void)
{
	csrw(DVEXT_CSR_HU_VCPUID, 5);
	HANG();
}
static void u_read_vcpuid(void)
{
	g_val = csrr(DVEXT_CSR_HU_VCPUID);
	HANG();
}
static void any_huret(void)
{
	do_huret();
	HANG();
}
static void u_aliases(void)
{
	g_val = csrr(DVEXT_CSR_HU_VSSCRATCH);
	csrw(DVEXT_CSR_HU_VSEPC, 0x5678);
	csrw(DVEXT_CSR_HU_HVIP, ~0UL);
	csrw(DVEXT_CSR_HU_HENVCFG, ~0UL);
	HANG();
}

/* htinst's transformed form of the 32-bit load/store insn32 (rs1, offset 0)
 * of the instruction at `at`: bit 1 cleared if that one is compressed */
static ul transformed(const char *at, ul insn32)
{
	return (*(const volatile uint16_t *)at & 3) == 3 ? insn32 : insn32 & ~2UL;
}

/* guests */
extern char guest_ecall_at[], guest_vi_at[], guest_ld_at[], guest_st_at[];
extern char guest_ill_at[];
static void g_ecall(void)
{
	asm volatile(".globl guest_ecall_at\nguest_ecall_at: ecall" ::: "memory");
	HANG();
}
static void g_virt_insn(void)
{
	asm volatile(".globl guest_vi_at\nguest_vi_at: csrr t0, 0x600" ::: "t0", "memory");
	HANG();
}
static void g_load_unmapped(void)
{
	register ul a asm("a1") = GPA_UNMAPPED;
	asm volatile(".globl guest_ld_at\nguest_ld_at: ld a0, 0(a1)" ::"r"(a) : "a0", "memory");
	HANG();
}
static void g_store_unmapped(void)
{
	register ul a asm("a1") = GPA_UNMAPPED;
	asm volatile(".globl guest_st_at\nguest_st_at: sd a0, 0(a1)" ::"r"(a) : "memory");
	HANG();
}
static void g_fetch_unmapped(void)
{
	((void (*)(void))GPA_UNMAPPED)();
	HANG();
}
static void g_illegal(void)
{
	asm volatile(".globl guest_ill_at\nguest_ill_at: .word 0" ::: "memory");
	HANG();
}
static void g_spin(void)
{
	for (;;)
		g_val++;
}
static void g_read_test_gpa(void)
{
	g_val = *(volatile ul *)GPA_TEST;
	HANG();
}
static void g_load_out(void)
{
	g_val = *(volatile ul *)OUT_PAGE;
	HANG();
}
static void g_store_out(void)
{
	*(volatile ul *)OUT_PAGE = 1;
	HANG();
}
static void g_fetch_out(void)
{
	((void (*)(void))OUT_PAGE)();
	HANG();
}
static void g_load_in(void)
{
	g_val = page_b[0];
	HANG();
}
static void g_post(void)
{
	csrw(DVEXT_CSR_HU_VITR, g_val);
	HANG();
}
static void g_flush(void)
{
	asm volatile(".word 0x62000073" ::: "memory");
	HANG();
}

/* HU: enter the guest at hu_vpc with HURET */
static volatile ul hu_guest, hu_guest_vs = 1, hu_post_val, hu_cycle0;
static void hu_enter(void)
{
	csrw(DVEXT_CSR_HU_EHB, (ul)hu_trap);
	csrw(DVEXT_CSR_HU_VPC, hu_guest);
	csrw(DVEXT_CSR_HU_VSTATUS, hu_guest_vs ? DVEXT_HU_VSTATUS_SPVP : 0);
	hu_cycle0 = csrr(0xc00);
	do_huret();
	HANG();
}
static void hu_post(void)
{
	csrw(DVEXT_CSR_HU_VITR, hu_post_val);
	g_val = csrr(DVEXT_CSR_HU_HVIP);
	HANG();
}
static void hu_flush_and_reenter(void)
{
	register ul a asm("a0") = GPA_TEST >> 2;
	gl0[0] = PTE(page_b, LEAF);
	asm volatile(".word 0x62050073" ::"r"(a) : "memory"); /* HUFLUSHGPA a0 */
	hu_next = 0;
	hu_guest = (ul)g_read_test_gpa;
	hu_enter();
}
static void u_flush(void)
{
	asm volatile(".word 0x62000073" ::: "memory");
	HANG();
}
static void hu_hlv_out(void)
{
	register ul a asm("a0") = OUT_PAGE;
	asm volatile(".word 0x6c054573" : "+r"(a)::"memory"); /* hlv.d a0,(a0) */
	g_val = a;
	HANG();
}
static void hu_load_out(void)
{
	g_val = *(volatile ul *)OUT_PAGE;
	HANG();
}

/* ---- helpers on the M side ---- */
static void dv_on(ul deleg)
{
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN);
	csrw(DVEXT_CSR_H_DELEG, deleg);
}
static void reset_traps(void)
{
	strap.count = 0;
	strap.cause = ~0UL;
	hutrap.count = 0;
	hutrap.er = ~0UL;
	hu_next = 0;
	hu_guest_vs = 1;
	g_val = 0;
}
static long guest(void (*fn)(void), int vs)
{
	reset_traps();
	hu_guest = (ul)fn;
	hu_guest_vs = (ul)vs;
	return run_lower(hu_enter, RUN_U);
}
static int mtrap_is(long cause, ul mode)
{
	return (ul)cause == mtrap.cause && (mtrap.status & (MPP_S | (1UL << 12) | MPV)) == mode;
}
static int m_probe(void (*fn)(void))
{
	ul n = mtrap.count;

	fn();
	return mtrap.count != n;
}
static void m_read_h_enable(void)
{
	(void)csrr(DVEXT_CSR_H_ENABLE);
}
static void m_read_hu_er(void)
{
	(void)csrr(DVEXT_CSR_HU_ER);
}
static void m_huret(void)
{
	asm volatile(".word 0x00200073" ::: "memory");
}

static void pmp_all(void)
{
	/* entry 15: all memory RWX for S/U (non-V) */
	csrw(0x3bf, ~0UL >> 10);
	csrw(0x3a2, 0x1fUL << 56);
}
static void pmc_set(int on)
{
	if (on) {
		csrw(0x3b0, (PMC_BASE | (PMC_SIZE / 2 - 1)) >> 2);
		csrc(0x3a0, 0xffUL);
		csrs(0x3a0, 0x1fUL | DVEXT_PMPCFG_V);
	} else {
		csrc(0x3a0, 0xffUL);
	}
}

static int find_isa_ext(const uint8_t *fdt)
{
	uint32_t size;
	uint32_t i;
	const char *pat = "_xdvext";

	if (!fdt || fdt[0] != 0xd0 || fdt[1] != 0x0d)
		return -1;
	size = (uint32_t)fdt[4] << 24 | fdt[5] << 16 | fdt[6] << 8 | fdt[7];
	for (i = 0; i + 7 < size; i++) {
		int k = 0;

		while (k < 7 && fdt[i + k] == (uint8_t)pat[k])
			k++;
		if (k == 7)
			return 1;
	}
	return 0;
}

/* ---- stock behaviour with x-dvext=off ---- */
static void tests_off(const uint8_t *fdt)
{
	check(find_isa_ext(fdt) == 0, "dvext off: riscv,isa has no _xdvext");
	mtrap.cause = 0;
	check(m_probe(m_read_h_enable) && mtrap.cause == 2,
	      "dvext off: h_enable is an illegal instruction");
	mtrap.cause = 0;
	check(m_probe(m_read_hu_er) && mtrap.cause == 2,
	      "dvext off: hu_er is an illegal instruction");
	mtrap.cause = 0;
	check(m_probe(m_huret) && mtrap.cause == 2,
	      "dvext off: HURET (uret) is an illegal instruction");
	/* pmpcfg V bit has no effect: V access outside the "range" works */
	gstage_setup();
	pmc_set(1);
	reset_traps();
	long c = run_lower(g_load_out, RUN_VS);
	check(c == 8 + 2 && mtrap_is(10, MPP_S | MPV),
	      "dvext off: pmpcfg bit 5 is ignored for V accesses");
	pmc_set(0);
}

/*
 * ---- VS-mode sip/sie (both VMMs run their guests in VS mode) ----
 * With V=1, sip/sie are vsip/vsie: bits 1/5/9 (SSIP/STIP/SEIP) are hip's
 * VSSIP/VSTIP/VSEIP (bits 2/6/10) for the bits hideleg delegates, zero for
 * the others; every other bit is zero. Only SSIP is writable (it is
 * hvip.VSSIP); STIP and SEIP are read-only. mideleg plays no part.
 */
#define S_SI	(1UL << 1)
#define S_TI	(1UL << 5)
#define S_EI	(1UL << 9)
#define S_VIEW	(S_SI | S_TI | S_EI)
#define VS_SI	(1UL << DVEXT_IRQ_VSSI)
#define VS_TI	(1UL << DVEXT_IRQ_VSTI)
#define VS_EI	(1UL << DVEXT_IRQ_VSEI)
#define VS_ALL	DVEXT_POSTABLE_MASK
#define IRQ_ANY (S_VIEW | VS_ALL | (1UL << 13)) /* and LCOFIP */

enum { VS_SIP_R, VS_SIP_S, VS_SIP_C, VS_SIE_R, VS_SIE_S, VS_SIE_C, VS_SIE_W };
static volatile ul vs_op, vs_arg, vs_res;
static void g_sip_sie(void)
{
	ul a = vs_arg;

	switch (vs_op) {
	case VS_SIP_S:
		csrs(CSR_SIP, a);
		break;
	case VS_SIP_C:
		csrc(CSR_SIP, a);
		break;
	case VS_SIE_S:
		csrs(CSR_SIE, a);
		break;
	case VS_SIE_C:
		csrc(CSR_SIE, a);
		break;
	case VS_SIE_W:
		csrw(CSR_SIE, a);
		break;
	default:
		break;
	}
	vs_res = vs_op >= VS_SIE_R ? csrr(CSR_SIE) : csrr(CSR_SIP);
	HANG();
}
/* run one sip/sie access in VS; its read-back, or ~0 if VS did not get there */
static ul vs_csr(ul op, ul arg)
{
	long c;

	vs_op = op;
	vs_arg = arg;
	vs_res = ~0UL;
	c = run_lower(g_sip_sie, RUN_VS);
	return c == 10 && mtrap_is(10, MPP_S | MPV) ? vs_res : ~0UL;
}
/* make VS-level interrupts pending (hip positions): VSTIP by vstimecmp */
static void vs_pend(ul bits)
{
	csrw(CSR_HVIP, bits & (VS_SI | VS_EI));
	csrw(CSR_VSTIMECMP, (bits & VS_TI) ? 0 : ~0UL);
}

static void tests_vs_sip_sie(void)
{
	static const ul one[3] = { VS_SI, VS_TI, VS_EI };
	ul r, ok;
	int i;

	csrw(CSR_MIE, 0);
	csrw(CSR_MIDELEG, S_VIEW); /* as OpenSBI; the VS bits are read-only one */
	csrw(CSR_HIDELEG, VS_ALL);

	/* sip reads */
	vs_pend(0);
	r = vs_csr(VS_SIP_R, 0);
	check(r == 0, "VS sip: nothing pending reads 0");
	vs_pend(VS_TI);
	r = vs_csr(VS_SIP_R, 0);
	check(r == S_TI, "VS sip.STIP shows the pending VS timer (vstimecmp)");
	vs_pend(VS_EI);
	r = vs_csr(VS_SIP_R, 0);
	check(r == S_EI, "VS sip.SEIP shows hvip.VSEIP");
	vs_pend(VS_SI);
	r = vs_csr(VS_SIP_R, 0);
	check(r == S_SI, "VS sip.SSIP shows hvip.VSSIP");
	vs_pend(VS_ALL);
	r = vs_csr(VS_SIP_R, 0);
	check(r == S_VIEW && csrr(CSR_VSIP) == S_VIEW,
	      "VS sip (and vsip from M) shows SSIP/STIP/SEIP together, no other bit");
	ok = 1;
	for (i = 0; i < 3; i++) {
		csrw(CSR_HIDELEG, one[i]);
		ok &= vs_csr(VS_SIP_R, 0) == one[i] >> 1;
	}
	csrw(CSR_HIDELEG, 0);
	ok &= vs_csr(VS_SIP_R, 0) == 0;
	check(ok, "VS sip shows only the bits hideleg delegates (each alone, none)");
	csrw(CSR_HIDELEG, VS_ALL);
	csrw(CSR_MIDELEG, 0);
	r = vs_csr(VS_SIP_R, 0);
	csrw(CSR_MIDELEG, S_VIEW);
	check(r == S_VIEW, "VS sip does not depend on mideleg's SSI/STI/SEI bits");
	vs_pend(0);
	csrs(CSR_MIP, S_SI | S_EI);
	csrw(CSR_STIMECMP, 0);
	r = vs_csr(VS_SIP_R, 0);
	csrc(CSR_MIP, S_SI | S_EI);
	csrw(CSR_STIMECMP, ~0UL);
	check(r == 0, "VS sip does not show the HS-level SSIP/STIP/SEIP");

	/* sip writes */
	vs_pend(0);
	r = vs_csr(VS_SIP_S, S_SI);
	check(r == S_SI && csrr(CSR_HVIP) == VS_SI, "VS sip.SSIP set: sets hvip.VSSIP");
	r = vs_csr(VS_SIP_C, S_SI);
	check(r == 0 && csrr(CSR_HVIP) == 0, "VS sip.SSIP clear: clears hvip.VSSIP");
	r = vs_csr(VS_SIP_S, S_TI | S_EI);
	check(r == 0 && csrr(CSR_HVIP) == 0 && !(csrr(CSR_MIP) & IRQ_ANY),
	      "VS sip.STIP/SEIP are read-only: setting them has no effect");
	vs_pend(VS_TI | VS_EI);
	r = vs_csr(VS_SIP_C, S_TI | S_EI);
	check(r == (S_TI | S_EI) && (csrr(CSR_HVIP) & (VS_SI | VS_EI)) == VS_EI,
	      "VS sip.STIP/SEIP are read-only: clearing them has no effect");
	vs_pend(0);
	r = vs_csr(VS_SIP_S, ~S_VIEW);
	check(r == 0 && csrr(CSR_HVIP) == 0 && !(csrr(CSR_MIP) & IRQ_ANY),
	      "VS sip: setting any other bit (e.g. bit 2) has no effect");
	vs_pend(0);
	csrw(CSR_HIDELEG, VS_TI | VS_EI);
	r = vs_csr(VS_SIP_S, S_SI);
	check(r == 0 && csrr(CSR_HVIP) == 0,
	      "VS sip.SSIP is read-only zero when hideleg does not delegate VSSI");
	csrw(CSR_HIDELEG, VS_ALL);

	/* sie (nothing pending: no interrupt can be taken here) */
	vs_pend(0);
	r = vs_csr(VS_SIE_W, ~0UL);
	check(r == S_VIEW && csrr(CSR_MIE) == VS_ALL,
	      "VS sie write of all ones: reads SSIE/STIE/SEIE, sets exactly hie.VSSIE/VSTIE/VSEIE");
	r = vs_csr(VS_SIE_C, S_TI);
	check(r == (S_SI | S_EI) && csrr(CSR_MIE) == (VS_SI | VS_EI),
	      "VS sie.STIE clear: clears hie.VSTIE only");
	r = vs_csr(VS_SIE_W, 0);
	check(r == 0 && csrr(CSR_MIE) == 0, "VS sie write of 0 clears hie.VSSIE/VSTIE/VSEIE");
	csrw(CSR_MIE, 0);
	ok = 1;
	for (i = 0; i < 3; i++) {
		ok &= vs_csr(VS_SIE_W, one[i] >> 1) == one[i] >> 1 && csrr(CSR_MIE) == one[i];
		ok &= vs_csr(VS_SIE_C, one[i] >> 1) == 0 && csrr(CSR_MIE) == 0;
	}
	check(ok, "VS sie: SSIE, STIE, SEIE each set and cleared alone map to hie");
	csrw(CSR_MIE, 0);
	r = vs_csr(VS_SIE_S, ~S_VIEW);
	check(r == 0 && csrr(CSR_MIE) == 0,
	      "VS sie: setting any other bit (e.g. bit 6) has no effect");
	csrw(CSR_MIE, 0);
	ok = 1;
	for (i = 0; i < 3; i++) {
		csrw(CSR_HIDELEG, one[i]);
		ok &= vs_csr(VS_SIE_W, ~0UL) == one[i] >> 1 && csrr(CSR_MIE) == one[i];
		ok &= vs_csr(VS_SIE_W, 0) == 0 && csrr(CSR_MIE) == 0;
	}
	check(ok, "VS sie: only the bits hideleg delegates are writable (each alone)");
	csrw(CSR_HIDELEG, 0);
	csrw(CSR_MIE, VS_ALL);
	r = vs_csr(VS_SIE_R, 0);
	ok = r == 0 && vs_csr(VS_SIE_W, 0) == 0 && csrr(CSR_MIE) == VS_ALL;
	check(ok, "VS sie: bits not delegated read 0 and writes leave hie alone");
	csrw(CSR_MIDELEG, 0);
	csrw(CSR_HIDELEG, VS_ALL);
	r = vs_csr(VS_SIE_R, 0);
	check(r == S_VIEW, "VS sie does not depend on mideleg's SSI/STI/SEI bits");

	csrw(CSR_MIE, 0);
	csrw(CSR_HIDELEG, 0);
	vs_pend(0);
}

/* ---- timing ---- */
static ul t_rdcycle(void)
{
	ul a = csrr(0xc00), b = csrr(0xc00);
	return b - a;
}
static ul t_mecall(void)
{
	ul a = csrr(0xc00);
	asm volatile("ecall" ::: "memory");
	return csrr(0xc00) - a;
}
static ul t_sfence(void)
{
	ul a = csrr(0xc00);
	asm volatile("sfence.vma" ::: "memory");
	return csrr(0xc00) - a;
}

int main(const uint8_t *fdt)
{
	long c;

	puts_("# DV-Ext ISA tests\n");
	pmp_all();
	csrw(0x306, 7UL); /* mcounteren */
	csrw(CSR_SCOUNTEREN, 7UL);
	csrw(CSR_MENVCFG, 1UL << 63); /* STCE */
	csrw(0x105, (ul)s_trap);      /* stvec */

	tests_vs_sip_sie();

	mtrap.cause = 0;
	if (m_probe(m_read_h_enable)) {
		tests_off(fdt);
		timing("rdcycle_pair", t_rdcycle());
		finish();
	}
	csrw(CSR_HCOUNTEREN, 7UL);
	csrw(CSR_HIDELEG, DVEXT_POSTABLE_MASK); /* VS interrupts go to VS */

	check(find_isa_ext(fdt) == 1, "riscv,isa advertises _xdvext");

	/* HK registers */
	csrw(DVEXT_CSR_H_ENABLE, ~0UL);
	csrw(DVEXT_CSR_H_DELEG, ~0UL);
	check(csrr(DVEXT_CSR_H_ENABLE) == DVEXT_H_ENABLE_MASK &&
		      csrr(DVEXT_CSR_H_DELEG) == DVEXT_H_DELEG_MASK,
	      "h_enable and h_deleg keep only their defined bits");
	csrw(DVEXT_CSR_H_ENABLE, 0);
	csrw(DVEXT_CSR_H_DELEG, 0);

	/* HU register access rules */
	c = run_lower(u_read_hu_er, RUN_U);
	check(mtrap_is(2, 0) && c == 2, "hu_* illegal from plain U (EN=0)");
	dv_on(0);
	g_val = 0;
	c = run_lower(u_scratch, RUN_U);
	check(c == 8 && g_val == 0x1234, "hu_* readable and writable in HU");
	c = run_lower(u_read_h_enable, RUN_U);
	check(c == 2, "h_* illegal from HU");
	c = run_lower(u_read_hu_er, RUN_VS);
	check(mtrap_is(2, MPP_S | MPV), "hu_* illegal (not virtual-inst) from VS");
	c = run_lower(u_read_hu_er, RUN_VU);
	check(mtrap_is(2, MPV), "hu_* illegal from VU");
	c = run_lower(u_read_h_enable, RUN_VS);
	check(c == 22, "h_* from VS is a virtual-instruction fault");
	csrw(DVEXT_CSR_H_VCPU, 3);
	c = run_lower(u_read_vcpuid, RUN_U);
	check(c == 8 && g_val == 3, "hu_vcpuid reads h_vcpu in HU");
	c = run_lower(u_write_vcpuid, RUN_U);
	check(c == 2 && csrr(DVEXT_CSR_H_VCPU) == 3, "hu_vcpuid is read-only in HU");
	csrw(DVEXT_CSR_H_VCPU, 0);

	/* HURET outside HU */
	mtrap.cause = 0;
	check(m_probe(m_huret) && mtrap.cause == 2, "HURET illegal in M");
	c = run_lower(any_huret, RUN_HS);
	check(c == 2, "HURET illegal in HS");
	c = run_lower(any_huret, RUN_VS);
	check(mtrap_is(2, MPP_S | MPV), "HURET illegal in VS");
	c = run_lower(any_huret, RUN_VU);
	check(mtrap_is(2, MPV), "HURET illegal in VU");
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN | DVEXT_H_ENABLE_PO);
	check(csrr(DVEXT_CSR_H_ENABLE) == (DVEXT_H_ENABLE_EN | DVEXT_H_ENABLE_PO),
	      "h_enable.PO (post-only) is writable");
	c = run_lower(any_huret, RUN_U);
	check(c == 2, "HURET illegal in HU with h_enable.PO (a post-only thread)");
	csrw(DVEXT_CSR_H_ENABLE, 0);
	c = run_lower(any_huret, RUN_U);
	check(c == 2, "HURET illegal in plain U (EN=0)");

	/* guest-state aliases */
	dv_on(0);
	csrw(CSR_VSSCRATCH, 0x4321);
	csrw(CSR_HVIP, 0);
	csrw(CSR_HENVCFG, 0);
	c = run_lower(u_aliases, RUN_U);
	check(c == 8 && g_val == 0x4321 && csrr(CSR_VSEPC) == 0x5678,
	      "guest-state aliases reach vsscratch/vsepc from HU");
	check(csrr(CSR_HVIP) == DVEXT_POSTABLE_MASK, "hu_hvip writes only VSSIP/VSTIP/VSEIP");
	check(csrr(CSR_HENVCFG) == (1UL << 63), "hu_henvcfg writes only STCE");
	csrw(0x24d, ~0UL); /* vstimecmp: no VS timer pending from here on */
	csrw(CSR_HENVCFG, 0);
	csrw(CSR_HVIP, 0);

	/* delegated exits */
	gstage_setup();
	csrw(0x302, DVEXT_H_DELEG_MASK); /* medeleg: these causes target HS */
	csrw(CSR_HEDELEG, 0);
	dv_on(DVEXT_H_DELEG_MASK);
	csrw(0x141, 0x5eb0); /* sepc */
	csrw(0x142, 0x77);   /* scause */
	c = guest(g_ecall, 1);
	check(c == 8 && hutrap.count == 1 && strap.count == 0,
	      "VS ecall exits to HU at hu_ehb, kernel never runs");
	check(hutrap.er == 10 && hutrap.vpc == (ul)guest_ecall_at &&
		      (hutrap.vstatus & DVEXT_HU_VSTATUS_SPVP),
	      "VS ecall: hu_er=10, hu_vpc=ecall pc, hu_vstatus.SPVP=1");
	check(csrr(0x141) == 0x5eb0 && csrr(0x142) == 0x77,
	      "delegated exit leaves sepc/scause untouched");
	c = guest(g_virt_insn, 1);
	check(c == 8 && hutrap.er == 22 && hutrap.einfo == 0x600022f3 &&
		      hutrap.vpc == (ul)guest_vi_at,
	      "virtual instruction: hu_er=22, hu_einfo=instruction bits");
	c = guest(g_load_unmapped, 1);
	check(c == 8 && hutrap.er == 21 && hutrap.einfo == GPA_UNMAPPED &&
		      hutrap.egpa == GPA_UNMAPPED >> 2 && hutrap.vpc == (ul)guest_ld_at &&
		      (hutrap.vstatus & DVEXT_HU_VSTATUS_GVA) &&
		      hutrap.einst == transformed(guest_ld_at, 0x00003503),
	      "load guest-page fault: hu_er=21, einfo=GVA, egpa=GPA>>2, GVA, "
	      "einst=transformed ld a0");
	c = guest(g_store_unmapped, 1);
	check(c == 8 && hutrap.er == 23 && hutrap.egpa == GPA_UNMAPPED >> 2 &&
		      hutrap.vpc == (ul)guest_st_at &&
		      hutrap.einst == transformed(guest_st_at, 0x00a03023),
	      "store guest-page fault: hu_er=23, egpa, einst=transformed sd a0");
	c = guest(g_fetch_unmapped, 1);
	check(c == 8 && hutrap.er == 20 && hutrap.vpc == GPA_UNMAPPED &&
		      hutrap.egpa == GPA_UNMAPPED >> 2,
	      "fetch guest-page fault: hu_er=20, hu_vpc=GPA");
	c = guest(g_load_unmapped, 0);
	check(c == 8 && hutrap.er == 21 && !(hutrap.vstatus & DVEXT_HU_VSTATUS_SPVP),
	      "exit from VU: hu_vstatus.SPVP=0");

	/* HURET to VS and to VU */
	c = guest(g_ecall, 1);
	check(c == 8 && hutrap.er == 10, "HURET with SPVP=1 enters VS");
	c = guest(g_ecall, 0);
	check(mtrap_is(8, MPV) && hutrap.count == 0,
	      "HURET with SPVP=0 enters VU (ecall is a VU ecall)");

	/* two-step traps: non-delegated causes and physical interrupts */
	dv_on(DVEXT_H_DELEG_MASK & ~(1UL << 22));
	c = guest(g_virt_insn, 1);
	check(c == 9 && strap.count == 1 && strap.cause == 22 && strap.epc == (ul)hu_trap &&
		      !(strap.status & (1UL << 8)) && !(strap.hstatus & (1UL << 7)),
	      "cause not in h_deleg: trap into HS from U, sepc=hu_ehb");
	check(csrr(DVEXT_CSR_HU_ER) == 22 && csrr(DVEXT_CSR_HU_VPC) == (ul)guest_vi_at,
	      "two-step trap leaves the exit info in hu_er/hu_vpc");
	dv_on(DVEXT_H_DELEG_MASK);
	csrs(0x302, 1UL << 2);
	c = guest(g_illegal, 1);
	check(c == 9 && strap.cause == 2 && strap.epc == (ul)hu_trap &&
		      csrr(DVEXT_CSR_HU_VPC) == (ul)guest_ill_at && csrr(DVEXT_CSR_HU_EINFO) == 0,
	      "illegal instruction in VS (not delegatable): HS from U at hu_ehb");
	csrc(0x302, 1UL << 2);
	csrs(0x303, 1UL << 5); /* mideleg STIP */
	csrs(0x104, 1UL << 5); /* sie.STIE */
	csrw(CSR_STIMECMP, csrr(0xc01) + 20);
	c = guest(g_spin, 1);
	check(c == 9 && strap.cause == (INTR | 5) && strap.epc == (ul)hu_trap &&
		      !(strap.status & (1UL << 8)) && csrr(DVEXT_CSR_HU_ER) == (INTR | 5) &&
		      g_val > 0,
	      "physical interrupt in V: hu_er=int|5, HS trap from U at hu_ehb");
	csrc(0x104, 1UL << 5);
	csrc(0x303, 1UL << 5);

	/* posted interrupts */
	csrw(DVEXT_CSR_H_VCPUTAB, (ul)vtab);
	csrw(DVEXT_CSR_H_VCPUNUM, 2);
	csrw(DVEXT_CSR_H_VCPU, 0);
	csrw(CSR_HVIP, 0);
	hu_post_val = DVEXT_HU_VITR(0, DVEXT_IRQ_VSSI);
	c = run_lower(hu_post, RUN_U);
	check(c == 8 && (g_val & (1UL << 2)) && vtab[0].pending == 0,
	      "post to the running vCPU sets hvip at once, no exit");
	csrw(CSR_HVIP, 0);
	hu_post_val = DVEXT_HU_VITR(1, DVEXT_IRQ_VSEI);
	c = run_lower(hu_post, RUN_U);
	check(c == 8 && vtab[1].pending == (1UL << 10) && csrr(CSR_HVIP) == 0,
	      "post to a non-running vCPU lands in its vCPU-table entry");
	csrw(DVEXT_CSR_H_VCPU, 1);
	c = guest(g_ecall, 1);
	check(c == 8 && (csrr(CSR_HVIP) & (1UL << 10)) && vtab[1].pending == 0,
	      "HURET merges the vCPU's pending bits into hvip");
	csrw(CSR_HVIP, 0);
	csrw(DVEXT_CSR_H_VCPU, 0);
	hu_post_val = DVEXT_HU_VITR(2, DVEXT_IRQ_VSSI);
	c = run_lower(hu_post, RUN_U);
	check(c == 2 && mtrap_is(2, 0) && vtab[0].pending == 0 && vtab[1].pending == 0 &&
		      csrr(CSR_HVIP) == 0,
	      "post to a vCPU id >= h_vcpunum faults and has no effect");
	hu_post_val = DVEXT_HU_VITR(0, 9);
	c = run_lower(hu_post, RUN_U);
	check(c == 2 && csrr(CSR_HVIP) == 0, "post of a non-VS interrupt faults");
	g_val = DVEXT_HU_VITR(1, DVEXT_IRQ_VSSI);
	hu_guest = (ul)g_post;
	c = guest(g_post, 1);
	check(mtrap_is(2, MPP_S | MPV) && vtab[1].pending == 0,
	      "hu_vitr illegal from V without h_enable.VPOST");
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN | DVEXT_H_ENABLE_VPOST);
	reset_traps();
	g_val = DVEXT_HU_VITR(1, DVEXT_IRQ_VSSI);
	hu_guest = (ul)g_post;
	c = run_lower(hu_enter, RUN_U);
	check(c == 8 && hutrap.er == 10 && vtab[1].pending == (1UL << 2),
	      "V-mode posting with h_enable.VPOST, no exit");
	vtab[1].pending = 0;
	csrs(0x302, 1UL << 2);
	csrw(CSR_HEDELEG, 1UL << 2);
	reset_traps();
	g_val = DVEXT_HU_VITR(3, DVEXT_IRQ_VSSI);
	hu_guest = (ul)g_post;
	c = run_lower(hu_enter, RUN_U);
	check(c == 9 && strap.cause == 2 && strap.epc == (ul)hu_trap,
	      "bad V-mode post reaches HS even when hedeleg delegates cause 2");
	csrw(CSR_HEDELEG, 0);
	csrc(0x302, 1UL << 2);

	/*
	 * Kernel-level posting (h_enable.KP, KVM-OPT): with EN=0 the hart is a
	 * post target and V may post; traps stay stock (no delegated exit, no
	 * two-step trap), whatever h_deleg says.
	 */
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_KP);
	csrw(DVEXT_CSR_H_DELEG, DVEXT_H_DELEG_MASK);
	csrs(0x302, 1UL << 2); /* medeleg: illegal instruction targets HS */
	check(csrr(DVEXT_CSR_H_ENABLE) == DVEXT_H_ENABLE_KP, "KP: h_enable bit 3 is writable");
	csrw(DVEXT_CSR_H_VCPUTAB, (ul)vtab);
	csrw(DVEXT_CSR_H_VCPUNUM, 2);
	csrw(DVEXT_CSR_H_VCPU, 0);
	csrw(CSR_HVIP, 0);
	vtab[0].pending = vtab[1].pending = 0;
	csrw(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(0, DVEXT_IRQ_VSSI));
	check(csrr(CSR_HVIP) == VS_SI && vtab[0].pending == 0,
	      "KP: a post from HS/M to the vCPU on this hart (EN=0) lands in its hvip");
	csrw(CSR_HVIP, 0);
	csrw(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(1, DVEXT_IRQ_VSEI));
	check(csrr(CSR_HVIP) == 0 && vtab[1].pending == VS_EI,
	      "KP: a post to another vCPU goes to its table entry");
	vtab[1].pending = 0;
	csrw(DVEXT_CSR_H_ENABLE, 0);
	csrw(DVEXT_CSR_HU_VITR, DVEXT_HU_VITR(0, DVEXT_IRQ_VSEI));
	check(csrr(CSR_HVIP) == 0 && vtab[0].pending == VS_EI,
	      "KP=0: a post to the same vCPU goes to the table, not hvip");
	vtab[0].pending = 0;
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_KP);
	reset_traps();
	g_val = DVEXT_HU_VITR(1, DVEXT_IRQ_VSSI);
	c = run_lower(g_post, RUN_VS);
	check(c == 9 && strap.cause == 2 && (strap.hstatus & (1UL << 7)) &&
		      strap.epc != (ul)hu_trap && hutrap.count == 0 && vtab[1].pending == 0,
	      "KP without VPOST: hu_vitr from VS is an illegal instruction into HS, as stock");
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_KP | DVEXT_H_ENABLE_VPOST);
	reset_traps();
	g_val = DVEXT_HU_VITR(1, DVEXT_IRQ_VSSI);
	c = run_lower(g_post, RUN_VS);
	check(c == 9 && strap.cause == 10 && (strap.hstatus & (1UL << 7)) &&
		      strap.epc != (ul)hu_trap && hutrap.count == 0 && vtab[1].pending == VS_SI,
	      "KP|VPOST: V-mode post, no exit; the guest's ecall after it traps into HS "
	      "from V as stock (h_deleg has 10)");
	vtab[1].pending = 0;
	reset_traps();
	g_val = DVEXT_HU_VITR(0, DVEXT_IRQ_VSSI);
	c = run_lower(g_post, RUN_VS);
	check(c == 9 && strap.cause == 10 && hutrap.count == 0 && vtab[0].pending == 0 &&
		      (csrr(CSR_HVIP) & VS_SI),
	      "KP|VPOST: V-mode post to its own vCPU lands in this hart's hvip");
	csrw(CSR_HVIP, 0);
	reset_traps();
	g_val = DVEXT_HU_VITR(3, DVEXT_IRQ_VSSI);
	c = run_lower(g_post, RUN_VS);
	check(c == 9 && strap.cause == 2 && (strap.hstatus & (1UL << 7)) &&
		      strap.epc != (ul)hu_trap && hutrap.count == 0 && csrr(CSR_HVIP) == 0,
	      "KP|VPOST: a bad V-mode post is an ordinary illegal instruction into HS, no effect");
	reset_traps();
	c = run_lower(g_virt_insn, RUN_VS);
	check(c == 9 && strap.cause == 22 && strap.epc == (ul)guest_vi_at && hutrap.count == 0,
	      "KP: a virtual-instruction fault (in h_deleg) goes to HS at the guest pc, no "
	      "two-step");
	reset_traps();
	c = run_lower(any_huret, RUN_U);
	check(c == 9 && strap.cause == 2 && hutrap.count == 0,
	      "KP: HURET stays illegal in U (EN=0)");
	csrc(0x302, 1UL << 2);
	csrw(DVEXT_CSR_H_ENABLE, 0);
	csrw(DVEXT_CSR_H_VCPUNUM, 0);
	dv_on(DVEXT_H_DELEG_MASK);

	/* HUFLUSHGPA */
	csrw(DVEXT_CSR_H_ENABLE, 0);
	c = run_lower(u_flush, RUN_U);
	check(c == 2, "HUFLUSHGPA illegal from plain U");
	dv_on(DVEXT_H_DELEG_MASK);
	reset_traps();
	c = run_lower(g_flush, RUN_VS);
	check(c == 8 && hutrap.er == 22,
	      "HFENCE.GVMA from VS stays a virtual-instruction fault (exit 22)");
	gl0[0] = PTE(page_a, LEAF);
	asm volatile(".word 0x62000073" ::: "memory");
	reset_traps();
	hu_guest = (ul)g_read_test_gpa;
	c = run_lower(hu_enter, RUN_U);
	check(c == 8 && g_val == 0xaaaa, "guest reads the stage-2 mapping");
	reset_traps();
	hu_next = (ul)hu_flush_and_reenter;
	hu_guest = (ul)g_read_test_gpa;
	c = run_lower(hu_enter, RUN_U);
	check(c == 8 && hutrap.count == 2 && g_val == 0xbbbb,
	      "HUFLUSHGPA in HU: the remapped page is used, not the stale one");
	gl0[0] = PTE(page_a, LEAF);

	/* PMC */
	csrs(0x302, (1UL << 1) | (1UL << 5) | (1UL << 7));
	pmc_set(1);
	c = guest(g_load_in, 1);
	check(c == 8 && hutrap.er == 10 && g_val == 0xbbbb,
	      "PMC: V access inside a V=1 entry is allowed");
	c = guest(g_load_out, 1);
	check(c == 9 && strap.cause == 5 && strap.epc == (ul)hu_trap && csrr(DVEXT_CSR_HU_ER) == 5,
	      "PMC: V load outside the range: access fault to HS via HU");
	c = guest(g_store_out, 1);
	check(c == 9 && strap.cause == 7, "PMC: V store outside the range faults");
	c = guest(g_fetch_out, 1);
	check(c == 9 && strap.cause == 1, "PMC: V fetch outside the range faults");
	gl0[0] = PTE(OUT_PAGE, LEAF);
	c = guest(g_read_test_gpa, 1);
	check(c == 9 && strap.cause == 5, "PMC: stage-2 leaf pointing outside the range faults");
	*(volatile uint64_t *)OUT_TABLE = PTE(page_a, LEAF);
	gl1[0] = PTE(OUT_TABLE, PTE_V);
	c = guest(g_read_test_gpa, 1);
	check(c == 9 && strap.cause == 5, "PMC: stage-2 page-table walk outside the range faults");
	gl1[0] = PTE(gl0, PTE_V);
	gl0[0] = PTE(page_a, LEAF);
	((volatile uint64_t *)OUT_VSROOT)[2] = PTE(0x80000000UL, 0xcfUL);
	csrw(CSR_VSATP, (8UL << 60) | (OUT_VSROOT >> 12));
	c = guest(g_load_in, 1);
	check(c == 9 && strap.cause == 1, "PMC: VS-stage page-table walk outside the range faults");
	csrw(CSR_VSATP, 0);
	*(volatile ul *)OUT_PAGE = 0x600d;
	check(*(volatile ul *)OUT_PAGE == 0x600d,
	      "PMC: M accesses outside the range are unaffected");
	g_val = 0;
	c = run_lower(hu_load_out, RUN_U);
	check(c == 8 && g_val == 0x600d,
	      "PMC: HU (non-V) accesses outside the range are unaffected");
	csrs(CSR_HSTATUS, 1UL << 9); /* hstatus.HU */
	c = run_lower(hu_hlv_out, RUN_U);
	check(c == 9 && strap.cause == 5, "PMC: HLV from HU is checked as a V access");
	pmc_set(0);
	c = guest(g_load_out, 1);
	check(c == 8 && hutrap.er == 10 && g_val == 0x600d,
	      "PMC: with no V=1 entry V accesses are checked as without DV-Ext");
	csrc(CSR_HSTATUS, 1UL << 9);

	/* timing: printed for the suite, which compares profiles and runs */
	timing("rdcycle_pair", t_rdcycle());
	timing("m_ecall_roundtrip", t_mecall());
	timing("sfence_vma", t_sfence());
	c = guest(g_ecall, 1);
	timing("huret_exit_roundtrip", hutrap.cycle - hu_cycle0);
	check(t_rdcycle() == 1, "cycle counts retired instructions (back-to-back rdcycle = 1)");
	/* two trace marks (a HINT: no effect without x-dvext-trace), four
	 * instructions apart: the suite checks their records' stamps */
	asm volatile(".option push\n .option norvc\n slti x0, x0, 7\n nop\n nop\n nop\n"
		     "slti x0, x0, 7\n .option pop" ::
			     : "memory");
	timing("total_cycle", csrr(0xc00));
	finish();
}
