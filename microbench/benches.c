// SPDX-License-Identifier: MIT
/*
 * The microbenchmark table. Each entry names the operation the paper's
 * Fig. 6 (or Fig. 9's bw_mem) measures and how this guest provokes it; what
 * each VMM is expected to do with it (which exits, how many) lives in
 * microbench/expect.csv, checked against the VMM's --stats by the driver.
 */
#include <string.h>

#include "dvext/dvext.h"
#include "microbench.h"

#define PAGE			  4096UL
#define SZ_2M			  0x200000UL
#define UART_SCR		  7
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_TIME_SET_TIMER	  0

/* An SBI call with no arguments, inline so the loop is only the ecall. */
static inline long sbi0(unsigned long ext, unsigned long fid)
{
	register unsigned long a0 __asm__("a0") = 0;
	register unsigned long a1 __asm__("a1") = 0;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (long)a0;
}

static inline void sbi_set_timer(uint64_t when)
{
	register unsigned long a0 __asm__("a0") = when;
	register unsigned long a1 __asm__("a1") = 0;
	register unsigned long a6 __asm__("a6") = SBI_TIME_SET_TIMER;
	register unsigned long a7 __asm__("a7") = SBI_EXT_TIME;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / mb_timebase();
}

/* ---- null hypercall: SBI base get_spec_version ----
 * KVM answers the base extension in the kernel; DuVisor in HU. */
static void run_hypercall(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		sbi0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION);
}

/* ---- a call every VMM answers in user space: our SBI extension's NOP ----
 * On KVM this is the exit to the user VMM and back (KVM_EXIT_RISCV_SBI). */
static void run_sbi_user(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		sbi0(SBI_EXT_DVB, SBI_DVB_NOP);
}

/* ---- MMIO to a device emulated in the user VMM ---- */
static void run_mmio_read(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		(void)*(volatile uint32_t *)DV_TEST_BASE;
}

/* The UART's scratch register: a store with no side effect. */
static void run_mmio_write(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		*(volatile uint8_t *)(DV_UART_BASE + UART_SCR) = (uint8_t)i;
}

/* ---- memory layout: [free start, +membuf) for the memory benchmarks,
 * then the stage-2 fault region up to 2 MiB below the end of RAM (where the
 * VMM puts the device tree). */
static uintptr_t membuf_start(void)
{
	return mb_free_start();
}

static uint64_t membuf_size(void)
{
	return dv_arg("membuf", 8) << 20;
}

static uintptr_t s2pf_start(void)
{
	return membuf_start() + membuf_size() + SZ_2M;
}

static uintptr_t s2pf_end(void)
{
	return mb_ram_end() - SZ_2M;
}

/* ---- stage-2 page fault: the first store to each page of untouched RAM ---- */
static const char *prep_s2pf(struct mb_ctx *c)
{
	uint64_t pages = s2pf_end() > s2pf_start() ? (s2pf_end() - s2pf_start()) / PAGE : 0;

	if (c->iters * c->reps > pages) {
		c->iters = pages / c->reps;
		dv_printf("DVBENCH: s2pf: %llu pages of RAM free (ram=%llu MiB): %llu iterations "
			  "per repetition\n",
			  (unsigned long long)pages, (unsigned long long)dv_arg("ram", 128),
			  (unsigned long long)c->iters);
	}
	return c->iters ? NULL : "no free guest RAM for first-touch faults (ram= too small)";
}

static void touch_pages(struct mb_ctx *c, uint64_t n)
{
	uintptr_t base = s2pf_start() + (uintptr_t)c->rep * c->iters * PAGE;

	for (uint64_t i = 0; i < n; i++)
		*(volatile uint64_t *)(base + i * PAGE) = i;
}

/* run: first touch (fault); empty: the same stores again, now mapped. */
static void run_s2pf(struct mb_ctx *c, uint64_t n)
{
	touch_pages(c, n);
}

static void empty_s2pf(struct mb_ctx *c, uint64_t n)
{
	touch_pages(c, n);
}

