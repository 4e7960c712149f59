// SPDX-License-Identifier: MIT
/* virtio-mmio transport, version 2 (virtio 1.1, 4.2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/err.h"
#include "vmm/virtio.h"

int virtio_dev_init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		    const struct guest_mem *mem, struct irq_line irq, void *priv)
{
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = ops;
	vdev->mem = mem;
	vdev->irq = irq;
	vdev->priv = priv;
	return pthread_mutex_init(&vdev->lock, NULL) ? -ENOMEM : 0;
}

void virtio_dev_destroy(struct virtio_dev *vdev)
{
	if (!vdev)
		return;
	if (vdev->ops->destroy)
		vdev->ops->destroy(vdev);
	pthread_mutex_destroy(&vdev->lock);
	free(vdev->priv);
	free(vdev);
}

bool virtio_running(const struct virtio_dev *vdev)
{
	return (vdev->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(vdev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void vdev_interrupt(struct virtio_dev *vdev, u32 why)
{
	vdev->int_status |= why;
	irq_line_set(&vdev->irq, true);
}

void virtio_complete(struct virtio_dev *vdev, unsigned q, const struct virtq_elem *elem,
		     u32 written)
{
	virtq_push(&vdev->vq[q], elem, written);
	if (virtq_wants_interrupt(&vdev->vq[q]))
		vdev_interrupt(vdev, VIRTIO_INT_USED);
}

void virtio_fail(struct virtio_dev *vdev, unsigned q, int err)
{
	if (!vdev->malformed++)
		vmm_warn("%s at %#llx: queue %u: %s; the device needs a reset", vdev->ops->name,
			 (unsigned long long)vdev->base, q, virtq_strerror(err));
	vdev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
		vdev_interrupt(vdev, VIRTIO_INT_CONFIG);
}

static void reset(struct virtio_dev *vdev)
{
	vdev->status = 0;
	vdev->driver_features = 0;
	vdev->dev_feat_sel = vdev->drv_feat_sel = 0;
	vdev->queue_sel = 0;
	vdev->int_status = 0;
	memset(vdev->vq, 0, sizeof(vdev->vq));
	irq_line_set(&vdev->irq, false);
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
}

static u64 offered(const struct virtio_dev *vdev)
{
	return vdev->ops->features | (1ULL << VIRTIO_F_VERSION_1);
}

static struct virtq *cur_vq(struct virtio_dev *vdev)
{
	return vdev->queue_sel < vdev->ops->nr_queues ? &vdev->vq[vdev->queue_sel] : NULL;
}

static int virtio_read(void *dev, u64 off, u32 len, u64 *val)
{
	struct virtio_dev *vdev = dev;
	struct virtq *vq;

	if (off >= VIRTIO_MMIO_CONFIG) {
		pthread_mutex_lock(&vdev->lock);
		*val = 0;
		if (vdev->ops->config_read)
			vdev->ops->config_read(vdev, off - VIRTIO_MMIO_CONFIG, len, val);
		pthread_mutex_unlock(&vdev->lock);
		return 0;
	}
	if (len != 4 || off % 4) {
		__atomic_fetch_add(&vdev->bad_access, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	pthread_mutex_lock(&vdev->lock);
	vq = cur_vq(vdev);
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		break;
	case VIRTIO_MMIO_VERSION:
		*val = 2;
		break;
	case VIRTIO_MMIO_DEVICE_ID:
		*val = vdev->ops->device_id;
		break;
	case VIRTIO_MMIO_VENDOR_ID:
		*val = VIRTIO_MMIO_VENDOR;
		break;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*val = vdev->dev_feat_sel < 2 ? (u32)(offered(vdev) >> (32 * vdev->dev_feat_sel))
					      : 0;
		break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*val = vq ? vdev->ops->queue_max : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		*val = vq ? vq->ready : 0;
		break;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*val = vdev->int_status;
		break;
	case VIRTIO_MMIO_STATUS:
		*val = vdev->status;
		break;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*val = vdev->config_gen;
		break;
	default:
		*val = 0;
		break;
	}
	pthread_mutex_unlock(&vdev->lock);
	return 0;
}

static void set_addr_half(gpa_t *a, bool high, u32 v)
{
	if (high)
		*a = (*a & 0xffffffffULL) | (u64)v << 32;
	else
		*a = (*a & ~0xffffffffULL) | v;
}

static void write_status(struct virtio_dev *vdev, u32 v)
{
	if (v == 0) {
		reset(vdev);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
		u64 f = vdev->driver_features;

		/* Refuse a legacy driver or features we never offered: the driver
		 * reads FEATURES_OK back as clear. */
		if (!(f & (1ULL << VIRTIO_F_VERSION_1)) || (f & ~offered(vdev)))
			v &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	v |= vdev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(vdev->status & VIRTIO_STATUS_DRIVER_OK)) {
		vdev->status = v;
		if (vdev->ops->started)
			vdev->ops->started(vdev);
		return;
	}
	vdev->status = v;
}

static int virtio_write(void *dev, u64 off, u32 len, u64 val)
{
	struct virtio_dev *vdev = dev;
	struct virtq *vq;
	u32 v = val;
	int err;

	if (off >= VIRTIO_MMIO_CONFIG)
		return 0; /* no writable config fields */
	if (len != 4 || off % 4) {
		__atomic_fetch_add(&vdev->bad_access, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	pthread_mutex_lock(&vdev->lock);
	vq = cur_vq(vdev);
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vdev->dev_feat_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vdev->drv_feat_sel < 2 && !(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
			unsigned sh = 32 * vdev->drv_feat_sel;

			vdev->driver_features &= ~(0xffffffffULL << sh);
			vdev->driver_features |= (u64)v << sh;
		}
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vdev->drv_feat_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vdev->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = v <= vdev->ops->queue_max ? v : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!vq)
			break;
		if (!v) {
			vq->ready = false;
		} else if (!vq->ready) {
			err = virtq_setup(vq, vdev->mem);
			if (err)
				virtio_fail(vdev, vdev->queue_sel, err);
		}
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v < vdev->ops->nr_queues && virtio_running(vdev) && vdev->vq[v].ready &&
		    vdev->ops->notify)
			vdev->ops->notify(vdev, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vdev->int_status &= ~v;
		if (!vdev->int_status)
			irq_line_set(&vdev->irq, false);
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(vdev, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (vq && !vq->ready)
			set_addr_half(&vq->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (vq && !vq->ready)
			set_addr_half(&vq->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (vq && !vq->ready)
			set_addr_half(&vq->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&vdev->lock);
	return 0;
}

const struct mmio_ops virtio_mmio_ops = {
	.read = virtio_read,
	.write = virtio_write,
};
