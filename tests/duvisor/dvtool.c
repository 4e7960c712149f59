// SPDX-License-Identifier: MIT
/*
 * dvtool: the DV-driver's test companion, run inside the modelled host by
 * tests/suites/duvisor. It uses the driver and the hardware the way DuVisor
 * does, and the way a compromised DuVisor would. Every check prints
 *   DVT-OK: what     or     DVT-FAIL: what (why)
 * and the exit status is the number of failures.
 *
 *   dvtool stats                 driver counters (live VMs, threads, bytes)
 *   dvtool expect-idle           no VM, thread or byte held by the driver
 *   dvtool errors                the ioctl ABI's error returns
 *   dvtool hostile               each hostile act in a child: only it dies
 *   dvtool tkill PID SIG N USEC  N thread-directed signals to every thread
 *   dvtool twovm [CPU [LOOPS]]   two VMs on one hart (the PMC cache must
 *                                reprogram), a hostile third one stopped
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "dvext/dvext.h"
#include "stage2.h"
#include "uapi/duvisor.h"

static int failures;

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

static int dev_open(void)
{
	int fd = open(DUVISOR_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("DVT-FAIL: open %s: %s\n", DUVISOR_DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static int driver_stats(struct duvisor_driver_stats *st)
{
	int fd = dev_open(), r = ioctl(fd, DUVISOR_DRIVER_STATS, st);

	close(fd);
	return r;
}

/* ---- a VM driven by hand ---- */

struct tvm {
	int fd;
	struct duvisor_create c;
	unsigned char *ram, *pool;
	u64 pool_next;
	struct s2_pt s2;
};

static u64 *t_alloc(void *opaque, hpa_t *hpa)
{
	struct tvm *t = opaque;

	if (t->pool_next + 4096 > t->c.pool_size)
		return NULL;
	*hpa = t->c.pool_hpa + t->pool_next;
	memset(t->pool + t->pool_next, 0, 4096);
	t->pool_next += 4096;
	return (u64 *)(t->pool + t->pool_next - 4096);
}

static u64 *t_hva(void *opaque, hpa_t hpa)
{
	struct tvm *t = opaque;

	if (hpa < t->c.pool_hpa || hpa - t->c.pool_hpa >= t->c.pool_size)
		return NULL;
	return (u64 *)(t->pool + (hpa - t->c.pool_hpa));
}

static int tvm_create(struct tvm *t, u64 mem, unsigned vcpus)
{
	memset(t, 0, sizeof(*t));
	t->fd = dev_open();
	t->c.mem_size = mem;
	t->c.pool_size = 64 << 10;
	t->c.nr_vcpus = vcpus;
	if (ioctl(t->fd, DUVISOR_CREATE_VM, &t->c))
		return -errno;
	t->ram = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, t->c.mem_offset);
	t->pool = mmap(NULL, t->c.pool_size, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd,
		       t->c.pool_offset);
	if (t->ram == MAP_FAILED || t->pool == MAP_FAILED)
		return -errno;
	t->s2.root = (u64 *)t->pool;
	t->s2.root_hpa = t->c.pool_hpa;
	t->s2.a = (struct s2_alloc){ t_alloc, t_hva, t };
	t->pool_next = S2_ROOT_SIZE;
	return 0;
}

static int reg(int fd, unsigned kind, unsigned id)
{
	struct duvisor_register r = { .kind = kind, .id = id };

	return ioctl(fd, DUVISOR_REGISTER, &r) ? -errno : 0;
}

/* Guest code, copied to GPA 0x80000000: load (or store to) 0x40000000, put
 * what it read at 0x80001000, then ecall. */
