/* SPDX-License-Identifier: MIT */
/*
 * Placement of the VMM's threads on host CPUs, as in Fig. 3 of the paper:
 * each vCPU thread on a hart of its own (--vcpu-cpus), I/O threads (device
 * back ends, the console input, the main thread) on others (--io-cpus).
 */
#ifndef VMM_PLACE_H
#define VMM_PLACE_H

#include <pthread.h>

#include "vmm/types.h"

#define VMM_CPU_LIST_MAX 64   /* CPUs in one list */
#define VMM_HOST_CPU_MAX 1023 /* highest CPU number (CPU_SETSIZE - 1) */

struct vm_cpu_list {
	unsigned n;
	unsigned short cpu[VMM_CPU_LIST_MAX];
};

/* "1", "0,2", "2-3,5": fill l. Returns 0, or -EINVAL with vmm_error() set
 * (the option's name in the message). */
int cpu_list_parse(const char *opt, const char *s, struct vm_cpu_list *l);
/* "0-1,3" into buf. */
const char *cpu_list_str(const struct vm_cpu_list *l, char *buf, size_t len);

/* Check both lists against the CPUs this process may run on; remember them
 * for vmm_thread_create(); put the calling (main) thread on the I/O CPUs.
 * Returns 0 or -EINVAL with vmm_error() set. Empty lists: no placement. */
int place_init(const struct vm_cpu_list *vcpu, const struct vm_cpu_list *io);

/* pthread_create, named (as /proc/PID/task/TID/comm shows it) and placed:
 * vcpu >= 0 on that vCPU's CPU, vcpu < 0 (an I/O thread) on the I/O CPUs. */
int vmm_thread_create(pthread_t *t, const char *name, int vcpu, void *(*fn)(void *), void *arg);

#endif
