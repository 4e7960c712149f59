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

static inline void irq_line_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctl, l->irq, level);
}

#endif
