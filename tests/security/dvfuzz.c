// SPDX-License-Identifier: MIT
/*
 * dvfuzz: an ioctl and mmap fuzzer for /dev/duvisor (issue 12, part 4), run
 * inside the modelled host. Seeded and reproducible in what each thread
 * asks (the interleaving of threads is the scheduler's):
 *
 *   dvfuzz [--seed N] [--ops N] [--threads N] [--mem-max MIB]
 *   dvfuzz --idle 1     (only: the driver holds nothing, waiting up to 10 s)
 *
 * Several threads, each with its own random stream, open and close the
 * device, call every ioctl (and numbers near them, with the wrong size or
 * direction) with edge values and bad pointers, mmap at random offsets,
 * lengths and protections, register and unregister threads, fork children
 * that use the inherited files and die, and start threads that register and
 * die registered. Afterwards (every file closed, every child reaped) the
 * driver must hold nothing: no VM, thread or byte in its counters, and the
 * CMA allocator's count of pages handed out back to where it started. Prints
 *   DVT-OK: what   or   DVT-FAIL: what (why)
 * and "DVT: ops=N errors=N ..." statistics; exit status = failures.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/duvisor.h"

#define MAX_FDS 4

static int failures;
static unsigned long nops = 1000, nthreads = 4, mem_max_mib = 16;
static unsigned long long seed = 1;
static unsigned long idle_only; /* --idle 1: only check that the driver holds nothing */

/* Counters, updated atomically by every thread. */
static unsigned long st_ioctl, st_ioctl_ok, st_create_ok, st_mmap, st_mmap_ok, st_reg_ok, st_fork,
	st_dying, st_open;

#define INC(x) __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "DVT-OK: " : "DVT-FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

/* splitmix64: one stream per thread, from (seed, thread). */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t pick(uint64_t *s, const uint64_t *v, size_t n)
{
	return v[rnd(s) % n];
}
#define PICK(s, arr) pick(s, arr, sizeof(arr) / sizeof(arr[0]))

/* What the CMA allocator has handed out, in kB: the sum of
 * /sys/kernel/debug/cma/<area>/used (pages) over the areas. Exact, unlike
 * CmaFree, which also moves with movable pages (page cache, anonymous memory,
 * tmpfs) the kernel places in CMA. -1 without CONFIG_CMA_DEBUGFS. */
static long cma_used_kb(void)
{
	DIR *d = opendir("/sys/kernel/debug/cma");
	struct dirent *e;
	long sum = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300];
		unsigned long pages;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/used", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%lu", &pages) == 1)
			sum = (sum < 0 ? 0 : sum) +
			      (long)(pages * (unsigned long)sysconf(_SC_PAGESIZE) / 1024);
		fclose(f);
	}
	closedir(d);
	return sum;
}

static int driver_stats(struct duvisor_driver_stats *st)
{
	int fd = open(DUVISOR_DEV, O_RDWR | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = ioctl(fd, DUVISOR_DRIVER_STATS, st);
	close(fd);
	return r;
}

/* Pointers the kernel must refuse (EFAULT), and one good buffer. */
static uint64_t bad_ptr(uint64_t *s)
{
	static const uint64_t bad[] = { 0,
					1,
					0xfff,
					0xffffffffffffffffULL,
					0xffffffff80000000ULL,
					0xffffffc000000000ULL,
					0x00007fffffffffffULL,
					0x4000000000ULL };

	return PICK(s, bad);
}

static const uint64_t mem_edges[] = { 0,
				      1,
				      DUVISOR_MEM_ALIGN - 1,
				      DUVISOR_MEM_ALIGN,
				      DUVISOR_MEM_ALIGN + 1,
				      2 * DUVISOR_MEM_ALIGN,
				      4 * DUVISOR_MEM_ALIGN,
				      DUVISOR_MEM_MAX,
				      DUVISOR_MEM_MAX + DUVISOR_MEM_ALIGN,
				      1ULL << 63,
				      ~0ULL,
				      ~0ULL - DUVISOR_MEM_ALIGN + 1 };
static const uint64_t pool_edges[] = { 0,
				       1,
				       DUVISOR_POOL_MIN / 2,
				       DUVISOR_POOL_MIN,
				       DUVISOR_POOL_MIN + 4096,
				       2 * DUVISOR_POOL_MIN,
				       DUVISOR_POOL_MAX,
				       2 * DUVISOR_POOL_MAX,
				       1ULL << 63,
				       ~0ULL };
static const uint64_t vcpu_edges[] = {
	0,	    1,	       2, DUVISOR_MAX_VCPUS - 1, DUVISOR_MAX_VCPUS, DUVISOR_MAX_VCPUS + 1,
	0x7fffffff, 0xffffffff
};
static const uint64_t deleg_edges[] = { 0,	    1ULL << 2,	1ULL << 10,
					1ULL << 20, 1ULL << 23, 0xffffffffffffffffULL,
					0xf0b7ff,   0x00b7ff,	1ULL << 63 };

static void fill_random(uint64_t *s, void *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)buf)[i] = rnd(s);
}

