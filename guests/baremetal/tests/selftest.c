// SPDX-License-Identifier: MIT
/*
 * Self-test guest for the VMMs, driven by its boot arguments:
 *   mmio=N     N 32-bit loads from the test device (N MMIO exits), checked
 *   badmmio=1  a load and a store where no device is: read as zero, no fault
 *   sbi=1      base probe, an unknown extension answers NOT_SUPPORTED, null calls
 *   timer=1    a timer interrupt arrives
 *   harts=N    start harts 1..N-1 with SBI HSM; each sends hart 0 an IPI
 *   badvirtio=1  feed the virtio device in slot 0 a descriptor outside RAM,
 *              then a descriptor loop: each time the device must answer
 *              DEVICE_NEEDS_RESET and keep working after a reset
 *   doorbell=N N external interrupts from the VMM's I/O thread (doorbell
 *              device through the PLIC), each claimed, acknowledged, completed
 *   dbdelay=US the doorbell's I/O thread waits US microseconds before each
 *              raise (default 0): the vCPU is asleep in WFI by then
 *   illegal=1  execute an illegal instruction (16-bit 0): the guest's own
 *              handler must get cause 2 at its address (DuVisor: delegated
 *              by hedeleg; Linux 6.1 KVM stops the VM, KVM_RUN fails EFAULT)
 *   misaligned=1  a misaligned MMIO load and store (test device + 2): the
 *              guest must get an address-misaligned exception (cause 4, 6)
 *              with stval = the address (KVM stops the VM at the load: EIO)
 *   fetchmmio=1   call into the test device: the guest must get an
 *              instruction access fault (KVM stops the VM: EOPNOTSUPP)
 *   regs=1     registers across exits: MMIO loads and stores to and from
 *              s-registers (which DuVisor's exit stub leaves in the hardware),
 *              compressed and sign-extending ones, every other register kept
 *              across an MMIO exit and across SBI base calls (DuVisor answers
 *              those in its exit stub), the base calls' answers
 *   reset=1    end with an SBI system reset (cold reboot) instead of an exit
 *   exit=K     exit with status K after the checks (default: failures)
 */
#include <string.h>

#include "dvguest.h"

static volatile unsigned long arrived;

static void secondary(unsigned long hartid, void *arg)
{
	(void)arg;
	__atomic_fetch_or(&arrived, 1UL << hartid, __ATOMIC_SEQ_CST);
	dv_send_ipi(1, 0);
}

static void test_mmio(uint64_t n)
{
	uint64_t bad = 0, t0 = dv_rdcycle();

	for (uint64_t i = 0; i < n; i++)
		bad += dv_read32(DV_TEST_BASE) != DV_TEST_READ_VALUE;
	dv_check(bad == 0, "mmio: %llu loads from the test device read %#x", (unsigned long long)n,
		 DV_TEST_READ_VALUE);
	dv_result("selftest-mmio", "", n, n ? (dv_rdcycle() - t0) / n : 0, "cycles");
}

/* ---- registers across exits (regs=1) ---- */

/* Set t0-t6, a2-a5 and s2-s11 to known values, run OP, OR into bad every
 * difference afterwards. OP may use a0, a1, a6, a7, s0 and s1. */
#define SET_REGS                                                                      \
	"li t0, 0x101\n li t1, 0x102\n li t2, 0x103\n li t3, 0x104\n li t4, 0x105\n"  \
	"li t5, 0x106\n li t6, 0x107\n li a2, 0x202\n li a3, 0x203\n li a4, 0x204\n"  \
	"li a5, 0x205\n li s2, 0x302\n li s3, 0x303\n li s4, 0x304\n li s5, 0x305\n"  \
	"li s6, 0x306\n li s7, 0x307\n li s8, 0x308\n li s9, 0x309\n li s10, 0x30a\n" \
	"li s11, 0x30b\n"
#define CHK(r, v) "addi " #r ", " #r ", -" #v "\n or %[bad], %[bad], " #r "\n"
#define CHECK_REGS                                                                                 \
	"li %[bad], 0\n" CHK(t0, 0x101) CHK(t1, 0x102) CHK(t2, 0x103) CHK(t3, 0x104)               \
		CHK(t4, 0x105) CHK(t5, 0x106) CHK(t6, 0x107) CHK(a2, 0x202) CHK(a3, 0x203)         \
			CHK(a4, 0x204) CHK(a5, 0x205) CHK(s2, 0x302) CHK(s3, 0x303) CHK(s4, 0x304) \
				CHK(s5, 0x305) CHK(s6, 0x306) CHK(s7, 0x307) CHK(s8, 0x308)        \
					CHK(s9, 0x309) CHK(s10, 0x30a) CHK(s11, 0x30b)
