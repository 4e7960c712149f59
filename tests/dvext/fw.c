// SPDX-License-Identifier: MIT
/*
 * Firmware tests: an S-mode payload run by the patched OpenSBI (fw_jump).
 * Checks the PMC SBI extension (set/clear V entries, refusals, argument
 * errors, the effect on V-mode accesses) and the DV-Ext-aware trap redirect
 * (traps from V that OpenSBI re-injects reach HS as traps from U at hu_ehb
 * while h_enable.EN is set). With the model off, the extension must be
 * absent. Output: "ok - rule" / "not ok - rule", then a summary line.
 */
#include <dvext/dvext.h>
#include <stdint.h>

#include "csr.h"

#define CSR_HSTATUS    0x600
#define CSR_HEDELEG    0x602
#define CSR_HGATP      0x680
#define CSR_VSATP      0x280
#define CSR_VSTVEC     0x205
#define CSR_VSCAUSE    0x242
#define CSR_VSEPC      0x241
#define CSR_HIDELEG    0x603
#define CSR_HVIP       0x645
#define CSR_HIP	       0x644
#define CSR_HTIMEDELTA 0x605
#define CSR_VSTIMECMP  0x24d
#define CSR_TIME       0xc01
#define HVIP_VSSIP     (1UL << DVEXT_IRQ_VSSI)
#define HVIP_VSTIP     (1UL << DVEXT_IRQ_VSTI)
#define HVIP_VSEIP     (1UL << DVEXT_IRQ_VSEI)

#define HSTATUS_SPV  (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define SSTATUS_SPP  (1UL << 8)
#define RUN_VS	     HSTATUS_SPV | HSTATUS_SPVP, SSTATUS_SPP
#define RUN_VU	     HSTATUS_SPV, 0UL

#define CAUSE_ILL   2
#define CAUSE_LOAD  5
#define CAUSE_STORE 7
#define CAUSE_UEC   8
#define CAUSE_VSEC  10

struct strap_rec {
	ul cause, epc, tval, status, hstatus, count, htval;
};
volatile struct strap_rec strap;

long run_guest(void (*fn)(void), ul hstatus, ul sstatus, ul arg);
void g_load(void), g_store(void), g_ill(void), g_vstrap(void);
void hu_ehb_entry(void);
extern char g_load_at[], g_store_at[], g_ill_at[];

/* ---- console, results, exit ---- */
#include "report.h"

struct sbiret {
	long error;
	long value;
};
static struct sbiret sbi(ul ext, ul fid, ul a0, ul a1, ul a2, ul a3)
{
	register ul r0 asm("a0") = a0;
	register ul r1 asm("a1") = a1;
	register ul r2 asm("a2") = a2;
	register ul r3 asm("a3") = a3;
	register ul r6 asm("a6") = fid;
	register ul r7 asm("a7") = ext;

	asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ (long)r0, (long)r1 };
}
static long pmc_set(ul idx, ul addr, ul size, ul perm)
{
	return sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_SET, idx, addr, size, perm).error;
}
static long pmc_clear(ul idx)
{
	return sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_CLEAR, idx, 0, 0, 0).error;
}
static long pmc_clear_all(void)
{
	return sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_CLEAR_ALL, 0, 0, 0, 0).error;
}

static void __attribute__((noreturn)) finish(void)
{
	puts_("# fw: ");
	putu((ul)passed);
	puts_(" passed, ");
	putu((ul)failed);
	puts_(" failed\n");
	sbi(0x53525354, 0, 0, 0, 0, 0); /* SRST: shutdown */
	*(volatile uint32_t *)0x100000UL = 0x5555;
	for (;;)
		;
}

/* ---- memory used by the tests ---- */
#define FW_BASE	  0x80000000UL /* OpenSBI, M-only */
#define CLINT	  0x02000000UL
#define IMG_BASE  0x80200000UL /* this payload: code, data, stacks */
#define IMG_SIZE  0x200000UL
#define RO_PAGE	  0x80800000UL /* a read-only V range */
#define OUT_PAGE  0x80900000UL /* RAM outside every V range */
#define PERM_RWX  (DVEXT_SBI_PMC_PERM_R | DVEXT_SBI_PMC_PERM_W | DVEXT_SBI_PMC_PERM_X)
#define GPA_ALIGN 0x1000UL