/* One random ioctl on fd. */
static void do_ioctl(uint64_t *s, int fd)
{
	static const unsigned long cmds[] = {
		DUVISOR_GET_API_VERSION,
		DUVISOR_CREATE_VM,
		DUVISOR_SET_DELEG,
		DUVISOR_REGISTER,
		DUVISOR_UNREGISTER,
		DUVISOR_FLUSH,
		DUVISOR_THREAD_STATS,
		DUVISOR_DRIVER_STATS,
		/* right number, wrong size or direction */
		_IOR(DUVISOR_IOC, 0x01, struct duvisor_create),
		_IOWR(DUVISOR_IOC, 0x01, __u32),
		_IOW(DUVISOR_IOC, 0x03, __u64),
		_IO(DUVISOR_IOC, 0x02),
		/* near and far */
		_IO(DUVISOR_IOC, 0x08),
		_IO(DUVISOR_IOC, 0xff),
		_IO(0, 0),
		0xffffffff,
		TCGETS,
	};
	union {
		struct duvisor_create c;
		struct duvisor_register r;
		uint64_t deleg;
		unsigned char raw[256];
	} u;
	unsigned long cmd = rnd(s) % 8 == 0 ? (unsigned long)rnd(s) : PICK(s, cmds);
	uint64_t how = rnd(s) % 8;
	void *arg = &u;

	fill_random(s, &u, sizeof(u));
	if (cmd == DUVISOR_CREATE_VM) {
		memset(&u.c, 0, sizeof(u.c));
		u.c.mem_size = rnd(s) % 2 ? PICK(s, mem_edges)
					  : DUVISOR_MEM_ALIGN * (1 + rnd(s) % (mem_max_mib / 2));
		if (u.c.mem_size > (mem_max_mib << 20) && u.c.mem_size <= DUVISOR_MEM_MAX &&
		    rnd(s) % 4)
			u.c.mem_size = DUVISOR_MEM_ALIGN; /* keep CMA for the others mostly */
		u.c.pool_size = rnd(s) % 2 ? PICK(s, pool_edges) : DUVISOR_POOL_MIN;
		u.c.nr_vcpus = rnd(s) % 2 ? PICK(s, vcpu_edges) : 1 + rnd(s) % 4;
		u.c.flags = rnd(s) % 4 ? rnd(s) % 2 : (uint32_t)rnd(s);
		if (rnd(s) % 8 == 0)
			fill_random(s, u.c.reserved, sizeof(u.c.reserved));
	} else if (cmd == DUVISOR_SET_DELEG) {
		u.deleg = PICK(s, deleg_edges);
	} else if (cmd == DUVISOR_REGISTER) {
		u.r.kind = rnd(s) % 4 ? rnd(s) % 2 : (uint32_t)rnd(s);
		u.r.id = rnd(s) % 2 ? PICK(s, vcpu_edges) : rnd(s) % 4;
	}
	if (how == 0)
		arg = (void *)(uintptr_t)bad_ptr(s);
	else if (how == 1)
		arg = (void *)(uintptr_t)rnd(s);
	INC(st_ioctl);
	if (ioctl(fd, cmd, arg) >= 0) {
		INC(st_ioctl_ok);
		if (cmd == DUVISOR_CREATE_VM)
			INC(st_create_ok);
		if (cmd == DUVISOR_REGISTER)
			INC(st_reg_ok);
	}
}

/* Mappings left in place (a mapping keeps its file, and so its VM, alive). */
static __thread struct {
	void *p;
	size_t len;
} kept[16];
static __thread unsigned nkept;

static bool keep(void *p, size_t len)
{
	if (nkept == 16)
		return false;
	kept[nkept].p = p;
	kept[nkept++].len = len;
	return true;
}

