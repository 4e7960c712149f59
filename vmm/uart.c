// SPDX-License-Identifier: MIT
/*
 * 16550A UART: byte registers, a receive FIFO fed by uart_rx_push(), and a
 * transmitter that is always empty (every THR write goes straight to out_fd).
 * Loopback mode is modelled because Linux's 8250 driver probes with it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmm/devices.h"
#include "vmm/faultinj.h"

#define RX_FIFO 64

struct uart {
	pthread_mutex_t lock;
	struct irq_line irq;
	int out_fd;
	u8 rx[RX_FIFO];
	unsigned rx_head, rx_count;
	u8 ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thr_int; /* THR-empty interrupt pending until IIR read or THR write */
	bool irq_level;
};

static u8 iir(struct uart *u)
{
	u8 fifo = (u->fcr & 1) ? UART_IIR_FIFO : 0;

	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return fifo | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thr_int)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

/* Lock held. The interrupt line follows IIR; OUT2 gating is not modelled
 * (Linux sets it anyway). */
static void update_irq(struct uart *u)
{
	bool level = !(iir(u) & UART_IIR_NO_INT);

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

static void rx_put(struct uart *u, u8 c)
{
	if (u->rx_count < RX_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = c;
		u->rx_count++;
	}
}

struct uart *uart_create(struct irq_line irq, int out_fd)
{
	struct uart *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	pthread_mutex_init(&u->lock, NULL);
	u->irq = irq;
	u->out_fd = out_fd;
	u->mcr = 0x08; /* OUT2 */
	return u;
}

void uart_reset(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	u->rx_count = 0;
	u->ier = u->lcr = u->scr = u->fcr = u->dll = u->dlm = 0;
	u->mcr = 0x08;
	u->thr_int = false;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

void uart_destroy(struct uart *u)
{
	if (u)
		pthread_mutex_destroy(&u->lock);
	free(u);
}

size_t uart_rx_push(struct uart *u, const u8 *buf, size_t n)
{
	size_t i;

	pthread_mutex_lock(&u->lock);
	for (i = 0; i < n && u->rx_count < RX_FIFO; i++)
		rx_put(u, buf[i]);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return i;
}

static u8 msr(struct uart *u)
{
	u8 m;

	if (!(u->mcr & UART_MCR_LOOP))
		return 0xb0; /* DCD, DSR, CTS: a cable is plugged in */
	m = 0;
	if (u->mcr & 0x01)
		m |= 0x20; /* DTR -> DSR */
	if (u->mcr & 0x02)
		m |= 0x10; /* RTS -> CTS */
	if (u->mcr & 0x04)
		m |= 0x40; /* OUT1 -> RI */
	if (u->mcr & 0x08)
		m |= 0x80; /* OUT2 -> DCD */
	return m;
}

static int uart_read(void *dev, u64 off, u32 len, u64 *val)
{
	struct uart *u = dev;
	u8 v = 0;

	if (len != 1 || off > UART_SCR)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB) {
			v = u->dll;
		} else if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % RX_FIFO;
			u->rx_count--;
		}
		break;
	case UART_IER:
		v = (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = iir(u);
		if ((v & 0x0f) == UART_IIR_THRI)
			u->thr_int = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0);
		break;
	case UART_MSR:
		v = msr(u);
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	*val = v;
	return 0;
}

static void emit(struct uart *u, u8 c)
{
	ssize_t r;

	if (u->out_fd < 0)
		return;
	do {
		r = write(u->out_fd, &c, 1);
	} while (r < 0 && errno == EINTR);
}

static int uart_write(void *dev, u64 off, u32 len, u64 val)
{
	struct uart *u = dev;
	u8 v = val;

	if (len != 1 || off > UART_SCR)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = v;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			rx_put(u, v);
		else
			emit(u, v);
		u->thr_int = true;
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* Enabling the THR-empty interrupt with THR empty raises it at once. */
		if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thr_int = true;
		u->ier = v & 0x0f;
		break;
	case UART_FCR:
		u->fcr = v & 0xc9;
		if (v & 0x02)
			u->rx_count = 0;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_SCR:
		VMM_FAULT(vmm_fault_uaf(VMM_FAULT_UART, v));
		u->scr = v;
		break;
	default: /* LSR, MSR: read-only */
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

const struct mmio_ops uart_mmio_ops = {
	.read = uart_read,
	.write = uart_write,
};
