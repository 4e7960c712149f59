// SPDX-License-Identifier: MIT
/*
 * Split virtqueues and the virtio-mmio transport with a virtio-blk device:
 * well-formed chains work; malformed ones (addresses outside RAM, loops,
 * oversize lengths, bad indices, bad ordering, indirect descriptors) are
 * rejected without touching memory outside RAM, and the device asks for a
 * reset.
 */
#include "fake.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "vmm/err.h"
#include "vmm/virtio.h"

#define QN    8
#define DESC  (MM_RAM_BASE + 0x1000)
#define AVAIL (MM_RAM_BASE + 0x2000)
#define USED  (MM_RAM_BASE + 0x3000)
#define BUF   (MM_RAM_BASE + 0x10000)

static struct guest_mem mem;
static struct virtq vq;

static void *ga(gpa_t a)
{
	return gmem_ptr(&mem, a, 1);
}

static struct vring_desc *desc(unsigned i)
{
	return (struct vring_desc *)ga(DESC) + i;
}

static void set_desc(unsigned i, u64 addr, u32 len, u16 flags, u16 next)
{
	*desc(i) = (struct vring_desc){ .addr = addr, .len = len, .flags = flags, .next = next };
}

/* Make head available as the next entry. */
static void offer(u16 head)
{
	u16 *avail = ga(AVAIL);

	avail[2 + avail[1] % QN] = head;
	avail[1]++;
}

static int setup(void **state)
{
	mem.base = MM_RAM_BASE;
	mem.size = FAKE_RAM_SIZE;
	mem.hva = calloc(1, FAKE_RAM_SIZE);
	memset(&vq, 0, sizeof(vq));
	vq.num = QN;
	vq.desc = DESC;
	vq.avail = AVAIL;
	vq.used = USED;
	assert_int_equal(virtq_setup(&vq, &mem), VQ_OK);
	return 0;
}

static int teardown(void **state)
{
	free(mem.hva);
	return 0;
}

static void good_chain(void **state)
{
	static struct virtq_elem e;
	u8 *used = ga(USED);
	u32 id, len;

	assert_int_equal(virtq_pop(&vq, &mem, &e), 0);
	set_desc(3, BUF, 16, VRING_DESC_F_NEXT, 5);
	set_desc(5, BUF + 0x100, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 6);
	set_desc(6, BUF + 0x400, 1, VRING_DESC_F_WRITE, 0);
	offer(3);
	assert_true(virtq_has_avail(&vq));
	assert_int_equal(virtq_pop(&vq, &mem, &e), 1);
	assert_int_equal(e.head, 3);
	assert_int_equal(e.nr_out, 1);
	assert_int_equal(e.nr_in, 2);
	assert_int_equal(e.out_len, 16);
	assert_int_equal(e.in_len, 513);
	assert_ptr_equal(e.iov[1].iov_base, ga(BUF + 0x100));
	virtq_push(&vq, &e, 513);
	memcpy(&id, used + 4, 4);
	memcpy(&len, used + 8, 4);
	assert_int_equal(id, 3);
	assert_int_equal(len, 513);
	assert_int_equal(*(u16 *)(used + 2), 1);
	assert_int_equal(virtq_pop(&vq, &mem, &e), 0);
}

static void rejects(void **state, int want)
{
	static struct virtq_elem e;

	offer(0);
	assert_int_equal(virtq_pop(&vq, &mem, &e), want);
}

static void addr_outside_ram(void **state)
{
	set_desc(0, MM_RAM_BASE + FAKE_RAM_SIZE - 8, 16, 0, 0);
	rejects(state, VQ_BAD_ADDRESS);
}

static void addr_below_ram(void **state)
{
	set_desc(0, 0x1000, 16, 0, 0);
	rejects(state, VQ_BAD_ADDRESS);
}

static void addr_wraps(void **state)
{
	set_desc(0, ~0ULL - 8, 64, 0, 0);
	rejects(state, VQ_BAD_ADDRESS);
}