/* A well-formed VM (so that the calls after it reach the VM's paths). */
static void do_create(uint64_t *s, int fd)
{
	struct duvisor_create c = {
		.mem_size = DUVISOR_MEM_ALIGN * (1 + rnd(s) % 4),
		.pool_size = DUVISOR_POOL_MIN << (rnd(s) % 2),
		.nr_vcpus = 1 + rnd(s) % 4,
		.flags = rnd(s) % 2,
	};

	INC(st_ioctl);
	if (ioctl(fd, DUVISOR_CREATE_VM, &c) == 0) {
		INC(st_ioctl_ok);
		INC(st_create_ok);
	}
}

/* One random mmap of fd; touch the mapping's first and last byte. */
static void do_mmap(uint64_t *s, int fd)
{
	static const uint64_t offs[] = { 0,
					 4096,
					 DUVISOR_MEM_ALIGN,
					 16ULL << 20,
					 1ULL << 30,
					 DUVISOR_MEM_MAX,
					 1ULL << 40,
					 0xfffffffffffff000ULL };
	static const uint64_t lens[] = {
		0, 1, 4096, 8192, DUVISOR_POOL_MIN, DUVISOR_MEM_ALIGN, 32ULL << 20, 1ULL << 40
	};
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE,
				     PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC };
	uint64_t off = PICK(s, offs), len = PICK(s, lens);
	int prot = prots[rnd(s) % 5], flags = rnd(s) % 4 ? MAP_SHARED : MAP_PRIVATE;
	void *p;

	/* Often near RAM (offset 0) or the pool (after RAM, 2 MiB aligned). */
	if (rnd(s) % 2)
		off = (rnd(s) % 4 ? 0 : (rnd(s) % (mem_max_mib / 2 + 1)) * DUVISOR_MEM_ALIGN) +
		      (rnd(s) % 4) * 4096;
	INC(st_mmap);
	p = mmap(NULL, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		return;
	INC(st_mmap_ok);
	if (prot & PROT_WRITE) {
		((volatile unsigned char *)p)[0] ^= 0;
		((volatile unsigned char *)p)[len - 1] ^= 0;
	} else if (prot & PROT_READ) {
		(void)((volatile unsigned char *)p)[len - 1];
	}
	if (rnd(s) % 8 || !keep(p, len))
		munmap(p, len);
	/* else left mapped after its file is closed, until the thread ends */
}

struct dying_arg {
	int fd;
	uint64_t s;
};

/* A thread that registers with a VM and dies registered. */
static void *dying_thread(void *p)
{
	struct dying_arg *a = p;
	struct duvisor_register r = { .kind = rnd(&a->s) % 2, .id = rnd(&a->s) % 4 };

	if (ioctl(a->fd, DUVISOR_REGISTER, &r) == 0)
		INC(st_reg_ok);
	return NULL;
}

static void run_ops(uint64_t *s, int fds[MAX_FDS], unsigned long n, int depth);

/* A child that uses the inherited files and then dies in one of several ways. */
static void do_fork(uint64_t *s, int fds[MAX_FDS], int depth)
{
	uint64_t cs = rnd(s);
	pid_t pid;
	int st;

	INC(st_fork);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		run_ops(&cs, fds, 20, depth + 1);
		switch (cs % 3) {
		case 0:
			_exit(0);
		case 1:
			raise(SIGKILL);
			break;
		default:
			abort();
		}
		_exit(0);
	}
	if (rnd(s) % 4 == 0)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static void run_ops(uint64_t *s, int fds[MAX_FDS], unsigned long n, int depth)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned k = rnd(s) % MAX_FDS, what = rnd(s) % 100;

		if (fds[k] < 0 || what < 5) {
			if (fds[k] >= 0)
				close(fds[k]);
			fds[k] = open(DUVISOR_DEV, rnd(s) % 8 ? O_RDWR : O_RDONLY);
			INC(st_open);
			continue;
		}
		if (what < 15) {
			do_create(s, fds[k]);
		} else if (what < 70) {
			do_ioctl(s, fds[k]);
		} else if (what < 88) {
			do_mmap(s, fds[k]);
		} else if (what < 94) {
			struct dying_arg a = { fds[k], rnd(s) };
			pthread_t t;

			INC(st_dying);
			if (!pthread_create(&t, NULL, dying_thread, &a))
				pthread_join(t, NULL);
		} else if (what < 97 && depth < 2) {
			do_fork(s, fds, depth);
		} else {
			close(fds[k]);
			fds[k] = -1;
		}
	}
}

