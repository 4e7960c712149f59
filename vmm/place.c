// SPDX-License-Identifier: MIT
/*
 * Thread placement (--vcpu-cpus, --io-cpus; vmm/include/vmm/place.h). The
 * affinity is set before a thread starts (pthread_attr_setaffinity_np): a
 * DuVisor vCPU thread registers with the DV-driver on its own hart.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/err.h"
#include "vmm/place.h"

static struct vm_cpu_list place_vcpu, place_io;

static int parse_num(const char **s, unsigned long *v)
{
	char *end;

	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	if (errno)
		return -1;
	*s = end;
	return 0;
}

int cpu_list_parse(const char *opt, const char *s, struct vm_cpu_list *l)
{
	const char *p = s;

	l->n = 0;
	for (;;) {
		unsigned long a, b;

		if (parse_num(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &b) || b < a)
				goto bad;
		}
		if (b > VMM_HOST_CPU_MAX)
			return vmm_error(EINVAL, "%s: CPU %lu is out of range (0 to %d)", opt, b,
					 VMM_HOST_CPU_MAX);
		for (unsigned long c = a; c <= b; c++) {
			if (l->n == VMM_CPU_LIST_MAX)
				return vmm_error(EINVAL, "%s: more than %d CPUs", opt,
						 VMM_CPU_LIST_MAX);
			l->cpu[l->n++] = c;
		}
		if (!*p)
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	l->n = 0;
	return vmm_error(EINVAL, "%s: '%s' is not a CPU list (like 1, 1,3 or 2-3)", opt, s);
}

const char *cpu_list_str(const struct vm_cpu_list *l, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < l->n && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%u", i ? "," : "", l->cpu[i]);
	return buf;
}

static void to_set(const struct vm_cpu_list *l, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (unsigned i = 0; i < l->n; i++)
		CPU_SET(l->cpu[i], set);
}

static int check(const char *opt, const struct vm_cpu_list *l, const cpu_set_t *allowed)
{
	char have[256];
	size_t o = 0;

	for (unsigned i = 0; i < l->n; i++) {
		if (CPU_ISSET(l->cpu[i], allowed))
			continue;
		for (int c = 0; c <= VMM_HOST_CPU_MAX && o < sizeof(have); c++)
			if (CPU_ISSET(c, allowed))
				o += snprintf(have + o, sizeof(have) - o, "%s%d", o ? "," : "", c);
		return vmm_error(EINVAL, "%s: CPU %u is not one this VMM may run on (it has %s)",
				 opt, l->cpu[i], o ? have : "none");
	}
	return 0;
}

int place_init(const struct vm_cpu_list *vcpu, const struct vm_cpu_list *io)
{
	cpu_set_t allowed, set;
	int err;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return vmm_error(errno, "sched_getaffinity: %s", strerror(errno));
	if ((err = check("--vcpu-cpus", vcpu, &allowed)) ||
	    (err = check("--io-cpus", io, &allowed)))
		return err;
	place_vcpu = *vcpu;
	place_io = *io;
	if (io->n) {
		to_set(io, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return vmm_error(errno, "--io-cpus: sched_setaffinity: %s",
					 strerror(errno));
	}
	return 0;
}

int vmm_thread_create(pthread_t *t, const char *name, int vcpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	if ((err = pthread_attr_init(&attr)))
		return err;
	if (vcpu >= 0 && place_vcpu.n) {
		CPU_ZERO(&set);
		CPU_SET(place_vcpu.cpu[vcpu % place_vcpu.n], &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	} else if (vcpu < 0 && place_io.n) {
		to_set(&place_io, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (!err)
		err = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (!err)
		pthread_setname_np(*t, name); /* 15 characters at most: truncated otherwise */
	return err;
}
