// SPDX-License-Identifier: MIT
/*
 * KVM-OPT user-level posting (baseline-kvm/kvm-opt/0002-*.patch), run in the
 * modelled host by tests/kvmopt/host-plan.sh: the VM ioctl
 * KVM_RISCV_DVEXT_POST_ONLY registers the calling thread as a post-only
 * DV-Ext thread; it may then write hu_vitr from user mode, and nothing else:
 * HURET, HLV and KVM_RUN stay out of reach. Every case that must kill its
 * thread runs in a child process with a VM of its own (a KVM VM is bound to
 * the process that made it). One "KVMTEST: ok|FAIL - upost: what" line per
 * check; exit status 0 when all passed.
 *
 *   upost            the checks
 *   upost post N     register, post VSEI to vCPU N from user mode (the
 *                    hostile cases: a post past the table)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef KVM_RISCV_DVEXT_POST_ONLY
#define KVM_RISCV_DVEXT_POST_ONLY _IO(KVMIO, 0xdd)
#endif
#define RUN_AWAKE 2 /* KVM_RISCV_DVEXT_RUN_AWAKE */

static int fails;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("KVMTEST: %s - upost: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		fails++;
}

struct vm {
	int kvm, vm, vcpu[2];
	struct kvm_run *run[2];
};

static int make_vm(struct vm *v, int nvcpus)
{
	long sz;

	memset(v, -1, sizeof(*v));
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0)
		return -1;
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	sz = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (v->vm < 0 || sz <= 0)
		return -1;
	for (int i = 0; i < nvcpus; i++) {
		v->vcpu[i] = ioctl(v->vm, KVM_CREATE_VCPU, i);
		if (v->vcpu[i] < 0)
			return -1;
		v->run[i] = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu[i], 0);
		if (v->run[i] == MAP_FAILED)
			return -1;
	}
	return 0;
}

static int reg(struct vm *v, unsigned long on)
{
	return ioctl(v->vm, KVM_RISCV_DVEXT_POST_ONLY, on) ? -errno : 0;
}

static void post(unsigned long vcpu)
{
	__asm__ volatile("csrw 0x809, %0\n\tfence rw, rw" ::"r"((10UL << 32) | vcpu) : "memory");
}

/* What a child did: "exit N" or "signal NAME". */
static const char *how(int st, char *buf, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(buf, n, "signal %s", strsignal(WTERMSIG(st)));
	else
		snprintf(buf, n, "exit %d", WEXITSTATUS(st));
	return buf;
}

enum child_case { C_UNREG_POST, C_HURET, C_HLV, C_AFTER_UNREG, C_BAD_ID, C_REG_POST };

/* In a fresh process with its own VM: 0 = setup failed (exit 3), else the
 * case's instruction; returning from it is exit 0. */
static int child(enum child_case c)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		struct vm v;

		if (make_vm(&v, 1))
			_exit(3);
		if (c != C_UNREG_POST && reg(&v, 1))
			_exit(4);
		switch (c) {
		case C_UNREG_POST:
			post(0);
			break;
		case C_HURET:
			__asm__ volatile(".word 0x00200073" ::: "memory");
			break;
		case C_HLV: {
			unsigned long x, a = (unsigned long)&v;

			__asm__ volatile(".insn r 0x73, 0x4, 0x36, %0, %1, x0" : "=r"(x) : "r"(a));
			break;
		}
		case C_AFTER_UNREG:
			if (reg(&v, 0))
				_exit(5);
			post(0);
			break;
		case C_BAD_ID:
			post(4096);
			break;
		case C_REG_POST:
			post(0);
			break;
		}
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void *thread_reg(void *arg)
{
	struct vm *v = arg;

	return (void *)(long)(reg(v, 1) ? 1 : 0); /* exits registered */
}

int main(int argc, char **argv)
{
	struct vm v;
	char b[64];
	int r, st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "post")) {
		if (make_vm(&v, 1) || reg(&v, 1))
			return 3;
		post(strtoul(argv[2], NULL, 0));
		return 0;
	}
	if (make_vm(&v, 2)) {
		check(0, "a VM with 2 vCPUs: %s", strerror(errno));
		return 1;
	}

	r = reg(&v, 1);
	check(r == 0, "KVM_RISCV_DVEXT_POST_ONLY registers the thread (%s)", strerror(-r));
	r = reg(&v, 1);
	check(r == -EBUSY, "registering twice: EBUSY (%s)", strerror(-r));
	post(1);
	check(1, "a registered thread writes hu_vitr from user mode (VSEI to vCPU 1): no trap");
	check(((volatile uint8_t *)v.run[1])[RUN_AWAKE] == 1,
	      "a vCPU that is not blocked reads 'awake' (1) in its kvm_run (byte %d)", RUN_AWAKE);
	r = ioctl(v.vcpu[0], KVM_RUN, 0) ? errno : 0;
	check(r == EBUSY, "KVM_RUN from a post-only thread: EBUSY (%s)", strerror(r));
	r = reg(&v, 0);
	check(r == 0, "unregister (%s)", strerror(-r));
	r = reg(&v, 0);
	check(r == -ENOENT, "unregistering again: ENOENT (%s)", strerror(-r));
	r = reg(&v, 2);
	check(r == -EINVAL, "argument 2: EINVAL (%s)", strerror(-r));

	/* a thread that dies registered: reaped, the VM goes when closed */
	for (int i = 0; i < 20; i++) {
		pthread_t th;
		void *ret = (void *)1;

		if (pthread_create(&th, NULL, thread_reg, &v) || pthread_join(th, &ret) || ret) {
			check(0, "thread %d registered and exited", i);
			break;
		}
		if (i == 19)
			check(1,
			      "20 threads registered and exited registered (reaped by the kernel)");
	}

	st = child(C_UNREG_POST);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
	      "hu_vitr from a thread that is not registered: SIGILL (%s)", how(st, b, sizeof(b)));
	st = child(C_REG_POST);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "hu_vitr in a fresh process after registering: no trap (%s)", how(st, b, sizeof(b)));
	st = child(C_HURET);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
	      "HURET from a post-only thread: SIGILL, no V entry (%s)", how(st, b, sizeof(b)));
	st = child(C_HLV);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
	      "HLV.D from a post-only thread: SIGILL (%s)", how(st, b, sizeof(b)));
	st = child(C_BAD_ID);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
	      "hu_vitr to vCPU 4096 (past the table): SIGILL (%s)", how(st, b, sizeof(b)));
	st = child(C_AFTER_UNREG);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "hu_vitr after unregistering: SIGILL (%s)",
	      how(st, b, sizeof(b)));

	/* the switches still load it: many rounds of yielding while registered */
	r = reg(&v, 1);
	for (int i = 0; i < 2000 && !r; i++) {
		post(i & 1);
		sched_yield();
	}
	check(r == 0, "2000 posts across sched_yield() switches: no trap");
	return fails ? 1 : 0;
}
