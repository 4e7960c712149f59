// SPDX-License-Identifier: MIT
/*
 * Interrupt doorbell: the guest rings, an I/O thread of the VMM raises the
 * interrupt. It stands for a device completing work on its own thread (a
 * disk or network backend), which is how virtual external interrupts reach a
 * vCPU without the vCPU itself exiting: the path the vEXT benchmark measures.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "vmm/devices.h"
#include "vmm/place.h"

struct doorbell {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool has_thread, stopping, level;
	u32 rings; /* requests not yet served */
	u32 delay_ns;
	u32 count;
	u64 posted; /* sum of the guest-time stamps taken before each raise */
	const u64 *time_delta;
	struct irq_line irq;
};

/* Trace marks (docs/dv-ext.md, "slti x0, x0, N", a HINT): 20 when the
 * vEXT stamp is taken, 23 when the line is up (the post made), so the
 * model's transition trace shows the I/O thread's part of a vEXT
 * (scripts/bench/xhart.awk). */
#if defined(__riscv)
#define DOORBELL_MARK(n) __asm__ volatile("slti x0, x0, " #n ::: "memory")
#else
#define DOORBELL_MARK(n) ((void)0)
#endif

/* The host's time CSR (the machine-wide clock of the modelled host). */
u64 vmm_host_time(void)
{
#if defined(__riscv)
	u64 t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
#else /* unit tests on the build machine */
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 10000000U + (u64)ts.tv_nsec / 100U;
#endif
}

_Thread_local u64 irq_post_stamp;

void irq_post_stamp_now(void)
{
	irq_post_stamp = vmm_host_time();
}

static void *doorbell_thread(void *arg)
{
	struct doorbell *d = arg;
	u64 t;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (!d->rings && !d->stopping)
			pthread_cond_wait(&d->cond, &d->lock);
		if (d->stopping)
			break;
		d->rings--;
		if (d->delay_ns) {
			struct timespec ts = { .tv_sec = d->delay_ns / 1000000000U,
					       .tv_nsec = d->delay_ns % 1000000000U };

			pthread_mutex_unlock(&d->lock);
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&d->lock);
		}
		d->count++;
		d->level = true;
		/* the vEXT benchmark starts here: the model's time, just before the
		 * line goes up (through the PLIC to KVM_INTERRUPT or a hu_vitr post) */
		/* the vEXT benchmark starts at the post: the time the backend
		 * read just before its hu_vitr write or KVM_INTERRUPT (on this
		 * thread), else the time just before the line goes up */
		t = vmm_host_time();
		irq_post_stamp = 0;
		DOORBELL_MARK(20);
		irq_line_set(&d->irq, true);
		DOORBELL_MARK(23);
		if (irq_post_stamp)
			t = irq_post_stamp;
		d->posted += t + (d->time_delta ? *d->time_delta : 0);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct doorbell *doorbell_create(struct irq_line irq)
{
	struct doorbell *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->irq = irq;
	if (vmm_thread_create(&d->thread, "io-doorbell", -1, doorbell_thread, d)) {
		free(d);
		return NULL;
	}
	d->has_thread = true;
	return d;
}

void doorbell_set_time(struct doorbell *d, const u64 *delta)
{
	pthread_mutex_lock(&d->lock);
	d->time_delta = delta;
	pthread_mutex_unlock(&d->lock);
}

void doorbell_destroy(struct doorbell *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (d->has_thread)
		pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static int doorbell_read(void *dev, u64 off, u32 len, u64 *val)
{
	struct doorbell *d = dev;

	if (len != 4 || off % 4)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	switch (off) {
	case DOORBELL_DELAY_NS:
		*val = d->delay_ns;
		break;
	case DOORBELL_COUNT:
		*val = d->count;
		break;
	case DOORBELL_LEVEL:
		*val = d->level;
		break;
	case DOORBELL_POSTED_LO:
		*val = (u32)d->posted;
		break;
	case DOORBELL_POSTED_HI:
		*val = (u32)(d->posted >> 32);
		break;
	default:
		*val = 0;
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static int doorbell_write(void *dev, u64 off, u32 len, u64 val)
{
	struct doorbell *d = dev;

	if (len != 4 || off % 4)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	switch (off) {
	case DOORBELL_RING:
		d->rings++;
		pthread_cond_signal(&d->cond);
		break;
	case DOORBELL_ACK:
		d->level = false;
		irq_line_set(&d->irq, false);
		break;
	case DOORBELL_DELAY_NS:
		d->delay_ns = val;
		break;
	case DOORBELL_POSTED_LO:
		d->posted = 0;
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

const struct mmio_ops doorbell_mmio_ops = {
	.read = doorbell_read,
	.write = doorbell_write,
};