#define REG_CLOBBERS                                                                              \
	"t0", "t1", "t2", "t3", "t4", "t5", "t6", "a2", "a3", "a4", "a5", "s2", "s3", "s4", "s5", \
		"s6", "s7", "s8", "s9", "s10", "s11", "memory"

/* An SBI base call with every other register set: its answer; *bad the
 * registers it changed. */
static struct sbiret base_call_keeps(unsigned long fid, unsigned long *bad)
{
	register unsigned long a0 __asm__("a0") = 0x55, a1 __asm__("a1") = 0x66;
	register unsigned long a6 __asm__("a6") = fid, a7 __asm__("a7") = SBI_EXT_BASE;
	unsigned long b;

	__asm__ volatile(SET_REGS "ecall\n" CHECK_REGS
			 : [bad] "=&r"(b), "+r"(a0), "+r"(a1)
			 : "r"(a6), "r"(a7)
			 : REG_CLOBBERS);
	*bad = b;
	return (struct sbiret){ (long)a0, (long)a1 };
}

static void test_regs(void)
{
	static const struct {
		unsigned long fid, value;
	} base[] = { { 0, 0x01000000 }, { 1, 0x4456 }, { 2, 1 }, { 4, 0 }, { 5, 0 }, { 6, 0 } };
	const char *vmm = dv_chosen("duvisor,vmm");
	unsigned long bad, v, w;
	unsigned ok = 0, same = 0;

	/* the base calls DuVisor answers in its exit stub, and their answers */
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		struct sbiret r = base_call_keeps(base[i].fid, &bad);

		ok += r.error == 0 && !bad;
		same += (unsigned long)r.value == base[i].value;
	}
	dv_check(ok == 6,
		 "regs: SBI base functions 0-2, 4-6 answer and keep every other register "
		 "(%u of 6)",
		 ok);
	/* KVM answers base in the kernel, with its own ids */
	if (!vmm || strcmp(vmm, "kvm"))
		dv_check(same == 6,
			 "regs: SBI base answers are the VMM core's (spec 1.0, impl 0x4456, "
			 "version 1, "
			 "ids 0): %u of 6",
			 same);
	base_call_keeps(3, &bad); /* probe: the C path */
	dv_check(!bad, "regs: SBI base probe keeps every other register");
	/* lw into s1 (the handler asks for s0-s11), others kept */
	__asm__ volatile(SET_REGS ".option push\n .option norvc\n li s1, 0\n lw s1, 0(%[dev])\n"
				  ".option pop\n mv %[v], s1\n" CHECK_REGS
			 : [bad] "=&r"(bad), [v] "=&r"(v)
			 : [dev] "r"(DV_TEST_BASE)
			 : REG_CLOBBERS, "s1");
	dv_check(v == DV_TEST_READ_VALUE && !bad, "regs: lw s1 from a device: %#lx, others kept",
		 v);
	/* lw into a0 (saved by the stub), s-registers kept */
	__asm__ volatile(SET_REGS ".option push\n .option norvc\n lw a0, 0(%[dev])\n .option pop\n"
				  "mv %[v], a0\n" CHECK_REGS
			 : [bad] "=&r"(bad), [v] "=&r"(v)
			 : [dev] "r"(DV_TEST_BASE)
			 : REG_CLOBBERS, "a0");
	dv_check(v == DV_TEST_READ_VALUE && !bad, "regs: lw a0 from a device: %#lx, others kept",
		 v);
	/* compressed c.lw s1 (a 16-bit instruction, an s-register) */
	__asm__ volatile(".option push\n .option rvc\n mv a0, %[dev]\n c.lw s1, 0(a0)\n"
			 ".option pop\n mv %[v], s1\n"
			 : [v] "=&r"(v)
			 : [dev] "r"(DV_TEST_BASE)
			 : "a0", "s1", "memory");
	dv_check(v == DV_TEST_READ_VALUE, "regs: c.lw s1 from a device: %#lx", v);
	/* a store from s11 to the UART's scratch register, read back (lbu, lb) */
	__asm__ volatile("li s11, 0xa5\n sb s11, 7(%[u])\n lbu %[v], 7(%[u])\n lb %[w], 7(%[u])"
			 : [v] "=&r"(v), [w] "=&r"(w)
			 : [u] "r"(DV_UART_BASE)
			 : "s11", "memory");
	dv_check(v == 0xa5, "regs: sb s11 to the UART scratch register, lbu reads %#lx", v);
	dv_check(w == (unsigned long)(long)(signed char)0xa5,
		 "regs: lb of a device register sign-extends: %#lx", w);
}