extern const unsigned char guest_read[], guest_read_end[], guest_write[], guest_write_end[];
__asm__(".pushsection .rodata\n"
	".globl guest_read, guest_read_end, guest_write, guest_write_end\n"
	".option push\n.option norvc\n"
	"guest_read:\n"
	"	lui a1, 0x40000\n"
	"	ld a0, 0(a1)\n"
	"	li a2, 0x80001000\n"
	"	sd a0, 0(a2)\n"
	"	ecall\n"
	"guest_read_end:\n"
	"guest_write:\n"
	"	lui a1, 0x40000\n"
	"	li a0, 0x6861636b\n"
	"	sd a0, 0(a1)\n"
	"	ecall\n"
	"guest_write_end:\n"
	".option pop\n"
	".popsection\n");

/* Guest code for twovm: read GPA 0x40000000 (its own RAM) as many times as
 * the word at 0x80001008 says, each read equal to the first; then read GPA
 * 0x40001000 once, put it at 0x80001000 and ecall (0 there: a read differed). */
extern const unsigned char guest_loop[], guest_loop_end[];
__asm__(".pushsection .rodata\n"
	".globl guest_loop, guest_loop_end\n"
	".option push\n.option norvc\n"
	"guest_loop:\n"
	"	li a2, 0x80001000\n"
	"	ld a4, 8(a2)\n"
	"	lui a1, 0x40000\n"
	"	ld a3, 0(a1)\n"
	"1:	ld a0, 0(a1)\n"
	"	bne a0, a3, 2f\n"
	"	addi a4, a4, -1\n"
	"	bnez a4, 1b\n"
	"	lui a5, 0x40001\n"
	"	ld a0, 0(a5)\n"
	"	sd a0, 0(a2)\n"
	"	ecall\n"
	"2:	sd zero, 0(a2)\n"
	"	ecall\n"
	"guest_loop_end:\n"
	".option pop\n"
	".popsection\n");

static unsigned char *exit_ram;
static int exit_fd = -1; /* the VM: dvt_exit_c prints the thread's driver counters */
/* Interrupt exits seen (and resumed) by the stub before the guest's outcome. */
volatile unsigned long dvt_irq_exits;

/* The guest's outcome: its ecall (exit 42) or anything else (43). The guest's
 * registers are live; sp comes back from hu_scratch. */
void dvt_exit_c(void);
void dvt_exit_c(void)
{
	unsigned long cause, einfo, vpc;

	__asm__ volatile("csrr %0, 0x800" : "=r"(cause));
	__asm__ volatile("csrr %0, 0x801" : "=r"(einfo));
	__asm__ volatile("csrr %0, 0x804" : "=r"(vpc));
	printf("DVT: guest exit cause %#lx einfo %#lx vpc %#lx after %lu interrupt exits, read "
	       "%#llx\n",
	       cause, einfo, vpc, dvt_irq_exits, (unsigned long long)*(u64 *)(exit_ram + 0x1000));
	if (exit_fd >= 0) {
		struct duvisor_thread_stats st;

		if (!ioctl(exit_fd, DUVISOR_THREAD_STATS, &st))
			printf("DVT-STATS: sched_in=%llu pmc_set=%llu pmc_skip=%llu pmc_clear=%llu "
			       "irq_exits=%lu read=%#llx\n",
			       (unsigned long long)st.sched_in, (unsigned long long)st.pmc_set,
			       (unsigned long long)st.pmc_skip, (unsigned long long)st.pmc_clear,
			       dvt_irq_exits, (unsigned long long)*(u64 *)(exit_ram + 0x1000));
	}
	fflush(stdout);
	_exit(cause == DVEXT_CAUSE_VS_ECALL ? 42 : 43);
}

/*
 * Exit stub at hu_ehb. A physical interrupt taken while the guest runs comes
 * back here as an exit with bit 63 of hu_er set (the two-step trap, after
 * the kernel handled it): that is not the guest's outcome, so the stub counts
 * it and resumes the guest with HURET, its registers untouched (t0 is kept on
 * the exit stack, sp swapped through hu_scratch). Any other exit goes to C.
 */
