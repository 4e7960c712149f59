/* SPDX-License-Identifier: MIT */
/*
 * DuVisor, the user-level hypervisor: the DuVisor backend of the shared VMM
 * core. A vCPU thread enters the guest with HURET and gets every delegated
 * exit back in HU mode at its exit handler (entry.S); the exit table
 * (exit.c) handles stage-2 faults on RAM, WFI and interrupts itself and
 * hands MMIO and SBI calls to the core, still in HU mode, without entering
 * the kernel.
 */
#ifndef DUVISOR_DV_H
#define DUVISOR_DV_H

#include "insn.h"
#include "stage2.h"
#include "uapi/duvisor.h"
#include "vmm/vm.h"

/* Register save area; entry.S uses these offsets. */
#define DV_CTX_GPR(n) ((n)*8)
#define DV_CTX_HOST   256 /* ra sp gp tp s0..s11 */
#define DV_CTX_SIZE   (DV_CTX_HOST + 16 * 8)

struct dv_ctx {
	u64 gpr[32]; /* guest x1..x31; slot 0 unused */
	u64 host[16];
};

/* A delegated exit, captured once from the hu_* registers. */
struct dv_trap {
	u64 cause; /* hu_er */
	u64 tval;  /* hu_einfo */
	gpa_t gpa; /* hu_egpa << 2 | hu_einfo & 3 */
	u64 tinst; /* hu_einst */
	u64 vpc;
	u64 vstatus;
};

enum dv_stat {
	DV_EXIT_ECALL,
	DV_EXIT_S2_MAP, /* guest page fault on RAM: mapped */
	DV_EXIT_MMIO,	/* guest page fault elsewhere: MMIO to the core */
	DV_EXIT_WFI,
	DV_EXIT_VINSN,	    /* other virtual-instruction exits (illegal injected) */
	DV_EXIT_IRQ,	    /* a host interrupt stopped the guest (a kernel entry) */
	DV_EXIT_OTHER,	    /* any other cause reaching the handler */
	DV_INJECT,	    /* exceptions injected into the guest */
	DV_MMIO_REFETCH,    /* instruction fetch failed: guest resumed to refault */
	DV_MMIO_MISALIGNED, /* misaligned MMIO: address-misaligned exception injected */
	DV_WFI_SLEEP,	    /* WFIs that blocked in the kernel (futex) */
	DV_POST,	    /* interrupts posted through hu_vitr by this thread */
	DV_POST_IO,	    /* interrupts posted to this vCPU by I/O threads (hu_vitr) */
	DV_WAKE,	    /* futex wakes of a blocked vCPU */
	/* WFIs that returned to the guest at once, and why; and one that did not: */
	DV_WFI_PENDING,	     /* an interrupt pending and enabled in vsie */
	DV_WFI_TIMER_DUE,    /* the timer compare reached, its interrupt enabled */
	DV_WFI_TIMER_MASKED, /* compare reached, STIE clear: it sleeps (spun before) */
	DV_STAT__NR,
};

extern const char *const dv_stat_names[DV_STAT__NR];

struct dv_vm {
	int fd;
	struct duvisor_create info;
	hva_t pool;
	u64 pool_next;
	struct s2_pt s2;
	pthread_mutex_t s2_lock;
	u64 page_size; /* stage-2 granule on a fault: 4 KiB or 2 MiB */
	u64 htimedelta;
	u64 timebase;
	bool vpost; /* created with DUVISOR_VM_VPOST: the guest writes hu_vitr */
};

struct dv_vcpu {
	struct dv_ctx ctx; /* first: entry.S gets this pointer */
	struct vcpu *vcpu;
	u64 vpc, vstatus;      /* where HURET goes next */
	struct mmio_insn mmio; /* the MMIO access handed to the core */
	bool need_reset;
	u32 wake_seq;  /* futex: bumped by every post to this vCPU that may wake it */
	u32 entry_seq; /* wake_seq as the vCPU last entered the guest */
	u32 waiting;   /* set while blocked in WFI */
	u32 wait_ie;   /* vsie while blocked: posts of other interrupts do not wake it */
	u32 kick;
	u32 ext_level;	/* external interrupt line as the PLIC drives it */
	u64 refetch_pc; /* MMIO exits whose instruction could not be fetched */
	unsigned refetches;
	int tid;
	void *altstack;
	u64 stat[DV_STAT__NR];
	/* Filled when the thread exits, for --stats. */
	bool has_drv;
	struct duvisor_thread_stats drv;
	u64 nvcsw, nivcsw;
};

/* With V-mode posting a post to a vCPU blocked in WFI lands in the vCPU
 * table, which DuVisor cannot see: such a WFI sleeps at most this long. */
#define DV_VPOST_WFI_NS 1000000

/* Failed instruction fetches at one pc before the guest gets an access fault. */
#define DV_REFETCH_MAX 1000

#define DV_RESUME 0 /* HURET */
#define DV_CORE	  1 /* vcpu->exit describes an exit for the core */

/* The exit table: one handler per cause. DV_RESUME, DV_CORE or -errno. */
int dv_handle_exit(struct dv_vcpu *v, const struct dv_trap *t);
/* The stage-2 table over the driver's pool (root at offset 0), emptied. */
void dv_s2_init(struct dv_vm *d);
/* Map the RAM page (or megapage) holding gpa in stage 2; 0 or -errno. */
int dv_s2_map_ram(struct vm *vm, gpa_t gpa);
/* Enter the guest's trap handler with this exception (as a trap to VS). */
void dv_inject(struct dv_vcpu *v, u64 cause, u64 tval);
/* Supplied by the backend (and by the unit tests): block a vCPU in WFI
 * until an interrupt may be pending for it, its timer fires or a kick. */
void dv_vcpu_block(struct dv_vcpu *v);

/*
 * What a WFI does with the guest's interrupt state as it is now (vsip, vsie,
 * vstimecmp; now in guest time): DV_WFI_RETURN when an interrupt is pending
 * and enabled in vsie (whatever vsstatus.SIE says), or the timer compare is
 * reached with STIE set; else DV_WFI_BLOCK with *ticks the time until an
 * enabled timer fires, DV_WFI_FOREVER if none. A pending interrupt whose
 * vsie bit is clear wakes nothing, as the privileged spec has it for WFI:
 * Linux 6.1 leaves a reached compare with STIE clear when its tick stops.
 * Counts the reason (wfi_pending, wfi_timer_due, wfi_timer_masked).
 */
#define DV_WFI_RETURN  0
#define DV_WFI_BLOCK   1
#define DV_WFI_FOREVER (~0ULL)
int dv_wfi_wait(struct dv_vcpu *v, u64 now, u64 *ticks);

static inline void dv_stat_inc(struct dv_vcpu *v, enum dv_stat s)
{
	__atomic_fetch_add(&v->stat[s], 1, __ATOMIC_RELAXED);
}

/* entry.S */
void dv_enter(struct dv_ctx *ctx);
void dv_exit_entry(void);
void dv_signal_return(int sig);

extern const struct vmm_backend_ops dv_backend_ops;

#endif
