// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvguest.h"

#define SBI_EXT_LEGACY_PUTCHAR 1
#define SBI_SRST_RESET	       0
#define FDT_MAGIC	       0xd00dfeed
#define FDT_BEGIN_NODE	       1
#define FDT_END_NODE	       2
#define FDT_PROP	       3
#define FDT_NOP		       4
#define FDT_END		       9

static const void *boot_fdt;
static dv_irq_fn irq_fn;
static dv_exc_fn exc_fn;
volatile unsigned long dv_irq_count[DV_MAX_HARTS][16];
int dv_failures;

struct dv_start {
	dv_hart_fn fn;
	void *arg;
};
static struct dv_start starts[DV_MAX_HARTS];

void _secondary_start(void);
void dv_boot(unsigned long hartid, const void *fdt);
void dv_secondary(unsigned long hartid, struct dv_start *s);
void dv_trap(unsigned long *regs);

struct sbiret dv_sbi(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
		     unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

void dv_putc(char c)
{
	register unsigned long r0 __asm__("a0") = (unsigned char)c;
	register unsigned long r7 __asm__("a7") = SBI_EXT_LEGACY_PUTCHAR;

	__asm__ volatile("ecall" : "+r"(r0) : "r"(r7) : "a1", "memory");
}

void dv_puts(const char *s)
{
	while (*s)
		dv_putc(*s++);
}

int dv_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dv_puts(buf);
	return n;
}

void dv_exit(int code)
{
	if (code == 0)
		dv_sbi(SBI_EXT_SRST, SBI_SRST_RESET, 0, 0, 0);
	else
		dv_sbi(SBI_EXT_DVB, SBI_DVB_EXIT, code, 0, 0);
	/* Not reached under a VMM; spin rather than run off into memory. */
	for (;;)
		dv_wfi();
}

unsigned long dv_hartid(void)
{
	unsigned long h;

	__asm__ volatile("csrr %0, sscratch" : "=r"(h));
	return h;
}

/* ---- the device tree: just enough to read /chosen ---- */
static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

const char *dv_chosen(const char *name)
{
	const uint8_t *fdt = boot_fdt, *p, *strings;
	int depth = 0;
	bool in_chosen = false;

	if (!fdt || be32(fdt) != FDT_MAGIC)
		return NULL;
	p = fdt + be32(fdt + 8);
	strings = fdt + be32(fdt + 12);
	for (;;) {
		uint32_t tok = be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			size_t len = strlen((const char *)p);

			depth++;
			in_chosen = depth == 2 && !strcmp((const char *)p, "chosen");
			p += (len + 4) & ~3UL;
			break;
		}
		case FDT_END_NODE:
			if (in_chosen)
				return NULL;
			depth--;
			break;
		case FDT_PROP: {
			uint32_t len = be32(p), off = be32(p + 4);

			if (in_chosen && !strcmp((const char *)strings + off, name))
				return (const char *)p + 8;
			p += 8 + ((len + 3) & ~3U);
			break;
		}
		case FDT_NOP:
			break;
		default:
			return NULL;
		}
	}
}

const char *dv_bootargs(void)
{
	const char *a = dv_chosen("bootargs");

	return a ? a : "";
}

static const char *find_arg(const char *key)
{
	const char *s = dv_bootargs();
	size_t kl = strlen(key);

	while (*s) {
		while (*s == ' ')
			s++;
		if (!strncmp(s, key, kl) && s[kl] == '=')
			return s + kl + 1;
		while (*s && *s != ' ')
			s++;
	}
	return NULL;
}

uint64_t dv_arg(const char *key, uint64_t def)
{
	const char *v = find_arg(key);

	return v ? strtoull(v, NULL, 0) : def;
}

const char *dv_arg_str(const char *key, const char *def, char *buf, size_t len)
{
	const char *v = find_arg(key);
	size_t n = 0;

	if (!v)
		return def;
	while (v[n] && v[n] != ' ' && n + 1 < len) {
		buf[n] = v[n];
		n++;
	}
	buf[n] = 0;
	return buf;
}

/* ---- timer and interrupts ---- */
void dv_set_timer(uint64_t when)
{
	dv_sbi(SBI_EXT_TIME, 0, when, 0, 0);
}

void dv_irq_handler(dv_irq_fn fn)
{
	irq_fn = fn;
}

void dv_exc_handler(dv_exc_fn fn)
{
	exc_fn = fn;
}

void dv_irq_enable(unsigned long irq)
{
	__asm__ volatile("csrs sie, %0" ::"r"(1UL << irq));
}