static void test_badmmio(void)
{
	uintptr_t nowhere = 0x20000000;

	dv_write32(nowhere, 0x1234);
	dv_check(dv_read32(nowhere) == 0, "badmmio: unmapped address reads as zero");
}

static void test_sbi(void)
{
	struct sbiret r = dv_sbi(SBI_EXT_BASE, 3, SBI_EXT_HSM, 0, 0);

	dv_check(!r.error && r.value, "sbi: base probe finds HSM");
	r = dv_sbi(0x0a000000, 0, 0, 0, 0);
	dv_check(r.error == SBI_ERR_NOT_SUPPORTED, "sbi: unknown extension -> NOT_SUPPORTED (%ld)",
		 r.error);
	r = dv_sbi(SBI_EXT_DVB, SBI_DVB_NOP, 42, 0, 0);
	dv_check(!r.error && r.value == 42, "sbi: null call returns its argument");
	r = dv_sbi(SBI_EXT_DVB, 99, 0, 0, 0);
	dv_check(r.error == SBI_ERR_NOT_SUPPORTED, "sbi: unknown function -> NOT_SUPPORTED");
}

/*
 * Wait for an interrupt and take it, called with interrupts off and with
 * them off again on return: WFI (it wakes on an interrupt pending and
 * enabled in sie whatever sstatus.SIE says), then a window with them on.
 * The caller checks its condition with interrupts off: a loop that checks
 * and executes WFI with them on can lose the wake-up, when the interrupt is
 * taken between the check and the WFI, which then waits for one more (both
 * VMMs hung so in about 1% of doorbell=100 runs without icount).
 */
static void wfi_then_irq(void)
{
	dv_wfi();
	dv_local_irq_enable();
	dv_local_irq_disable();
}

static void test_timer(void)
{
	uint64_t until;

	dv_irq_enable(DV_IRQ_TIMER);
	dv_local_irq_disable();
	dv_set_timer(dv_rdtime() + 10000);
	until = dv_rdtime() + 100000000;
	while (!dv_irq_count[0][DV_IRQ_TIMER] && dv_rdtime() < until)
		wfi_then_irq();
	dv_local_irq_enable();
	dv_check(dv_irq_count[0][DV_IRQ_TIMER] == 1, "timer: one interrupt");
}

static void test_harts(unsigned long n)
{
	unsigned long want = ((1UL << n) - 1) & ~1UL;
	uint64_t until;

	dv_irq_enable(DV_IRQ_SOFT);
	dv_local_irq_enable();
	for (unsigned long h = 1; h < n; h++)
		dv_check(dv_hart_start(h, secondary, NULL) == 0, "harts: start hart %lu", h);
	until = dv_rdtime() + 100000000;
	while ((arrived != want || dv_irq_count[0][DV_IRQ_SOFT] == 0) && dv_rdtime() < until)
		;
	dv_check(arrived == want, "harts: %lu harts ran (mask %#lx)", n - 1, arrived);
	dv_check(dv_irq_count[0][DV_IRQ_SOFT] > 0, "harts: hart 0 got IPIs (%lu)",
		 dv_irq_count[0][DV_IRQ_SOFT]);
}

/* Split ring of 8 entries in our own memory (virtio 1.1, 2.6). */
struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
static struct {
	struct vdesc desc[8];
	uint16_t avail[2 + 8 + 1];
	uint8_t pad[4096 - 8 * 16 - 22];
	uint8_t used[4 + 8 * 8 + 2];
} ring __attribute__((aligned(4096)));

#define VIRTIO0 0x10001000UL

static uint32_t vstatus(void)
{
	return dv_read32(VIRTIO0 + 0x70);
}

