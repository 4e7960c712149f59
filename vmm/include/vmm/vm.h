/* SPDX-License-Identifier: MIT */
/*
 * The virtual machine as the shared core sees it, and the backend interface.
 *
 * A backend (KVM in baseline-kvm/, DuVisor in duvisor/vmm/) runs vCPUs and
 * reports each exit it cannot finish itself in vcpu->exit. The core turns
 * exits into calls on the MMIO bus and the SBI table; devices never learn which
 * backend runs the guest. Core code never includes a backend header.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>

#include "vmm/config.h"
#include "vmm/mem.h"
#include "vmm/memmap.h"
#include "vmm/mmio.h"
#include "vmm/types.h"

struct vm;
struct vcpu;
struct sbi_call;

/*
 * The return rule for every exit handler, SBI handler and device callback
 * that runs on a vCPU thread: VMM_RESUME to re-enter the guest, VMM_STOP when
 * the VM is stopping, a negative errno when the VMM itself cannot go on.
 * Anything the guest did wrong is answered in the guest's terms (an SBI error,
 * RAZ/WI, a device error status) plus a counter, and returns VMM_RESUME.
 */
#define VMM_RESUME 0
#define VMM_STOP   1
/* Only from vcpu_sbi_call(): the call restarted the hart (SBI HSM), whose
 * pc and registers the core set anew; the call must not be completed. */
#define VMM_RESTART 2

enum vmm_exit_reason {
	VMM_EXIT_NONE,	 /* the run returned without a guest event (kick, signal) */
	VMM_EXIT_MMIO,	 /* load or store to an address that is not RAM */
	VMM_EXIT_SBI,	 /* ecall the backend leaves to user space */
	VMM_EXIT_SYSTEM, /* the backend saw a shutdown or reset request */
	VMM_EXIT_FAIL,	 /* the backend could not run the guest */
	VMM_EXIT__NR,
};

enum vmm_system_event {
	VMM_SYSTEM_SHUTDOWN,
	VMM_SYSTEM_RESET,
	VMM_SYSTEM_WARM_RESET, /* SRST warm reboot: a Linux Image guest's panic */
};

struct vmm_exit {
	enum vmm_exit_reason reason;
	union {
		struct {
			gpa_t addr;
			u64 data; /* store data, or the core's answer to a load */
			u32 len;
			bool is_write;
		} mmio;
		struct {
			u64 ext, fid, args[6];
			s64 error; /* a0 on return */
			u64 value; /* a1 on return */
		} sbi;
		struct {
			enum vmm_system_event type;
			u64 reason;
		} system;
		struct {
			u64 code;
		} fail;
	};
};

/* Per-vCPU counters, printed by --stats. */
enum vcpu_stat {
	STAT_EXIT_MMIO_READ,
	STAT_EXIT_MMIO_WRITE,
	STAT_EXIT_SBI,
	STAT_EXIT_SYSTEM,
	STAT_EXIT_NONE,
	STAT_MMIO_UNHANDLED,  /* no device there: read as zero, write ignored */
	STAT_MMIO_BAD_ACCESS, /* a device refused the size or offset */
	STAT_SBI_UNSUPPORTED,
	STAT_SBI_LEGACY,
	STAT_SBI_BASE,
	STAT_SBI_TIME,
	STAT_SBI_IPI,
	STAT_SBI_RFENCE,
	STAT_SBI_HSM,
	STAT_SBI_SRST,
	STAT_SBI_DVB,
	STAT_IRQ_RAISE, /* external interrupt line raised towards this vCPU */
	STAT_IRQ_LOWER,
	STAT__NR,
};

extern const char *const vcpu_stat_names[STAT__NR];

/* Registers by number: pc, then x1..x31 as in the ABI; KVM's core order. */
enum vmm_reg {
	VMM_REG_PC = 0,
	VMM_REG_RA = 1,
	VMM_REG_SP = 2,
	VMM_REG_A0 = 10,
	VMM_REG_A1 = 11,
	VMM_REG_A7 = 17,
	VMM_REG_MODE = 32,    /* 1: S (VS) mode, 0: U mode */
	VMM_REG_SATP = 33,    /* the guest's (v)satp */
	VMM_REG_SSTATUS = 34, /* the guest's (v)sstatus */
	VMM_REG__NR,
};
#define VMM_SSTATUS_SIE (1ULL << 1)