static void *worker(void *p)
{
	uint64_t s = seed * 1000003ULL + (uintptr_t)p;
	int fds[MAX_FDS];

	for (unsigned i = 0; i < MAX_FDS; i++)
		fds[i] = -1;
	run_ops(&s, fds, nops, 0);
	for (unsigned i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	while (nkept) {
		nkept--;
		munmap(kept[nkept].p, kept[nkept].len);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct duvisor_driver_stats before, after;
	pthread_t t[64];
	long cma0, cma1;
	struct timespec t0, t1;
	double secs;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		unsigned long long v = strtoull(argv[i + 1], NULL, 0);

		if (!strcmp(argv[i], "--seed"))
			seed = v;
		else if (!strcmp(argv[i], "--ops"))
			nops = v;
		else if (!strcmp(argv[i], "--threads"))
			nthreads = v < 1 ? 1 : v > 64 ? 64 : v;
		else if (!strcmp(argv[i], "--idle"))
			idle_only = v;
		else if (!strcmp(argv[i], "--mem-max"))
			mem_max_mib = v < 2 ? 2 : v;
		else
			break;
	}
	if (i < argc) {
		fprintf(stderr, "usage: dvfuzz [--seed N] [--ops N] [--threads N] [--mem-max MIB] "
				"[--idle 1]\n");
		return 2;
	}
	if (driver_stats(&before)) {
		printf("DVT-FAIL: %s: %s\n", DUVISOR_DEV, strerror(errno));
		return 1;
	}
	if (idle_only) {
		for (i = 0;
		     i < 100 && (before.vms_live || before.threads_live || before.bytes_live);
		     i++) {
			usleep(100000);
			driver_stats(&before);
		}
		check(before.vms_live == 0 && before.threads_live == 0 && before.bytes_live == 0,
		      "the driver holds nothing (vms %llu, threads %llu, bytes %llu)",
		      (unsigned long long)before.vms_live, (unsigned long long)before.threads_live,
		      (unsigned long long)before.bytes_live);
		return failures;
	}
	cma0 = cma_used_kb();
	check(before.vms_live == 0 && before.threads_live == 0 && before.bytes_live == 0,
	      "dvfuzz seed %llu: the driver is idle before (vms %llu, threads %llu, bytes %llu)",
	      seed, (unsigned long long)before.vms_live, (unsigned long long)before.threads_live,
	      (unsigned long long)before.bytes_live);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long k = 0; k < nthreads; k++)
		pthread_create(&t[k], NULL, worker, (void *)(uintptr_t)k);
	for (unsigned long k = 0; k < nthreads; k++)
		pthread_join(t[k], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Threads that died registered are reaped after their last switch:
	 * wait (at most 10 s) for the driver to let go of everything. */
	for (i = 0; i < 100; i++) {
		if (driver_stats(&after) == 0 && after.vms_live == 0 && after.threads_live == 0 &&
		    after.bytes_live == 0)
			break;
		usleep(100000);
	}
	cma1 = cma_used_kb();
	for (i = 0; i < 50 && cma1 != cma0; i++) {
		usleep(100000);
		cma1 = cma_used_kb();
	}
	printf("DVT: seed=%llu threads=%lu ops=%lu opens=%lu ioctls=%lu ioctl_ok=%lu vms=%lu "
	       "mmaps=%lu mmap_ok=%lu registered=%lu forks=%lu dying_threads=%lu secs=%.1f\n",
	       seed, nthreads, nops * nthreads, st_open, st_ioctl, st_ioctl_ok, st_create_ok,
	       st_mmap, st_mmap_ok, st_reg_ok, st_fork, st_dying, secs);
	check(st_create_ok > 0 && st_mmap_ok > 0 && st_reg_ok > 0,
	      "dvfuzz seed %llu: the run reached the driver's working paths (%lu VMs created, %lu "
	      "mmaps, %lu registrations)",
	      seed, st_create_ok, st_mmap_ok, st_reg_ok);
	check(after.vms_live == 0 && after.threads_live == 0 && after.bytes_live == 0,
	      "dvfuzz seed %llu: afterwards the driver holds nothing (vms %llu, threads %llu, "
	      "bytes %llu; %llu VMs created in all)",
	      seed, (unsigned long long)after.vms_live, (unsigned long long)after.threads_live,
	      (unsigned long long)after.bytes_live,
	      (unsigned long long)(after.vms_created - before.vms_created));
	check(cma0 >= 0 && cma1 == cma0,
	      "dvfuzz seed %llu: CMA back to its start (%ld kB allocated from CMA before, %ld kB "
	      "after)",
	      seed, cma0, cma1);
	return failures;
}
