/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio (version 2) transport, split virtqueues, and the devices that
 * sit on them. Everything the guest writes in a ring is checked against guest
 * RAM before use: a malformed chain puts the device in DEVICE_NEEDS_RESET and
 * counts, it never reaches memory outside RAM.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include <pthread.h>
#include <sys/uio.h>

#include "vmm/irq.h"
#include "vmm/mem.h"
#include "vmm/mmio.h"
#include "vmm/types.h"

/* virtio-mmio registers */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW	0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC  0x74726976 /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x52535644 /* "DVSR" */

#define VIRTIO_STATUS_ACKNOWLEDGE	 1
#define VIRTIO_STATUS_DRIVER		 2
#define VIRTIO_STATUS_DRIVER_OK		 4
#define VIRTIO_STATUS_FEATURES_OK	 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED		 0x80

#define VIRTIO_INT_USED	  1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_F_VERSION_1 32

#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3

/* Split virtqueue layout */
#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

#define VIRTQ_MAX_SIZE	256
#define VIRTQ_MAX_IOV	VIRTQ_MAX_SIZE
#define VIRTQ_MAX_BYTES (4U << 20) /* per chain */

struct virtq {
	u16 num; /* 0: not configured */
	bool ready;
	gpa_t desc, avail, used;
	u16 last_avail;
	u16 used_idx;
	/* Checked host pointers, valid while ready. */
	struct vring_desc *desc_h;
	u16 *avail_h; /* flags, idx, ring[num] */
	u8 *used_h;   /* flags, idx, ring[num] of {id, len} */
};

/* One descriptor chain taken from the available ring. */
struct virtq_elem {
	u16 head;
	unsigned nr_out, nr_in; /* iov[0..nr_out) device-readable, then writable */
	size_t out_len, in_len;
	struct iovec iov[VIRTQ_MAX_IOV];
};

enum virtq_error {
	VQ_OK = 0,
	VQ_BAD_INDEX = -1,   /* head or next beyond the ring, avail idx ran ahead */
	VQ_BAD_ADDRESS = -2, /* a buffer or ring outside guest RAM */
	VQ_LOOP = -3,	     /* chain longer than the ring */
	VQ_TOO_LARGE = -4,   /* chain carries more than VIRTQ_MAX_BYTES */
	VQ_BAD_ORDER = -5,   /* a readable buffer after a writable one */
	VQ_BAD_FLAGS = -6,   /* indirect descriptors were not offered */
};

/* Check the ring addresses and map them; VQ_OK or an error. */
int virtq_setup(struct virtq *vq, const struct guest_mem *mem);
/* 1 and *elem filled, 0 when the ring is empty, or a negative virtq_error. */
int virtq_pop(struct virtq *vq, const struct guest_mem *mem, struct virtq_elem *elem);
void virtq_push(struct virtq *vq, const struct virtq_elem *elem, u32 written);
bool virtq_has_avail(struct virtq *vq);
/* False while the driver asks not to be interrupted (VRING_AVAIL_F_NO_INTERRUPT). */
bool virtq_wants_interrupt(struct virtq *vq);
const char *virtq_strerror(int err);

/* Copy between an iovec range and a flat buffer. */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off, const void *buf, size_t len);

/* ---- the transport ---- */
struct virtio_dev;

struct virtio_dev_ops {
	const char *name;
	u32 device_id;
	unsigned nr_queues;
	u16 queue_max;
	u64 features; /* besides VIRTIO_F_VERSION_1 */
	/* Config space read (byte granular); writes are ignored by default. */
	void (*config_read)(struct virtio_dev *vdev, u64 off, u32 len, u64 *val);
	/* The driver notified queue q; called with the device lock held. */
	void (*notify)(struct virtio_dev *vdev, unsigned q);
	/* The driver wrote DRIVER_OK, or reset the device (status 0). */
	void (*started)(struct virtio_dev *vdev);
	void (*reset)(struct virtio_dev *vdev);
	void (*destroy)(struct virtio_dev *vdev);
};

#define VIRTIO_MAX_QUEUES 2

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	const struct guest_mem *mem;
	struct irq_line irq;
	gpa_t base; /* for the device tree */
	pthread_mutex_t lock;
	u32 status;
	u32 dev_feat_sel, drv_feat_sel;
	u64 driver_features;
	u32 queue_sel;
	u32 int_status;
	u32 config_gen;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	u64 malformed; /* chains rejected */
	u64 bad_access;
	void *priv;
};

extern const struct mmio_ops virtio_mmio_ops;
int virtio_dev_init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		    const struct guest_mem *mem, struct irq_line irq, void *priv);
/* Device side, lock held: complete a chain and interrupt the driver. */
void virtio_complete(struct virtio_dev *vdev, unsigned q, const struct virtq_elem *elem,
		     u32 written);
/* Device side, lock held: a virtq_pop error; the device needs a reset. */
void virtio_fail(struct virtio_dev *vdev, unsigned q, int err);
bool virtio_running(const struct virtio_dev *vdev);

/* Block device over a file; size rounded down to 512-byte sectors. */
struct virtio_dev *virtio_blk_create(const struct guest_mem *mem, struct irq_line irq,
				     const char *path, bool ro);
/* Network device over a TAP interface (opened by the caller). */
struct virtio_dev *virtio_net_create(const struct guest_mem *mem, struct irq_line irq, int tap_fd,
				     const u8 mac[6]);
int tap_open(const char *name, bool has_ip, u32 ip, unsigned prefix);
/* Console: output to out_fd; input through virtio_console_input(). */
struct virtio_dev *virtio_console_create(const struct guest_mem *mem, struct irq_line irq,
					 int out_fd);
size_t virtio_console_input(struct virtio_dev *vdev, const u8 *buf, size_t n);
void virtio_dev_destroy(struct virtio_dev *vdev);

#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#endif
