// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.1, 2.6). The driver owns the rings and can change
 * them under us at any time, so each descriptor is copied once before it is
 * checked and used, and every address goes through gmem_ptr().
 */
#include <string.h>

#include "vmm/virtio.h"

#define VRING_AVAIL_F_NO_INTERRUPT 1

const char *virtq_strerror(int err)
{
	switch (err) {
	case VQ_OK:
		return "no error";
	case VQ_BAD_INDEX:
		return "descriptor index out of range";
	case VQ_BAD_ADDRESS:
		return "buffer or ring outside guest RAM";
	case VQ_LOOP:
		return "descriptor chain loops";
	case VQ_TOO_LARGE:
		return "chain larger than the device accepts";
	case VQ_BAD_ORDER:
		return "readable descriptor after a writable one";
	case VQ_BAD_FLAGS:
		return "indirect descriptor not negotiated";
	}
	return "unknown virtqueue error";
}

int virtq_setup(struct virtq *vq, const struct guest_mem *mem)
{
	u64 n = vq->num;

	if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return VQ_BAD_INDEX;
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3))
		return VQ_BAD_ADDRESS;
	vq->desc_h = (struct vring_desc *)gmem_ptr(mem, vq->desc, 16 * n);
	vq->avail_h = (u16 *)gmem_ptr(mem, vq->avail, 6 + 2 * n);
	vq->used_h = gmem_ptr(mem, vq->used, 6 + 8 * n);
	if (!vq->desc_h || !vq->avail_h || !vq->used_h) {
		vq->desc_h = NULL;
		vq->avail_h = NULL;
		vq->used_h = NULL;
		return VQ_BAD_ADDRESS;
	}
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->ready = true;
	return VQ_OK;
}

bool virtq_has_avail(struct virtq *vq)
{
	if (!vq->ready)
		return false;
	return __atomic_load_n(&vq->avail_h[1], __ATOMIC_ACQUIRE) != vq->last_avail;
}

int virtq_pop(struct virtq *vq, const struct guest_mem *mem, struct virtq_elem *elem)
{
	u16 avail_idx, head, i;
	unsigned count = 0, n = 0;
	u64 total = 0;

	if (!vq->ready)
		return 0;
	avail_idx = __atomic_load_n(&vq->avail_h[1], __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((u16)(avail_idx - vq->last_avail) > vq->num)
		return VQ_BAD_INDEX;
	head = __atomic_load_n(&vq->avail_h[2 + vq->last_avail % vq->num], __ATOMIC_RELAXED);
	if (head >= vq->num)
		return VQ_BAD_INDEX;

	elem->head = head;
	elem->nr_out = elem->nr_in = 0;
	elem->out_len = elem->in_len = 0;
	for (i = head;; count++) {
		struct vring_desc d;
		hva_t p;

		if (count >= vq->num)
			return VQ_LOOP;
		memcpy(&d, &vq->desc_h[i], sizeof(d));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (d.flags & VRING_DESC_F_INDIRECT)
			return VQ_BAD_FLAGS;
		if (d.len > VIRTQ_MAX_BYTES || total + d.len > VIRTQ_MAX_BYTES)
			return VQ_TOO_LARGE;
		p = gmem_ptr(mem, d.addr, d.len);
		if (!p)
			return VQ_BAD_ADDRESS;
		total += d.len;
		if (d.flags & VRING_DESC_F_WRITE) {
			elem->nr_in++;
			elem->in_len += d.len;
		} else {
			if (elem->nr_in)
				return VQ_BAD_ORDER;
			elem->nr_out++;
			elem->out_len += d.len;
		}
		elem->iov[n].iov_base = p;
		elem->iov[n].iov_len = d.len;
		n++;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= vq->num)
			return VQ_BAD_INDEX;
	}
	vq->last_avail++;
	return 1;
}

void virtq_push(struct virtq *vq, const struct virtq_elem *elem, u32 written)
{
	u8 *slot = vq->used_h + 4 + 8 * (vq->used_idx % vq->num);
	u32 id = elem->head;

	memcpy(slot, &id, 4);
	memcpy(slot + 4, &written, 4);
	vq->used_idx++;
	__atomic_store_n((u16 *)(vq->used_h + 2), vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_wants_interrupt(struct virtq *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&vq->avail_h[0], __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT);
}

/* Copy between a scatter list (from byte off) and a flat buffer. */
static size_t iov_copy(const struct iovec *iov, unsigned n, size_t off, u8 *buf, size_t len,
		       bool to_buf)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len;
		u8 *seg;

		if (off >= l) {
			off -= l;
			continue;
		}
		seg = (u8 *)iov[i].iov_base + off;
		l -= off;
		if (l > len - done)
			l = len - done;
		if (to_buf)
			memcpy(buf + done, seg, l);
		else
			memcpy(seg, buf + done, l);
		done += l;
		off = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf, size_t len)
{
	return iov_copy(iov, n, off, buf, len, true);
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off, const void *buf, size_t len)
{
	return iov_copy(iov, n, off, (u8 *)buf, len, false);
}
