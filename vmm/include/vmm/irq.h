/* SPDX-License-Identifier: MIT */
/* An interrupt line from a device to whatever controller the VM wires it to. */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include "vmm/types.h"

struct irq_line {
	void (*set)(void *ctl, unsigned irq, bool level);
	void *ctl;
	unsigned irq;
};

/* The model's time (the host's time CSR) that a backend read just before it
 * posted an interrupt to a vCPU (DuVisor: the hu_vitr write; KVM: the
 * KVM_INTERRUPT call), per thread; 0 when this thread has posted nothing
 * since it last cleared it. The vEXT benchmark starts there (vmm/doorbell.c),
 * as the paper defines vEXT: from the post to the guest's handler. */
extern _Thread_local u64 irq_post_stamp;
void irq_post_stamp_now(void);
u64 vmm_host_time(void);

static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctl, l->irq, level);
}

#endif