/* ---- virtual IPI: vCPU 0 sends, vCPU 1 receives, busy in the guest ----
 * The paper's definition: from the sender's post to the receiver's handler,
 * one way, the receiver busy in the guest on another hart. Timed with the
 * time CSR (the machine-wide virtual clock; each hart's cycle counter only
 * counts that hart's own instructions): the sender stamps just before it
 * posts, the receiver's handler as it is called. Before the next post the
 * sender waits until the receiver is back in its busy loop, so every post
 * finds it running guest code. */
static volatile int partner_ready, partner_stop;
static volatile uint64_t ipi_posted_at, ipi_oneway;

/* Trace marks (docs/dv-ext.md, "Transition trace"; a no-op HINT untraced):
 * 20 where the sender has stamped and posts, 21 where the receiver's vIPI
 * handler stamps, 22 where the vEXT handler stamps. */
#define TRACE_MARK(n) __asm__ volatile("slti x0, x0, " #n ::: "memory")
static volatile unsigned long ipi_hits, partner_spins;

static void vipi_irq(unsigned long cause)
{
	uint64_t now = dv_rdtime();

	TRACE_MARK(21);
	if (cause == DV_IRQ_SOFT && dv_hartid() == 1) {
		ipi_oneway += now - ipi_posted_at;
		ipi_hits++;
	}
}

static void vipi_partner(unsigned long hartid, void *arg)
{
	(void)hartid;
	(void)arg;
	dv_irq_enable(DV_IRQ_SOFT);
	dv_local_irq_enable();
	partner_ready = 1;
	while (!partner_stop)
		partner_spins++;
	dv_local_irq_disable();
}

static const char *start_partner(void)
{
	uint64_t until;

	if (dv_hart_status(1) != 1 /* STOPPED */)
		return "needs a second vCPU (--cpus 2)";
	partner_ready = partner_stop = 0;
	if (dv_hart_start(1, vipi_partner, NULL))
		return "SBI HSM could not start vCPU 1";
	until = dv_rdtime() + mb_timebase();
	while (!partner_ready && dv_rdtime() < until)
		;
	return partner_ready ? NULL : "vCPU 1 did not come up within 1 s";
}

static const char *prep_vipi(struct mb_ctx *c)
{
	(void)c;
	dv_irq_handler(vipi_irq);
	return start_partner();
}

static void vpost_ipi(unsigned long hart);

/*
 * Stamp and post. The V-mode post is three instructions from the time read
 * to the write (the stamp must be in memory before the receiver can run):
 * under the model's round-robin the fewer instructions between stamp and
 * post, the rarer a slice ends between them and charges the busy receiver's
 * slice to the latency.
 */
static void stamp_and_post(void (*post)(unsigned long))
{
	unsigned long v = DVEXT_HU_VITR(1UL, DVEXT_IRQ_VSSI), t;

	TRACE_MARK(20);
	if (post == vpost_ipi) {
		__asm__ volatile("rdtime %0\n\tsd %0, 0(%1)\n\tcsrw %2, %3"
				 : "=&r"(t)
				 : "r"(&ipi_posted_at), "i"(DVEXT_CSR_HU_VITR), "r"(v)
				 : "memory");
		return;
	}
	ipi_posted_at = dv_rdtime();
	post(1);
}

/* One post per operation; post(1) sends vCPU 1 a software interrupt. */
static void vipi_loop(struct mb_ctx *c, uint64_t n, void (*post)(unsigned long), const char *what)
{
	ipi_oneway = 0;
	for (uint64_t i = 0; i < n; i++) {
		unsigned long hits = ipi_hits, spins;
		uint64_t until = dv_rdtime() + mb_timebase();

		stamp_and_post(post);
		while (ipi_hits == hits)
			if (dv_rdtime() > until)
				goto lost;
		spins = partner_spins;
		while (partner_spins == spins) /* vCPU 1 is back in its loop */
			if (dv_rdtime() > until)
				goto lost;
	}
	c->ns = ticks_to_ns(ipi_oneway);
	return;
lost:
	dv_check(false, what);
	c->ns = 0;
}