static volatile ul in_range_word;

/* HS-mode load; returns 1 if it trapped */
static int hs_load_traps(ul addr)
{
	ul before = strap.count;

	(void)*(volatile ul *)addr;
	return strap.count != before;
}
/* HLV.D from HS (an access on behalf of V); returns 1 if it trapped */
static int hlv_traps(ul addr)
{
	ul before = strap.count;
	register ul a asm("a0") = addr;

	asm volatile(".word 0x6c054573" : "+r"(a)::"memory"); /* hlv.d a0,(a0) */
	return strap.count != before;
}
static int model_present(void)
{
	ul before = strap.count;

	(void)csrr(DVEXT_CSR_H_ENABLE);
	return strap.count == before;
}

static void test_model_off(void)
{
	struct sbiret r;

	r = sbi(0x10, 3, DVEXT_SBI_EXT_PMC, 0, 0, 0);
	check(r.error == 0 && r.value == 0, "off: probe of the PMC extension says not available");
	r = sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_INFO, 0, 0, 0, 0);
	check(r.error == DVEXT_SBI_ERR_NOT_SUPPORTED, "off: INFO answers SBI_ERR_NOT_SUPPORTED");
	check(pmc_set(8, IMG_BASE, IMG_SIZE, PERM_RWX) == DVEXT_SBI_ERR_NOT_SUPPORTED,
	      "off: SET answers SBI_ERR_NOT_SUPPORTED");
	check(run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "off: a V-mode load anywhere in RAM works (stock PMP)");
}

static ul first, count;