static void loop(void **state)
{
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(1, BUF, 16, VRING_DESC_F_NEXT, 0);
	rejects(state, VQ_LOOP);
}

static void self_loop(void **state)
{
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT, 0);
	rejects(state, VQ_LOOP);
}

static void oversize_len(void **state)
{
	set_desc(0, BUF, 0xffffffff, 0, 0);
	rejects(state, VQ_TOO_LARGE);
}

static void oversize_total(void **state)
{
	/* Each fits in RAM, together they exceed the per-chain limit. */
	for (unsigned i = 0; i < QN; i++)
		set_desc(i, MM_RAM_BASE, FAKE_RAM_SIZE, i + 1 < QN ? VRING_DESC_F_NEXT : 0, i + 1);
	rejects(state, VQ_TOO_LARGE);
}

static void next_out_of_range(void **state)
{
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT, QN);
	rejects(state, VQ_BAD_INDEX);
}

static void head_out_of_range(void **state)
{
	static struct virtq_elem e;

	offer(QN + 3);
	assert_int_equal(virtq_pop(&vq, &mem, &e), VQ_BAD_INDEX);
}

static void avail_runs_ahead(void **state)
{
	static struct virtq_elem e;
	u16 *avail = ga(AVAIL);

	avail[1] = QN + 1;
	assert_int_equal(virtq_pop(&vq, &mem, &e), VQ_BAD_INDEX);
}

static void readable_after_writable(void **state)
{
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(1, BUF, 16, 0, 0);
	rejects(state, VQ_BAD_ORDER);
}

static void indirect(void **state)
{
	set_desc(0, BUF, 16, VRING_DESC_F_INDIRECT, 0);
	rejects(state, VQ_BAD_FLAGS);
}

static void ring_setup_checks(void **state)
{
	struct virtq q = { .num = QN, .desc = DESC, .avail = AVAIL, .used = USED };

	q.num = 6;
	assert_int_equal(virtq_setup(&q, &mem), VQ_BAD_INDEX);
	q.num = 512;
	assert_int_equal(virtq_setup(&q, &mem), VQ_BAD_INDEX);
	q.num = QN;
	q.used = MM_RAM_BASE + FAKE_RAM_SIZE - 8;
	assert_int_equal(virtq_setup(&q, &mem), VQ_BAD_ADDRESS);
	assert_false(q.ready);
	q.used = USED;
	q.desc = DESC + 8;
	assert_int_equal(virtq_setup(&q, &mem), VQ_BAD_ADDRESS);
	q.desc = 0;
	assert_int_equal(virtq_setup(&q, &mem), VQ_BAD_ADDRESS);
}

static void iov_copies(void **state)
{
	u8 a[4] = { 0 }, b[4] = { 0 }, out[8];
	struct iovec iov[2] = { { a, 4 }, { b, 4 } };

	assert_int_equal(iov_from_buf(iov, 2, 2, "123456789", 9), 6);
	assert_memory_equal(a,
			    "\0\0"
			    "12",
			    4);
	assert_memory_equal(b, "3456", 4);
	assert_int_equal(iov_to_buf(iov, 2, 3, out, sizeof(out)), 5);
	assert_memory_equal(out, "23456", 5);
}

/* ---- the transport with virtio-blk ---- */
static struct irq_rec rec;

static void mw(struct virtio_dev *d, u64 off, u32 v)
{
	assert_int_equal(virtio_mmio_ops.write(d, off, 4, v), 0);
}

static u32 mr(struct virtio_dev *d, u64 off)
{
	u64 v;

	assert_int_equal(virtio_mmio_ops.read(d, off, 4, &v), 0);
	return v;
}

static struct virtio_dev *blk_up(const char *path, bool ro)
{
	struct virtio_dev *d;