static void sbi_ipi_to(unsigned long hart)
{
	dv_send_ipi(1UL << hart, 0);
}

static void run_vipi(struct mb_ctx *c, uint64_t n)
{
	vipi_loop(c, n, sbi_ipi_to, "vipi: vCPU 1 took no IPI within 1 s");
}

static void finish_vipi(struct mb_ctx *c)
{
	(void)c;
	partner_stop = 1;
	dv_irq_handler(NULL);
}

/* ---- virtual IPI posted from V mode: the guest writes hu_vitr itself ----
 * The same measurement, but each IPI is a guest write of hu_vitr (DV-Ext's
 * V-mode posted interrupt, h_enable.VPOST): no exit on the sender, none on
 * the receiver. Only where the VMM says so (/chosen "duvisor,vpost", DuVisor
 * --vpost); elsewhere the write would be an illegal instruction. */
static void vpost_ipi(unsigned long hart)
{
	unsigned long v = DVEXT_HU_VITR(hart, DVEXT_IRQ_VSSI);

	__asm__ volatile("csrw %0, %1" ::"i"(DVEXT_CSR_HU_VITR), "r"(v) : "memory");
}

static const char *prep_vipi_vpost(struct mb_ctx *c)
{
	const char *how = dv_chosen("duvisor,vpost");

	(void)c;
	if (!how || strcmp(how, "hu_vitr"))
		return "not supported: the VMM lets the guest post no interrupt from V mode "
		       "(no /chosen duvisor,vpost; DuVisor needs --vpost)";
	dv_irq_handler(vipi_irq);
	return start_partner();
}

static void run_vipi_vpost(struct mb_ctx *c, uint64_t n)
{
	vipi_loop(c, n, vpost_ipi, "vipi-vpost: vCPU 1 took no IPI within 1 s");
}

/* ---- timer: programming it (SBI set_timer), and its expiry ---- */
static void run_timer_program(struct mb_ctx *c, uint64_t n)
{
	(void)c;
	for (uint64_t i = 0; i < n; i++)
		sbi_set_timer(~0ULL);
}

/* Expiry latency: the main loop keeps storing the time it last saw; the
 * interrupt handler copies that, so (last seen - deadline) is how late the
 * interrupt was taken, to the timer's resolution (100 ns at 10 MHz), before
 * the handler itself runs. */
#define TIMER_DISTANCE 100 /* ticks: far enough that set_timer returns first */
static volatile uint64_t seen_time, seen_at_irq;
static volatile unsigned long timer_hits;

static void timer_irq(unsigned long cause)
{
	if (cause == DV_IRQ_TIMER) {
		seen_at_irq = seen_time;
		timer_hits++;
	}
}

static const char *prep_timer_expiry(struct mb_ctx *c)
{
	(void)c;
	dv_irq_handler(timer_irq);
	dv_irq_enable(DV_IRQ_TIMER);
	dv_local_irq_enable();
	return NULL;
}

/* A timer that never fires (no interrupt within 100 ms of its deadline, ten
 * thousand times the distance) is counted and re-armed, not a failed run: the
 * VMM's (or host kernel's) bug, reported as "DVBENCH-LOST: timer-expiry N"
 * at the end, which bench-collect checks per system (docs/methodology.md,
 * "Lost timers": vanilla KVM 6.1 loses one when the vCPU thread is
 * preempted between the guest's set_timer and its re-entry). More than
 * TIMER_LOST_MAX fail the run. The test hook timer-drop=K skips the
 * set_timer of iteration K of the first run (the warm-up; K >= 1), so a
 * lost timer can be made on purpose. */
#define TIMER_LOST_MAX 10
static unsigned long timer_lost, timer_reps;

