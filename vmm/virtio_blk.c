// SPDX-License-Identifier: MIT
/* virtio-blk over a file (virtio 1.1, 5.2), served synchronously on notify. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/err.h"
#include "vmm/virtio.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO	      5
#define VIRTIO_BLK_F_FLUSH    9
#define SECTOR		      512
#define SEG_MAX		      (VIRTQ_MAX_IOV - 2)
#define SIZE_MAX_SEG	      (1U << 16)
#define BLK_ID_BYTES	      20

struct blk {
	int fd;
	bool ro;
	u64 sectors;
	u64 requests, errors;
	struct virtq_elem elem;
};

struct blk_req_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
};

static void blk_config_read(struct virtio_dev *vdev, u64 off, u32 len, u64 *val)
{
	struct blk *b = vdev->priv;
	u8 cfg[24] = { 0 };
	u32 seg_max = SEG_MAX, size_max = SIZE_MAX_SEG;

	memcpy(cfg, &b->sectors, 8);
	memcpy(cfg + 8, &size_max, 4);
	memcpy(cfg + 12, &seg_max, 4);
	if (off < sizeof(cfg) && len <= sizeof(cfg) - off)
		memcpy(val, cfg + off, len);
}

/* Returns the status byte for the request. */
static u8 blk_do(struct blk *b, const struct blk_req_hdr *h, const struct iovec *data,
		 unsigned nr_data, size_t data_len, u32 *written)
{
	ssize_t r;

	switch (h->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (data_len % SECTOR || h->sector > b->sectors ||
		    data_len / SECTOR > b->sectors - h->sector)
			return VIRTIO_BLK_S_IOERR;
		if (h->type == VIRTIO_BLK_T_OUT && b->ro)
			return VIRTIO_BLK_S_IOERR;
		if (!data_len)
			return VIRTIO_BLK_S_OK;
		if (h->type == VIRTIO_BLK_T_IN) {
			r = preadv(b->fd, data, nr_data, h->sector * SECTOR);
			if (r == (ssize_t)data_len)
				*written += data_len;
		} else {
			r = pwritev(b->fd, data, nr_data, h->sector * SECTOR);
		}
		return r == (ssize_t)data_len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) && errno != EINVAL ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		static const char id[BLK_ID_BYTES] = "duvisor-vblk";

		*written += iov_from_buf(data, nr_data, 0, id, BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	}
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(struct virtio_dev *vdev, unsigned q)
{
	struct blk *b = vdev->priv;
	struct virtq_elem *e = &b->elem;
	int r;

	while ((r = virtq_pop(&vdev->vq[q], vdev->mem, e)) > 0) {
		struct blk_req_hdr h;
		struct iovec data[VIRTQ_MAX_IOV];
		unsigned nr_data = 0, i;
		size_t data_len = 0, hdr_skip = sizeof(h);
		struct iovec *st;
		u32 written = 0;
		u8 status;

		b->requests++;
		/* The header must be readable, the status byte writable and last. */
		if (e->out_len < sizeof(h) || e->nr_in == 0 ||
		    e->iov[e->nr_out + e->nr_in - 1].iov_len == 0) {
			b->errors++;
			virtio_fail(vdev, q, VQ_BAD_ORDER);
			return;
		}
		iov_to_buf(e->iov, e->nr_out, 0, &h, sizeof(h));
		/* Data: what follows the header in the readable part (writes), or
		 * the writable part minus the status byte (reads). */
		for (i = 0; i < e->nr_out + e->nr_in; i++) {
			struct iovec v = e->iov[i];

			if (i < e->nr_out) {
				size_t s = hdr_skip < v.iov_len ? hdr_skip : v.iov_len;

				hdr_skip -= s;
				v.iov_base = (u8 *)v.iov_base + s;
				v.iov_len -= s;
			} else if (i == e->nr_out + e->nr_in - 1) {
				v.iov_len -= 1;
			}
			if (v.iov_len)
				data[nr_data++] = v;
			data_len += v.iov_len;
		}
		if ((h.type == VIRTIO_BLK_T_IN || h.type == VIRTIO_BLK_T_GET_ID) &&
		    e->out_len > sizeof(h))
			status = VIRTIO_BLK_S_IOERR; /* read with readable data */
		else if (h.type == VIRTIO_BLK_T_OUT && e->in_len > 1)
			status = VIRTIO_BLK_S_IOERR;
		else
			status = blk_do(b, &h, data, nr_data, data_len, &written);
		if (status != VIRTIO_BLK_S_OK)
			b->errors++;
		st = &e->iov[e->nr_out + e->nr_in - 1];
		((u8 *)st->iov_base)[st->iov_len - 1] = status;
		virtio_complete(vdev, q, e, written + 1);
	}
	if (r < 0)
		virtio_fail(vdev, q, r);
}

static void blk_destroy(struct virtio_dev *vdev)
{
	struct blk *b = vdev->priv;

	if (b && b->fd >= 0)
		close(b->fd);
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_max = VIRTQ_MAX_SIZE,
	.features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
		    (1ULL << VIRTIO_BLK_F_FLUSH),
	.config_read = blk_config_read,
	.notify = blk_notify,
	.destroy = blk_destroy,
};

static const struct virtio_dev_ops blk_ro_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_max = VIRTQ_MAX_SIZE,
	.features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
		    (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_RO),
	.config_read = blk_config_read,
	.notify = blk_notify,
	.destroy = blk_destroy,
};