void dv_irq_disable(unsigned long irq)
{
	__asm__ volatile("csrc sie, %0" ::"r"(1UL << irq));
}

void dv_local_irq_enable(void)
{
	__asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

void dv_local_irq_disable(void)
{
	__asm__ volatile("csrci sstatus, 2" ::: "memory");
}

void dv_clear_ipi(void)
{
	__asm__ volatile("csrc sip, %0" ::"r"(1UL << DV_IRQ_SOFT));
}

void dv_trap(unsigned long *regs)
{
	unsigned long cause, epc, tval;

	__asm__ volatile("csrr %0, scause" : "=r"(cause));
	__asm__ volatile("csrr %0, sepc" : "=r"(epc));
	__asm__ volatile("csrr %0, stval" : "=r"(tval));
	if ((long)cause < 0) {
		unsigned long irq = cause & 0xf;

		dv_irq_count[dv_hartid() % DV_MAX_HARTS][irq]++;
		if (irq == DV_IRQ_SOFT)
			dv_clear_ipi();
		if (irq == DV_IRQ_TIMER)
			dv_set_timer(~0ULL);
		if (irq_fn)
			irq_fn(irq);
		return;
	}
	if (exc_fn) {
		unsigned long resume = exc_fn(cause, epc, tval, regs);

		if (resume) {
			__asm__ volatile("csrw sepc, %0" ::"r"(resume));
			return;
		}
	}
	dv_printf("DVTEST: FAIL unexpected exception cause %lu at %#lx (tval %#lx) on hart %lu\n",
		  cause, epc, tval, dv_hartid());
	dv_exit(100 + (int)(cause & 0x1f));
}

/* ---- harts ---- */
long dv_send_ipi(unsigned long hart_mask, unsigned long base)
{
	return dv_sbi(SBI_EXT_IPI, 0, hart_mask, base, 0).error;
}

long dv_hart_start(unsigned long hart, dv_hart_fn fn, void *arg)
{
	if (hart >= DV_MAX_HARTS)
		return -3;
	starts[hart].fn = fn;
	starts[hart].arg = arg;
	__asm__ volatile("fence rw, rw" ::: "memory");
	return dv_sbi(SBI_EXT_HSM, 0, hart, (unsigned long)_secondary_start,
		      (unsigned long)&starts[hart])
		.error;
}

long dv_hart_status(unsigned long hart)
{
	struct sbiret r = dv_sbi(SBI_EXT_HSM, 2, hart, 0, 0);

	return r.error ? r.error : r.value;
}

void dv_secondary(unsigned long hartid, struct dv_start *s)
{
	s->fn(hartid, s->arg);
	dv_sbi(SBI_EXT_HSM, 1, 0, 0, 0); /* hart stop */
	for (;;)
		dv_wfi();
}

/* ---- PLIC (one S-mode context per hart, as vmm/include/vmm/memmap.h) ---- */
void dv_plic_enable(unsigned irq, unsigned long hart)
{
	uintptr_t en = DV_PLIC_BASE + 0x2000 + 0x80 * hart + 4 * (irq / 32);

	dv_write32(DV_PLIC_BASE + 4 * irq, 1);
	dv_write32(en, dv_read32(en) | 1U << (irq % 32));
	dv_write32(DV_PLIC_BASE + 0x200000 + 0x1000 * hart, 0);
}

unsigned dv_plic_claim(unsigned long hart)
{
	return dv_read32(DV_PLIC_BASE + 0x200004 + 0x1000 * hart);
}

void dv_plic_complete(unsigned long hart, unsigned irq)
{
	dv_write32(DV_PLIC_BASE + 0x200004 + 0x1000 * hart, irq);
}

/* ---- results ---- */
void dv_result(const char *bench, const char *param, uint64_t iterations, uint64_t value,
	       const char *unit)
{
	const char *vmm = dv_chosen("duvisor,vmm");
	char prof[32];

	dv_printf("DVRESULT,%s,%s,%s,%s,%llu,%llu,%s\n", vmm ? vmm : "unknown", bench,
		  param ? param : "", dv_arg_str("profile", "", prof, sizeof(prof)),
		  (unsigned long long)iterations, (unsigned long long)value, unit);
}

bool dv_check(bool ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dv_printf("DVTEST: %s %s\n", ok ? "ok" : "FAIL", buf);
	if (!ok)
		dv_failures++;
	return ok;
}

void dv_boot(unsigned long hartid, const void *fdt)
{
	(void)hartid;
	boot_fdt = fdt;
	dv_exit(main());
}