extern const char dvt_exit_stub[];
__asm__(".text\n.balign 4\n.globl dvt_exit_stub\n"
	"dvt_exit_stub:\n"
	"	csrrw sp, 0x807, sp\n" /* sp = exit stack, hu_scratch = guest sp */
	"	sd t0, -8(sp)\n"
	"	csrr t0, 0x800\n"
	"	bgez t0, 1f\n"
	"	sd t1, -16(sp)\n"
	"	lla t0, dvt_irq_exits\n"
	"	ld t1, 0(t0)\n"
	"	addi t1, t1, 1\n"
	"	sd t1, 0(t0)\n"
	"	ld t1, -16(sp)\n"
	"	ld t0, -8(sp)\n"
	"	csrrw sp, 0x807, sp\n" /* guest sp back, hu_scratch = exit stack */
	"	.word 0x00200073\n"    /* HURET to hu_vpc */
	"1:	ld t0, -8(sp)\n"
	"	call dvt_exit_c\n");

/* Child: run the guest code on a VM whose GPA 0x40000000 maps `target`. */
static void run_guest(struct tvm *t, hpa_t target, bool write)
{
	const unsigned char *code = write ? guest_write : guest_read;
	size_t len = write ? guest_write_end - guest_write : guest_read_end - guest_read;
	u64 deleg = DVEXT_H_DELEG_MASK;
	unsigned long sp;

	memcpy(t->ram, code, len);
	exit_ram = t->ram;
	if (s2_map(&t->s2, 0x80000000, t->c.mem_hpa, 0x1000, S2_PTE_RWX) ||
	    s2_map(&t->s2, 0x80001000, t->c.mem_hpa + 0x1000, 0x1000, S2_PTE_RWX) ||
	    s2_map(&t->s2, 0x40000000, target & ~0xfffULL, 0x1000, S2_PTE_RWX))
		_exit(50);
	if (ioctl(t->fd, DUVISOR_SET_DELEG, &deleg) || reg(t->fd, DUVISOR_THREAD_VCPU, 0))
		_exit(51);
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	__asm__ volatile("csrw 0x807, %0" : : "r"(sp - 256));
	__asm__ volatile("csrw 0x806, %0" : : "r"(dvt_exit_stub));
	__asm__ volatile("csrw 0x804, %0" : : "r"(0x80000000UL));
	__asm__ volatile("csrw 0x805, %0" : : "r"(DVEXT_HU_VSTATUS_SPVP));
	__asm__ volatile("csrw 0x848, zero");		   /* vsatp: bare */
	__asm__ volatile(".word 0x00200073" ::: "memory"); /* HURET */
	_exit(52);
}

/* Fork; the child runs fn. Returns the wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static const char *describe(int st)
{
	static char buf[64];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

struct s2_case {
	hpa_t target; /* 0: a page of the child's own RAM */
	bool write;
};

/* The child makes its own VM: the driver's mappings are not inherited. */
static void s2_child(void *arg)
{
	struct s2_case *c = arg;
	struct tvm a;

	if (tvm_create(&a, 4 << 20, 1))
		_exit(53);
	memcpy(a.ram + 0x2000, "OWNPAGE!", 8);
	if (c->target == 1)
		c->target = a.c.pool_hpa;
	run_guest(&a, c->target ? c->target : a.c.mem_hpa + 0x2000, c->write);
}

