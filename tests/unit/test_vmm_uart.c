// SPDX-License-Identifier: MIT
/* 16550 UART register behaviour, as Linux's 8250 driver relies on it. */
#include "fake.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "vmm/devices.h"
#include "vmm/memmap.h"

static struct irq_rec rec;
static int pfd[2];

static struct uart *mk(void)
{
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(pipe2(pfd, O_NONBLOCK), 0);
	return uart_create((struct irq_line){ .set = irq_rec_set, .ctl = &rec, .irq = IRQ_UART },
			   pfd[1]);
}

static void done(struct uart *u)
{
	uart_destroy(u);
	close(pfd[0]);
	close(pfd[1]);
}

static u8 rd(struct uart *u, u64 off)
{
	u64 v = 0xdead;

	assert_int_equal(uart_mmio_ops.read(u, off, 1, &v), 0);
	assert_true(v <= 0xff);
	return v;
}

static void wr(struct uart *u, u64 off, u8 v)
{
	assert_int_equal(uart_mmio_ops.write(u, off, 1, v), 0);
}

static void transmit(void **state)
{
	struct uart *u = mk();
	char buf[8] = { 0 };

	assert_int_equal(rd(u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
	wr(u, UART_THR, 'h');
	wr(u, UART_THR, 'i');
	assert_int_equal(read(pfd[0], buf, sizeof(buf)), 2);
	assert_string_equal(buf, "hi");
	done(u);
}

static void receive_and_irq(void **state)
{
	struct uart *u = mk();
	u8 in[100];

	memset(in, 'x', sizeof(in));
	in[0] = 'a';
	in[1] = 'b';
	assert_int_equal(rd(u, UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(u, UART_IIR) & 0x0f, UART_IIR_NO_INT);
	wr(u, UART_IER, UART_IER_RDI);
	assert_false(rec.level[IRQ_UART]);
	/* The FIFO holds 64 bytes; the rest is refused, not dropped silently. */
	assert_int_equal(uart_rx_push(u, in, sizeof(in)), 64);
	assert_true(rec.level[IRQ_UART]);
	assert_int_equal(rd(u, UART_IIR) & 0x0f, UART_IIR_RDI);
	assert_int_equal(rd(u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(rd(u, UART_RBR), 'a');
	assert_int_equal(rd(u, UART_RBR), 'b');
	for (int i = 2; i < 64; i++)
		rd(u, UART_RBR);
	assert_int_equal(rd(u, UART_LSR) & UART_LSR_DR, 0);
	assert_false(rec.level[IRQ_UART]);
	assert_int_equal(rd(u, UART_RBR), 0); /* empty FIFO reads as zero */
	done(u);
}

static void thre_interrupt(void **state)
{
	struct uart *u = mk();

	wr(u, UART_IER, UART_IER_THRI);
	assert_true(rec.level[IRQ_UART]);
	assert_int_equal(rd(u, UART_IIR) & 0x0f, UART_IIR_THRI);
	/* Reading IIR with THRE as the source clears it. */
	assert_false(rec.level[IRQ_UART]);
	assert_int_equal(rd(u, UART_IIR) & 0x0f, UART_IIR_NO_INT);
	wr(u, UART_THR, '.');
	assert_true(rec.level[IRQ_UART]);
	wr(u, UART_IER, 0);
	assert_false(rec.level[IRQ_UART]);
	done(u);
}

static void dlab_fifo_scratch(void **state)
{
	struct uart *u = mk();

	wr(u, UART_LCR, UART_LCR_DLAB | 3);
	wr(u, UART_RBR, 0x12);
	wr(u, UART_IER, 0x34);
	assert_int_equal(rd(u, UART_RBR), 0x12);
	assert_int_equal(rd(u, UART_IER), 0x34);
	wr(u, UART_LCR, 3);
	assert_int_equal(rd(u, UART_IER), 0);
	assert_int_equal(rd(u, UART_LCR), 3);
	wr(u, UART_FCR, 0x01);
	assert_int_equal(rd(u, UART_IIR) & UART_IIR_FIFO, UART_IIR_FIFO);
	wr(u, UART_SCR, 0x5a);
	assert_int_equal(rd(u, UART_SCR), 0x5a);
	done(u);
}

static void loopback(void **state)
{
	struct uart *u = mk();
	char c;

	wr(u, UART_MCR, UART_MCR_LOOP | 0x0a); /* RTS, OUT2 */
	assert_int_equal(rd(u, UART_MSR) & 0xf0, 0x90);
	wr(u, UART_THR, 'L');
	assert_int_equal(read(pfd[0], &c, 1), -1); /* nothing on the wire */
	assert_int_equal(rd(u, UART_RBR), 'L');
	wr(u, UART_MCR, 0x08);
	assert_int_equal(rd(u, UART_MSR) & 0xb0, 0xb0);
	done(u);
}

static void bad_access(void **state)
{
	struct uart *u = mk();
	u64 v = 1;

	assert_int_equal(uart_mmio_ops.read(u, 0, 4, &v), -EINVAL);
	assert_int_equal(uart_mmio_ops.write(u, 0, 2, 0x4141), -EINVAL);
	assert_int_equal(uart_mmio_ops.read(u, 0x80, 1, &v), -EINVAL);
	done(u);
}

static void reset(void **state)
{
	struct uart *u = mk();

	wr(u, UART_IER, UART_IER_RDI);
	uart_rx_push(u, (const u8 *)"zz", 2);
	assert_true(rec.level[IRQ_UART]);
	uart_reset(u);
	assert_false(rec.level[IRQ_UART]);
	assert_int_equal(rd(u, UART_IER), 0);
	assert_int_equal(rd(u, UART_LSR) & UART_LSR_DR, 0);
	done(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transmit),	  cmocka_unit_test(receive_and_irq),
		cmocka_unit_test(thre_interrupt), cmocka_unit_test(dlab_fifo_scratch),
		cmocka_unit_test(loopback),	  cmocka_unit_test(reset),
		cmocka_unit_test(bad_access),
	};

	return cmocka_run_group_tests_name("vmm_uart", tests, NULL, NULL);
}