static void run_timer_expiry(struct mb_ctx *c, uint64_t n)
{
	uint64_t drop = timer_reps++ == 0 ? dv_arg("timer-drop", 0) : 0;
	int64_t late = 0;

	for (uint64_t i = 0; i < n; i++) {
		unsigned long before = timer_hits;
		uint64_t deadline = dv_rdtime() + TIMER_DISTANCE;
		uint64_t until = deadline + mb_timebase() / 10;

		seen_time = dv_rdtime();
		if (i + 1 != drop)
			sbi_set_timer(deadline);
		while (timer_hits == before) {
			seen_time = dv_rdtime();
			if (seen_time <= until)
				continue;
			if (++timer_lost > TIMER_LOST_MAX) {
				dv_check(false,
					 "timer-expiry: %lu timers lost (no interrupt within 100 "
					 "ms)",
					 timer_lost);
				c->ns = 0;
				return;
			}
			dv_printf("DVBENCH-NOTE: timer-expiry: no timer interrupt within 100 ms of "
				  "its "
				  "deadline (iteration %llu); re-armed\n",
				  (unsigned long long)i + 1);
			deadline = dv_rdtime() + TIMER_DISTANCE;
			until = deadline + mb_timebase() / 10;
			sbi_set_timer(deadline);
		}
		late += (int64_t)(seen_at_irq - deadline);
	}
	c->ns = late > 0 ? ticks_to_ns((uint64_t)late) : 0;
}

static void finish_timer(struct mb_ctx *c)
{
	(void)c;
	if (timer_reps)
		dv_printf("DVBENCH-LOST: timer-expiry %lu\n", timer_lost);
	dv_local_irq_disable();
	dv_irq_disable(DV_IRQ_TIMER);
	dv_irq_handler(NULL);
}

/* ---- virtual external interrupt from a device's I/O thread ----
 * The guest rings the VMM's interrupt doorbell (vmm/doorbell.c): an MMIO
 * store, after which an I/O thread of the VMM raises a PLIC line, which the
 * VMM turns into an external interrupt for vCPU 0 (KVM_INTERRUPT on KVM, a
 * post to hu_vitr on DuVisor). Timed with the time CSR (the I/O thread runs
 * on another host hart), to the handler's first instruction after the
 * library's trap entry, from
 *  - post-to-handler (the paper's vEXT): the I/O thread's stamp of the
 *    guest's time just before it raises the line; the doorbell sums them
 *    (POSTED_LO/HI, read once per run, so no exit per operation). The I/O
 *    thread waits VEXT_DELAY_NS after the ring before it posts, so the post
 *    finds the vCPU back in the guest and busy, as in the paper (the vCPU
 *    running on another core), not still on its way back from the ring's
 *    MMIO exit;
 *  - ring-to-handler ("I/O notification"): the guest's stamp before its
 *    ring, so the MMIO exit, the wake-up of the I/O thread and the post. */
static volatile uint64_t vext_at;
static volatile unsigned long vext_hits;

/* Longer than the return from any VMM's MMIO exit (KVM's is about 2300
 * instructions, 2.3 us in profile insn), short against the loop's 1 s
 * timeout; the host's timer slack may lengthen the wait, which only moves
 * the stamp. */
#define VEXT_DELAY_NS 20000

static void vext_irq(unsigned long cause)
{
	unsigned irq;

	if (cause != DV_IRQ_EXT)
		return;
	vext_at = dv_rdtime();
	TRACE_MARK(22);
	irq = dv_plic_claim(0);
	if (irq == DV_IRQ_DOORBELL) {
		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_ACK, 1);
		vext_hits++;
	}
	if (irq)
		dv_plic_complete(0, irq);
}

static const char *prep_vext(struct mb_ctx *c)
{
	(void)c;
	if (!dv_chosen("duvisor,irq-doorbell"))
		return "the VMM has no I/O-thread interrupt source (duvisor,irq-doorbell)";
	dv_irq_handler(vext_irq);
	dv_plic_enable(DV_IRQ_DOORBELL, 0);
	dv_irq_enable(DV_IRQ_EXT);
	dv_local_irq_enable();
	return NULL;
}

