/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal guest library: what a microbenchmark guest needs from the
 * machine in vmm/include/vmm/memmap.h, whichever VMM runs it. A guest starts
 * in (V)S mode without paging at main(); the console and exits go through SBI
 * so that they do not count as MMIO exits.
 */
#ifndef DVGUEST_H
#define DVGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DV_MAX_HARTS 8

/* Machine (must match vmm/include/vmm/memmap.h). */
#define DV_TEST_BASE	   0x00100000UL
#define DV_TEST_READ_VALUE 0x44564d4dU
#define DV_UART_BASE	   0x10000000UL
#define DV_PLIC_BASE	   0x0c000000UL
#define DV_DOORBELL_BASE   0x00101000UL
#define DV_IRQ_DOORBELL	   11
/* Doorbell registers: write RING to have the VMM's I/O thread raise
 * DV_IRQ_DOORBELL (after DELAY_NS), ACK to lower it. */
#define DV_DOORBELL_RING     0x00
#define DV_DOORBELL_ACK	     0x04
#define DV_DOORBELL_DELAY_NS 0x08
#define DV_DOORBELL_COUNT    0x0c
/* the sum of the guest times the I/O thread read just before each raise
 * (ticks); a write of POSTED_LO sets it to 0 */
#define DV_DOORBELL_POSTED_LO 0x14
#define DV_DOORBELL_POSTED_HI 0x18

/* SBI */
#define SBI_EXT_BASE	      0x10
#define SBI_EXT_TIME	      0x54494D45
#define SBI_EXT_IPI	      0x735049
#define SBI_EXT_HSM	      0x48534D
#define SBI_EXT_SRST	      0x53525354
#define SBI_EXT_DVB	      0x08445642
#define SBI_DVB_EXIT	      0
#define SBI_DVB_NOP	      1
#define SBI_ERR_NOT_SUPPORTED -2

struct sbiret {
	long error;
	long value;
};

struct sbiret dv_sbi(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
		     unsigned long a2);

/* Console (SBI legacy putchar) */
void dv_putc(char c);
void dv_puts(const char *s);
__attribute__((format(printf, 1, 2))) int dv_printf(const char *fmt, ...);

/* End the run: 0 is a clean shutdown (SBI SRST), anything else the VMM's
 * exit status (our SBI extension). */
__attribute__((noreturn)) void dv_exit(int code);

/* Boot information */
unsigned long dv_hartid(void);
const char *dv_bootargs(void);
/* A string property of /chosen (e.g. "duvisor,vmm"), or NULL. */
const char *dv_chosen(const char *name);
/* "key=value" in the boot arguments as a number, or def. */
uint64_t dv_arg(const char *key, uint64_t def);
/* "key=value" as a string copied into buf, or def. */
const char *dv_arg_str(const char *key, const char *def, char *buf, size_t len);

/* Counters and the timer */
static inline uint64_t dv_rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uint64_t dv_rdcycle(void)
{
	uint64_t c;

	__asm__ volatile("rdcycle %0" : "=r"(c));
	return c;
}

static inline uint64_t dv_rdinstret(void)
{
	uint64_t c;

	__asm__ volatile("rdinstret %0" : "=r"(c));
	return c;
}

void dv_set_timer(uint64_t when);

/* Interrupts: S-mode causes as the guest sees them. */
#define DV_IRQ_SOFT  1
#define DV_IRQ_TIMER 5
#define DV_IRQ_EXT   9
typedef void (*dv_irq_fn)(unsigned long cause);
void dv_irq_handler(dv_irq_fn fn);
void dv_irq_enable(unsigned long irq);
void dv_irq_disable(unsigned long irq);
void dv_local_irq_enable(void);
void dv_local_irq_disable(void);
static inline void dv_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}
/* Exceptions the guest expects: fn gets the cause, sepc, stval and the saved
 * registers (regs[n] = xn) and returns where to resume, or 0 for "not mine"
 * (the run then ends with status 100 + cause). NULL: none expected. */
typedef unsigned long (*dv_exc_fn)(unsigned long cause, unsigned long epc, unsigned long tval,
				   unsigned long *regs);
void dv_exc_handler(dv_exc_fn fn);
/* Interrupts taken per hart and cause (1, 5, 9). */
extern volatile unsigned long dv_irq_count[DV_MAX_HARTS][16];

/* IPIs and other harts */
long dv_send_ipi(unsigned long hart_mask, unsigned long base);
void dv_clear_ipi(void);
typedef void (*dv_hart_fn)(unsigned long hartid, void *arg);
long dv_hart_start(unsigned long hart, dv_hart_fn fn, void *arg);
long dv_hart_status(unsigned long hart);

/* MMIO */
static inline uint32_t dv_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void dv_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* PLIC, S-mode context of a hart: route source irq to it at priority 1;
 * claim (0 if nothing pending) and complete. */
void dv_plic_enable(unsigned irq, unsigned long hart);
unsigned dv_plic_claim(unsigned long hart);
void dv_plic_complete(unsigned long hart, unsigned irq);

/* One result row: DVRESULT,<vmm>,<bench>,<param>,<profile>,<iterations>,<value>,<unit>.
 * vmm comes from /chosen, profile from "profile=" in the boot arguments. */
void dv_result(const char *bench, const char *param, uint64_t iterations, uint64_t value,
	       const char *unit);

/* Test helpers: "DVTEST: ok|FAIL <what>", failures counted for dv_exit(). */
extern int dv_failures;
bool dv_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int main(void);

#endif
