// SPDX-License-Identifier: MIT
/*
 * The cost of a DuVisor thread switch on one hart of the modelled host: two
 * threads registered with the DV-driver, pinned to the same hart, hand it to
 * each other through pipes (each round two switches, each a switch-out of
 * one DuVisor thread and a switch-in of the other). The DV-driver counts, per
 * thread, the hart cycles its switch-in and switch-out code took (cycle CSR
 * around dv_load/dv_put, firmware calls included) and the PMC firmware calls
 * it made (struct duvisor_thread_stats); this program reads them before and
 * after and prints means per switch, the median of repetitions:
 *   same-vm   both threads are vCPUs of one VM (the hart keeps its ranges)
 *   other-vm  each thread is the vCPU of its own VM, in its own process
 * each with the driver's PMC cache on and off (module parameter pmc_cache,
 * written here). Rows in the microbenchmarks' format, system "host":
 *   DVRESULT,host,dv-switch,<in|out|calls-in|calls-out>,<case> pmc=<on|off> cache=<on|off>,
 *            <profile>,<rounds>,<reps>,<value>,<cycles|calls>
 * Also "DVSWITCH: ..." lines with the raw counts, for the tests.
 * usage: dvswitch [ROUNDS [REPS [PROFILE [RAM_MIB [CPU]]]]]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/duvisor.h"

#define MAX_REPS     31
#define PARAM_CACHE  "/sys/module/duvisor/parameters/pmc_cache"
#define POOL_SIZE    (64ULL << 10)
#define WARMUP_ROUND 20

struct player {
	int fd;	       /* the VM (-1: create one in this process) */
	unsigned vcpu; /* vCPU id to register as */
	int rd, wr;    /* pipe ends: wait on rd, hand over on wr */
	bool first;    /* serves first */
	int cpu;       /* the hart */
	unsigned long rounds;
	int result;   /* write end for the result */
	uint64_t ram; /* bytes, when creating a VM */
};

struct result {
	int err; /* errno of a failure, 0 */
	unsigned pmc;
	struct duvisor_thread_stats d; /* after - before */
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static int create_vm(uint64_t ram, unsigned vcpus, unsigned *pmc)
{
	struct duvisor_create c = { .mem_size = ram, .pool_size = POOL_SIZE, .nr_vcpus = vcpus };
	int fd = open(DUVISOR_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, DUVISOR_CREATE_VM, &c)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*pmc = c.pmc;
	return fd;
}

static void diff(struct duvisor_thread_stats *d, const struct duvisor_thread_stats *a,
		 const struct duvisor_thread_stats *b)
{
	d->sched_in = b->sched_in - a->sched_in;
	d->sched_out = b->sched_out - a->sched_out;
	d->pmc_set = b->pmc_set - a->pmc_set;
	d->pmc_skip = b->pmc_skip - a->pmc_skip;
	d->pmc_clear = b->pmc_clear - a->pmc_clear;
	d->in_cycles = b->in_cycles - a->in_cycles;
	d->out_cycles = b->out_cycles - a->out_cycles;
}

static int ping_pong(struct player *p, unsigned long n)
{
	char c = 'x';

	for (unsigned long i = 0; i < n; i++) {
		if (p->first && write(p->wr, &c, 1) != 1)
			return -EIO;
		if (read(p->rd, &c, 1) != 1)
			return -EIO;
		if (!p->first && write(p->wr, &c, 1) != 1)
			return -EIO;
	}
	return 0;
}

static void *play(void *arg)
{
	struct player *p = arg;
	struct duvisor_register r = { .kind = DUVISOR_THREAD_VCPU, .id = p->vcpu };
	struct duvisor_thread_stats a, b;
	struct result res = { 0 };
	int fd = p->fd, err;

	if ((err = pin(p->cpu)))
		goto out;
	if (fd < 0 && (fd = create_vm(p->ram, 1, &res.pmc)) < 0) {
		err = fd;
		goto out;
	}
	if (ioctl(fd, DUVISOR_REGISTER, &r)) {
		err = -errno;
		goto out;
	}
	if ((err = ping_pong(p, WARMUP_ROUND)))
		goto out;
	if (ioctl(fd, DUVISOR_THREAD_STATS, &a)) {
		err = -errno;
		goto out;
	}
	if ((err = ping_pong(p, p->rounds)))
		goto out;
	if (ioctl(fd, DUVISOR_THREAD_STATS, &b)) {
		err = -errno;
		goto out;
	}
	diff(&res.d, &a, &b);
	ioctl(fd, DUVISOR_UNREGISTER);
out:
	res.err = -err;
	if (write(p->result, &res, sizeof(res)) != sizeof(res))
		perror("dvswitch: result");
	return NULL;
}

static int set_cache(int on)
{
	int fd = open(PARAM_CACHE, O_WRONLY);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}

/* One measurement: two players on one hart; the sum of their counts. */
static int measure(bool same_vm, uint64_t ram, int cpu, unsigned long rounds,
		   struct duvisor_thread_stats *sum, unsigned *pmc)
{
	int ab[2], ba[2], res[2];
	struct player pl[2];
	struct result r[2];
	pthread_t th[2];
	pid_t pid[2] = { -1, -1 };
	int vm = -1, err = 0;