static void virtio_setup(void)
{
	uintptr_t b = VIRTIO0;

	memset(&ring, 0, sizeof(ring));
	dv_write32(b + 0x70, 0);
	dv_write32(b + 0x70, 1 | 2);
	dv_write32(b + 0x24, 1);
	dv_write32(b + 0x20, 1); /* VIRTIO_F_VERSION_1 */
	dv_write32(b + 0x70, 1 | 2 | 8);
	dv_write32(b + 0x30, 0);
	dv_write32(b + 0x38, 8);
	dv_write32(b + 0x80, (uintptr_t)ring.desc);
	dv_write32(b + 0x84, 0);
	dv_write32(b + 0x90, (uintptr_t)ring.avail);
	dv_write32(b + 0x94, 0);
	dv_write32(b + 0xa0, (uintptr_t)ring.used);
	dv_write32(b + 0xa4, 0);
	dv_write32(b + 0x44, 1);
	dv_write32(b + 0x70, 1 | 2 | 8 | 4);
}

static void virtio_submit(uint16_t head)
{
	ring.avail[2 + ring.avail[1] % 8] = head;
	__asm__ volatile("fence w, w" ::: "memory");
	ring.avail[1]++;
	__asm__ volatile("fence w, w" ::: "memory");
	dv_write32(VIRTIO0 + 0x50, 0);
}

static void test_badvirtio(void)
{
	if (dv_read32(VIRTIO0) != 0x74726976 || dv_read32(VIRTIO0 + 8) == 0) {
		dv_check(false, "badvirtio: no virtio device in slot 0");
		return;
	}
	virtio_setup();
	dv_check((vstatus() & 0x4f) == 0x0f, "badvirtio: device set up (status %#x)", vstatus());
	ring.desc[0] = (struct vdesc){ .addr = 0x1000, .len = 512, .flags = 0 };
	virtio_submit(0);
	dv_check(vstatus() & 0x40, "badvirtio: buffer outside RAM -> DEVICE_NEEDS_RESET (%#x)",
		 vstatus());
	virtio_setup();
	dv_check(!(vstatus() & 0x40), "badvirtio: reset clears DEVICE_NEEDS_RESET");
	ring.desc[0] =
		(struct vdesc){ .addr = (uintptr_t)ring.pad, .len = 16, .flags = 1, .next = 1 };
	ring.desc[1] =
		(struct vdesc){ .addr = (uintptr_t)ring.pad, .len = 16, .flags = 1, .next = 0 };
	virtio_submit(0);
	dv_check(vstatus() & 0x40, "badvirtio: descriptor loop -> DEVICE_NEEDS_RESET (%#x)",
		 vstatus());
	dv_write32(VIRTIO0 + 0x70, 0);
}

/* ---- exceptions the guest provokes (what vanilla KVM does not run) ---- */
void dv_illegal_insn(void);
unsigned long dv_mmio_load(unsigned long addr);
void dv_mmio_store(unsigned long addr, unsigned long val);
/* Each starts with the instruction that traps; the handler resumes after it. */
__asm__(".pushsection .text\n"
	".balign 4\n"
	".globl dv_illegal_insn\n"
	"dv_illegal_insn:\n"
	"	.2byte 0\n" /* the defined illegal instruction */
	"	ret\n"
	".globl dv_mmio_load\n"
	"dv_mmio_load:\n"
	"	lw a0, 0(a0)\n"
	"	ret\n"
	".globl dv_mmio_store\n"
	"dv_mmio_store:\n"
	"	sw a1, 0(a0)\n"
	"	ret\n"
	".popsection\n");

static volatile unsigned long exc_cause, exc_epc, exc_tval, exc_count;

static unsigned long expect_exc(unsigned long cause, unsigned long epc, unsigned long tval,
				unsigned long *regs)
{
	exc_cause = cause;
	exc_epc = epc;
	exc_tval = tval;
	exc_count++;
	if (cause == 1)
		return regs[1]; /* a fetch from a device: back to the caller (ra) */
	return epc + ((*(volatile uint16_t *)epc & 3) == 3 ? 4 : 2);
}

static void expect(unsigned long cause, unsigned long epc, unsigned long tval, const char *what)
{
	dv_check(exc_count == 1 && exc_cause == cause && exc_epc == epc && exc_tval == tval,
		 "%s: the guest's handler got cause %lu at %#lx, stval %#lx (%lu trap(s); want "
		 "cause %lu at %#lx, stval %#lx)",
		 what, exc_cause, exc_epc, exc_tval, exc_count, cause, epc, tval);
	exc_count = 0;
}

