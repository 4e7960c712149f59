// SPDX-License-Identifier: MIT
/*
 * virtio-net over a TAP interface (virtio 1.1, 5.1). Transmit runs on the
 * notifying vCPU; a receive thread moves frames from the TAP device into the
 * guest's receive buffers, waiting for buffers rather than dropping frames
 * while the driver is up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmm/err.h"
#include "vmm/place.h"
#include "vmm/virtio.h"

#define VIRTIO_NET_F_MAC 5
#define NET_HDR_LEN	 12 /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define RXQ		 0
#define TXQ		 1
#define MAX_FRAME	 65550

struct net {
	struct virtio_dev *vdev;
	int tap_fd;
	int stop_pipe[2];
	u8 mac[6];
	pthread_t rx_thread;
	bool has_thread, stopping;
	pthread_cond_t rx_cond;
	u64 rx_packets, tx_packets, rx_dropped;
	struct virtq_elem rx_elem, tx_elem;
	u8 rx_buf[NET_HDR_LEN + MAX_FRAME];
};

static void net_config_read(struct virtio_dev *vdev, u64 off, u32 len, u64 *val)
{
	struct net *n = vdev->priv;
	u8 cfg[8] = { 0 };

	memcpy(cfg, n->mac, 6);
	if (off < sizeof(cfg) && len <= sizeof(cfg) - off)
		memcpy(val, cfg + off, len);
}

static void net_tx(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;
	struct virtq_elem *e = &n->tx_elem;
	int r;

	while ((r = virtq_pop(&vdev->vq[TXQ], vdev->mem, e)) > 0) {
		struct iovec iov[VIRTQ_MAX_IOV];
		unsigned nr = 0;
		size_t skip = NET_HDR_LEN;

		for (unsigned i = 0; i < e->nr_out; i++) {
			struct iovec v = e->iov[i];
			size_t s = skip < v.iov_len ? skip : v.iov_len;

			skip -= s;
			v.iov_base = (u8 *)v.iov_base + s;
			v.iov_len -= s;
			if (v.iov_len)
				iov[nr++] = v;
		}
		if (nr && writev(n->tap_fd, iov, nr) > 0)
			n->tx_packets++;
		virtio_complete(vdev, TXQ, e, 0);
	}
	if (r < 0)
		virtio_fail(vdev, TXQ, r);
}

static void net_notify(struct virtio_dev *vdev, unsigned q)
{
	struct net *n = vdev->priv;

	if (q == TXQ)
		net_tx(vdev);
	else
		pthread_cond_signal(&n->rx_cond);
}

static void net_reset(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;

	pthread_cond_signal(&n->rx_cond);
}

/* Lock held: deliver one frame of len bytes (after the header) or drop it. */
static void net_rx_one(struct net *n, size_t len)
{
	struct virtio_dev *vdev = n->vdev;
	struct virtq_elem *e = &n->rx_elem;
	int r;

	while (!n->stopping && virtio_running(vdev) && !virtq_has_avail(&vdev->vq[RXQ]))
		pthread_cond_wait(&n->rx_cond, &vdev->lock);
	if (n->stopping || !virtio_running(vdev)) {
		n->rx_dropped++;
		return;
	}
	r = virtq_pop(&vdev->vq[RXQ], vdev->mem, e);
	if (r < 0) {
		virtio_fail(vdev, RXQ, r);
		return;
	}
	if (r == 0 || e->in_len < NET_HDR_LEN + len) {
		n->rx_dropped++;
		if (r)
			virtio_complete(vdev, RXQ, e, 0);
		return;
	}
	iov_from_buf(e->iov + e->nr_out, e->nr_in, 0, n->rx_buf, NET_HDR_LEN + len);
	n->rx_packets++;
	virtio_complete(vdev, RXQ, e, NET_HDR_LEN + len);
}

static void *net_rx_thread(void *arg)
{
	struct net *n = arg;
	struct pollfd pfd[2] = {
		{ .fd = n->tap_fd, .events = POLLIN },
		{ .fd = n->stop_pipe[0], .events = POLLIN },
	};

	for (;;) {
		ssize_t len;
		u16 one = 1;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		len = read(n->tap_fd, n->rx_buf + NET_HDR_LEN, MAX_FRAME);
		if (len <= 0)
			continue;
		memset(n->rx_buf, 0, NET_HDR_LEN);
		memcpy(n->rx_buf + 10, &one, 2); /* num_buffers */
		pthread_mutex_lock(&n->vdev->lock);
		net_rx_one(n, len);
		pthread_mutex_unlock(&n->vdev->lock);
	}
	return NULL;
}

static void net_started(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;

	if (!n->has_thread && !vmm_thread_create(&n->rx_thread, "io-net-rx", -1, net_rx_thread, n))
		n->has_thread = true;
}

static void net_destroy(struct virtio_dev *vdev)
{
	struct net *n = vdev->priv;

	if (!n)
		return;
	pthread_mutex_lock(&vdev->lock);
	n->stopping = true;
	pthread_cond_broadcast(&n->rx_cond);
	pthread_mutex_unlock(&vdev->lock);
	if (write(n->stop_pipe[1], "x", 1) < 0)
		vmm_warn("virtio-net: cannot stop the receive thread");
	if (n->has_thread)
		pthread_join(n->rx_thread, NULL);
	close(n->stop_pipe[0]);
	close(n->stop_pipe[1]);
	close(n->tap_fd);
	pthread_cond_destroy(&n->rx_cond);
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.queue_max = VIRTQ_MAX_SIZE,
	.features = 1ULL << VIRTIO_NET_F_MAC,
	.config_read = net_config_read,
	.notify = net_notify,
	.started = net_started,
	.reset = net_reset,
	.destroy = net_destroy,
};

struct virtio_dev *virtio_net_create(const struct guest_mem *mem, struct irq_line irq, int tap_fd,
				     const u8 mac[6])
{
	struct virtio_dev *vdev = calloc(1, sizeof(*vdev));
	struct net *n = calloc(1, sizeof(*n));

	if (!vdev || !n || pipe(n->stop_pipe)) {
		free(vdev);
		free(n);
		vmm_error(ENOMEM, "virtio-net: out of memory");
		return NULL;
	}
	n->vdev = vdev;
	n->tap_fd = tap_fd;
	memcpy(n->mac, mac, 6);
	pthread_cond_init(&n->rx_cond, NULL);
	virtio_dev_init(vdev, &net_ops, mem, irq, n);
	return vdev;
}

int tap_open(const char *name, bool has_ip, u32 ip, unsigned prefix)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return vmm_error(errno,
				 "cannot open /dev/net/tun: %m (TUN/TAP in the host kernel?)");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int e = errno;

		close(fd);
		return vmm_error(e, "cannot create TAP interface '%s': %s", name, strerror(e));
	}
	if (!has_ip)
		return fd;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
	if (ioctl(s, SIOCSIFADDR, &ifr))
		goto fail_s;
	sin->sin_addr.s_addr = htonl(prefix >= 32 ? 0xffffffffU : ~(0xffffffffU >> prefix));
	if (ioctl(s, SIOCSIFNETMASK, &ifr))
		goto fail_s;
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		goto fail_s;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		goto fail_s;
	close(s);
	return fd;
fail_s:
	close(s);
fail:;
	int e = errno;

	close(fd);
	return vmm_error(e, "cannot configure TAP interface '%s': %s", name, strerror(e));
}