enum hsm_state {
	HSM_STARTED = 0,
	HSM_STOPPED = 1,
	HSM_START_PENDING = 2,
	HSM_STOP_PENDING = 3,
	HSM_SUSPENDED = 4,
};

struct vcpu {
	struct vm *vm;
	unsigned id;
	pthread_t thread;
	struct vmm_exit exit;
	u64 stat[STAT__NR];

	/* Hart state when the core runs SBI HSM (backends without hsm_in_backend). */
	enum hsm_state hsm;
	u64 start_addr, start_opaque;

	void *priv; /* backend */
};

struct vmm_backend_ops {
	const char *name;
	unsigned max_vcpus;
	/* Guest RAM the backend can give (0: the memory map's MM_RAM_MAX), and
	 * a line for --help saying where it comes from (or NULL). */
	u64 max_mem;
	const char *mem_note;
	/* The backend parks secondary harts and runs SBI HSM itself (KVM). */
	bool hsm_in_backend;
	/* The backend can let the guest post interrupts from V mode (--vpost). */
	bool vpost;
	/* Optional: whether this host can do it now (NULL: always). */
	bool (*vpost_available)(void);

	/* Open the hypervisor and create the VM; on failure vmm_error() says why. */
	int (*init)(struct vm *vm);
	void (*destroy)(struct vm *vm);
	int (*map)(struct vm *vm, gpa_t gpa, hva_t hva, u64 size);
	int (*vcpu_init)(struct vcpu *vcpu);
	void (*vcpu_destroy)(struct vcpu *vcpu);
	/* Finish the previous exit (e.g. the answer to an MMIO load), run the
	 * guest, describe the next exit in vcpu->exit. A negative errno stops
	 * the VM; the line set with vmm_error() on this thread, if any, is what
	 * the VMM prints (say what the guest did and where). */
	int (*vcpu_run)(struct vcpu *vcpu);
	/* Make vcpu_run return soon; callable from any thread. */
	void (*vcpu_kick)(struct vcpu *vcpu);
	int (*get_reg)(struct vcpu *vcpu, enum vmm_reg reg, u64 *val);
	int (*set_reg)(struct vcpu *vcpu, enum vmm_reg reg, u64 val);
	/* Optional, for SBI HSM suspend when the core runs HSM: on the vCPU's
	 * own thread, block as the guest's WFI would, until an interrupt may be
	 * pending and enabled for it (an early return is allowed), or a kick. */
	void (*vcpu_wfi)(struct vcpu *vcpu);
	/* Raise or lower an interrupt (IRQ_S_EXT, IRQ_S_SOFT) on a vCPU; any thread. */
	int (*set_irq)(struct vcpu *vcpu, unsigned irq, bool level);
	/* Optional: the timer and fences, for backends that do not keep them. */
	int (*set_timer)(struct vcpu *vcpu, u64 deadline);
	int (*remote_fence)(struct vcpu *vcpu, unsigned long fid, u64 start, u64 size, u64 asid);
	/* Put a vCPU back to its reset state (for a guest-requested reboot). */
	int (*vcpu_reset)(struct vcpu *vcpu, bool boot);
	/* Optional: the backend's own counters, as "stats: NAME total=N vcpuI=N" lines. */
	void (*print_stats)(struct vm *vm, int fd);
};

struct plic;
struct uart;
struct test_dev;
struct doorbell;
struct virtio_dev;

enum vm_stop_kind {
	VM_RUNNING,
	VM_STOP_SHUTDOWN, /* status is the guest's exit status */
	VM_STOP_RESET,
	VM_STOP_PANIC, /* a warm reset: a Linux Image guest panicked (VM_LINUX_PANIC_ARGS) */
	VM_STOP_ERROR, /* the VMM failed */
	VM_STOP_SIGNAL,
	VM_STOP_CONSOLE, /* the user left with the console's escape sequence */
};

