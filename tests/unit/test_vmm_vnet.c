// SPDX-License-Identifier: MIT
/* virtio-net and virtio-console over the transport, with a datagram socket
 * pair standing in for the TAP device and a pipe for the console. */
#include "fake.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmm/virtio.h"

#define QN 8
#define RING \
	(MM_RAM_BASE + 0x1000) /* queue q at RING + q * 0x1000: desc, avail +0x400, used +0x800 */
#define BUF (MM_RAM_BASE + 0x10000)

static struct guest_mem mem;
static struct irq_rec rec;

static void *ga(gpa_t a)
{
	return gmem_ptr(&mem, a, 1);
}

static void mw(struct virtio_dev *d, u64 off, u32 v)
{
	assert_int_equal(virtio_mmio_ops.write(d, off, 4, v), 0);
}

static void up(struct virtio_dev *d, unsigned nq)
{
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2);
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2 | 8);
	for (unsigned q = 0; q < nq; q++) {
		gpa_t r = RING + q * 0x1000;

		mw(d, VIRTIO_MMIO_QUEUE_SEL, q);
		mw(d, VIRTIO_MMIO_QUEUE_NUM, QN);
		mw(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)r);
		mw(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)(r + 0x400));
		mw(d, VIRTIO_MMIO_QUEUE_USED_LOW, (u32)(r + 0x800));
		mw(d, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2 | 8 | 4);
}

static void post(unsigned q, unsigned i, u64 addr, u32 len, u16 flags)
{
	struct vring_desc *desc = ga(RING + q * 0x1000);
	u16 *avail = ga(RING + q * 0x1000 + 0x400);

	desc[i] = (struct vring_desc){ .addr = addr, .len = len, .flags = flags };
	avail[2 + avail[1] % QN] = i;
	__atomic_store_n(&avail[1], avail[1] + 1, __ATOMIC_RELEASE);
}

static u16 used_idx(unsigned q)
{
	return __atomic_load_n((u16 *)ga(RING + q * 0x1000 + 0x802), __ATOMIC_ACQUIRE);
}

static u32 used_len(unsigned q, unsigned slot)
{
	u32 len;

	memcpy(&len, (u8 *)ga(RING + q * 0x1000 + 0x800) + 4 + 8 * slot + 4, 4);
	return len;
}

static int setup(void **state)
{
	mem = (struct guest_mem){ .base = MM_RAM_BASE, .size = FAKE_RAM_SIZE };
	mem.hva = calloc(1, FAKE_RAM_SIZE);
	memset(&rec, 0, sizeof(rec));
	return 0;
}

static int teardown(void **state)
{
	free(mem.hva);
	return 0;
}

static void net_tx_rx(void **state)
{
	static const u8 mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };
	struct irq_line irq = { .set = irq_rec_set, .ctl = &rec, .irq = 2 };
	struct virtio_dev *d;
	int sv[2];
	u8 frame[64], got[128];
	u64 v = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	d = virtio_net_create(&mem, irq, sv[0], mac);
	assert_non_null(d);
	virtio_mmio_ops.read(d, VIRTIO_MMIO_CONFIG + 5, 1, &v);
	assert_int_equal(v, 3);
	up(d, 2);

	/* Transmit: the 12-byte header is the driver's, the rest goes out. */
	memset(ga(BUF), 0, 12);
	memset(ga(BUF + 12), 0xab, 60);
	post(1, 0, BUF, 72, 0);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(recv(sv[1], got, sizeof(got), MSG_DONTWAIT), 60);
	assert_int_equal(got[59], 0xab);
	assert_int_equal(used_idx(1), 1);

	/* Receive: a frame from the host lands after a zeroed header. */
	memset(frame, 0xcd, sizeof(frame));
	post(0, 0, BUF + 0x1000, 1526, VRING_DESC_F_WRITE);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(send(sv[1], frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
	for (int i = 0; i < 2000 && used_idx(0) == 0; i++)
		usleep(1000);
	assert_int_equal(used_idx(0), 1);
	assert_int_equal(used_len(0, 0), 12 + sizeof(frame));
	assert_int_equal(((u8 *)ga(BUF + 0x1000))[12 + 63], 0xcd);
	assert_int_equal(((u8 *)ga(BUF + 0x1000))[10], 1); /* num_buffers */
	assert_true(rec.level[2]);

	/* A receive buffer outside RAM: the device needs a reset, no crash. */
	post(0, 1, 0x1000, 1526, VRING_DESC_F_WRITE);
	assert_int_equal(send(sv[1], frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
	for (int i = 0; i < 2000 && !d->malformed; i++)
		usleep(1000);
	assert_int_equal(d->malformed, 1);
	virtio_dev_destroy(d); /* joins the receive thread, closes sv[0] */
	close(sv[1]);
}

static void console_tx_rx(void **state)
{
	struct irq_line irq = { .set = irq_rec_set, .ctl = &rec, .irq = 3 };
	struct virtio_dev *d;
	int pfd[2];
	char out[16] = { 0 };

	assert_int_equal(pipe2(pfd, O_NONBLOCK), 0);
	d = virtio_console_create(&mem, irq, pfd[1]);
	assert_non_null(d);
	/* Input before the driver is up is not taken. */
	assert_int_equal(virtio_console_input(d, (const u8 *)"x", 1), 0);
	up(d, 2);
	memcpy(ga(BUF), "hello", 5);
	post(1, 0, BUF, 5, 0);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(read(pfd[0], out, sizeof(out)), 5);
	assert_string_equal(out, "hello");
	post(0, 0, BUF + 0x100, 4, VRING_DESC_F_WRITE);
	assert_int_equal(virtio_console_input(d, (const u8 *)"abcdef", 6), 4);
	assert_memory_equal(ga(BUF + 0x100), "abcd", 4);
	assert_int_equal(used_len(0, 0), 4);
	assert_true(rec.level[3]);
	virtio_dev_destroy(d);
	close(pfd[0]);
	close(pfd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(net_tx_rx, setup, teardown),
		cmocka_unit_test_setup_teardown(console_tx_rx, setup, teardown),
	};

	return cmocka_run_group_tests_name("vmm_vnet", tests, NULL, NULL);
}
