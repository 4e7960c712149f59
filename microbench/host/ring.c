// SPDX-License-Identifier: MIT
/*
 * Ring crossings of the modelled host, from a user process of the host
 * Linux: a syscall round trip (getppid) and an ioctl round trip on /dev/kvm
 * (KVM_CHECK_EXTENSION, answered without touching a VM), or (set "duvisor")
 * an ioctl round trip into the DV-driver (/dev/duvisor,
 * DUVISOR_GET_API_VERSION, answered without a VM). Timed with rdcycle,
 * the empty loop subtracted, the median of repetitions, one row each in the
 * microbenchmarks' format with system "host":
 *   DVRESULT,host,<bench>,total,<param>,<profile>,<iterations>,<reps>,<value>,cycles
 * usage: ring [ITERATIONS [REPS [PROFILE [kvm|duvisor]]]]  (default set: kvm)
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uapi/duvisor.h"

#define MAX_REPS 31

static inline uint64_t rdcycle(void)
{
	uint64_t c;

	__asm__ volatile("rdcycle %0" : "=r"(c));
	return c;
}

static int kvm_fd = -1, dv_fd = -1;

static void op_syscall(void)
{
	syscall(SYS_getppid);
}

static void op_ioctl(void)
{
	ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY);
}

static void op_dv_ioctl(void)
{
	ioctl(dv_fd, DUVISOR_GET_API_VERSION);
}

static void op_none(void)
{
	__asm__ volatile("" ::: "memory");
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t timed(void (*op)(void), unsigned long n)
{
	uint64_t t0 = rdcycle();

	for (unsigned long i = 0; i < n; i++)
		op();
	return rdcycle() - t0;
}

static void bench(const char *name, const char *param, void (*op)(void), unsigned long n,
		  unsigned reps, const char *profile)
{
	uint64_t v[MAX_REPS], med;

	timed(op, n / 10 + 1); /* warm-up */
	for (unsigned r = 0; r < reps; r++) {
		uint64_t t = timed(op, n), e = timed(op_none, n);

		v[r] = t > e ? (t - e) * 100 / n : 0;
	}
	qsort(v, reps, sizeof(v[0]), cmp);
	med = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	printf("DVRESULT,host,%s,total,%s,%s,%lu,%u,%llu.%02llu,cycles\n", name, param, profile, n,
	       reps, (unsigned long long)(med / 100), (unsigned long long)(med % 100));
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	unsigned reps = argc > 2 ? strtoul(argv[2], NULL, 0) : 5;
	const char *profile = argc > 3 ? argv[3] : "";
	const char *set = argc > 4 ? argv[4] : "kvm";

	if (n == 0 || reps == 0 || reps > MAX_REPS ||
	    (strcmp(set, "kvm") && strcmp(set, "duvisor"))) {
		fprintf(stderr,
			"ring: usage: ring [ITERATIONS>0 [REPS 1-%d [PROFILE [kvm|duvisor]]]]\n",
			MAX_REPS);
		return 2;
	}
	if (!strcmp(set, "duvisor")) {
		dv_fd = open("/dev/duvisor", O_RDWR | O_CLOEXEC);
		if (dv_fd < 0 || ioctl(dv_fd, DUVISOR_GET_API_VERSION) != DUVISOR_API_VERSION) {
			printf("DVBENCH-SKIP: ioctl no /dev/duvisor answering API version %d\n",
			       DUVISOR_API_VERSION);
			return 1;
		}
		bench("ioctl", "dv-get-api-version", op_dv_ioctl, n, reps, profile);
		return 0;
	}
	bench("syscall", "getppid", op_syscall, n, reps, profile);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		printf("DVBENCH-SKIP: ioctl no /dev/kvm\n");
	else
		bench("ioctl", "kvm-check-extension", op_ioctl, n, reps, profile);
	return 0;
}
