// SPDX-License-Identifier: MIT
/* virtio console, one port (virtio 1.1, 5.3): transmit to out_fd, receive
 * what virtio_console_input() is given while the guest has buffers posted. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmm/err.h"
#include "vmm/virtio.h"

#define RXQ 0
#define TXQ 1

struct cons {
	int out_fd;
	struct virtq_elem elem;
};

static void cons_notify(struct virtio_dev *vdev, unsigned q)
{
	struct cons *c = vdev->priv;
	int r;

	if (q != TXQ)
		return;
	while ((r = virtq_pop(&vdev->vq[TXQ], vdev->mem, &c->elem)) > 0) {
		for (unsigned i = 0; i < c->elem.nr_out && c->out_fd >= 0; i++) {
			const u8 *p = c->elem.iov[i].iov_base;
			size_t left = c->elem.iov[i].iov_len;

			while (left) {
				ssize_t w = write(c->out_fd, p, left);

				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break;
				p += w;
				left -= w;
			}
		}
		virtio_complete(vdev, TXQ, &c->elem, 0);
	}
	if (r < 0)
		virtio_fail(vdev, TXQ, r);
}

size_t virtio_console_input(struct virtio_dev *vdev, const u8 *buf, size_t n)
{
	struct cons *c = vdev->priv;
	size_t done = 0;
	int r = 0;

	pthread_mutex_lock(&vdev->lock);
	while (done < n && virtio_running(vdev) &&
	       (r = virtq_pop(&vdev->vq[RXQ], vdev->mem, &c->elem)) > 0) {
		size_t len = iov_from_buf(c->elem.iov + c->elem.nr_out, c->elem.nr_in, 0,
					  buf + done, n - done);

		done += len;
		virtio_complete(vdev, RXQ, &c->elem, len);
	}
	if (r < 0)
		virtio_fail(vdev, RXQ, r);
	pthread_mutex_unlock(&vdev->lock);
	return done;
}

static const struct virtio_dev_ops cons_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = 64,
	.notify = cons_notify,
};

struct virtio_dev *virtio_console_create(const struct guest_mem *mem, struct irq_line irq,
					 int out_fd)
{
	struct virtio_dev *vdev = calloc(1, sizeof(*vdev));
	struct cons *c = calloc(1, sizeof(*c));

	if (!vdev || !c) {
		free(vdev);
		free(c);
		vmm_error(ENOMEM, "virtio-console: out of memory");
		return NULL;
	}
	c->out_fd = out_fd;
	virtio_dev_init(vdev, &cons_ops, mem, irq, c);
	return vdev;
}