static void hostile_s2(void)
{
	struct s2_case c;
	struct tvm b;
	int st;

	if (tvm_create(&b, 4 << 20, 1)) {
		check(0, "hostile: create the victim VM (%s)", strerror(errno));
		return;
	}
	memcpy(b.ram + 0x2000, "VICTIM!!", 8);
	c = (struct s2_case){ 0, false };
	st = in_child(s2_child, &c);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "control: guest reads its own RAM through a hand-made stage-2 entry (%s)",
	      describe(st));
	c = (struct s2_case){ b.c.mem_hpa + 0x2000, false };
	st = in_child(s2_child, &c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "hostile: stage-2 entry to another VM's RAM, guest reads it: %s", describe(st));
	c = (struct s2_case){ b.c.mem_hpa + 0x2000, true };
	st = in_child(s2_child, &c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !memcmp(b.ram + 0x2000, "VICTIM!!", 8),
	      "hostile: stage-2 entry to another VM's RAM, guest writes it: %s, victim intact",
	      describe(st));
	c = (struct s2_case){ 0x80200000, false }; /* the host kernel's text */
	st = in_child(s2_child, &c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "hostile: stage-2 entry to host kernel memory: %s", describe(st));
	c = (struct s2_case){ 1, true }; /* 1: the child's own stage-2 pool */
	st = in_child(s2_child, &c);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "hostile: guest writes its stage-2 pool (read-only to V): %s", describe(st));
	check(!memcmp(b.ram + 0x2000, "VICTIM!!", 8), "victim VM's memory unchanged");
	close(b.fd);
	munmap(b.ram, b.c.mem_size);
	munmap(b.pool, b.c.pool_size);
}

/* ---- hostile register and instruction use ---- */

enum act {
	ACT_HGATP,
	ACT_HSTATUS,
	ACT_PMP,
	ACT_PMPCFG,
	ACT_H_ENABLE,
	ACT_H_VCPUTAB,
	ACT_VCPUID,
	ACT_POST_RANGE,
	ACT_HURET_UNREG,
	ACT_VITR_UNREG,
	ACT_HURET_AFTER_UNREG,
	ACT_HURET_POST,
	ACT_HLV_POST,
	ACT_POST_ONLY_OK, /* control */
	ACT_POST_OK,	  /* control */
};

static const char *const act_name[] = {
	[ACT_HGATP] = "read hgatp",
	[ACT_HSTATUS] = "write hstatus",
	[ACT_PMP] = "write pmpaddr0",
	[ACT_PMPCFG] = "read pmpcfg0",
	[ACT_H_ENABLE] = "write h_enable",
	[ACT_H_VCPUTAB] = "write h_vcputab (point posts at another table)",
	[ACT_VCPUID] = "write hu_vcpuid",
	[ACT_POST_RANGE] = "post to vCPU 2 of a 2-vCPU VM",
	[ACT_HURET_UNREG] = "HURET without registering",
	[ACT_VITR_UNREG] = "write hu_vitr without registering",
	[ACT_HURET_AFTER_UNREG] = "HURET after unregistering",
	[ACT_HURET_POST] = "HURET from a post-only thread",
	[ACT_HLV_POST] = "HLV.D (a load on behalf of V) from a post-only thread",
	[ACT_POST_ONLY_OK] = "post-only thread posts to vCPU 1 of a 2-vCPU VM (control)",
	[ACT_POST_OK] = "post to vCPU 1 of a 2-vCPU VM (control)",
};