	memset(&rec, 0, sizeof(rec));
	d = virtio_blk_create(&mem, (struct irq_line){ .set = irq_rec_set, .ctl = &rec, .irq = 1 },
			      path, ro);
	assert_non_null(d);
	assert_int_equal(mr(d, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(mr(d, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(mr(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	mw(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	mw(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(mr(d, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2 | VIRTIO_STATUS_FEATURES_OK);
	assert_true(mr(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	mw(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_true(mr(d, VIRTIO_MMIO_QUEUE_NUM_MAX) >= QN);
	mw(d, VIRTIO_MMIO_QUEUE_NUM, QN);
	mw(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)DESC);
	mw(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, DESC >> 32);
	mw(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)AVAIL);
	mw(d, VIRTIO_MMIO_QUEUE_USED_LOW, (u32)USED);
	mw(d, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(mr(d, VIRTIO_MMIO_QUEUE_READY), 1);
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2 | 8 | VIRTIO_STATUS_DRIVER_OK);
	return d;
}

static char disk_path[64];

static void make_disk(void)
{
	FILE *f;
	char sector[512];

	strcpy(disk_path, "/tmp/test_vmm_blk.XXXXXX");
	assert_int_not_equal(mkstemp(disk_path), -1);
	f = fopen(disk_path, "w");
	for (int s = 0; s < 8; s++) {
		memset(sector, 'A' + s, sizeof(sector));
		fwrite(sector, 1, sizeof(sector), f);
	}
	fclose(f);
}

/* A request: header at BUF, data at BUF+0x100 (len), status at BUF+0x80. */
static u8 blk_request(struct virtio_dev *d, u32 type, u64 sector, u32 len, bool data_writable)
{
	u32 hdr[4] = { type, 0, (u32)sector, (u32)(sector >> 32) };
	u8 *status = ga(BUF + 0x80);
	u16 used_before = *(u16 *)((u8 *)ga(USED) + 2);

	memcpy(ga(BUF), hdr, 16);
	*status = 0xff;
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(1, BUF + 0x100, len, VRING_DESC_F_NEXT | (data_writable ? VRING_DESC_F_WRITE : 0),
		 2);
	set_desc(2, BUF + 0x80, 1, VRING_DESC_F_WRITE, 0);
	offer(0);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(*(u16 *)((u8 *)ga(USED) + 2), (u16)(used_before + 1));
	return *status;
}

static void blk_read_write(void **state)
{
	struct virtio_dev *d;
	u8 *data = ga(BUF + 0x100);
	u64 cap = 0;

	make_disk();
	d = blk_up(disk_path, false);
	virtio_mmio_ops.read(d, VIRTIO_MMIO_CONFIG, 8, &cap);
	assert_int_equal(cap, 8);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, 2, 1024, true), VIRTIO_BLK_S_OK);
	assert_int_equal(data[0], 'C');
	assert_int_equal(data[1023], 'D');
	assert_true(rec.level[1]);
	assert_int_equal(mr(d, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	mw(d, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
	assert_false(rec.level[1]);
	memset(data, 'z', 512);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_OUT, 7, 512, false), VIRTIO_BLK_S_OK);
	memset(data, 0, 512);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, 7, 512, true), VIRTIO_BLK_S_OK);
	assert_int_equal(data[100], 'z');
	/* Beyond the end, partial sectors, unknown types: errors, not crashes. */
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, 7, 1024, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, ~0ULL, 512, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_request(d, 77, 0, 512, true), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_FLUSH, 0, 0, true), VIRTIO_BLK_S_OK);
	assert_int_equal(d->malformed, 0);
	virtio_dev_destroy(d);
	unlink(disk_path);
}

static void blk_read_only(void **state)
{
	struct virtio_dev *d;

	make_disk();
	d = blk_up(disk_path, true);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_OUT, 0, 512, false), VIRTIO_BLK_S_IOERR);
	virtio_dev_destroy(d);
	unlink(disk_path);
}

static void blk_malformed_then_reset(void **state)
{
	struct virtio_dev *d;

	make_disk();
	d = blk_up(disk_path, false);
	/* Data buffer outside RAM: the device refuses the chain, needs a reset. */
	set_desc(0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x1000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	set_desc(2, BUF + 0x80, 1, VRING_DESC_F_WRITE, 0);
	offer(0);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(d->malformed, 1);
	assert_true(mr(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(mr(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG,
			 VIRTIO_INT_CONFIG);
	/* Further notifies are ignored until the driver resets the device. */
	offer(0);
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(d->malformed, 1);
	mw(d, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(mr(d, VIRTIO_MMIO_STATUS), 0);
	assert_false(rec.level[1]);
	memset(ga(AVAIL), 0, 0x100);
	memset(ga(USED), 0, 0x100);
	virtio_dev_destroy(d);
	d = blk_up(disk_path, false);
	assert_int_equal(blk_request(d, VIRTIO_BLK_T_IN, 0, 512, true), VIRTIO_BLK_S_OK);
	virtio_dev_destroy(d);
	unlink(disk_path);
}

static struct virtio_dev *blk_try(bool ro)
{
	return virtio_blk_create(&mem,
				 (struct irq_line){ .set = irq_rec_set, .ctl = &rec, .irq = 1 },
				 disk_path, ro);
}

static void expect_locked(bool ro, const char *holder)
{
	assert_null(blk_try(ro));
	if (!strstr(vmm_last_error(), "in use by another VMM") || !strstr(vmm_last_error(), holder))
		fail_msg("unexpected error '%s'", vmm_last_error());
}

/* A writable disk is for one user; read-only users share (QEMU's locking). */
static void blk_image_lock(void **state)
{
	struct virtio_dev *a, *b;

	make_disk();
	a = blk_try(false);
	assert_non_null(a);
	expect_locked(false, "writable");
	expect_locked(true, "writable");
	virtio_dev_destroy(a); /* closing the file releases the lock */
	a = blk_try(true);
	b = blk_try(true);
	assert_non_null(a);
	assert_non_null(b);
	expect_locked(false, "read-only");
	virtio_dev_destroy(a);
	virtio_dev_destroy(b);
	a = blk_try(false);
	assert_non_null(a);
	virtio_dev_destroy(a);
	unlink(disk_path);
}

static void transport_refusals(void **state)
{
	struct virtio_dev *d;
	u64 v;

	make_disk();
	d = blk_up(disk_path, false);
	assert_int_equal(virtio_mmio_ops.read(d, VIRTIO_MMIO_STATUS, 2, &v), -EINVAL);
	assert_int_equal(virtio_mmio_ops.write(d, VIRTIO_MMIO_STATUS + 1, 4, 0), -EINVAL);
	/* Queue configuration is frozen while the queue is ready. */
	mw(d, VIRTIO_MMIO_QUEUE_NUM, 2);
	assert_int_equal(d->vq[0].num, QN);
	/* Notify of a queue that does not exist is ignored. */
	mw(d, VIRTIO_MMIO_QUEUE_NOTIFY, 5);
	/* A ring outside RAM at QueueReady: needs reset. */
	mw(d, VIRTIO_MMIO_STATUS, 0);
	mw(d, VIRTIO_MMIO_QUEUE_NUM, QN);
	mw(d, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	mw(d, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(mr(d, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(mr(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	/* A driver without VERSION_1 does not get FEATURES_OK. */
	mw(d, VIRTIO_MMIO_STATUS, 0);
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mw(d, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	mw(d, VIRTIO_MMIO_STATUS, 1 | 2 | VIRTIO_STATUS_FEATURES_OK);
	assert_false(mr(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	virtio_dev_destroy(d);
	unlink(disk_path);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(good_chain),
		T(addr_outside_ram),
		T(addr_below_ram),
		T(addr_wraps),
		T(loop),
		T(self_loop),
		T(oversize_len),
		T(oversize_total),
		T(next_out_of_range),
		T(head_out_of_range),
		T(avail_runs_ahead),
		T(readable_after_writable),
		T(indirect),
		T(ring_setup_checks),
		T(iov_copies),
		T(blk_read_write),
		T(blk_read_only),
		T(blk_malformed_then_reset),
		T(blk_image_lock),
		T(transport_refusals),
	};

	return cmocka_run_group_tests_name("vmm_virtq", tests, NULL, NULL);
}