static void vext_loop(struct mb_ctx *c, uint64_t n, bool from_post)
{
	uint64_t sum = 0, posted;

	dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_DELAY_NS, from_post ? VEXT_DELAY_NS : 0);
	if (from_post)
		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_POSTED_LO, 0);
	for (uint64_t i = 0; i < n; i++) {
		unsigned long before = vext_hits;
		uint64_t t0 = dv_rdtime(), until = t0 + mb_timebase();

		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_RING, 1);
		while (vext_hits == before) {
			if (dv_rdtime() > until) {
				dv_check(false, "vext: no doorbell interrupt within 1 s");
				c->ns = 0;
				return;
			}
		}
		sum += vext_at - (from_post ? 0 : t0);
	}
	if (from_post) {
		posted = dv_read32(DV_DOORBELL_BASE + DV_DOORBELL_POSTED_LO);
		posted |= (uint64_t)dv_read32(DV_DOORBELL_BASE + DV_DOORBELL_POSTED_HI) << 32;
		sum -= posted;
		dv_write32(DV_DOORBELL_BASE + DV_DOORBELL_DELAY_NS, 0);
	}
	c->ns = ticks_to_ns(sum);
}

static void run_vext(struct mb_ctx *c, uint64_t n)
{
	vext_loop(c, n, true);
}

static void run_io_notify(struct mb_ctx *c, uint64_t n)
{
	vext_loop(c, n, false);
}

static void finish_vext(struct mb_ctx *c)
{
	(void)c;
	dv_local_irq_disable();
	dv_irq_disable(DV_IRQ_EXT);
	dv_irq_handler(NULL);
}

/* ---- memory bandwidth and latency (PMC on/off) ---- */
static const char *prep_mem(struct mb_ctx *c)
{
	(void)c;
	if (membuf_start() + membuf_size() > mb_ram_end() - SZ_2M)
		return "membuf= larger than the free guest RAM";
	return NULL;
}

static void run_bw_rd(struct mb_ctx *c, uint64_t n)
{
	const volatile uint64_t *p = (const volatile uint64_t *)membuf_start();
	uint64_t words = membuf_size() / 8, sum = 0;

	for (uint64_t k = 0; k < n; k++)
		for (uint64_t i = 0; i < words; i += 8)
			sum += p[i] + p[i + 1] + p[i + 2] + p[i + 3] + p[i + 4] + p[i + 5] +
			       p[i + 6] + p[i + 7];
	__asm__ volatile("" ::"r"(sum));
	c->bytes = n * membuf_size();
}

static void run_bw_wr(struct mb_ctx *c, uint64_t n)
{
	volatile uint64_t *p = (volatile uint64_t *)membuf_start();
	uint64_t words = membuf_size() / 8;

	for (uint64_t k = 0; k < n; k++)
		for (uint64_t i = 0; i < words; i += 8) {
			p[i] = k;
			p[i + 1] = k;
			p[i + 2] = k;
			p[i + 3] = k;
			p[i + 4] = k;
			p[i + 5] = k;
			p[i + 6] = k;
			p[i + 7] = k;
		}
	c->bytes = n * membuf_size();
}

/* Copy the first half of the buffer to the second; bytes = bytes copied. */
static void run_bw_cp(struct mb_ctx *c, uint64_t n)
{
	const volatile uint64_t *s = (const volatile uint64_t *)membuf_start();
	volatile uint64_t *d = (volatile uint64_t *)(membuf_start() + membuf_size() / 2);
	uint64_t words = membuf_size() / 16;

	for (uint64_t k = 0; k < n; k++)
		for (uint64_t i = 0; i < words; i += 4) {
			d[i] = s[i];
			d[i + 1] = s[i + 1];
			d[i + 2] = s[i + 2];
			d[i + 3] = s[i + 3];
		}
	c->bytes = n * membuf_size() / 2;
}

/* A dependent-load chain visiting every page of the buffer once per lap, in
 * an order that defeats next-page locality, at a different line each page. */
static uintptr_t chain_head;

static const char *prep_lat(struct mb_ctx *c)
{
	uint64_t pages = membuf_size() / PAGE, step = pages / 2 + 1, p = 0;
	const char *why = prep_mem(c);

	if (why)
		return why;
	if (!(step & 1))
		step++; /* odd step: a full cycle over a power-of-two page count */
	chain_head = membuf_start();
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t next = (p + step) % pages;
		uintptr_t here = membuf_start() + p * PAGE + (p % 64) * 64;
		uintptr_t there = membuf_start() + next * PAGE + (next % 64) * 64;

		*(volatile uintptr_t *)here = there;
		p = next;
	}
	return NULL;
}