static void test_pmc_api(void)
{
	struct sbiret r;

	r = sbi(0x10, 3, DVEXT_SBI_EXT_PMC, 0, 0, 0);
	check(r.error == 0 && r.value == 1, "pmc: probe of the PMC extension says available");
	r = sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_INFO, 0, 0, 0, 0);
	first = (ul)r.value >> 16;
	count = (ul)r.value & 0xffff;
	note("pmc: first V entry, count:", (ul)r.value);
	check(r.error == 0 && first >= 1 && count >= 2 && first + count <= 64,
	      "pmc: INFO gives the first usable entry (above the firmware's) and a count");

	check(pmc_set(0, IMG_BASE, IMG_SIZE, PERM_RWX) == DVEXT_SBI_ERR_DENIED,
	      "pmc: SET of entry 0 (firmware) is SBI_ERR_DENIED");
	check(pmc_clear(0) == DVEXT_SBI_ERR_DENIED,
	      "pmc: CLEAR of entry 0 (firmware) is SBI_ERR_DENIED");
	check(pmc_set(first - 1, IMG_BASE, IMG_SIZE, PERM_RWX) == DVEXT_SBI_ERR_DENIED,
	      "pmc: SET of the last non-V entry is SBI_ERR_DENIED");
	check(pmc_clear(first - 1) == DVEXT_SBI_ERR_DENIED,
	      "pmc: CLEAR of the last non-V entry is SBI_ERR_DENIED");
	check(hs_load_traps(FW_BASE) && strap.cause == CAUSE_LOAD,
	      "pmc: after the refusals the firmware is still protected from HS");
	check(!hs_load_traps(OUT_PAGE), "pmc: after the refusals HS still reaches RAM");

	check(pmc_set(first + count, IMG_BASE, IMG_SIZE, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: index past the last entry is SBI_ERR_INVALID_PARAM");
	check(pmc_set(-1UL, IMG_BASE, IMG_SIZE, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: index -1 is SBI_ERR_INVALID_PARAM");
	check(pmc_clear(64) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: CLEAR of index 64 is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE, 0, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: size 0 is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE, 0x3000, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: size not a power of two is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE, 0x800, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: size below 4 KiB is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE + 0x1000, 0x2000, PERM_RWX) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: address not aligned to the size is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE, IMG_SIZE, 8) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: unknown permission bit is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, IMG_BASE, IMG_SIZE, DVEXT_SBI_PMC_PERM_W) ==
		      DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: write without read is SBI_ERR_INVALID_PARAM");
	check(pmc_set(first, FW_BASE, 0x400000, PERM_RWX) == DVEXT_SBI_ERR_INVALID_ADDRESS,
	      "pmc: a range over the firmware is SBI_ERR_INVALID_ADDRESS");
	check(pmc_set(first, CLINT, 0x10000, DVEXT_SBI_PMC_PERM_R) == DVEXT_SBI_ERR_INVALID_ADDRESS,
	      "pmc: a range over M-only MMIO (CLINT) is SBI_ERR_INVALID_ADDRESS");
	r = sbi(DVEXT_SBI_EXT_PMC, 99, 0, 0, 0, 0);
	check(r.error == DVEXT_SBI_ERR_NOT_SUPPORTED,
	      "pmc: unknown function is SBI_ERR_NOT_SUPPORTED");
}

static void test_pmc_effect(void)
{
	long c;

	check(run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "pmc: without V entries a V-mode load anywhere in RAM works");
	check(pmc_set(first, IMG_BASE, IMG_SIZE, PERM_RWX) == 0,
	      "pmc: SET of a V entry (this image, 2 MiB, RWX) succeeds");
	check(pmc_set(first + 1, RO_PAGE, 0x1000, DVEXT_SBI_PMC_PERM_R) == 0,
	      "pmc: SET of a second V entry (4 KiB, R) succeeds");

	in_range_word = 0;
	c = run_guest(g_store, RUN_VS, (ul)&in_range_word);
	check(c == CAUSE_VSEC && in_range_word == (ul)&in_range_word,
	      "pmc: a V-mode store in range takes effect");
	check(run_guest(g_load, RUN_VU, (ul)&in_range_word) == CAUSE_UEC,
	      "pmc: a VU-mode load in range works");
	check(run_guest(g_load, RUN_VS, RO_PAGE) == CAUSE_VSEC,
	      "pmc: a V-mode load in the read-only range works");
	c = run_guest(g_store, RUN_VS, RO_PAGE);
	check(c == CAUSE_STORE && strap.tval == RO_PAGE && strap.epc == (ul)g_store_at,
	      "pmc: a V-mode store in the read-only range is a store access fault");
	c = run_guest(g_load, RUN_VS, OUT_PAGE);
	check(c == CAUSE_LOAD && strap.tval == OUT_PAGE && strap.epc == (ul)g_load_at &&
		      (strap.hstatus & HSTATUS_SPV),
	      "pmc: a V-mode load out of range is a load access fault (from V, EN=0)");
	check(!hs_load_traps(OUT_PAGE),
	      "pmc: an HS load out of range works (V entries ignore non-V accesses)");
	check(hlv_traps(OUT_PAGE) && strap.cause == CAUSE_LOAD,
	      "pmc: HLV.D from HS out of range faults (an access on behalf of V)");
	check(!hlv_traps((ul)&in_range_word), "pmc: HLV.D from HS in range works");

	check(pmc_clear(first + 1) == 0, "pmc: CLEAR of the read-only V entry succeeds");
	check(run_guest(g_load, RUN_VS, RO_PAGE) == CAUSE_LOAD,
	      "pmc: after CLEAR the page is out of range for V");
	check(pmc_set(first, IMG_BASE, IMG_SIZE, PERM_RWX) == 0,
	      "pmc: SET over an existing V entry succeeds");
	check(pmc_clear(first) == 0, "pmc: CLEAR of the last V entry succeeds");
	check(run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "pmc: with no V entry left V-mode loads are checked as stock");
	check(pmc_set(first + count - 1, IMG_BASE, IMG_SIZE, PERM_RWX) == 0 &&
		      run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_LOAD && pmc_clear_all() == 0 &&
		      run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "pmc: the last entry works and CLEAR_ALL removes every V entry");
	check(pmc_clear(first) == 0, "pmc: CLEAR of an unused entry succeeds");
}

/* LOAD: a whole range set in one call (the DV-driver's per-hart cache) */
static struct dvext_pmc_range load_tab[2] __attribute__((aligned(8)));

static long pmc_load(const void *tab, ul n)
{
	return sbi(DVEXT_SBI_EXT_PMC, DVEXT_SBI_PMC_LOAD, (ul)tab, n, 0, 0).error;
}

static void test_pmc_load(void)
{
	load_tab[0] = (struct dvext_pmc_range){ IMG_BASE, IMG_SIZE, PERM_RWX };
	load_tab[1] = (struct dvext_pmc_range){ RO_PAGE, 0x1000, DVEXT_SBI_PMC_PERM_R };
	check(pmc_load(load_tab, 2) == 0 && run_guest(g_load, RUN_VS, RO_PAGE) == CAUSE_VSEC &&
		      run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_LOAD,
	      "pmc: LOAD of two ranges: both in force, a V load outside them faults");
	load_tab[1].size = 0x3000;
	check(pmc_load(load_tab, 2) == DVEXT_SBI_ERR_INVALID_PARAM &&
		      run_guest(g_load, RUN_VS, RO_PAGE) == CAUSE_VSEC &&
		      run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_LOAD,
	      "pmc: LOAD with a bad range is INVALID_PARAM and leaves the entries as they were");
	check(pmc_load((void *)FW_BASE, 1) == DVEXT_SBI_ERR_INVALID_ADDRESS,
	      "pmc: LOAD of a table in firmware memory is INVALID_ADDRESS");
	check(pmc_load((char *)load_tab + 4, 1) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: LOAD of a misaligned table is INVALID_PARAM");
	check(pmc_load(load_tab, count + 1) == DVEXT_SBI_ERR_INVALID_PARAM,
	      "pmc: LOAD of more ranges than usable entries is INVALID_PARAM");
	load_tab[1].size = 0x1000;
	check(pmc_load(load_tab, 1) == 0 && run_guest(g_load, RUN_VS, RO_PAGE) == CAUSE_LOAD &&
		      run_guest(g_load, RUN_VS, (ul)&load_tab) == CAUSE_VSEC,
	      "pmc: LOAD of one range clears the entry the previous set had beyond it");
	check(pmc_load(0, 0) == 0 && run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "pmc: LOAD of nothing clears every V entry");
}

/* HS saw a trap from U at hu_ehb, with the exit in hu_* (step two) */
static int two_step(ul cause, const char *at)
{
	return strap.cause == cause && strap.epc == (ul)hu_ehb_entry &&
	       !(strap.status & SSTATUS_SPP) && !(strap.hstatus & HSTATUS_SPV) &&
	       strap.htval == 0 && csrr(DVEXT_CSR_HU_ER) == cause &&
	       csrr(DVEXT_CSR_HU_VPC) == (ul)at;
}

/*
 * The PMC acts on the calling hart only. Hart 1 runs while hart 0 waits, so
 * the trap bookkeeping (strap, run_guest's context) is never shared.
 */
static volatile long h1_free, h1_own, h1_done;

/* Posted interrupts across harts (test_posts): hart 1 posts when told to. */
static struct dvext_vcpu_entry vtab[2] __attribute__((aligned(64)));
static volatile long post_cmd, post_done; /* round number; -1 ends */
static volatile ul post_val;

static void hart1_posts(void)
{
	long seen = 0, r;

	csrw(DVEXT_CSR_H_VCPUTAB, (ul)vtab);
	csrw(DVEXT_CSR_H_VCPUNUM, 2);
	csrw(DVEXT_CSR_H_VCPU, 1);
	for (;;) {
		while ((r = post_cmd) == seen)
			;
		if (r < 0)
			break;
		csrw(DVEXT_CSR_HU_VITR, post_val);
		seen = r;
		__atomic_store_n(&post_done, r, __ATOMIC_RELEASE);
	}
	csrw(DVEXT_CSR_H_VCPUTAB, 0);
	csrw(DVEXT_CSR_H_VCPUNUM, 0);
	post_done = -1;
}

void hart1_main(void);
void hart1_main(void)
{
	csrw(CSR_HGATP, 0);
	csrw(CSR_VSATP, 0);
	h1_free = run_guest(g_load, RUN_VS, OUT_PAGE);
	if (pmc_set(first, IMG_BASE, IMG_SIZE, PERM_RWX) == 0)
		h1_own = run_guest(g_load, RUN_VS, OUT_PAGE);
	pmc_clear_all();
	h1_done = 1;
	hart1_posts();
}

extern ul boot_hart; /* fw-crt.S: the hart that runs main() */

static void test_two_harts(void)
{
	ul other = boot_hart ^ 1; /* "hart 1" below: the other hart */
	struct sbiret r;
	long spin;

	r = sbi(0x48534d, 2, other, 0, 0, 0); /* HSM: status of the other hart */
	if (r.error) {
		puts_("ok - pmc: the PMC acts on the calling hart only # SKIP one hart\n");
		return;
	}
	check(pmc_set(first, IMG_BASE, IMG_SIZE, PERM_RWX) == 0 &&
		      run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_LOAD,
	      "pmc: hart 0 sets a V entry for itself");
	r = sbi(0x48534d, 0, other, 0x80200000UL, 0, 0); /* HSM: start it */
	for (spin = 0; !h1_done && spin < 100000000; spin++)
		;
	check(r.error == 0 && h1_done, "pmc: hart 1 started and ran its part");
	check(h1_free == CAUSE_VSEC, "pmc: a V entry set on hart 0 does not constrain hart 1");
	check(h1_own == CAUSE_LOAD, "pmc: a V entry hart 1 sets constrains hart 1");
	check(run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_LOAD,
	      "pmc: CLEAR_ALL on hart 1 leaves hart 0's V entries");
	check(pmc_clear_all() == 0 && run_guest(g_load, RUN_VS, OUT_PAGE) == CAUSE_VSEC,
	      "pmc: hart 0 clears its own V entries");
}

/* One post from hart 1 (round r), waited for. */
static int post_from_hart1(long r, ul val)
{
	long spin;

	post_val = val;
	__atomic_store_n(&post_cmd, r, __ATOMIC_RELEASE);
	for (spin = 0; __atomic_load_n(&post_done, __ATOMIC_ACQUIRE) != r; spin++)
		if (spin > 100000000)
			return 0;
	return 1;
}

/*
 * Posting to a vCPU that runs on another hart (docs/dv-ext.md, "Posted
 * virtual interrupts"). Hart 0 plays vCPU 0, hart 1 posts. With parallel
 * harts (no icount: MTTCG) the stress part checks the ordering the DV-driver
 * relies on when it takes a vCPU off a hart: once the write of h_enable.EN=0
 * has executed, no post changes this hart's hvip any more (it goes to the
 * vCPU table), and no post is lost.
 */
static void test_posts(void)
{
	const long rounds = 20000;
	long r, spin, late = 0, lost = 0, dup = 0;
	ul a, b, t, t0;

	if (!h1_done) {
		puts_("ok - post: across harts # SKIP hart 1 not running\n");
		return;
	}
	csrw(CSR_HIDELEG, HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP);
	csrw(CSR_HVIP, 0);
	vtab[0].pending = 0;
	csrw(DVEXT_CSR_H_VCPUTAB, (ul)vtab);
	csrw(DVEXT_CSR_H_VCPUNUM, 2);
	csrw(DVEXT_CSR_H_VCPU, 0);
	csrw(DVEXT_CSR_H_DELEG, 0);
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN);
	check(post_from_hart1(1, DVEXT_HU_VITR(0, DVEXT_IRQ_VSSI)) &&
		      csrr(CSR_HVIP) == HVIP_VSSIP && vtab[0].pending == 0,
	      "post: a post from hart 1 to the vCPU running on hart 0 sets hart 0's hvip, "
	      "not the table");
	csrw(CSR_HVIP, 0);
	csrw(DVEXT_CSR_H_ENABLE, 0);
	check(post_from_hart1(2, DVEXT_HU_VITR(0, DVEXT_IRQ_VSEI)) && csrr(CSR_HVIP) == 0 &&
		      vtab[0].pending == HVIP_VSEIP,
	      "post: with EN=0 on hart 0 the post goes to vCPU 0's table entry");
	vtab[0].pending = 0;

	/* At most 1 s of guest time: under icount the harts take turns, and
	 * each round then costs two turns; the stress needs parallel harts. */
	t0 = csrr(CSR_TIME);
	for (r = 3; r < 3 + rounds && csrr(CSR_TIME) - t0 < 10000000; r++) {
		csrw(CSR_HVIP, 0);
		__atomic_store_n(&vtab[0].pending, 0, __ATOMIC_SEQ_CST);
		csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN);
		post_val = DVEXT_HU_VITR(0, DVEXT_IRQ_VSSI);
		__atomic_store_n(&post_cmd, r, __ATOMIC_RELEASE);
		for (spin = r % 97; spin > 0; spin--)
			asm volatile("");
		csrw(DVEXT_CSR_H_ENABLE, 0);
		a = csrr(CSR_HVIP) & HVIP_VSSIP;
		for (spin = 0; __atomic_load_n(&post_done, __ATOMIC_ACQUIRE) != r; spin++)
			if (spin > 100000000)
				break;
		b = csrr(CSR_HVIP) & HVIP_VSSIP;
		t = __atomic_load_n(&vtab[0].pending, __ATOMIC_SEQ_CST) & HVIP_VSSIP;
		late += b && !a;
		lost += !b && !t;
		dup += b && t;
	}
	csrw(CSR_HVIP, 0);
	post_cmd = -1;
	for (spin = 0; post_done != -1 && spin < 100000000; spin++)
		;
	note("post stress rounds", r - 3);
	check(late == 0, "post: no post lands in hvip after h_enable.EN=0 (the driver's save "
			 "path reads hvip right after)");
	if (late)
		note("late posts", late);
	check(lost == 0 && dup == 0,
	      "post: every post of the stress is in hvip or in the table, once");
	if (lost || dup)
		note("lost/dup posts", lost << 32 | dup);
	csrw(DVEXT_CSR_H_VCPUTAB, 0);
	csrw(DVEXT_CSR_H_VCPUNUM, 0);
	csrw(CSR_HIDELEG, 0);
}