static void act_child(void *arg)
{
	enum act a = (enum act)(long)arg;
	struct tvm t;

	if (tvm_create(&t, 2 << 20, 2))
		_exit(60);
	if (a != ACT_HURET_UNREG && a != ACT_VITR_UNREG &&
	    reg(t.fd,
		a == ACT_POST_RANGE || a == ACT_POST_OK ? DUVISOR_THREAD_IO
		: a == ACT_HURET_POST || a == ACT_HLV_POST || a == ACT_POST_ONLY_OK
			? DUVISOR_THREAD_POST
			: DUVISOR_THREAD_VCPU,
		0))
		_exit(61);
	switch (a) {
	case ACT_HGATP: {
		unsigned long v;

		__asm__ volatile("csrr %0, hgatp" : "=r"(v));
		break;
	}
	case ACT_HSTATUS:
		__asm__ volatile("csrw hstatus, zero");
		break;
	case ACT_PMP:
		__asm__ volatile("csrw pmpaddr0, zero");
		break;
	case ACT_PMPCFG: {
		unsigned long v;

		__asm__ volatile("csrr %0, pmpcfg0" : "=r"(v));
		break;
	}
	case ACT_H_ENABLE:
		__asm__ volatile("csrw 0x6c0, zero");
		break;
	case ACT_H_VCPUTAB:
		__asm__ volatile("csrw 0x6c3, zero");
		break;
	case ACT_VCPUID:
		__asm__ volatile("csrw 0x808, zero");
		break;
	case ACT_POST_RANGE:
		__asm__ volatile("csrw 0x809, %0" : : "r"(2UL | 10UL << 32));
		break;
	case ACT_POST_OK:
	case ACT_POST_ONLY_OK:
		__asm__ volatile("csrw 0x809, %0" : : "r"(1UL | 10UL << 32));
		break;
	case ACT_HURET_POST:
		__asm__ volatile(".word 0x00200073");
		break;
	case ACT_HLV_POST: {
		unsigned long v, addr = 0x80000000UL;

		/* hlv.d v, (addr) */
		__asm__ volatile(".insn r 0x73, 0x4, 0x36, %0, %1, x0" : "=r"(v) : "r"(addr));
		break;
	}
	case ACT_HURET_UNREG:
	case ACT_HURET_AFTER_UNREG:
		if (a == ACT_HURET_AFTER_UNREG && ioctl(t.fd, DUVISOR_UNREGISTER))
			_exit(62);
		__asm__ volatile(".word 0x00200073");
		break;
	case ACT_VITR_UNREG:
		__asm__ volatile("csrw 0x809, %0" : : "r"(0UL | 10UL << 32));
		break;
	}
	_exit(0);
}

static void hostile_acts(void)
{
	for (long a = 0; a <= ACT_POST_OK; a++) {
		int st = in_child(act_child, (void *)a);

		if (a == ACT_POST_OK || a == ACT_POST_ONLY_OK)
			check(WIFEXITED(st) && !WEXITSTATUS(st), "%s: %s", act_name[a],
			      describe(st));
		else
			check(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL,
			      "hostile: %s: stopped (%s)", act_name[a], describe(st));
	}
}

/* ---- the ABI's error returns ---- */