static void run_lat(struct mb_ctx *c, uint64_t n)
{
	uintptr_t p = chain_head;

	(void)c;
	for (uint64_t i = 0; i < n; i++)
		p = *(volatile uintptr_t *)p;
	__asm__ volatile("" ::"r"(p));
}

#define PRIMITIVE 10000

const struct mb_bench mb_benches[] = {
	{ .name = "hypercall", .kind = MB_COST, .iterations = PRIMITIVE, .run = run_hypercall },
	{ .name = "sbi-user", .kind = MB_COST, .iterations = PRIMITIVE, .run = run_sbi_user },
	{ .name = "mmio-read", .kind = MB_COST, .iterations = PRIMITIVE, .run = run_mmio_read },
	{ .name = "mmio-write", .kind = MB_COST, .iterations = PRIMITIVE, .run = run_mmio_write },
	{ .name = "s2pf",
	  .kind = MB_COST,
	  .iterations = PRIMITIVE,
	  .no_warmup = true,
	  .prepare = prep_s2pf,
	  .run = run_s2pf,
	  .empty = empty_s2pf },
	{ .name = "vipi",
	  .param = "post-to-handler",
	  .kind = MB_TIME_NS,
	  .iterations = PRIMITIVE,
	  .prepare = prep_vipi,
	  .run = run_vipi,
	  .finish = finish_vipi },
	{ .name = "vipi-vpost",
	  .param = "post-to-handler",
	  .kind = MB_TIME_NS,
	  .iterations = PRIMITIVE,
	  .prepare = prep_vipi_vpost,
	  .run = run_vipi_vpost,
	  .finish = finish_vipi },
	/* each operation waits the I/O thread's 20 us (and the host's timer
	 * slack, up to 50 us): 1,000 of them whatever iters= says */
	{ .name = "vext",
	  .param = "post-to-handler",
	  .kind = MB_TIME_NS,
	  .iterations = PRIMITIVE / 10,
	  .fixed_iters = true,
	  .prepare = prep_vext,
	  .run = run_vext,
	  .finish = finish_vext },
	{ .name = "vext",
	  .param = "ring-to-handler",
	  .kind = MB_TIME_NS,
	  .iterations = PRIMITIVE,
	  .prepare = prep_vext,
	  .run = run_io_notify,
	  .finish = finish_vext },
	{ .name = "timer-program",
	  .kind = MB_COST,
	  .iterations = PRIMITIVE,
	  .run = run_timer_program },
	{ .name = "timer-expiry",
	  .param = "late-after-deadline",
	  .kind = MB_TIME_NS,
	  .iterations = PRIMITIVE,
	  .prepare = prep_timer_expiry,
	  .run = run_timer_expiry,
	  .finish = finish_timer },
	{ .name = "mem-bw",
	  .param = "rd",
	  .kind = MB_BANDWIDTH,
	  .iterations = 4,
	  .fixed_iters = true,
	  .prepare = prep_mem,
	  .run = run_bw_rd },
	{ .name = "mem-bw",
	  .param = "wr",
	  .kind = MB_BANDWIDTH,
	  .iterations = 4,
	  .fixed_iters = true,
	  .prepare = prep_mem,
	  .run = run_bw_wr },
	{ .name = "mem-bw",
	  .param = "cp",
	  .kind = MB_BANDWIDTH,
	  .iterations = 4,
	  .fixed_iters = true,
	  .prepare = prep_mem,
	  .run = run_bw_cp },
	{ .name = "mem-lat",
	  .param = "page-stride",
	  .kind = MB_LATENCY,
	  .iterations = 100000,
	  .fixed_iters = true,
	  .prepare = prep_lat,
	  .run = run_lat },
};

const unsigned mb_nr_benches = sizeof(mb_benches) / sizeof(mb_benches[0]);
