/* SPDX-License-Identifier: MIT */
/*
 * The device models. Each is created with what it needs (an interrupt line,
 * a file descriptor, guest memory), registers itself on the MMIO bus, and
 * adds its node to the device tree. None of them knows the backend.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include "vmm/irq.h"
#include "vmm/mmio.h"
#include "vmm/types.h"

struct fdt_ctx;

/* ---- PLIC: level-triggered sources, one S-mode context per hart ---- */
struct plic;
typedef void (*plic_notify_fn)(void *opaque, unsigned ctx, bool level);
struct plic *plic_create(unsigned nr_ctx, plic_notify_fn notify, void *opaque);
void plic_destroy(struct plic *p);
/* Back to the reset state (all sources disabled, nothing claimed). */
void plic_reset(struct plic *p);
void plic_set_irq(void *plic, unsigned irq, bool level); /* irq_line.set */
extern const struct mmio_ops plic_mmio_ops;
u64 plic_bad_accesses(struct plic *p);

#define PLIC_PRIORITY_BASE  0x0
#define PLIC_PENDING_BASE   0x1000
#define PLIC_ENABLE_BASE    0x2000
#define PLIC_ENABLE_STRIDE  0x80
#define PLIC_CONTEXT_BASE   0x200000
#define PLIC_CONTEXT_STRIDE 0x1000

/* ---- 16550 UART ---- */
struct uart;
struct uart *uart_create(struct irq_line irq, int out_fd);
void uart_destroy(struct uart *u);
void uart_reset(struct uart *u);
/* Queue input bytes; returns how many fitted in the receive FIFO. */
size_t uart_rx_push(struct uart *u, const u8 *buf, size_t n);
extern const struct mmio_ops uart_mmio_ops;

#define UART_RBR	0 /* read, DLAB=0 */
#define UART_THR	0 /* write, DLAB=0 */
#define UART_IER	1
#define UART_IIR	2 /* read */
#define UART_FCR	2 /* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IIR_NO_INT 0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0
#define UART_LCR_DLAB	0x80
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

/* ---- test device: the guest ends the run by writing a status ---- */
struct test_dev;
struct vm;
struct test_dev *test_dev_create(struct vm *vm);
extern const struct mmio_ops test_mmio_ops;
/* Write values (as QEMU's sifive_test): PASS powers off with status 0, FAIL
 * with (value >> 16), RESET reboots. A read returns TEST_READ_VALUE, so a
 * guest can measure MMIO load round trips on it. */
#define TEST_FAIL	0x3333
#define TEST_PASS	0x5555
#define TEST_RESET	0x7777
#define TEST_READ_VALUE 0x44564d4d /* "DVMM" */

/* ---- interrupt doorbell: an I/O thread raises an interrupt on request ----
 * Registers (32-bit): RING (write: wake the I/O thread, which waits DELAY_NS
 * and then raises the line), ACK (write: lower the line), DELAY_NS, COUNT
 * (interrupts raised), LEVEL (the line now), POSTED_LO/HI (read: the sum of
 * the guest times the I/O thread read just before each raise since the last
 * write of POSTED_LO, in timer ticks; the vEXT benchmark's start stamps). */
struct doorbell;
struct doorbell *doorbell_create(struct irq_line irq);
/* Guest time = host time + *delta (the backend's; read at each stamp). */
void doorbell_set_time(struct doorbell *d, const u64 *delta);
void doorbell_destroy(struct doorbell *d);
extern const struct mmio_ops doorbell_mmio_ops;

#define DOORBELL_RING	   0x00
#define DOORBELL_ACK	   0x04
#define DOORBELL_DELAY_NS  0x08
#define DOORBELL_COUNT	   0x0c
#define DOORBELL_LEVEL	   0x10
#define DOORBELL_POSTED_LO 0x14
#define DOORBELL_POSTED_HI 0x18

#endif