/*
 * Disarming the guest timer: after vstimecmp = -1 no VSTIP may stay
 * pending (the DV-driver disarms it when it takes a vCPU off a hart, and a
 * stale VSTIP is an interrupt nobody clears). Without icount the QEMU timer
 * fires in another thread than the hart's, so arm it close to now, let it
 * (nearly) expire, and disarm, many times.
 */
static void test_vstimer_disarm(void)
{
	const long rounds = 20000;
	long r, stale = 0;
	ul now;

	csrw(CSR_HTIMEDELTA, 0);
	now = csrr(CSR_TIME) + 1000000;
	csrw(CSR_VSTIMECMP, now);
	check(csrr(CSR_VSTIMECMP) == now, "timer: vstimecmp is writable from HS (Sstc)");
	for (r = 0; r < rounds; r++) {
		now = csrr(CSR_TIME);
		csrw(CSR_VSTIMECMP, now + (r % 4));
		while (csrr(CSR_TIME) < now + (r % 3))
			;
		csrw(CSR_VSTIMECMP, -1UL);
		stale += !!(csrr(CSR_HIP) & HVIP_VSTIP);
	}
	note("vstimecmp disarm rounds", rounds);
	check(stale == 0, "timer: after vstimecmp = -1 VSTIP is never left pending");
	if (stale)
		note("stale VSTIP", stale);
}