static void test_illegal(void)
{
	unsigned long at = (unsigned long)dv_illegal_insn;

	dv_printf("DVTEST: illegal instruction at %#lx\n", at);
	exc_count = 0;
	dv_exc_handler(expect_exc);
	dv_illegal_insn();
	dv_exc_handler(NULL);
	expect(2, at, 0, "illegal");
}

static void test_misaligned(void)
{
	unsigned long a = DV_TEST_BASE + 2;

	dv_printf("DVTEST: misaligned MMIO load at %#lx\n", (unsigned long)dv_mmio_load);
	exc_count = 0;
	dv_exc_handler(expect_exc);
	dv_mmio_load(a);
	expect(4, (unsigned long)dv_mmio_load, a, "misaligned: load");
	dv_mmio_store(a, 0x3333);
	expect(6, (unsigned long)dv_mmio_store, a, "misaligned: store");
	dv_exc_handler(NULL);
}

static void test_fetchmmio(void)
{
	void (*dev)(void) = (void (*)(void))DV_TEST_BASE;

	dv_printf("DVTEST: instruction fetch from a device at %#lx\n", DV_TEST_BASE);
	exc_count = 0;
	dv_exc_handler(expect_exc);
	dev();
	dv_exc_handler(NULL);
	expect(1, DV_TEST_BASE, DV_TEST_BASE, "fetchmmio");
}

static volatile unsigned doorbell_seen, doorbell_bad;

static void ext_irq(unsigned long cause)
{
	unsigned irq;

	if (cause != DV_IRQ_EXT)
		return;
	while ((irq = dv_plic_claim(0))) {
		if (irq == DV_IRQ_DOORBELL) {
			dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_ACK, 1);
			doorbell_seen++;
		} else {
			doorbell_bad++;
		}
		dv_plic_complete(0, irq);
	}
}

static void test_doorbell(uint64_t n)
{
	uint64_t t0, total = 0;
	uint64_t delay_us = dv_arg("dbdelay", 0);

	dv_irq_handler(ext_irq);
	dv_plic_enable(DV_IRQ_DOORBELL, 0);
	dv_irq_enable(DV_IRQ_EXT);
	dv_local_irq_disable();
	if (delay_us)
		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_DELAY_NS, delay_us * 1000U);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t until = dv_rdtime() + 100000000;
		unsigned before = doorbell_seen;

		t0 = dv_rdtime();
		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_RING, 1);
		while (doorbell_seen == before && dv_rdtime() < until)
			wfi_then_irq();
		total += dv_rdtime() - t0;
	}
	dv_local_irq_disable();
	dv_check(doorbell_seen == n && !doorbell_bad,
		 "doorbell: %u of %llu interrupts from the I/O thread arrived (%u stray)",
		 doorbell_seen, (unsigned long long)n, doorbell_bad);
	dv_check(dv_read32(DV_DOORBELL_BASE + DV_DOORBELL_COUNT) == n,
		 "doorbell: the device counted %u",
		 dv_read32(DV_DOORBELL_BASE + DV_DOORBELL_COUNT));
	dv_result("selftest-doorbell", "", n, n ? total / n : 0, "ticks");
}

int main(void)
{
	uint64_t n;

	dv_printf("DVTEST: selftest on %s, hart %lu, args '%s'\n",
		  dv_chosen("duvisor,vmm") ? dv_chosen("duvisor,vmm") : "?", dv_hartid(),
		  dv_bootargs());
	if ((n = dv_arg("mmio", 0)))
		test_mmio(n);
	if (dv_arg("badmmio", 0))
		test_badmmio();
	if (dv_arg("sbi", 0))
		test_sbi();
	if (dv_arg("regs", 0))
		test_regs();
	if (dv_arg("badvirtio", 0))
		test_badvirtio();
	if (dv_arg("timer", 0))
		test_timer();
	if ((n = dv_arg("doorbell", 0)))
		test_doorbell(n);
	if ((n = dv_arg("harts", 1)) > 1)
		test_harts(n);
	if (dv_arg("illegal", 0))
		test_illegal();
	if (dv_arg("misaligned", 0))
		test_misaligned();
	if (dv_arg("fetchmmio", 0))
		test_fetchmmio();
	dv_printf("DVTEST: done, %d failure(s)\n", dv_failures);
	if (dv_arg("reset", 0)) {
		dv_sbi(SBI_EXT_SRST, 0, 1, 0, 0);
		dv_check(false, "reset: the system reset call returned");
	}
	return (int)dv_arg("exit", dv_failures);
}