static void errors(void)
{
	struct duvisor_create c = { .mem_size = 2 << 20, .pool_size = 64 << 10, .nr_vcpus = 1 };
	struct duvisor_create bad;
	int fd = dev_open(), fd2 = dev_open();
	u64 deleg;
	void *p;

	check(ioctl(fd, DUVISOR_GET_API_VERSION) == DUVISOR_API_VERSION, "API version %d",
	      DUVISOR_API_VERSION);
	check(reg(fd, DUVISOR_THREAD_VCPU, 0) == -ENXIO, "register before CREATE_VM -> ENXIO");
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENXIO,
	      "mmap before CREATE_VM -> ENXIO");
	bad = c;
	bad.mem_size = 3 << 20;
	check(ioctl(fd, DUVISOR_CREATE_VM, &bad) && errno == EINVAL, "RAM not 2 MiB -> EINVAL");
	bad = c;
	bad.pool_size = 96 << 10;
	check(ioctl(fd, DUVISOR_CREATE_VM, &bad) && errno == EINVAL,
	      "pool not a power of 2 -> EINVAL");
	bad = c;
	bad.nr_vcpus = 0;
	check(ioctl(fd, DUVISOR_CREATE_VM, &bad) && errno == EINVAL, "0 vCPUs -> EINVAL");
	bad = c;
	bad.flags = 0x80;
	check(ioctl(fd, DUVISOR_CREATE_VM, &bad) && errno == EINVAL, "unknown flag -> EINVAL");
	bad = c;
	bad.mem_size = 2ULL << 30;
	check(ioctl(fd2, DUVISOR_CREATE_VM, &bad) && errno == ENOMEM,
	      "2 GiB of RAM beyond the CMA area -> ENOMEM");
	check(ioctl(fd, DUVISOR_CREATE_VM, (void *)8) && errno == EFAULT, "bad pointer -> EFAULT");
	check(!ioctl(fd, DUVISOR_CREATE_VM, &c), "CREATE_VM (vmid %u, RAM at %#llx, PMC %s)",
	      c.vmid, (unsigned long long)c.mem_hpa, c.pmc ? "active" : "off");
	check(c.pmc == DUVISOR_PMC_ACTIVE, "PMC ranges in force for the VM");
	check(ioctl(fd, DUVISOR_CREATE_VM, &c) && errno == EEXIST, "second CREATE_VM -> EEXIST");
	deleg = 1UL << 2;
	check(ioctl(fd, DUVISOR_SET_DELEG, &deleg) && errno == EINVAL,
	      "delegating illegal instruction -> EINVAL");
	deleg = DVEXT_H_DELEG_MASK;
	check(!ioctl(fd, DUVISOR_SET_DELEG, &deleg), "delegating the spec's causes");
	check(reg(fd, DUVISOR_THREAD_VCPU, 1) == -EINVAL, "vCPU id out of range -> EINVAL");
	check(reg(fd, 7, 0) == -EINVAL, "unknown thread kind -> EINVAL");
	check(ioctl(fd, DUVISOR_UNREGISTER) && errno == ENOENT,
	      "unregister unregistered -> ENOENT");
	check(reg(fd, DUVISOR_THREAD_VCPU, 0) == 0, "register vCPU 0");
	check(reg(fd, DUVISOR_THREAD_IO, 0) == -EBUSY, "register the same thread again -> EBUSY");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1ULL << 40);
	check(p == MAP_FAILED && errno == EINVAL, "mmap at a bad offset -> EINVAL");
	p = mmap(NULL, 4 << 20, PROT_READ, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == EINVAL, "mmap beyond RAM -> EINVAL");
	check(!ioctl(fd, DUVISOR_FLUSH), "FLUSH");
	check(!ioctl(fd, DUVISOR_UNREGISTER), "unregister");
	check(ioctl(fd, 0x1234) && errno == ENOTTY, "unknown ioctl -> ENOTTY");
	close(fd);
	close(fd2);
}

/* ---- two VMs on one hart (the PMC cache) ---- */

#define TWOVM_MAGIC_A 0x4141414141414141ULL
#define TWOVM_MAGIC_B 0x4242424242424242ULL
#define TWOVM_MAGIC_H 0x4848484848484848ULL

struct twovm {
	int cpu;
	unsigned long loops;
	u64 magic;
	hpa_t target; /* GPA 0x40001000 maps this (0: its own page) */
	int hpa_pipe; /* write the VM's RAM page here (-1: no) */
	int out;      /* stdout of the child goes here */
};