struct vm {
	const struct vmm_backend_ops *ops;
	const struct vm_config *cfg;
	struct guest_mem mem;
	unsigned nr_vcpus;
	struct vcpu vcpus[VMM_MAX_VCPUS];
	struct mmio_bus bus;
	u64 timebase_freq;
	char isa[64];
	bool vpost;	      /* the guest may write hu_vitr (set by the backend's init) */
	u64 guest_time_delta; /* guest time = host time + this (set by the backend) */

	struct plic *plic;
	struct uart *uart;
	struct test_dev *test;
	struct doorbell *doorbell;
	struct virtio_dev *virtio[MM_VIRTIO_COUNT];
	unsigned nr_virtio;
	int out_fd; /* console output */

	/* Boot state, computed by the loaders. */
	gpa_t entry, fdt_gpa, initrd_start, initrd_end;
	char *bootargs; /* /chosen/bootargs when not cfg->append (a Linux Image's) */

	pthread_t main_thread; /* told with SIGUSR2 when the VM stops */
	bool has_main_thread;
	pthread_mutex_t lock; /* stop state and HSM */
	pthread_cond_t cond;
	enum vm_stop_kind stop;
	int status;

	void *priv; /* backend */
};

/* Ask every vCPU to leave its run loop; the first request sets the outcome. */
void vm_request_stop(struct vm *vm, enum vm_stop_kind kind, int status);
static inline bool vm_stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stop, __ATOMIC_ACQUIRE) != VM_RUNNING;
}

static inline void vcpu_stat_inc(struct vcpu *vcpu, enum vcpu_stat s)
{
	__atomic_fetch_add(&vcpu->stat[s], 1, __ATOMIC_RELAXED);
}

/* A counter only the vCPU's own thread changes (all but the IRQ ones): a
 * plain increment. --stats reads the counters after the vCPU threads have
 * been joined. */
static inline void vcpu_stat_inc_own(struct vcpu *vcpu, enum vcpu_stat s)
{
	vcpu->stat[s]++;
}

/*
 * Exits a backend finishes on the vCPU's own thread, straight from its exit
 * handler: the core's SBI and MMIO code without a round trip through
 * vcpu->exit and the run loop. vcpu_sbi_call works on the call in place
 * (a backend's saved a0-a7 in struct sbi_call's order, or KVM's
 * kvm_run.riscv_sbi) and returns VMM_RESUME, VMM_STOP, VMM_RESTART or
 * -errno; the MMIO calls return VMM_RESUME, VMM_STOP or -errno, and a
 * failed read leaves *val zero.
 */
int vcpu_sbi_call(struct vcpu *vcpu, struct sbi_call *call);
int vcpu_mmio_read(struct vcpu *vcpu, gpa_t addr, u32 len, u64 *val);
int vcpu_mmio_write(struct vcpu *vcpu, gpa_t addr, u32 len, u64 val);

/* The exit table: one handler per exit reason, then the run loop of a vCPU. */
int vcpu_handle_exit(struct vcpu *vcpu);
void *vcpu_thread(void *arg);

/* SBI HSM helpers when the core owns hart state. */
int vcpu_hsm_start(struct vcpu *target, u64 addr, u64 opaque);
int vcpu_hsm_stop(struct vcpu *vcpu);
int vcpu_hsm_status(struct vcpu *target);
int vcpu_hsm_suspend(struct vcpu *vcpu, u64 type, u64 addr, u64 opaque, s64 *error);
/* PLIC context output -> external interrupt on the hart. */
void vm_plic_notify(void *opaque, unsigned ctx, bool level);

/* Set up a VM from a configuration, run it, tear it down: what main() does.
 * Returns the process exit status. */
int vmm_main(int argc, char **argv, const struct vmm_backend_ops *ops);
void vmm_print_stats(struct vm *vm, int fd);

#endif