/*
 * Image locking, as QEMU does it: an open-file-description lock on the whole
 * file, exclusive for a writable disk, shared for a read-only one. A second
 * VMM (or a second --disk of the same file) that would write alongside
 * another user, or read alongside a writer, is refused. Released when the
 * file is closed, also when the VMM dies. Where the kernel has no file
 * locking the disk is used unlocked, with a warning.
 */
static int lock_image(int fd, const char *path, bool ro)
{
	struct flock fl = { .l_type = ro ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };
	const char *holder = "locked";

	if (!fcntl(fd, F_OFD_SETLK, &fl))
		return 0;
	if (errno != EAGAIN && errno != EACCES) {
		/* A kernel without CONFIG_FILE_LOCKING (EINVAL) or a file system
		 * without locks: run, unprotected, and say so. */
		vmm_warn("disk '%s': not locked against other VMMs: %s", path, strerror(errno));
		return 0;
	}
	fl = (struct flock){ .l_type = ro ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_OFD_GETLK, &fl))
		fl.l_type = F_UNLCK;
	if (fl.l_type == F_WRLCK)
		holder = "it holds it writable";
	else if (fl.l_type == F_RDLCK)
		holder = "it holds it read-only";
	return vmm_error(EBUSY,
			 "disk '%s' is in use by another VMM (%s); a writable disk is for one "
			 "VMM alone",
			 path, holder);
}

struct virtio_dev *virtio_blk_create(const struct guest_mem *mem, struct irq_line irq,
				     const char *path, bool ro)
{
	struct virtio_dev *vdev = calloc(1, sizeof(*vdev));
	struct blk *b = calloc(1, sizeof(*b));
	struct stat st;

	if (b)
		b->fd = -1;
	if (!vdev || !b)
		goto nomem;
	b->ro = ro;
	b->fd = open(path, ro ? O_RDONLY : O_RDWR);
	if (b->fd < 0) {
		vmm_error(errno, "disk '%s': %m", path);
		goto fail;
	}
	if (fstat(b->fd, &st) || !S_ISREG(st.st_mode)) {
		vmm_error(EINVAL, "disk '%s' is not a regular file", path);
		goto fail;
	}
	if (lock_image(b->fd, path, ro))
		goto fail;
	b->sectors = st.st_size / SECTOR;
	if (virtio_dev_init(vdev, ro ? &blk_ro_ops : &blk_ops, mem, irq, b))
		goto nomem;
	return vdev;
nomem:
	vmm_error(ENOMEM, "disk '%s': out of memory", path);
fail:
	if (b && b->fd >= 0)
		close(b->fd);
	free(b);
	free(vdev);
	return NULL;
}