static void twovm_child(void *arg)
{
	struct twovm *w = arg;
	u64 deleg = DVEXT_H_DELEG_MASK;
	cpu_set_t set;
	struct tvm t;
	hpa_t own;
	unsigned long sp;

	dup2(w->out, 1);
	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) || tvm_create(&t, 4 << 20, 1))
		_exit(53);
	own = t.c.mem_hpa + 0x2000;
	memcpy(t.ram + 0x2000, &w->magic, 8);
	memcpy(t.ram, guest_loop, guest_loop_end - guest_loop);
	memcpy(t.ram + 0x1008, &w->loops, 8);
	if (w->hpa_pipe >= 0 && write(w->hpa_pipe, &own, sizeof(own)) != sizeof(own))
		_exit(54);
	exit_ram = t.ram;
	exit_fd = t.fd;
	if (s2_map(&t.s2, 0x80000000, t.c.mem_hpa, 0x1000, S2_PTE_RWX) ||
	    s2_map(&t.s2, 0x80001000, t.c.mem_hpa + 0x1000, 0x1000, S2_PTE_RWX) ||
	    s2_map(&t.s2, 0x40000000, own, 0x1000, S2_PTE_RWX) ||
	    s2_map(&t.s2, 0x40001000, w->target ? w->target : own, 0x1000, S2_PTE_RWX))
		_exit(50);
	if (ioctl(t.fd, DUVISOR_SET_DELEG, &deleg) || reg(t.fd, DUVISOR_THREAD_VCPU, 0))
		_exit(51);
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	__asm__ volatile("csrw 0x807, %0" : : "r"(sp - 256));
	__asm__ volatile("csrw 0x806, %0" : : "r"(dvt_exit_stub));
	__asm__ volatile("csrw 0x804, %0" : : "r"(0x80000000UL));
	__asm__ volatile("csrw 0x805, %0" : : "r"(DVEXT_HU_VSTATUS_SPVP));
	__asm__ volatile("csrw 0x848, zero");
	__asm__ volatile(".word 0x00200073" ::: "memory"); /* HURET */
	_exit(52);
}

static pid_t twovm_start(struct twovm *w)
{
	pid_t pid = fork();

	if (pid == 0) {
		twovm_child(w);
		_exit(0);
	}
	return pid;
}

/* The child's DVT-STATS line in file f: sched_in, pmc_set, irq exits; 0 when none. */
static int twovm_stats(const char *f, unsigned long long *in, unsigned long long *set,
		       unsigned long long *skip, unsigned long *irq, unsigned long long *read)
{
	char line[256];
	FILE *fp = fopen(f, "r");
	int ok = 0;

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		printf("DVT: %s", line);
		if (sscanf(line,
			   "DVT-STATS: sched_in=%llu pmc_set=%llu pmc_skip=%llu pmc_clear=%*u "
			   "irq_exits=%lu read=%llx",
			   in, set, skip, irq, read) == 5)
			ok = 1;
	}
	fclose(fp);
	return ok;
}