static void test_redirect(void)
{
	long c;

	csrw(CSR_HEDELEG, 0);
	c = run_guest(g_ill, RUN_VS, 0);
	check(c == CAUSE_ILL && strap.epc == (ul)g_ill_at && (strap.hstatus & HSTATUS_SPV),
	      "trap: with EN=0 an illegal instruction from VS reaches HS from V (stock)");

	check(pmc_set(first, IMG_BASE, IMG_SIZE, PERM_RWX) == 0,
	      "trap: SET of a V entry for the image");
	csrw(DVEXT_CSR_HU_EHB, (ul)hu_ehb_entry);
	csrw(DVEXT_CSR_H_DELEG, 0);
	csrw(DVEXT_CSR_H_ENABLE, DVEXT_H_ENABLE_EN);

	c = run_guest(g_ill, RUN_VS, 0);
	check(c == CAUSE_ILL && two_step(CAUSE_ILL, g_ill_at),
	      "trap: EN=1, illegal instruction from VS: trap from U at hu_ehb, hu_er=2, hu_vpc");
	check(csrr(DVEXT_CSR_HU_EINFO) == 0x800022f3 &&
		      (csrr(DVEXT_CSR_HU_VSTATUS) & DVEXT_HU_VSTATUS_SPVP),
	      "trap: EN=1, illegal instruction from VS: hu_einfo = the instruction, "
	      "hu_vstatus.SPVP=1");
	c = run_guest(g_ill, RUN_VU, 0);
	check(c == CAUSE_ILL && two_step(CAUSE_ILL, g_ill_at) &&
		      !(csrr(DVEXT_CSR_HU_VSTATUS) & DVEXT_HU_VSTATUS_SPVP),
	      "trap: EN=1, illegal instruction from VU: two-step, hu_vstatus.SPVP=0");
	c = run_guest(g_load, RUN_VS, OUT_PAGE);
	check(c == CAUSE_LOAD && two_step(CAUSE_LOAD, g_load_at) &&
		      csrr(DVEXT_CSR_HU_EINFO) == OUT_PAGE && strap.tval == OUT_PAGE,
	      "trap: EN=1, PMC load fault from VS: two-step, hu_er=5, hu_einfo = address");
	c = run_guest(g_store, RUN_VS, OUT_PAGE);
	check(c == CAUSE_STORE && two_step(CAUSE_STORE, g_store_at),
	      "trap: EN=1, PMC store fault from VS: two-step, hu_er=7");

	csrw(CSR_HEDELEG, (1UL << CAUSE_LOAD) | (1UL << CAUSE_ILL));
	csrw(CSR_VSTVEC, (ul)g_vstrap);
	c = run_guest(g_load, RUN_VS, OUT_PAGE);
	check(c == CAUSE_LOAD && two_step(CAUSE_LOAD, g_load_at),
	      "trap: EN=1, a PMC fault goes to HS even when hedeleg delegates it to VS");
	c = run_guest(g_ill, RUN_VS, 0);
	check(c == CAUSE_VSEC && two_step(CAUSE_VSEC, (const char *)g_vstrap) &&
		      csrr(CSR_VSCAUSE) == CAUSE_ILL && csrr(CSR_VSEPC) == (ul)g_ill_at,
	      "trap: EN=1, an illegal instruction delegated by hedeleg goes to VS");
	csrw(CSR_HEDELEG, 0);

	csrw(DVEXT_CSR_H_ENABLE, 0);
	c = run_guest(g_load, RUN_VS, OUT_PAGE);
	check(c == CAUSE_LOAD && strap.epc == (ul)g_load_at && (strap.hstatus & HSTATUS_SPV),
	      "trap: back to EN=0, a PMC fault reaches HS from V (stock)");
	check(pmc_clear_all() == 0, "trap: CLEAR_ALL");
}

int main(void)
{
	csrw(CSR_HGATP, 0); /* G-stage Bare: GPA = PA */
	csrw(CSR_VSATP, 0);
	if (!model_present()) {
		puts_("# fw: model off\n");
		test_model_off();
		finish();
	}
	puts_("# fw: model on\n");
	test_pmc_api();
	test_pmc_effect();
	test_pmc_load();
	test_two_harts();
	test_posts();
	test_vstimer_disarm();
	test_redirect();
	finish();
}