	if (pipe(ab) || pipe(ba) || pipe(res))
		return -errno;
	if (same_vm && (vm = create_vm(ram, 2, pmc)) < 0) {
		err = vm;
		goto out;
	}
	for (int i = 0; i < 2; i++)
		pl[i] = (struct player){ .fd = vm,
					 .vcpu = same_vm ? i : 0,
					 .rd = i ? ab[0] : ba[0],
					 .wr = i ? ba[1] : ab[1],
					 .first = i == 0,
					 .cpu = cpu,
					 .rounds = rounds,
					 .result = res[1],
					 .ram = ram };
	for (int i = 0; i < 2; i++) {
		if (same_vm) {
			if (pthread_create(&th[i], NULL, play, &pl[i]))
				return -EAGAIN;
		} else if ((pid[i] = fork()) == 0) {
			play(&pl[i]);
			_exit(0);
		} else if (pid[i] < 0) {
			err = -errno;
		}
	}
	for (int i = 0; i < 2; i++)
		if (read(res[0], &r[i], sizeof(r[i])) != sizeof(r[i]))
			err = -EIO;
	for (int i = 0; i < 2; i++) {
		if (same_vm)
			pthread_join(th[i], NULL);
		else if (pid[i] > 0)
			waitpid(pid[i], NULL, 0);
	}
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < 2 && !err; i++) {
		if (r[i].err) {
			err = -r[i].err;
			break;
		}
		if (!same_vm)
			*pmc = r[i].pmc;
		sum->sched_in += r[i].d.sched_in;
		sum->sched_out += r[i].d.sched_out;
		sum->pmc_set += r[i].d.pmc_set;
		sum->pmc_skip += r[i].d.pmc_skip;
		sum->pmc_clear += r[i].d.pmc_clear;
		sum->in_cycles += r[i].d.in_cycles;
		sum->out_cycles += r[i].d.out_cycles;
	}
out:
	if (vm >= 0)
		close(vm);
	close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]), close(res[0]), close(res[1]);
	return err;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, unsigned n)
{
	qsort(v, n, sizeof(v[0]), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* value in hundredths */
static void row(const char *phase, const char *param, const char *profile, unsigned long rounds,
		unsigned reps, uint64_t v, const char *unit)
{
	printf("DVRESULT,host,dv-switch,%s,%s,%s,%lu,%u,%llu.%02llu,%s\n", phase, param, profile,
	       rounds, reps, (unsigned long long)(v / 100), (unsigned long long)(v % 100), unit);
}

static uint64_t per(uint64_t a, uint64_t n)
{
	return n ? a * 100 / n : 0;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	unsigned reps = argc > 2 ? strtoul(argv[2], NULL, 0) : 5;
	const char *profile = argc > 3 ? argv[3] : "";
	unsigned long ram_mib = argc > 4 ? strtoul(argv[4], NULL, 0) : 64;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu = argc > 5 ? atoi(argv[5]) : (int)ncpu - 1;
	int cache_was = -1;
	char buf[4];
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!rounds || !reps || reps > MAX_REPS || !ram_mib || ram_mib % 2 || cpu < 0 ||
	    cpu >= ncpu) {
		fprintf(stderr,
			"dvswitch: usage: dvswitch [ROUNDS>0 [REPS 1-%d [PROFILE [RAM_MIB (even) "
			"[CPU 0-%ld]]]]]\n",
			MAX_REPS, ncpu - 1);
		return 2;
	}
	f = fopen(PARAM_CACHE, "r");
	if (!f) {
		printf("DVBENCH-SKIP: dv-switch: no DV-driver with a pmc_cache parameter (%s)\n",
		       PARAM_CACHE);
		return 1;
	}
	if (fgets(buf, sizeof(buf), f))
		cache_was = buf[0] == 'Y' || buf[0] == '1';
	fclose(f);
	/* The main thread stays off the measured hart. */
	pin(cpu ? 0 : (ncpu > 1 ? 1 : 0));
	for (int cache = 1; cache >= 0; cache--) {
		if (set_cache(cache)) {
			printf("DVBENCH-SKIP: dv-switch: cannot write %s\n", PARAM_CACHE);
			return 1;
		}
		for (int same = 1; same >= 0; same--) {
			uint64_t vin[MAX_REPS], vout[MAX_REPS], cin[MAX_REPS], cout[MAX_REPS];
			struct duvisor_thread_stats s;
			unsigned pmc = 0;
			char param[64];

			for (unsigned r = 0; r < reps; r++) {
				int err = measure(same, ram_mib << 20, cpu, rounds, &s, &pmc);

				if (err) {
					printf("DVBENCH-SKIP: dv-switch: %s: %s\n",
					       same ? "same-vm" : "other-vm", strerror(-err));
					return 1;
				}
				printf("DVSWITCH: %s cache=%d rep=%u sched_in=%llu sched_out=%llu "
				       "pmc_set=%llu pmc_skip=%llu pmc_clear=%llu in_cycles=%llu "
				       "out_cycles=%llu\n",
				       same ? "same-vm" : "other-vm", cache, r,
				       (unsigned long long)s.sched_in,
				       (unsigned long long)s.sched_out,
				       (unsigned long long)s.pmc_set,
				       (unsigned long long)s.pmc_skip,
				       (unsigned long long)s.pmc_clear,
				       (unsigned long long)s.in_cycles,
				       (unsigned long long)s.out_cycles);
				vin[r] = per(s.in_cycles, s.sched_in);
				vout[r] = per(s.out_cycles, s.sched_out);
				cin[r] = per(s.pmc_set, s.sched_in);
				cout[r] = per(s.pmc_clear, s.sched_out);
			}
			snprintf(param, sizeof(param), "%s pmc=%s cache=%s",
				 same ? "same-vm" : "other-vm", pmc ? "on" : "off",
				 cache ? "on" : "off");
			row("in", param, profile, rounds, reps, median(vin, reps), "cycles");
			row("out", param, profile, rounds, reps, median(vout, reps), "cycles");
			row("calls-in", param, profile, rounds, reps, median(cin, reps), "calls");
			row("calls-out", param, profile, rounds, reps, median(cout, reps), "calls");
		}
	}
	if (cache_was >= 0)
		set_cache(cache_was);
	return 0;
}