static void twovm(int cpu, unsigned long loops)
{
	const char *fa = "/tmp/dvt-twovm-a.log", *fb = "/tmp/dvt-twovm-b.log",
		   *fh = "/tmp/dvt-twovm-h.log";
	struct duvisor_driver_stats d0, d1;
	struct twovm a = { cpu, loops, TWOVM_MAGIC_A, 0, -1, -1 };
	struct twovm b = { cpu, loops, TWOVM_MAGIC_B, 0, -1, -1 };
	struct twovm h = { cpu, loops / 4, TWOVM_MAGIC_H, 0, -1, -1 };
	unsigned long long ain = 0, aset = 0, askip = 0, aread = 0, bin = 0, bset = 0, bskip = 0,
			   bread = 0;
	unsigned long airq = 0, birq = 0;
	int hp[2], sa, sb, sh;
	pid_t pa, pb, ph;
	hpa_t victim;

	if (pipe(hp) || driver_stats(&d0)) {
		check(0, "twovm: setup (%s)", strerror(errno));
		return;
	}
	a.out = open(fa, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	b.out = open(fb, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	h.out = open(fh, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	a.hpa_pipe = hp[1];
	pa = twovm_start(&a);
	if (pa < 0 || read(hp[0], &victim, sizeof(victim)) != sizeof(victim)) {
		check(0, "twovm: start VM A");
		return;
	}
	pb = twovm_start(&b);
	/* The hostile VM maps A's page at 0x40001000, read after its own loop. */
	h.target = victim;
	ph = twovm_start(&h);
	if (pb < 0 || ph < 0 || waitpid(pa, &sa, 0) != pa || waitpid(pb, &sb, 0) != pb ||
	    waitpid(ph, &sh, 0) != ph) {
		check(0, "twovm: run the three VMs");
		return;
	}
	driver_stats(&d1);
	twovm_stats(fh, &ain, &aset, &askip, &airq, &aread); /* echo only */
	ain = aset = askip = airq = aread = 0;
	check(WIFEXITED(sa) && WEXITSTATUS(sa) == 42 &&
		      twovm_stats(fa, &ain, &aset, &askip, &airq, &aread) && aread == TWOVM_MAGIC_A,
	      "twovm: VM A (hart %d) read only its own RAM %lu times, correct (%s, %lu "
	      "interrupt exits, %llu switch-ins, %llu PMC loads, %llu skipped)",
	      cpu, loops, describe(sa), airq, ain, aset, askip);
	check(WIFEXITED(sb) && WEXITSTATUS(sb) == 42 &&
		      twovm_stats(fb, &bin, &bset, &bskip, &birq, &bread) && bread == TWOVM_MAGIC_B,
	      "twovm: VM B on the same hart read only its own RAM %lu times, correct (%s, %lu "
	      "interrupt exits, %llu switch-ins, %llu PMC loads, %llu skipped)",
	      loops, describe(sb), birq, bin, bset, bskip);
	check(aset + bset >= 4 && airq + birq >= 4,
	      "twovm: the hart switched between the VMs and reloaded the ranges (%llu PMC loads "
	      "for A and B, driver-wide %llu loads, %llu skips, %llu clears)",
	      aset + bset, (unsigned long long)(d1.pmc_calls - d0.pmc_calls),
	      (unsigned long long)(d1.pmc_skips - d0.pmc_skips),
	      (unsigned long long)(d1.pmc_clears - d0.pmc_clears));
	check(WIFSIGNALED(sh) && WTERMSIG(sh) == SIGSEGV,
	      "hostile: a third VM on the same hart, its stage-2 entry pointing at VM A's RAM, "
	      "reads it after %lu reads of its own: %s",
	      h.loops, describe(sh));
}

/* ---- signals ---- */

static int tkill(int argc, char **argv)
{
	int pid, sig, n, usec;
	char path[64];

	if (argc < 6)
		return 2;
	pid = atoi(argv[2]);
	sig = atoi(argv[3]);
	n = atoi(argv[4]);
	usec = atoi(argv[5]);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	for (int i = 0; i < n; i++) {
		DIR *d = opendir(path);
		struct dirent *e;

		if (!d)
			break;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				syscall(SYS_tgkill, pid, atoi(e->d_name), sig);
		closedir(d);
		usleep(usec);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct duvisor_driver_stats st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: dvtool stats|expect-idle|errors|hostile|tkill|twovm\n");
		return 2;
	}
	if (!strcmp(argv[1], "tkill"))
		return tkill(argc, argv);
	if (!strcmp(argv[1], "twovm")) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		twovm(argc > 2 ? atoi(argv[2]) : (int)n - 1,
		      argc > 3 ? strtoul(argv[3], NULL, 0) : 20000000UL);
		return failures;
	}
	if (!strcmp(argv[1], "stats") || !strcmp(argv[1], "expect-idle")) {
		if (driver_stats(&st)) {
			check(0, "DRIVER_STATS: %s", strerror(errno));
			return 1;
		}
		printf("DVT: driver vms_live=%llu threads_live=%llu bytes_live=%llu "
		       "vms_created=%llu\n",
		       (unsigned long long)st.vms_live, (unsigned long long)st.threads_live,
		       (unsigned long long)st.bytes_live, (unsigned long long)st.vms_created);
		if (argv[1][0] == 'e')
			check(!st.vms_live && !st.threads_live && !st.bytes_live,
			      "driver holds no VM, thread or memory");
		return failures;
	}
	if (!strcmp(argv[1], "errors"))
		errors();
	else if (!strcmp(argv[1], "hostile")) {
		hostile_s2();
		hostile_acts();
	} else {
		fprintf(stderr, "dvtool: unknown command '%s'\n", argv[1]);
		return 2;
	}
	return failures;
}
